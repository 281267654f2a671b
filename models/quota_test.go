package models

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestQuotaPeriod(t *testing.T) {
	tests := []struct {
		at         time.Time
		start, end time.Time
	}{
		{time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC), date(2026, 11, 1), date(2026, 12, 1)},
		{time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), date(2026, 12, 1), date(2027, 1, 1)},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), date(2027, 1, 1), date(2027, 2, 1)},
		// 1 March 00:30 in UTC+2 is still February in UTC.
		{time.Date(2028, 3, 1, 0, 30, 0, 0, time.FixedZone("EET", 2*3600)), date(2028, 2, 1), date(2028, 3, 1)},
	}
	for _, tt := range tests {
		start, end := QuotaPeriod(tt.at)
		if !start.Equal(tt.start) || !end.Equal(tt.end) {
			t.Errorf("QuotaPeriod(%v) = %v, %v; want %v, %v", tt.at, start, end, tt.start, tt.end)
		}
	}
}

// TestUseQuotaRace: with one use left, of many concurrent charges exactly
// one succeeds and the others get a *QuotaExceededError.
func TestUseQuotaRace(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "racer")
	const limit = 5
	for i := range limit - 1 {
		if _, err := s.UseQuota(ctx, u.ID, QuotaCharge{Type: QuotaCoverLetter, Limit: limit}); err != nil {
			t.Fatalf("use %d: %v", i+1, err)
		}
	}
	const n = 12
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.UseQuota(ctx, u.ID, QuotaCharge{Type: QuotaCoverLetter, Limit: limit})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		var qe *QuotaExceededError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &qe):
			if qe.Limit != limit || qe.Type != QuotaCoverLetter || !errors.Is(err, ErrQuotaExceeded) {
				t.Errorf("quota error = %+v", qe)
			}
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d concurrent charges at limit-1 succeeded, want exactly 1", ok, n)
	}
	st, err := s.QuotaStatuses(ctx, u.ID, map[QuotaType]int{QuotaCoverLetter: limit})
	if err != nil {
		t.Fatal(err)
	}
	if st[1].Type != QuotaCoverLetter || st[1].Used != limit || *st[1].Remaining != 0 {
		t.Errorf("status = %+v", st[1])
	}
	hist, err := s.QuotaHistory(ctx, u.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != limit {
		t.Errorf("history has %d rows, want %d (refused charges leave no trace)", len(hist), limit)
	}
}

// TestUseQuotaMonthlyReset: the counter is per calendar month in UTC; a new
// month starts from zero, and the error says when the quota resets.
func TestUseQuotaMonthlyReset(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "monthly")
	now := time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	ch := QuotaCharge{Type: QuotaCV, Limit: 2}
	for range 2 {
		if _, err := s.UseQuota(ctx, u.ID, ch); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.UseQuota(ctx, u.ID, ch)
	var qe *QuotaExceededError
	if !errors.As(err, &qe) || !qe.ResetsAt.Equal(date(2026, 12, 1)) {
		t.Fatalf("third use in November: %v, want a quota error resetting on 1 December", err)
	}
	now = time.Date(2026, 12, 1, 0, 0, 1, 0, time.UTC)
	r, err := s.UseQuota(ctx, u.ID, ch)
	if err != nil {
		t.Fatalf("first use in December: %v", err)
	}
	if r.Usage.UsedCount != 1 || !r.Usage.PeriodStart.Equal(date(2026, 12, 1)) || !r.Usage.PeriodEnd.Equal(date(2027, 1, 1)) {
		t.Errorf("December usage = %+v", r.Usage)
	}
	st, err := s.QuotaStatuses(ctx, u.ID, map[QuotaType]int{QuotaCV: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st[2].Used != 1 || *st[2].Remaining != 1 || !st[2].ResetsAt.Equal(date(2027, 1, 1)) {
		t.Errorf("December status = %+v", st[2])
	}
}

// TestUseQuotaOncePerJob: re-analysing a job in the same month is recorded
// but not counted, even at the limit; another job is counted; next month
// the same job counts again.
func TestUseQuotaOncePerJob(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "analyst")
	j1 := mustSaveJob(t, s, u.ID, "Go Engineer", "Acme", "https://acme.example/1")
	j2 := mustSaveJob(t, s, u.ID, "SRE", "Acme", "https://acme.example/2")
	now := date(2026, 5, 10)
	s.now = func() time.Time { return now }
	charge := func(job *Job) (*QuotaReceipt, error) {
		return s.UseQuota(ctx, u.ID, QuotaCharge{Type: QuotaAnalysis, Limit: 1, JobID: &job.ID, OncePerJob: true})
	}
	steps := []struct {
		job     *Job
		counted bool
		fails   bool
	}{
		{j1, true, false},
		{j1, false, false}, // same job, same month: free even at the limit
		{j1, false, false},
		{j2, false, true}, // another job: over the limit
	}
	for i, st := range steps {
		r, err := charge(st.job)
		if st.fails {
			if !errors.Is(err, ErrQuotaExceeded) {
				t.Fatalf("step %d: err = %v, want quota exceeded", i, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if r.Counted != st.counted || r.Usage.UsedCount != 1 {
			t.Errorf("step %d: counted=%v used=%d, want counted=%v used=1", i, r.Counted, r.Usage.UsedCount, st.counted)
		}
	}
	hist, _ := s.QuotaHistory(ctx, u.ID, 0)
	var actions []string
	for _, h := range hist {
		actions = append(actions, h.Action)
	}
	if len(actions) != 3 || actions[0] != ActionReanalyse || actions[2] != ActionAnalyse {
		t.Errorf("history actions (newest first) = %v", actions)
	}
	now = date(2026, 6, 1)
	if r, err := charge(j1); err != nil || !r.Counted {
		t.Errorf("same job next month: %+v, %v; want counted", r, err)
	}
}

// TestUseQuotaUnlimited: self-hosted mode (limit 0) never refuses but counts.
func TestUseQuotaUnlimited(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "selfhost")
	for i := range 30 {
		r, err := s.UseQuota(ctx, u.ID, QuotaCharge{Type: QuotaAnalysis})
		if err != nil {
			t.Fatal(err)
		}
		if r.Usage.UsedCount != i+1 || r.Usage.LimitCount != 0 {
			t.Fatalf("use %d: %+v", i+1, r.Usage)
		}
	}
	st, _ := s.QuotaStatuses(ctx, u.ID, nil)
	if st[0].Used != 30 || st[0].Limit != nil || st[0].Remaining != nil {
		t.Errorf("status = %+v", st[0])
	}
}

// TestReleaseQuota: a released use no longer counts, and releasing twice or
// as another user changes nothing.
func TestReleaseQuota(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "refund")
	other := mustCreateUser(t, s, "other")
	ch := QuotaCharge{Type: QuotaCV, Limit: 1}
	r, err := s.UseQuota(ctx, u.ID, ch)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseQuota(ctx, other.ID, r); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseQuota(ctx, u.ID, ch); !errors.Is(err, ErrQuotaExceeded) {
		t.Fatalf("another user's release freed the quota: %v", err)
	}
	for range 2 {
		if err := s.ReleaseQuota(ctx, u.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := s.QuotaStatuses(ctx, u.ID, map[QuotaType]int{QuotaCV: 1})
	if st[2].Used != 0 {
		t.Errorf("used after release = %d, want 0", st[2].Used)
	}
	if _, err := s.UseQuota(ctx, u.ID, ch); err != nil {
		t.Errorf("use after release: %v", err)
	}
}

func TestUseQuotaRefusesBadInput(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	wantErr(t, func() error { _, err := s.UseQuota(ctx, 0, QuotaCharge{Type: QuotaCV}); return err }(), ErrNoOwner)
	u := mustCreateUser(t, s, "bad")
	_, err := s.UseQuota(ctx, u.ID, QuotaCharge{Type: "tokens"})
	wantFieldError(t, err, "quota_type")
	_, err = s.UseQuota(ctx, 987654, QuotaCharge{Type: QuotaCV})
	wantErr(t, err, ErrNotFound)
}

// TestQuotaIsolation: one user's usage never shows in another's.
func TestQuotaIsolation(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	a := mustCreateUser(t, s, "alice")
	b := mustCreateUser(t, s, "bob")
	if _, err := s.UseQuota(ctx, a.ID, QuotaCharge{Type: QuotaAnalysis, Limit: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseQuota(ctx, b.ID, QuotaCharge{Type: QuotaAnalysis, Limit: 1}); err != nil {
		t.Fatalf("bob charged for alice's use: %v", err)
	}
	hist, _ := s.QuotaHistory(ctx, b.ID, 0)
	if len(hist) != 1 {
		t.Errorf("bob's history has %d rows", len(hist))
	}
}
