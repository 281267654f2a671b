package reliability

import (
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMUnderLoadFinishesInFlightCaptures sends SIGTERM to the server
// while 16 clients are capturing. Every request that was in flight when the
// signal went (sent at least 20 ms earlier on a warm connection, so the
// server was reading or handling it) is answered with a complete 2xx; no
// request gets a 5xx or a truncated answer (every 2xx decodes as a whole
// capture result); the process exits with status 0; and the database
// passes its integrity check with every acknowledged capture in it.
func TestSIGTERMUnderLoadFinishesInFlightCaptures(t *testing.T) {
	dir := t.TempDir()
	p := startVega(t, dir)
	users := signUpUsers(t, p.URL, 8)
	body := newCaptureBody(t)

	var mu sync.Mutex
	started := map[int]time.Time{} // in-flight requests and when they started
	var inFlightAtSignal []int
	var signalled time.Time
	stop := make(chan struct{})
	var once sync.Once
	res := runLoad(p.URL, users, body, loadOptions{
		N: 5000, Clients: 16, Deadline: 60 * time.Second, Stop: stop,
		Track: func(start bool, i int) {
			mu.Lock()
			defer mu.Unlock()
			if start {
				started[i] = time.Now()
			} else {
				delete(started, i)
			}
		},
		OnAck: func(n int64) {
			if n < 300 {
				return
			}
			once.Do(func() {
				mu.Lock()
				signalled = time.Now()
				for i, at := range started {
					if signalled.Sub(at) >= 20*time.Millisecond {
						inFlightAtSignal = append(inFlightAtSignal, i)
					}
				}
				mu.Unlock()
				p.signal(t, syscall.SIGTERM)
				close(stop)
			})
		},
	})
	if signalled.IsZero() {
		t.Fatalf("the load ended before 300 captures were acknowledged: %v", res.Failures)
	}
	if err := p.wait(t, 40*time.Second); err != nil {
		t.Fatalf("vega exited with %v after SIGTERM, want status 0\n%s", err, p.out.String())
	}
	acked := map[int]bool{}
	for _, a := range res.Acks {
		acked[a.N] = true
	}
	if len(inFlightAtSignal) == 0 {
		t.Fatal("no request was in flight at the signal; the test proves nothing")
	}
	for _, i := range inFlightAtSignal {
		if !acked[i] {
			t.Errorf("capture %d was in flight at SIGTERM and did not get a complete 2xx", i)
		}
	}
	if res.Incomplete != 0 {
		t.Errorf("%d answers were cut short during the graceful stop", res.Incomplete)
	}
	for code, n := range res.Statuses {
		if code/100 != 2 {
			t.Errorf("%d answers with status %d during the graceful stop", n, code)
		}
	}
	for _, f := range res.Failures {
		t.Log(f) // transport errors of requests sent after the listener closed
	}
	jobs := checkStored(t, dir, users, res.Acks)
	if jobs < int64(len(res.Acks)) {
		t.Errorf("database has %d jobs, %d were acknowledged", jobs, len(res.Acks))
	}
	t.Logf("SIGTERM after %d acknowledged captures; %d requests in flight at the signal all finished 2xx; %d failed after it (not sent before the listener closed); exit 0; %d jobs stored",
		len(res.Acks), len(inFlightAtSignal), res.NFailures, jobs)
}
