// Package tests holds end-to-end tests that drive a real Vega server over
// HTTP on loopback, with its SQLite database in a file.
package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/internal/pgtest"
	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/server"
)

// lockedBuffer collects the server's log lines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// liveServer is a Vega server listening on 127.0.0.1.
type liveServer struct {
	URL    string
	DB     *models.DB
	Log    *lockedBuffer
	client *http.Client
}

// startServer starts a server on a fresh SQLite file, stopped at cleanup.
func startServer(t testing.TB) *liveServer {
	t.Helper()
	return startServerWith(t, 0)
}

// TestMain runs every test of the package on SQLite, then on PostgreSQL.
func TestMain(m *testing.M) { pgtest.Main(m) }

// startServerWith is startServer with the server's ReadTimeout (0 for the
// default).
func startServerWith(t testing.TB, readTimeout time.Duration) *liveServer {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Load(func(k string) string {
		switch k {
		case "VEGA_SECRET":
			return strings.Repeat("s", 40)
		case "VEGA_BCRYPT_COST":
			return "10"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = dir
	opts := models.Options{Path: filepath.Join(dir, "vega.db")}
	if pgtest.Postgres() {
		opts = models.Options{URL: pgtest.NewDatabase(t)}
	}
	db, err := models.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	srv, err := server.New(server.Deps{Config: cfg, DB: db, Store: models.NewStore(db), ReadTimeout: readTimeout,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.App().Listener(ln) }()
	ls := &liveServer{URL: "http://" + ln.Addr().String(), DB: db, Log: logs,
		client: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 128}}}
	t.Cleanup(func() {
		ls.client.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		db.Close()
	})
	return ls
}

// call sends a JSON request and returns the status and body.
func (s *liveServer) call(t testing.TB, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Error(err)
			return 0, nil
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Error(err)
	}
	return resp.StatusCode, b
}

// signUp registers and signs in a user, returning an access token.
func (s *liveServer) signUp(t testing.TB, name string) string {
	t.Helper()
	creds := map[string]string{"username": name, "password": "password-" + name}
	if code, b := s.call(t, "POST", "/api/auth/register", "", creds); code != 201 {
		t.Fatalf("register %s = %d %s", name, code, b)
	}
	code, b := s.call(t, "POST", "/api/auth/login", "", creds)
	if code != 200 {
		t.Fatalf("login %s = %d %s", name, code, b)
	}
	var tok struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(b, &tok); err != nil || tok.Token == "" {
		t.Fatalf("login answer %s: %v", b, err)
	}
	return tok.Token
}
