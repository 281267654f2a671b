package models

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestSaveJobWithStoresDetailsAtomicallyAndOnce(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "details")
	src, page := "https://www.linkedin.com/jobs/view/42/", "https://www.linkedin.com/jobs/view/some-title-at-acme"
	d := &JobDetails{Site: "linkedin", Workplace: "hybrid", Salary: &Salary{Min: 1, Max: 2, Currency: "EUR", Period: "year"}}
	var wg sync.WaitGroup
	created := make(chan bool, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j, got, c, err := s.SaveJobWith(ctx, u.ID, &Job{Title: "T", Description: "D", SourceURL: &src}, "Acme", SaveOptions{Details: d, PageURL: page})
			if err != nil || got == nil || got.Site != "linkedin" || j.Company == nil {
				t.Errorf("save = %+v %+v %v", j, got, err)
			}
			created <- c
		}()
	}
	wg.Wait()
	close(created)
	n := 0
	for c := range created {
		if c {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d saves said created, want 1", n)
	}
	for _, url := range []string{src, page} {
		j, err := s.JobByURL(ctx, u.ID, url)
		if err != nil || *j.SourceURL != src {
			t.Errorf("JobByURL(%s) = %+v %v", url, j, err)
		}
	}
	other := mustCreateUser(t, s, "other")
	if _, err := s.JobByURL(ctx, other.ID, page); !isNotFound(err) {
		t.Errorf("another user's page URL = %v, want ErrNotFound", err)
	}
	j, _ := s.JobByURL(ctx, u.ID, src)
	if m, err := s.JobDetailsFor(ctx, other.ID, []int64{j.ID}); err != nil || len(m) != 0 {
		t.Errorf("another user's details = %v %v", m, err)
	}
	if err := s.DeleteJob(ctx, u.ID, j.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.JobByURL(ctx, u.ID, page); !isNotFound(err) {
		t.Errorf("page URL after delete = %v, want ErrNotFound (details cascade)", err)
	}
}

func TestSaveJobWithRefusesOversizedDetails(t *testing.T) {
	s, _ := newTestStore(t)
	u := mustCreateUser(t, s, "big")
	src := "https://acme.test/1"
	_, _, _, err := s.SaveJobWith(context.Background(), u.ID, &Job{Title: "T", SourceURL: &src}, "Acme",
		SaveOptions{Details: &JobDetails{Site: string(make([]byte, 300))}})
	wantFieldError(t, err, "site")
}

func TestSaveJobWithKeepsImportedTimestamps(t *testing.T) {
	s, _ := newTestStore(t)
	u := mustCreateUser(t, s, "importer")
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	j, _, _, err := s.SaveJobWith(context.Background(), u.ID, &Job{Title: "T", CreatedAt: at, UpdatedAt: at.Add(time.Hour)}, "Acme", SaveOptions{KeepTimestamps: true})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Job(context.Background(), u.ID, j.ID)
	if !got.CreatedAt.Equal(at) || !got.UpdatedAt.Equal(at.Add(time.Hour)) {
		t.Errorf("times = %v %v", got.CreatedAt, got.UpdatedAt)
	}
}

func TestJobsPerWeekBucketsByMonday(t *testing.T) {
	s, _ := newTestStore(t)
	u := mustCreateUser(t, s, "weekly")
	now := time.Date(2025, 3, 12, 12, 0, 0, 0, time.UTC) // a Wednesday
	for i, at := range []time.Time{now, now.AddDate(0, 0, -2), now.AddDate(0, 0, -3), now.AddDate(0, 0, -15), now.AddDate(0, 0, -20)} {
		if _, _, _, err := s.SaveJobWith(context.Background(), u.ID, &Job{Title: "T", CreatedAt: at}, "Acme", SaveOptions{KeepTimestamps: true}); err != nil {
			t.Fatal(i, err)
		}
	}
	s.now = func() time.Time { return now }
	got, err := s.JobsPerWeek(context.Background(), u.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []WeekCount{{time.Date(2025, 2, 24, 0, 0, 0, 0, time.UTC), 1}, {time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), 1}, {time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), 2}}
	for i := range want {
		if !got[i].WeekStart.Equal(want[i].WeekStart) || got[i].Count != want[i].Count {
			t.Errorf("week %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
