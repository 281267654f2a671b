// Package oauthtest is a fake OAuth 2.0 / OpenID Connect provider for
// tests, built on net/http/httptest. One Server plays both an OpenID
// Connect issuer (discovery, keys, authorize, token, userinfo) and GitHub
// (/login/oauth/authorize, /login/oauth/access_token, /user,
// /user/emails).
//
// It checks what a real provider checks: the client's credentials, the
// redirect URI, and the PKCE verifier against the S256 challenge sent to
// the authorization endpoint. ID tokens are signed with a real RSA key
// whose public half the keys endpoint publishes. Tests steer it through
// its exported fields: who signs in, and how to spoil the ID token.
package oauthtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// User is who signs in at the fake provider.
type User struct {
	Subject       string // "sub", or GitHub's numeric id
	Email         string
	EmailVerified bool
	Login         string // preferred_username, or GitHub's login
	Name          string
}

// Server is a fake provider. Set its fields before a flow starts; read
// its counters after.
type Server struct {
	// URL is the server's base URL, the OpenID Connect issuer.
	URL string
	// ClientID and ClientSecret are the only credentials accepted.
	ClientID, ClientSecret string

	mu sync.Mutex
	// User is who signs in next.
	User User
	// Deny makes the authorization endpoint answer error=access_denied.
	Deny bool
	// EmailInIDToken puts the e-mail claims in the ID token; otherwise
	// they are only at the userinfo endpoint.
	EmailInIDToken bool
	// Claims, when set, edits the ID token's claims before signing (to
	// spoil the nonce or the audience).
	Claims func(map[string]any)
	// SignWithOtherKey signs ID tokens with a key the keys endpoint does
	// not publish.
	SignWithOtherKey bool
	// PKCEFailures counts token requests refused because the verifier did
	// not match the challenge.
	PKCEFailures int
	// Tokens counts access tokens issued.
	Tokens int

	key, otherKey *rsa.PrivateKey
	codes         map[string]*grant
	access        map[string]User
	srv           *httptest.Server
}

// grant is an authorization code waiting for the token endpoint.
type grant struct {
	user        User
	challenge   string
	nonce       string
	redirectURI string
	used        bool
}

// keyID names the signing key in the JWKS.
const keyID = "test-key"

// New starts a fake provider accepting clientID and clientSecret; it stops
// when the test ends.
func New(t testing.TB, clientID, clientSecret string) *Server {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ClientID: clientID, ClientSecret: clientSecret, key: key, otherKey: other,
		codes: map[string]*grant{}, access: map[string]User{}, EmailInIDToken: true}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("GET /keys", s.keys)
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("GET /userinfo", s.userinfo)
	mux.HandleFunc("GET /login/oauth/authorize", s.authorize)
	mux.HandleFunc("POST /login/oauth/access_token", s.token)
	mux.HandleFunc("GET /user", s.githubUser)
	mux.HandleFunc("GET /user/emails", s.githubEmails)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// SetUser sets who signs in next.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.User = u
}

// Set runs edit with the server locked, to change its knobs.
func (s *Server) Set(edit func(*Server)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	edit(s)
}

// Counts returns PKCEFailures and Tokens.
func (s *Server) Counts() (pkceFailures, tokens int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.PKCEFailures, s.Tokens
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 200, map[string]any{
		"issuer":                                s.URL,
		"authorization_endpoint":                s.URL + "/authorize",
		"token_endpoint":                        s.URL + "/token",
		"userinfo_endpoint":                     s.URL + "/userinfo",
		"jwks_uri":                              s.URL + "/keys",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

func (s *Server) keys(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &s.key.PublicKey, KeyID: keyID, Algorithm: string(jose.RS256), Use: "sig"},
	}})
}

// authorize plays the consent screen: it checks the request and redirects
// straight back with a code (or error=access_denied when Deny is set).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("client_id") != s.ClientID:
		http.Error(w, "unknown client_id", 400)
		return
	case err != nil || redirect.Scheme == "" || q.Get("redirect_uri") == "":
		http.Error(w, "bad redirect_uri", 400)
		return
	case q.Get("response_type") != "code":
		http.Error(w, "response_type must be code", 400)
		return
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		http.Error(w, "PKCE with S256 is required", 400)
		return
	case q.Get("state") == "":
		http.Error(w, "state is required", 400)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	if s.Deny {
		back.Set("error", "access_denied")
		back.Set("error_description", "The user said no <script>")
	} else {
		code := random()
		s.codes[code] = &grant{user: s.User, challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirectURI: q.Get("redirect_uri")}
		back.Set("code", code)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// token trades a code for tokens, checking the client, the redirect URI
// and the PKCE verifier.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, 400, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.ClientID || secret != s.ClientSecret {
		writeJSON(w, 401, map[string]string{"error": "invalid_client"})
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		writeJSON(w, 400, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.codes[r.PostForm.Get("code")]
	if g == nil || g.used || g.redirectURI != r.PostForm.Get("redirect_uri") {
		writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "bad code"})
		return
	}
	g.used = true
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if r.PostForm.Get("code_verifier") == "" || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		s.PKCEFailures++
		writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "PKCE verification failed"})
		return
	}
	access := random()
	s.access[access] = g.user
	s.Tokens++
	out := map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 3600}
	if !strings.HasPrefix(r.URL.Path, "/login/") {
		out["id_token"] = s.idToken(g)
	}
	writeJSON(w, 200, out)
}

// idToken signs the ID token of a grant.
func (s *Server) idToken(g *grant) string {
	now := time.Now()
	claims := map[string]any{
		"iss": s.URL, "sub": g.user.Subject, "aud": s.ClientID, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"nonce": g.nonce, "name": g.user.Name, "preferred_username": g.user.Login,
	}
	if s.EmailInIDToken {
		claims["email"], claims["email_verified"] = g.user.Email, g.user.EmailVerified
	}
	if s.Claims != nil {
		s.Claims(claims)
	}
	key := s.key
	if s.SignWithOtherKey {
		key = s.otherKey
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: keyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		panic(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
	sig, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	out, err := sig.CompactSerialize()
	if err != nil {
		panic(err)
	}
	return out
}

// bearer returns the user of the request's access token.
func (s *Server) bearer(r *http.Request) (User, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return User{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.access[tok]
	return u, ok
}

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	u, ok := s.bearer(r)
	if !ok {
		writeJSON(w, 401, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, 200, map[string]any{"sub": u.Subject, "email": u.Email, "email_verified": u.EmailVerified,
		"name": u.Name, "preferred_username": u.Login})
}

func (s *Server) githubUser(w http.ResponseWriter, r *http.Request) {
	u, ok := s.bearer(r)
	if !ok {
		writeJSON(w, 401, map[string]string{"message": "Bad credentials"})
		return
	}
	// GitHub's id is a number; its public e-mail is often null.
	writeJSON(w, 200, json.RawMessage(`{"id":`+u.Subject+`,"login":`+quote(u.Login)+`,"name":`+quote(u.Name)+`,"email":null}`))
}

func (s *Server) githubEmails(w http.ResponseWriter, r *http.Request) {
	u, ok := s.bearer(r)
	if !ok {
		writeJSON(w, 401, map[string]string{"message": "Bad credentials"})
		return
	}
	writeJSON(w, 200, []map[string]any{
		{"email": "old-" + u.Email, "primary": false, "verified": true},
		{"email": u.Email, "primary": true, "verified": u.EmailVerified},
	})
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Authorize visits authURL as the user's browser would, without following
// the redirect, and returns where the fake sent the browser back: the
// client's redirect URI with code and state (or error).
func (s *Server) Authorize(t testing.TB, authURL string) *url.URL {
	t.Helper()
	if !strings.HasPrefix(authURL, s.URL+"/") {
		t.Fatalf("authorization URL %q is not at the fake provider %s", authURL, s.URL)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("fake authorize %s = %d, want 302", authURL, resp.StatusCode)
	}
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return back
}
