package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
)

// analysisFixtures gives the route matrix's fixture job an analysis and a
// cover letter, so the analysis and document routes have objects to name.
func analysisFixtures(ctx context.Context, ts *testServer, uid int64, f *fixtures) error {
	if _, err := ts.Store.SaveJobAnalysis(ctx, uid, &models.JobAnalysis{JobID: f.job, Score: 50, Result: `{"score":50}`}); err != nil {
		return err
	}
	d := &models.GeneratedDocument{JobID: &f.job, DocumentType: models.DocumentCoverLetter, Content: "<p>Fixture letter</p>"}
	if err := ts.Store.CreateDocument(ctx, uid, d); err != nil {
		return err
	}
	f.doc = d.ID
	return nil
}

// The route matrix's entries for registerAnalysisRoutes.
func init() {
	job := func(f fixtures) int64 { return f.job }
	doc := func(f fixtures) int64 { return f.doc }
	for route, call := range map[string]apiCall{
		"POST /api/jobs/:id/analyze":      {path: withID("/api/jobs/:id/analyze", job), want: 200, owned: true},
		"GET /api/jobs/:id/analysis":      {path: withID("/api/jobs/:id/analysis", job), want: 200, owned: true},
		"POST /api/jobs/:id/cover-letter": {path: withID("/api/jobs/:id/cover-letter", job), want: 201, owned: true},
		"POST /api/jobs/:id/cv":           {path: withID("/api/jobs/:id/cv", job), want: 201, owned: true},
		"GET /api/documents":              {path: fixed("/api/documents?type=cover_letter"), want: 200},
		"GET /api/documents/:id":          {path: withID("/api/documents/:id", doc), want: 200, owned: true},
		"PATCH /api/documents/:id":        {path: withID("/api/documents/:id", doc), want: 200, owned: true, body: bodyOf(map[string]any{"content": "<p>Edited</p>"})},
		"DELETE /api/documents/:id":       {path: withID("/api/documents/:id", doc), want: 204, owned: true},
		"GET /api/documents/:id/download": {path: withID("/api/documents/:id/download", doc), want: 200, owned: true},
		"GET /api/me/quota":               {path: fixed("/api/me/quota"), want: 200},
	} {
		apiMatrix[route] = call
	}
}

// seedProfileAndJob fills uid's profile (a Go backend engineer) and saves a
// Go job at Acme Payments, returning its id.
func seedProfileAndJob(t *testing.T, ts *testServer, uid int64, url string) int64 {
	t.Helper()
	ctx := context.Background()
	first, last, title := "Ada", "Nguyen", "Senior Backend Engineer"
	sk := models.StringList{"golang", "postgres", "Docker", "k8s"}
	if _, err := ts.Store.UpdateProfile(ctx, uid, models.ProfileUpdate{FirstName: &first, LastName: &last, Title: &title, Skills: &sk}); err != nil {
		t.Fatal(err)
	}
	desc := "Built payment services in Go and PostgreSQL, deployed on Kubernetes with Terraform."
	if err := ts.Store.CreateWorkExperience(ctx, uid, &models.WorkExperience{Company: "Paysafe Labs", Title: "Senior Backend Engineer",
		StartDate: time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), Current: true, Description: &desc}); err != nil {
		t.Fatal(err)
	}
	return seedJob(t, ts, uid, url)
}

// seedJob saves a Go job at Acme Payments for uid.
func seedJob(t *testing.T, ts *testServer, uid int64, url string) int64 {
	t.Helper()
	j, _, err := ts.Store.SaveJob(context.Background(), uid, &models.Job{Title: "Senior Go Engineer", SourceURL: &url,
		RequiredSkills: models.StringList{"Go", "PostgreSQL"},
		Description:    "Build payment services in Go on Kubernetes with Terraform.\n- 5+ years of experience with PostgreSQL and Redis."}, "Acme Payments")
	if err != nil {
		t.Fatal(err)
	}
	return j.ID
}

// analyzeAnswer is the body of POST /api/jobs/:id/analyze.
type analyzeAnswer struct {
	Job struct {
		ID         int64 `json:"id"`
		MatchScore *int  `json:"match_score"`
	} `json:"job"`
	Analysis struct {
		JobID         int64 `json:"job_id"`
		Score         int   `json:"score"`
		MatchedSkills []struct {
			Skill string   `json:"skill"`
			Where []string `json:"where"`
		} `json:"matched_skills"`
		MissingSkills []string `json:"missing_skills"`
		Highlights    []string `json:"highlights"`
		Feedback      string   `json:"feedback"`
		Provider      string   `json:"provider"`
		Model         string   `json:"model"`
		Note          string   `json:"note"`
		Stale         bool     `json:"stale"`
	} `json:"analysis"`
	Quota struct {
		Used    int  `json:"used"`
		Limit   *int `json:"limit"`
		Counted bool `json:"counted"`
	} `json:"quota"`
}

func TestAnalyzeJobStoresScoreAndEvidence(t *testing.T) {
	ts := newAuthTestServer(t)
	u, tok := ts.authUser(t, "analyst")
	id := seedProfileAndJob(t, ts, u.ID, "https://acme.test/go")

	resp, body := ts.doJSON(t, "POST", fmt.Sprintf("/api/jobs/%d/analyze", id), tok.Token, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("analyze = %d %s", resp.StatusCode, body)
	}
	a := decodeAs[analyzeAnswer](t, body)
	if a.Job.ID != id || a.Job.MatchScore == nil || *a.Job.MatchScore != a.Analysis.Score || a.Analysis.Score < 50 {
		t.Fatalf("answer %s", body)
	}
	if a.Analysis.Provider != "builtin" || a.Analysis.Feedback == "" || len(a.Analysis.Highlights) == 0 || a.Analysis.Stale {
		t.Errorf("analysis %+v", a.Analysis)
	}
	var skills []string
	for _, m := range a.Analysis.MatchedSkills {
		skills = append(skills, m.Skill)
		if m.Skill == "Go" && !strings.Contains(strings.Join(m.Where, "|"), "Senior Backend Engineer at Paysafe Labs") {
			t.Errorf("Go's evidence %q lacks the experience", m.Where)
		}
	}
	if !strings.Contains(strings.Join(skills, ","), "Go,PostgreSQL") || !strings.Contains(strings.Join(a.Analysis.MissingSkills, ","), "Redis") {
		t.Errorf("matched %q missing %q", skills, a.Analysis.MissingSkills)
	}
	if a.Quota.Used != 1 || a.Quota.Limit != nil || !a.Quota.Counted {
		t.Errorf("self-hosted quota %+v: counted, no limit", a.Quota)
	}

	// The job shows the score; the analysis can be read back.
	_, body = ts.doJSON(t, "GET", fmt.Sprintf("/api/jobs/%d", id), tok.Token, nil)
	if j := decodeAs[struct {
		MatchScore *int `json:"match_score"`
	}](t, body); j.MatchScore == nil || *j.MatchScore != a.Analysis.Score {
		t.Errorf("GET job = %s", body)
	}
	resp, body = ts.doJSON(t, "GET", fmt.Sprintf("/api/jobs/%d/analysis", id), tok.Token, nil)
	got := decodeAs[struct {
		Score    int    `json:"score"`
		Feedback string `json:"feedback"`
		Stale    bool   `json:"stale"`
	}](t, body)
	if resp.StatusCode != 200 || got.Score != a.Analysis.Score || got.Feedback != a.Analysis.Feedback || got.Stale {
		t.Fatalf("GET analysis = %d %s", resp.StatusCode, body)
	}

	// After a profile change the analysis is stale, and a new run fixes it.
	time.Sleep(5 * time.Millisecond)
	sk := models.StringList{"golang", "postgres", "Docker", "k8s", "Redis"}
	if _, err := ts.Store.UpdateProfile(context.Background(), u.ID, models.ProfileUpdate{Skills: &sk}); err != nil {
		t.Fatal(err)
	}
	_, body = ts.doJSON(t, "GET", fmt.Sprintf("/api/jobs/%d/analysis", id), tok.Token, nil)
	if !decodeAs[struct {
		Stale bool `json:"stale"`
	}](t, body).Stale {
		t.Errorf("analysis not stale after a profile change: %s", body)
	}
	_, body = ts.doJSON(t, "POST", fmt.Sprintf("/api/jobs/%d/analyze", id), tok.Token, nil)
	b := decodeAs[analyzeAnswer](t, body)
	if b.Analysis.Stale || b.Analysis.Score <= a.Analysis.Score || b.Quota.Counted || b.Quota.Used != 1 {
		t.Errorf("re-run: score %d (was %d), stale %v, quota %+v; want higher, fresh, not counted again", b.Analysis.Score, a.Analysis.Score, b.Analysis.Stale, b.Quota)
	}
}

func TestAnalyzeJobErrors(t *testing.T) {
	ts := newAuthTestServer(t)
	a, tokA := ts.authUser(t, "alice")
	_, tokB := ts.authUser(t, "bob")
	id := seedProfileAndJob(t, ts, a.ID, "https://acme.test/a")
	for _, tt := range []struct {
		method, path, token string
		want                int
	}{
		{"POST", fmt.Sprintf("/api/jobs/%d/analyze", id), tokB.Token, 404},
		{"GET", fmt.Sprintf("/api/jobs/%d/analysis", id), tokB.Token, 404},
		{"GET", fmt.Sprintf("/api/jobs/%d/analysis", id), tokA.Token, 404}, // not analysed yet
		{"POST", "/api/jobs/999999/analyze", tokA.Token, 404},
		{"POST", "/api/jobs/abc/analyze", tokA.Token, 404},
		{"POST", fmt.Sprintf("/api/jobs/%d/cv", id), tokB.Token, 404},
		{"POST", fmt.Sprintf("/api/jobs/%d/cover-letter", id), "", 401},
	} {
		if code := ts.status(t, tt.method, tt.path, tt.token, nil); code != tt.want {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, code, tt.want)
		}
	}
	// Bob's refused calls charged nobody.
	_, body := ts.doJSON(t, "GET", "/api/me/quota", tokB.Token, nil)
	if strings.Contains(string(body), `"used":1`) {
		t.Errorf("bob's quota after refused calls: %s", body)
	}
}

// quotaError is the 429 body of a used-up quota.
type quotaError struct {
	Error     string    `json:"error"`
	QuotaType string    `json:"quota_type"`
	Limit     *int      `json:"limit"`
	ResetsAt  time.Time `json:"resets_at"`
}

// TestQuotaRaceOverHTTP: in cloud mode, with one use left, of many
// concurrent requests exactly one succeeds; the others get 429 with the
// quota, its limit and when it resets.
func TestQuotaRaceOverHTTP(t *testing.T) {
	ts := newAuthTestServer(t, func(c *config.Config) { c.Mode, c.QuotaCoverLetter = config.ModeCloud, 3 })
	u, tok := ts.authUser(t, "racer")
	id := seedProfileAndJob(t, ts, u.ID, "https://acme.test/race")
	path := fmt.Sprintf("/api/jobs/%d/cover-letter", id)
	for range 2 {
		if code := ts.status(t, "POST", path, tok.Token, nil); code != 201 {
			t.Fatalf("use within the limit = %d", code)
		}
	}
	const n = 6
	var wg sync.WaitGroup
	var ok, limited atomic.Int32
	bodies := make([][]byte, n)
	headers := make([]http.Header, n)
	for i := range n {
		wg.Go(func() {
			req := httptest.NewRequest("POST", path, nil)
			req.Header.Set("Authorization", "Bearer "+tok.Token)
			resp, err := ts.App().Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			bodies[i], _ = io.ReadAll(resp.Body)
			headers[i] = resp.Header
			switch resp.StatusCode {
			case 201:
				ok.Add(1)
			case 429:
				limited.Add(1)
			default:
				t.Errorf("status %d %s", resp.StatusCode, bodies[i])
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 || limited.Load() != n-1 {
		t.Fatalf("%d succeeded and %d were refused; want 1 and %d", ok.Load(), limited.Load(), n-1)
	}
	start, end := models.QuotaPeriod(time.Now())
	for i := range n {
		if !strings.Contains(string(bodies[i]), `"quota_type"`) {
			continue
		}
		e := decodeAs[quotaError](t, bodies[i])
		if e.QuotaType != "cover_letter" || e.Limit == nil || *e.Limit != 3 || !e.ResetsAt.Equal(end) || e.Error == "" {
			t.Errorf("429 body %s", bodies[i])
		}
		secs, err := strconv.Atoi(headers[i].Get("Retry-After"))
		if err != nil || secs < 1 || time.Duration(secs)*time.Second > end.Sub(start)+time.Minute {
			t.Errorf("Retry-After %q", headers[i].Get("Retry-After"))
		}
	}
	// The refusals left no documents and no usage behind.
	_, body := ts.doJSON(t, "GET", "/api/documents?type=cover_letter", tok.Token, nil)
	if total := decodeAs[struct {
		Total int `json:"total"`
	}](t, body).Total; total != 3 {
		t.Errorf("%d cover letters stored, want 3", total)
	}
	_, body = ts.doJSON(t, "GET", "/api/me/quota", tok.Token, nil)
	q := decodeAs[struct {
		Mode   string               `json:"mode"`
		Quotas []models.QuotaStatus `json:"quotas"`
	}](t, body)
	if q.Mode != "cloud" || len(q.Quotas) != 3 || q.Quotas[1].Used != 3 || *q.Quotas[1].Limit != 3 || *q.Quotas[1].Remaining != 0 || q.Quotas[2].Used != 0 {
		t.Errorf("quota = %s", body)
	}
}

// TestAnalysisQuotaCountsAJobOncePerMonth: re-analysing a job is free, even
// at the limit; another job is refused.
func TestAnalysisQuotaCountsAJobOncePerMonth(t *testing.T) {
	ts := newAuthTestServer(t, func(c *config.Config) { c.Mode, c.QuotaAnalysis = config.ModeCloud, 1 })
	u, tok := ts.authUser(t, "once")
	j1 := seedProfileAndJob(t, ts, u.ID, "https://acme.test/1")
	j2 := seedJob(t, ts, u.ID, "https://acme.test/2")
	for i, want := range []int{200, 200, 200} {
		resp, body := ts.doJSON(t, "POST", fmt.Sprintf("/api/jobs/%d/analyze", j1), tok.Token, nil)
		if resp.StatusCode != want {
			t.Fatalf("analysis %d of job 1 = %d %s", i+1, resp.StatusCode, body)
		}
		a := decodeAs[analyzeAnswer](t, body)
		if a.Quota.Used != 1 || a.Quota.Limit == nil || *a.Quota.Limit != 1 || a.Quota.Counted != (i == 0) {
			t.Errorf("analysis %d quota %+v", i+1, a.Quota)
		}
	}
	resp, body := ts.doJSON(t, "POST", fmt.Sprintf("/api/jobs/%d/analyze", j2), tok.Token, nil)
	if resp.StatusCode != 429 {
		t.Fatalf("job 2 = %d %s, want 429", resp.StatusCode, body)
	}
	if e := decodeAs[quotaError](t, body); e.QuotaType != "analysis" || *e.Limit != 1 {
		t.Errorf("429 body %s", body)
	}
	if j, _ := ts.Store.Job(context.Background(), u.ID, j2); j.MatchScore != nil {
		t.Errorf("refused analysis stored a score")
	}
}

// TestSelfHostedHasNoLimits: self-hosted mode ignores the configured limits
// but records usage.
func TestSelfHostedHasNoLimits(t *testing.T) {
	ts := newAuthTestServer(t, func(c *config.Config) { c.QuotaCV = 1 })
	u, tok := ts.authUser(t, "home")
	id := seedProfileAndJob(t, ts, u.ID, "https://acme.test/h")
	for range 3 {
		if code := ts.status(t, "POST", fmt.Sprintf("/api/jobs/%d/cv", id), tok.Token, nil); code != 201 {
			t.Fatalf("cv = %d", code)
		}
	}
	_, body := ts.doJSON(t, "GET", "/api/me/quota", tok.Token, nil)
	q := decodeAs[struct {
		Mode   string               `json:"mode"`
		Quotas []models.QuotaStatus `json:"quotas"`
	}](t, body)
	if q.Mode != "selfhosted" || q.Quotas[2].Type != models.QuotaCV || q.Quotas[2].Used != 3 || q.Quotas[2].Limit != nil {
		t.Errorf("quota = %s", body)
	}
	hist, err := ts.Store.QuotaHistory(context.Background(), u.ID, 0)
	if err != nil || len(hist) != 3 || hist[0].JobID == nil || *hist[0].JobID != id || hist[0].Action != models.ActionGenerate {
		t.Errorf("history %+v, %v", hist, err)
	}
}

// documentAnswer is a document as the API shows it.
type documentAnswer struct {
	ID           int64      `json:"id"`
	JobID        *int64     `json:"job_id"`
	DocumentType string     `json:"document_type"`
	Format       string     `json:"format"`
	Title        string     `json:"title"`
	Content      string     `json:"content"`
	ExpiresAt    *time.Time `json:"expires_at"`
	Metadata     struct {
		Title            string     `json:"title"`
		Provider         string     `json:"provider"`
		PromptVersion    string     `json:"prompt_version"`
		ProfileUpdatedAt *time.Time `json:"profile_updated_at"`
	} `json:"metadata"`
}

func TestDocumentsAPI(t *testing.T) {
	ts := newAuthTestServer(t)
	u, tok := ts.authUser(t, "writer")
	id := seedProfileAndJob(t, ts, u.ID, "https://acme.test/d")

	resp, body := ts.doJSON(t, "POST", fmt.Sprintf("/api/jobs/%d/cover-letter", id), tok.Token, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("cover letter = %d %s", resp.StatusCode, body)
	}
	letter := decodeAs[documentAnswer](t, body)
	if letter.DocumentType != "cover_letter" || letter.Format != "html" || *letter.JobID != id ||
		letter.Title != "Cover letter: Senior Go Engineer at Acme Payments" || letter.Metadata.Provider != "builtin" ||
		letter.Metadata.PromptVersion == "" || letter.Metadata.ProfileUpdatedAt == nil {
		t.Errorf("letter %s", body)
	}
	for _, want := range []string{"Acme Payments", "Senior Go Engineer", "Ada Nguyen", "Go"} {
		if !strings.Contains(letter.Content, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
	if letter.ExpiresAt == nil || time.Until(*letter.ExpiresAt) < 89*24*time.Hour || time.Until(*letter.ExpiresAt) > 91*24*time.Hour {
		t.Errorf("expires_at %v, want in 90 days", letter.ExpiresAt)
	}
	resp, body = ts.doJSON(t, "POST", fmt.Sprintf("/api/jobs/%d/cv", id), tok.Token, nil)
	cv := decodeAs[documentAnswer](t, body)
	if resp.StatusCode != 201 || cv.DocumentType != "cv" || !strings.Contains(cv.Content, "Paysafe Labs") {
		t.Fatalf("cv = %d %s", resp.StatusCode, body)
	}

	// The list is newest first and leaves the content out.
	_, body = ts.doJSON(t, "GET", "/api/documents", tok.Token, nil)
	list := decodeAs[struct {
		Documents []documentAnswer `json:"documents"`
		Total     int              `json:"total"`
		Limit     int              `json:"limit"`
	}](t, body)
	if list.Total != 2 || len(list.Documents) != 2 || list.Documents[0].ID != cv.ID || list.Documents[0].Content != "" || list.Limit != 20 {
		t.Errorf("list = %s", body)
	}
	for q, want := range map[string]int{"?type=cv": 1, fmt.Sprintf("?job_id=%d", id): 2, "?job_id=999999": 0} {
		_, body = ts.doJSON(t, "GET", "/api/documents"+q, tok.Token, nil)
		if n := decodeAs[struct {
			Total int `json:"total"`
		}](t, body).Total; n != want {
			t.Errorf("GET /api/documents%s total %d, want %d", q, n, want)
		}
	}
	for _, q := range []string{"?type=memo", "?limit=-1", "?job_id=x"} {
		if code := ts.status(t, "GET", "/api/documents"+q, tok.Token, nil); code != 400 {
			t.Errorf("GET /api/documents%s = %d, want 400", q, code)
		}
	}

	// Edits are sanitised; an edit with no text is refused.
	docPath := fmt.Sprintf("/api/documents/%d", letter.ID)
	resp, body = ts.doJSON(t, "PATCH", docPath, tok.Token, map[string]any{"content": `<p onclick="x()">Dear team,</p><script>alert(1)</script><p>Yours, Ada</p>`})
	if edited := decodeAs[documentAnswer](t, body); resp.StatusCode != 200 || edited.Content != "<p>Dear team,</p><p>Yours, Ada</p>" {
		t.Errorf("patch = %d %s", resp.StatusCode, body)
	}
	for _, bad := range []any{map[string]any{"content": "<script>x</script>"}, map[string]any{}, map[string]any{"content": "x", "title": "y"}, "not json"} {
		if code := ts.status(t, "PATCH", docPath, tok.Token, bad); code != 400 {
			t.Errorf("PATCH %v = %d, want 400", bad, code)
		}
	}
	_, body = ts.doJSON(t, "GET", docPath, tok.Token, nil)
	if got := decodeAs[documentAnswer](t, body); got.Content != "<p>Dear team,</p><p>Yours, Ada</p>" {
		t.Errorf("GET after edit = %s", body)
	}

	// Download: a standalone page with a print stylesheet, as an attachment.
	resp, body = ts.doJSON(t, "GET", docPath+"/download", tok.Token, nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		resp.Header.Get("Content-Disposition") != fmt.Sprintf(`attachment; filename="cover-letter-senior-go-engineer-at-acme-payments-%d.html"`, letter.ID) {
		t.Errorf("download = %d %v", resp.StatusCode, resp.Header)
	}
	for _, want := range []string{"<!DOCTYPE html>", "@media print", "<title>Cover letter: Senior Go Engineer at Acme Payments</title>", "<p>Yours, Ada</p>"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("download lacks %q", want)
		}
	}

	if code := ts.status(t, "DELETE", docPath, tok.Token, nil); code != 204 {
		t.Errorf("delete = %d", code)
	}
	for _, m := range []string{"GET", "DELETE"} {
		if code := ts.status(t, m, docPath, tok.Token, nil); code != 404 {
			t.Errorf("%s after delete = %d, want 404", m, code)
		}
	}
}

// TestDocumentsKeptApart: another user's document is 404 on every route and
// never listed.
func TestDocumentsKeptApart(t *testing.T) {
	ts := newAuthTestServer(t)
	a, tokA := ts.authUser(t, "alice")
	_, tokB := ts.authUser(t, "bob")
	id := seedProfileAndJob(t, ts, a.ID, "https://acme.test/apart")
	_, body := ts.doJSON(t, "POST", fmt.Sprintf("/api/jobs/%d/cover-letter", id), tokA.Token, nil)
	doc := decodeAs[documentAnswer](t, body)
	p := fmt.Sprintf("/api/documents/%d", doc.ID)
	for _, c := range []struct {
		method, path string
		body         any
	}{{"GET", p, nil}, {"GET", p + "/download", nil}, {"PATCH", p, map[string]any{"content": "<p>mine now</p>"}}, {"DELETE", p, nil}} {
		if code := ts.status(t, c.method, c.path, tokB.Token, c.body); code != 404 {
			t.Errorf("bob %s %s = %d, want 404", c.method, c.path, code)
		}
	}
	_, body = ts.doJSON(t, "GET", "/api/documents", tokB.Token, nil)
	if !strings.Contains(string(body), `"total":0`) {
		t.Errorf("bob's list = %s", body)
	}
	_, body = ts.doJSON(t, "GET", p, tokA.Token, nil)
	if got := decodeAs[documentAnswer](t, body); got.Content != doc.Content {
		t.Errorf("alice's document changed")
	}
}

func TestDocumentRetentionZeroKeeps(t *testing.T) {
	ts := newAuthTestServer(t, func(c *config.Config) { c.DocumentRetention = 0 })
	u, tok := ts.authUser(t, "keeper")
	id := seedProfileAndJob(t, ts, u.ID, "https://acme.test/keep")
	_, body := ts.doJSON(t, "POST", fmt.Sprintf("/api/jobs/%d/cv", id), tok.Token, nil)
	if d := decodeAs[documentAnswer](t, body); d.ExpiresAt != nil || d.ID == 0 {
		t.Errorf("document %s, want no expiry", body)
	}
}

// TestAnalyzeWithOpenAICompatibleProvider: with VEGA_AI_BASE_URL set the
// server asks the provider (with the key), stores its answer, and falls
// back to the built-in analysis with a note when the provider fails.
func TestAnalyzeWithOpenAICompatibleProvider(t *testing.T) {
	var fail atomic.Bool
	var auth atomic.Value
	llm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth.Store(r.Header.Get("Authorization"))
		if fail.Load() {
			http.Error(w, "nope", http.StatusUnauthorized)
			return
		}
		content, _ := json.Marshal(map[string]any{"score": 91, "matched_skills": []string{"Go"}, "missing_skills": []string{"Redis"},
			"highlights": []string{"Payments background"}, "feedback": "A close fit."})
		_ = json.NewEncoder(w).Encode(map[string]any{"model": "llama3.1:8b", "choices": []any{map[string]any{"message": map[string]any{"content": string(content)}}}})
	}))
	defer llm.Close()
	ts := newAuthTestServer(t, func(c *config.Config) {
		c.AIBaseURL, c.AIAPIKey, c.AIModel, c.AITimeout = llm.URL+"/v1", "sk-local", "llama3.1", 5*time.Second
	})
	u, tok := ts.authUser(t, "llm")
	id := seedProfileAndJob(t, ts, u.ID, "https://acme.test/llm")
	_, body := ts.doJSON(t, "POST", fmt.Sprintf("/api/jobs/%d/analyze", id), tok.Token, nil)
	a := decodeAs[analyzeAnswer](t, body)
	if a.Analysis.Score != 91 || a.Analysis.Provider != "openai-compatible" || a.Analysis.Model != "llama3.1:8b" || *a.Job.MatchScore != 91 || a.Analysis.Note != "" {
		t.Errorf("LLM analysis %s", body)
	}
	if auth.Load() != "Bearer sk-local" {
		t.Errorf("Authorization %v", auth.Load())
	}
	fail.Store(true)
	_, body = ts.doJSON(t, "POST", fmt.Sprintf("/api/jobs/%d/analyze", id), tok.Token, nil)
	a = decodeAs[analyzeAnswer](t, body)
	if a.Analysis.Provider != "builtin" || !strings.Contains(a.Analysis.Note, "HTTP 401") || *a.Job.MatchScore != a.Analysis.Score {
		t.Errorf("fallback analysis %s", body)
	}
	resp, body := ts.doJSON(t, "POST", fmt.Sprintf("/api/jobs/%d/cover-letter", id), tok.Token, nil)
	if d := decodeAs[struct {
		Metadata struct {
			Provider, Note string
		} `json:"metadata"`
	}](t, body); resp.StatusCode != 201 || d.Metadata.Provider != "builtin" || !strings.Contains(d.Metadata.Note, "HTTP 401") {
		t.Errorf("fallback letter %d %s", resp.StatusCode, body)
	}
}

// TestRunDocumentCleanup: the periodic job deletes expired documents and
// stops with its context.
func TestRunDocumentCleanup(t *testing.T) {
	ts := newAuthTestServer(t)
	u, _ := ts.authUser(t, "expiring")
	ctx := context.Background()
	past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	expired := &models.GeneratedDocument{DocumentType: models.DocumentCV, Content: "<p>old</p>", ExpiresAt: &past}
	kept := &models.GeneratedDocument{DocumentType: models.DocumentCV, Content: "<p>new</p>", ExpiresAt: &future}
	for _, d := range []*models.GeneratedDocument{expired, kept} {
		if err := ts.Store.CreateDocument(ctx, u.ID, d); err != nil {
			t.Fatal(err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); ts.RunDocumentCleanup(cctx, 10*time.Millisecond) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var n int64
		if err := ts.DB.Read.Model(&models.GeneratedDocument{}).Where("id = ?", expired.ID).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("expired document not deleted")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("cleanup did not stop with its context")
	}
	if _, err := ts.Store.Document(ctx, u.ID, kept.ID); err != nil {
		t.Errorf("unexpired document: %v", err)
	}
}
