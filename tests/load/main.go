// Command load measures capture throughput: it starts a Vega server in this
// process on a real SQLite file (or a PostgreSQL database) and loopback TCP,
// signs a user in, and posts a job page to /api/jobs/capture from -c
// concurrent clients, each request with a new URL (so every capture parses
// and stores a new job). It reports throughput, latency percentiles, and
// the share of server time spent parsing and storing (from the
// Server-Timing header of each answer).
//
//	go run ./tests/load -n 3000 -c 16
//	go run ./tests/load -n 3000 -c 16 -rate 150   # open loop at a fixed rate
//	go run ./tests/load -n 3000 -c 16 -postgres test      # throwaway cluster, as the tests run it (fsync off)
//	go run ./tests/load -n 3000 -c 16 -postgres durable   # throwaway cluster, PostgreSQL's default durability
//	go run ./tests/load -n 3000 -c 16 -database postgres://user@host:5432/empty_db?sslmode=disable
//
// -postgres starts a PostgreSQL cluster in a temporary directory with
// Debian's binaries (as internal/pgtest does; under root it runs as the
// "postgres" user), creates the database vega_load in it, and removes it all
// after the run:
//
//	test     pgtest.Start: fsync=off, synchronous_commit=off, full_page_writes=off
//	durable  PostgreSQL's defaults: fsync, synchronous_commit and full_page_writes on
//	         (every commit waits for its WAL flush)
//	async    as durable, with synchronous_commit=off: crash-safe, but an OS crash
//	         may lose the last commits, as SQLite's WAL with synchronous=NORMAL
//
// All three use max_connections=400 and shared_buffers=64MB, like pgtest.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/migrations"
	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/server"
)

// Options configure a run.
type Options struct {
	N       int           // captures to send (after the warm-up)
	C       int           // concurrent clients
	Rate    float64       // requests per second in total; 0 sends as fast as the clients can
	Page    string        // HTML file to post
	Warmup  int           // captures sent first and not measured
	Dir     string        // data directory ("" for a temporary one)
	Timeout time.Duration // per request
	// Database is a PostgreSQL URL (an empty database; migrations are
	// applied); "" runs on a SQLite file in Dir.
	Database string
}

// Result is what a run measured.
type Result struct {
	N, Errors          int
	Statuses           map[int]int
	Elapsed            time.Duration
	Throughput         float64 // captures per second
	P50, P90, P99, Max time.Duration
	Parse, Store       time.Duration // sums of the server's Server-Timing figures
	Decode             time.Duration
	PageBytes          int
	// DatabaseInfo describes the database and its durability settings, as
	// the database itself reports them.
	DatabaseInfo string
}

func main() { os.Exit(run()) }

func run() int {
	var o Options
	flag.IntVar(&o.N, "n", 3000, "captures to send")
	flag.IntVar(&o.C, "c", 16, "concurrent clients")
	flag.Float64Var(&o.Rate, "rate", 0, "total requests per second (0: as fast as possible)")
	flag.StringVar(&o.Page, "page", filepath.Join("scraper", "testdata", "jobpages", "linkedin-guest-heidi.html"), "HTML page to post")
	flag.IntVar(&o.Warmup, "warmup", 100, "captures sent first, not measured")
	flag.StringVar(&o.Dir, "dir", "", "data directory (default: a temporary one, removed after)")
	flag.DurationVar(&o.Timeout, "timeout", 30*time.Second, "per-request timeout")
	flag.StringVar(&o.Database, "database", "", "run on this PostgreSQL database (postgres://..., an empty database) instead of a SQLite file")
	pgMode := flag.String("postgres", "", "run on a throwaway PostgreSQL cluster: test (fsync off, as pgtest), durable (PostgreSQL's defaults) or async (durable with synchronous_commit=off)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run (server and clients) to this file")
	flag.Parse()
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "load:", err)
		return 1
	}
	if *pgMode != "" {
		if o.Database != "" {
			return fail(errors.New("-postgres and -database exclude each other"))
		}
		url, stop, err := startCluster(*pgMode)
		if err != nil {
			return fail(err)
		}
		defer stop()
		o.Database = url
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			return fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	r, err := Run(o)
	if err != nil {
		return fail(err)
	}
	fmt.Print(r.Report(o))
	if r.Errors > 0 {
		return 1
	}
	return 0
}

// Report formats the result.
func (r *Result) Report(o Options) string {
	var b strings.Builder
	mode := "closed loop"
	if o.Rate > 0 {
		mode = fmt.Sprintf("open loop at %.0f/s", o.Rate)
	}
	fmt.Fprintf(&b, "captures: %d of a %d KB page, %d clients, %s, GOMAXPROCS=%d\n", r.N, r.PageBytes>>10, o.C, mode, runtime.GOMAXPROCS(0))
	if r.DatabaseInfo != "" {
		fmt.Fprintf(&b, "database: %s\n", r.DatabaseInfo)
	}
	fmt.Fprintf(&b, "statuses: %v, errors: %d\n", r.Statuses, r.Errors)
	fmt.Fprintf(&b, "elapsed: %s, throughput: %.1f captures/s\n", r.Elapsed.Round(time.Millisecond), r.Throughput)
	fmt.Fprintf(&b, "latency: p50 %s, p90 %s, p99 %s, max %s\n", ms(r.P50), ms(r.P90), ms(r.P99), ms(r.Max))
	server := r.Decode + r.Parse + r.Store
	if server > 0 && r.N > 0 {
		fmt.Fprintf(&b, "server time per capture: decode %s, parse %s, store %s (parse %.0f%%, store %.0f%%, decode %.0f%%)\n",
			ms(r.Decode/time.Duration(r.N)), ms(r.Parse/time.Duration(r.N)), ms(r.Store/time.Duration(r.N)),
			100*float64(r.Parse)/float64(server), 100*float64(r.Store)/float64(server), 100*float64(r.Decode)/float64(server))
	}
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// Run starts the server, sends the captures and measures them.
func Run(o Options) (*Result, error) {
	if o.C < 1 || o.N < 1 {
		return nil, errors.New("-n and -c must be positive")
	}
	page, err := os.ReadFile(o.Page)
	if err != nil {
		return nil, err
	}
	dir := o.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "vega-load-*"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
	}
	base, info, stop, err := startServer(dir, o.Database)
	if err != nil {
		return nil, err
	}
	defer stop()
	client := &http.Client{Timeout: o.Timeout, Transport: &http.Transport{MaxIdleConnsPerHost: o.C * 2}}
	defer client.CloseIdleConnections()
	token, err := signIn(client, base)
	if err != nil {
		return nil, err
	}

	// The page is JSON-encoded once; each request only splices in its URL,
	// so the client's own work stays small next to the server's.
	htmlJSON, err := json.Marshal(string(page))
	if err != nil {
		return nil, err
	}
	var seq atomic.Int64
	post := func() (int, time.Duration, string, error) {
		n := seq.Add(1)
		body := make([]byte, 0, len(htmlJSON)+128)
		body = append(body, `{"url":"https://www.linkedin.com/jobs/view/`...)
		body = strconv.AppendInt(body, 1_000_000_000+n, 10)
		body = append(body, `/","html":`...)
		body = append(body, htmlJSON...)
		body = append(body, '}')
		req, _ := http.NewRequest("POST", base+"/api/jobs/capture", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, "", err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, time.Since(start), resp.Header.Get("Server-Timing"), nil
	}
	for i := 0; i < o.Warmup; i++ {
		if code, _, _, err := post(); err != nil || code != 201 {
			return nil, fmt.Errorf("warm-up capture: %d %v", code, err)
		}
	}

	res := &Result{N: o.N, Statuses: map[int]int{}, PageBytes: len(page), DatabaseInfo: info}
	lat := make([]time.Duration, 0, o.N)
	var mu sync.Mutex
	jobs := make(chan struct{}, o.N)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < o.C; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				code, d, timing, err := post()
				parse, store, decode := serverTiming(timing)
				mu.Lock()
				if err != nil || code != 201 {
					res.Errors++
				}
				res.Statuses[code]++
				lat = append(lat, d)
				res.Parse += parse
				res.Store += store
				res.Decode += decode
				mu.Unlock()
			}
		}()
	}
	if o.Rate > 0 {
		tick := time.NewTicker(time.Duration(float64(time.Second) / o.Rate))
		for i := 0; i < o.N; i++ {
			<-tick.C
			jobs <- struct{}{}
		}
		tick.Stop()
	} else {
		for i := 0; i < o.N; i++ {
			jobs <- struct{}{}
		}
	}
	close(jobs)
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Throughput = float64(o.N) / res.Elapsed.Seconds()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	res.P50, res.P90, res.P99, res.Max = pct(0.50), pct(0.90), pct(0.99), lat[len(lat)-1]
	return res, nil
}

// serverTiming reads parse, store and decode durations from a Server-Timing
// header such as "decode;dur=1.2, parse;dur=8.10, store;dur=0.90".
func serverTiming(h string) (parse, store, decode time.Duration) {
	for _, part := range strings.Split(h, ",") {
		name, dur, ok := strings.Cut(strings.TrimSpace(part), ";dur=")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(dur, 64)
		if err != nil {
			continue
		}
		d := time.Duration(f * float64(time.Millisecond))
		switch name {
		case "parse":
			parse = d
		case "store":
			store = d
		case "decode":
			decode = d
		}
	}
	return
}

// startServer runs a server on a loopback port, on dir's SQLite file or,
// when databaseURL is set, on that PostgreSQL database. It returns the
// server's URL and a description of the database's durability settings.
func startServer(dir, databaseURL string) (string, string, func(), error) {
	cfg, err := config.Load(func(k string) string {
		switch k {
		case "VEGA_SECRET":
			return strings.Repeat("load-test-secret-", 3)
		case "VEGA_BCRYPT_COST":
			return "10"
		}
		return ""
	})
	if err != nil {
		return "", "", nil, err
	}
	cfg.DataDir = dir
	opts := models.Options{Path: filepath.Join(dir, "vega.db")}
	if databaseURL != "" {
		opts = models.Options{URL: databaseURL}
	}
	db, err := models.Open(context.Background(), opts)
	if err != nil {
		return "", "", nil, err
	}
	info, err := describeDatabase(db)
	if err != nil {
		db.Close()
		return "", "", nil, err
	}
	srv, err := server.New(server.Deps{Config: cfg, DB: db, Store: models.NewStore(db),
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		db.Close()
		return "", "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		return "", "", nil, err
	}
	go func() { _ = srv.App().Listener(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		db.Close()
	}
	return "http://" + ln.Addr().String(), info, stop, nil
}

// describeDatabase reports the database and the settings that decide what
// a commit costs, read from the database itself.
func describeDatabase(db *models.DB) (string, error) {
	ctx := context.Background()
	q := db.SQLDB()
	if db.Dialect() != migrations.Postgres {
		var mode string
		var sync int
		if err := q.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			return "", err
		}
		if err := q.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			return "", err
		}
		names := map[int]string{0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
		return fmt.Sprintf("SQLite, journal_mode=%s, synchronous=%s", mode, names[sync]), nil
	}
	var parts []string
	for _, name := range []string{"server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "shared_buffers", "max_connections"} {
		var v string
		if err := q.QueryRowContext(ctx, "SHOW "+name).Scan(&v); err != nil {
			return "", err
		}
		parts = append(parts, name+"="+v)
	}
	return "PostgreSQL, " + strings.Join(parts, ", "), nil
}

// signIn registers the load user and returns an access token.
func signIn(client *http.Client, base string) (string, error) {
	creds, _ := json.Marshal(map[string]string{"username": "load", "password": "load-password"})
	for _, path := range []string{"/api/auth/register", "/api/auth/login"} {
		resp, err := client.Post(base+path, "application/json", bytes.NewReader(creds))
		if err != nil {
			return "", err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			return "", fmt.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
		if path == "/api/auth/login" {
			var tok struct {
				Token string `json:"token"`
			}
			if err := json.Unmarshal(b, &tok); err != nil || tok.Token == "" {
				return "", fmt.Errorf("login answer %s: %v", b, err)
			}
			return tok.Token, nil
		}
	}
	return "", errors.New("unreachable")
}
