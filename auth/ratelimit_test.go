package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLimiterBlocksAfterTheLimitUntilTheWindowEnds(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := NewLimiter(3, 15*time.Minute, 100)
	l.now = clk.now
	for i := 0; i < 3; i++ {
		if ok, _ := l.Take("user:a", "ip:1"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	clk.advance(5 * time.Minute)
	ok, wait := l.Take("user:a", "ip:2")
	if ok || wait != 10*time.Minute {
		t.Fatalf("4th attempt = %t, retry after %s; want refused for 10m", ok, wait)
	}
	if ok, _ := l.Take("user:b", "ip:1"); ok {
		t.Fatal("the address is over its limit but another username got through")
	}
	if ok, _ := l.Take("user:b", "ip:2"); !ok {
		t.Fatal("an unrelated username and address were refused")
	}
	clk.advance(10 * time.Minute)
	if ok, _ := l.Take("user:a", "ip:1"); !ok {
		t.Fatal("still refused after the window ended")
	}
}

func TestLimiterReturnAndReset(t *testing.T) {
	l := NewLimiter(1, time.Hour, 10)
	l.Take("k")
	l.Return("k")
	if ok, _ := l.Take("k"); !ok {
		t.Fatal("a returned event still counted")
	}
	l.Reset("k")
	if ok, _ := l.Take("k"); !ok {
		t.Fatal("a reset key still counted")
	}
}

func TestLimiterMemoryIsBounded(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := NewLimiter(5, time.Minute, 100)
	l.now = clk.now
	for i := 0; i < 1000; i++ {
		l.Take(fmt.Sprint("k", i))
		clk.advance(time.Millisecond)
	}
	if n := l.Len(); n != 100 {
		t.Fatalf("remembers %d keys, want at most 100", n)
	}
	clk.advance(2 * time.Minute)
	l.Take("fresh")
	if n := l.Len(); n != 1 {
		t.Fatalf("expired windows kept: %d keys", n)
	}
}

func TestLimiterDoesNotOvershootUnderConcurrency(t *testing.T) {
	l := NewLimiter(10, time.Hour, 100)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := l.Take("user:x"); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != 10 {
		t.Fatalf("%d concurrent attempts allowed, want 10", allowed)
	}
}
