package models

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/vega-ai/vega/migrations"
)

// openPostgres opens the write and read pools on the PostgreSQL database
// opts.URL. Everything PostgreSQL-specific about opening lives here.
//
// Every connection runs with TimeZone=UTC, so times read back are in UTC as
// on SQLite, and the read pool's connections default to read-only
// transactions, so a write through Read fails as it does on SQLite.
func openPostgres(ctx context.Context, opts Options) (*DB, error) {
	name := redactURL(opts.URL)
	db := &DB{log: opts.Logger, dialect: migrations.Postgres}
	fail := func(err error) (*DB, error) {
		db.closePools()
		return nil, fmt.Errorf("models: open %s: %w", name, err)
	}
	pool := func(readOnly bool, size int) (*sql.DB, error) {
		cfg, err := pgx.ParseConfig(opts.URL)
		if err != nil {
			// pgx's message can quote the URL, password and all.
			return nil, fmt.Errorf("cannot parse the PostgreSQL URL (want postgres://user:password@host:5432/dbname?sslmode=disable)")
		}
		cfg.RuntimeParams["timezone"] = "UTC"
		cfg.RuntimeParams["application_name"] = "vega"
		if readOnly {
			cfg.RuntimeParams["default_transaction_read_only"] = "on"
		}
		if cfg.ConnectTimeout == 0 {
			cfg.ConnectTimeout = 10 * time.Second
		}
		// Read timestamptz values in UTC, as SQLite's are.
		p := stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(func(_ context.Context, c *pgx.Conn) error {
			c.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
				Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
			return nil
		}))
		p.SetMaxOpenConns(size)
		p.SetMaxIdleConns(size)
		p.SetConnMaxIdleTime(5 * time.Minute)
		return p, nil
	}
	var err error
	if db.write, err = pool(false, opts.WriteConns); err != nil {
		return fail(err)
	}
	if err := db.write.PingContext(ctx); err != nil {
		return fail(err)
	}
	if db.read, err = pool(true, opts.ReadConns); err != nil {
		return fail(err)
	}
	if err := db.read.PingContext(ctx); err != nil {
		return fail(err)
	}
	if db.Write, err = gorm.Open(postgres.New(postgres.Config{Conn: db.write}), gormConfig(opts.Logger)); err != nil {
		return fail(err)
	}
	if db.Read, err = gorm.Open(postgres.New(postgres.Config{Conn: db.read}), gormConfig(opts.Logger)); err != nil {
		return fail(err)
	}
	opts.Logger.Debug("database opened", slog.String("url", name),
		slog.Int("write_conns", opts.WriteConns), slog.Int("read_conns", opts.ReadConns))
	return db, nil
}

// redactURL returns a database URL fit for logs and errors: without its
// password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(PostgreSQL URL)"
	}
	return u.Redacted()
}

// lockCreateUser is the serialize key of every user creation: rare enough
// that one lock for all costs nothing, and it keeps usernames unique in any
// letter case.
const lockCreateUser = "create user"

// serialize makes the write transactions that call it with the same key run
// their check-then-insert one after the other, until commit. SQLite needs
// nothing (it has one writer); PostgreSQL takes a transaction-scoped
// advisory lock on the key's hash.
func (s *Store) serialize(tx *gorm.DB, key string) error {
	if s.db.dialect != migrations.Postgres {
		return nil
	}
	return tx.Exec(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, key).Error
}
