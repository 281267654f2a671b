package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/vega-ai/vega/scraper"
)

func runParse(_ context.Context, _ func(string) string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pageURL := fs.String("url", "", "the address the page was captured from (required)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: vega parse --url URL FILE\n\nReads a job page's HTML from FILE (- for standard input) and prints the job as JSON.\nExits 2 with the reason on standard error when the page is not a job posting.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("%v", err)
	}
	if *pageURL == "" || fs.NArg() != 1 {
		fs.Usage()
		return usageError("give --url and one FILE (or - for standard input)")
	}
	var r io.Reader = stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	html, err := io.ReadAll(io.LimitReader(r, scraper.MaxInputBytes+1))
	if err != nil {
		return fmt.Errorf("read page: %w", err)
	}
	job, err := scraper.Parse(*pageURL, html)
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(job)
}
