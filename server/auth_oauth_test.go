package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vega-ai/vega/auth/oauth"
	"github.com/vega-ai/vega/auth/oauth/oauthtest"
	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
)

// oauthFakes are the fake providers an OAuth test server signs in with:
// Google and a generic OpenID Connect issuer (both by discovery) and
// GitHub.
type oauthFakes struct {
	google, github, oidc *oauthtest.Server
}

// fake returns the fake behind provider id.
func (f oauthFakes) fake(id string) *oauthtest.Server {
	switch id {
	case "google":
		return f.google
	case "github":
		return f.github
	}
	return f.oidc
}

// newOAuthTestServer is a test server with Google, GitHub and a generic
// OpenID Connect provider, all pointed at fakes.
func newOAuthTestServer(t *testing.T, edit ...func(*config.Config)) (*testServer, oauthFakes) {
	t.Helper()
	f := oauthFakes{
		google: oauthtest.New(t, "google-client", "google-secret"),
		github: oauthtest.New(t, "github-client", "github-secret"),
		oidc:   oauthtest.New(t, "sso-client", "sso-secret"),
	}
	ts := newAuthTestServer(t, append([]func(*config.Config){func(c *config.Config) {
		c.GoogleClientID, c.GoogleClientSecret, c.GoogleIssuer = "google-client", "google-secret", f.google.URL
		c.GitHubClientID, c.GitHubClientSecret = "github-client", "github-secret"
		c.GitHubURL, c.GitHubAPIURL = f.github.URL, f.github.URL
		c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret, c.OIDCName = f.oidc.URL, "sso-client", "sso-secret", "Company SSO"
	}}, edit...)...)
	return ts, f
}

// startOAuth follows GET start (with query) to the fake's authorization
// endpoint and returns where the fake sends the browser back.
func (b *browser) startOAuth(t *testing.T, fake *oauthtest.Server, provider, query string) *url.URL {
	t.Helper()
	resp, body := b.get(t, "/auth/"+provider+"/start"+query)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start %s%s = %d %s", provider, query, resp.StatusCode, body)
	}
	return fake.Authorize(t, resp.Header.Get("Location"))
}

// callback delivers the fake's redirect to the server.
func (b *browser) callback(t *testing.T, back *url.URL) (*http.Response, string) {
	t.Helper()
	return b.get(t, back.RequestURI())
}

// oauthSignIn signs the browser in with provider as fake's current user
// and fails unless it lands on the home page.
func (b *browser) oauthSignIn(t *testing.T, fake *oauthtest.Server, provider string) {
	t.Helper()
	resp, body := b.callback(t, b.startOAuth(t, fake, provider, ""))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("OAuth sign-in with %s = %d %q\n%s", provider, resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

// homeUser returns the username the signed-in home page shows.
func (b *browser) homeUser(t *testing.T) string {
	t.Helper()
	resp, page := b.get(t, "/")
	_, rest, ok := strings.Cut(page, "Signed in as <strong>")
	name, _, ok2 := strings.Cut(rest, "</strong>")
	if resp.StatusCode != 200 || !ok || !ok2 {
		t.Fatalf("home = %d\n%s", resp.StatusCode, page)
	}
	return name
}

func (ts *testServer) userCount(t *testing.T) int64 {
	t.Helper()
	n, err := ts.Store.CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOAuthFirstSignInCreatesAPasswordlessUserFoundAgainLater(t *testing.T) {
	for _, provider := range []string{"google", "github", "oidc"} {
		t.Run(provider, func(t *testing.T) {
			ts, fakes := newOAuthTestServer(t)
			fake := fakes.fake(provider)
			fake.SetUser(oauthtest.User{Subject: "1001", Email: "Ada.Lovelace@example.com", EmailVerified: true, Login: "ada-gh", Name: "Ada"})

			b := newBrowser(ts)
			b.oauthSignIn(t, fake, provider)
			if got := b.homeUser(t); got != "ada.lovelace" {
				t.Fatalf("new user is called %q, want ada.lovelace (the verified e-mail's local part)", got)
			}
			u, err := ts.Store.UserByUsername(context.Background(), "ada.lovelace")
			if err != nil {
				t.Fatal(err)
			}
			if u.HasPassword() || u.LastLogin == nil {
				t.Fatalf("user = %+v: want no password and a last login", u)
			}
			if fails, tokens := fake.Counts(); fails != 0 || tokens != 1 {
				t.Fatalf("fake saw %d PKCE failures and issued %d tokens, want 0 and 1", fails, tokens)
			}

			// The same identity, in another browser, signs in to the same user.
			again := newBrowser(ts)
			again.oauthSignIn(t, fake, provider)
			if got := again.homeUser(t); got != "ada.lovelace" || ts.userCount(t) != 1 {
				t.Fatalf("second sign-in = %q with %d users, want the same single user", got, ts.userCount(t))
			}
			ids, _ := ts.Store.Identities(context.Background(), u.ID)
			if len(ids) != 1 || ids[0].Provider != provider || ids[0].Subject != "1001" {
				t.Fatalf("identities = %+v", ids)
			}
		})
	}
}

func TestOAuthEmailOfAnExistingAccountDoesNotSignInToIt(t *testing.T) {
	ts, fakes := newOAuthTestServer(t)
	victim := ts.authRegister(t, "ada@example.com", "correct horse")
	ts.authRegister(t, "ada", "battery staple")
	fakes.google.SetUser(oauthtest.User{Subject: "g-ada", Email: "ada@example.com", EmailVerified: true})

	b := newBrowser(ts)
	b.oauthSignIn(t, fakes.google, "google")
	if got := b.homeUser(t); got != "ada2" {
		t.Fatalf("OAuth sign-in with a password account's e-mail landed in %q, want a new account ada2", got)
	}
	if ids, _ := ts.Store.Identities(context.Background(), victim.ID); len(ids) != 0 {
		t.Fatalf("the password account got identities %+v", ids)
	}
	if ts.userCount(t) != 3 {
		t.Fatalf("%d users, want 3", ts.userCount(t))
	}
}

func TestOAuthCallbackRefusesAForeignOrAlteredFlow(t *testing.T) {
	ts, fakes := newOAuthTestServer(t)
	fakes.google.SetUser(oauthtest.User{Subject: "s", Email: "x@example.com", EmailVerified: true})
	tests := []struct {
		name  string
		alter func(b *browser, back *url.URL) (*browser, string)
	}{
		{"state changed", func(b *browser, back *url.URL) (*browser, string) {
			q := back.Query()
			q.Set("state", q.Get("state")+"x")
			return b, back.Path + "?" + q.Encode()
		}},
		{"state missing", func(b *browser, back *url.URL) (*browser, string) {
			q := back.Query()
			q.Del("state")
			return b, back.Path + "?" + q.Encode()
		}},
		{"no flow cookie (a link sent to another browser)", func(_ *browser, back *url.URL) (*browser, string) {
			return newBrowser(ts), back.RequestURI()
		}},
		{"flow cookie altered", func(b *browser, back *url.URL) (*browser, string) {
			v := b.cookies[oauthCookie]
			if len(v) < 2 {
				t.Fatal("no flow cookie")
			}
			// Change one character for certain (the first may already be "A").
			first := "A"
			if v[0] == 'A' {
				first = "B"
			}
			b.cookies[oauthCookie] = first + v[1:]
			return b, back.RequestURI()
		}},
		{"callback of another provider", func(b *browser, back *url.URL) (*browser, string) {
			return b, strings.Replace(back.RequestURI(), "/auth/google/", "/auth/github/", 1)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBrowser(ts)
			back := b.startOAuth(t, fakes.google, "google", "")
			if b.cookies[oauthCookie] == "" {
				t.Fatal("start set no flow cookie")
			}
			who, path := tt.alter(b, back)
			resp, page := who.get(t, path)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `role="alert"`) || !strings.Contains(page, "start again") {
				t.Fatalf("callback = %d\n%s", resp.StatusCode, page)
			}
			if who.cookies[sessionCookie] != "" || ts.userCount(t) != 0 {
				t.Fatal("a refused callback signed someone in")
			}
			if _, tokens := fakes.google.Counts(); tokens != 0 {
				t.Fatal("a refused callback still traded the code")
			}
			// The flow is spent: even the right callback now fails.
			if who != b {
				return // the browser that started the flow still holds it
			}
			if resp, _ := b.callback(t, back); resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("replayed callback = %d, want 400", resp.StatusCode)
			}
		})
	}
}

func TestOAuthFlowCookieIsHttpOnlyLaxAndShortLived(t *testing.T) {
	ts, _ := newOAuthTestServer(t)
	resp, _ := newBrowser(ts).get(t, "/auth/google/start")
	var c *http.Cookie
	for _, x := range resp.Cookies() {
		if x.Name == oauthCookie {
			c = x
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/auth/" || c.MaxAge <= 0 || c.MaxAge > 600 {
		t.Fatalf("flow cookie = %+v", c)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	q := loc.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" ||
		q.Get("redirect_uri") != ts.Cfg.BaseURL+"/auth/google/callback" || strings.Contains(c.Value, q.Get("state")) {
		t.Fatalf("authorization request %s", loc)
	}
}

func TestOAuthRefusesAnInvalidIDToken(t *testing.T) {
	tests := []struct {
		name string
		set  func(*oauthtest.Server)
	}{
		{"nonce of another flow", func(s *oauthtest.Server) { s.Claims = func(c map[string]any) { c["nonce"] = "replayed" } }},
		{"bad signature", func(s *oauthtest.Server) { s.SignWithOtherKey = true }},
		{"wrong audience", func(s *oauthtest.Server) { s.Claims = func(c map[string]any) { c["aud"] = "another-client" } }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, fakes := newOAuthTestServer(t)
			fakes.google.SetUser(oauthtest.User{Subject: "s", Email: "x@example.com", EmailVerified: true})
			fakes.google.Set(tt.set)
			b := newBrowser(ts)
			resp, page := b.callback(t, b.startOAuth(t, fakes.google, "google", ""))
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "ID token is not valid") {
				t.Fatalf("callback = %d\n%s", resp.StatusCode, page)
			}
			if ts.userCount(t) != 0 || b.cookies[sessionCookie] != "" {
				t.Fatal("an invalid ID token signed someone in")
			}
		})
	}
}

func TestOAuthProviderErrorsShowAClearPage(t *testing.T) {
	ts, fakes := newOAuthTestServer(t)
	fakes.github.SetUser(oauthtest.User{Subject: "5", Login: "octo"})

	fakes.github.Set(func(s *oauthtest.Server) { s.Deny = true })
	b := newBrowser(ts)
	resp, page := b.callback(t, b.startOAuth(t, fakes.github, "github", ""))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Sign-in with GitHub was cancelled or refused.") ||
		strings.Contains(page, "said no") || strings.Contains(page, "<script>") {
		t.Fatalf("denied consent = %d\n%s", resp.StatusCode, page)
	}

	fakes.github.Set(func(s *oauthtest.Server) { s.Deny = false })
	back := b.startOAuth(t, fakes.github, "github", "")
	q := back.Query()
	q.Set("code", "forged-code")
	resp, page = b.get(t, back.Path+"?"+q.Encode())
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "the sign-in code was refused") || strings.Contains(page, "invalid_grant") {
		t.Fatalf("bad code = %d\n%s", resp.StatusCode, page)
	}

	for path, want := range map[string]int{"/auth/nope/start": 404, "/auth/nope/callback": 404, "/auth/google/start?client=desktop": 400} {
		if resp, _ := newBrowser(ts).get(t, path); resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	if ts.userCount(t) != 0 {
		t.Fatal("a failed sign-in created a user")
	}
}

func TestOAuthRespectsClosedRegistration(t *testing.T) {
	ts, fakes := newOAuthTestServer(t, func(c *config.Config) { c.RegistrationOpen = false })
	fakes.google.SetUser(oauthtest.User{Subject: "new", Email: "new@example.com", EmailVerified: true})
	b := newBrowser(ts)
	resp, page := b.callback(t, b.startOAuth(t, fakes.google, "google", ""))
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "registration is closed") || ts.userCount(t) != 0 {
		t.Fatalf("new identity with registration closed = %d\n%s", resp.StatusCode, page)
	}

	// An identity already linked still signs in.
	u, err := ts.Store.CreateUserWithIdentity(context.Background(), "known", &models.Identity{Provider: "google", Subject: "known"})
	if err != nil {
		t.Fatal(err)
	}
	fakes.google.SetUser(oauthtest.User{Subject: "known"})
	b.oauthSignIn(t, fakes.google, "google")
	if got := b.homeUser(t); got != u.Username {
		t.Fatalf("signed in as %q, want %q", got, u.Username)
	}
}

// settingsCSRF returns the CSRF token of the signed-in browser's settings page.
func (b *browser) settingsCSRF(t *testing.T) (string, string) {
	t.Helper()
	resp, page := b.get(t, "/settings")
	if resp.StatusCode != 200 {
		t.Fatalf("settings = %d\n%s", resp.StatusCode, page)
	}
	return csrfFrom(t, page), page
}

// link runs a link flow for provider from the signed-in browser's settings
// and returns the callback's answer.
func (b *browser) link(t *testing.T, fake *oauthtest.Server, provider string) (*http.Response, string) {
	t.Helper()
	token, _ := b.settingsCSRF(t)
	resp, body := b.post(t, "/auth/"+provider+"/link", url.Values{"_csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("link %s = %d %s", provider, resp.StatusCode, body)
	}
	return b.callback(t, fake.Authorize(t, resp.Header.Get("Location")))
}

func TestLinkingFromSettings(t *testing.T) {
	ts, fakes := newOAuthTestServer(t)
	ts.authRegister(t, "ada", "correct horse")
	b := newBrowser(ts)
	b.signIn(t, "ada", "correct horse")

	if resp, _ := b.post(t, "/auth/github/link", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("link without the CSRF token = %d, want 403", resp.StatusCode)
	}
	if resp, _ := newBrowser(ts).post(t, "/auth/github/link", url.Values{}); resp.StatusCode == http.StatusSeeOther {
		t.Fatal("link started without a session")
	}

	fakes.github.SetUser(oauthtest.User{Subject: "77", Login: "ada-gh", Email: "ada@example.com", EmailVerified: true})
	resp, _ := b.link(t, fakes.github, "github")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?linked=github" {
		t.Fatalf("link callback = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page := b.settingsCSRF(t)
	if !strings.Contains(page, "<strong>GitHub</strong>") || !strings.Contains(page, "ada-gh") {
		t.Fatalf("settings page does not list the linked account:\n%s", page)
	}
	if ts.userCount(t) != 1 {
		t.Fatal("linking created a user")
	}

	// The linked identity now signs in to ada.
	other := newBrowser(ts)
	other.oauthSignIn(t, fakes.github, "github")
	if got := other.homeUser(t); got != "ada" {
		t.Fatalf("the linked identity signed in as %q, want ada", got)
	}

	// An identity that belongs to someone else is not taken over.
	fakes.google.SetUser(oauthtest.User{Subject: "bob-google", Email: "bob@example.com", EmailVerified: true})
	bob := newBrowser(ts)
	bob.oauthSignIn(t, fakes.google, "google")
	resp, page = b.link(t, fakes.google, "google")
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "already linked to another Vega account") {
		t.Fatalf("linking bob's identity = %d\n%s", resp.StatusCode, page)
	}
	if got := bob.homeUser(t); got != "bob" {
		t.Fatalf("bob's identity now signs in as %q", got)
	}

	// A link flow whose user signed out meanwhile is refused.
	fakes.oidc.SetUser(oauthtest.User{Subject: "sso-ada"})
	token, _ := b.settingsCSRF(t)
	resp, _ = b.post(t, "/auth/oidc/link", url.Values{"_csrf": {token}})
	back := fakes.oidc.Authorize(t, resp.Header.Get("Location"))
	if resp, _ := b.post(t, "/logout", url.Values{"_csrf": {token}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("sign-out failed")
	}
	if resp, _ := b.callback(t, back); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("link callback after sign-out = %d, want 403", resp.StatusCode)
	}
	if _, tokens := fakes.oidc.Counts(); tokens != 0 {
		t.Fatal("a link callback without its user traded the code")
	}
}

func TestTheLastWayToSignInCannotBeUnlinked(t *testing.T) {
	ts, fakes := newOAuthTestServer(t)
	fakes.google.SetUser(oauthtest.User{Subject: "g", Email: "ada@example.com", EmailVerified: true})
	b := newBrowser(ts)
	b.oauthSignIn(t, fakes.google, "google")
	tok := b.extensionTokens(t, ts, fakes.google, "google")

	resp, body := ts.doJSON(t, "GET", "/api/me", tok.Token, nil)
	me := decodeAs[struct {
		HasPassword bool           `json:"has_password"`
		Identities  []identityView `json:"identities"`
	}](t, body)
	if resp.StatusCode != 200 || me.HasPassword || len(me.Identities) != 1 || me.Identities[0].Provider != "google" ||
		me.Identities[0].Email != "ada@example.com" || me.Identities[0].CreatedAt.IsZero() {
		t.Fatalf("/api/me = %d %s", resp.StatusCode, body)
	}
	googleID := me.Identities[0].ID

	resp, body = ts.doJSON(t, "DELETE", fmt.Sprintf("/api/me/identities/%d", googleID), tok.Token, nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(apiErrorOf(t, body).Error, "only way to sign in") {
		t.Fatalf("API unlink of the last way to sign in = %d %s", resp.StatusCode, body)
	}
	token, page := b.settingsCSRF(t)
	if !strings.Contains(page, "disabled") {
		t.Fatalf("settings offers to unlink the last way to sign in:\n%s", page)
	}
	resp, page = b.post(t, fmt.Sprintf("/settings/identities/%d/unlink", googleID), url.Values{"_csrf": {token}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "only way to sign in") {
		t.Fatalf("form unlink of the last way to sign in = %d\n%s", resp.StatusCode, page)
	}
	if resp, _ := b.post(t, fmt.Sprintf("/settings/identities/%d/unlink", googleID), url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("form unlink without CSRF = %d, want 403", resp.StatusCode)
	}

	// Another user cannot see or remove it.
	_, otherTok := ts.authUser(t, "mallory")
	if st := ts.status(t, "DELETE", fmt.Sprintf("/api/me/identities/%d", googleID), otherTok.Token, nil); st != http.StatusNotFound {
		t.Fatalf("another user's unlink = %d, want 404", st)
	}

	// With a second identity linked, the first can go (from the form), and
	// then the second is the last.
	fakes.github.SetUser(oauthtest.User{Subject: "9", Login: "ada-gh"})
	if resp, _ := b.link(t, fakes.github, "github"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("link github = %d", resp.StatusCode)
	}
	token, _ = b.settingsCSRF(t)
	resp, _ = b.post(t, fmt.Sprintf("/settings/identities/%d/unlink", googleID), url.Values{"_csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlink with another identity left = %d", resp.StatusCode)
	}
	_, body = ts.doJSON(t, "GET", "/api/me", tok.Token, nil)
	me = decodeAs[struct {
		HasPassword bool           `json:"has_password"`
		Identities  []identityView `json:"identities"`
	}](t, body)
	if len(me.Identities) != 1 || me.Identities[0].Provider != "github" {
		t.Fatalf("identities after unlink = %s", body)
	}
	if st := ts.status(t, "DELETE", fmt.Sprintf("/api/me/identities/%d", me.Identities[0].ID), tok.Token, nil); st != http.StatusConflict {
		t.Fatalf("unlink of the remaining identity = %d, want 409", st)
	}

	// After setting a password it can go too.
	if st := ts.status(t, "POST", "/api/me/password", tok.Token, map[string]string{"new_password": "a new password"}); st != http.StatusNoContent {
		t.Fatalf("set password = %d", st)
	}
	if st := ts.status(t, "DELETE", fmt.Sprintf("/api/me/identities/%d", me.Identities[0].ID), tok.Token, nil); st != http.StatusNoContent {
		t.Fatalf("unlink with a password set = %d, want 204", st)
	}
}

const testExtensionID = "abcdefghijklmnopabcdefghijklmnop"

// extensionTokens runs the extension's flow with provider and trades the
// code for a token pair.
func (b *browser) extensionTokens(t *testing.T, ts *testServer, fake *oauthtest.Server, provider string) TokenResponse {
	t.Helper()
	code := b.extensionCode(t, fake, provider, "https://"+testExtensionID+".chromiumapp.org/")
	resp, body := ts.doJSON(t, "POST", "/api/auth/exchange", "", map[string]string{"code": code})
	if resp.StatusCode != 200 {
		t.Fatalf("exchange = %d %s", resp.StatusCode, body)
	}
	return decodeAs[TokenResponse](t, body)
}

// extensionCode runs the extension's flow and returns the one-time code
// the server redirected to redirectURI with.
func (b *browser) extensionCode(t *testing.T, fake *oauthtest.Server, provider, redirectURI string) string {
	t.Helper()
	back := b.startOAuth(t, fake, provider, "?client=extension&redirect_uri="+url.QueryEscape(redirectURI))
	resp, body := b.callback(t, back)
	to, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || err != nil || !strings.HasPrefix(to.String(), redirectURI) || to.Query().Get("code") == "" {
		t.Fatalf("extension callback = %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	return to.Query().Get("code")
}

func TestExtensionSignInCodeWorksOnceOnly(t *testing.T) {
	ts, fakes := newOAuthTestServer(t)
	fakes.oidc.SetUser(oauthtest.User{Subject: "e", Email: "eve@example.com", EmailVerified: true})
	b := newBrowser(ts)
	code := b.extensionCode(t, fakes.oidc, "oidc", "https://"+testExtensionID+".chromiumapp.org/cb")
	if b.cookies[sessionCookie] != "" {
		t.Fatal("the extension's flow started a dashboard session")
	}

	resp, body := ts.doJSON(t, "POST", "/api/auth/exchange", "", map[string]string{"code": code})
	if resp.StatusCode != 200 {
		t.Fatalf("exchange = %d %s", resp.StatusCode, body)
	}
	pair := decodeAs[TokenResponse](t, body)
	if pair.Token == "" || pair.RefreshToken == "" || pair.TokenType != "Bearer" {
		t.Fatalf("token pair = %s", body)
	}
	resp, body = ts.doJSON(t, "GET", "/api/me", pair.Token, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"username":"eve"`) || !strings.Contains(string(body), `"has_password":false`) {
		t.Fatalf("/api/me = %d %s", resp.StatusCode, body)
	}
	if st := ts.status(t, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": pair.RefreshToken}); st != 200 {
		t.Fatalf("refresh of the exchanged pair = %d", st)
	}

	resp, body = ts.doJSON(t, "POST", "/api/auth/exchange", "", map[string]string{"code": code})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("second exchange = %d %s, want 401", resp.StatusCode, body)
	}
	for name, in := range map[string]string{"garbage": `{"code":"nope"}`, "empty": `{"code":""}`, "not JSON": `code=x`} {
		if st := ts.status(t, "POST", "/api/auth/exchange", "", in); st != 401 && st != 400 {
			t.Errorf("%s code = %d, want 400 or 401", name, st)
		}
	}

	// An expired code is refused.
	late := b.extensionCode(t, fakes.oidc, "oidc", "https://"+testExtensionID+".chromiumapp.org/")
	if err := ts.DB.Write.Exec("UPDATE auth_codes SET expires_at = ?", time.Now().UTC().Add(-time.Second)).Error; err != nil {
		t.Fatal(err)
	}
	if st := ts.status(t, "POST", "/api/auth/exchange", "", map[string]string{"code": late}); st != http.StatusUnauthorized {
		t.Fatalf("expired code = %d, want 401", st)
	}

	// Of concurrent exchanges of one code, exactly one gets tokens.
	racy := b.extensionCode(t, fakes.oidc, "oidc", "https://"+testExtensionID+".chromiumapp.org/")
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest("POST", "/api/auth/exchange", strings.NewReader(`{"code":"`+racy+`"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := ts.App().Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[200] != 1 || statuses[401] != 5 {
		t.Fatalf("concurrent exchanges = %v, want one 200 and five 401", statuses)
	}
}

func TestExtensionRedirectURIMustBeTheExtensions(t *testing.T) {
	firefox := "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name    string
		allowed []string
		uri     string
		ok      bool
	}{
		{"chromiumapp accepted", nil, "https://" + testExtensionID + ".chromiumapp.org/", true},
		{"allizom accepted", nil, "https://" + firefox + ".extensions.allizom.org/", true},
		{"arbitrary https site refused", nil, "https://evil.example/steal", false},
		{"http refused", nil, "http://" + testExtensionID + ".chromiumapp.org/", false},
		{"lookalike refused", nil, "https://" + testExtensionID + ".chromiumapp.org.evil.example/", false},
		{"missing refused", nil, "", false},
		{"listed extension accepted", []string{testExtensionID}, "https://" + testExtensionID + ".chromiumapp.org/", true},
		{"unlisted extension refused", []string{"ponmlkjihgfedcbaponmlkjihgfedcba"}, "https://" + testExtensionID + ".chromiumapp.org/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, _ := newOAuthTestServer(t, func(c *config.Config) { c.ExtensionIDs = tt.allowed })
			resp, page := newBrowser(ts).get(t, "/auth/google/start?client=extension&redirect_uri="+url.QueryEscape(tt.uri))
			if tt.ok {
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("start = %d\n%s", resp.StatusCode, page)
				}
				return
			}
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" || !strings.Contains(page, "must be the browser extension") {
				t.Fatalf("start = %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), page)
			}
		})
	}
}

func TestExtensionFlowReportsProviderErrorsToTheExtension(t *testing.T) {
	ts, fakes := newOAuthTestServer(t)
	fakes.google.Set(func(s *oauthtest.Server) { s.Deny = true })
	b := newBrowser(ts)
	redirect := "https://" + testExtensionID + ".chromiumapp.org/"
	back := b.startOAuth(t, fakes.google, "google", "?client=extension&redirect_uri="+url.QueryEscape(redirect))
	resp, _ := b.callback(t, back)
	to, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(to.String(), redirect) ||
		to.Query().Get("error") != "access_denied" || to.Query().Get("code") != "" || to.Query().Get("error_description") == "" {
		t.Fatalf("denied extension sign-in = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestProvidersAreOfferedToTheLoginPageAndTheExtension(t *testing.T) {
	ts, _ := newOAuthTestServer(t)
	resp, body := ts.doJSON(t, "GET", "/api/auth/providers", "", nil)
	var list []providerView
	if resp.StatusCode != 200 || json.Unmarshal(body, &list) != nil {
		t.Fatalf("providers = %d %s", resp.StatusCode, body)
	}
	want := []providerView{{"google", "Google", "/auth/google/start"}, {"github", "GitHub", "/auth/github/start"}, {"oidc", "Company SSO", "/auth/oidc/start"}}
	if fmt.Sprint(list) != fmt.Sprint(want) {
		t.Fatalf("providers = %+v, want %+v", list, want)
	}
	_, page := newBrowser(ts).get(t, "/login")
	for _, p := range want {
		if !strings.Contains(page, `href="`+p.StartURL+`">Sign in with `+p.Name) {
			t.Errorf("login page lacks the %s button", p.Name)
		}
	}

	plain := newAuthTestServer(t)
	if _, body := plain.doJSON(t, "GET", "/api/auth/providers", "", nil); string(body) != "[]" {
		t.Fatalf("providers without configuration = %s, want []", body)
	}
	if _, page := newBrowser(plain).get(t, "/login"); strings.Contains(page, "Sign in with ") {
		t.Fatal("login page offers providers that are not configured")
	}
}

func TestOAuthUsername(t *testing.T) {
	tests := []struct {
		name string
		in   oauth.Identity
		want string
	}{
		{"verified e-mail's local part, lower case", oauth.Identity{Email: "Ada.Lovelace@Example.com", EmailVerified: true, Login: "al"}, "ada.lovelace"},
		{"unverified e-mail is not used", oauth.Identity{Email: "root@example.com", Login: "octocat"}, "octocat"},
		{"characters usernames refuse become dashes", oauth.Identity{Email: "jean+jobs@example.com", EmailVerified: true}, "jean-jobs"},
		{"non-ASCII is dropped", oauth.Identity{Name: "José Ñúñez"}, "jos-ez"},
		{"too short is prefixed", oauth.Identity{Login: "Al"}, "user-al"},
		{"nothing usable", oauth.Identity{Name: "☃"}, "user"},
		{"too long is cut", oauth.Identity{Login: strings.Repeat("a", 100)}, strings.Repeat("a", models.MaxUsernameChars)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := oauthUsername(tt.in)
			if got != tt.want {
				t.Fatalf("oauthUsername = %q, want %q", got, tt.want)
			}
			if err := models.ValidateUsername(got); err != nil {
				t.Fatalf("%q is not a valid username: %v", got, err)
			}
		})
	}
}
