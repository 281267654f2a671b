package server

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkCapture posts the 286 KB LinkedIn corpus page to
// /api/jobs/capture through the Fiber app, each time with a new URL, so
// every iteration decodes, parses and stores a new job on a SQLite file.
func BenchmarkCapture(b *testing.B) {
	ts := newAuthTestServer(b)
	_, tok := ts.authUser(b, "bench")
	page, err := os.ReadFile(filepath.Join("..", "scraper", "testdata", "jobpages", "linkedin-guest-heidi.html"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(page)))
	n := 0
	for b.Loop() {
		n++
		body, _ := json.Marshal(map[string]string{"url": fmt.Sprintf("https://www.linkedin.com/jobs/view/%d/", 1_000_000_000+n), "html": string(page)})
		req := httptest.NewRequest("POST", "/api/jobs/capture", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		resp, err := ts.App().Test(req, -1)
		if err != nil || resp.StatusCode != 201 {
			b.Fatalf("capture %d: %v %v", n, resp.StatusCode, err)
		}
		resp.Body.Close()
	}
}
