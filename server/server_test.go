package server

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
)

func TestHealthAnswersOKForTheExtension(t *testing.T) {
	ts := newTestServer(t)
	resp, body := ts.do(t, httptest.NewRequest("GET", "/health", nil))
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Fatalf("GET /health = %d %q, want 200 ok", resp.StatusCode, body)
	}
}

func TestHealthzReportsTheDatabase(t *testing.T) {
	ts := newTestServer(t)
	resp, body := ts.do(t, httptest.NewRequest("GET", "/healthz", nil))
	var got map[string]string
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("healthz body %q: %v", body, err)
	}
	if resp.StatusCode != 200 || got["database"] != "ok" {
		t.Fatalf("healthz = %d %v", resp.StatusCode, got)
	}

	ts.DB.Close()
	resp, body = ts.do(t, httptest.NewRequest("GET", "/healthz", nil))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz with a closed database = %d %s, want 503", resp.StatusCode, body)
	}
	if strings.Contains(string(body), "sql") || strings.Contains(string(body), "closed") {
		t.Fatalf("healthz leaked the database error: %s", body)
	}
}

func TestUnknownAPIRouteAnswersJSONError(t *testing.T) {
	ts := newTestServer(t)
	resp, body := ts.do(t, httptest.NewRequest("GET", "/api/nope", nil))
	if resp.StatusCode < 400 || !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		t.Fatalf("got %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var e map[string]any
	if err := json.Unmarshal(body, &e); err != nil || e["error"] == "" {
		t.Fatalf("want {\"error\": ...}, got %s", body)
	}
}

func TestErrorVocabularyMapsToStatus(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		hidden string
	}{
		{"not found", models.ErrNotFound, 404, ""},
		{"wrapped not found", errors.Join(errors.New("job 7"), models.ErrNotFound), 404, "job 7"},
		{"conflict", models.ErrConflict, 409, ""},
		{"invalid", models.ErrInvalid, 400, ""},
		{"fiber error keeps its code", fiber.NewError(413, "too big"), 413, ""},
		{"database error is a bare 500", errors.New("SQL logic error: no such table: jobs"), 500, "no such table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.App().Get("/test-error", func(c *fiber.Ctx) error { return tt.err })
			resp, body := ts.do(t, httptest.NewRequest("GET", "/test-error", nil))
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d (%s)", resp.StatusCode, tt.status, body)
			}
			if tt.hidden != "" && strings.Contains(string(body), tt.hidden) {
				t.Fatalf("error text reached the client: %s", body)
			}
		})
	}
}

func TestPanicBecomesLogged500AndServerKeepsServing(t *testing.T) {
	ts := newTestServer(t)
	ts.App().Get("/boom", func(c *fiber.Ctx) error { panic("boom") })
	resp, body := ts.do(t, httptest.NewRequest("GET", "/boom", nil))
	if resp.StatusCode != 500 || strings.Contains(string(body), "boom") {
		t.Fatalf("panic answered %d %s", resp.StatusCode, body)
	}
	if resp, _ := ts.do(t, httptest.NewRequest("GET", "/health", nil)); resp.StatusCode != 200 {
		t.Fatalf("server unhealthy after a panic: %d", resp.StatusCode)
	}
}

func TestRequestIDIsEchoedOrGenerated(t *testing.T) {
	ts := newTestServer(t)
	req := httptest.NewRequest("GET", "/health", nil)
	req.Header.Set("X-Request-Id", "abc-123")
	resp, _ := ts.do(t, req)
	if got := resp.Header.Get("X-Request-Id"); got != "abc-123" {
		t.Fatalf("request id = %q, want the client's", got)
	}
	req = httptest.NewRequest("GET", "/health", nil)
	req.Header.Set("X-Request-Id", "<script>alert(1)</script>")
	resp, _ = ts.do(t, req)
	if got := resp.Header.Get("X-Request-Id"); got == "" || strings.Contains(got, "<") {
		t.Fatalf("unsafe request id echoed: %q", got)
	}
}

func TestBodyOverTheLimitIs413(t *testing.T) {
	ts := newTestServer(t, func(c *config.Config) { c.BodyLimit = 1 << 10 })
	ts.App().Post("/echo", func(c *fiber.Ctx) error { return c.SendStatus(204) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ts.App().Listener(ln)
	t.Cleanup(func() { ts.App().Shutdown() })
	resp, err := http.Post("http://"+ln.Addr().String()+"/echo", "text/plain", strings.NewReader(strings.Repeat("x", 4<<10)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body = %d, want 413", resp.StatusCode)
	}
}
