package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// sessionTestStore opens a fresh migrated database with a controllable clock.
func sessionTestStore(t *testing.T) (*Store, *time.Time) {
	t.Helper()
	s, _ := newTestStore(t)
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s.now = func() time.Time { return now }
	return s, &now
}

func sessionTestUser(t *testing.T, s *Store, name string) *User {
	t.Helper()
	u := &User{Username: name}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

var hashSeq int

// testHash returns a distinct fake token hash.
func testHash() string {
	hashSeq++
	sum := sha256.Sum256([]byte(fmt.Sprint("token-", hashSeq)))
	return hex.EncodeToString(sum[:])
}

func newTestSession(t *testing.T, s *Store, userID int64, kind SessionKind, family string, now time.Time) *Session {
	t.Helper()
	sess := &Session{UserID: userID, TokenHash: testHash(), FamilyID: family, Kind: kind,
		UserAgent: "test-agent", IP: "192.0.2.1", ExpiresAt: now.Add(30 * 24 * time.Hour)}
	if err := s.CreateSession(context.Background(), sess); err != nil {
		t.Fatal(err)
	}
	return sess
}

func TestSessionIsFoundByTokenHashAndKindOnly(t *testing.T) {
	ctx := context.Background()
	s, now := sessionTestStore(t)
	u := sessionTestUser(t, s, "alice")
	api := newTestSession(t, s, u.ID, SessionAPI, "fam-a", *now)
	if api.ID == 0 || !api.CreatedAt.Equal(*now) || !api.LastUsedAt.Equal(*now) {
		t.Fatalf("created session = %+v", api)
	}
	got, err := s.SessionByToken(ctx, SessionAPI, api.TokenHash)
	if err != nil || got.ID != api.ID || got.UserID != u.ID || got.FamilyID != "fam-a" || got.UserAgent != "test-agent" {
		t.Fatalf("SessionByToken = %+v, %v", got, err)
	}
	if _, err := s.SessionByToken(ctx, SessionWeb, api.TokenHash); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an api token was accepted as a web session: %v", err)
	}
	if _, err := s.SessionByToken(ctx, SessionAPI, testHash()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
}

func TestCreateSessionValidates(t *testing.T) {
	ctx := context.Background()
	s, now := sessionTestStore(t)
	u := sessionTestUser(t, s, "alice")
	base := func() *Session {
		return &Session{UserID: u.ID, TokenHash: testHash(), FamilyID: "f", Kind: SessionAPI, ExpiresAt: now.Add(time.Hour)}
	}
	tests := []struct {
		name  string
		edit  func(*Session)
		field string
	}{
		{"short hash", func(x *Session) { x.TokenHash = "abc" }, "token_hash"},
		{"no family", func(x *Session) { x.FamilyID = "" }, "family_id"},
		{"unknown kind", func(x *Session) { x.Kind = "ssh" }, "kind"},
		{"already expired", func(x *Session) { x.ExpiresAt = *now }, "expires_at"},
	}
	for _, tt := range tests {
		x := base()
		tt.edit(x)
		var ve *ValidationError
		if err := s.CreateSession(ctx, x); !errors.As(err, &ve) || ve.Field(tt.field) == "" {
			t.Errorf("%s: error = %v, want a field error on %s", tt.name, err, tt.field)
		}
	}
	x := base()
	x.UserID = 0
	if err := s.CreateSession(ctx, x); !errors.Is(err, ErrNoOwner) {
		t.Errorf("no owner: %v", err)
	}
	x = base()
	x.UserID = u.ID + 100
	if err := s.CreateSession(ctx, x); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown user: %v, want ErrInvalid", err)
	}
	x = base()
	x.UserAgent = strings.Repeat("é", 2000)
	if err := s.CreateSession(ctx, x); err != nil || len([]rune(x.UserAgent)) != MaxSessionUserAgentChars {
		t.Errorf("long user agent: %v, %d runes", err, len([]rune(x.UserAgent)))
	}
	dup := base()
	dup.TokenHash = x.TokenHash
	if err := s.CreateSession(ctx, dup); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate token hash: %v, want ErrConflict", err)
	}
}

func TestRotateSessionChainsTheFamily(t *testing.T) {
	ctx := context.Background()
	s, now := sessionTestStore(t)
	u := sessionTestUser(t, s, "alice")
	first := newTestSession(t, s, u.ID, SessionAPI, "fam", *now)
	signedIn := *now

	*now = now.Add(time.Hour)
	newHash := testHash()
	next, err := s.RotateSession(ctx, first.TokenHash, newHash, now.Add(30*24*time.Hour), "agent-2", "198.51.100.7")
	if err != nil {
		t.Fatal(err)
	}
	if next.UserID != u.ID || next.FamilyID != "fam" || next.TokenHash != newHash || next.ID == first.ID ||
		!next.CreatedAt.Equal(signedIn) || !next.LastUsedAt.Equal(*now) || next.UserAgent != "agent-2" {
		t.Fatalf("rotated session = %+v", next)
	}
	if _, err := s.SessionByToken(ctx, SessionAPI, first.TokenHash); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the rotated-out token is still active: %v", err)
	}
	head, err := s.ActiveFamily(ctx, u.ID, "fam")
	if err != nil || head.ID != next.ID {
		t.Fatalf("ActiveFamily = %+v, %v; want the new row", head, err)
	}
	list, err := s.Sessions(ctx, u.ID)
	if err != nil || len(list) != 1 || list[0].ID != next.ID {
		t.Fatalf("Sessions = %+v, %v; want the one head", list, err)
	}
}

func TestReplayingARotatedTokenRevokesTheFamily(t *testing.T) {
	ctx := context.Background()
	s, now := sessionTestStore(t)
	u := sessionTestUser(t, s, "alice")
	first := newTestSession(t, s, u.ID, SessionAPI, "fam", *now)
	newTestSession(t, s, u.ID, SessionAPI, "other", *now)
	next, err := s.RotateSession(ctx, first.TokenHash, testHash(), now.Add(time.Hour), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RotateSession(ctx, first.TokenHash, testHash(), now.Add(time.Hour), "", ""); !errors.Is(err, ErrSessionReused) {
		t.Fatalf("replay = %v, want ErrSessionReused", err)
	}
	if _, err := s.SessionByToken(ctx, SessionAPI, next.TokenHash); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the newest token of a replayed family still works: %v", err)
	}
	if _, err := s.RotateSession(ctx, next.TokenHash, testHash(), now.Add(time.Hour), "", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("rotating the revoked newest token = %v, want ErrNotFound", err)
	}
	if _, err := s.ActiveFamily(ctx, u.ID, "fam"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ActiveFamily of a revoked family: %v", err)
	}
	if _, err := s.ActiveFamily(ctx, u.ID, "other"); err != nil {
		t.Fatalf("another family of the same user was revoked too: %v", err)
	}
}

func TestExpiredOrWebTokensDoNotRotate(t *testing.T) {
	ctx := context.Background()
	s, now := sessionTestStore(t)
	u := sessionTestUser(t, s, "alice")
	api := newTestSession(t, s, u.ID, SessionAPI, "a", *now)
	web := newTestSession(t, s, u.ID, SessionWeb, "w", *now)
	if _, err := s.RotateSession(ctx, web.TokenHash, testHash(), now.Add(time.Hour), "", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a web session rotated as a refresh token: %v", err)
	}
	*now = api.ExpiresAt
	if _, err := s.RotateSession(ctx, api.TokenHash, testHash(), now.Add(time.Hour), "", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired token rotated: %v", err)
	}
	if _, err := s.SessionByToken(ctx, SessionWeb, web.TokenHash); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired web session found: %v", err)
	}
	// The next sign-in prunes the expired rows.
	newTestSession(t, s, u.ID, SessionAPI, "b", *now)
	var n int64
	s.db.Read.Model(&Session{}).Where("user_id = ?", u.ID).Count(&n)
	if n != 1 {
		t.Fatalf("%d session rows after pruning, want 1", n)
	}
}

func TestRevokingIsScopedToTheOwner(t *testing.T) {
	ctx := context.Background()
	s, now := sessionTestStore(t)
	alice := sessionTestUser(t, s, "alice")
	bob := sessionTestUser(t, s, "bob")
	a1 := newTestSession(t, s, alice.ID, SessionAPI, "a1", *now)
	a2 := newTestSession(t, s, alice.ID, SessionWeb, "a2", *now)
	a3 := newTestSession(t, s, alice.ID, SessionAPI, "a3", *now)
	b1 := newTestSession(t, s, bob.ID, SessionAPI, "b1", *now)

	if err := s.RevokeSession(ctx, bob.ID, a1.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob revoked alice's session: %v", err)
	}
	if _, err := s.ActiveFamily(ctx, bob.ID, "a1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob sees alice's family: %v", err)
	}
	if err := s.RevokeSession(ctx, alice.ID, a1.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeSession(ctx, alice.ID, a1.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoking twice: %v, want ErrNotFound", err)
	}
	n, err := s.RevokeUserSessions(ctx, alice.ID, "a3")
	if err != nil || n != 1 {
		t.Fatalf("RevokeUserSessions = %d, %v; want 1 (a2)", n, err)
	}
	list, _ := s.Sessions(ctx, alice.ID)
	if len(list) != 1 || list[0].ID != a3.ID {
		t.Fatalf("alice's sessions = %+v, want only a3", list)
	}
	if _, err := s.SessionByToken(ctx, SessionWeb, a2.TokenHash); !errors.Is(err, ErrNotFound) {
		t.Fatal("a2 still active")
	}
	if list, _ := s.Sessions(ctx, bob.ID); len(list) != 1 || list[0].ID != b1.ID {
		t.Fatalf("bob's sessions changed: %+v", list)
	}
	got, err := s.RevokeSessionToken(ctx, SessionAPI, a3.TokenHash)
	if err != nil || got.ID != a3.ID {
		t.Fatalf("RevokeSessionToken = %+v, %v", got, err)
	}
	if _, err := s.RevokeSessionToken(ctx, SessionAPI, testHash()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
}

func TestDeletingAUserDeletesItsSessions(t *testing.T) {
	ctx := context.Background()
	s, now := sessionTestStore(t)
	u := sessionTestUser(t, s, "alice")
	sess := newTestSession(t, s, u.ID, SessionAPI, "f", *now)
	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByToken(ctx, SessionAPI, sess.TokenHash); !errors.Is(err, ErrNotFound) {
		t.Fatalf("session survived its user: %v", err)
	}
	var n int64
	s.db.Read.Model(&Session{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d session rows left", n)
	}
}

func TestTouchSession(t *testing.T) {
	ctx := context.Background()
	s, now := sessionTestStore(t)
	u := sessionTestUser(t, s, "alice")
	other := sessionTestUser(t, s, "bob")
	sess := newTestSession(t, s, u.ID, SessionWeb, "f", *now)
	later := now.Add(time.Hour)
	if err := s.TouchSession(ctx, other.ID, sess.ID, later.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchSession(ctx, u.ID, sess.ID, later); err != nil {
		t.Fatal(err)
	}
	got, err := s.SessionByToken(ctx, SessionWeb, sess.TokenHash)
	if err != nil || !got.LastUsedAt.Equal(later) {
		t.Fatalf("last used = %v, %v; want %v (and not bob's touch)", got.LastUsedAt, err, later)
	}
}
