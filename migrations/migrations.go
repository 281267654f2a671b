// Package migrations owns the database schema: numbered SQL files embedded in
// the binary, one folder per SQL dialect, and a small runner that applies them.
//
// A migration is a pair of files NNNNN_name.up.sql and NNNNN_name.down.sql in
// the dialect's folder: sqlite/ for the embedded SQLite database, postgres/
// for PostgreSQL. Both folders hold the same versions with the same names,
// and each PostgreSQL migration gives the schema its SQLite twin gives, with
// the type mapping described at the top of postgres/00001_initial.up.sql;
// the package's tests compare the two schemas after every version and fail
// on any difference. Each migration runs in one transaction together with
// the row that records it in schema_migrations, so a failed migration leaves
// no trace. On PostgreSQL the runner holds an advisory lock while it
// migrates, so servers starting together on one database take turns.
// Migrations are never edited once released: a change to the schema is a new
// pair of files, one in each folder.
//
// SQLite note for future migrations: PRAGMA foreign_keys cannot change inside
// a transaction, so a migration that rebuilds a table (create new, copy, drop
// old, rename) must not rely on turning foreign keys off; it can use
// PRAGMA defer_foreign_keys = ON, which does work inside the transaction.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Dialect names a SQL dialect. Its migrations live in the folder of the same
// name; adding a dialect means adding a folder, a constant and the folder to
// the go:embed pattern. The runner's own statements are written with "?"
// placeholders and rebound for PostgreSQL.
type Dialect string

const (
	// SQLite is the dialect of the embedded SQLite database (folder sqlite/).
	SQLite Dialect = "sqlite"
	// Postgres is PostgreSQL's dialect (folder postgres/). Its migrations give
	// the same tables, columns, constraints, indexes and trigger as SQLite's,
	// with the type mapping described in postgres/00001_initial.up.sql.
	Postgres Dialect = "postgres"
)

// advisoryLockKey is the PostgreSQL advisory lock held while migrating, so
// that Vega servers starting together against one database migrate it once,
// one after the other. (It spells "vegamigr" in ASCII.)
const advisoryLockKey int64 = 0x766567616d696772

// conn is what the runner needs of *sql.DB or *sql.Conn.
type conn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// rebind rewrites the runner's "?" placeholders for the dialect.
func (d Dialect) rebind(query string) string {
	if d != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// locked runs fn on one connection of db; on PostgreSQL it holds the
// migration advisory lock meanwhile, so concurrent runners take turns.
func (d Dialect) locked(ctx context.Context, db *sql.DB, fn func(conn) error) error {
	if d != Postgres {
		return fn(db)
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, advisoryLockKey); err != nil {
		return fmt.Errorf("migrations: take the migration lock: %w", err)
	}
	defer func() {
		// A fresh context: the lock must go even if ctx was cancelled.
		_, _ = c.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, advisoryLockKey)
	}()
	return fn(c)
}

// ErrSchemaTooNew is returned when the database records a migration this
// binary does not know, typically because a newer release already migrated it.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary")

// Migration is one numbered schema change with its SQL in both directions.
type Migration struct {
	Version int
	Name    string
	Up      string
	Down    string
}

// MigrationStatus reports whether one migration has been applied, and when.
type MigrationStatus struct {
	Version   int
	Name      string
	Applied   bool
	AppliedAt time.Time // zero unless Applied
}

// Up applies every pending SQLite migration in version order.
func Up(ctx context.Context, db *sql.DB) error { return SQLite.Up(ctx, db) }

// Down rolls back the last steps applied SQLite migrations, newest first.
func Down(ctx context.Context, db *sql.DB, steps int) error { return SQLite.Down(ctx, db, steps) }

// Status reports every known SQLite migration and whether it is applied.
func Status(ctx context.Context, db *sql.DB) ([]MigrationStatus, error) {
	return SQLite.Status(ctx, db)
}

var fileName = regexp.MustCompile(`^(\d+)_([a-z0-9_]+)\.(up|down)\.sql$`)

// Migrations returns the dialect's embedded migrations sorted by version. It
// fails if a file is misnamed, a version is repeated or lacks one direction.
func (d Dialect) Migrations() ([]Migration, error) {
	if _, err := fs.Stat(files, string(d)); err != nil {
		return nil, fmt.Errorf("migrations: unknown dialect %q", d)
	}
	return parse(files, string(d))
}

// parse reads the migrations in folder dir of fsys.
func parse(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	byVersion := map[int]*Migration{}
	for _, e := range entries {
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migrations: %s/%s: name is not NNNNN_name.(up|down).sql", dir, e.Name())
		}
		version, err := strconv.Atoi(m[1])
		if err != nil || version < 1 {
			return nil, fmt.Errorf("migrations: %s/%s: version must be a number from 1", dir, e.Name())
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		mig := byVersion[version]
		if mig == nil {
			mig = &Migration{Version: version, Name: m[2]}
			byVersion[version] = mig
		}
		if mig.Name != m[2] {
			return nil, fmt.Errorf("migrations: %s: version %d has two names, %q and %q", dir, version, mig.Name, m[2])
		}
		sqlText := &mig.Up
		if m[3] == "down" {
			sqlText = &mig.Down
		}
		if *sqlText != "" {
			return nil, fmt.Errorf("migrations: %s: version %d has two %s files", dir, version, m[3])
		}
		*sqlText = string(body)
	}
	out := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		if m.Up == "" || m.Down == "" {
			return nil, fmt.Errorf("migrations: %s: version %d (%s) needs both an up and a down file", dir, m.Version, m.Name)
		}
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	return out, nil
}

// Up applies every pending migration in version order, each in its own
// transaction. It returns ErrSchemaTooNew, changing nothing, if the database
// records a version this binary does not know.
func (d Dialect) Up(ctx context.Context, db *sql.DB) error {
	known, err := d.Migrations()
	if err != nil {
		return err
	}
	return d.locked(ctx, db, func(c conn) error { return d.up(ctx, c, known) })
}

// up applies the pending migrations of known, which is sorted by version.
func (d Dialect) up(ctx context.Context, db conn, known []Migration) error {
	applied, err := d.load(ctx, db, known)
	if err != nil {
		return err
	}
	for _, m := range known {
		if _, ok := applied[m.Version]; ok {
			continue
		}
		if err := d.apply(ctx, db, m, true); err != nil {
			return err
		}
	}
	return nil
}

// Down rolls back the last steps applied migrations, newest first, each in
// its own transaction. A steps larger than the number applied rolls back all
// of them; steps below 1 is an error.
func (d Dialect) Down(ctx context.Context, db *sql.DB, steps int) error {
	known, err := d.Migrations()
	if err != nil {
		return err
	}
	return d.locked(ctx, db, func(c conn) error { return d.down(ctx, c, known, steps) })
}

// down rolls back the last steps applied migrations of known.
func (d Dialect) down(ctx context.Context, db conn, known []Migration, steps int) error {
	if steps < 1 {
		return fmt.Errorf("migrations: down needs at least 1 step, got %d", steps)
	}
	applied, err := d.load(ctx, db, known)
	if err != nil {
		return err
	}
	for i := len(known) - 1; i >= 0 && steps > 0; i-- {
		if _, ok := applied[known[i].Version]; !ok {
			continue
		}
		if err := d.apply(ctx, db, known[i], false); err != nil {
			return err
		}
		steps--
	}
	return nil
}

// Status reports every known migration, in version order, and whether it is
// applied. Unlike Up and Down it does not refuse a newer database: versions
// recorded there but unknown here are listed too, as applied.
func (d Dialect) Status(ctx context.Context, db *sql.DB) ([]MigrationStatus, error) {
	known, err := d.Migrations()
	if err != nil {
		return nil, err
	}
	var out []MigrationStatus
	err = d.locked(ctx, db, func(c conn) error {
		out, err = d.status(ctx, c, known)
		return err
	})
	return out, err
}

// status reports the migrations of known and any unknown applied versions.
func (d Dialect) status(ctx context.Context, db conn, known []Migration) ([]MigrationStatus, error) {
	applied, err := d.appliedVersions(ctx, db)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(known))
	for _, m := range known {
		s, ok := applied[m.Version]
		out = append(out, MigrationStatus{Version: m.Version, Name: m.Name, Applied: ok, AppliedAt: s.AppliedAt})
		delete(applied, m.Version)
	}
	for _, s := range applied {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b MigrationStatus) int { return a.Version - b.Version })
	return out, nil
}

// load returns the applied versions, refusing a database that records a
// version missing from known.
func (d Dialect) load(ctx context.Context, db conn, known []Migration) (map[int]MigrationStatus, error) {
	applied, err := d.appliedVersions(ctx, db)
	if err != nil {
		return nil, err
	}
	latest := 0
	if len(known) > 0 {
		latest = known[len(known)-1].Version
	}
	for v, s := range applied {
		switch {
		case v > latest:
			return nil, fmt.Errorf("migrations: database is at version %d (%s), this binary knows up to %d; upgrade it: %w",
				v, s.Name, latest, ErrSchemaTooNew)
		case !slices.ContainsFunc(known, func(m Migration) bool { return m.Version == v }):
			return nil, fmt.Errorf("migrations: database records version %d (%s), which this binary does not have", v, s.Name)
		}
	}
	return applied, nil
}

// apply runs one migration up or down in a transaction together with the
// schema_migrations row that records it. It checks the row again inside the
// transaction, so two processes migrating at once do not both apply it (on
// SQLite the write lock, on PostgreSQL the advisory lock, orders them).
func (d Dialect) apply(ctx context.Context, db conn, m Migration, up bool) (err error) {
	dir, body, record := "down", m.Down, `DELETE FROM schema_migrations WHERE version = ?`
	args := []any{m.Version}
	if up {
		dir, body, record = "up", m.Up, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`
		args = append(args, m.Name)
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("migrations: %s %05d_%s: %w", dir, m.Version, m.Name, err)
		}
	}()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var n int
	if err := tx.QueryRowContext(ctx, d.rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.Version).Scan(&n); err != nil {
		return err
	}
	if (n == 1) == up { // someone else got there first
		return tx.Rollback()
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, d.rebind(record), args...); err != nil {
		return err
	}
	return tx.Commit()
}

// appliedVersions creates schema_migrations if needed and returns its rows.
func (d Dialect) appliedVersions(ctx context.Context, db conn) (map[int]MigrationStatus, error) {
	timestamp := "TIMESTAMP"
	if d == Postgres {
		timestamp = "TIMESTAMPTZ"
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at `+timestamp+` NOT NULL DEFAULT CURRENT_TIMESTAMP)`); err != nil {
		return nil, fmt.Errorf("migrations: create schema_migrations: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT version, name, applied_at FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("migrations: read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[int]MigrationStatus{}
	for rows.Next() {
		s := MigrationStatus{Applied: true}
		if err := rows.Scan(&s.Version, &s.Name, &s.AppliedAt); err != nil {
			return nil, fmt.Errorf("migrations: read schema_migrations: %w", err)
		}
		applied[s.Version] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migrations: read schema_migrations: %w", err)
	}
	return applied, nil
}
