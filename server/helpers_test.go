package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/internal/pgtest"
	"github.com/vega-ai/vega/models"
)

// TestMain runs every test of the package on SQLite, then on PostgreSQL.
func TestMain(m *testing.M) { pgtest.Main(m) }

// testServer is a Server on a fresh, migrated database: a SQLite file, or a
// PostgreSQL database in the PostgreSQL pass.
type testServer struct {
	*Server
	DB    *models.DB
	Store *models.Store
	Cfg   config.Config
}

// newTestServer builds a server over a real SQLite file in t.TempDir(), or a
// fresh PostgreSQL database in the PostgreSQL pass. The
// optional edit adjusts the configuration before the server is built.
func newTestServer(t testing.TB, edit ...func(*config.Config)) *testServer {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		if k == "VEGA_SECRET" {
			return strings.Repeat("s", 40)
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	for _, e := range edit {
		e(&cfg)
	}
	opts := models.Options{Path: filepath.Join(cfg.DataDir, "vega.db")}
	if pgtest.Postgres() {
		opts = models.Options{URL: pgtest.NewDatabase(t)}
	}
	db, err := models.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := models.NewStore(db)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := New(Deps{Config: cfg, DB: db, Store: store, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{Server: srv, DB: db, Store: store, Cfg: cfg}
}

// do sends a request through the Fiber app and returns the response with its body read.
func (ts *testServer) do(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := ts.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// doJSON sends method/path with an optional JSON body and bearer token.
func (ts *testServer) doJSON(t testing.TB, method, path, token string, body any) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			r = strings.NewReader(b)
		case []byte:
			r = strings.NewReader(string(b))
		default:
			buf, err := json.Marshal(b)
			if err != nil {
				t.Fatal(err)
			}
			r = strings.NewReader(string(buf))
		}
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ts.do(t, req)
}
