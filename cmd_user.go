package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vega-ai/vega/auth"
	"github.com/vega-ai/vega/models"
)

const userUsage = `Usage:
  vega user create --username NAME [--admin] [--password-stdin | --password PW]
  vega user list
  vega user set-role NAME user|admin
  vega user delete NAME --yes

create reads the password from standard input with --password-stdin (safer than
--password, which other users of the machine can see in the process list).
delete removes the account and everything it owns.`

func runUser(ctx context.Context, env func(string) string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, userUsage)
		if len(args) == 0 {
			return usageError("say create, list, set-role or delete")
		}
		return nil
	}
	action, args := args[0], args[1:]
	fs := flag.NewFlagSet("user "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, userUsage) }
	username := fs.String("username", "", "account name (create)")
	admin := fs.Bool("admin", false, "give the account the admin role (create)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (create)")
	pwFlag := fs.String("password", "", "the password (create; prefer --password-stdin)")
	yes := fs.Bool("yes", false, "confirm deletion (delete)")
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("%v", err)
	}

	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, cfg.Logger(stderr), false)
	if err != nil {
		return err
	}
	defer db.Close()
	store := models.NewStore(db)

	switch action {
	case "create":
		if *username == "" {
			return usageError("create needs --username")
		}
		pw := *pwFlag
		if *pwStdin {
			line, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("read password: %w", err)
			}
			pw = strings.TrimRight(line, "\r\n")
		}
		if pw == "" {
			return usageError("create needs a password: --password-stdin (recommended) or --password")
		}
		hash, err := auth.HashPassword(pw, cfg.BcryptCost)
		if err != nil {
			return usageError("%v", err)
		}
		role := models.RoleUser
		if *admin {
			role = models.RoleAdmin
		}
		u := &models.User{Username: *username, Password: &hash, Role: role}
		if err := store.CreateUser(ctx, u); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s %q (id %d)\n", u.Role, u.Username, u.ID)
	case "list":
		users, err := store.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSERNAME\tROLE\tPASSWORD\tLAST LOGIN\tCREATED")
		for _, u := range users {
			last := "never"
			if u.LastLogin != nil {
				last = u.LastLogin.UTC().Format(time.DateTime)
			}
			pw := "set"
			if u.Password == nil {
				pw = "none (OAuth only)"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.Role, pw, last, u.CreatedAt.UTC().Format(time.DateTime))
		}
		return tw.Flush()
	case "set-role":
		if len(positional) != 2 {
			return usageError("set-role takes a username and a role (user or admin)")
		}
		u, err := store.UserByUsername(ctx, positional[0])
		if err != nil {
			return userLookupError(positional[0], err)
		}
		if err := store.SetRole(ctx, u.ID, models.Role(positional[1])); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%q is now %s\n", u.Username, positional[1])
	case "delete":
		if len(positional) != 1 {
			return usageError("delete takes one username")
		}
		if !*yes {
			return usageError("deleting %q removes the account and every job, profile and document it owns; add --yes to confirm", positional[0])
		}
		u, err := store.UserByUsername(ctx, positional[0])
		if err != nil {
			return userLookupError(positional[0], err)
		}
		if err := store.DeleteUser(ctx, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "deleted %q and everything it owned\n", u.Username)
	default:
		fmt.Fprintln(stderr, userUsage)
		return usageError("unknown user action %q", action)
	}
	return nil
}

func userLookupError(name string, err error) error {
	if errors.Is(err, models.ErrNotFound) {
		return &exitError{code: 1, msg: fmt.Sprintf("no user named %q (see `vega user list`)", name)}
	}
	return err
}

// parseInterspersed parses flags that may come before, between or after the
// positional arguments ("delete ada --yes"), returning the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
