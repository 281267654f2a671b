package reliability

import (
	"syscall"
	"testing"
	"time"
)

// TestCaptureLoad is the load run of BENCHMARKS.md: 10,000 captures of a
// 36 KB Workday page from 50 users at 32 concurrent clients against the
// vega binary on a SQLite file. Every request is answered 201, every
// acknowledged capture is in the database under its user after a graceful
// stop, and the server's peak resident memory (VmHWM) is logged. With
// -short it sends 1,000 captures from 10 users at 8 clients.
func TestCaptureLoad(t *testing.T) {
	n, nusers, clients := 10000, 50, 32
	if testing.Short() {
		n, nusers, clients = 1000, 10, 8
	}
	dir := t.TempDir()
	p := startVega(t, dir)
	users := signUpUsers(t, p.URL, nusers)
	body := newCaptureBody(t)

	res := runLoad(p.URL, users, body, loadOptions{N: n, Clients: clients, Deadline: 170 * time.Second})
	hwm := p.vmHWM(t)
	for _, f := range res.Failures {
		t.Error(f)
	}
	if res.NFailures != 0 || res.Incomplete != 0 || len(res.Acks) != n || res.Statuses[201] != n {
		t.Errorf("%d captures: %d acknowledged, %d failed, statuses %v (want %d × 201)", n, len(res.Acks), res.NFailures, res.Statuses, n)
	}
	t.Logf("load: %d captures, %d users, %d clients, page %s: %v, %.1f captures/s, p50 %v, p90 %v, p99 %v, max %v, errors %d, server peak RSS (VmHWM) %.1f MiB",
		n, nusers, clients, pageFile, res.Elapsed.Round(time.Millisecond), float64(len(res.Acks))/res.Elapsed.Seconds(),
		percentile(res.Latencies, 50).Round(time.Millisecond), percentile(res.Latencies, 90).Round(time.Millisecond),
		percentile(res.Latencies, 99).Round(time.Millisecond), percentile(res.Latencies, 100).Round(time.Millisecond),
		res.NFailures, float64(hwm)/1024)

	p.signal(t, syscall.SIGTERM)
	if err := p.wait(t, 40*time.Second); err != nil {
		t.Fatalf("vega exited with %v after SIGTERM\n%s", err, p.out.String())
	}
	if jobs := checkStored(t, dir, users, res.Acks); jobs != int64(len(res.Acks)) {
		t.Errorf("database has %d jobs, %d captures were acknowledged", jobs, len(res.Acks))
	}
}
