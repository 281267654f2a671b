package reliability

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/vega-ai/vega/internal/pgtest"
	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/scraper"
)

// sharedBaseURL is the public address both servers are given, as behind a
// load balancer: it is the iss claim of the access tokens, so servers that
// are to accept each other's tokens must share it.
const sharedBaseURL = "http://vega-lb.test"

// TestTwoServersShareOnePostgresDatabase runs two vega processes, on two
// ports and with their own data directories, on one PostgreSQL database,
// neither given VEGA_SECRET, both started at the same moment on the empty
// database (so they race for the migrations and for the generated secret).
// Over real HTTP it proves they behave as one server:
//
//   - accounts: a user registered on A signs in on B; A's access token is
//     accepted by B; A's refresh token is rotated on B, and presenting the
//     rotated token again, on A, signs that session out on both;
//   - a job captured on A is listed and read on B;
//   - the same URL captured through both servers at once (16 clients, 8 per
//     server, for each of 3 users, on 12 URLs) is one row per (user, URL)
//     in PostgreSQL, every answer is 200 or 201 with that row's id, and
//     exactly one answer per (user, URL) is 201;
//   - a status change and a delete through B are seen through A at once,
//     and the deleted URL captured again on A is a new job;
//   - a dashboard session started on A (with the sign-in form B served) is
//     accepted by B, whose CSRF token is A's, a form posted to B with it
//     changes the job, and signing out on B ends the session on A.
func TestTwoServersShareOnePostgresDatabase(t *testing.T) {
	if pgtest.Off() {
		t.Skip("PostgreSQL switched off by VEGA_TEST_POSTGRES=off: two servers on one database need it")
	}
	dbURL := pgtest.NewDatabase(t)
	env := []string{
		"VEGA_DATABASE_URL=" + dbURL,
		"VEGA_SECRET=", "VEGA_SECRET_FILE=", // the secret comes from the database
		"VEGA_BASE_URL=" + sharedBaseURL,
	}
	dirA, dirB := t.TempDir(), t.TempDir()
	a, b := startPair(t, [2]string{dirA, dirB}, env)
	t.Logf("server A %s (data %s), server B %s (data %s), one PostgreSQL database", a.URL, dirA, b.URL, dirB)

	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()

	// The one secret is in the database; neither data directory has one.
	var secret string
	if err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = $1`, models.SettingSecret).Scan(&secret); err != nil {
		t.Fatalf("the generated secret is not in the settings table: %v", err)
	}
	if len(secret) < 32 {
		t.Fatalf("settings secret is %d characters, want at least 32", len(secret))
	}
	for _, dir := range []string{dirA, dirB} {
		if _, err := os.Stat(filepath.Join(dir, "secret")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s/secret exists (or cannot be checked: %v): on PostgreSQL the secret belongs in the database", dir, err)
		}
	}

	api := newAPIClient()
	defer api.close()
	body := newCaptureBody(t)

	// (a) Accounts and tokens cross servers.
	var alice apiUser
	t.Run("accounts", func(t *testing.T) {
		alice = api.register(t, a, "127.0.4.1", "alice", "alice-password")
		onB := api.login(t, b, alice) // registered on A, signs in on B
		me := api.me(t, a, onB.Token)
		if me.ID != alice.ID || me.Username != "alice" {
			t.Fatalf("B's token on A: /api/me = %+v, want alice (%d)", me, alice.ID)
		}
		onA := api.login(t, a, alice)
		if me := api.me(t, b, onA.Token); me.ID != alice.ID {
			t.Fatalf("A's token on B: /api/me = %+v, want alice (%d)", me, alice.ID)
		}
		// A's refresh token is rotated on B; the new pair works on A.
		var next tokenPair
		api.call(t, b, "POST", "/api/auth/refresh", "", jsonBody(map[string]string{"refresh_token": onA.RefreshToken}), 200, &next)
		if next.Token == "" || next.RefreshToken == "" || next.RefreshToken == onA.RefreshToken {
			t.Fatalf("refresh on B of A's token = %+v", next)
		}
		if me := api.me(t, a, next.Token); me.ID != alice.ID {
			t.Fatalf("token refreshed on B, used on A: /api/me = %+v", me)
		}
		// The rotated token presented again, to A, is a reuse: A refuses it
		// and signs the session out, and B sees that at once.
		api.call(t, a, "POST", "/api/auth/refresh", "", jsonBody(map[string]string{"refresh_token": onA.RefreshToken}), 401, nil)
		api.call(t, b, "GET", "/api/me", next.Token, nil, 401, nil)
		api.call(t, b, "POST", "/api/auth/refresh", "", jsonBody(map[string]string{"refresh_token": next.RefreshToken}), 401, nil)
		// Alice's other session (signed in on B) is untouched, on both.
		api.me(t, a, onB.Token)
		api.me(t, b, onB.Token)
		alice.Token = onB.Token
	})
	if t.Failed() {
		t.FailNow()
	}

	// (b) A job captured on A is read on B.
	var first capturedJob
	t.Run("capture on A, read on B", func(t *testing.T) {
		first = api.capture(t, a, alice.Token, body, pageURL(0), 201)
		var list struct {
			Jobs []struct {
				ID    int64  `json:"id"`
				Title string `json:"title"`
			} `json:"jobs"`
			Total int64 `json:"total"`
		}
		api.call(t, b, "GET", "/api/jobs", alice.Token, nil, 200, &list)
		if list.Total != 1 || len(list.Jobs) != 1 || list.Jobs[0].ID != first.ID || list.Jobs[0].Title != first.Title {
			t.Fatalf("GET /api/jobs on B = %+v, want the one job %d %q captured on A", list, first.ID, first.Title)
		}
		var got capturedJob
		api.call(t, b, "GET", fmt.Sprintf("/api/jobs/%d", first.ID), alice.Token, nil, 200, &got)
		canon, _ := scraper.CanonicalURL(pageURL(0))
		if got.ID != first.ID || got.Title != first.Title || got.Title == "" || got.SourceURL != canon || got.Status != "interested" {
			t.Fatalf("GET /api/jobs/%d on B = %+v, captured on A as %+v", first.ID, got, first)
		}
	})
	if t.Failed() {
		t.FailNow()
	}

	// (c) The same URLs captured through both servers at once.
	t.Run("concurrent captures of the same URLs", func(t *testing.T) {
		bob := api.register(t, b, "127.0.4.2", "bob", "bob-password")
		carol := api.register(t, a, "127.0.4.3", "carol", "carol-password")
		bob.Token = api.login(t, a, bob).Token
		carol.Token = api.login(t, b, carol).Token
		concurrentCaptures(t, db, [2]*proc{a, b}, []apiUser{alice, bob, carol}, body)
	})
	if t.Failed() {
		t.FailNow()
	}

	// (d) Changes through B are seen through A at once.
	t.Run("changes on B seen on A", func(t *testing.T) {
		var patched capturedJob
		api.call(t, b, "PATCH", fmt.Sprintf("/api/jobs/%d", first.ID), alice.Token, jsonBody(map[string]string{"status": "interviewing"}), 200, &patched)
		var got capturedJob
		api.call(t, a, "GET", fmt.Sprintf("/api/jobs/%d", first.ID), alice.Token, nil, 200, &got)
		if patched.Status != "interviewing" || got.Status != "interviewing" {
			t.Fatalf("status after PATCH on B: B answered %q, A reads %q; want interviewing", patched.Status, got.Status)
		}
		var list struct {
			Jobs []struct {
				ID int64 `json:"id"`
			} `json:"jobs"`
			Total int64 `json:"total"`
		}
		api.call(t, a, "GET", "/api/jobs?status=interviewing", alice.Token, nil, 200, &list)
		if list.Total != 1 || len(list.Jobs) != 1 || list.Jobs[0].ID != first.ID {
			t.Fatalf("GET /api/jobs?status=interviewing on A = %+v, want job %d", list, first.ID)
		}

		api.call(t, b, "DELETE", fmt.Sprintf("/api/jobs/%d", first.ID), alice.Token, nil, 204, nil)
		api.call(t, a, "GET", fmt.Sprintf("/api/jobs/%d", first.ID), alice.Token, nil, 404, nil)
		api.call(t, a, "GET", "/api/jobs?status=interviewing", alice.Token, nil, 200, &list)
		if list.Total != 0 {
			t.Fatalf("A still lists %d interviewing jobs after the delete on B", list.Total)
		}
		// The deleted URL, captured again through A, is a new job.
		again := api.capture(t, a, alice.Token, body, pageURL(0), 201)
		if again.ID == first.ID {
			t.Fatalf("capture after delete answered the deleted job's id %d", first.ID)
		}
	})

	// (e) A dashboard session started on A is accepted by B.
	t.Run("dashboard session across servers", func(t *testing.T) {
		dashboardAcrossServers(t, api, a, b, alice)
	})
}

// startPair starts two servers at the same moment on dirs with env.
func startPair(t *testing.T, dirs [2]string, env []string) (*proc, *proc) {
	t.Helper()
	var procs [2]*proc
	var errs [2]error
	var wg sync.WaitGroup
	for i := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for attempt := 0; attempt < 3; attempt++ { // the free port may be taken in between
				procs[i], errs[i] = tryStart(t, dirs[i], freeAddr(t), env...)
				if errs[i] == nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		t.Fatalf("start two servers on one database: %v", err)
	}
	return procs[0], procs[1]
}

// concurrentCaptures posts, for each of 12 URLs in turn, one capture per
// user from each of 8 clients per server, all released at once, and checks
// the answers and the rows.
func concurrentCaptures(t *testing.T, db *sql.DB, servers [2]*proc, users []apiUser, body captureBody) {
	const urls, perServer = 12, 8
	type answer struct {
		server string
		code   int
		id     int64
		err    error
		// parsed: the server found no job at its first lookup, parsed the
		// page and went to insert it (Server-Timing has parse).
		parsed bool
	}
	type key struct {
		user int
		url  string
	}
	clients := [2]*http.Client{clientFrom("127.0.0.1", perServer*len(users)), clientFrom("127.0.0.1", perServer*len(users))}
	defer clients[0].CloseIdleConnections()
	defer clients[1].CloseIdleConnections()
	answers := map[key][]answer{}
	var mu sync.Mutex
	start := time.Now()
	for n := 1; n <= urls; n++ {
		u := pageURL(1000 + n)
		gate := make(chan struct{})
		var wg sync.WaitGroup
		for si, srv := range servers {
			for range perServer {
				for ui, usr := range users {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-gate
						code, b, timing, err := doCapture(clients[si], srv.URL, usr.Token, body.For(u))
						var out struct {
							Created *bool `json:"created"`
							Job     struct {
								ID int64 `json:"id"`
							} `json:"job"`
						}
						if err == nil && code/100 == 2 {
							if jerr := json.Unmarshal(b, &out); jerr != nil || out.Created == nil || out.Job.ID == 0 || *out.Created != (code == 201) {
								err = fmt.Errorf("answer %d %.200s: not a capture result (%v)", code, b, jerr)
							}
						} else if err == nil {
							err = fmt.Errorf("status %d: %.300s", code, b)
						}
						mu.Lock()
						answers[key{ui, u}] = append(answers[key{ui, u}], answer{server: string(rune('A' + si)), code: code, id: out.Job.ID, err: err,
							parsed: strings.Contains(timing, "parse;")})
						mu.Unlock()
					}()
				}
			}
		}
		close(gate)
		wg.Wait()
	}
	elapsed := time.Since(start)

	want := map[key]int64{} // the id every answer gave
	counts := map[string]int{}
	raced, crossRaced := 0, 0 // 200s that had parsed: they lost the insert to another request
	for k, as := range answers {
		created := 0
		creator := ""
		for _, x := range as {
			if x.code == 201 {
				creator = x.server
			}
		}
		for _, x := range as {
			counts[fmt.Sprintf("%s %d", x.server, x.code)]++
			if x.code == 200 && x.parsed {
				raced++
				if x.server != creator {
					crossRaced++
				}
			}
			if x.err != nil {
				t.Errorf("user %s, %s, server %s: %v", users[k.user].Name, k.url, x.server, x.err)
				continue
			}
			if x.code == 201 {
				created++
			}
			if id, ok := want[k]; ok && id != x.id {
				t.Errorf("user %s, %s: server %s answered job %d, another answer was job %d", users[k.user].Name, k.url, x.server, x.id, id)
			}
			want[k] = x.id
		}
		if len(as) != 2*perServer {
			t.Errorf("user %s, %s: %d answers, want %d", users[k.user].Name, k.url, len(as), 2*perServer)
		}
		if created != 1 {
			t.Errorf("user %s, %s: %d answers were 201 (created), want exactly 1", users[k.user].Name, k.url, created)
		}
	}
	if len(answers) != urls*len(users) {
		t.Errorf("%d (user, URL) pairs answered, want %d", len(answers), urls*len(users))
	}
	t.Logf("%d captures (%d URLs x %d users x %d clients on each of 2 servers, released together per URL) in %v; answers by server and status: %v; "+
		"%d answers 200 had parsed the page and lost the insert to a concurrent request, %d of them to the other server",
		urls*len(users)*2*perServer, urls, len(users), perServer, elapsed.Round(time.Millisecond), counts, raced, crossRaced)
	if crossRaced == 0 {
		t.Errorf("no request lost the insert to the other server: the test did not exercise the race it is for")
	}

	// In PostgreSQL: exactly one row per (user, URL), with the answered id.
	ctx := context.Background()
	for k, id := range want {
		canon, err := scraper.CanonicalURL(k.url)
		if err != nil {
			t.Fatal(err)
		}
		var n, minID, maxID int64
		err = db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM jobs WHERE user_id = $1 AND source_url = $2`,
			users[k.user].ID, canon).Scan(&n, &minID, &maxID)
		switch {
		case err != nil:
			t.Fatal(err)
		case n != 1:
			t.Errorf("user %s, %s: %d rows in jobs, want 1", users[k.user].Name, canon, n)
		case minID != id:
			t.Errorf("user %s, %s: the row is job %d, the answers said %d", users[k.user].Name, canon, minID, id)
		}
	}
	// The whole table: alice's one earlier job and one row per pair.
	var dups, total int64
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM jobs GROUP BY user_id, source_url HAVING COUNT(*) > 1) d`).Scan(&dups); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if dups != 0 || total != int64(1+urls*len(users)) {
		t.Errorf("jobs table: %d duplicated (user, source_url) groups, %d rows; want 0 and %d (1 + one per pair)", dups, total, 1+urls*len(users))
	}
}

// doCapture posts a capture and returns the status, the answer and the
// Server-Timing header.
func doCapture(c *http.Client, base, token string, body []byte) (int, []byte, string, error) {
	req, err := http.NewRequest("POST", base+"/api/jobs/capture", bytes.NewReader(body))
	if err != nil {
		return 0, nil, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header.Get("Server-Timing"), err
}

// dashboardAcrossServers signs alice in on A's dashboard with the form B
// served, and uses the session on B.
func dashboardAcrossServers(t *testing.T, api *apiClient, a, b *proc, alice apiUser) {
	br := newBrowser()
	defer br.c.CloseIdleConnections()

	// The sign-in form from B, posted to A: the anonymous CSRF token and
	// its cookie are checked with the shared secret.
	code, _, page := br.get(t, b, "/login")
	if code != 200 {
		t.Fatalf("GET /login on B = %d", code)
	}
	code, hdr, _ := br.post(t, a, "/login", url.Values{"username": {alice.Name}, "password": {alice.Password}, "_csrf": {csrfOf(t, page)}})
	if code != http.StatusSeeOther || hdr.Get("Location") != "/" || br.cookies["vega_session"] == "" {
		t.Fatalf("sign-in on A with B's form = %d, Location %q, session cookie %t", code, hdr.Get("Location"), br.cookies["vega_session"] != "")
	}
	session := br.cookies["vega_session"]

	// B accepts A's session and derives the same CSRF token from it.
	code, _, homeB := br.get(t, b, "/")
	if code != 200 || !strings.Contains(homeB, "Signed in as <strong>"+alice.Name+"</strong>") {
		t.Fatalf("GET / on B with A's session cookie = %d\n%.500s", code, homeB)
	}
	code, _, homeA := br.get(t, a, "/")
	if code != 200 {
		t.Fatalf("GET / on A = %d", code)
	}
	tokenA := csrfOf(t, homeA)
	if tokenB := csrfOf(t, homeB); tokenA != tokenB {
		t.Fatalf("the session's CSRF token differs between A (%q) and B (%q)", tokenA, tokenB)
	}

	// A form posted to B with A's CSRF token changes the job, seen by A.
	var list struct {
		Jobs []capturedJob `json:"jobs"`
	}
	api.call(t, a, "GET", "/api/jobs?limit=1", alice.Token, nil, 200, &list)
	if len(list.Jobs) != 1 {
		t.Fatalf("alice has no job to change: %+v", list)
	}
	id := list.Jobs[0].ID
	code, hdr, _ = br.post(t, b, fmt.Sprintf("/jobs/%d/status", id), url.Values{"status": {"applied"}, "_csrf": {tokenA}})
	if code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), fmt.Sprintf("/jobs/%d", id)) {
		t.Fatalf("status form posted to B with A's CSRF token = %d, Location %q", code, hdr.Get("Location"))
	}
	var got capturedJob
	api.call(t, a, "GET", fmt.Sprintf("/api/jobs/%d", id), alice.Token, nil, 200, &got)
	if got.Status != "applied" {
		t.Fatalf("after the dashboard form on B, A reads status %q, want applied", got.Status)
	}
	// The dashboard on A shows the job's new status too.
	if code, _, pageA := br.get(t, a, fmt.Sprintf("/jobs/%d", id)); code != 200 || !strings.Contains(pageA, `<option value="applied" selected>`) {
		t.Fatalf("GET /jobs/%d on A = %d, or the page's status is not Applied", id, code)
	}

	// Signing out on B ends the session on A.
	code, hdr, _ = br.post(t, b, "/logout", url.Values{"_csrf": {tokenA}})
	if code != http.StatusSeeOther || hdr.Get("Location") != "/login" {
		t.Fatalf("sign-out on B = %d, Location %q", code, hdr.Get("Location"))
	}
	br.cookies["vega_session"] = session // replay the cookie B cleared
	code, hdr, _ = br.get(t, a, "/")
	if code != http.StatusSeeOther || hdr.Get("Location") != "/login" {
		t.Fatalf("GET / on A with the session signed out on B = %d, Location %q; want a redirect to /login", code, hdr.Get("Location"))
	}
}

// apiUser is an account of the multi-server test.
type apiUser struct {
	Name, Password string
	ID             int64
	IP             string // the loopback address it registered from
	Token          string // an access token, from either server
}

// tokenPair is the answer of login and refresh.
type tokenPair struct {
	Token        string `json:"token"`
	RefreshToken string `json:"refresh_token"`
}

// capturedJob is the part of a job's JSON the test reads.
type capturedJob struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Status    string `json:"status"`
	SourceURL string `json:"source_url"`
}

// apiClient sends JSON requests to either server.
type apiClient struct{ c *http.Client }

func newAPIClient() *apiClient { return &apiClient{c: clientFrom("127.0.0.1", 4)} }

func (a *apiClient) close() { a.c.CloseIdleConnections() }

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// call sends a request to p and requires the status want; with out, the
// answer is decoded into it.
func (a *apiClient) call(t testing.TB, p *proc, method, path, token string, body []byte, want int, out any) {
	t.Helper()
	a.callWith(t, a.c, p, method, path, token, body, want, out)
}

func (a *apiClient) callWith(t testing.TB, c *http.Client, p *proc, method, path, token string, body []byte, want int, out any) {
	t.Helper()
	code, b, err := do(c, method, p.URL+path, token, body)
	if err != nil || code != want {
		t.Fatalf("%s %s%s = %d %.300s (%v), want %d", method, p.URL, path, code, b, err, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s%s: answer %.300s: %v", method, p.URL, path, b, err)
		}
	}
}

// register creates an account on p from the loopback address ip
// (registrations are rate-limited per address).
func (a *apiClient) register(t testing.TB, p *proc, ip, name, password string) apiUser {
	t.Helper()
	c := clientFrom(ip, 1)
	defer c.CloseIdleConnections()
	var u struct {
		ID int64 `json:"id"`
	}
	a.callWith(t, c, p, "POST", "/api/auth/register", "", jsonBody(map[string]string{"username": name, "password": password}), 201, &u)
	if u.ID == 0 {
		t.Fatalf("register %s: no id", name)
	}
	return apiUser{Name: name, Password: password, ID: u.ID, IP: ip}
}

// login signs u in on p's API.
func (a *apiClient) login(t testing.TB, p *proc, u apiUser) tokenPair {
	t.Helper()
	var pair tokenPair
	a.call(t, p, "POST", "/api/auth/login", "", jsonBody(map[string]string{"username": u.Name, "password": u.Password}), 200, &pair)
	if pair.Token == "" || pair.RefreshToken == "" {
		t.Fatalf("login %s on %s: %+v", u.Name, p.URL, pair)
	}
	return pair
}

// meAnswer is the part of /api/me the test reads.
type meAnswer struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
}

// me returns /api/me on p with token, requiring 200.
func (a *apiClient) me(t testing.TB, p *proc, token string) meAnswer {
	t.Helper()
	var me meAnswer
	a.call(t, p, "GET", "/api/me", token, nil, 200, &me)
	return me
}

// capture posts the page as pageURL to p and requires the status want.
func (a *apiClient) capture(t testing.TB, p *proc, token string, body captureBody, pageURL string, want int) capturedJob {
	t.Helper()
	var out struct {
		Created bool        `json:"created"`
		Job     capturedJob `json:"job"`
	}
	a.call(t, p, "POST", "/api/jobs/capture", token, body.For(pageURL), want, &out)
	if out.Job.ID == 0 || out.Created != (want == 201) {
		t.Fatalf("capture of %s on %s: created %t, job %+v", pageURL, p.URL, out.Created, out.Job)
	}
	return out.Job
}

// browser is a dashboard client: it keeps cookies by name (whatever the
// server's port, as one site behind a load balancer) and does not follow
// redirects.
type browser struct {
	c       *http.Client
	cookies map[string]string
}

func newBrowser() *browser {
	c := clientFrom("127.0.0.1", 2)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{c: c, cookies: map[string]string{}}
}

func (br *browser) send(t testing.TB, req *http.Request) (int, http.Header, string) {
	t.Helper()
	req.Header.Set("Accept", "text/html")
	for name, v := range br.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: v})
	}
	resp, err := br.c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(br.cookies, c.Name)
		} else {
			br.cookies[c.Name] = c.Value
		}
	}
	return resp.StatusCode, resp.Header, string(b)
}

func (br *browser) get(t testing.TB, p *proc, path string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", p.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return br.send(t, req)
}

func (br *browser) post(t testing.TB, p *proc, path string, form url.Values) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("POST", p.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return br.send(t, req)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrfOf returns the _csrf field of a page.
func csrfOf(t testing.TB, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no _csrf field in the page:\n%.500s", page)
	}
	return m[1]
}
