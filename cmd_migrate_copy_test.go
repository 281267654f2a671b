package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vega-ai/vega/internal/pgtest"
	"github.com/vega-ai/vega/models"
)

// TestMain stops the PostgreSQL server the copy tests may have started.
func TestMain(m *testing.M) { pgtest.Run(m) }

// TestMigrateCopyMovesASQLiteInstall copies a SQLite file with a user and a
// job into an empty PostgreSQL database: per-table counts and a final line
// are printed, the data is there, and a second copy into the now full
// database is refused.
func TestMigrateCopyMovesASQLiteInstall(t *testing.T) {
	if pgtest.Off() {
		t.Skip(pgtest.EnvVar + "=off: migrate copy needs a PostgreSQL server")
	}
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "vega.db")
	src, err := models.Open(ctx, models.Options{Path: file})
	if err != nil {
		t.Fatal(err)
	}
	store := models.NewStore(src)
	hash := "$2a$10$abcdefghijklmnopqrstuu0123456789abcdefghijklmnopqrstu"
	u := &models.User{Username: "ada", Password: &hash}
	if err := store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	job, _, err := store.SaveJob(ctx, u.ID, &models.Job{Title: "Platform Engineer", Description: "Run it."}, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	url := pgtest.NewDatabase(t)

	code, out, errOut := runCLI(t, testEnv(t), "", "migrate", "copy", "--from", file, "--to", url)
	if code != 0 {
		t.Fatalf("migrate copy: exit %d\n%s\n%s", code, out, errOut)
	}
	t.Logf("output:\n%s", out)
	for _, want := range []string{`(?m)^  users\s+1 rows$`, `(?m)^  profiles\s+1 rows$`, `(?m)^  jobs\s+1 rows$`,
		`(?m)^  companies\s+1 rows$`, `(?m)^  sessions\s+0 rows$`, `(?m)^Copied 4 rows in \d+ tables from .*vega\.db to postgres://`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("output does not match %s", want)
		}
	}

	dst, err := models.Open(ctx, models.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	got, err := models.NewStore(dst).UserByUsername(ctx, "ada")
	if err != nil || got.ID != u.ID || !got.HasPassword() {
		t.Fatalf("ada on the target: %+v, %v", got, err)
	}
	if j, err := models.NewStore(dst).Job(ctx, u.ID, job.ID); err != nil || j.Title != "Platform Engineer" {
		t.Errorf("the job on the target: %+v, %v", j, err)
	}

	code, out, errOut = runCLI(t, testEnv(t), "", "migrate", "copy", "--from", file, "--to", url)
	if code != 1 || !strings.Contains(errOut, "not empty") {
		t.Errorf("second copy: exit %d, stdout %q, stderr %q; want a refusal", code, out, errOut)
	}
	t.Logf("second copy: %s", strings.TrimSpace(errOut))
	if out != "" {
		t.Errorf("second copy started copying: %q", out)
	}
}

// TestMigrateCopyUsageErrors checks the mistakes refused before any database
// is opened: exit status 2, a message naming the fix, and no file created.
func TestMigrateCopyUsageErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("not a database, just some notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	const pg = "postgres://vega@127.0.0.1:1/vega"
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no flags", nil, "--from is required"},
		{"no target", []string{"--from", missing}, "--to is required"},
		{"no source", []string{"--to", pg}, "--from is required"},
		{"a SQLite target", []string{"--from", text, "--to", "sqlite:///tmp/x.db"}, "--to must be a PostgreSQL URL"},
		{"a target without a database", []string{"--from", text, "--to", "postgres://vega@localhost"}, "--to must be a PostgreSQL URL"},
		{"a missing source", []string{"--from", missing, "--to", pg}, "no such file"},
		{"a source that is not SQLite", []string{"--from", text, "--to", pg}, "not a SQLite database"},
		{"a directory", []string{"--from", dir, "--to", pg}, "not a file"},
		{"a stray argument", []string{"--from", text, "--to", pg, "extra"}, `unexpected argument "extra"`},
		{"an unknown flag", []string{"--form", text}, "flag provided but not defined"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, testEnv(t), "", append([]string{"migrate", "copy"}, c.args...)...)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, c.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("the missing source was created: %v", err)
	}
	if code, _, errOut := runCLI(t, testEnv(t), "", "migrate", "copy", "--help"); code != 0 || !strings.Contains(errOut, "--from FILE --to URL") {
		t.Errorf("migrate copy --help: exit %d, %q", code, errOut)
	}
}
