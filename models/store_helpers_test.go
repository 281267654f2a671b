package models

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/vega-ai/vega/internal/pgtest"
)

// TestMain runs every test of the package on SQLite, then on PostgreSQL.
func TestMain(m *testing.M) { pgtest.Main(m) }

// testOptions returns Options naming a fresh, empty database for t: a SQLite
// file under t.TempDir, or in the PostgreSQL pass a new PostgreSQL database.
func testOptions(t testing.TB) Options {
	t.Helper()
	if pgtest.Postgres() {
		return Options{URL: pgtest.NewDatabase(t)}
	}
	return Options{Path: filepath.Join(t.TempDir(), "vega.db")}
}

// sqliteOnly skips t in the PostgreSQL pass, saying why: the test checks
// something only SQLite has (a pragma, a file, a single writer).
func sqliteOnly(t testing.TB, why string) {
	t.Helper()
	if pgtest.Postgres() {
		t.Skip("SQLite only: " + why)
	}
}

// newTestStore opens a fresh, migrated database (see testOptions) and
// returns a Store over it; the database is closed when the test ends.
func newTestStore(t testing.TB) (*Store, *DB) {
	t.Helper()
	db, err := Open(context.Background(), testOptions(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return NewStore(db), db
}

// mustCreateUser creates a user called name.
func mustCreateUser(t testing.TB, s *Store, name string) *User {
	t.Helper()
	u := &User{Username: name}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("CreateUser(%q): %v", name, err)
	}
	return u
}

// mustSaveJob saves a job titled title at company from url for userID.
func mustSaveJob(t testing.TB, s *Store, userID int64, title, company, url string) *Job {
	t.Helper()
	j := &Job{Title: title, Description: "Description of " + title}
	if url != "" {
		j.SourceURL = &url
	}
	got, _, err := s.SaveJob(context.Background(), userID, j, company)
	if err != nil {
		t.Fatalf("SaveJob(%q): %v", title, err)
	}
	return got
}

// wantErr fails the test unless errors.Is(err, target).
func wantErr(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

// wantFieldError fails the test unless err is a *ValidationError naming
// field.
func wantFieldError(t testing.TB, err error, field string) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v, want a *ValidationError on %q", err, field)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("errors.Is(%v, ErrInvalid) = false", err)
	}
	if ve.Field(field) == "" {
		t.Fatalf("ValidationError %v has no message for %q", ve, field)
	}
}

func ptr[T any](v T) *T { return &v }

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
