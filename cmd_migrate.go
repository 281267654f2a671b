package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/dbcopy"
	"github.com/vega-ai/vega/models"
)

const migrateUsage = `Usage: vega migrate up | down [N] | status
       vega migrate copy --from FILE --to URL

  up      apply every pending migration (serve does this at start-up)
  down N  roll back the last N migrations (default 1)
  status  list migrations and whether each is applied
  copy    copy a SQLite install into an empty PostgreSQL database
          (vega migrate copy --help says more)

up, down and status act on the configured database (VEGA_DATABASE_URL).`

const migrateCopyUsage = `Usage: vega migrate copy --from FILE --to URL

Copies every row of every table of the SQLite database FILE (vega.db in the
data directory) into the PostgreSQL database URL
(postgres://user:password@host:5432/dbname?sslmode=disable), keeping ids, in
one transaction: if anything fails, no row is written.

  --from FILE  the SQLite database; it must exist
  --to URL     a postgres:// or postgresql:// URL of a database without rows

Both databases are first migrated to this release's schema, as vega serve
would do: that is the only change made to FILE. A target holding any row is
refused. Text PostgreSQL cannot store (NUL bytes, invalid UTF-8) is repaired
and listed, never dropped. Stop the server first, so that nothing is written
to FILE after the copy; then start it with VEGA_DATABASE_URL=URL.`

func runMigrate(ctx context.Context, env func(string) string, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, migrateUsage) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("%v", err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageError("say up, down, status or copy")
	}
	if fs.Arg(0) == "copy" {
		return runMigrateCopy(ctx, fs.Args()[1:], stdout, stderr)
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
		return usageError("unknown migrate action %q: say up, down, status or copy", fs.Arg(0))
	}
	return nil
}

// runMigrateCopy runs "vega migrate copy --from FILE --to URL".
func runMigrateCopy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, migrateCopyUsage) }
	from := fs.String("from", "", "the SQLite database file to copy")
	to := fs.String("to", "", "the PostgreSQL database to copy into")
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("%v", err)
	}
	usage := func(format string, args ...any) error {
		fs.Usage()
		return usageError(format, args...)
	}
	switch {
	case len(positional) > 0:
		return usage("unexpected argument %q: say --from FILE --to URL", positional[0])
	case *from == "":
		return usage("--from is required: the SQLite database file to copy, such as ./data/vega.db")
	case *to == "":
		return usage("--to is required: the PostgreSQL database to copy into, postgres://user:password@host:5432/dbname")
	}
	target := config.Database{URL: *to}
	if u, err := url.Parse(*to); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") ||
		u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return usage("--to must be a PostgreSQL URL with a host and a database name, postgres://user:password@host:5432/dbname (or postgresql://), not %s", target)
	}
	if err := checkSQLiteSource(*from); err != nil {
		return usage("--from %s: %v", *from, err)
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	// The target first, unmigrated: a wrong URL or a database in use is
	// refused before either database is changed.
	dst, err := models.Open(ctx, models.Options{URL: *to, SkipMigrations: true, WriteConns: 2, ReadConns: 1, Logger: log})
	if err != nil {
		return err
	}
	defer dst.Close()
	notEmpty := func(err error) error {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: %v", target, err)}
	}
	if err := dbcopy.CheckEmpty(ctx, dst); err != nil {
		if errors.Is(err, dbcopy.ErrNotEmpty) {
			return notEmpty(err)
		}
		return err
	}
	src, err := models.Open(ctx, models.Options{Path: *from, ReadConns: 1, Logger: log})
	if err != nil {
		return err
	}
	defer src.Close()
	if err := dst.Dialect().Up(ctx, dst.SQLDB()); err != nil {
		return fmt.Errorf("migrate %s: %w", target, err)
	}

	fmt.Fprintf(stdout, "Copying %s to %s\n", *from, target)
	start := time.Now()
	rep, err := dbcopy.Copy(ctx, src, dst, func(table string, rows int64) {
		fmt.Fprintf(stdout, "  %-22s %9d rows\n", table, rows)
	})
	if err != nil {
		if errors.Is(err, dbcopy.ErrNotEmpty) {
			return notEmpty(err)
		}
		return fmt.Errorf("%v; nothing was copied: the target's tables are as they were", err)
	}
	if rep.Repaired > 0 {
		fmt.Fprintf(stdout, "Repaired %d text value(s) PostgreSQL cannot store as they were (NUL bytes dropped, invalid UTF-8 replaced by U+FFFD):\n", rep.Repaired)
		for _, r := range rep.Repairs {
			fmt.Fprintf(stdout, "  %s\n", r)
		}
		if more := rep.Repaired - int64(len(rep.Repairs)); more > 0 {
			fmt.Fprintf(stdout, "  and %d more\n", more)
		}
	}
	fmt.Fprintf(stdout, "Copied %d rows in %d tables from %s to %s in %v; start Vega with VEGA_DATABASE_URL set to it.\n",
		rep.Rows, len(rep.Tables), *from, target, time.Since(start).Round(time.Millisecond))
	return nil
}

// checkSQLiteSource checks that path is an existing SQLite database file,
// so that the copy never creates an empty one by mistake.
func checkSQLiteSource(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return errors.New("no such file; give the SQLite database to copy (vega.db in the data directory)")
	}
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return errors.New("not a file; give the SQLite database to copy (vega.db in the data directory)")
	}
	if st.Size() == 0 {
		if _, err := os.Stat(path + "-wal"); err == nil {
			return nil // all of it still in the write-ahead log
		}
		return errors.New("an empty file, not a SQLite database")
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	header := make([]byte, 16)
	if _, err := io.ReadFull(f, header); err != nil || !bytes.Equal(header, []byte("SQLite format 3\x00")) {
		return errors.New("not a SQLite database")
	}
	return nil
}
