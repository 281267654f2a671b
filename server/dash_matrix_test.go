package server

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// dashFixtures are the objects a dashboard route's call acts on.
type dashFixtures struct {
	fixtures
	victim int64 // a user an admin changes (POST /admin/users/:id/role)
}

// dashCall says how the owner calls one dashboard route.
type dashCall struct {
	path  func(f dashFixtures) string
	form  func(f dashFixtures) url.Values // POST form fields (the _csrf is added)
	file  *dashUpload                     // a multipart upload instead of form
	want  []int                           // the owner's acceptable statuses
	owned bool                            // names one of the owner's objects: another user gets 404
	fresh bool                            // ends the owner's session or account: the owner is made for this call
	admin bool                            // admins only: the owner is the admin, another user gets 403 or 404
}

// dashUpload is a file sent as multipart field "file".
type dashUpload struct {
	name    string
	content string
}

func dfixed(p string) func(dashFixtures) string { return func(dashFixtures) string { return p } }

func dwithID(p string, id func(f dashFixtures) int64) func(dashFixtures) string {
	return func(f dashFixtures) string { return strings.Replace(p, ":id", fmt.Sprint(id(f)), 1) }
}

func dform(kv ...string) func(dashFixtures) url.Values {
	return func(dashFixtures) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
}

var (
	dJob  = func(f dashFixtures) int64 { return f.job }
	dDoc  = func(f dashFixtures) int64 { return f.doc }
	dExp  = func(f dashFixtures) int64 { return f.exp }
	dEdu  = func(f dashFixtures) int64 { return f.edu }
	dCert = func(f dashFixtures) int64 { return f.cert }
	ok200 = []int{200}
	ok303 = []int{303}
)

// publicDashRoutes need no session: sign-in, registration, OAuth, static
// files and health checks. They are called anonymously and must not fail
// with a 5xx, but they are not in the matrix.
var publicDashRoutes = map[string]string{
	"GET /login": "/login", "POST /login": "/login", "GET /register": "/register", "POST /register": "/register",
	"GET /auth/:provider/start": "/auth/github/start", "GET /auth/:provider/callback": "/auth/github/callback",
	"POST /auth/:provider/link": "/auth/github/link",
	"GET /static/*":             "/static/nope.css", "GET /health": "/health", "GET /healthz": "/healthz",
}

// dashMatrix lists how the owner calls every dashboard route that needs a
// session. A route the router has and this table lacks fails the test.
var dashMatrix = map[string]dashCall{
	"GET /":                       {path: dfixed("/"), want: []int{200, 303}},
	"GET /jobs":                   {path: dfixed("/jobs?q=Fixture"), want: ok200},
	"GET /jobs/board":             {path: dfixed("/jobs/board"), want: ok200},
	"GET /jobs/new":               {path: dfixed("/jobs/new"), want: ok200},
	"GET /stats":                  {path: dfixed("/stats"), want: ok200},
	"GET /jobs/:id":               {path: dwithID("/jobs/:id", dJob), want: ok200, owned: true},
	"GET /jobs/:id/edit":          {path: dwithID("/jobs/:id/edit", dJob), want: ok200, owned: true},
	"GET /documents/:id":          {path: dwithID("/documents/:id", dDoc), want: ok200, owned: true},
	"GET /documents/:id/edit":     {path: dwithID("/documents/:id/edit", dDoc), want: ok200, owned: true},
	"GET /documents/:id/download": {path: dwithID("/documents/:id/download", dDoc), want: ok200, owned: true},
	"POST /documents/:id/edit":    {path: dwithID("/documents/:id/edit", dDoc), form: dform("content", "<p>Dear Acme</p>"), want: ok303, owned: true},
	"POST /documents/:id/delete":  {path: dwithID("/documents/:id/delete", dDoc), form: dform("confirm", "yes"), want: ok303, owned: true},
	"POST /jobs":                  {path: dfixed("/jobs"), form: dform("title", "T", "company", "C", "description", "D", "status", "interested", "job_type", "other"), want: ok303},
	"POST /jobs/capture": {path: dfixed("/jobs/capture"), form: func(dashFixtures) url.Values {
		return url.Values{"url": {fmt.Sprintf("https://acme.test/d/%d", time.Now().UnixNano())}, "html": {smallJobPage("Go Engineer")}}
	}, want: ok303},
	"POST /jobs/bulk-status":      {path: dfixed("/jobs/bulk-status"), form: func(f dashFixtures) url.Values { return url.Values{"id": {fmt.Sprint(f.job)}, "status": {"applied"}} }, want: []int{200, 303}},
	"POST /jobs/:id/status":       {path: dwithID("/jobs/:id/status", dJob), form: dform("status", "applied"), want: []int{200, 303}, owned: true},
	"POST /jobs/:id/notes":        {path: dwithID("/jobs/:id/notes", dJob), form: dform("notes", "mine"), want: []int{200, 303}, owned: true},
	"POST /jobs/:id/edit":         {path: dwithID("/jobs/:id/edit", dJob), form: dform("title", "Renamed", "company", "Acme", "description", "d", "status", "applied", "job_type", "other"), want: ok303, owned: true},
	"POST /jobs/:id/delete":       {path: dwithID("/jobs/:id/delete", dJob), form: dform("confirm", "yes"), want: ok303, owned: true},
	"POST /jobs/:id/analyze":      {path: dwithID("/jobs/:id/analyze", dJob), want: []int{200, 303}, owned: true},
	"POST /jobs/:id/cover-letter": {path: dwithID("/jobs/:id/cover-letter", dJob), want: ok303, owned: true},
	"POST /jobs/:id/cv":           {path: dwithID("/jobs/:id/cv", dJob), want: ok303, owned: true},
	"POST /logout":                {path: dfixed("/logout"), want: ok303, fresh: true},
	"GET /profile":                {path: dfixed("/profile"), want: ok200},
	"POST /profile":               {path: dfixed("/profile"), form: dform("first_name", "Ada", "industry", ""), want: ok303},
	"GET /profile/import":         {path: dfixed("/profile/import"), want: ok200},
	"POST /profile/import":        {path: dfixed("/profile/import"), file: &dashUpload{"cv.txt", "Ada Lovelace\nSoftware Engineer\nada@example.test\n\nSkills: Go, SQL\n"}, want: ok200},
	"POST /profile/import/apply":  {path: dfixed("/profile/import/apply"), form: dform("keep.first_name", "on", "first_name", "Ada"), want: ok303},
	"GET /settings":               {path: dfixed("/settings"), want: ok200},
	"GET /settings/export":        {path: dfixed("/settings/export"), want: ok200},
	"POST /settings/import":       {path: dfixed("/settings/import"), file: &dashUpload{"jobs.json", `{"jobs":[{"title":"Imported","company":"C","description":"x"}]}`}, want: []int{200, 303}},
	"POST /settings/password": {path: dfixed("/settings/password"), form: func(f dashFixtures) url.Values {
		return url.Values{"current_password": {f.password}, "new_password": {f.password + "-2"}, "confirm_password": {f.password + "-2"}}
	}, want: []int{200, 303}, fresh: true},
	"POST /settings/sessions/revoke-all":   {path: dfixed("/settings/sessions/revoke-all"), want: ok303, fresh: true},
	"POST /settings/sessions/:id/revoke":   {path: dwithID("/settings/sessions/:id/revoke", func(f dashFixtures) int64 { return f.session }), want: ok303, owned: true, fresh: true},
	"POST /settings/identities/:id/unlink": {path: dwithID("/settings/identities/:id/unlink", func(f dashFixtures) int64 { return f.identity }), want: ok303, owned: true},
	"POST /settings/delete": {path: dfixed("/settings/delete"), form: func(f dashFixtures) url.Values {
		return url.Values{"password": {f.password}, "confirm": {f.user.Username}}
	}, want: ok303, fresh: true},
	"GET /admin":                              {path: dfixed("/admin"), want: ok200, admin: true},
	"POST /admin/users/:id/role":              {path: dwithID("/admin/users/:id/role", func(f dashFixtures) int64 { return f.victim }), form: dform("role", "user"), want: ok303, admin: true},
	"GET /profile/experiences/new":            {path: dfixed("/profile/experiences/new"), want: ok200},
	"POST /profile/experiences":               {path: dfixed("/profile/experiences"), form: dform("title", "Engineer", "company", "Acme", "start_date", "2021-02-01"), want: ok303},
	"GET /profile/experiences/:id/edit":       {path: dwithID("/profile/experiences/:id/edit", dExp), want: ok200, owned: true},
	"POST /profile/experiences/:id":           {path: dwithID("/profile/experiences/:id", dExp), form: dform("title", "Lead", "company", "Acme", "start_date", "2021-02-01"), want: ok303, owned: true},
	"GET /profile/experiences/:id/delete":     {path: dwithID("/profile/experiences/:id/delete", dExp), want: ok200, owned: true},
	"POST /profile/experiences/:id/delete":    {path: dwithID("/profile/experiences/:id/delete", dExp), want: ok303, owned: true},
	"GET /profile/education/new":              {path: dfixed("/profile/education/new"), want: ok200},
	"POST /profile/education":                 {path: dfixed("/profile/education"), form: dform("institution", "Uni", "degree", "BSc", "start_date", "2015-09-01"), want: ok303},
	"GET /profile/education/:id/edit":         {path: dwithID("/profile/education/:id/edit", dEdu), want: ok200, owned: true},
	"POST /profile/education/:id":             {path: dwithID("/profile/education/:id", dEdu), form: dform("institution", "Uni", "degree", "MSc", "start_date", "2015-09-01"), want: ok303, owned: true},
	"GET /profile/education/:id/delete":       {path: dwithID("/profile/education/:id/delete", dEdu), want: ok200, owned: true},
	"POST /profile/education/:id/delete":      {path: dwithID("/profile/education/:id/delete", dEdu), want: ok303, owned: true},
	"GET /profile/certifications/new":         {path: dfixed("/profile/certifications/new"), want: ok200},
	"POST /profile/certifications":            {path: dfixed("/profile/certifications"), form: dform("name", "CKA", "issuing_org", "CNCF", "issue_date", "2022-01-01"), want: ok303},
	"GET /profile/certifications/:id/edit":    {path: dwithID("/profile/certifications/:id/edit", dCert), want: ok200, owned: true},
	"POST /profile/certifications/:id":        {path: dwithID("/profile/certifications/:id", dCert), form: dform("name", "CKAD", "issuing_org", "CNCF", "issue_date", "2022-01-01"), want: ok303, owned: true},
	"GET /profile/certifications/:id/delete":  {path: dwithID("/profile/certifications/:id/delete", dCert), want: ok200, owned: true},
	"POST /profile/certifications/:id/delete": {path: dwithID("/profile/certifications/:id/delete", dCert), want: ok303, owned: true},
}

// dashRoutes returns "METHOD /path" of every route outside /api (HEAD and
// middleware left out), sorted.
func dashRoutes(ts *testServer) []string {
	seen := map[string]bool{}
	for _, r := range ts.App().GetRoutes(true) {
		if r.Path == "/api" || strings.HasPrefix(r.Path, "/api/") || r.Method == http.MethodHead {
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

// dashSend makes the call as browser b: a GET, a form POST, or a multipart
// upload, with the CSRF token csrf.
func dashSend(t *testing.T, b *browser, method, path, csrf string, call dashCall, f dashFixtures) (*http.Response, string) {
	t.Helper()
	if method == http.MethodGet {
		return b.get(t, path)
	}
	if call.file != nil {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("_csrf", csrf)
		w, _ := mw.CreateFormFile("file", call.file.name)
		_, _ = w.Write([]byte(call.file.content))
		mw.Close()
		req := httptest.NewRequest(method, path, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Accept", "text/html")
		return b.send(t, req)
	}
	form := url.Values{}
	if call.form != nil {
		form = call.form(f)
	}
	form.Set("_csrf", csrf)
	return b.post(t, path, form)
}

// signedIn returns a browser signed in as username and its CSRF token.
func signedIn(t *testing.T, ts *testServer, username string) (*browser, string) {
	t.Helper()
	b := newBrowser(ts)
	b.signIn(t, username, "password-"+username)
	_, page := b.get(t, "/jobs")
	return b, csrfFrom(t, page)
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// TestEveryDashboardRouteChecksItsCaller calls every route outside /api of
// the router. Signed out, a route needing a session redirects to /login (or
// is 401/403); signed in as another user, a route naming the owner's object
// is 404 (and the owner's call after it still succeeds) and an admin route
// is 403/404 for a non-admin; the owner (the admin, for admin routes)
// succeeds. Public routes answer anonymously without a 5xx. A route
// without an entry in dashMatrix or publicDashRoutes fails the test.
func TestEveryDashboardRouteChecksItsCaller(t *testing.T) {
	ts := newAuthTestServer(t)
	ts.authUser(t, "boss") // the first account is the admin
	owner, _ := ts.authUser(t, "owner")
	victim, _ := ts.authUser(t, "intruder")
	ownerB, ownerCSRF := signedIn(t, ts, "owner")
	bossB, bossCSRF := signedIn(t, ts, "boss")
	otherB, otherCSRF := signedIn(t, ts, "intruder")
	boss, err := ts.Store.UserByUsername(t.Context(), "boss")
	if err != nil || !boss.IsAdmin() {
		t.Fatalf("the first account is not an admin: %v", err)
	}
	routes := dashRoutes(ts)
	if len(routes) < 40 {
		t.Fatalf("only %d dashboard routes found: %v", len(routes), routes)
	}
	freshN := 0
	for _, route := range routes {
		t.Run(strings.ReplaceAll(route, "/", "_"), func(t *testing.T) {
			method, _, _ := strings.Cut(route, " ")
			if p, ok := publicDashRoutes[route]; ok {
				var resp *http.Response
				if method == http.MethodGet {
					resp, _ = newBrowser(ts).get(t, p)
				} else {
					resp, _ = newBrowser(ts).post(t, p, url.Values{})
				}
				if resp.StatusCode >= 500 {
					t.Errorf("public %s anonymously: %d", route, resp.StatusCode)
				}
				return
			}
			call, ok := dashMatrix[route]
			if !ok {
				t.Fatalf("route %s is not in dashMatrix (server/dash_matrix_test.go): add how its owner calls it, or list it in publicDashRoutes", route)
			}
			u, b, csrf, pw := owner, ownerB, ownerCSRF, "password-owner"
			if call.fresh {
				freshN++
				name := fmt.Sprintf("dfresh%d", freshN)
				u, _ = ts.authUser(t, name)
				b, csrf = signedIn(t, ts, name)
				pw = "password-" + name
			}
			f := dashFixtures{fixtures: newFixtures(t, ts, u, pw), victim: victim.ID}
			if call.fresh && strings.Contains(route, "sessions/:id") {
				// The session revoked is the browser's own dashboard session.
				sessions, err := ts.Store.Sessions(t.Context(), u.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range sessions {
					if s.ID > f.session {
						f.session = s.ID
					}
				}
			}
			if call.admin {
				b, csrf = bossB, bossCSRF
			}
			path := call.path(f)

			// Signed out.
			resp, _ := dashSend(t, newBrowser(ts), method, path, "", call, f)
			loc := resp.Header.Get("Location")
			if !(resp.StatusCode == 303 || resp.StatusCode == 302) || !strings.HasPrefix(loc, "/login") {
				if resp.StatusCode != 401 && resp.StatusCode != 403 {
					t.Errorf("signed out: %d (Location %q), want a redirect to /login or 401/403", resp.StatusCode, loc)
				}
			}
			// Another user.
			if call.owned || call.admin {
				resp, page := dashSend(t, otherB, method, path, otherCSRF, call, f)
				switch {
				case call.admin && resp.StatusCode != 403 && resp.StatusCode != 404:
					t.Errorf("a non-admin: %d, want 403 or 404", resp.StatusCode)
				case call.owned && resp.StatusCode != 404:
					t.Errorf("another user: %d, want 404", resp.StatusCode)
				}
				if strings.Contains(page, "Fixture") {
					t.Errorf("another user's answer shows the owner's job")
				}
			}
			// The owner.
			resp, page := dashSend(t, b, method, path, csrf, call, f)
			if !contains(call.want, resp.StatusCode) {
				t.Errorf("owner: %d %s, want %v", resp.StatusCode, truncate([]byte(page)), call.want)
			}
		})
	}
	have := map[string]bool{}
	for _, r := range routes {
		have[r] = true
	}
	for k := range dashMatrix {
		if !have[k] {
			t.Errorf("dashMatrix names %s, which the router does not have", k)
		}
	}
	for k := range publicDashRoutes {
		if !have[k] {
			t.Errorf("publicDashRoutes names %s, which the router does not have", k)
		}
	}
}
