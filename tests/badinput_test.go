package tests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// send posts raw bytes and returns the status and the answer.
func (s *liveServer) send(t testing.TB, method, path, token string, body []byte) (int, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// rawRequest writes req as is on a new TCP connection and returns the
// status line and the answer, read until the server closes or 5s pass.
func rawRequest(t testing.TB, base, req string) (string, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(bufio.NewReader(conn))
	status, _, _ := strings.Cut(string(b), "\r\n")
	return status, string(b)
}

// healthy fails the test unless /health answers 200 ok.
func (s *liveServer) healthy(t testing.TB, after string) {
	t.Helper()
	resp, err := s.client.Get(s.URL + "/health")
	if err != nil {
		t.Fatalf("after %s: /health: %v", after, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok" {
		t.Fatalf("after %s: /health = %d %q", after, resp.StatusCode, b)
	}
}

// TestBadInputIsRefusedWithAClear4xx sends malformed, truncated, mistyped,
// oversized, non-UTF-8 and NUL-laden bodies to every JSON endpoint that
// decodes one, deep HTML and a body far over the limit to the capture
// endpoint, and ../ paths to /static. Each is answered with the 4xx it
// names, with a JSON {"error": "..."} naming the problem where the API
// answers it, and /health still answers 200 after each.
func TestBadInputIsRefusedWithAClear4xx(t *testing.T) {
	srv := startServer(t)
	tok := srv.signUp(t, "mallory")
	code, b := srv.call(t, "POST", "/api/jobs", tok, map[string]string{"title": "Engineer", "company": "Acme",
		"description": "Build things.", "sourceUrl": "https://jobs.example.test/1"})
	if code != 201 {
		t.Fatalf("create job: %d %s", code, b)
	}
	var created struct {
		JobID int64 `json:"jobId"`
	}
	if err := json.Unmarshal(b, &created); err != nil || created.JobID == 0 {
		t.Fatalf("create answer %s: %v", b, err)
	}
	job := fmt.Sprintf("/api/jobs/%d", created.JobID)
	page := jobPage("Engineer")
	capture := func(fields map[string]any) []byte {
		m := map[string]any{"url": "https://jobs.example.test/c/1", "html": page}
		for k, v := range fields {
			m[k] = v
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	deep := "<html><body>" + strings.Repeat("<div>", 100000) + "Senior Engineer" + strings.Repeat("</div>", 100000) + "</body></html>"

	cases := []struct {
		name, method, path string
		token              bool
		body               []byte
		want               int
		errHas             string // a piece of the JSON error message
	}{
		{"malformed JSON", "POST", "/api/jobs/capture", true, []byte(`{"url": "https://x.example/", html: }`), 400, ""},
		{"truncated JSON", "POST", "/api/jobs/capture", true, capture(nil)[:len(capture(nil))/2], 400, ""},
		{"empty body", "POST", "/api/jobs/capture", true, nil, 400, ""},
		{"array, not an object", "POST", "/api/jobs/capture", true, []byte(`[{"url":"https://x.example/"}]`), 400, ""},
		{"wrong types", "POST", "/api/jobs/capture", true, []byte(`{"url": 42, "html": ["<p>"], "notes": {}}`), 400, ""},
		{"JSON nested 100,000 deep", "POST", "/api/jobs/capture", true, []byte(strings.Repeat("[", 100000) + strings.Repeat("]", 100000)), 400, ""},
		{"huge URL", "POST", "/api/jobs/capture", true, capture(map[string]any{"url": "https://x.example/" + strings.Repeat("a", 1<<20)}), 400, "url"},
		{"huge notes", "POST", "/api/jobs/capture", true, capture(map[string]any{"notes": strings.Repeat("n", 200<<10)}), 400, "notes"},
		{"page over 10 MiB", "POST", "/api/jobs/capture", true, capture(map[string]any{"html": "<p>" + strings.Repeat("a", 10<<20)}), 413, ""},
		{"NUL in the URL", "POST", "/api/jobs/capture", true, capture(map[string]any{"url": "https://x.example/\x00/job"}), 400, "url"},
		{"invalid UTF-8 in the URL", "POST", "/api/jobs/capture", true, []byte("{\"url\":\"https://x.example/\xff\xfe\",\"html\":\"<p>x</p>\"}"), 400, "UTF-8"},
		{"invalid UTF-8 in the page", "POST", "/api/jobs/capture", true, []byte("{\"url\":\"https://x.example/u\",\"html\":\"<p>\xc3\x28</p>\"}"), 400, "UTF-8"},
		{"NUL in the notes", "POST", "/api/jobs/capture", true, capture(map[string]any{"notes": "call\x00back"}), 400, "notes"},
		{"raw NUL byte in a string", "POST", "/api/jobs/capture", true, []byte("{\"url\":\"https://x.example/\x00\",\"html\":\"<p>x</p>\"}"), 400, ""},
		{"no job in the page", "POST", "/api/jobs/capture", true, capture(map[string]any{"url": "https://jobs.example.test/empty", "html": "<html><body><p>hello</p></body></html>"}), 422, ""},
		{"legacy create: wrong types", "POST", "/api/jobs", true, []byte(`{"title": 1, "company": true}`), 400, ""},
		{"legacy create: truncated", "POST", "/api/jobs", true, []byte(`{"title": "Eng`), 400, ""},
		{"legacy create: huge title", "POST", "/api/jobs", true, []byte(`{"title":"` + strings.Repeat("t", 300<<10) + `","company":"A","description":"d","sourceUrl":"https://x.example/9"}`), 400, ""},
		{"patch: wrong type", "PATCH", job, true, []byte(`{"notes": 3}`), 400, "notes"},
		{"patch: unknown status", "PATCH", job, true, []byte(`{"status": "hired-ish-maybe"}`), 400, "status"},
		{"patch: unknown field", "PATCH", job, true, []byte(`{"user_id": 2}`), 400, "user_id"},
		{"patch: NUL in the title", "PATCH", job, true, []byte(`{"title": "Eng\u0000ineer"}`), 400, "title"},
		{"legacy create: NUL in the company", "POST", "/api/jobs", true, []byte(`{"title":"T","company":"A\u0000","description":"d","sourceUrl":"https://x.example/10"}`), 400, "company"},
		{"patch: malformed", "PATCH", job, true, []byte(`{"notes": "x",}`), 400, ""},
		{"profile: wrong types", "PUT", "/api/profile", true, []byte(`{"first_name": {"a": 1}}`), 400, ""},
		{"profile: truncated", "PUT", "/api/profile", true, []byte(`{"first_name": "Ma`), 400, ""},
		{"experience: wrong types", "POST", "/api/profile/experiences", true, []byte(`{"title": [], "company": 5}`), 400, ""},
		{"education: malformed", "POST", "/api/profile/education", true, []byte(`{"institution": }`), 400, ""},
		{"certification: wrong types", "POST", "/api/profile/certifications", true, []byte(`{"name": false}`), 400, ""},
		{"import: malformed", "POST", "/api/jobs/import", true, []byte(`{"jobs": [`), 400, ""},
		{"register: wrong types", "POST", "/api/auth/register", false, []byte(`{"username": 1, "password": 2}`), 400, ""},
		{"register: NUL in the username", "POST", "/api/auth/register", false, []byte(`{"username": "eve\u0000", "password": "password-eve"}`), 400, "username"},
		{"register: invalid UTF-8 username", "POST", "/api/auth/register", false, []byte("{\"username\": \"eve\xff\", \"password\": \"password-eve\"}"), 400, "UTF-8"},
		{"register: body over 16 KB", "POST", "/api/auth/register", false, []byte(`{"username":"eve","password":"` + strings.Repeat("p", 64<<10) + `"}`), 413, ""},
		{"login: malformed", "POST", "/api/auth/login", false, []byte(`{"username":`), 400, ""},
		{"refresh: wrong type", "POST", "/api/auth/refresh", false, []byte(`{"refresh_token": 7}`), 400, ""},
		{"search: bad limit", "GET", "/api/jobs?limit=abc", true, nil, 400, "limit"},
		{"lookup: URL over 8 KB", "GET", "/api/jobs/lookup?url=" + url.QueryEscape("https://x.example/"+strings.Repeat("a", 9000)), true, nil, 400, "url"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			token := ""
			if tc.token {
				token = tok
			}
			code, b, err := srv.send(t, tc.method, tc.path, token, tc.body)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.method, tc.path, err)
			}
			if code != tc.want {
				t.Errorf("%s %s = %d %.300s, want %d", tc.method, tc.path, code, b, tc.want)
			}
			var e struct {
				Error  string            `json:"error"`
				Fields map[string]string `json:"fields"`
			}
			if err := json.Unmarshal(b, &e); err != nil || e.Error == "" {
				t.Errorf("answer is not a JSON error: %.300s (%v)", b, err)
			}
			if tc.errHas != "" && !strings.Contains(string(b), tc.errHas) {
				t.Errorf("error %.300s does not name %q", b, tc.errHas)
			}
			srv.healthy(t, tc.name)
		})
	}

	t.Run("HTML nested 100,000 deep", func(t *testing.T) {
		start := time.Now()
		code, b, err := srv.send(t, "POST", "/api/jobs/capture", tok, capture(map[string]any{"url": "https://jobs.example.test/deep", "html": deep}))
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("deep page took %v", d)
		}
		if code != 422 && code != 201 {
			t.Errorf("deep page = %d %.300s, want 422 or 201", code, b)
		}
		srv.healthy(t, "deep HTML")
	})

	t.Run("body far over the limit", func(t *testing.T) {
		// 40 MiB against the 12 MiB limit: refused from the Content-Length,
		// before the body is read.
		status, _ := rawRequest(t, srv.URL, "POST /api/jobs/capture HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+tok+
			"\r\nContent-Type: application/json\r\nContent-Length: 41943040\r\n\r\n{\"url\":")
		if !strings.HasPrefix(status, "HTTP/1.1 413") {
			t.Errorf("40 MiB body: status line %q, want 413", status)
		}
		srv.healthy(t, "40 MiB body")
	})

	for _, p := range []string{
		"/static/../go.mod", "/static/../../go.mod", "/static/..%2f..%2fgo.mod", "/static/%2e%2e/%2e%2e/go.mod",
		"/static/..\\..\\go.mod", "/static/../server/server.go", "/static/../../../../etc/passwd", "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/static//etc/passwd",
	} {
		t.Run("static "+p, func(t *testing.T) {
			status, answer := rawRequest(t, srv.URL, "GET "+p+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			code := 0
			fmt.Sscanf(status, "HTTP/1.1 %d", &code)
			if code < 400 || code > 499 {
				t.Errorf("GET %s: %q, want a 4xx", p, status)
			}
			for _, leak := range []string{"module github.com", "root:x:0", "package server"} {
				if strings.Contains(answer, leak) {
					t.Errorf("GET %s leaks a file: %.200s", p, answer)
				}
			}
			srv.healthy(t, p)
		})
	}
}

// TestSlowHeadersAreCutOffByTheReadTimeout opens a connection and sends a
// request's headers one byte every 100 ms. fasthttp sets one read deadline
// (ReadTimeout) before a request's first byte, for the whole request,
// so the server closes the connection when it passes (here 1s; 30s in
// production, server.Deps.ReadTimeout) instead of being held forever.
func TestSlowHeadersAreCutOffByTheReadTimeout(t *testing.T) {
	srv := startServerWith(t, time.Second)
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := "GET /health HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-Slow: aaaaaaaaaaaaaaaa\r\n", 20) + "\r\n"
	start := time.Now()
	closed := false
	for i := 0; i < len(req) && time.Since(start) < 15*time.Second; i++ {
		if _, err := conn.Write([]byte{req[i]}); err != nil {
			closed = true
			break
		}
		// A closed connection is seen on read, or on a later write.
		_ = conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		var buf [512]byte
		n, err := conn.Read(buf[:])
		if n > 0 || (err != nil && !isTimeout(err)) {
			closed = true
			break
		}
	}
	took := time.Since(start)
	if !closed {
		t.Fatalf("a client sending its headers a byte at a time held the connection for %v", took)
	}
	if took < 900*time.Millisecond || took > 5*time.Second {
		t.Errorf("connection closed after %v, want about the 1s read timeout", took)
	}
	t.Logf("slow client cut off after %v", took.Round(10*time.Millisecond))
	srv.healthy(t, "slow headers")
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestSearchTreatsSQLAndLIKEMetacharactersLiterally searches a user's jobs
// with %, _, \, quotes and SQL: each matches only the jobs holding those
// characters literally, and nothing is run as SQL.
func TestSearchTreatsSQLAndLIKEMetacharactersLiterally(t *testing.T) {
	srv := startServer(t)
	tok := srv.signUp(t, "searcher")
	other := srv.signUp(t, "bystander")
	for i, title := range []string{"100% Remote Engineer", "Data_Engineer", "Plain Engineer", `Back\slash O'Brien Engineer`} {
		code, b := srv.call(t, "POST", "/api/jobs", tok, map[string]string{"title": title, "company": "Acme",
			"description": "Build things.", "sourceUrl": fmt.Sprintf("https://jobs.example.test/s/%d", i)})
		if code != 201 {
			t.Fatalf("create %q: %d %s", title, code, b)
		}
	}
	code, b := srv.call(t, "POST", "/api/jobs", other, map[string]string{"title": "100% Other Engineer", "company": "Acme",
		"description": "Build things.", "sourceUrl": "https://jobs.example.test/o/1"})
	if code != 201 {
		t.Fatalf("create other: %d %s", code, b)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"%", []string{"100% Remote Engineer"}},
		{"_", []string{"Data_Engineer"}},
		{"a_E", []string{"Data_Engineer"}},
		{"%_", nil},
		{`\`, []string{`Back\slash O'Brien Engineer`}},
		{"O'Brien", []string{`Back\slash O'Brien Engineer`}},
		{"' OR '1'='1", nil},
		{"\" OR 1=1 --", nil},
		{"'; DROP TABLE jobs; --", nil},
		{"[a-z]*", nil},
		{"Engineer", []string{"100% Remote Engineer", "Data_Engineer", "Plain Engineer", `Back\slash O'Brien Engineer`}},
	} {
		code, b := srv.call(t, "GET", "/api/jobs?limit=100&q="+url.QueryEscape(tc.q), tok, nil)
		if code != 200 {
			t.Errorf("q=%q: %d %s", tc.q, code, b)
			continue
		}
		var list struct {
			Jobs []struct {
				Title string `json:"title"`
			} `json:"jobs"`
			Total int `json:"total"`
		}
		if err := json.Unmarshal(b, &list); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, j := range list.Jobs {
			got[j.Title] = true
		}
		if len(got) != len(tc.want) || list.Total != len(tc.want) {
			t.Errorf("q=%q: got %v (total %d), want %v", tc.q, got, list.Total, tc.want)
			continue
		}
		for _, w := range tc.want {
			if !got[w] {
				t.Errorf("q=%q: got %v, want %v", tc.q, got, tc.want)
			}
		}
	}
	srv.healthy(t, "search")
}
