package models

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

// ownerRows is what alice owns, created for the isolation tests.
type ownerRows struct {
	job  *Job
	work *WorkExperience
	edu  *Education
	cert *Certification
}

// snapshot returns alice's data as JSON, read through the store as alice.
func snapshot(t *testing.T, s *Store, userID int64) string {
	t.Helper()
	ctx := context.Background()
	jobs, _, err := s.Jobs(ctx, userID, JobFilter{Limit: MaxJobsLimit})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.FullProfile(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(struct {
		Jobs    []Job
		Profile *Profile
	}{jobs, p})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUsersCannotReachEachOthersRows(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	alice := mustCreateUser(t, s, "alice")
	bob := mustCreateUser(t, s, "bob")

	var a ownerRows
	a.job = mustSaveJob(t, s, alice.ID, "Alice's job", "Acme", "https://boards.example/alice")
	a.work = &WorkExperience{Company: "Acme", Title: "Dev", StartDate: date(2020, 1, 1)}
	a.edu = &Education{Institution: "MIT", Degree: "BSc", StartDate: date(2010, 1, 1)}
	a.cert = &Certification{Name: "CKA", IssuingOrg: "CNCF", IssueDate: date(2021, 1, 1)}
	if err := s.CreateWorkExperience(ctx, alice.ID, a.work); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateEducation(ctx, alice.ID, a.edu); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateCertification(ctx, alice.ID, a.cert); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateProfile(ctx, alice.ID, ProfileUpdate{FirstName: ptr("Alice")}); err != nil {
		t.Fatal(err)
	}
	// Bob has rows of his own, so an unscoped query would find something.
	mustSaveJob(t, s, bob.ID, "Bob's job", "Acme", "https://boards.example/bob")
	if err := s.CreateWorkExperience(ctx, bob.ID, &WorkExperience{Company: "Globex", Title: "Ops", StartDate: date(2019, 1, 1)}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, s, alice.ID)

	// Each operation is run as bob on alice's ids and must be "not found".
	ops := []struct {
		name string
		run  func(userID int64) error
	}{
		{"Job", func(u int64) error { _, err := s.Job(ctx, u, a.job.ID); return err }},
		{"JobBySourceURL", func(u int64) error { _, err := s.JobBySourceURL(ctx, u, *a.job.SourceURL); return err }},
		{"UpdateJob", func(u int64) error {
			_, err := s.UpdateJob(ctx, u, a.job.ID, JobUpdate{Status: ptr(JobStatusRejected), Notes: ptr("pwned")})
			return err
		}},
		{"UpdateJob clearing score", func(u int64) error {
			_, err := s.UpdateJob(ctx, u, a.job.ID, JobUpdate{ClearMatchScore: true})
			return err
		}},
		{"DeleteJob", func(u int64) error { return s.DeleteJob(ctx, u, a.job.ID) }},
		{"WorkExperience", func(u int64) error { _, err := s.WorkExperience(ctx, u, a.work.ID); return err }},
		{"UpdateWorkExperience", func(u int64) error {
			w := *a.work
			w.Title = "pwned"
			return s.UpdateWorkExperience(ctx, u, &w)
		}},
		{"DeleteWorkExperience", func(u int64) error { return s.DeleteWorkExperience(ctx, u, a.work.ID) }},
		{"Education", func(u int64) error { _, err := s.Education(ctx, u, a.edu.ID); return err }},
		{"UpdateEducation", func(u int64) error {
			e := *a.edu
			e.Degree = "pwned"
			return s.UpdateEducation(ctx, u, &e)
		}},
		{"DeleteEducation", func(u int64) error { return s.DeleteEducation(ctx, u, a.edu.ID) }},
		{"Certification", func(u int64) error { _, err := s.Certification(ctx, u, a.cert.ID); return err }},
		{"UpdateCertification", func(u int64) error {
			c := *a.cert
			c.Name = "pwned"
			return s.UpdateCertification(ctx, u, &c)
		}},
		{"DeleteCertification", func(u int64) error { return s.DeleteCertification(ctx, u, a.cert.ID) }},
	}
	for _, op := range ops {
		t.Run(op.name+" as other user", func(t *testing.T) {
			wantErr(t, op.run(bob.ID), ErrNotFound)
			if after := snapshot(t, s, alice.ID); after != before {
				t.Fatalf("alice's data changed:\nbefore %s\nafter  %s", before, after)
			}
		})
		t.Run(op.name+" without owner", func(t *testing.T) {
			wantErr(t, op.run(0), ErrNoOwner)
		})
		t.Run(op.name+" as owner", func(t *testing.T) {
			// Read-only operations must succeed for alice; this proves the
			// ids above are real. (Writes are covered by their own tests.)
			switch op.name {
			case "Job", "JobBySourceURL", "WorkExperience", "Education", "Certification":
				if err := op.run(alice.ID); err != nil {
					t.Fatalf("as owner: %v", err)
				}
			}
		})
	}

	t.Run("lists hold only own rows", func(t *testing.T) {
		jobs, total, err := s.Jobs(ctx, bob.ID, JobFilter{CompanyID: a.job.CompanyID})
		if err != nil || total != 1 || len(jobs) != 1 || jobs[0].Title != "Bob's job" {
			t.Errorf("bob's Jobs at Acme = %v (total %d), %v", titles(jobs), total, err)
		}
		if jobs, _, _ := s.Jobs(ctx, bob.ID, JobFilter{Query: "Alice"}); len(jobs) != 0 {
			t.Errorf("bob's search finds %v", titles(jobs))
		}
		counts, _ := s.CountJobsByStatus(ctx, bob.ID)
		if counts[JobStatusInterested] != 1 {
			t.Errorf("bob's counts = %v", counts)
		}
		works, _ := s.WorkExperiences(ctx, bob.ID)
		if len(works) != 1 || works[0].Company != "Globex" {
			t.Errorf("bob's WorkExperiences = %+v", works)
		}
		if eds, _ := s.Educations(ctx, bob.ID); len(eds) != 0 {
			t.Errorf("bob's Educations = %+v", eds)
		}
		if certs, _ := s.Certifications(ctx, bob.ID); len(certs) != 0 {
			t.Errorf("bob's Certifications = %+v", certs)
		}
		p, err := s.FullProfile(ctx, bob.ID)
		if err != nil || p.UserID != bob.ID || p.FirstName != "" || len(p.WorkExperiences) != 1 || len(p.Education) != 0 {
			t.Errorf("bob's FullProfile = %+v, %v", p, err)
		}
	})

	t.Run("own profile updates touch only own profile", func(t *testing.T) {
		if _, err := s.UpdateProfile(ctx, bob.ID, ProfileUpdate{FirstName: ptr("Bob")}); err != nil {
			t.Fatal(err)
		}
		if after := snapshot(t, s, alice.ID); after != before {
			t.Fatalf("alice's data changed by bob's profile update")
		}
	})

	t.Run("saving alice's URL gives bob his own job", func(t *testing.T) {
		j, created, err := s.SaveJob(ctx, bob.ID, &Job{Title: "Copy", SourceURL: a.job.SourceURL}, "Acme")
		if err != nil || !created || j.ID == a.job.ID || j.UserID != bob.ID {
			t.Fatalf("SaveJob = %+v, %v, %v", j, created, err)
		}
		if after := snapshot(t, s, alice.ID); after != before {
			t.Fatalf("alice's data changed by bob's save")
		}
	})

	t.Run("profile-owned creates without owner", func(t *testing.T) {
		for name, err := range map[string]error{
			"CreateWorkExperience": s.CreateWorkExperience(ctx, 0, &WorkExperience{Company: "A", Title: "B", StartDate: date(2020, 1, 1)}),
			"CreateEducation":      s.CreateEducation(ctx, -1, &Education{Institution: "A", Degree: "B", StartDate: date(2020, 1, 1)}),
			"CreateCertification":  s.CreateCertification(ctx, 0, &Certification{Name: "A", IssuingOrg: "B", IssueDate: date(2020, 1, 1)}),
		} {
			if !errors.Is(err, ErrNoOwner) {
				t.Errorf("%s(0) = %v, want ErrNoOwner", name, err)
			}
		}
		// A user id that does not exist has no profile to attach to.
		err := s.CreateWorkExperience(ctx, 9999, &WorkExperience{Company: "A", Title: "B", StartDate: date(2020, 1, 1)})
		wantErr(t, err, ErrNotFound)
	})
}
