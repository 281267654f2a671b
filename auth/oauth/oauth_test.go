package oauth_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vega-ai/vega/auth/oauth"
	"github.com/vega-ai/vega/auth/oauth/oauthtest"
)

const redirect = "http://vega.test/auth/x/callback"

func TestSealedFlowOpensOnlyUnchangedAndInTime(t *testing.T) {
	s, err := oauth.NewSealer(strings.Repeat("s", 40))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	f, err := oauth.NewFlow("google", oauth.ModeLink, now)
	if err != nil {
		t.Fatal(err)
	}
	f.UserID = 7
	sealed, err := s.Seal("vega_oauth", f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, f.Verifier) || strings.Contains(sealed, f.State) {
		t.Fatal("the sealed flow shows its verifier or state")
	}
	got, err := s.Open("vega_oauth", sealed, now)
	if err != nil || got != f {
		t.Fatalf("Open = %+v, %v; want %+v", got, err, f)
	}

	other, _ := oauth.NewSealer(strings.Repeat("t", 40))
	flipped := []byte(sealed)
	flipped[len(flipped)/2] ^= 1
	if flipped[len(flipped)/2] == '_'^1 || flipped[len(flipped)/2] == '-'^1 {
		flipped[len(flipped)/2] = 'A'
	}
	tests := []struct {
		name   string
		sealer *oauth.Sealer
		cookie string
		value  string
		at     time.Time
	}{
		{"altered", s, "vega_oauth", string(flipped), now},
		{"sealed for another cookie", s, "other", sealed, now},
		{"sealed with another secret", other, "vega_oauth", sealed, now},
		{"expired", s, "vega_oauth", sealed, now.Add(oauth.FlowTTL + time.Second)},
		{"empty", s, "vega_oauth", "", now},
		{"not base64", s, "vega_oauth", "!!!", now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.sealer.Open(tt.cookie, tt.value, tt.at); !errors.Is(err, oauth.ErrBadFlow) {
				t.Fatalf("Open = %v, want ErrBadFlow", err)
			}
		})
	}
}

func TestFlowStateComparison(t *testing.T) {
	f, err := oauth.NewFlow("github", oauth.ModeSignIn, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	g, _ := oauth.NewFlow("github", oauth.ModeSignIn, time.Now())
	if f.State == g.State || f.Verifier == g.Verifier || f.Nonce == g.Nonce || len(f.State) < 43 {
		t.Fatalf("flows are not random enough: %+v %+v", f, g)
	}
	for _, tt := range []struct {
		name  string
		state string
		want  bool
	}{
		{"same state", f.State, true},
		{"another flow's state", g.State, false},
		{"empty", "", false},
		{"prefix", f.State[:10], false},
	} {
		if got := f.CheckState(tt.state); got != tt.want {
			t.Errorf("%s: CheckState = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestExtensionRedirect(t *testing.T) {
	chrome := "abcdefghijklmnopabcdefghijklmnop"
	firefox := "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name    string
		raw     string
		allowed []string
		ok      bool
	}{
		{"chrome redirect", "https://" + chrome + ".chromiumapp.org/", nil, true},
		{"chrome redirect with a path", "https://" + chrome + ".chromiumapp.org/oauth2", nil, true},
		{"firefox redirect", "https://" + firefox + ".extensions.allizom.org/", nil, true},
		{"listed id", "https://" + chrome + ".chromiumapp.org/", []string{"other", strings.ToUpper(chrome)}, true},
		{"unlisted id", "https://" + chrome + ".chromiumapp.org/", []string{"someoneelse"}, false},
		{"arbitrary https site", "https://evil.example/", nil, false},
		{"http", "http://" + chrome + ".chromiumapp.org/", nil, false},
		{"lookalike domain", "https://" + chrome + ".chromiumapp.org.evil.example/", nil, false},
		{"nested subdomain", "https://evil.example." + chrome + ".chromiumapp.org/", nil, false},
		{"bare domain", "https://chromiumapp.org/", nil, false},
		{"user info", "https://evil.example@" + chrome + ".chromiumapp.org/", nil, false},
		{"port", "https://" + chrome + ".chromiumapp.org:8443/", nil, false},
		{"fragment", "https://" + chrome + ".chromiumapp.org/#x", nil, false},
		{"extension scheme", "chrome-extension://" + chrome + "/", nil, false},
		{"javascript", "javascript:alert(1)", nil, false},
		{"empty", "", nil, false},
		{"relative", "/evil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := oauth.ExtensionRedirect(tt.raw, tt.allowed)
			if tt.ok != (err == nil) {
				t.Fatalf("ExtensionRedirect(%q) = %v, %v; want ok=%v", tt.raw, u, err, tt.ok)
			}
			if !tt.ok && !errors.Is(err, oauth.ErrBadRedirect) {
				t.Fatalf("error = %v, want ErrBadRedirect", err)
			}
		})
	}
	u, _ := oauth.ExtensionRedirect("https://"+chrome+".chromiumapp.org/cb?x=1", nil)
	if got := oauth.WithQuery(u, url.Values{"code": {"c d"}}); got != "https://"+chrome+".chromiumapp.org/cb?code=c+d&x=1" {
		t.Fatalf("WithQuery = %q", got)
	}
}

// runFlow starts a flow at p, lets the fake provider authorize it, and
// returns the flow and the code the fake sent back.
func runFlow(t *testing.T, p oauth.Provider, fake *oauthtest.Server) (oauth.Flow, string) {
	t.Helper()
	f, err := oauth.NewFlow(p.ID(), oauth.ModeSignIn, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	authURL, err := p.AuthCodeURL(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.Parse(authURL)
	if q.Query().Get("code_challenge_method") != "S256" || q.Query().Get("state") != f.State {
		t.Fatalf("authorization URL %s lacks PKCE S256 or the state", authURL)
	}
	back := fake.Authorize(t, authURL)
	if back.Query().Get("state") != f.State {
		t.Fatalf("state came back as %q", back.Query().Get("state"))
	}
	return f, back.Query().Get("code")
}

func newOIDC(t *testing.T, fake *oauthtest.Server, clientID string) *oauth.OIDC {
	t.Helper()
	p, err := oauth.NewOIDC(oauth.OIDCConfig{ID: "oidc", Name: "Test SSO", Issuer: fake.URL, ClientID: clientID,
		ClientSecret: "secret", RedirectURL: redirect})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOIDCExchangeVerifiesTheIDToken(t *testing.T) {
	fake := oauthtest.New(t, "client", "secret")
	fake.SetUser(oauthtest.User{Subject: "sub-1", Email: "ada@example.com", EmailVerified: true, Login: "ada", Name: "Ada"})
	p := newOIDC(t, fake, "client")

	f, code := runFlow(t, p, fake)
	id, err := p.Exchange(context.Background(), code, f)
	if err != nil {
		t.Fatal(err)
	}
	want := oauth.Identity{Provider: "oidc", Subject: "sub-1", Email: "ada@example.com", EmailVerified: true, Login: "ada", Name: "Ada"}
	if id != want {
		t.Fatalf("identity = %+v, want %+v", id, want)
	}

	tests := []struct {
		name string
		set  func(*oauthtest.Server)
		flow func(*oauth.Flow)
		p    *oauth.OIDC
	}{
		{name: "nonce mismatch", set: func(s *oauthtest.Server) { s.Claims = func(c map[string]any) { c["nonce"] = "another" } }},
		{name: "no nonce", set: func(s *oauthtest.Server) { s.Claims = func(c map[string]any) { delete(c, "nonce") } }},
		{name: "signed with an unpublished key", set: func(s *oauthtest.Server) { s.SignWithOtherKey = true }},
		{name: "another audience", set: func(s *oauthtest.Server) { s.Claims = func(c map[string]any) { c["aud"] = "someone-else" } }},
		{name: "another issuer", set: func(s *oauthtest.Server) { s.Claims = func(c map[string]any) { c["iss"] = "https://evil.example" } }},
		{name: "expired", set: func(s *oauthtest.Server) {
			s.Claims = func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }
		}},
		{name: "wrong PKCE verifier", flow: func(f *oauth.Flow) { f.Verifier = strings.Repeat("x", 43) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.Set(func(s *oauthtest.Server) { s.Claims, s.SignWithOtherKey = nil, false })
			if tt.set != nil {
				fake.Set(tt.set)
			}
			f, code := runFlow(t, p, fake)
			if tt.flow != nil {
				tt.flow(&f)
			}
			_, err := p.Exchange(context.Background(), code, f)
			var oe *oauth.Error
			if !errors.As(err, &oe) {
				t.Fatalf("Exchange = %v, want an *oauth.Error", err)
			}
		})
	}
	if fails, _ := fake.Counts(); fails != 1 {
		t.Fatalf("the fake saw %d PKCE failures, want 1 (the wrong verifier)", fails)
	}
}

func TestOIDCReadsTheEmailFromUserinfo(t *testing.T) {
	fake := oauthtest.New(t, "client", "secret")
	fake.Set(func(s *oauthtest.Server) { s.EmailInIDToken = false })
	fake.SetUser(oauthtest.User{Subject: "sub-2", Email: "bo@example.com", EmailVerified: false})
	p := newOIDC(t, fake, "client")
	f, code := runFlow(t, p, fake)
	id, err := p.Exchange(context.Background(), code, f)
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "sub-2" || id.Email != "bo@example.com" || id.EmailVerified {
		t.Fatalf("identity = %+v, want sub-2 with the unverified userinfo e-mail", id)
	}
}

func TestOIDCUnreachableIssuerFailsCleanly(t *testing.T) {
	p, err := oauth.NewOIDC(oauth.OIDCConfig{ID: "oidc", Issuer: "http://127.0.0.1:1", ClientID: "c", RedirectURL: redirect})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := oauth.NewFlow("oidc", oauth.ModeSignIn, time.Now())
	_, err = p.AuthCodeURL(context.Background(), f)
	var oe *oauth.Error
	if !errors.As(err, &oe) || strings.Contains(oe.Error(), "127.0.0.1") {
		t.Fatalf("AuthCodeURL = %v, want an *oauth.Error without the provider's details", err)
	}
}

func TestGitHubReadsIDLoginAndVerifiedPrimaryEmail(t *testing.T) {
	fake := oauthtest.New(t, "gh-client", "gh-secret")
	p, err := oauth.NewGitHub(oauth.GitHubConfig{ClientID: "gh-client", ClientSecret: "gh-secret", RedirectURL: redirect,
		BaseURL: fake.URL, APIURL: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		verified bool
		email    string
	}{
		{"verified primary e-mail", true, "octo@example.com"},
		{"unverified primary e-mail is not used", false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake.SetUser(oauthtest.User{Subject: "583231", Login: "octocat", Name: "The Octocat", Email: "octo@example.com", EmailVerified: tt.verified})
			f, code := runFlow(t, p, fake)
			id, err := p.Exchange(context.Background(), code, f)
			if err != nil {
				t.Fatal(err)
			}
			if id.Subject != "583231" || id.Login != "octocat" || id.Email != tt.email || id.EmailVerified != tt.verified {
				t.Fatalf("identity = %+v", id)
			}
		})
	}
	f, code := runFlow(t, p, fake)
	f.Verifier = strings.Repeat("y", 43)
	if _, err := p.Exchange(context.Background(), code, f); err == nil {
		t.Fatal("GitHub exchange with a wrong PKCE verifier succeeded")
	}
	if fails, _ := fake.Counts(); fails != 1 {
		t.Fatalf("PKCE failures = %d, want 1", fails)
	}
	if _, err := p.Exchange(context.Background(), "not-a-code", f); err == nil {
		t.Fatal("GitHub exchange of an unknown code succeeded")
	}
}
