package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vega-ai/vega/models"
)

// corpusCase is one page of scraper/testdata/jobpages/cases.json.
type corpusCase struct {
	File    string   `json:"file"`
	URL     string   `json:"url"`
	Title   string   `json:"title"`
	Company []string `json:"company"`
	Blocked bool     `json:"blocked"`
}

// corpus returns the shared job pages with their HTML.
func corpus(t testing.TB) ([]corpusCase, map[string]string) {
	t.Helper()
	dir := filepath.Join("..", "scraper", "testdata", "jobpages")
	b, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []corpusCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{}
	for _, c := range doc.Cases {
		h, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		pages[c.File] = string(h)
	}
	if len(doc.Cases) < 10 {
		t.Fatalf("corpus has %d cases", len(doc.Cases))
	}
	return doc.Cases, pages
}

// capture posts a capture request and decodes a 200/201 answer.
func (ts *testServer) capture(t testing.TB, token string, body any) (int, CaptureResult, []byte) {
	t.Helper()
	resp, b := ts.doJSON(t, "POST", "/api/jobs/capture", token, body)
	var r CaptureResult
	if resp.StatusCode == 200 || resp.StatusCode == 201 {
		r = decodeAs[CaptureResult](t, b)
	}
	return resp.StatusCode, r, b
}

func TestCaptureEveryCorpusPageThenDuplicate(t *testing.T) {
	ts := newAuthTestServer(t)
	_, tok := ts.authUser(t, "alice")
	cases, pages := corpus(t)
	for _, cc := range cases {
		t.Run(strings.TrimSuffix(cc.File, ".html"), func(t *testing.T) {
			req := map[string]any{"url": cc.URL, "html": pages[cc.File], "notes": "seen on " + cc.File}
			code, res, body := ts.capture(t, tok.Token, req)
			if cc.Blocked {
				if code != http.StatusUnprocessableEntity {
					t.Fatalf("blocked page = %d %s, want 422", code, body)
				}
				e := apiErrorOf(t, body)
				if e.Reason == "" {
					t.Errorf("422 without a reason: %s", body)
				}
				resp, lb := ts.doJSON(t, "GET", "/api/jobs/lookup?url="+url.QueryEscape(cc.URL), tok.Token, nil)
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("lookup of the blocked page = %d %s, want 404", resp.StatusCode, truncate(lb))
				}
				return
			}
			if code != http.StatusCreated || !res.Created {
				t.Fatalf("first capture = %d %s, want 201 created", code, truncate(body))
			}
			j := res.Job
			if !strings.EqualFold(collapse(j.Title), collapse(cc.Title)) {
				t.Errorf("title = %q, want %q", j.Title, cc.Title)
			}
			if !containsFold(cc.Company, j.Company.Name) || j.Company.ID == 0 {
				t.Errorf("company = %+v, want one of %v", j.Company, cc.Company)
			}
			if j.Status != models.JobStatusInterested || j.Notes == nil || *j.Notes != "seen on "+cc.File {
				t.Errorf("status %v notes %v", j.Status, j.Notes)
			}
			if j.SourceURL == nil || j.Description == "" || j.Site == "" || j.RequiredSkills == nil {
				t.Errorf("job lacks source_url, description, site or skills: %s", truncate(body))
			}

			// The same page again: 200, the saved job unchanged.
			req["notes"] = "changed"
			code2, res2, body2 := ts.capture(t, tok.Token, req)
			if code2 != http.StatusOK || res2.Created {
				t.Fatalf("second capture = %d %s, want 200 not created", code2, truncate(body2))
			}
			if res2.Job.ID != j.ID || *res2.Job.Notes != *j.Notes || !res2.Job.UpdatedAt.Equal(j.UpdatedAt) {
				t.Errorf("duplicate changed the job: %+v vs %+v", res2.Job, j)
			}

			// Lookup by the page's address finds it.
			resp, lb := ts.doJSON(t, "GET", "/api/jobs/lookup?url="+url.QueryEscape(cc.URL), tok.Token, nil)
			if resp.StatusCode != 200 || decodeAs[JobView](t, lb).ID != j.ID {
				t.Errorf("lookup = %d %s", resp.StatusCode, truncate(lb))
			}
		})
	}
	var n int64
	ts.DB.Write.Table("jobs").Count(&n)
	want := 0
	for _, c := range cases {
		if !c.Blocked {
			want++
		}
	}
	if int(n) != want {
		t.Errorf("%d jobs stored, want %d (one per non-blocked page)", n, want)
	}
	var d int64
	ts.DB.Write.Table("job_details").Count(&d)
	if int(d) != want {
		t.Errorf("%d job_details rows, want %d", d, want)
	}
}

func TestCaptureRefusals(t *testing.T) {
	ts := newAuthTestServer(t)
	_, tok := ts.authUser(t, "bob")
	big := strings.Repeat("a", 10<<20+1)
	tests := []struct {
		name      string
		body      any
		wantCode  int
		wantField string
	}{
		{"bad JSON", `{"url": "https://x.test/j/1", "html": `, 400, "body"},
		{"not an object", `["https://x.test"]`, 400, "body"},
		{"html of the wrong type", `{"url": "https://x.test/j/1", "html": 5}`, 400, "html"},
		{"missing url", map[string]any{"html": "<p>x</p>"}, 400, "url"},
		{"missing html", map[string]any{"url": "https://x.test/j/1"}, 400, "html"},
		{"ftp url", map[string]any{"url": "ftp://x.test/j/1", "html": "<p>x</p>"}, 400, "url"},
		{"javascript url", map[string]any{"url": "javascript:alert(1)", "html": "<p>x</p>"}, 400, "url"},
		{"url too long", map[string]any{"url": "https://x.test/" + strings.Repeat("a", 2100), "html": "<p>x</p>"}, 400, "url"},
		{"unknown status", map[string]any{"url": "https://x.test/j/1", "html": "<p>x</p>", "status": "hired"}, 400, "status"},
		{"notes too long", map[string]any{"url": "https://x.test/j/1", "html": "<p>x</p>", "notes": strings.Repeat("n", 100<<10+1)}, 400, "notes"},
		{"empty page", map[string]any{"url": "https://x.test/j/1", "html": "<html><body></body></html>"}, 422, ""},
		{"html over 10 MB", map[string]any{"url": "https://x.test/j/1", "html": big}, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, body := ts.capture(t, tok.Token, tt.body)
			if code != tt.wantCode {
				t.Fatalf("status = %d %s, want %d", code, truncate(body), tt.wantCode)
			}
			e := apiErrorOf(t, body)
			if tt.wantField != "" && e.Fields[tt.wantField] == "" {
				t.Errorf("fields = %v, want %q named", e.Fields, tt.wantField)
			}
			if tt.wantCode == 422 && e.Reason == "" {
				t.Errorf("422 without reason: %s", body)
			}
			if tt.wantCode == 413 && !strings.Contains(e.Error, "10 MB") {
				t.Errorf("413 message %q does not state the limit", e.Error)
			}
		})
	}
	if n := countJobs(t, ts); n != 0 {
		t.Errorf("%d jobs stored by refused captures", n)
	}
}

func TestCaptureStatusAndServerTiming(t *testing.T) {
	ts := newAuthTestServer(t)
	_, tok := ts.authUser(t, "carol")
	cases, pages := corpus(t)
	cc := cases[0]
	resp, body := ts.doJSON(t, "POST", "/api/jobs/capture", tok.Token, map[string]any{"url": cc.URL, "html": pages[cc.File], "status": 1})
	if resp.StatusCode != 201 {
		t.Fatalf("capture = %d %s", resp.StatusCode, truncate(body))
	}
	if st := decodeAs[CaptureResult](t, body).Job.Status; st != models.JobStatusApplied {
		t.Errorf("status = %v, want applied (sent as 1)", st)
	}
	tim := resp.Header.Get("Server-Timing")
	for _, m := range []string{"parse;dur=", "store;dur="} {
		if !strings.Contains(tim, m) {
			t.Errorf("Server-Timing %q lacks %s", tim, m)
		}
	}
}

func countJobs(t testing.TB, ts *testServer) int64 {
	t.Helper()
	var n int64
	if err := ts.DB.Write.Table("jobs").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func truncate(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return string(b)
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(collapse(x), collapse(s)) {
			return true
		}
	}
	return false
}
