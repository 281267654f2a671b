package models

import (
	"context"
	"testing"
	"time"
)

func TestSaveJobAnalysis(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "ana")
	j := mustSaveJob(t, s, u.ID, "Go Engineer", "Acme", "https://acme.example/go")
	pu := date(2026, 1, 2)
	a := &JobAnalysis{JobID: j.ID, Score: 72, Result: `{"score":72}`, ProfileUpdatedAt: &pu}
	job, err := s.SaveJobAnalysis(ctx, u.ID, a)
	if err != nil {
		t.Fatal(err)
	}
	if job.MatchScore == nil || *job.MatchScore != 72 || job.Company == nil {
		t.Fatalf("job after analysis = %+v", job)
	}
	// A second analysis replaces the first.
	if job, err = s.SaveJobAnalysis(ctx, u.ID, &JobAnalysis{JobID: j.ID, Score: 40, Result: `{"score":40}`}); err != nil || *job.MatchScore != 40 {
		t.Fatalf("second analysis: %+v, %v", job, err)
	}
	got, err := s.JobAnalysis(ctx, u.ID, j.ID)
	if err != nil || got.Score != 40 || got.Result != `{"score":40}` || got.ProfileUpdatedAt != nil || time.Since(got.CreatedAt) > time.Minute {
		t.Fatalf("JobAnalysis = %+v, %v", got, err)
	}
	if err := s.DeleteJob(ctx, u.ID, j.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.JobAnalysis(ctx, u.ID, j.ID)
	wantErr(t, err, ErrNotFound)
}

func TestSaveJobAnalysisRefuses(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	a := mustCreateUser(t, s, "alice")
	b := mustCreateUser(t, s, "bob")
	j := mustSaveJob(t, s, a.ID, "Role", "Acme", "")
	_, err := s.SaveJobAnalysis(ctx, b.ID, &JobAnalysis{JobID: j.ID, Score: 50, Result: `{}`})
	wantErr(t, err, ErrNotFound)
	_, err = s.SaveJobAnalysis(ctx, a.ID, &JobAnalysis{JobID: j.ID, Score: 101, Result: `{}`})
	wantFieldError(t, err, "score")
	_, err = s.SaveJobAnalysis(ctx, a.ID, &JobAnalysis{JobID: j.ID, Score: 1, Result: `[]`})
	wantFieldError(t, err, "result")
	if job, _ := s.Job(ctx, a.ID, j.ID); job.MatchScore != nil {
		t.Errorf("refused analyses changed the score to %d", *job.MatchScore)
	}
	if _, err := s.SaveJobAnalysis(ctx, a.ID, &JobAnalysis{JobID: j.ID, Score: 9, Result: `{}`}); err != nil {
		t.Fatal(err)
	}
	_, err = s.JobAnalysis(ctx, b.ID, j.ID)
	wantErr(t, err, ErrNotFound)
}
