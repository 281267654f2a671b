package models

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestTakeRateLimit(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	take := func(names ...string) (bool, time.Duration) {
		t.Helper()
		ok, wait, err := s.TakeRateLimit(ctx, 3, time.Minute, names...)
		if err != nil {
			t.Fatal(err)
		}
		return ok, wait
	}
	for i := range 3 {
		if ok, _ := take("login|user:ada", "login|ip:a"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	now = now.Add(10 * time.Second)
	if ok, wait := take("login|user:ada", "login|ip:b"); ok || wait != 50*time.Second {
		t.Fatalf("fourth attempt = %v, wait %v; want refused for 50s", ok, wait)
	}
	// All or nothing: ip:b was not counted by the refused attempt.
	for i := range 3 {
		if ok, _ := take("login|ip:b"); !ok {
			t.Fatalf("ip:b attempt %d refused: the refused attempt counted it", i+1)
		}
	}
	// Returning an attempt makes room for one more.
	if err := s.ReturnRateLimit(ctx, "login|user:ada"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := take("login|user:ada"); !ok {
		t.Fatal("refused after an attempt was returned")
	}
	if ok, _ := take("login|user:ada"); ok {
		t.Fatal("allowed past the limit")
	}
	// The window ends: counting starts again, and the old rows can go.
	now = now.Add(time.Minute)
	if n, err := s.DeleteExpiredRateLimits(ctx); err != nil || n != 3 {
		t.Fatalf("DeleteExpiredRateLimits = %d, %v; want 3", n, err)
	}
	if ok, _ := take("login|user:ada"); !ok {
		t.Fatal("refused in a new window")
	}
}

// TestTakeRateLimitConcurrent: attempts racing from many connections (or
// servers) never overshoot the limit.
func TestTakeRateLimitConcurrent(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, _, err := s.TakeRateLimit(ctx, 5, time.Minute, "login|ip:x", "login|user:ada")
			if err != nil {
				t.Error(err)
			}
			if ok {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	if allowed.Load() != 5 {
		t.Fatalf("%d attempts allowed, want exactly 5", allowed.Load())
	}
}
