package models

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestOpenPostgresErrors: a PostgreSQL URL that cannot be used gives an
// error that says what is wrong and never shows the password.
func TestOpenPostgresErrors(t *testing.T) {
	for _, tt := range []struct {
		name, url, want string
	}{
		{"nobody listening", "postgres://vega:hunter2@127.0.0.1:1/vega?sslmode=disable&connect_timeout=2", "127.0.0.1"},
		{"unparsable", "postgres://vega:hunter2@host:notaport/vega", "cannot parse the PostgreSQL URL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			db, err := Open(ctx, Options{URL: tt.url})
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error = %q, want it to mention %q and not the password", err, tt.want)
			}
		})
	}
}

// TestTimesReadBackInUTC: on PostgreSQL, as on SQLite, times read back are
// in UTC whatever the zone they were written in.
func TestTimesReadBackInUTC(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	got, err := s.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.CreatedAt.Location() != time.UTC || got.CreatedAt.IsZero() {
		t.Errorf("CreatedAt = %v (%v), want a UTC time", got.CreatedAt, got.CreatedAt.Location())
	}
	if !got.CreatedAt.Equal(u.CreatedAt) {
		t.Errorf("CreatedAt read back %v, written %v", got.CreatedAt, u.CreatedAt)
	}
}
