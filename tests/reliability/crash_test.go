package reliability

import (
	"encoding/json"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestKill9DuringCaptureLoadLosesNoAcknowledgedCapture kills the server
// with SIGKILL in the middle of a capture load, three times on the same
// data directory (after 150, 300 and 450 acknowledged captures of the
// round), restarting it each time. After the last restart the server
// answers and captures again; then, stopped, the database passes PRAGMA
// integrity_check and holds every capture that was ever answered 2xx,
// under its user, with the id that was answered.
func TestKill9DuringCaptureLoadLosesNoAcknowledgedCapture(t *testing.T) {
	dir := t.TempDir()
	p := startVega(t, dir)
	users := signUpUsers(t, p.URL, 8)
	body := newCaptureBody(t)
	var all []ack
	offset := 0
	for round, killAt := range []int64{150, 300, 450} {
		stop := make(chan struct{})
		var once sync.Once
		kill := func() {
			once.Do(func() {
				p.signal(t, syscall.SIGKILL)
				close(stop)
			})
		}
		// Captures are numbered from offset so each round's URLs are new.
		res := runLoad(p.URL, users, body, loadOptions{
			N: 5000, Offset: offset, Clients: 16, Deadline: 60 * time.Second, Stop: stop,
			OnAck: func(n int64) {
				if n >= killAt {
					kill()
				}
			},
		})
		kill() // in case the load ended first
		_ = p.wait(t, 10*time.Second)
		if int64(len(res.Acks)) < killAt {
			t.Fatalf("round %d: only %d captures acknowledged before the kill (want ≥ %d); failures: %v", round, len(res.Acks), killAt, res.Failures)
		}
		for code, n := range res.Statuses {
			if code/100 != 2 {
				t.Errorf("round %d: %d answers with status %d before the kill", round, n, code)
			}
		}
		all = append(all, res.Acks...)
		t.Logf("round %d: killed after %d acknowledged captures (%d requests failed at the kill)", round, len(res.Acks), res.NFailures)
		offset += 5000
		p = p.restart(t)
	}
	// The restarted server is healthy and takes captures.
	c := clientFrom("127.0.0.1", 1)
	code, b, err := do(c, "GET", p.URL+"/healthz", "", nil)
	if err != nil || code != 200 || !strings.Contains(string(b), `"database":"ok"`) {
		t.Fatalf("/healthz after restart: %d %s %v", code, b, err)
	}
	code, b, err = do(c, "POST", p.URL+"/api/jobs/capture", users[0].Token, body.For(pageURL(999999)))
	var out struct {
		Job struct {
			ID int64 `json:"id"`
		} `json:"job"`
	}
	if err != nil || code != 201 || json.Unmarshal(b, &out) != nil {
		t.Fatalf("capture after restart: %d %.300s %v", code, b, err)
	}
	all = append(all, ack{N: 999999, User: 0, URL: pageURL(999999), JobID: out.Job.ID})
	c.CloseIdleConnections()
	p.signal(t, syscall.SIGTERM)
	if err := p.wait(t, 30*time.Second); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.out.String())
	}
	jobs := checkStored(t, dir, users, all)
	if jobs < int64(len(all)) {
		t.Errorf("database has %d jobs, %d were acknowledged", jobs, len(all))
	}
	t.Logf("%d acknowledged captures over 3 kills, all present; %d jobs in the database (any more were committed but not answered before a kill)", len(all), jobs)
}
