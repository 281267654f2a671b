package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

func runMigrate(ctx context.Context, env func(string) string, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: vega migrate up | down [N] | status\n\n  up      apply every pending migration (serve does this at start-up)\n  down N  roll back the last N migrations (default 1)\n  status  list migrations and whether each is applied")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("%v", err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageError("say up, down or status")
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, cfg.Logger(stderr), true)
	if err != nil {
		return err
	}
	defer db.Close()
	sqlDB := db.SQLDB()

	switch fs.Arg(0) {
	case "up":
		if err := db.Dialect().Up(ctx, sqlDB); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "database is up to date")
	case "down":
		n := 1
		if fs.NArg() > 1 {
			n, err = strconv.Atoi(fs.Arg(1))
			if err != nil || n < 1 {
				return usageError("down takes a positive number of migrations, got %q", fs.Arg(1))
			}
		}
		if err := db.Dialect().Down(ctx, sqlDB, n); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "rolled back %d migration(s)\n", n)
	case "status":
		st, err := db.Dialect().Status(ctx, sqlDB)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tNAME\tAPPLIED")
		for _, m := range st {
			applied := "pending"
			if m.Applied {
				applied = m.AppliedAt.UTC().Format("2006-01-02 15:04:05")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\n", m.Version, m.Name, applied)
		}
		return tw.Flush()
	default:
		fs.Usage()
		return usageError("unknown migrate action %q: say up, down or status", fs.Arg(0))
	}
	return nil
}
