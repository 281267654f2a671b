package pgtest

import (
	"context"
	"database/sql"
	"os"
	"testing"
)

// TestNewDatabase gets a database, writes to it, and checks that each call
// gives a separate, empty one.
func TestNewDatabase(t *testing.T) {
	if Off() {
		t.Skip(EnvVar + "=off")
	}
	ctx := context.Background()
	open := func(u string) *sql.DB {
		db, err := sql.Open("pgx", u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(NewDatabase(t)), open(NewDatabase(t))
	if _, err := a.ExecContext(ctx, `CREATE TABLE t (x int); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := a.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("count = %d, %v", n, err)
	}
	if _, err := b.ExecContext(ctx, `SELECT 1 FROM t`); err == nil {
		t.Fatal("the second database sees the first one's table")
	}
	var tz string
	if err := a.QueryRowContext(ctx, `SHOW timezone`).Scan(&tz); err != nil {
		t.Fatal(err)
	}
	t.Logf("server timezone %s", tz)
}

func TestMain(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}
