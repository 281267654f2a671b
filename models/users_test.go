package models

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCreateUserCreatesProfileThroughTrigger(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	if u.ID == 0 || u.Role != RoleUser || u.CreatedAt.IsZero() || u.CreatedAt.Location() != time.UTC {
		t.Fatalf("created user = %+v", u)
	}
	p, err := s.Profile(ctx, u.ID)
	if err != nil {
		t.Fatalf("Profile: %v", err)
	}
	if p.UserID != u.ID || p.Industry != IndustryUnspecified || p.FirstName != "" || len(p.Skills) != 0 {
		t.Errorf("trigger profile = %+v", p)
	}
}

func TestCreateUserValidates(t *testing.T) {
	s, _ := newTestStore(t)
	tests := []struct {
		name  string
		user  User
		field string
	}{
		{"too short", User{Username: "ab"}, "username"},
		{"too long", User{Username: strings.Repeat("a", 65)}, "username"},
		{"space inside", User{Username: "al ice"}, "username"},
		{"non-ASCII letter", User{Username: "zoë"}, "username"},
		{"slash", User{Username: "a/b"}, "username"},
		{"unknown role", User{Username: "carol", Role: "root"}, "role"},
		{"empty hash", User{Username: "carol", Password: ptr("")}, "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.user
			wantFieldError(t, s.CreateUser(context.Background(), &u), tt.field)
		})
	}
	for _, ok := range []string{"abc", "first.last", "a_b-c", "me@example.com", strings.Repeat("z", 64), " padded "} {
		if err := s.CreateUser(context.Background(), &User{Username: ok}); err != nil {
			t.Errorf("CreateUser(%q): %v", ok, err)
		}
	}
	if u, err := s.UserByUsername(context.Background(), "padded"); err != nil || u.Username != "padded" {
		t.Errorf("padded username stored as %v, %v", u, err)
	}
}

func TestCreateUserRejectsUsernameInAnyCase(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	alice := mustCreateUser(t, s, "Alice")
	for _, name := range []string{"Alice", "alice", "ALICE"} {
		err := s.CreateUser(ctx, &User{Username: name})
		wantErr(t, err, ErrConflict)
		var ce *ConflictError
		if !errors.As(err, &ce) || ce.Field != "username" || ce.ExistingID != alice.ID {
			t.Errorf("CreateUser(%q) = %#v", name, err)
		}
	}
	if n, _ := s.CountUsers(ctx); n != 1 {
		t.Errorf("CountUsers = %d, want 1", n)
	}
}

func TestUserLookups(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	hash := "$2a$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01"
	admin := &User{Username: "Root.Admin", Role: RoleAdmin, Password: &hash}
	if err := s.CreateUser(ctx, admin); err != nil {
		t.Fatal(err)
	}
	bob := mustCreateUser(t, s, "bob")

	for _, name := range []string{"Root.Admin", "root.admin", " ROOT.ADMIN "} {
		u, err := s.UserByUsername(ctx, name)
		if err != nil || u.ID != admin.ID || !u.IsAdmin() || !u.HasPassword() || *u.Password != hash {
			t.Errorf("UserByUsername(%q) = %+v, %v", name, u, err)
		}
	}
	_, err := s.UserByUsername(ctx, "nobody")
	wantErr(t, err, ErrNotFound)
	_, err = s.UserByUsername(ctx, "")
	wantErr(t, err, ErrNotFound)

	u, err := s.User(ctx, bob.ID)
	if err != nil || u.Username != "bob" || u.HasPassword() || u.LastLogin != nil {
		t.Errorf("User(bob) = %+v, %v", u, err)
	}
	_, err = s.User(ctx, 12345)
	wantErr(t, err, ErrNotFound)

	users, err := s.Users(ctx)
	if err != nil || len(users) != 2 || users[0].ID != admin.ID || users[1].ID != bob.ID {
		t.Errorf("Users = %+v, %v", users, err)
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 2 {
		t.Errorf("CountUsers = %d, %v", n, err)
	}
}

func TestUserSetters(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")

	hash := "$2a$10$0123456789012345678901uRVFS0M/2d2YQn3pkxKjXnK6bYQ1nBGq"
	if err := s.SetPassword(ctx, u.ID, &hash); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, u.ID); got.Password == nil || *got.Password != hash {
		t.Errorf("password after SetPassword = %v", got.Password)
	}
	if err := s.SetPassword(ctx, u.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, u.ID); got.Password != nil {
		t.Errorf("password after SetPassword(nil) = %q", *got.Password)
	}
	wantFieldError(t, s.SetPassword(ctx, u.ID, ptr("")), "password")

	login := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("CET", 3600))
	if err := s.TouchLastLogin(ctx, u.ID, login); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, u.ID); got.LastLogin == nil || !got.LastLogin.Equal(login) || got.LastLogin.Location() != time.UTC {
		t.Errorf("LastLogin = %v, want %v in UTC", got.LastLogin, login)
	}

	if err := s.SetRole(ctx, u.ID, RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, u.ID); !got.IsAdmin() {
		t.Errorf("role after SetRole(admin) = %q", got.Role)
	}
	wantFieldError(t, s.SetRole(ctx, u.ID, "superuser"), "role")

	for name, err := range map[string]error{
		"SetPassword":    s.SetPassword(ctx, 999, &hash),
		"TouchLastLogin": s.TouchLastLogin(ctx, 999, login),
		"SetRole":        s.SetRole(ctx, 999, RoleUser),
		"DeleteUser":     s.DeleteUser(ctx, 999),
	} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s on a missing user: %v, want ErrNotFound", name, err)
		}
	}
}

// userRowCounts counts the rows userID owns in every user-owned table.
func userRowCounts(t *testing.T, db *DB, userID int64) map[string]int64 {
	t.Helper()
	queries := map[string]string{
		"users":               "SELECT count(*) FROM users WHERE id = ?",
		"jobs":                "SELECT count(*) FROM jobs WHERE user_id = ?",
		"profiles":            "SELECT count(*) FROM profiles WHERE user_id = ?",
		"work_experiences":    "SELECT count(*) FROM work_experiences WHERE profile_id IN (SELECT id FROM profiles WHERE user_id = ?)",
		"education":           "SELECT count(*) FROM education WHERE profile_id IN (SELECT id FROM profiles WHERE user_id = ?)",
		"certifications":      "SELECT count(*) FROM certifications WHERE profile_id IN (SELECT id FROM profiles WHERE user_id = ?)",
		"quota_usage":         "SELECT count(*) FROM quota_usage WHERE user_id = ?",
		"quota_usage_history": "SELECT count(*) FROM quota_usage_history WHERE user_id = ?",
		"generated_documents": "SELECT count(*) FROM generated_documents WHERE user_id = ?",
	}
	out := make(map[string]int64, len(queries))
	for table, q := range queries {
		var n int64
		if err := db.Read.Raw(q, userID).Scan(&n).Error; err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		out[table] = n
	}
	// Rows a cascade could miss: profile-owned rows whose profile is gone.
	for _, table := range []string{"work_experiences", "education", "certifications"} {
		var n int64
		db.Read.Raw("SELECT count(*) FROM " + table + " WHERE profile_id NOT IN (SELECT id FROM profiles)").Scan(&n)
		if n != 0 {
			t.Errorf("%d orphaned rows in %s", n, table)
		}
	}
	return out
}

// fillUser gives userID a row in every user-owned table.
func fillUser(t *testing.T, s *Store, db *DB, userID int64, tag string) {
	t.Helper()
	ctx := context.Background()
	j := mustSaveJob(t, s, userID, "Job of "+tag, "Shared Co", "https://jobs.example/"+tag)
	mustSaveJob(t, s, userID, "Second job of "+tag, "Own Co "+tag, "")
	if err := s.CreateWorkExperience(ctx, userID, &WorkExperience{Company: "Co", Title: "Dev", StartDate: date(2020, 1, 1)}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateEducation(ctx, userID, &Education{Institution: "Uni", Degree: "BSc", StartDate: date(2015, 9, 1)}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateCertification(ctx, userID, &Certification{Name: "Cert", IssuingOrg: "Org", IssueDate: date(2021, 5, 1)}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	rows := []any{
		&QuotaUsage{UserID: userID, QuotaType: "ai_analysis", PeriodStart: now, PeriodEnd: now.AddDate(0, 1, 0), LimitCount: 10, CreatedAt: now, UpdatedAt: now},
		&QuotaUsageHistory{UserID: userID, QuotaType: "ai_analysis", JobID: &j.ID, Action: "analyze", CreatedAt: now},
		&GeneratedDocument{UserID: userID, JobID: &j.ID, DocumentType: "cover_letter", Content: "<p>Hi</p>", Format: "html", CreatedAt: now},
	}
	for _, r := range rows {
		if err := db.Write.Create(r).Error; err != nil {
			t.Fatalf("insert %T: %v", r, err)
		}
	}
}

func TestDeleteUserRemovesOnlyThatUsersRows(t *testing.T) {
	s, db := newTestStore(t)
	ctx := context.Background()
	alice := mustCreateUser(t, s, "alice")
	bob := mustCreateUser(t, s, "bob")
	fillUser(t, s, db, alice.ID, "alice")
	fillUser(t, s, db, bob.ID, "bob")

	before := userRowCounts(t, db, bob.ID)
	for table, n := range userRowCounts(t, db, alice.ID) {
		if n == 0 {
			t.Fatalf("setup: alice has no rows in %s", table)
		}
	}
	if err := s.DeleteUser(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	for table, n := range userRowCounts(t, db, alice.ID) {
		if n != 0 {
			t.Errorf("after DeleteUser, alice still has %d rows in %s", n, table)
		}
	}
	after := userRowCounts(t, db, bob.ID)
	for table, n := range before {
		if after[table] != n {
			t.Errorf("bob's %s rows: %d before, %d after deleting alice", table, n, after[table])
		}
	}
	// Shared companies stay.
	if _, err := s.CompanyByName(ctx, "Shared Co"); err != nil {
		t.Errorf("shared company: %v", err)
	}
	if _, err := s.CompanyByName(ctx, "Own Co alice"); err != nil {
		t.Errorf("alice's company: %v", err)
	}
	wantErr(t, s.DeleteUser(ctx, alice.ID), ErrNotFound)
}

func TestSetRoleNeverLeavesTheServerWithoutAnAdmin(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	a := &User{Username: "ada", Role: RoleAdmin}
	b := &User{Username: "bob", Role: RoleAdmin}
	for _, u := range []*User{a, b} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	// Both admins demote each other at once: exactly one may succeed.
	errs := make(chan error, 2)
	go func() { errs <- s.SetRole(ctx, a.ID, RoleUser) }()
	go func() { errs <- s.SetRole(ctx, b.ID, RoleUser) }()
	var refused int
	for range 2 {
		if err := <-errs; errors.Is(err, ErrLastAdmin) {
			refused++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if refused != 1 {
		t.Fatalf("%d of the two demotions were refused, want exactly 1", refused)
	}
	if !errors.Is(ErrLastAdmin, ErrConflict) {
		t.Fatal("ErrLastAdmin must map to 409 like other conflicts")
	}
	users, err := s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admins := 0
	for _, u := range users {
		if u.Role == RoleAdmin {
			admins++
		}
	}
	if admins != 1 {
		t.Fatalf("%d admins left, want 1", admins)
	}
}
