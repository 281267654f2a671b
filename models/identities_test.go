package models

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCreateUserWithIdentityMakesTheUsernameUnique(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	mustCreateUser(t, s, "Ada")
	mustCreateUser(t, s, "ada2")

	u, err := s.CreateUserWithIdentity(ctx, "ada", &Identity{Provider: "google", Subject: "g-1", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "ada3" || u.HasPassword() || u.Role != RoleUser {
		t.Fatalf("user = %+v, want ada3 without a password, role user", u)
	}
	ids, err := s.Identities(ctx, u.ID)
	if err != nil || len(ids) != 1 || ids[0].Provider != "google" || ids[0].Subject != "g-1" || ids[0].Email != "ada@example.com" {
		t.Fatalf("identities = %+v, %v", ids, err)
	}
	found, err := s.IdentityBySubject(ctx, "google", "g-1")
	if err != nil || found.UserID != u.ID {
		t.Fatalf("IdentityBySubject = %+v, %v; want user %d", found, err, u.ID)
	}
	if _, err := s.IdentityBySubject(ctx, "github", "g-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("same subject at another provider = %v, want ErrNotFound", err)
	}

	// A suffix never makes the name too long.
	long := strings.Repeat("x", MaxUsernameChars)
	mustCreateUser(t, s, long)
	u2, err := s.CreateUserWithIdentity(ctx, long, &Identity{Provider: "google", Subject: "g-2"})
	if err != nil || len(u2.Username) != MaxUsernameChars || !strings.HasSuffix(u2.Username, "2") {
		t.Fatalf("long name = %q, %v", u2.Username, err)
	}
}

func TestAnIdentityBelongsToOneUser(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u, err := s.CreateUserWithIdentity(ctx, "ada", &Identity{Provider: "github", Subject: "42"})
	if err != nil {
		t.Fatal(err)
	}
	bob := mustCreateUser(t, s, "bob")

	// Creating another user with the same identity is a conflict and
	// leaves no user behind.
	before, _ := s.CountUsers(ctx)
	if _, err := s.CreateUserWithIdentity(ctx, "someone", &Identity{Provider: "github", Subject: "42"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("second user with the identity = %v, want ErrConflict", err)
	}
	if after, _ := s.CountUsers(ctx); after != before {
		t.Fatalf("users %d -> %d after a refused creation", before, after)
	}

	// Linking it to another user names the owner.
	err = s.LinkIdentity(ctx, bob.ID, &Identity{Provider: "github", Subject: "42"})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.ExistingID != u.ID {
		t.Fatalf("link to bob = %v, want a ConflictError naming user %d", err, u.ID)
	}
	if err := s.LinkIdentity(ctx, bob.ID, &Identity{Provider: "github", Subject: "43", Login: "bob"}); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkIdentity(ctx, bob.ID, &Identity{Provider: "github"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("identity without subject = %v, want ErrInvalid", err)
	}
}

func TestUnlinkIdentityKeepsTheLastWayToSignIn(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u, err := s.CreateUserWithIdentity(ctx, "ada", &Identity{Provider: "google", Subject: "g"})
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := s.Identities(ctx, u.ID)
	first := ids[0].ID

	if err := s.UnlinkIdentity(ctx, u.ID, first); !errors.Is(err, ErrLastSignInMethod) || !errors.Is(err, ErrConflict) {
		t.Fatalf("unlink the only identity of a user without password = %v, want ErrLastSignInMethod (a conflict)", err)
	}
	other := mustCreateUser(t, s, "other")
	if err := s.UnlinkIdentity(ctx, other.ID, first); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unlink another user's identity = %v, want ErrNotFound", err)
	}

	second := &Identity{Provider: "github", Subject: "7"}
	if err := s.LinkIdentity(ctx, u.ID, second); err != nil {
		t.Fatal(err)
	}
	if err := s.UnlinkIdentity(ctx, u.ID, first); err != nil {
		t.Fatalf("unlink with another identity left = %v", err)
	}
	if err := s.UnlinkIdentity(ctx, u.ID, second.ID); !errors.Is(err, ErrLastSignInMethod) {
		t.Fatalf("unlink the remaining identity = %v, want ErrLastSignInMethod", err)
	}
	hash := "$2a$10$abcdefghijklmnopqrstuv"
	if err := s.SetPassword(ctx, u.ID, &hash); err != nil {
		t.Fatal(err)
	}
	if err := s.UnlinkIdentity(ctx, u.ID, second.ID); err != nil {
		t.Fatalf("unlink the only identity of a user with a password = %v", err)
	}
	if ids, _ := s.Identities(ctx, u.ID); len(ids) != 0 {
		t.Fatalf("identities left: %+v", ids)
	}
}

func TestAuthCodeIsRedeemedOnceBeforeItExpires(t *testing.T) {
	s, now := sessionTestStore(t)
	ctx := context.Background()
	u := sessionTestUser(t, s, "ada")

	h := testHash()
	if err := s.CreateAuthCode(ctx, u.ID, h, *now); err == nil {
		t.Fatal("a code expiring now was accepted")
	}
	if err := s.CreateAuthCode(ctx, u.ID, h, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if id, err := s.RedeemAuthCode(ctx, h); err != nil || id != u.ID {
		t.Fatalf("first redemption = %d, %v; want user %d", id, err, u.ID)
	}
	if _, err := s.RedeemAuthCode(ctx, h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second redemption = %v, want ErrNotFound", err)
	}
	if _, err := s.RedeemAuthCode(ctx, testHash()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown code = %v, want ErrNotFound", err)
	}

	late := testHash()
	if err := s.CreateAuthCode(ctx, u.ID, late, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(time.Minute)
	if _, err := s.RedeemAuthCode(ctx, late); !errors.Is(err, ErrNotFound) {
		t.Fatalf("code at its expiry = %v, want ErrNotFound", err)
	}
}

func TestAuthCodeRedeemedConcurrentlySucceedsOnce(t *testing.T) {
	s, now := sessionTestStore(t)
	ctx := context.Background()
	u := sessionTestUser(t, s, "ada")
	h := testHash()
	if err := s.CreateAuthCode(ctx, u.ID, h, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.RedeemAuthCode(ctx, h); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, ErrNotFound) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d concurrent redemptions succeeded, want exactly 1", wins)
	}
}

func TestIdentitiesAndCodesGoWithTheUser(t *testing.T) {
	s, now := sessionTestStore(t)
	ctx := context.Background()
	u, err := s.CreateUserWithIdentity(ctx, "ada", &Identity{Provider: "google", Subject: "g"})
	if err != nil {
		t.Fatal(err)
	}
	h := testHash()
	if err := s.CreateAuthCode(ctx, u.ID, h, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IdentityBySubject(ctx, "google", "g"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("identity after its user was deleted = %v, want ErrNotFound", err)
	}
	if _, err := s.RedeemAuthCode(ctx, h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("code after its user was deleted = %v, want ErrNotFound", err)
	}
}
