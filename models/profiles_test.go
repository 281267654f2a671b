package models

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestProfileReadsNullAndReservedIndustryAsUnspecified(t *testing.T) {
	s, db := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	for _, raw := range []any{nil, 53, 63, 99, -1, 0, 52} {
		if err := db.Write.Exec("UPDATE profiles SET industry = ? WHERE user_id = ?", raw, u.ID).Error; err != nil {
			t.Fatal(err)
		}
		want := IndustryUnspecified
		if n, ok := raw.(int); ok && (n == 0 || n == 52) {
			want = Industry(n)
		}
		for name, load := range map[string]func() (*Profile, error){
			"Profile":     func() (*Profile, error) { return s.Profile(ctx, u.ID) },
			"FullProfile": func() (*Profile, error) { return s.FullProfile(ctx, u.ID) },
		} {
			p, err := load()
			if err != nil {
				t.Fatal(err)
			}
			if p.Industry != want {
				t.Errorf("%s with industry %v = %v, want %v", name, raw, p.Industry, want)
			}
		}
	}
}

func TestUpdateProfile(t *testing.T) {
	s, db := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	before, _ := s.Profile(ctx, u.ID)

	skills := StringList{"Go", " go ", "SQL"}
	p, err := s.UpdateProfile(ctx, u.ID, ProfileUpdate{
		FirstName: ptr(" Alice "), LastName: ptr("Liddell"), Title: ptr("Engineer"),
		Industry: ptr(IndustrySoftwareDevelopment), Skills: &skills, Email: ptr("alice@example.com"),
		LinkedInProfile: ptr("https://www.linkedin.com/in/alice"), GitHubProfile: ptr("github.com/alice"),
		Context: ptr("Prefers remote work."),
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.FullName() != "Alice Liddell" || p.Industry != IndustrySoftwareDevelopment ||
		!reflect.DeepEqual(p.Skills, StringList{"Go", "SQL"}) || p.GitHubProfile != "github.com/alice" ||
		p.Context != "Prefers remote work." {
		t.Errorf("updated profile = %+v", p)
	}
	if !p.UpdatedAt.After(before.UpdatedAt) {
		t.Errorf("UpdatedAt %v not after %v", p.UpdatedAt, before.UpdatedAt)
	}
	var ind int
	db.Read.Raw("SELECT industry FROM profiles WHERE user_id = ?", u.ID).Scan(&ind)
	if ind != 1 {
		t.Errorf("stored industry = %d, want 1", ind)
	}

	// Nil fields stay; an empty string clears.
	p, err = s.UpdateProfile(ctx, u.ID, ProfileUpdate{Title: ptr("")})
	if err != nil || p.Title != "" || p.FirstName != "Alice" || p.Industry != IndustrySoftwareDevelopment {
		t.Errorf("after clearing title: %+v, %v", p, err)
	}

	tests := []struct {
		name  string
		u     ProfileUpdate
		field string
	}{
		{"bad email", ProfileUpdate{Email: ptr("not-an-email")}, "email"},
		{"javascript link", ProfileUpdate{Website: ptr("javascript:alert(1)")}, "website"},
		{"long url", ProfileUpdate{GitHubProfile: ptr("https://github.com/" + strings.Repeat("a", MaxURLChars))}, "github_profile"},
		{"reserved industry", ProfileUpdate{Industry: ptr(Industry(57))}, "industry"},
		{"long first name", ProfileUpdate{FirstName: ptr(strings.Repeat("a", MaxShortTextChars+1))}, "first_name"},
		{"long context", ProfileUpdate{Context: ptr(strings.Repeat("a", MaxLongTextBytes+1))}, "context"},
		{"long skill", ProfileUpdate{Skills: &StringList{strings.Repeat("a", MaxSkillChars+1)}}, "skills"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.UpdateProfile(ctx, u.ID, tt.u)
			wantFieldError(t, err, tt.field)
		})
	}
	after, _ := s.Profile(ctx, u.ID)
	if after.Email != "alice@example.com" || after.Website != "" {
		t.Errorf("a failed update changed the profile: %+v", after)
	}
}

func TestWorkExperienceLifecycle(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	old := &WorkExperience{Company: " Initech ", Title: "Developer", StartDate: date(2015, 1, 1), EndDate: ptr(date(2018, 6, 30))}
	cur := &WorkExperience{Company: "Globex", Title: "Lead", StartDate: date(2018, 7, 1), Current: true, Location: ptr("Berlin")}
	for _, w := range []*WorkExperience{old, cur} {
		if err := s.CreateWorkExperience(ctx, u.ID, w); err != nil {
			t.Fatal(err)
		}
		if w.ID == 0 || w.ProfileID == 0 || w.CreatedAt.IsZero() {
			t.Fatalf("created = %+v", w)
		}
	}
	if old.Company != "Initech" {
		t.Errorf("company not trimmed: %q", old.Company)
	}
	list, err := s.WorkExperiences(ctx, u.ID)
	if err != nil || len(list) != 2 || list[0].ID != cur.ID || list[1].ID != old.ID {
		t.Fatalf("WorkExperiences = %+v, %v", list, err)
	}
	got, err := s.WorkExperience(ctx, u.ID, old.ID)
	if err != nil || !got.StartDate.Equal(old.StartDate) || got.EndDate == nil || !got.EndDate.Equal(*old.EndDate) {
		t.Fatalf("WorkExperience = %+v, %v", got, err)
	}

	got.Title = "Senior Developer"
	got.Description = ptr("Built things.")
	if err := s.UpdateWorkExperience(ctx, u.ID, got); err != nil {
		t.Fatal(err)
	}
	again, _ := s.WorkExperience(ctx, u.ID, old.ID)
	if again.Title != "Senior Developer" || deref(again.Description) != "Built things." || !again.UpdatedAt.After(old.UpdatedAt) {
		t.Errorf("after update = %+v", again)
	}

	if err := s.DeleteWorkExperience(ctx, u.ID, old.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.WorkExperience(ctx, u.ID, old.ID)
	wantErr(t, err, ErrNotFound)
	wantErr(t, s.DeleteWorkExperience(ctx, u.ID, old.ID), ErrNotFound)

	full, err := s.FullProfile(ctx, u.ID)
	if err != nil || len(full.WorkExperiences) != 1 || full.WorkExperiences[0].ID != cur.ID {
		t.Errorf("FullProfile.WorkExperiences = %+v, %v", full.WorkExperiences, err)
	}
}

func TestProfileItemsValidateDates(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	start := date(2020, 1, 1)
	before := date(2019, 12, 31)
	tests := []struct {
		name  string
		run   func() error
		field string
	}{
		{"work: end before start", func() error {
			return s.CreateWorkExperience(ctx, u.ID, &WorkExperience{Company: "A", Title: "B", StartDate: start, EndDate: &before})
		}, "end_date"},
		{"work: no start", func() error {
			return s.CreateWorkExperience(ctx, u.ID, &WorkExperience{Company: "A", Title: "B"})
		}, "start_date"},
		{"work: current with end", func() error {
			return s.CreateWorkExperience(ctx, u.ID, &WorkExperience{Company: "A", Title: "B", StartDate: start, EndDate: ptr(date(2021, 1, 1)), Current: true})
		}, "end_date"},
		{"work: no company", func() error {
			return s.CreateWorkExperience(ctx, u.ID, &WorkExperience{Title: "B", StartDate: start})
		}, "company"},
		{"education: end before start", func() error {
			return s.CreateEducation(ctx, u.ID, &Education{Institution: "U", Degree: "BSc", StartDate: start, EndDate: &before})
		}, "end_date"},
		{"education: no degree", func() error {
			return s.CreateEducation(ctx, u.ID, &Education{Institution: "U", StartDate: start})
		}, "degree"},
		{"certification: expiry before issue", func() error {
			return s.CreateCertification(ctx, u.ID, &Certification{Name: "C", IssuingOrg: "O", IssueDate: start, ExpiryDate: &before})
		}, "expiry_date"},
		{"certification: bad url", func() error {
			return s.CreateCertification(ctx, u.ID, &Certification{Name: "C", IssuingOrg: "O", IssueDate: start, CredentialURL: ptr("ftp://x")})
		}, "credential_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantFieldError(t, tt.run(), tt.field) })
	}
	// The same end date as the start is fine.
	if err := s.CreateEducation(ctx, u.ID, &Education{Institution: "U", Degree: "Course", StartDate: start, EndDate: &start}); err != nil {
		t.Errorf("same-day course: %v", err)
	}
	// An update is validated too.
	e := &Education{Institution: "U", Degree: "MSc", StartDate: start}
	if err := s.CreateEducation(ctx, u.ID, e); err != nil {
		t.Fatal(err)
	}
	e.EndDate = &before
	wantFieldError(t, s.UpdateEducation(ctx, u.ID, e), "end_date")
	stored, _ := s.Education(ctx, u.ID, e.ID)
	if stored.EndDate != nil {
		t.Errorf("invalid update was stored: %+v", stored)
	}
}

func TestEducationAndCertificationLifecycle(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")

	bsc := &Education{Institution: "MIT", Degree: "BSc", FieldOfStudy: ptr("CS"), StartDate: date(2010, 9, 1), EndDate: ptr(date(2014, 6, 1))}
	msc := &Education{Institution: "ETH", Degree: "MSc", StartDate: date(2014, 9, 1)}
	for _, e := range []*Education{bsc, msc} {
		if err := s.CreateEducation(ctx, u.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	eds, err := s.Educations(ctx, u.ID)
	if err != nil || len(eds) != 2 || eds[0].ID != msc.ID {
		t.Fatalf("Educations = %+v, %v", eds, err)
	}
	msc.EndDate = ptr(date(2016, 6, 1))
	msc.FieldOfStudy = ptr("Robotics")
	if err := s.UpdateEducation(ctx, u.ID, msc); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Education(ctx, u.ID, msc.ID); got.EndDate == nil || deref(got.FieldOfStudy) != "Robotics" {
		t.Errorf("updated education = %+v", got)
	}
	if err := s.DeleteEducation(ctx, u.ID, bsc.ID); err != nil {
		t.Fatal(err)
	}
	if eds, _ := s.Educations(ctx, u.ID); len(eds) != 1 {
		t.Errorf("after delete: %d education rows", len(eds))
	}

	issued := time.Date(2022, 3, 1, 12, 0, 0, 0, time.FixedZone("EST", -5*3600))
	c := &Certification{Name: "CKA", IssuingOrg: "CNCF", IssueDate: issued, CredentialURL: ptr("https://cncf.io/cert/1")}
	if err := s.CreateCertification(ctx, u.ID, c); err != nil {
		t.Fatal(err)
	}
	if c.IssueDate.Location() != time.UTC || !c.IssueDate.Equal(issued) {
		t.Errorf("IssueDate = %v, want %v in UTC", c.IssueDate, issued)
	}
	c.ExpiryDate = ptr(issued.AddDate(3, 0, 0))
	if err := s.UpdateCertification(ctx, u.ID, c); err != nil {
		t.Fatal(err)
	}
	certs, err := s.Certifications(ctx, u.ID)
	if err != nil || len(certs) != 1 || certs[0].ExpiryDate == nil || !certs[0].ExpiryDate.Equal(*c.ExpiryDate) {
		t.Fatalf("Certifications = %+v, %v", certs, err)
	}
	full, err := s.FullProfile(ctx, u.ID)
	if err != nil || len(full.Education) != 1 || len(full.Certifications) != 1 {
		t.Errorf("FullProfile = %+v, %v", full, err)
	}
	if err := s.DeleteCertification(ctx, u.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Certification(ctx, u.ID, c.ID)
	wantErr(t, err, ErrNotFound)
}
