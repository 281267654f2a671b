package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vega-ai/vega/config"
)

func TestDashboardSignInAndOutWithCSRF(t *testing.T) {
	ts := newAuthTestServer(t)
	ts.authRegister(t, "alice", "correct horse")
	b := newBrowser(ts)

	resp, page := b.get(t, "/")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("GET / signed out = %d %q, want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, page = b.get(t, "/login")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /login = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`<label for="username">`, `<label for="password">`, `autocomplete="current-password"`, `<html lang="en">`} {
		if !strings.Contains(page, want) {
			t.Errorf("login page lacks %s", want)
		}
	}
	token := csrfFrom(t, page)

	// Without the CSRF token, or with another browser's, the form is refused.
	form := url.Values{"username": {"alice"}, "password": {"correct horse"}}
	if resp, _ := b.post(t, "/login", form); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login form without CSRF token = %d, want 403", resp.StatusCode)
	}
	other := newBrowser(ts)
	_, otherPage := other.get(t, "/login")
	form.Set("_csrf", csrfFrom(t, otherPage))
	if resp, _ := b.post(t, "/login", form); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login form with another browser's CSRF token = %d, want 403", resp.StatusCode)
	}

	// A wrong password shows the form again, with the name kept and escaped.
	resp, page = b.post(t, "/login", url.Values{"username": {`<b>alice</b>`}, "password": {"nope-nope"}, "_csrf": {token}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "Invalid username or password") ||
		!strings.Contains(page, `value="&lt;b&gt;alice&lt;/b&gt;"`) || !strings.Contains(page, `role="alert"`) {
		t.Fatalf("failed sign-in = %d\n%s", resp.StatusCode, page)
	}

	resp, _ = b.post(t, "/login", url.Values{"username": {"alice"}, "password": {"correct horse"}, "_csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign-in = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
		t.Fatalf("session cookie = %+v; want HttpOnly, SameSite=Lax, Path=/, not Secure on http", cookie)
	}

	resp, page = b.get(t, "/")
	if resp.StatusCode != 200 || !strings.Contains(page, "Signed in as <strong>alice</strong>") {
		t.Fatalf("home = %d\n%s", resp.StatusCode, page)
	}
	if resp, _ := b.get(t, "/login"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("/login when signed in = %d, want a redirect home", resp.StatusCode)
	}
	sessionToken := csrfFrom(t, page)
	if sessionToken == token {
		t.Fatal("the signed-in CSRF token equals the anonymous one")
	}

	// Sign out: refused without the token, accepted with it.
	if resp, _ := b.post(t, "/logout", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-out without CSRF token = %d, want 403", resp.StatusCode)
	}
	if resp, _ := b.post(t, "/logout", url.Values{"_csrf": {token}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-out with the anonymous CSRF token = %d, want 403", resp.StatusCode)
	}
	if resp, _ := b.get(t, "/"); resp.StatusCode != 200 {
		t.Fatal("a refused sign-out signed out")
	}
	resp, _ = b.post(t, "/logout", url.Values{"_csrf": {sessionToken}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("sign-out = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, ok := b.cookies[sessionCookie]; ok {
		t.Fatal("the session cookie was not cleared")
	}
	// Even with the old cookie replayed, the session is gone.
	replay := httptest.NewRequest("GET", "/", nil)
	replay.Header.Set("Accept", "text/html")
	replay.AddCookie(cookie)
	if resp, _ := ts.do(t, replay); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("replayed cookie after sign-out = %d, want a redirect to /login", resp.StatusCode)
	}
}

func TestCSRFTokenInHeaderForHtmx(t *testing.T) {
	ts := newAuthTestServer(t)
	ts.authRegister(t, "alice", "correct horse")
	b := newBrowser(ts)
	b.signIn(t, "alice", "correct horse")
	_, page := b.get(t, "/")
	token := csrfFrom(t, page)
	if !strings.Contains(page, `<meta name="csrf-token" content="`+token+`">`) {
		t.Fatal("no csrf-token meta element for htmx")
	}
	req := httptest.NewRequest("POST", "/logout", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set(csrfHeader, token+"x")
	if resp, _ := b.send(t, req); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("htmx sign-out with a wrong token = %d, want 403", resp.StatusCode)
	}
	req = httptest.NewRequest("POST", "/logout", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set(csrfHeader, token)
	if resp, _ := b.send(t, req); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("htmx sign-out with the token = %d", resp.StatusCode)
	}
	req = httptest.NewRequest("GET", "/", nil)
	req.Header.Set("HX-Request", "true")
	resp, _ := b.send(t, req)
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("HX-Redirect") != "/login" {
		t.Fatalf("htmx request signed out = %d HX-Redirect %q", resp.StatusCode, resp.Header.Get("HX-Redirect"))
	}
}

func TestCookieAndBearerDoNotCross(t *testing.T) {
	ts := newAuthTestServer(t)
	ts.authRegister(t, "alice", "correct horse")
	pair := ts.authLogin(t, "alice", "correct horse")
	b := newBrowser(ts)
	b.signIn(t, "alice", "correct horse")

	// The API ignores the dashboard cookie.
	req := httptest.NewRequest("GET", "/api/me", nil)
	if resp, body := b.send(t, req); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("/api/me with only the session cookie = %d %s, want 401", resp.StatusCode, body)
	}
	// ... and the refresh endpoint does not take the cookie's token.
	if got := ts.status(t, "POST", "/api/auth/refresh", "", refreshBody{b.cookies[sessionCookie]}); got != 401 {
		t.Fatalf("the cookie's token as a refresh token = %d, want 401", got)
	}

	// The dashboard ignores a bearer token.
	req = httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Authorization", "Bearer "+pair.Token)
	if resp, _ := ts.do(t, req); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("GET / with only a bearer token = %d, want a redirect to /login", resp.StatusCode)
	}
	req = httptest.NewRequest("POST", "/logout", nil)
	req.Header.Set("Authorization", "Bearer "+pair.Token)
	if resp, _ := ts.do(t, req); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("POST /logout with only a bearer token = %d, want 401", resp.StatusCode)
	}

	// Both kinds of session are listed, and the web one is not current on the API.
	_, body := ts.doJSON(t, "GET", "/api/me/sessions", pair.Token, nil)
	list := decodeAs[[]sessionView](t, body)
	kinds := map[string]bool{}
	for _, s := range list {
		kinds[string(s.Kind)+map[bool]string{true: "+current", false: ""}[s.Current]] = true
	}
	if len(list) != 2 || !kinds["api+current"] || !kinds["web"] {
		t.Fatalf("sessions = %s", body)
	}
}

func TestDashboardRegistration(t *testing.T) {
	ts := newAuthTestServer(t)
	b := newBrowser(ts)
	_, page := b.get(t, "/register")
	token := csrfFrom(t, page)
	resp, page := b.post(t, "/register", url.Values{"username": {"al"}, "password": {"short"}, "_csrf": {token}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="username-error"`) || !strings.Contains(page, `id="password-error"`) {
		t.Fatalf("invalid registration = %d\n%s", resp.StatusCode, page)
	}
	if resp, _ := b.post(t, "/register", url.Values{"username": {"alice"}, "password": {"long enough"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("registration without CSRF token = %d, want 403", resp.StatusCode)
	}
	resp, _ = b.post(t, "/register", url.Values{"username": {"alice"}, "password": {"long enough"}, "_csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("registration = %d", resp.StatusCode)
	}
	if resp, page := b.get(t, "/"); resp.StatusCode != 200 || !strings.Contains(page, "alice</strong> (administrator)") {
		t.Fatalf("home after registering = %d\n%s", resp.StatusCode, page)
	}
	b2 := newBrowser(ts)
	_, page = b2.get(t, "/register")
	resp, page = b2.post(t, "/register", url.Values{"username": {"ALICE"}, "password": {"long enough"}, "_csrf": {csrfFrom(t, page)}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "already taken") {
		t.Fatalf("taken name = %d\n%s", resp.StatusCode, page)
	}
}

func TestDashboardRegistrationClosed(t *testing.T) {
	ts := newAuthTestServer(t, func(c *config.Config) { c.RegistrationOpen = false })
	b := newBrowser(ts)
	resp, page := b.get(t, "/register")
	if resp.StatusCode != 200 || !strings.Contains(page, "Registration is closed") || strings.Contains(page, `name="password"`) {
		t.Fatalf("register page when closed = %d\n%s", resp.StatusCode, page)
	}
	if _, page := b.get(t, "/login"); strings.Contains(page, `href="/register"`) {
		t.Fatal("the login page offers registration while it is closed")
	}
	resp, _ = b.post(t, "/register", url.Values{"username": {"alice"}, "password": {"long enough"}, "_csrf": {csrfFrom(t, func() string { _, p := b.get(t, "/login"); return p }())}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("POST /register when closed = %d, want 403", resp.StatusCode)
	}
}

func TestSessionCookieIsSecureOnHTTPS(t *testing.T) {
	ts := newAuthTestServer(t, func(c *config.Config) { c.BaseURL = "https://vega.example" })
	ts.authRegister(t, "alice", "correct horse")
	b := newBrowser(ts)
	_, page := b.get(t, "/login")
	resp, _ := b.post(t, "/login", url.Values{"username": {"alice"}, "password": {"correct horse"}, "_csrf": {csrfFrom(t, page)}})
	found := false
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			found = true
			if !c.Secure || !c.HttpOnly {
				t.Fatalf("session cookie on https = %+v, want Secure and HttpOnly", c)
			}
		}
	}
	if !found {
		t.Fatalf("no session cookie (status %d)", resp.StatusCode)
	}
}

func TestDeletedUsersDashboardSessionEnds(t *testing.T) {
	ts := newAuthTestServer(t)
	ts.authRegister(t, "alice", "correct horse")
	pair := ts.authLogin(t, "alice", "correct horse")
	b := newBrowser(ts)
	b.signIn(t, "alice", "correct horse")
	if got := ts.status(t, "DELETE", "/api/me", pair.Token, accountDeletion{Password: "correct horse"}); got != 204 {
		t.Fatalf("delete = %d", got)
	}
	if resp, _ := b.get(t, "/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("dashboard of a deleted user = %d, want a redirect to /login", resp.StatusCode)
	}
}
