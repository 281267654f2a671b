// Package reliability runs the real vega binary on loopback against a SQLite
// file and proves that an acknowledged capture survives load, kill -9 and a
// graceful stop; and two vega processes on one PostgreSQL database
// (multiserver_test.go) and proves they act as one server.
//
// TestMain builds the binary once (go build from the repository root) into a
// temporary directory; every test starts it on a free port of 127.0.0.1
// with its own data directory. The PostgreSQL cluster, if a test started
// one (internal/pgtest), is stopped at the end.
package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vega-ai/vega/internal/pgtest"
	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/scraper"
)

// vegaBin is the binary built by TestMain.
var vegaBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vega-reliability-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	vegaBin = filepath.Join(dir, "vega")
	build := exec.Command("go", "build", "-o", vegaBin, ".")
	build.Dir = filepath.Join("..", "..")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build vega:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	pgtest.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// syncBuffer collects a process's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is a running vega serve.
type proc struct {
	cmd    *exec.Cmd
	URL    string
	Dir    string
	env    []string // extra environment, kept for restart
	out    *syncBuffer
	done   chan struct{} // closed when the process has exited
	exitMu sync.Mutex
	exit   error
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startVega runs the binary on dataDir and waits for /health. The process is
// killed at cleanup if still running.
func startVega(t testing.TB, dataDir string) *proc {
	t.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // the free port may be taken in between
		p, err := tryStart(t, dataDir, freeAddr(t))
		if err == nil {
			return p
		}
		lastErr = err
	}
	t.Fatalf("start vega: %v", lastErr)
	return nil
}

// restart runs the binary again on the stopped p's address and data
// directory (the address is part of the tokens' issuer, as in production).
func (p *proc) restart(t testing.TB) *proc {
	t.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		np, err := tryStart(t, p.Dir, strings.TrimPrefix(p.URL, "http://"), p.env...)
		if err == nil {
			return np
		}
		lastErr = err
	}
	t.Fatalf("restart vega: %v", lastErr)
	return nil
}

// tryStart starts the binary once on addr; env ("NAME=value") is added to
// the environment, overriding the defaults and the test's own.
func tryStart(t testing.TB, dataDir, addr string, env ...string) (*proc, error) {
	cmd := exec.Command(vegaBin, "serve")
	cmd.Env = append(os.Environ(),
		"VEGA_ADDR="+addr,
		"VEGA_DATA_DIR="+dataDir,
		"VEGA_BCRYPT_COST=10",
		"VEGA_LOG_LEVEL=warn",
		"VEGA_SHUTDOWN_TIMEOUT=30s",
	)
	cmd.Env = append(cmd.Env, env...) // the last value of a name wins
	p := &proc{cmd: cmd, URL: "http://" + addr, Dir: dataDir, env: env, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		err := cmd.Wait()
		p.exitMu.Lock()
		p.exit = err
		p.exitMu.Unlock()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	c := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return nil, fmt.Errorf("vega exited before answering: %v\n%s", p.exitErr(), p.out.String())
		default:
		}
		resp, err := c.Get(p.URL + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-p.done
	return nil, fmt.Errorf("vega did not answer /health within 30s\n%s", p.out.String())
}

func (p *proc) exitErr() error {
	p.exitMu.Lock()
	defer p.exitMu.Unlock()
	return p.exit
}

// wait waits at most d for the process to exit.
func (p *proc) wait(t testing.TB, d time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
		return p.exitErr()
	case <-time.After(d):
		t.Fatalf("vega still running %v after the signal\n%s", d, p.out.String())
		return nil
	}
}

// vmHWM returns the process's peak resident set size in KiB
// (/proc/<pid>/status VmHWM).
func (p *proc) vmHWM(t testing.TB) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			n, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// clientFrom is an HTTP client whose connections come from the loopback
// address ip: registrations are rate-limited per client address, so each
// user registers from its own 127.0.0.x.
func clientFrom(ip string, conns int) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		DialContext: d.DialContext, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true,
	}}
}

// do sends a JSON body and returns the status and the whole answer.
func do(c *http.Client, method, url, token string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// user is an account signed in over the API.
type user struct {
	Name  string
	ID    int64
	Token string
}

// signUpUsers registers and signs in n users over HTTP, each from its own
// loopback address, four at a time.
func signUpUsers(t testing.TB, base string, n int) []user {
	t.Helper()
	users := make([]user, n)
	errs := make([]error, n)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c := clientFrom(fmt.Sprintf("127.0.%d.%d", 1+i/200, 10+i%200), 1)
			defer c.CloseIdleConnections()
			name := fmt.Sprintf("loaduser%03d", i)
			creds, _ := json.Marshal(map[string]string{"username": name, "password": "password-" + name})
			code, b, err := do(c, "POST", base+"/api/auth/register", "", creds)
			if err != nil || code != 201 {
				errs[i] = fmt.Errorf("register %s: %d %s %v", name, code, b, err)
				return
			}
			var u struct {
				ID int64 `json:"id"`
			}
			if err := json.Unmarshal(b, &u); err != nil || u.ID == 0 {
				errs[i] = fmt.Errorf("register %s answer %s: %v", name, b, err)
				return
			}
			code, b, err = do(c, "POST", base+"/api/auth/login", "", creds)
			var tok struct {
				Token string `json:"token"`
			}
			if err != nil || code != 200 || json.Unmarshal(b, &tok) != nil || tok.Token == "" {
				errs[i] = fmt.Errorf("login %s: %d %s %v", name, code, b, err)
				return
			}
			users[i] = user{Name: name, ID: u.ID, Token: tok.Token}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return users
}

// page is the job page every capture posts: a 36 KB Workday posting.
const pageFile = "workday-medtronic-finance.html"

// pageURL is the n-th capture's URL: the Workday posting with its own
// requisition suffix, so that every capture is a new job.
func pageURL(n int) string {
	return fmt.Sprintf("https://medtronic.wd1.myworkdayjobs.com/en-US/MedtronicCareers/job/Finance-Analyst_R63409-%d", n)
}

// captureBody builds capture request bodies cheaply: the page is
// JSON-encoded once and each URL spliced in.
type captureBody struct{ head, tail []byte }

func newCaptureBody(t testing.TB) captureBody {
	t.Helper()
	html, err := os.ReadFile(filepath.Join("..", "..", "scraper", "testdata", "jobpages", pageFile))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := json.Marshal(string(html))
	if err != nil {
		t.Fatal(err)
	}
	return captureBody{head: []byte(`{"url":`), tail: append(append([]byte(`,"html":`), enc...), '}')}
}

func (cb captureBody) For(url string) []byte {
	u, _ := json.Marshal(url)
	b := make([]byte, 0, len(cb.head)+len(u)+len(cb.tail))
	return append(append(append(b, cb.head...), u...), cb.tail...)
}

// ack is a capture the server acknowledged with a 2xx.
type ack struct {
	N     int // the capture's number (its URL is pageURL(N))
	User  int // index into the users
	URL   string
	JobID int64
}

// loadResult is what a capture load saw.
type loadResult struct {
	Acks      []ack
	Sent      int         // requests whose answer (or failure) came back
	Statuses  map[int]int // status code -> count
	Failures  []string    // transport errors and non-2xx answers (first 20)
	NFailures int         // all of them
	// Incomplete counts answers whose status line arrived but whose body
	// was cut short or is not a whole capture result.
	Incomplete int
	Latencies  []time.Duration // of the 2xx answers
	Elapsed    time.Duration
}

// loadOptions configure runLoad.
type loadOptions struct {
	N, Clients int
	Offset     int           // captures are numbered Offset..Offset+N-1
	Deadline   time.Duration // the whole run stops sending after this
	// OnAck, if set, is called after each acknowledged capture with the
	// count so far.
	OnAck func(acked int64)
	// Stop, if set, ends sending when closed (requests already sent finish).
	Stop <-chan struct{}
	// InFlight, if set, receives a callback per request start/end.
	Track func(start bool, n int)
}

// runLoad posts captures Offset..Offset+N-1 from Clients concurrent
// clients, capture i by user i%len(users), until all are sent, Stop is
// closed or the deadline passes.
func runLoad(base string, users []user, body captureBody, o loadOptions) loadResult {
	client := clientFrom("127.0.0.1", o.Clients)
	defer client.CloseIdleConnections()
	var next, acked atomic.Int64
	var mu sync.Mutex
	res := loadResult{Statuses: map[int]int{}}
	deadline := time.Now().Add(o.Deadline)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < o.Clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if o.Stop != nil {
					select {
					case <-o.Stop:
						return
					default:
					}
				}
				i := int(next.Add(1) - 1)
				if i >= o.N {
					return
				}
				i += o.Offset
				u := i % len(users)
				url := pageURL(i)
				if o.Track != nil {
					o.Track(true, i)
				}
				t0 := time.Now()
				code, b, err := do(client, "POST", base+"/api/jobs/capture", users[u].Token, body.For(url))
				lat := time.Since(t0)
				var out struct {
					Created *bool `json:"created"`
					Job     struct {
						ID int64 `json:"id"`
					} `json:"job"`
				}
				ok := err == nil && code/100 == 2 && json.Unmarshal(b, &out) == nil && out.Created != nil && out.Job.ID > 0
				mu.Lock()
				res.Sent++
				if err == nil {
					res.Statuses[code]++
				}
				if code != 0 && !ok && (err != nil || code/100 == 2) {
					res.Incomplete++
				}
				if ok {
					res.Acks = append(res.Acks, ack{N: i, User: u, URL: url, JobID: out.Job.ID})
					res.Latencies = append(res.Latencies, lat)
				} else {
					res.NFailures++
					if len(res.Failures) < 20 {
						res.Failures = append(res.Failures, fmt.Sprintf("capture %d: status %d err %v body %.200q", i, code, err, b))
					}
				}
				mu.Unlock()
				if o.Track != nil {
					o.Track(false, i)
				}
				if ok && o.OnAck != nil {
					o.OnAck(acked.Add(1))
				}
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

// percentile returns the p-th percentile (0..100) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

// checkStored opens the stopped server's database, runs PRAGMA
// integrity_check, and checks that every acknowledged capture is a job of
// its user, found by its canonical URL with the id the server answered.
// It returns the number of jobs in the database.
func checkStored(t testing.TB, dataDir string, users []user, acks []ack) int64 {
	t.Helper()
	ctx := context.Background()
	db, err := models.Open(ctx, models.Options{Path: filepath.Join(dataDir, "vega.db"), SkipMigrations: true})
	if err != nil {
		t.Fatalf("open the database after the run: %v", err)
	}
	defer db.Close()
	var check string
	if err := db.SQLDB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil {
		t.Fatal(err)
	}
	if check != "ok" {
		t.Fatalf("PRAGMA integrity_check = %q", check)
	}
	var fk int
	rows, err := db.SQLDB().QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		fk++
	}
	rows.Close()
	if fk != 0 {
		t.Errorf("PRAGMA foreign_key_check reports %d rows", fk)
	}
	store := models.NewStore(db)
	missing := 0
	for _, a := range acks {
		canon, err := scraper.CanonicalURL(a.URL)
		if err != nil {
			t.Fatal(err)
		}
		j, err := store.JobByURL(ctx, users[a.User].ID, canon)
		switch {
		case err != nil:
			missing++
			if missing <= 10 {
				t.Errorf("acknowledged capture %s of %s (job %d) is not in the database: %v", a.URL, users[a.User].Name, a.JobID, err)
			}
		case j.ID != a.JobID:
			t.Errorf("capture %s of %s: answered job %d, database has %d", a.URL, users[a.User].Name, a.JobID, j.ID)
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged captures are missing", missing, len(acks))
	}
	var n int64
	if err := db.SQLDB().QueryRowContext(ctx, "SELECT COUNT(*) FROM jobs").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// signal sends sig to the process.
func (p *proc) signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}
