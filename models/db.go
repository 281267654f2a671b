package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/vega-ai/vega/migrations"
)

// Options configures Open. The zero value of every field but Path or URL is
// a sensible default.
type Options struct {
	// Path is the SQLite database file. Its directory is created (mode 0700)
	// if missing.
	Path string
	// URL, when set, names a PostgreSQL database (postgres://user:pass@host/db)
	// and Path is ignored.
	URL string
	// WriteConns is the size of PostgreSQL's write pool; default 16. (SQLite
	// always writes through one connection.)
	WriteConns int
	// BusyTimeout is how long a connection waits for a lock held by another
	// connection (or process) before failing; default 5s.
	BusyTimeout time.Duration
	// ReadConns is the size of the read pool; default max(4, 2*GOMAXPROCS).
	ReadConns int
	// SkipMigrations opens the database without applying pending migrations
	// (for `vega migrate`, which runs them itself).
	SkipMigrations bool
	// Logger receives GORM's warnings and errors (slow queries, failed
	// statements, without their parameters); default slog.Default().
	Logger *slog.Logger
}

const (
	defaultBusyTimeout = 5 * time.Second
	slowQuery          = 200 * time.Millisecond
)

// withDefaults returns o with its zero fields filled in.
func (o Options) withDefaults() Options {
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = defaultBusyTimeout
	}
	if o.WriteConns <= 0 {
		o.WriteConns = 16
	}
	if o.ReadConns <= 0 {
		o.ReadConns = max(4, 2*runtime.GOMAXPROCS(0))
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// DB is the application's database. On SQLite (the default) it is a file in
// WAL mode, written through one connection and read through a pool, so there
// is only ever one writer and readers never wait for it. On PostgreSQL both
// pools have several connections and the store serialises the few
// check-then-insert steps that need it (see lockKey).
type DB struct {
	// Write is the write pool: a single connection whose transactions begin
	// IMMEDIATE, taking the write lock up front, so concurrent writers queue
	// (in the pool, or for busy_timeout across processes) instead of failing
	// with "database is locked". Inside Write.Transaction use the tx it
	// hands you, never Write itself: the one connection is busy with the
	// transaction and a second call would wait for it forever.
	Write *gorm.DB
	// Read is the read pool. Its connections are query_only: a write through
	// Read fails. It sees only committed data, never a write transaction's
	// pending changes.
	Read *gorm.DB

	write, read *sql.DB
	dialect     migrations.Dialect
	log         *slog.Logger
	closeOnce   sync.Once
	closeErr    error
}

// Open opens the database: PostgreSQL at opts.URL when it is set, else the
// SQLite file at opts.Path, creating the file and its directory if needed.
// It applies pending migrations unless opts.SkipMigrations, and fails with an
// error wrapping migrations.ErrSchemaTooNew when the database was migrated
// by a newer release.
func Open(ctx context.Context, opts Options) (*DB, error) {
	opts = opts.withDefaults()
	var (
		db   *DB
		err  error
		name = opts.Path
	)
	if opts.URL != "" {
		name = redactURL(opts.URL)
		db, err = openPostgres(ctx, opts)
	} else {
		db, err = openSQLite(ctx, opts)
	}
	if err != nil {
		return nil, err
	}
	if !opts.SkipMigrations {
		if err := db.dialect.Up(ctx, db.write); err != nil {
			db.closePools()
			return nil, fmt.Errorf("models: migrate %s: %w", name, err)
		}
	}
	return db, nil
}

// gormConfig returns a new GORM configuration. Each pool needs its own:
// GORM keeps the pointer and stores the connection pool in it, so a shared
// one would send writes to the read pool.
func gormConfig(log *slog.Logger) *gorm.Config {
	return &gorm.Config{
		Logger: quietErrors{logger.NewSlogLogger(log, logger.Config{
			LogLevel:                  logger.Warn,
			SlowThreshold:             slowQuery,
			IgnoreRecordNotFoundError: true,
			ParameterizedQueries:      true, // keep user data out of the logs
		})},
		NowFunc: func() time.Time { return time.Now().UTC() },
	}
}

// openSQLite opens the write and read pools on the SQLite file opts.Path.
// Everything SQLite-specific about opening lives here and in sqliteDSN.
func openSQLite(ctx context.Context, opts Options) (*DB, error) {
	if opts.Path == "" {
		return nil, errors.New("models: no database path")
	}
	if opts.Path == ":memory:" || strings.HasPrefix(opts.Path, "file:") {
		return nil, fmt.Errorf("models: database path %q: want a file path (an in-memory database would differ between the read and write pools)", opts.Path)
	}
	path, err := filepath.Abs(opts.Path)
	if err != nil {
		return nil, fmt.Errorf("models: database path: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("models: create database directory: %w", err)
	}

	db := &DB{log: opts.Logger, dialect: migrations.SQLite}
	fail := func(err error) (*DB, error) {
		db.closePools()
		return nil, fmt.Errorf("models: open %s: %w", path, err)
	}

	// The writer connects first: its connection switches the file to WAL,
	// which the query_only readers could not do.
	if db.write, err = sql.Open(sqlite.DriverName, sqliteDSN(path, opts.BusyTimeout, false)); err != nil {
		return fail(err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	var mode string
	if err := db.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fail(err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fail(fmt.Errorf("journal_mode is %q, not wal (is the file on a network file system?)", mode))
	}

	if db.read, err = sql.Open(sqlite.DriverName, sqliteDSN(path, opts.BusyTimeout, true)); err != nil {
		return fail(err)
	}
	db.read.SetMaxOpenConns(opts.ReadConns)
	db.read.SetMaxIdleConns(opts.ReadConns)
	if err := db.read.PingContext(ctx); err != nil {
		return fail(err)
	}

	if db.Write, err = gorm.Open(sqlite.Dialector{Conn: db.write}, gormConfig(opts.Logger)); err != nil {
		return fail(err)
	}
	if db.Read, err = gorm.Open(sqlite.Dialector{Conn: db.read}, gormConfig(opts.Logger)); err != nil {
		return fail(err)
	}
	opts.Logger.Debug("database opened", slog.String("path", path), slog.Int("read_conns", opts.ReadConns))
	return db, nil
}

// quietErrors is a GORM logger that does not log failed statements: the
// error goes back to the caller, which decides whether it is worth a log line
// (a duplicate username is not). Slow statements are still logged, as warnings.
type quietErrors struct{ logger.Interface }

// LogMode returns a quietErrors at level.
func (l quietErrors) LogMode(level logger.LogLevel) logger.Interface {
	return quietErrors{l.Interface.LogMode(level)}
}

// Trace logs a statement if it was slow, whether or not it failed.
func (l quietErrors) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), _ error) {
	l.Interface.Trace(ctx, begin, fc, nil)
}

// ParamsFilter passes on the wrapped logger's filter, which keeps bound
// values out of logged SQL.
func (l quietErrors) ParamsFilter(ctx context.Context, sql string, params ...any) (string, []any) {
	if f, ok := l.Interface.(gorm.ParamsFilter); ok {
		return f.ParamsFilter(ctx, sql, params...)
	}
	return sql, params
}

// sqliteDSN returns the DSN of the SQLite file at the absolute path for the
// github.com/glebarez/go-sqlite driver. Every setting is in the DSN, so the
// driver applies it to each connection it opens, in this order:
//
//   - busy_timeout: wait for another connection's lock instead of failing.
//   - journal_mode(WAL): readers and the writer do not block each other.
//   - synchronous(NORMAL): safe in WAL mode, without an fsync per commit.
//   - foreign_keys(ON): enforce the schema's foreign keys and ON DELETE.
//   - journal_size_limit: truncate the -wal file to 64 MiB after checkpoints.
//   - query_only(1), read pool: refuse any write.
//   - _txlock=immediate, write pool: BEGIN IMMEDIATE takes the write lock
//     when the transaction starts, so it cannot fail upgrading later.
//
// The driver ignores _txlock when _time_format is also given (v1.21.2 returns
// early), so do not add _time_format; its default format is already the one
// "sqlite" would select.
func sqliteDSN(path string, busyTimeout time.Duration, readOnly bool) string {
	params := []string{
		fmt.Sprintf("_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()),
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(NORMAL)",
		"_pragma=foreign_keys(ON)",
		"_pragma=journal_size_limit(67108864)",
	}
	if readOnly {
		params = append(params, "_pragma=query_only(1)")
	} else {
		params = append(params, "_txlock=immediate")
	}
	// A file: URI, escaped, so that any path works, even one with '?' or '#'.
	slashed := filepath.ToSlash(path)
	if !strings.HasPrefix(slashed, "/") {
		slashed = "/" + slashed // C:/x -> /C:/x, as SQLite wants on Windows
	}
	u := url.URL{Scheme: "file", Path: slashed, RawQuery: strings.Join(params, "&")}
	return u.String()
}

// Ping checks that both pools can reach the database.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("models: ping write pool: %w", err)
	}
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("models: ping read pool: %w", err)
	}
	return nil
}

// SQLDB returns the write pool's *sql.DB, for running migrations.
func (db *DB) SQLDB() *sql.DB { return db.write }

// Dialect returns the database's SQL dialect: migrations.SQLite or
// migrations.Postgres.
func (db *DB) Dialect() migrations.Dialect { return db.dialect }

// Close closes the read pool, then, on SQLite, lets SQLite update its query
// planner statistics (PRAGMA optimize), folds the write-ahead log into the
// database file and truncates it (PRAGMA wal_checkpoint(TRUNCATE)), and
// closes the write pool. Closing again returns the first result.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		ctx := context.Background()
		var errs []error
		if err := db.read.Close(); err != nil {
			errs = append(errs, fmt.Errorf("models: close read pool: %w", err))
		}
		if db.dialect != migrations.SQLite {
			if err := db.write.Close(); err != nil {
				errs = append(errs, fmt.Errorf("models: close write pool: %w", err))
			}
			db.closeErr = errors.Join(errs...)
			return
		}
		if _, err := db.write.ExecContext(ctx, "PRAGMA optimize"); err != nil {
			errs = append(errs, fmt.Errorf("models: optimize: %w", err))
		}
		var busy, walPages, checkpointed int
		if err := db.write.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &walPages, &checkpointed); err != nil {
			errs = append(errs, fmt.Errorf("models: checkpoint: %w", err))
		} else if busy != 0 {
			// Another process is reading; its next checkpoint will finish the job.
			db.log.Warn("database checkpoint incomplete at close", slog.Int("wal_pages", walPages), slog.Int("checkpointed", checkpointed))
		}
		if err := db.write.Close(); err != nil {
			errs = append(errs, fmt.Errorf("models: close write pool: %w", err))
		}
		db.closeErr = errors.Join(errs...)
	})
	return db.closeErr
}

// closePools closes whichever pools are open, after a failed Open.
func (db *DB) closePools() {
	for _, p := range []*sql.DB{db.read, db.write} {
		if p != nil {
			_ = p.Close()
		}
	}
}
