package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/glebarez/go-sqlite" // database/sql driver "sqlite"
)

const backupUsage = `Usage: vega backup [--data-dir DIR] FILE

Writes a consistent copy of the database to FILE with SQLite's VACUUM INTO.
It is safe while the server runs: the copy is one snapshot of the database
(write-ahead log included), taken without stopping writers for longer than a
read. FILE must not exist. To restore, stop the server, replace vega.db in the
data directory with the copy, delete vega.db-wal and vega.db-shm if present,
and start the server.`

func runBackup(ctx context.Context, env func(string) string, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, backupUsage) }
	dataDir := fs.String("data-dir", "", "data directory (overrides VEGA_DATA_DIR)")
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("%v", err)
	}
	if len(positional) != 1 || positional[0] == "" {
		fs.Usage()
		return usageError("say the file to write the backup to")
	}
	cfg, err := loadConfig(func(k string) string {
		if k == "VEGA_DATA_DIR" && *dataDir != "" {
			return *dataDir
		}
		return env(k)
	})
	if err != nil {
		return err
	}
	target, err := cfg.Database()
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	if target.Postgres() {
		return &exitError{code: 2, msg: "vega backup copies the SQLite database; VEGA_DATABASE_URL names PostgreSQL, so back it up with PostgreSQL's own tools (pg_dump, or continuous archiving)"}
	}
	src := target.Path
	dst, err := filepath.Abs(positional[0])
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := backupSQLite(ctx, src, dst)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s (%d bytes, integrity ok) in %v\n", src, dst, n, time.Since(start).Round(time.Millisecond))
	return nil
}

// backupSQLite copies the SQLite database at src into the new file dst with
// VACUUM INTO, then checks the copy (PRAGMA integrity_check). It refuses an
// existing dst and removes a partial copy on failure. It returns the size of
// the copy.
func backupSQLite(ctx context.Context, src, dst string) (int64, error) {
	if _, err := os.Stat(src); err != nil {
		return 0, fmt.Errorf("no database at %s: %w", src, err)
	}
	if _, err := os.Lstat(dst); err == nil {
		return 0, &exitError{code: 1, msg: dst + " already exists: refusing to overwrite it; choose a new file name"}
	} else if !errors.Is(err, os.ErrNotExist) {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return 0, fmt.Errorf("create the backup's directory: %w", err)
	}
	db, err := sql.Open("sqlite", sqliteFileDSN(src, "_pragma=busy_timeout(10000)"))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		if _, statErr := os.Stat(dst); statErr == nil {
			os.Remove(dst)
		}
		return 0, fmt.Errorf("back up %s: %w", src, err)
	}
	if err := checkSQLiteFile(ctx, dst); err != nil {
		return 0, err
	}
	fi, err := os.Stat(dst)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// checkSQLiteFile runs PRAGMA integrity_check on the database at path,
// read-only.
func checkSQLiteFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", sqliteFileDSN(path, "mode=ro"))
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("check the backup %s: %w", path, err)
	}
	if res != "ok" {
		return fmt.Errorf("the backup %s failed PRAGMA integrity_check: %s", path, res)
	}
	return nil
}

// sqliteFileDSN is a file: URI for path with the given query parameters.
func sqliteFileDSN(path string, params ...string) string {
	slashed := filepath.ToSlash(path)
	if !strings.HasPrefix(slashed, "/") {
		slashed = "/" + slashed
	}
	u := url.URL{Scheme: "file", Path: slashed, RawQuery: strings.Join(params, "&")}
	return u.String()
}
