package models

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestErrorVocabulary(t *testing.T) {
	ve := &ValidationError{}
	ve.Add("title", "is required")
	ve.Add("title", "second message is ignored")
	ve.Add("company", "is required")
	if !errors.Is(ve, ErrInvalid) || errors.Is(ve, ErrNotFound) {
		t.Error("ValidationError must match ErrInvalid only")
	}
	if got := ve.Error(); got != "invalid input: company is required; title is required" {
		t.Errorf("Error() = %q", got)
	}
	ce := &ConflictError{Resource: "user", Field: "username", ExistingID: 3}
	if !errors.Is(ce, ErrConflict) || errors.Is(ce, ErrInvalid) {
		t.Error("ConflictError must match ErrConflict only")
	}
	if got := ce.Error(); got != "user with this username already exists" {
		t.Errorf("Error() = %q", got)
	}
	if errors.Is(ErrNoOwner, ErrInvalid) || errors.Is(ErrNoOwner, ErrNotFound) {
		t.Error("ErrNoOwner must not look like a client error")
	}
}

func TestDatabaseErrorsAreTranslatedWithoutTheirText(t *testing.T) {
	s, db := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	c, err := s.UpsertCompany(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		sql  string
		args []any
		want error
	}{
		{"unique", "INSERT INTO users (username) VALUES ('alice')", nil, ErrConflict},
		{"foreign key", "INSERT INTO jobs (user_id, title, description, company_id) VALUES (?, 't', 'd', 424242)", []any{u.ID}, ErrInvalid},
		{"not null", "INSERT INTO companies (name) VALUES (NULL)", nil, ErrInvalid},
		{"check", "INSERT INTO jobs (user_id, title, description, company_id, match_score) VALUES (?, 't', 'd', ?, -1)", []any{u.ID, c.ID}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := db.Write.WithContext(ctx).Exec(tt.sql, tt.args...).Error
			if raw == nil {
				t.Fatal("statement succeeded")
			}
			err := wrapDB("op", raw)
			if !errors.Is(err, tt.want) {
				t.Fatalf("wrapDB(%v) = %v, want %v", raw, err, tt.want)
			}
			if strings.Contains(err.Error(), "constraint") || strings.Contains(err.Error(), "SQLITE") {
				t.Errorf("translated error leaks database text: %q", err)
			}
			if !errors.Is(err, raw) {
				t.Error("the original error is not reachable for logging")
			}
		})
	}
	other := errors.New("disk I/O error")
	if err := wrapDB("op", other); !errors.Is(err, other) || errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) {
		t.Errorf("wrapDB of an unknown error = %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := s.Jobs(cctx, u.ID, JobFilter{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Jobs with a cancelled context = %v, want context.Canceled", err)
	}
}
