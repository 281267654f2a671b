package server

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vega-ai/vega/models"
)

// smallJobPage returns a minimal job page (schema.org JSON-LD) for title.
func smallJobPage(title string) string {
	return `<html><head><title>` + title + ` at Acme</title><script type="application/ld+json">{"@context":"https://schema.org","@type":"JobPosting","title":"` + title + `","description":"<p>Acme is hiring to build and run the services behind our product. You will design APIs, write Go and SQL, and work with PostgreSQL, Redis and Kubernetes every day.</p><p>You have shipped production services, care about tests and observability, and like working with a small team.</p>","hiringOrganization":{"@type":"Organization","name":"Acme"},"employmentType":"FULL_TIME","jobLocation":{"@type":"Place","address":{"@type":"PostalAddress","addressLocality":"Berlin","addressCountry":"DE"}},"datePosted":"2025-01-01"}</script></head><body><h1>` + title + `</h1></body></html>`
}

// fixtures are objects owned by one user, created for one route's call.
type fixtures struct {
	user     userView
	password string
	job      int64
	jobURL   string
	exp      int64
	edu      int64
	cert     int64
	session  int64
	identity int64
	doc      int64 // a cover letter for job (analysisFixtures, analysis_routes_test.go)
}

// newFixtures creates a job (with details), a work experience, an education
// entry and a certification for u, through the store.
func newFixtures(t *testing.T, ts *testServer, u userView, password string) fixtures {
	t.Helper()
	ctx := context.Background()
	f := fixtures{user: u, password: password}
	f.jobURL = fmt.Sprintf("https://acme.test/jobs/%d", time.Now().UnixNano())
	j, _, _, err := ts.Store.SaveJobWith(ctx, u.ID, &models.Job{Title: "Fixture", Description: "d", SourceURL: &f.jobURL}, "Acme",
		models.SaveOptions{Details: &models.JobDetails{Site: "generic"}})
	if err != nil {
		t.Fatal(err)
	}
	f.job = j.ID
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	w := &models.WorkExperience{Company: "Acme", Title: "Engineer", StartDate: start}
	e := &models.Education{Institution: "Uni", Degree: "BSc", StartDate: start}
	c := &models.Certification{Name: "Cert", IssuingOrg: "Org", IssueDate: start}
	if err := ts.Store.CreateWorkExperience(ctx, u.ID, w); err != nil {
		t.Fatal(err)
	}
	if err := ts.Store.CreateEducation(ctx, u.ID, e); err != nil {
		t.Fatal(err)
	}
	if err := ts.Store.CreateCertification(ctx, u.ID, c); err != nil {
		t.Fatal(err)
	}
	f.exp, f.edu, f.cert = w.ID, e.ID, c.ID
	if err := analysisFixtures(ctx, ts, u.ID, &f); err != nil {
		t.Fatal(err)
	}
	sessions, err := ts.Store.Sessions(ctx, u.ID)
	if err != nil || len(sessions) == 0 {
		t.Fatalf("sessions of %s: %v %v", u.Username, sessions, err)
	}
	f.session = sessions[0].ID
	id := &models.Identity{Provider: "github", Subject: fmt.Sprint(time.Now().UnixNano()), Login: u.Username}
	if err := ts.Store.LinkIdentity(ctx, u.ID, id); err != nil {
		t.Fatal(err)
	}
	f.identity = id.ID
	return f
}

// apiCall says how the owner calls one /api route.
type apiCall struct {
	path  func(f fixtures) string // the concrete path, path parameters filled
	body  func(f fixtures) any    // the JSON body, or nil
	want  int                     // the owner's status
	owned bool                    // names one of the owner's objects: another user gets 404
	fresh bool                    // ends the owner's session or account: the owner is made for this call
}

func fixed(p string) func(fixtures) string { return func(fixtures) string { return p } }

func withID(p string, id func(f fixtures) int64) func(fixtures) string {
	return func(f fixtures) string { return strings.Replace(p, ":id", fmt.Sprint(id(f)), 1) }
}

func bodyOf(v any) func(fixtures) any { return func(fixtures) any { return v } }

// publicAPIRoutes need no token; they are not in the matrix.
var publicAPIRoutes = map[string]bool{
	"POST /api/auth/register": true, "POST /api/auth/login": true, "POST /api/auth/refresh": true,
	"POST /api/auth/logout": true, "POST /api/auth/exchange": true, "GET /api/auth/providers": true,
	"GET /api/openapi.json": true,
}

// apiMatrix lists how the owner calls every authenticated /api route. A
// route the router has and this table lacks fails the test.
var apiMatrix = map[string]apiCall{
	"POST /api/jobs/capture": {path: fixed("/api/jobs/capture"), want: 201, body: func(fixtures) any {
		return map[string]any{"url": fmt.Sprintf("https://acme.test/p/%d", time.Now().UnixNano()), "html": smallJobPage("Go Engineer")}
	}},
	"GET /api/jobs/lookup": {path: func(f fixtures) string { return "/api/jobs/lookup?url=" + f.jobURL }, want: 200},
	"GET /api/jobs":        {path: fixed("/api/jobs?status=interested&sort=-created_at"), want: 200},
	"POST /api/jobs": {path: fixed("/api/jobs"), want: 201, body: func(fixtures) any {
		return map[string]any{"title": "T", "company": "C", "description": "D", "sourceUrl": fmt.Sprintf("https://acme.test/l/%d", time.Now().UnixNano())}
	}},
	"GET /api/jobs/stats":   {path: fixed("/api/jobs/stats"), want: 200},
	"GET /api/jobs/export":  {path: fixed("/api/jobs/export?format=csv"), want: 200},
	"POST /api/jobs/import": {path: fixed("/api/jobs/import"), want: 200, body: bodyOf(map[string]any{"jobs": []any{map[string]any{"title": "I", "company": "C", "description": "x"}}})},
	"GET /api/jobs/:id":     {path: withID("/api/jobs/:id", func(f fixtures) int64 { return f.job }), want: 200, owned: true},
	"PATCH /api/jobs/:id":   {path: withID("/api/jobs/:id", func(f fixtures) int64 { return f.job }), want: 200, owned: true, body: bodyOf(map[string]any{"status": "applied"})},
	"DELETE /api/jobs/:id":  {path: withID("/api/jobs/:id", func(f fixtures) int64 { return f.job }), want: 204, owned: true},

	"GET /api/profile": {path: fixed("/api/profile"), want: 200},
	"PUT /api/profile": {path: fixed("/api/profile"), want: 200, body: bodyOf(map[string]any{"first_name": "Ada"})},

	"GET /api/profile/experiences":        {path: fixed("/api/profile/experiences"), want: 200},
	"POST /api/profile/experiences":       {path: fixed("/api/profile/experiences"), want: 201, body: bodyOf(map[string]any{"company": "A", "title": "B", "start_date": "2021-02-01"})},
	"GET /api/profile/experiences/:id":    {path: withID("/api/profile/experiences/:id", func(f fixtures) int64 { return f.exp }), want: 200, owned: true},
	"PUT /api/profile/experiences/:id":    {path: withID("/api/profile/experiences/:id", func(f fixtures) int64 { return f.exp }), want: 200, owned: true, body: bodyOf(map[string]any{"company": "A", "title": "B", "start_date": "2021-02-01"})},
	"DELETE /api/profile/experiences/:id": {path: withID("/api/profile/experiences/:id", func(f fixtures) int64 { return f.exp }), want: 204, owned: true},

	"GET /api/profile/education":        {path: fixed("/api/profile/education"), want: 200},
	"POST /api/profile/education":       {path: fixed("/api/profile/education"), want: 201, body: bodyOf(map[string]any{"institution": "U", "degree": "D", "start_date": "2015-09"})},
	"GET /api/profile/education/:id":    {path: withID("/api/profile/education/:id", func(f fixtures) int64 { return f.edu }), want: 200, owned: true},
	"PUT /api/profile/education/:id":    {path: withID("/api/profile/education/:id", func(f fixtures) int64 { return f.edu }), want: 200, owned: true, body: bodyOf(map[string]any{"institution": "U", "degree": "D", "start_date": "2015-09"})},
	"DELETE /api/profile/education/:id": {path: withID("/api/profile/education/:id", func(f fixtures) int64 { return f.edu }), want: 204, owned: true},

	"GET /api/profile/certifications":        {path: fixed("/api/profile/certifications"), want: 200},
	"POST /api/profile/certifications":       {path: fixed("/api/profile/certifications"), want: 201, body: bodyOf(map[string]any{"name": "N", "issuing_org": "O", "issue_date": "2022-01-01"})},
	"GET /api/profile/certifications/:id":    {path: withID("/api/profile/certifications/:id", func(f fixtures) int64 { return f.cert }), want: 200, owned: true},
	"PUT /api/profile/certifications/:id":    {path: withID("/api/profile/certifications/:id", func(f fixtures) int64 { return f.cert }), want: 200, owned: true, body: bodyOf(map[string]any{"name": "N", "issuing_org": "O", "issue_date": "2022-01-01"})},
	"DELETE /api/profile/certifications/:id": {path: withID("/api/profile/certifications/:id", func(f fixtures) int64 { return f.cert }), want: 204, owned: true},

	"GET /api/me":    {path: fixed("/api/me"), want: 200},
	"DELETE /api/me": {path: fixed("/api/me"), want: 204, fresh: true, body: func(f fixtures) any { return map[string]any{"password": f.password} }},
	"POST /api/me/password": {path: fixed("/api/me/password"), want: 204, fresh: true, body: func(f fixtures) any {
		return map[string]any{"current_password": f.password, "new_password": f.password + "-new"}
	}},
	"GET /api/me/sessions":          {path: fixed("/api/me/sessions"), want: 200},
	"DELETE /api/me/sessions":       {path: fixed("/api/me/sessions"), want: 204, fresh: true},
	"DELETE /api/me/identities/:id": {path: withID("/api/me/identities/:id", func(f fixtures) int64 { return f.identity }), want: 204, owned: true},
	"DELETE /api/me/sessions/:id":   {path: withID("/api/me/sessions/:id", func(f fixtures) int64 { return f.session }), want: 204, owned: true, fresh: true},
}

// apiRoutes returns "METHOD /path" of every /api route of the router
// (middleware, HEAD and the catch-all left out), sorted.
func apiRoutes(ts *testServer) []string {
	seen := map[string]bool{}
	for _, r := range ts.App().GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/") || r.Path == "/api/*" || r.Method == http.MethodHead {
			continue
		}
		seen[r.Method+" "+r.Path] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestEveryAPIRouteChecksItsCaller calls every /api route of the router:
// without a token it is 401; with another user's token a route naming the
// owner's object is 404 (and the object survives: the owner's call after it
// succeeds); with the owner's token it succeeds.
func TestEveryAPIRouteChecksItsCaller(t *testing.T) {
	ts := newAuthTestServer(t)
	owner, ownerTok := ts.authUser(t, "owner")
	other, otherTok := ts.authUser(t, "intruder")
	_ = other
	routes := apiRoutes(ts)
	if len(routes) < 30 {
		t.Fatalf("only %d /api routes found: %v", len(routes), routes)
	}
	freshN := 0
	for _, route := range routes {
		t.Run(strings.ReplaceAll(route, "/", "_"), func(t *testing.T) {
			if publicAPIRoutes[route] {
				return
			}
			call, ok := apiMatrix[route]
			if !ok {
				t.Fatalf("route %s is not in apiMatrix: add how its owner calls it", route)
			}
			method := strings.SplitN(route, " ", 2)[0]
			u, tok, pw := owner, ownerTok, "password-owner"
			if call.fresh {
				freshN++
				name := fmt.Sprintf("fresh%d", freshN)
				u, tok = ts.authUser(t, name)
				pw = "password-" + name
			}
			f := newFixtures(t, ts, u, pw)
			path := call.path(f)
			var body any
			if call.body != nil {
				body = call.body(f)
			}

			if resp, b := ts.doJSON(t, method, path, "", body); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("no token: %d %s, want 401", resp.StatusCode, truncate(b))
			}
			if resp, b := ts.doJSON(t, method, path, "not-a-token", body); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("bad token: %d %s, want 401", resp.StatusCode, truncate(b))
			}
			if call.owned {
				if resp, b := ts.doJSON(t, method, path, otherTok.Token, body); resp.StatusCode != http.StatusNotFound {
					t.Errorf("another user's token: %d %s, want 404", resp.StatusCode, truncate(b))
				}
			}
			resp, b := ts.doJSON(t, method, path, tok.Token, body)
			if resp.StatusCode != call.want {
				t.Errorf("owner: %d %s, want %d", resp.StatusCode, truncate(b), call.want)
			}
		})
	}
	// Every entry of the table is a route of the router.
	have := map[string]bool{}
	for _, r := range routes {
		have[r] = true
	}
	for k := range apiMatrix {
		if !have[k] {
			t.Errorf("apiMatrix names %s, which the router does not have", k)
		}
	}
}
