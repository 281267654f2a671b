package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vega-ai/vega/models"
)

// dashUser registers username, seeds jobs with titles through the capture
// API, and returns a signed-in dashboard browser and the jobs.
func dashUser(t *testing.T, ts *testServer, username string, titles ...string) (*browser, userView, []JobView) {
	t.Helper()
	u, tok := ts.authUser(t, username)
	var jobs []JobView
	for i, title := range titles {
		code, res, body := ts.capture(t, tok.Token, map[string]any{
			"url":  fmt.Sprintf("https://%s.test/jobs/%d", username, i),
			"html": smallJobPage(title)})
		if code != 201 {
			t.Fatalf("capture %q = %d %s", title, code, truncate(body))
		}
		jobs = append(jobs, res.Job)
	}
	b := newBrowser(ts)
	b.signIn(t, username, "password-"+username)
	return b, u, jobs
}

// htmx sends a form as htmx does: X-CSRF-Token and HX-Request headers.
func (b *browser) htmx(t testing.TB, path, csrf string, form url.Values) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", csrf)
	return b.send(t, req)
}

// checkPageHeaders fails unless resp carries the dashboard's security headers.
func checkPageHeaders(t *testing.T, path string, resp *http.Response) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
		"Referrer-Policy":         "same-origin",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", path, k, got, v)
		}
	}
}

var docLink = regexp.MustCompile(`href="/documents/(\d+)"`)

func TestDashboardPagesRenderForTheOwner(t *testing.T) {
	ts := newAuthTestServer(t)
	b, _, jobs := dashUser(t, ts, "alice", "Go engineer", "SRE")
	id := strconv.FormatInt(jobs[0].ID, 10)
	_, page := b.get(t, "/jobs/"+id)
	csrf := csrfFrom(t, page)

	// Analyse and write a cover letter, as the job page's buttons do.
	resp, body := b.post(t, "/jobs/"+id+"/analyze", url.Values{"_csrf": {csrf}})
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/jobs/"+id+"?done=analysed") {
		t.Fatalf("analyse = %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	resp, body = b.post(t, "/jobs/"+id+"/cover-letter", url.Values{"_csrf": {csrf}})
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/documents/") {
		t.Fatalf("cover letter = %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	resp, _ = b.post(t, "/jobs/"+id+"/cv", url.Values{"_csrf": {csrf}})
	if resp.StatusCode != 303 {
		t.Fatalf("cv = %d", resp.StatusCode)
	}
	_, page = b.get(t, "/jobs/"+id)
	m := docLink.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("job page lists no document:\n%s", page)
	}
	doc := m[1]

	for path, want := range map[string][]string{
		"/":                                  {"Signed in as <strong>alice</strong>", "Go engineer", "SRE"},
		"/jobs":                              {`<table class="jobs"`, "Go engineer", `aria-current="page"`},
		"/jobs?status=interested&q=engineer": {"Go engineer", "1 job found"},
		"/jobs?company=nobody":               {"No job matches these filters."},
		"/jobs?sort=title&page=1":            {"Go engineer"},
		"/jobs/board":                        {`class="board"`, `data-status="applied"`, `id="card-` + id + `"`},
		"/jobs/new":                          {`action="/jobs/capture"`, `action="/jobs"`},
		"/jobs/" + id:                        {"Go engineer", "Acme", "Berlin", "Match", `hx-post="/jobs/` + id + `/notes"`, "Cover letter"},
		"/jobs/" + id + "/edit":              {`value="Go engineer"`},
		"/stats":                             {"<svg", "Jobs per status: Interested 2", "Jobs saved per week"},
		"/documents/" + doc:                  {"document-body", "Download"},
		"/documents/" + doc + "/edit":        {`name="content"`},
	} {
		resp, page := b.get(t, path)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s = %d", path, resp.StatusCode)
			continue
		}
		checkPageHeaders(t, path, resp)
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("GET %s lacks %q", path, w)
			}
		}
		if strings.Contains(page, "<script>") || strings.Contains(page, "style=") {
			t.Errorf("GET %s has an inline script or style, which the CSP blocks", path)
		}
	}
	resp, body2 := b.get(t, "/documents/"+doc+"/download")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") || !strings.Contains(body2, "@media print") {
		t.Errorf("download = %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
}

func TestDashboardAnotherUsersJobOrDocumentIs404(t *testing.T) {
	ts := newAuthTestServer(t)
	alice, _, jobs := dashUser(t, ts, "alice", "Go engineer")
	id := strconv.FormatInt(jobs[0].ID, 10)
	_, page := alice.get(t, "/jobs/"+id)
	resp, _ := alice.post(t, "/jobs/"+id+"/cover-letter", url.Values{"_csrf": {csrfFrom(t, page)}})
	doc := strings.TrimPrefix(strings.Split(resp.Header.Get("Location"), "?")[0], "/documents/")

	bob, _, _ := dashUser(t, ts, "bob")
	_, page = bob.get(t, "/jobs")
	csrf := csrfFrom(t, page)
	for _, path := range []string{"/jobs/" + id, "/jobs/" + id + "/edit", "/documents/" + doc, "/documents/" + doc + "/edit",
		"/documents/" + doc + "/download", "/jobs/999999", "/jobs/abc"} {
		resp, page := bob.get(t, path)
		if resp.StatusCode != 404 || !strings.Contains(page, "Not found") || strings.Contains(page, "Go engineer") {
			t.Errorf("bob GET %s = %d", path, resp.StatusCode)
		}
	}
	for path, form := range map[string]url.Values{
		"/jobs/" + id + "/status":       {"status": {"applied"}},
		"/jobs/" + id + "/notes":        {"notes": {"mine"}},
		"/jobs/" + id + "/edit":         {"title": {"Stolen"}, "status": {"applied"}, "job_type": {"other"}},
		"/jobs/" + id + "/delete":       {"confirm": {"yes"}},
		"/jobs/" + id + "/analyze":      {},
		"/jobs/" + id + "/cv":           {},
		"/jobs/bulk-status":             {"id": {id}, "status": {"rejected"}},
		"/documents/" + doc + "/edit":   {"content": {"<p>mine</p>"}},
		"/documents/" + doc + "/delete": {"confirm": {"yes"}},
	} {
		form.Set("_csrf", csrf)
		if resp, _ := bob.post(t, path, form); resp.StatusCode != 404 {
			t.Errorf("bob POST %s = %d, want 404", path, resp.StatusCode)
		}
	}
	resp, page = alice.get(t, "/jobs/"+id)
	if resp.StatusCode != 200 || !strings.Contains(page, "Go engineer") || strings.Contains(page, "mine") ||
		!strings.Contains(page, `class="badge st-interested"`) || !strings.Contains(page, "/documents/"+doc) {
		t.Errorf("alice's job changed after bob's requests: %d", resp.StatusCode)
	}
}

func TestDashboardFormsKeepValuesAndShowErrors(t *testing.T) {
	ts := newAuthTestServer(t)
	b, _, jobs := dashUser(t, ts, "alice", "Go engineer")
	id := strconv.FormatInt(jobs[0].ID, 10)
	_, page := b.get(t, "/jobs/new")
	csrf := csrfFrom(t, page)

	// By hand, without a company and with a bad URL.
	resp, page := b.post(t, "/jobs", url.Values{"_csrf": {csrf}, "title": {"Typed title"}, "description": {"Some text"},
		"source_url": {"ftp://x"}, "status": {"applied"}, "job_type": {"contract"}})
	if resp.StatusCode != 400 || !strings.Contains(page, `value="Typed title"`) || !strings.Contains(page, "Company is required") ||
		!strings.Contains(page, "Posting address must be an absolute http or https URL") || !strings.Contains(page, `<option value="contract" selected>`) {
		t.Errorf("add by hand without company = %d\n%s", resp.StatusCode, page)
	}
	// By hand, valid.
	resp, _ = b.post(t, "/jobs", url.Values{"_csrf": {csrf}, "title": {"Typed title"}, "company": {"Initech"}, "description": {"Some text"},
		"required_skills": {"Go, SQL"}, "status": {"applied"}, "job_type": {"contract"}})
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "done=created") {
		t.Fatalf("add by hand = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = b.get(t, resp.Header.Get("Location"))
	if !strings.Contains(page, "Initech") || !strings.Contains(page, "<li>SQL</li>") || !strings.Contains(page, "Job saved.") {
		t.Errorf("the typed job's page lacks its fields")
	}

	// Paste: a bad URL keeps the HTML; a page that is no job is 422.
	resp, page = b.post(t, "/jobs/capture", url.Values{"_csrf": {csrf}, "url": {"not a url"}, "html": {"<p>kept html</p>"}})
	if resp.StatusCode != 400 || !strings.Contains(page, "&lt;p&gt;kept html&lt;/p&gt;") || !strings.Contains(page, "Address must be an absolute http or https URL") {
		t.Errorf("paste with a bad URL = %d\n%s", resp.StatusCode, page)
	}
	resp, page = b.post(t, "/jobs/capture", url.Values{"_csrf": {csrf}, "url": {"https://blog.test/post"}, "html": {"<html><body><p>Just a blog post about cats.</p></body></html>"}})
	if resp.StatusCode != 422 || !strings.Contains(page, `value="https://blog.test/post"`) {
		t.Errorf("paste of a page that is no job = %d\n%s", resp.StatusCode, page)
	}
	resp, _ = b.post(t, "/jobs/capture", url.Values{"_csrf": {csrf}, "url": {"https://paste.test/job/1"}, "html": {smallJobPage("Pasted job")}, "status": {"applied"}})
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "done=created") {
		t.Fatalf("paste = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = b.post(t, "/jobs/capture", url.Values{"_csrf": {csrf}, "url": {"https://paste.test/job/1"}, "html": {smallJobPage("Pasted job")}})
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "done=existing") {
		t.Errorf("paste again = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Edit: an empty title and a bad status keep the other values.
	resp, page = b.post(t, "/jobs/"+id+"/edit", url.Values{"_csrf": {csrf}, "title": {""}, "location": {"Kept town"},
		"job_type": {"full_time"}, "status": {"hired"}})
	if resp.StatusCode != 400 || !strings.Contains(page, `value="Kept town"`) || !strings.Contains(page, "Status must be one of") {
		t.Errorf("edit with a bad status = %d\n%s", resp.StatusCode, page)
	}
	resp, page = b.post(t, "/jobs/"+id+"/edit", url.Values{"_csrf": {csrf}, "title": {"  "}, "location": {"Kept town"},
		"job_type": {"full_time"}, "status": {"applied"}})
	if resp.StatusCode != 400 || !strings.Contains(page, "Title ") || !strings.Contains(page, `value="Kept town"`) {
		t.Errorf("edit with an empty title = %d\n%s", resp.StatusCode, page)
	}
	resp, _ = b.post(t, "/jobs/"+id+"/edit", url.Values{"_csrf": {csrf}, "title": {"Staff Go engineer"}, "location": {"Remote"},
		"job_type": {"contract"}, "status": {"interviewing"}, "required_skills": {"Go, Rust"}, "application_url": {"https://apply.test/1"}})
	if resp.StatusCode != 303 {
		t.Fatalf("edit = %d", resp.StatusCode)
	}
	_, page = b.get(t, "/jobs/"+id)
	for _, w := range []string{"Staff Go engineer", "Remote", "Contract", `class="badge st-interviewing"`, "<li>Rust</li>", `href="https://apply.test/1"`} {
		if !strings.Contains(page, w) {
			t.Errorf("edited job page lacks %q", w)
		}
	}

	// Filters: out-of-range values are 400 with the message, values kept.
	resp, page = b.get(t, "/jobs?min_score=500&q=kept+query&page=0")
	if resp.StatusCode != 400 || !strings.Contains(page, "Minimum score must be a whole number from 0 to 100") ||
		!strings.Contains(page, `value="kept query"`) || !strings.Contains(page, "Page must be a whole number") {
		t.Errorf("bad filters = %d\n%s", resp.StatusCode, page)
	}
	// Document edit: HTML without text after sanitising.
	resp, _ = b.post(t, "/jobs/"+id+"/cover-letter", url.Values{"_csrf": {csrf}})
	docPath := strings.Split(resp.Header.Get("Location"), "?")[0]
	resp, page = b.post(t, docPath+"/edit", url.Values{"_csrf": {csrf}, "content": {"<script>alert(1)</script>"}})
	if resp.StatusCode != 400 || !strings.Contains(page, "Content has no text") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("document edit without text = %d\n%s", resp.StatusCode, page)
	}
	resp, _ = b.post(t, docPath+"/edit", url.Values{"_csrf": {csrf}, "content": {"<h1>Dear Acme</h1><p onclick=x>Hello</p>"}})
	if resp.StatusCode != 303 {
		t.Fatalf("document edit = %d", resp.StatusCode)
	}
	_, page = b.get(t, docPath)
	if !strings.Contains(page, "<h1>Dear Acme</h1><p>Hello</p>") {
		t.Errorf("edited document not shown sanitised:\n%s", page)
	}
}

func TestDashboardPostsNeedTheCSRFToken(t *testing.T) {
	ts := newAuthTestServer(t)
	b, u, jobs := dashUser(t, ts, "alice", "Go engineer")
	id := strconv.FormatInt(jobs[0].ID, 10)
	for path, form := range map[string]url.Values{
		"/jobs/" + id + "/status": {"status": {"applied"}},
		"/jobs/" + id + "/notes":  {"notes": {"x"}},
		"/jobs/" + id + "/delete": {"confirm": {"yes"}},
		"/jobs/bulk-status":       {"id": {id}, "status": {"applied"}},
		"/jobs":                   {"title": {"t"}, "company": {"c"}, "description": {"d"}},
		"/jobs/capture":           {"url": {"https://x.test/1"}, "html": {smallJobPage("X")}},
	} {
		if resp, _ := b.post(t, path, form); resp.StatusCode != 403 {
			t.Errorf("POST %s without CSRF = %d", path, resp.StatusCode)
		}
		form.Set("_csrf", "forged")
		if resp, _ := b.post(t, path, form); resp.StatusCode != 403 {
			t.Errorf("POST %s with a wrong CSRF token = %d", path, resp.StatusCode)
		}
	}
	if resp, _ := b.htmx(t, "/jobs/"+id+"/status", "", url.Values{"status": {"applied"}}); resp.StatusCode != 403 {
		t.Errorf("htmx status without the header = %d", resp.StatusCode)
	}
	j, err := ts.Store.Job(context.Background(), u.ID, jobs[0].ID)
	if err != nil || j.Status != models.JobStatusInterested || j.Notes != nil {
		t.Errorf("job changed without a CSRF token: %+v %v", j, err)
	}
	if n, _ := ts.Store.CountJobsByStatus(context.Background(), u.ID); n[models.JobStatusInterested] != 1 {
		t.Errorf("jobs added without a CSRF token: %v", n)
	}
}

func TestDashboardStatusNotesAndBulk(t *testing.T) {
	ts := newAuthTestServer(t)
	b, u, jobs := dashUser(t, ts, "alice", "One", "Two", "Three")
	ctx := context.Background()
	id := strconv.FormatInt(jobs[0].ID, 10)
	_, page := b.get(t, "/jobs/"+id)
	csrf := csrfFrom(t, page)

	// htmx status change returns the status card; a form is redirected.
	resp, frag := b.htmx(t, "/jobs/"+id+"/status", csrf, url.Values{"status": {"applied"}})
	if resp.StatusCode != 200 || !strings.Contains(frag, `id="status-card"`) || !strings.Contains(frag, "Status changed to Applied.") || strings.Contains(frag, "<html") {
		t.Errorf("htmx status = %d %s", resp.StatusCode, frag)
	}
	resp, _ = b.post(t, "/jobs/"+id+"/status", url.Values{"_csrf": {csrf}, "status": {"interviewing"}, "next": {"/jobs/board"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/jobs/board?done=moved" {
		t.Errorf("form status = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = b.post(t, "/jobs/"+id+"/status", url.Values{"_csrf": {csrf}, "status": {"interested"}, "next": {"//evil.test/x"}})
	if resp.Header.Get("Location") != "/jobs/"+id+"?done=moved" {
		t.Errorf("next to another site was followed: %s", resp.Header.Get("Location"))
	}
	if resp, _ := b.post(t, "/jobs/"+id+"/status", url.Values{"_csrf": {csrf}, "status": {"hired"}}); resp.StatusCode != 400 {
		t.Errorf("unknown status = %d", resp.StatusCode)
	}

	// Notes: htmx gets "Saved"; too long is refused and nothing saved.
	resp, frag = b.htmx(t, "/jobs/"+id+"/notes", csrf, url.Values{"notes": {"Call Ana on Monday"}})
	if resp.StatusCode != 200 || !strings.Contains(frag, "Saved") {
		t.Errorf("htmx notes = %d %s", resp.StatusCode, frag)
	}
	resp, frag = b.htmx(t, "/jobs/"+id+"/notes", csrf, url.Values{"notes": {strings.Repeat("x", models.MaxNotesBytes+1)}})
	if resp.StatusCode != 400 || !strings.Contains(frag, "Not saved") {
		t.Errorf("htmx notes too long = %d %s", resp.StatusCode, frag)
	}
	j, _ := ts.Store.Job(ctx, u.ID, jobs[0].ID)
	if j.Notes == nil || *j.Notes != "Call Ana on Monday" || j.Status != models.JobStatusInterested {
		t.Errorf("job after status and notes: %+v", j)
	}
	resp, _ = b.post(t, "/jobs/"+id+"/notes", url.Values{"_csrf": {csrf}, "notes": {"plain form"}})
	if resp.StatusCode != 303 {
		t.Errorf("form notes = %d", resp.StatusCode)
	}

	// Bulk: two of three move; none selected or a bad status is 400.
	ids := url.Values{"_csrf": {csrf}, "status": {"rejected"}, "next": {"/jobs?status=rejected"},
		"id": {strconv.FormatInt(jobs[1].ID, 10), strconv.FormatInt(jobs[2].ID, 10)}}
	resp, _ = b.post(t, "/jobs/bulk-status", ids)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/jobs?status=rejected&done=moved" {
		t.Errorf("bulk = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	counts, _ := ts.Store.CountJobsByStatus(ctx, u.ID)
	if counts[models.JobStatusRejected] != 2 || counts[models.JobStatusInterested] != 1 {
		t.Errorf("after bulk: %v", counts)
	}
	_, page = b.get(t, "/jobs?status=rejected&done=moved")
	if !strings.Contains(page, "Status changed.") || !strings.Contains(page, "2 jobs found") {
		t.Errorf("table after bulk lacks the notice or the jobs")
	}
	if resp, _ := b.post(t, "/jobs/bulk-status", url.Values{"_csrf": {csrf}, "status": {"applied"}}); resp.StatusCode != 400 {
		t.Errorf("bulk without jobs = %d", resp.StatusCode)
	}
	if resp, _ := b.post(t, "/jobs/bulk-status", url.Values{"_csrf": {csrf}, "status": {"nope"}, "id": {id}}); resp.StatusCode != 400 {
		t.Errorf("bulk with a bad status = %d", resp.StatusCode)
	}
	// The board shows every job in its column with the counts.
	_, page = b.get(t, "/jobs/board")
	if !strings.Contains(page, `<span>Rejected</span> <span class="column-count">2</span>`) {
		t.Errorf("board counts wrong")
	}
}

func TestDashboardDeleteAsksFirst(t *testing.T) {
	ts := newAuthTestServer(t)
	b, _, jobs := dashUser(t, ts, "alice", "Go engineer")
	id := strconv.FormatInt(jobs[0].ID, 10)
	_, page := b.get(t, "/jobs/"+id)
	csrf := csrfFrom(t, page)
	resp, page := b.post(t, "/jobs/"+id+"/delete", url.Values{"_csrf": {csrf}})
	if resp.StatusCode != 200 || !strings.Contains(page, "Delete the job “Go engineer” at Acme?") || !strings.Contains(page, `name="confirm" value="yes"`) {
		t.Fatalf("delete without confirmation = %d\n%s", resp.StatusCode, page)
	}
	if resp, _ := b.get(t, "/jobs/"+id); resp.StatusCode != 200 {
		t.Fatalf("job gone before confirmation: %d", resp.StatusCode)
	}
	resp, _ = b.post(t, "/jobs/"+id+"/delete", url.Values{"_csrf": {csrf}, "confirm": {"yes"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/jobs?done=deleted" {
		t.Fatalf("confirmed delete = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := b.get(t, "/jobs/"+id); resp.StatusCode != 404 {
		t.Errorf("deleted job = %d", resp.StatusCode)
	}
}

func TestDashboardShowsAHostileDescriptionInert(t *testing.T) {
	ts := newAuthTestServer(t)
	u, _ := ts.authUser(t, "alice")
	hostile := `<p>Real text</p><script>window.__pwned=1</script><img src="https://evil.test/x.png" onerror="window.__pwned=1">` +
		`<a href="javascript:window.__pwned=1">click</a><iframe src="https://evil.test/"></iframe><style>body{display:none}</style>` +
		`<p onmouseover="window.__pwned=1">more</p>`
	// Stored as it might be by an older version: straight into the details.
	src := "https://hostile.test/job/1"
	j, _, _, err := ts.Store.SaveJobWith(context.Background(), u.ID, &models.Job{Title: "Hostile", Description: "Real text", SourceURL: &src},
		"Evil Corp", models.SaveOptions{Details: &models.JobDetails{DescriptionHTML: hostile}})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(ts)
	b.signIn(t, "alice", "password-alice")
	resp, page := b.get(t, "/jobs/"+strconv.FormatInt(j.ID, 10))
	if resp.StatusCode != 200 || !strings.Contains(page, "<p>Real text</p>") {
		t.Fatalf("hostile job page = %d", resp.StatusCode)
	}
	for _, bad := range []string{"__pwned", "onerror", "javascript:", "<iframe", "<style", "evil.test", "onmouseover"} {
		if strings.Contains(page, bad) {
			t.Errorf("job page contains %q", bad)
		}
	}
}

var cssURLPattern = regexp.MustCompile(`href="(/static/app\.[0-9a-f]{12}\.css)"`)
var htmxURL = regexp.MustCompile(`src="(/static/vendor/htmx\.min\.[0-9a-f]{12}\.js)"`)

func TestStaticAssetsAreHashedAndImmutable(t *testing.T) {
	ts := newAuthTestServer(t)
	b := newBrowser(ts)
	_, page := b.get(t, "/login")
	for _, re := range []*regexp.Regexp{cssURLPattern, htmxURL} {
		m := re.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("login page lacks %s", re)
		}
		resp, body := b.get(t, m[1])
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || len(body) < 1000 {
			t.Errorf("GET %s = %d %q", m[1], resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") && !strings.HasPrefix(ct, "text/javascript") {
			t.Errorf("GET %s Content-Type %q", m[1], ct)
		}
	}
	for _, bad := range []string{"/static/app.000000000000.css", "/static/app.css", "/static/../auth.go", "/static/vendor/htmx.min.js"} {
		if resp, _ := b.get(t, bad); resp.StatusCode != 404 {
			t.Errorf("GET %s = %d, want 404", bad, resp.StatusCode)
		}
	}
	if !strings.Contains(page, `<meta name="htmx-config" content='{"includeIndicatorStyles":false`) {
		t.Errorf("layout does not stop htmx from injecting its style")
	}
}

func TestDashboardWithoutSessionGoesToSignIn(t *testing.T) {
	ts := newAuthTestServer(t)
	b := newBrowser(ts)
	for _, path := range []string{"/jobs", "/jobs/board", "/jobs/1", "/stats", "/documents/1"} {
		resp, _ := b.get(t, path)
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/login" {
			t.Errorf("GET %s signed out = %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}
