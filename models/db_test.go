package models

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"

	"github.com/vega-ai/vega/migrations"
)

// openDBForTest opens a database with opts in a fresh file under t.TempDir
// (unless opts.Path is set) and closes it when the test ends.
func openDBForTest(t *testing.T, opts Options) *DB {
	t.Helper()
	if opts.Path == "" && opts.URL == "" {
		fresh := testOptions(t)
		opts.Path, opts.URL = fresh.Path, fresh.URL
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(testLogWriter{t}, nil))
	}
	db, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// testLogWriter sends log lines to t.Log, shown only when the test fails.
type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// pragmaOf returns the value of PRAGMA name on one connection.
func pragmaOf(t *testing.T, conn *sql.Conn, name string) string {
	t.Helper()
	var v string
	if err := conn.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

// sqlState returns the PostgreSQL SQLSTATE of err, or "".
func sqlState(err error) string {
	var e interface{ SQLState() string }
	if errors.As(err, &e) {
		return e.SQLState()
	}
	return ""
}

// sqliteCode returns the SQLite result code of err, or -1.
func sqliteCode(err error) int {
	var coder interface{ Code() int }
	if errors.As(err, &coder) {
		return coder.Code()
	}
	return -1
}

func TestPragmasOnEveryConnection(t *testing.T) {
	sqliteOnly(t, "pragmas")
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprintf("skip migrations %t", skip), func(t *testing.T) {
			db := openDBForTest(t, Options{BusyTimeout: 1234 * time.Millisecond, ReadConns: 6, SkipMigrations: skip})
			pools := []struct {
				name      string
				pool      *sql.DB
				conns     int
				queryOnly string
			}{
				{"write", db.SQLDB(), 1, "0"},
				{"read", db.read, 4, "1"},
			}
			for _, p := range pools {
				// Holding the connections at once makes them distinct.
				conns := make([]*sql.Conn, p.conns)
				for i := range conns {
					c, err := p.pool.Conn(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					defer c.Close()
					conns[i] = c
				}
				for i, c := range conns {
					for pragma, want := range map[string]string{
						"journal_mode": "wal",
						"busy_timeout": "1234",
						"synchronous":  "1", // NORMAL
						"foreign_keys": "1",
						"query_only":   p.queryOnly,
					} {
						if got := pragmaOf(t, c, pragma); got != want {
							t.Errorf("%s pool, connection %d: %s = %s, want %s", p.name, i, pragma, got, want)
						}
					}
				}
			}
			if n := db.read.Stats().OpenConnections; n < 4 {
				t.Errorf("read pool has %d open connections, want at least the 4 checked", n)
			}
			if max := db.SQLDB().Stats().MaxOpenConnections; max != 1 {
				t.Errorf("write pool allows %d connections, want 1", max)
			}
		})
	}
}

func TestPragmaDefaults(t *testing.T) {
	sqliteOnly(t, "pragmas")
	opts := Options{}.withDefaults()
	if opts.BusyTimeout != 5*time.Second || opts.ReadConns < 4 || opts.Logger == nil {
		t.Errorf("defaults = %+v", opts)
	}
	db := openDBForTest(t, Options{})
	c, err := db.read.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := pragmaOf(t, c, "busy_timeout"); got != "5000" {
		t.Errorf("default busy_timeout = %s, want 5000", got)
	}
}

// TestDBWriteTransactionsAreImmediate checks that a write transaction holds
// the write lock from BEGIN: another connection that will not wait cannot
// write while it is open, even before the transaction has written anything.
func TestDBWriteTransactionsAreImmediate(t *testing.T) {
	sqliteOnly(t, "BEGIN IMMEDIATE and SQLITE_BUSY")
	path := filepath.Join(t.TempDir(), "vega.db")
	db := openDBForTest(t, Options{Path: path})
	other, err := sql.Open(sqlite.DriverName, path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	tx := db.Write.Begin()
	if tx.Error != nil {
		t.Fatal(tx.Error)
	}
	_, err = other.Exec(`INSERT INTO companies (name) VALUES ('Acme')`)
	if code := sqliteCode(err); code&0xff != 5 { // SQLITE_BUSY
		t.Errorf("write beside an open, empty write transaction = %v (code %d), want SQLITE_BUSY", err, code)
	}
	if err := tx.Rollback().Error; err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(`INSERT INTO companies (name) VALUES ('Acme')`); err != nil {
		t.Errorf("write after the transaction ended: %v", err)
	}
}

// TestDBConcurrentWriters runs many read-then-write transactions at once from
// two handles on one file, as the server and a CLI command would. Deferred
// transactions would fail here with "database is locked"; IMMEDIATE ones
// queue.
func TestDBConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vega.db")
	handles := []*DB{openDBForTest(t, Options{Path: path}), openDBForTest(t, Options{Path: path, SkipMigrations: true})}
	const writers = 24
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- handles[i%2].Write.Transaction(func(tx *gorm.DB) error {
				var n int64
				if err := tx.Table("users").Count(&n).Error; err != nil {
					return err
				}
				time.Sleep(time.Millisecond) // widen the read-to-write window
				return tx.Exec(`INSERT INTO users (username, password) VALUES (?, ?)`, fmt.Sprintf("user%02d", i), fmt.Sprint(n)).Error
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("write transaction: %v", err)
		}
	}
	var users, profiles int64
	if err := handles[0].Read.Table("users").Count(&users).Error; err != nil {
		t.Fatal(err)
	}
	if err := handles[1].Read.Table("profiles").Count(&profiles).Error; err != nil {
		t.Fatal(err)
	}
	if users != writers || profiles != writers {
		t.Errorf("%d users and %d profiles, want %d of each", users, profiles, writers)
	}
}

// TestDBReaderNotBlockedByWriter checks WAL: while a write transaction is
// open, readers still read, and see only what was committed.
func TestDBReaderNotBlockedByWriter(t *testing.T) {
	db := openDBForTest(t, Options{BusyTimeout: 10 * time.Second})
	if err := db.Write.Exec(`INSERT INTO companies (name) VALUES ('Before')`).Error; err != nil {
		t.Fatal(err)
	}
	inTx, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Write.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(`INSERT INTO companies (name) VALUES ('During')`).Error; err != nil {
				return err
			}
			close(inTx)
			<-release
			return nil
		})
	}()
	select {
	case <-inTx:
	case err := <-done:
		t.Fatalf("write transaction ended early: %v", err)
	}

	// Far below the busy timeout: a reader waiting for the lock would fail.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var names []string
	if err := db.Read.WithContext(ctx).Table("companies").Order("name").Pluck("name", &names).Error; err != nil {
		t.Fatalf("read during a write transaction: %v", err)
	}
	if strings.Join(names, ",") != "Before" {
		t.Errorf("read during a write transaction saw %v, want only the committed [Before]", names)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	names = nil
	if err := db.Read.Table("companies").Order("name").Pluck("name", &names).Error; err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "Before,During" {
		t.Errorf("after commit the reader sees %v, want [Before During]", names)
	}
}

func TestDBReadPoolRefusesWrites(t *testing.T) {
	db := openDBForTest(t, Options{})
	tests := []struct {
		name string
		stmt string
	}{
		{"insert", `INSERT INTO companies (name) VALUES ('Acme')`},
		{"create table", `CREATE TABLE scratch (id INTEGER)`},
		{"delete", `DELETE FROM users`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Read.Exec(tt.stmt).Error
			if code := sqliteCode(err); code&0xff != 8 && sqlState(err) != "25006" { // SQLITE_READONLY, read_only_sql_transaction
				t.Errorf("read pool: %s = %v, want a read-only error", tt.stmt, err)
			}
		})
	}
	if err := db.Write.Exec(tests[0].stmt).Error; err != nil {
		t.Errorf("write pool: %v", err)
	}
}

func TestDBForeignKeysEnforced(t *testing.T) {
	db := openDBForTest(t, Options{})
	err := db.Write.Exec(`INSERT INTO jobs (user_id, title, description, company_id) VALUES (42, 't', 'd', 42)`).Error
	if code := sqliteCode(err); code != 787 && sqlState(err) != "23503" { // SQLITE_CONSTRAINT_FOREIGNKEY, foreign_key_violation
		t.Errorf("job of a missing user = %v, want a foreign key violation", err)
	}
}

// TestDBCloseCheckpoints keeps a second connection open so that SQLite does
// not checkpoint and delete the -wal file on its own when the write pool's
// connection closes: an empty -wal file after Close is Close's checkpoint.
func TestDBCloseCheckpoints(t *testing.T) {
	sqliteOnly(t, "the write-ahead log file")
	path := filepath.Join(t.TempDir(), "vega.db")
	db, err := Open(context.Background(), Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	observer, err := sql.Open(sqlite.DriverName, path)
	if err != nil {
		t.Fatal(err)
	}
	defer observer.Close()
	if err := observer.Ping(); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if err := db.Write.Exec(`INSERT INTO companies (name) VALUES (?)`, fmt.Sprint("company ", i)).Error; err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("before Close the -wal file should hold the writes: %v, %v", fi, err)
	}
	// Having read, the observer keeps a shared lock on the file, as another
	// process would, so the write pool's last connection cannot delete the
	// -wal file when it closes.
	var n int
	if err := observer.QueryRow(`SELECT COUNT(*) FROM companies`).Scan(&n); err != nil || n != 50 {
		t.Fatalf("observer sees %d companies (%v), want 50", n, err)
	}

	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if fi, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("after Close: %v, want an empty -wal file", err)
	} else if fi.Size() != 0 {
		t.Errorf("after Close the -wal file has %d bytes, want 0", fi.Size())
	}
	if err := observer.QueryRow(`SELECT COUNT(*) FROM companies`).Scan(&n); err != nil || n != 50 {
		t.Errorf("after Close the file holds %d companies (%v), want 50", n, err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := db.Ping(context.Background()); err == nil {
		t.Error("Ping after Close succeeded")
	}
}

func TestOpenPaths(t *testing.T) {
	sqliteOnly(t, "database files")
	tests := []struct {
		name string
		rel  string
	}{
		{"plain", "vega.db"},
		{"missing directories", "a/b/c/vega.db"},
		{"characters that mean something in a URI", "dir with space/q?x=1#frag%20/vega 1.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			path := filepath.Join(root, tt.rel)
			db := openDBForTest(t, Options{Path: path})
			if err := db.Ping(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("database file not at %s: %v", path, err)
			}
			if fi, err := os.Stat(filepath.Dir(path)); err != nil || (filepath.Dir(path) != root && fi.Mode().Perm() != 0o700) {
				t.Errorf("directory %s: %v %v, want mode 0700", filepath.Dir(path), fi.Mode(), err)
			}
			// Only the database and its -wal and -shm files: no file made
			// from a path cut short at '?' or '#'.
			err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				if p != path && p != path+"-wal" && p != path+"-shm" {
					t.Errorf("stray file %s", p)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOpenRefusesBadPaths(t *testing.T) {
	sqliteOnly(t, "database files")
	for _, path := range []string{"", ":memory:", "file::memory:?cache=shared"} {
		if db, err := Open(context.Background(), Options{Path: path}); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
}

func TestOpenMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vega.db")

	db, err := Open(ctx, Options{Path: path, SkipMigrations: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := migrations.Status(ctx, db.SQLDB())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.Applied {
			t.Errorf("SkipMigrations applied %+v", s)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if st, err = migrations.Status(ctx, db.SQLDB()); err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if !s.Applied {
			t.Errorf("Open left %+v pending", s)
		}
	}
	var users int64
	if err := db.Read.Table("users").Count(&users).Error; err != nil {
		t.Errorf("schema missing after Open: %v", err)
	}
	if err := db.Write.Exec(`INSERT INTO schema_migrations (version, name) VALUES (99999, 'from_the_future')`).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	if db, err := Open(ctx, Options{Path: path}); !errors.Is(err, migrations.ErrSchemaTooNew) {
		if err == nil {
			db.Close()
		}
		t.Errorf("Open of a newer database = %v, want ErrSchemaTooNew", err)
	}
}

// TestDBLogging checks what reaches the log: not failed statements (their
// callers handle them), but slow ones, as warnings, without bound values.
func TestDBLogging(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	db := openDBForTest(t, Options{Logger: log})
	if err := db.Write.Exec(`INSERT INTO users (username) VALUES (?)`, "ann").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Write.Exec(`INSERT INTO users (username) VALUES (?)`, "ann").Error; err == nil {
		t.Fatal("duplicate username accepted")
	}
	if buf.Len() != 0 {
		t.Errorf("a failed statement was logged:\n%s", &buf)
	}

	// A statement that took a second, as GORM reports it after running it.
	stmt := db.Write.Session(&gorm.Session{DryRun: true}).Exec(`SELECT * FROM users WHERE password = ?`, "s3cret").Statement
	sqlText, params := db.Write.Logger.(gorm.ParamsFilter).ParamsFilter(context.Background(), stmt.SQL.String(), stmt.Vars...)
	db.Write.Logger.Trace(context.Background(), time.Now().Add(-time.Second), func() (string, int64) {
		return db.Write.Dialector.Explain(sqlText, params...), 0
	}, errors.New("boom"))
	out := buf.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "SELECT * FROM users WHERE password") {
		t.Errorf("slow statement not logged as a warning:\n%s", out)
	}
	if strings.Contains(out, "s3cret") {
		t.Errorf("slow statement logged with its bound value:\n%s", out)
	}
}

// TestOpenConcurrently opens one new file from several goroutines at once, as
// two processes starting together would: every Open succeeds and each
// migration is applied once.
func TestOpenConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vega.db")
	const openers = 6
	var wg sync.WaitGroup
	dbs := make([]*DB, openers)
	errs := make([]error, openers)
	for i := range openers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dbs[i], errs[i] = Open(context.Background(), Options{Path: path})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
			continue
		}
		defer dbs[i].Close()
	}
	if t.Failed() {
		return
	}
	known, err := migrations.SQLite.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var recorded int64
	if err := dbs[0].Read.Table("schema_migrations").Count(&recorded).Error; err != nil {
		t.Fatal(err)
	}
	if recorded != int64(len(known)) {
		t.Errorf("schema_migrations has %d rows, want %d", recorded, len(known))
	}
}

// TestDBPoolsKeepSeparateConfigs guards against sharing one *gorm.Config
// between the pools: GORM stores the connection in it, and a shared config
// made a prepared-statement session on Write run on the read-only pool.
func TestDBPoolsKeepSeparateConfigs(t *testing.T) {
	db := openDBForTest(t, Options{})
	if db.Write.Config == db.Read.Config {
		t.Fatal("write and read pools share one *gorm.Config")
	}
	err := db.Write.Session(&gorm.Session{PrepareStmt: true}).Exec("INSERT INTO companies (name) VALUES ('Prepared Co')").Error
	if err != nil {
		t.Fatalf("a prepared write on the write pool failed: %v", err)
	}
}
