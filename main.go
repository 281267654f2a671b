// Command vega is the Vega AI server and its console tools.
//
//	vega                      start the server (same as `vega serve`)
//	vega serve                start the server
//	vega migrate up|down|status|copy
//	vega user create|list|set-role|delete
//	vega parse --url URL FILE read a job page and print the job as JSON
//
// Configuration comes from environment variables; `vega --help` lists them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vega-ai/vega/config"
)

// exitError carries a process exit code with its message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageError is a command-line mistake: exit status 2 with a hint.
func usageError(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

type command struct {
	name, summary string
	run           func(ctx context.Context, env func(string) string, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"serve", "Start the HTTP server (the default with no command).", runServe},
		{"migrate", "Apply or roll back database migrations (up, down [N], status), or copy a SQLite install to PostgreSQL.", runMigrate},
		{"user", "Manage accounts at the console: create, list, set-role, delete.", runUser},
		{"parse", "Read a job page's HTML and print the job as JSON.", runParse},
		{"backup", "Copy the live database to a new file (VACUUM INTO).", runBackup},
	}
}

func main() {
	os.Exit(run(context.Background(), os.Getenv, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit status.
func run(ctx context.Context, env func(string) string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		printUsage(stdout)
		return 0
	}
	if name == "help" {
		printUsage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(ctx, env, args, stdin, stdout, stderr)
		if err == nil {
			return 0
		}
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintln(stderr, "vega "+name+": "+ee.msg)
			}
			return ee.code
		}
		fmt.Fprintln(stderr, "vega "+name+": "+err.Error())
		return 1
	}
	fmt.Fprintf(stderr, "vega: unknown command %q; run `vega --help` to see the commands\n", name)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Vega AI: a self-hosted job-search companion.")
	fmt.Fprintln(w, "\nUsage: vega [command] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `vega COMMAND --help` for a command's flags.")
	fmt.Fprintln(w, "\nEnvironment:")
	for _, v := range config.Vars {
		fmt.Fprintf(w, "  %-22s %s (default: %s)\n", v.Name, v.Help, v.Default)
	}
}
