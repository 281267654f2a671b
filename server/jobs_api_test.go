package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
)

// seedJobs captures n small pages for token, returning their jobs.
func seedJobs(t *testing.T, ts *testServer, token string, titles ...string) []JobView {
	t.Helper()
	var out []JobView
	for i, title := range titles {
		code, res, body := ts.capture(t, token, map[string]any{"url": fmt.Sprintf("https://acme.test/jobs/%d-%s", i, strings.ReplaceAll(title, " ", "-")), "html": smallJobPage(title)})
		if code != 201 {
			t.Fatalf("capture %q = %d %s", title, code, truncate(body))
		}
		out = append(out, res.Job)
	}
	return out
}

func TestListJobsFiltersSortsAndPages(t *testing.T) {
	ts := newAuthTestServer(t)
	_, tok := ts.authUser(t, "lister")
	_, otherTok := ts.authUser(t, "someone")
	jobs := seedJobs(t, ts, tok.Token, "Alpha Engineer", "Beta Designer", "Gamma Engineer")
	seedJobs(t, ts, otherTok.Token, "Other Engineer")
	if code := ts.status(t, "PATCH", fmt.Sprintf("/api/jobs/%d", jobs[1].ID), tok.Token, map[string]any{"status": "applied"}); code != 200 {
		t.Fatalf("patch = %d", code)
	}
	tests := []struct {
		name   string
		query  string
		titles []string
		total  int64
	}{
		{"everything, newest first", "", []string{"Gamma Engineer", "Beta Designer", "Alpha Engineer"}, 3},
		{"status by name", "?status=applied", []string{"Beta Designer"}, 1},
		{"status by number, repeated", "?status=0&status=1&sort=title", []string{"Alpha Engineer", "Beta Designer", "Gamma Engineer"}, 3},
		{"text search", "?q=engineer&sort=title", []string{"Alpha Engineer", "Gamma Engineer"}, 2},
		{"company", "?company=acme&sort=-title", []string{"Gamma Engineer", "Beta Designer", "Alpha Engineer"}, 3},
		{"job type", "?job_type=part_time", nil, 0},
		{"page", "?sort=title&limit=1&offset=1", []string{"Beta Designer"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.doJSON(t, "GET", "/api/jobs"+tt.query, tok.Token, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			l := decodeAs[JobList](t, body)
			var titles []string
			for _, j := range l.Jobs {
				titles = append(titles, j.Title)
			}
			if !slices.Equal(titles, tt.titles) || l.Total != tt.total {
				t.Errorf("titles %v total %d, want %v %d", titles, l.Total, tt.titles, tt.total)
			}
		})
	}
	for _, bad := range []string{"?status=hired", "?sort=salary", "?limit=101", "?limit=x", "?min_score=101", "?offset=-1"} {
		if code := ts.status(t, "GET", "/api/jobs"+bad, tok.Token, nil); code != 400 {
			t.Errorf("GET /api/jobs%s = %d, want 400", bad, code)
		}
	}
}

func TestPatchJobChangesOnlyTheNamedFields(t *testing.T) {
	ts := newAuthTestServer(t)
	_, tok := ts.authUser(t, "patcher")
	j := seedJobs(t, ts, tok.Token, "Patch Me")[0]
	path := fmt.Sprintf("/api/jobs/%d", j.ID)
	resp, body := ts.doJSON(t, "PATCH", path, tok.Token, map[string]any{
		"status": "interviewing", "notes": "call on Monday", "title": "Patched", "location": "Remote",
		"job_type": "contract", "application_url": "https://acme.test/apply", "required_skills": []string{"Go", "SQL"}})
	if resp.StatusCode != 200 {
		t.Fatalf("patch = %d %s", resp.StatusCode, body)
	}
	got := decodeAs[JobView](t, body)
	if got.Status != models.JobStatusInterviewing || *got.Notes != "call on Monday" || got.Title != "Patched" ||
		*got.Location != "Remote" || got.JobType != models.JobTypeContract || *got.ApplicationURL != "https://acme.test/apply" ||
		!slices.Equal(got.RequiredSkills, []string{"Go", "SQL"}) || got.Description != j.Description || got.Site != j.Site {
		t.Errorf("patched job = %+v", got)
	}
	resp, body = ts.doJSON(t, "PATCH", path, tok.Token, `{"notes": null}`)
	if resp.StatusCode != 200 || decodeAs[JobView](t, body).Notes != nil {
		t.Errorf("null notes = %d %s, want cleared", resp.StatusCode, body)
	}
	for name, bad := range map[string]string{
		"unknown field":  `{"company": "X"}`,
		"unknown status": `{"status": "hired"}`,
		"blank title":    `{"title": " "}`,
		"bad url":        `{"application_url": "javascript:x"}`,
		"not an object":  `[1]`,
	} {
		if code := ts.status(t, "PATCH", path, tok.Token, bad); code != 400 {
			t.Errorf("%s: %d, want 400", name, code)
		}
	}
	if code := ts.status(t, "GET", "/api/jobs/abc", tok.Token, nil); code != 404 {
		t.Errorf("GET /api/jobs/abc = %d, want 404", code)
	}
	if code := ts.status(t, "DELETE", path, tok.Token, nil); code != 204 {
		t.Errorf("delete = %d", code)
	}
	if code := ts.status(t, "GET", path, tok.Token, nil); code != 404 {
		t.Errorf("deleted job = %d, want 404", code)
	}
}

func TestJobStatsCountsStatusesAndWeeks(t *testing.T) {
	ts := newAuthTestServer(t)
	_, tok := ts.authUser(t, "stats")
	jobs := seedJobs(t, ts, tok.Token, "One", "Two", "Three")
	ts.status(t, "PATCH", fmt.Sprintf("/api/jobs/%d", jobs[0].ID), tok.Token, map[string]any{"status": "rejected"})
	resp, body := ts.doJSON(t, "GET", "/api/jobs/stats?weeks=4", tok.Token, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	st := decodeAs[JobStats](t, body)
	if st.Total != 3 || st.ByStatus["interested"] != 2 || st.ByStatus["rejected"] != 1 || len(st.ByStatus) != len(models.AllJobStatuses()) {
		t.Errorf("stats = %+v", st)
	}
	if len(st.CapturesPerWeek) != 4 || st.CapturesPerWeek[3].Count != 3 || st.CapturesPerWeek[0].Count != 0 {
		t.Errorf("per week = %+v, want 4 weeks ending with 3", st.CapturesPerWeek)
	}
	if code := ts.status(t, "GET", "/api/jobs/stats?weeks=0", tok.Token, nil); code != 400 {
		t.Errorf("weeks=0: %d, want 400", code)
	}
}

// comparable strips what an export-delete-import cycle may change: ids.
func comparableJobs(l []JobView) []JobView {
	out := make([]JobView, len(l))
	for i, j := range l {
		j.ID, j.Company.ID = 0, 0
		out[i] = j
	}
	return out
}

func TestExportDeleteImportGivesTheSameJobsBack(t *testing.T) {
	for _, format := range []string{"json", "csv"} {
		t.Run(format, func(t *testing.T) {
			ts := newAuthTestServer(t)
			_, tok := ts.authUser(t, "exporter")
			cases, pages := corpus(t)
			for _, cc := range cases[:4] {
				if code, _, b := ts.capture(t, tok.Token, map[string]any{"url": cc.URL, "html": pages[cc.File], "notes": "a, \"quoted\"\nnote"}); code != 201 {
					t.Fatalf("capture: %d %s", code, truncate(b))
				}
			}
			ts.status(t, "POST", "/api/jobs", tok.Token, map[string]any{"title": "By hand", "company": "Hand Co", "description": "typed", "sourceUrl": "https://hand.test/1"})
			before := listAll(t, ts, tok.Token)
			resp, export := ts.doJSON(t, "GET", "/api/jobs/export?format="+format, tok.Token, nil)
			if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("export = %d %s", resp.StatusCode, truncate(export))
			}
			for _, j := range before {
				if code := ts.status(t, "DELETE", fmt.Sprintf("/api/jobs/%d", j.ID), tok.Token, nil); code != 204 {
					t.Fatalf("delete = %d", code)
				}
			}
			req := httptest.NewRequest("POST", "/api/jobs/import", strings.NewReader(string(export)))
			req.Header.Set("Authorization", "Bearer "+tok.Token)
			resp, body := ts.do(t, req)
			if resp.StatusCode != 200 {
				t.Fatalf("import = %d %s", resp.StatusCode, truncate(body))
			}
			if r := decodeAs[ImportResult](t, body); r.Created != len(before) || r.Existing != 0 {
				t.Errorf("import result %+v, want %d created", r, len(before))
			}
			after := listAll(t, ts, tok.Token)
			b, a := comparableJobs(before), comparableJobs(after)
			if len(a) != len(b) {
				t.Fatalf("%d jobs after import, want %d", len(a), len(b))
			}
			for i := range b {
				if fmt.Sprintf("%+v", derefView(a[i])) != fmt.Sprintf("%+v", derefView(b[i])) {
					t.Errorf("job %d differs:\n got %+v\nwant %+v", i, derefView(a[i]), derefView(b[i]))
				}
			}
			// Importing again changes nothing for jobs with a source URL.
			resp, body = ts.do(t, func() *http.Request {
				r := httptest.NewRequest("POST", "/api/jobs/import", strings.NewReader(string(export)))
				r.Header.Set("Authorization", "Bearer "+tok.Token)
				return r
			}())
			if r := decodeAs[ImportResult](t, body); resp.StatusCode != 200 || r.Existing != len(before) {
				t.Errorf("second import = %d %+v", resp.StatusCode, r)
			}
		})
	}
}

// derefView turns a job's pointers into values for comparison.
func derefView(j JobView) string {
	p := func(s *string) string {
		if s == nil {
			return "<nil>"
		}
		return *s
	}
	details, _ := json.Marshal(j.JobDetails)
	score := "<nil>"
	if j.MatchScore != nil {
		score = fmt.Sprint(*j.MatchScore)
	}
	return fmt.Sprintf("%s|%s|%s|%s|%s|%q|%v|%s|%s|%s|%s|%s|%s|%s", j.Title, j.Company.Name, p(j.Location), j.JobType, j.Status,
		j.Description, j.RequiredSkills, p(j.SourceURL), p(j.ApplicationURL), score, p(j.Notes),
		j.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000"), j.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000"), details)
}

func listAll(t *testing.T, ts *testServer, token string) []JobView {
	t.Helper()
	resp, body := ts.doJSON(t, "GET", "/api/jobs?sort=created_at&limit=100", token, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("list = %d %s", resp.StatusCode, body)
	}
	return decodeAs[JobList](t, body).Jobs
}

func TestImportRefusesAnInvalidJobAndStoresNothing(t *testing.T) {
	ts := newAuthTestServer(t)
	_, tok := ts.authUser(t, "importer")
	resp, body := ts.doJSON(t, "POST", "/api/jobs/import", tok.Token, map[string]any{"jobs": []any{
		map[string]any{"title": "Fine", "company": "C"},
		map[string]any{"title": "", "company": "C"},
	}})
	if resp.StatusCode != 400 || apiErrorOf(t, body).Fields["jobs[1].title"] == "" {
		t.Errorf("import = %d %s, want 400 naming jobs[1].title", resp.StatusCode, body)
	}
	if n := countJobs(t, ts); n != 0 {
		t.Errorf("%d jobs stored", n)
	}
	req := httptest.NewRequest("POST", "/api/jobs/import", strings.NewReader("title,company,status\nA,C,applied\nB,D,\n"))
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	req.Header.Set("Content-Type", "text/csv")
	resp, body = ts.do(t, req)
	if resp.StatusCode != 200 || decodeAs[ImportResult](t, body).Created != 2 {
		t.Errorf("CSV import = %d %s", resp.StatusCode, body)
	}
}

func TestLegacyCreateJobAsThePublishedExtension(t *testing.T) {
	ts := newAuthTestServer(t)
	_, tok := ts.authUser(t, "legacy")
	job := map[string]any{"title": "Backend Dev", "company": "Old Co", "location": "Paris", "description": "Write Go.",
		"jobType": "part_time", "applicationUrl": "https://old.test/apply", "sourceUrl": "https://old.test/jobs/1?utm_source=li", "notes": "n"}
	resp, body := ts.doJSON(t, "POST", "/api/jobs", tok.Token, job)
	if resp.StatusCode != 201 {
		t.Fatalf("create = %d %s", resp.StatusCode, body)
	}
	created := decodeAs[legacyCreated](t, body)
	if created.Message == "" || created.JobID == 0 || created.Job.ID != created.JobID || created.Job.JobType != models.JobTypePartTime ||
		*created.Job.SourceURL != "https://old.test/jobs/1" {
		t.Errorf("created = %s", body)
	}
	resp, body = ts.doJSON(t, "POST", "/api/jobs", tok.Token, job)
	if c := decodeAs[legacyConflict](t, body); resp.StatusCode != 409 || c.JobID != created.JobID || c.Error == "" {
		t.Errorf("again = %d %s, want 409 with jobId %d", resp.StatusCode, body, created.JobID)
	}
	job["sourceUrl"], job["jobType"] = "https://old.test/jobs/2", "seasonal"
	resp, body = ts.doJSON(t, "POST", "/api/jobs", tok.Token, job)
	if resp.StatusCode != 201 || decodeAs[legacyCreated](t, body).Job.JobType != models.JobTypeOther {
		t.Errorf("unknown jobType = %d %s, want 201 other", resp.StatusCode, body)
	}
	for _, field := range []string{"title", "company", "description", "sourceUrl"} {
		bad := map[string]any{"title": "T", "company": "C", "description": "D", "sourceUrl": "https://old.test/x"}
		delete(bad, field)
		resp, body := ts.doJSON(t, "POST", "/api/jobs", tok.Token, bad)
		if resp.StatusCode != 400 || apiErrorOf(t, body).Fields[field] == "" {
			t.Errorf("without %s: %d %s, want 400 naming it", field, resp.StatusCode, body)
		}
	}
}

func TestCORSAllowsOnlyExtensionOriginsWithoutCredentials(t *testing.T) {
	const chrome = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
	const firefox = "moz-extension://0b9a3f43-1c4e-4d7a-9f0e-123456789abc"
	tests := []struct {
		name, origin, path string
		ids                []string
		allowed            bool
	}{
		{"chrome extension", chrome, "/api/jobs", nil, true},
		{"firefox extension", firefox, "/api/auth/login", nil, true},
		{"listed extension", chrome, "/api/jobs", []string{"abcdefghijklmnopabcdefghijklmnop"}, true},
		{"unlisted extension", firefox, "/api/jobs", []string{"abcdefghijklmnopabcdefghijklmnop"}, false},
		{"web page", "https://evil.example", "/api/jobs", nil, false},
		{"null origin", "null", "/api/jobs", nil, false},
		{"dashboard route", chrome, "/login", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, func(c *config.Config) { c.ExtensionIDs = tt.ids })
			req := httptest.NewRequest("OPTIONS", tt.path, nil)
			req.Header.Set("Origin", tt.origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			resp, _ := ts.do(t, req)
			got := resp.Header.Get("Access-Control-Allow-Origin")
			if tt.allowed && (got != tt.origin || resp.StatusCode != 204 || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization")) {
				t.Errorf("preflight = %d, allow-origin %q, headers %q", resp.StatusCode, got, resp.Header.Get("Access-Control-Allow-Headers"))
			}
			if !tt.allowed && got != "" {
				t.Errorf("allow-origin %q for a refused origin", got)
			}
			if c := resp.Header.Get("Access-Control-Allow-Credentials"); c != "" {
				t.Errorf("Allow-Credentials %q", c)
			}
			// The actual request: headers on the error answer too (401 without a token).
			req = httptest.NewRequest("GET", tt.path, nil)
			req.Header.Set("Origin", tt.origin)
			resp, _ = ts.do(t, req)
			if got := resp.Header.Get("Access-Control-Allow-Origin"); (got == tt.origin) != tt.allowed {
				t.Errorf("GET allow-origin = %q, allowed %t", got, tt.allowed)
			}
		})
	}
}

func TestCookieNeverAuthorisesAnAPICall(t *testing.T) {
	ts := newAuthTestServer(t)
	ts.authRegister(t, "cookie", "password-cookie")
	b := newBrowser(ts)
	b.signIn(t, "cookie", "password-cookie")
	resp, _ := b.send(t, httptest.NewRequest("GET", "/api/jobs", nil))
	if resp.StatusCode != 401 {
		t.Errorf("GET /api/jobs with only the dashboard cookie = %d, want 401", resp.StatusCode)
	}
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	ts := newTestServer(t)
	resp, body := ts.doJSON(t, "GET", "/api/openapi.json", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("openapi.json = %d", resp.StatusCode)
	}
	doc := decodeAs[struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}](t, body)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	for _, route := range apiRoutes(ts) {
		method, path, _ := strings.Cut(route, " ")
		oaPath := pathParam.ReplaceAllString(strings.NewReplacer(":id", "{id}").Replace(path), "{$1}")
		if _, ok := doc.Paths[oaPath][strings.ToLower(method)]; !ok {
			t.Errorf("%s %s is not in /api/openapi.json (add it to apiOps in openapi.go)", method, oaPath)
		}
	}
	// Every operation's schema references resolve.
	schemas := apiSchemas()
	var check func(v any)
	check = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				if _, ok := schemas[strings.TrimPrefix(r, "#/components/schemas/")]; !ok {
					t.Errorf("dangling $ref %s", r)
				}
			}
			for _, e := range x {
				check(e)
			}
		case []any:
			for _, e := range x {
				check(e)
			}
		}
	}
	check(buildOpenAPI())
}

func TestProfileAPIValidatesDates(t *testing.T) {
	ts := newAuthTestServer(t)
	_, tok := ts.authUser(t, "profiled")
	resp, body := ts.doJSON(t, "PUT", "/api/profile", tok.Token, map[string]any{"first_name": "Ada", "skills": []string{"Go", "SQL"}})
	if resp.StatusCode != 200 {
		t.Fatalf("put profile = %d %s", resp.StatusCode, body)
	}
	p := decodeAs[models.Profile](t, body)
	if p.FirstName != "Ada" || !slices.Equal([]string(p.Skills), []string{"Go", "SQL"}) {
		t.Errorf("profile = %+v", p)
	}
	if code := ts.status(t, "PUT", "/api/profile", tok.Token, map[string]any{"nickname": "x"}); code != 400 {
		t.Errorf("unknown profile field = %d, want 400", code)
	}
	tests := []struct {
		name, path string
		body       map[string]any
		want       int
		field      string
	}{
		{"experience", "/api/profile/experiences", map[string]any{"company": "A", "title": "B", "start_date": "2020-01-01", "end_date": "2021-06"}, 201, ""},
		{"experience ending before it starts", "/api/profile/experiences", map[string]any{"company": "A", "title": "B", "start_date": "2020-01-01", "end_date": "2019-12-31"}, 400, "end_date"},
		{"experience without a start", "/api/profile/experiences", map[string]any{"company": "A", "title": "B"}, 400, "start_date"},
		{"experience with a bad date", "/api/profile/experiences", map[string]any{"company": "A", "title": "B", "start_date": "yesterday"}, 400, "start_date"},
		{"education ending before it starts", "/api/profile/education", map[string]any{"institution": "U", "degree": "D", "start_date": "2020-09", "end_date": "2019-06"}, 400, "end_date"},
		{"certification expiring before issue", "/api/profile/certifications", map[string]any{"name": "N", "issuing_org": "O", "issue_date": "2022-01-01", "expiry_date": "2021-01-01"}, 400, "expiry_date"},
		{"certification", "/api/profile/certifications", map[string]any{"name": "N", "issuing_org": "O", "issue_date": "2022-01-01"}, 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.doJSON(t, "POST", tt.path, tok.Token, tt.body)
			if resp.StatusCode != tt.want {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, tt.want)
			}
			if tt.field != "" && apiErrorOf(t, body).Fields[tt.field] == "" {
				t.Errorf("fields of %s do not name %s", body, tt.field)
			}
		})
	}
	resp, body = ts.doJSON(t, "GET", "/api/profile", tok.Token, nil)
	p = decodeAs[models.Profile](t, body)
	if resp.StatusCode != 200 || len(p.WorkExperiences) != 1 || len(p.Certifications) != 1 || p.Education == nil {
		t.Errorf("full profile = %d %s", resp.StatusCode, body)
	}
}
