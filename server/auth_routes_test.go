package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"

	"github.com/vega-ai/vega/auth"
	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
)

// claimsOf reads an access token's claims without verifying it.
func claimsOf(t *testing.T, token string) *auth.AccessClaims {
	t.Helper()
	c := &auth.AccessClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// hmacJWT builds a compact JWT by hand: header and claims as given, signed
// with HMAC-SHA256 under key whatever the header claims.
func hmacJWT(header, claims any, key []byte) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func TestForgedAndStaleTokensAreRefused(t *testing.T) {
	ts := newAuthTestServer(t)
	_, pair := ts.authUser(t, "alice")
	_, gone := ts.authUser(t, "mallory")
	signedOut := ts.authLogin(t, "alice", "password-alice")
	if ts.status(t, "POST", "/api/auth/logout", "", refreshBody{signedOut.RefreshToken}) != http.StatusNoContent {
		t.Fatal("logout failed")
	}
	if err := ts.Store.DeleteUser(context.Background(), claimsOf(t, gone.Token).UserID()); err != nil {
		t.Fatal(err)
	}

	secret := []byte(ts.Cfg.Secret)
	real := claimsOf(t, pair.Token)
	now := time.Now()
	claims := func(edit func(*auth.AccessClaims)) *auth.AccessClaims {
		c := *real
		c.IssuedAt = jwt.NewNumericDate(now)
		c.ExpiresAt = jwt.NewNumericDate(now.Add(10 * time.Minute))
		if edit != nil {
			edit(&c)
		}
		return &c
	}
	sign := func(m jwt.SigningMethod, key any, c jwt.Claims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if got := ts.status(t, "GET", "/api/me", sign(jwt.SigningMethodHS256, secret, claims(nil)), nil); got != 200 {
		t.Fatalf("control: a correctly signed token = %d, want 200", got)
	}

	bearer := func(tok string) string { return "Bearer " + tok }
	tests := []struct{ name, authorization string }{
		{"no header", ""},
		{"alg none", bearer(sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)))},
		{"alg none, empty signature by hand", bearer(func() string {
			p := strings.Split(hmacJWT(map[string]string{"alg": "none", "typ": "JWT"}, claims(nil), secret), ".")
			return p[0] + "." + p[1] + "."
		}())},
		{"alg none header, HMAC signature", bearer(hmacJWT(map[string]string{"alg": "none", "typ": "JWT"}, claims(nil), secret))},
		{"alg HS256 in lower case", bearer(hmacJWT(map[string]string{"alg": "hs256", "typ": "JWT"}, claims(nil), secret))},
		{"HS512 with the secret", bearer(sign(jwt.SigningMethodHS512, secret, claims(nil)))},
		{"HS384 with the secret", bearer(sign(jwt.SigningMethodHS384, secret, claims(nil)))},
		{"RS256 signed with an RSA key", bearer(sign(jwt.SigningMethodRS256, rsaKey, claims(nil)))},
		{"RS256 header, HMAC with the secret", bearer(hmacJWT(map[string]string{"alg": "RS256", "typ": "JWT"}, claims(nil), secret))},
		{"wrong secret", bearer(sign(jwt.SigningMethodHS256, []byte(strings.Repeat("w", 40)), claims(nil)))},
		{"expired", bearer(sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.AccessClaims) {
			c.IssuedAt, c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour)), jwt.NewNumericDate(now.Add(-time.Minute))
		})))},
		{"without exp", bearer(sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.AccessClaims) { c.ExpiresAt = nil })))},
		{"issued in the future", bearer(sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.AccessClaims) {
			c.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour))
		})))},
		{"not valid yet", bearer(sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.AccessClaims) {
			c.NotBefore = jwt.NewNumericDate(now.Add(time.Hour))
		})))},
		{"wrong issuer", bearer(sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.AccessClaims) { c.Issuer = "https://evil.example" })))},
		{"another user's id", bearer(sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.AccessClaims) { c.Subject = "999" })))},
		{"someone else's session", bearer(sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.AccessClaims) { c.SessionID = "made-up" })))},
		{"malformed: two segments", bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0")},
		{"malformed: tampered claims", bearer(func() string {
			p := strings.Split(pair.Token, ".")
			p[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"1","role":"admin","sid":"` + real.SessionID + `","iss":"` + real.Issuer + `","exp":9999999999,"iat":1}`))
			return strings.Join(p, ".")
		}())},
		{"garbage", bearer("garbage")},
		{"missing Bearer scheme", pair.Token},
		{"Basic scheme", "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:password-alice"))},
		{"Bearer without token", "Bearer "},
		{"valid token of a deleted user", bearer(gone.Token)},
		{"valid token of a signed-out session", bearer(signedOut.Token)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/api/me", nil)
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			resp, body := ts.do(t, req)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status = %d %s, want 401", resp.StatusCode, body)
			}
			if !strings.Contains(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("content type %q, want JSON", resp.Header.Get("Content-Type"))
			}
			apiErrorOf(t, body)
		})
	}
	if got := ts.status(t, "GET", "/api/me", pair.Token, nil); got != 200 {
		t.Fatalf("the real token stopped working: %d", got)
	}
}

func TestLoginReturnsTheExtensionsTokenShape(t *testing.T) {
	ts := newAuthTestServer(t)
	ts.authRegister(t, "alice", "correct horse")
	resp, body := ts.doJSON(t, "POST", "/api/auth/login", "", credentials{"alice", "correct horse"})
	if resp.StatusCode != 200 {
		t.Fatalf("login = %d %s", resp.StatusCode, body)
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"token", "refresh_token", "expires_at", "token_type"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("login answer lacks %q: %s", k, body)
		}
	}
	pair := decodeAs[TokenResponse](t, body)
	if pair.TokenType != "Bearer" || pair.Token == "" || !auth.WellFormedSessionToken(pair.RefreshToken) {
		t.Fatalf("pair = %+v", pair)
	}
	if d := time.Until(time.Unix(pair.ExpiresAt, 0)); d < 14*time.Minute || d > 15*time.Minute+time.Second {
		t.Fatalf("expires_at is %s away, want about 15m", d)
	}
	c := claimsOf(t, pair.Token)
	if c.Issuer != ts.Cfg.BaseURL || c.Role != "admin" || c.ID == "" || c.ExpiresAt.Unix() != pair.ExpiresAt || c.IssuedAt == nil {
		t.Fatalf("claims = %+v", c)
	}

	resp, body = ts.doJSON(t, "GET", "/api/me", pair.Token, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("/api/me = %d %s", resp.StatusCode, body)
	}
	me := decodeAs[map[string]any](t, body)
	if me["username"] != "alice" || me["role"] != "admin" || me["has_password"] != true || me["created_at"] == nil {
		t.Fatalf("/api/me = %s", body)
	}
	if ids, ok := me["identities"].([]any); !ok || len(ids) != 0 {
		t.Fatalf("identities = %#v, want []", me["identities"])
	}
	last, err := time.Parse(time.RFC3339Nano, fmt.Sprint(me["last_login"]))
	if err != nil || time.Since(last) > time.Minute {
		t.Fatalf("last_login = %v (%v), want just now", me["last_login"], err)
	}
	if strings.Contains(string(body), "$2a$") || strings.Contains(string(body), `"password":`) {
		t.Fatalf("/api/me leaks the password hash: %s", body)
	}
}

func TestUnknownUserAndWrongPasswordLookAlike(t *testing.T) {
	ts := newAuthTestServer(t)
	ts.authRegister(t, "alice", "correct horse")
	wrongResp, wrongBody := ts.doJSON(t, "POST", "/api/auth/login", "", credentials{"alice", "wrong horse"})
	if ts.acct.dummy != "" {
		t.Fatal("the dummy hash was computed for a known user")
	}
	unknownResp, unknownBody := ts.doJSON(t, "POST", "/api/auth/login", "", credentials{"nobody", "wrong horse"})
	if wrongResp.StatusCode != 401 || unknownResp.StatusCode != 401 || string(wrongBody) != string(unknownBody) {
		t.Fatalf("wrong password = %d %s; unknown user = %d %s", wrongResp.StatusCode, wrongBody, unknownResp.StatusCode, unknownBody)
	}
	if e := apiErrorOf(t, unknownBody); e.Error != "invalid username or password" {
		t.Fatalf("message = %q", e.Error)
	}
	if !strings.HasPrefix(ts.acct.dummy, "$2a$10$") {
		t.Fatalf("an unknown user was not checked against a dummy hash at the configured cost (%q)", ts.acct.dummy)
	}
	// A user without a password (OAuth only) answers the same.
	if err := ts.Store.CreateUser(context.Background(), &models.User{Username: "oauthonly"}); err != nil {
		t.Fatal(err)
	}
	resp, body := ts.doJSON(t, "POST", "/api/auth/login", "", credentials{"oauthonly", "wrong horse"})
	if resp.StatusCode != 401 || string(body) != string(unknownBody) {
		t.Fatalf("password-less user = %d %s", resp.StatusCode, body)
	}
	// The username is compared case-insensitively and trimmed.
	ts.authLogin(t, " ALICE ", "correct horse")
}

func TestRegisterValidatesAndRefusesTakenNames(t *testing.T) {
	ts := newAuthTestServer(t)
	u := ts.authRegister(t, "Alice", strings.Repeat("p", 72))
	if u.ID == 0 || u.Username != "Alice" || u.CreatedAt.IsZero() {
		t.Fatalf("registered user = %+v", u)
	}
	tests := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"73-byte password", credentials{"bob", strings.Repeat("p", 73)}, 400, "password"},
		{"short password", credentials{"bob", "short"}, 400, "password"},
		{"no password", credentials{"bob", ""}, 400, "password"},
		{"no username", credentials{"", "long enough"}, 400, "username"},
		{"short username", credentials{"bo", "long enough"}, 400, "username"},
		{"long username", credentials{strings.Repeat("b", 65), "long enough"}, 400, "username"},
		{"odd characters", credentials{"bob smith", "long enough"}, 400, "username"},
		{"taken in another case", credentials{"alice", "long enough"}, 409, ""},
		{"not JSON", "username=bob", 400, ""},
		{"wrong type", `{"username": 7, "password": "long enough"}`, 400, ""},
		{"trailing data", `{"username": "bob", "password": "long enough"} {}`, 400, ""},
		{"empty body", "", 400, ""},
		{"huge body", `{"username": "bob", "password": "` + strings.Repeat("x", 20<<10) + `"}`, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/api/auth/register", nil)
			switch b := tt.body.(type) {
			case string:
				req = httptest.NewRequest("POST", "/api/auth/register", strings.NewReader(b))
			default:
				buf, _ := json.Marshal(b)
				req = httptest.NewRequest("POST", "/api/auth/register", strings.NewReader(string(buf)))
			}
			req.Header.Set("Content-Type", "application/json")
			resp, body := ts.do(t, req)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d %s, want %d", resp.StatusCode, body, tt.status)
			}
			e := apiErrorOf(t, body)
			if tt.field != "" && e.Fields[tt.field] == "" {
				t.Fatalf("no message for field %q: %s", tt.field, body)
			}
		})
	}
	if n, _ := ts.Store.CountUsers(context.Background()); n != 1 {
		t.Fatalf("%d users after refused registrations, want 1", n)
	}
}

func TestFirstAccountBecomesAdmin(t *testing.T) {
	ts := newAuthTestServer(t)
	if u := ts.authRegister(t, "first", "long enough"); u.Role != models.RoleAdmin {
		t.Fatalf("first account role = %s, want admin", u.Role)
	}
	if u := ts.authRegister(t, "second", "long enough"); u.Role != models.RoleUser {
		t.Fatalf("second account role = %s, want user", u.Role)
	}
}

func TestFirstAccountIsAdminEvenUnderARace(t *testing.T) {
	ts := newAuthTestServer(t)
	const n = 6
	var wg sync.WaitGroup
	roles := make([]models.Role, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			roles[i] = ts.authRegister(t, fmt.Sprint("racer", i), "long enough").Role
		}()
	}
	wg.Wait()
	admins := 0
	for _, r := range roles {
		if r == models.RoleAdmin {
			admins++
		}
	}
	users, _ := ts.Store.Users(context.Background())
	if admins != 1 || users[0].Role != models.RoleAdmin {
		t.Fatalf("roles = %v (oldest is %s), want exactly one admin, the oldest", roles, users[0].Role)
	}
}

func TestClosedRegistrationIs403(t *testing.T) {
	ts := newAuthTestServer(t, func(c *config.Config) { c.RegistrationOpen = false })
	resp, body := ts.doJSON(t, "POST", "/api/auth/register", "", credentials{"alice", "long enough"})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(apiErrorOf(t, body).Error, "registration is closed") {
		t.Fatalf("register when closed = %d %s", resp.StatusCode, body)
	}
}

func TestRefreshRotatesAndReuseRevokesTheSession(t *testing.T) {
	ts := newAuthTestServer(t)
	_, first := ts.authUser(t, "alice")
	resp, body := ts.doJSON(t, "POST", "/api/auth/refresh", "", refreshBody{first.RefreshToken})
	if resp.StatusCode != 200 {
		t.Fatalf("refresh = %d %s", resp.StatusCode, body)
	}
	second := decodeAs[TokenResponse](t, body)
	if second.TokenType != "Bearer" || second.Token == first.Token || second.RefreshToken == first.RefreshToken || second.ExpiresAt == 0 {
		t.Fatalf("refreshed pair = %+v", second)
	}
	if claimsOf(t, second.Token).SessionID != claimsOf(t, first.Token).SessionID {
		t.Fatal("the refreshed token belongs to another session")
	}
	if got := ts.status(t, "GET", "/api/me", second.Token, nil); got != 200 {
		t.Fatalf("refreshed access token = %d", got)
	}

	// The first refresh token was rotated out: presenting it again means a
	// copy exists, so the whole session dies, newest token included.
	resp, body = ts.doJSON(t, "POST", "/api/auth/refresh", "", refreshBody{first.RefreshToken})
	if resp.StatusCode != 401 {
		t.Fatalf("reused refresh token = %d %s, want 401", resp.StatusCode, body)
	}
	apiErrorOf(t, body)
	if got := ts.status(t, "POST", "/api/auth/refresh", "", refreshBody{second.RefreshToken}); got != 401 {
		t.Fatalf("newest refresh token after reuse = %d, want 401", got)
	}
	if got := ts.status(t, "GET", "/api/me", second.Token, nil); got != 401 {
		t.Fatalf("access token of the revoked session = %d, want 401", got)
	}
	// Signing in again still works.
	ts.authLogin(t, "alice", "password-alice")
}

func TestRefreshRefusesBadInput(t *testing.T) {
	ts := newAuthTestServer(t)
	_, pair := ts.authUser(t, "alice")
	for name, tc := range map[string]struct {
		body   any
		status int
	}{
		"missing":            {map[string]string{}, 400},
		"garbage":            {refreshBody{"garbage"}, 401},
		"unknown":            {refreshBody{strings.Repeat("A", 43)}, 401},
		"the access token":   {refreshBody{pair.Token}, 401},
		"not JSON":           {"refresh", 400},
		"refresh as a field": {`{"refresh_token": 5}`, 400},
	} {
		if got := ts.status(t, "POST", "/api/auth/refresh", "", tc.body); got != tc.status {
			t.Errorf("%s: status %d, want %d", name, got, tc.status)
		}
	}
}

func TestExpiredRefreshTokenIsRefused(t *testing.T) {
	ts := newAuthTestServer(t)
	_, pair := ts.authUser(t, "alice")
	hash := auth.HashSessionToken(pair.RefreshToken)
	if err := ts.DB.Write.Exec("UPDATE sessions SET expires_at = ? WHERE token_hash = ?", time.Now().Add(-time.Second).UTC(), hash).Error; err != nil {
		t.Fatal(err)
	}
	if got := ts.status(t, "POST", "/api/auth/refresh", "", refreshBody{pair.RefreshToken}); got != 401 {
		t.Fatalf("expired refresh token = %d, want 401", got)
	}
	if got := ts.status(t, "GET", "/api/me", pair.Token, nil); got != 401 {
		t.Fatalf("access token of an expired session = %d, want 401", got)
	}
}

func TestLogoutRevokesTheSession(t *testing.T) {
	ts := newAuthTestServer(t)
	_, pair := ts.authUser(t, "alice")
	other := ts.authLogin(t, "alice", "password-alice")
	if got := ts.status(t, "POST", "/api/auth/logout", "", refreshBody{pair.RefreshToken}); got != 204 {
		t.Fatalf("logout = %d", got)
	}
	if got := ts.status(t, "POST", "/api/auth/refresh", "", refreshBody{pair.RefreshToken}); got != 401 {
		t.Fatalf("refresh after logout = %d", got)
	}
	if got := ts.status(t, "GET", "/api/me", pair.Token, nil); got != 401 {
		t.Fatalf("access token after logout = %d", got)
	}
	if got := ts.status(t, "GET", "/api/me", other.Token, nil); got != 200 {
		t.Fatalf("another session was signed out too: %d", got)
	}
	if got := ts.status(t, "POST", "/api/auth/logout", "", refreshBody{pair.RefreshToken}); got != 204 {
		t.Fatalf("second logout = %d, want 204 (idempotent)", got)
	}
	if got := ts.status(t, "POST", "/api/auth/logout", "", map[string]string{}); got != 400 {
		t.Fatalf("logout without a token = %d, want 400", got)
	}
}

func TestFailedSignInsAreRateLimited(t *testing.T) {
	ts := newAuthTestServer(t)
	ts.authRegister(t, "alice", "correct horse")
	for i := 1; i <= 10; i++ {
		if got := ts.status(t, "POST", "/api/auth/login", "", credentials{"alice", "wrong " + strconv.Itoa(i)}); got != 401 {
			t.Fatalf("failed attempt %d = %d, want 401", i, got)
		}
	}
	resp, body := ts.doJSON(t, "POST", "/api/auth/login", "", credentials{"alice", "wrong 11"})
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("11th failed attempt = %d %s, want 429", resp.StatusCode, body)
	}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 15*60 {
		t.Fatalf("Retry-After = %q", resp.Header.Get("Retry-After"))
	}
	apiErrorOf(t, body)
	if got := ts.status(t, "POST", "/api/auth/login", "", credentials{"alice", "correct horse"}); got != 429 {
		t.Fatalf("the right password during the lockout = %d, want 429", got)
	}
	// The same address is also locked out for other usernames.
	if got := ts.status(t, "POST", "/api/auth/login", "", credentials{"bob", "whatever1"}); got != 429 {
		t.Fatalf("another username from the same address = %d, want 429", got)
	}
}

func TestSuccessfulSignInsDoNotCountTowardsTheLimit(t *testing.T) {
	ts := newAuthTestServer(t)
	ts.authRegister(t, "alice", "correct horse")
	for range 12 {
		ts.authLogin(t, "alice", "correct horse")
	}
}

func TestRegistrationIsRateLimitedPerAddress(t *testing.T) {
	ts := newAuthTestServer(t)
	for i := range 10 {
		ts.authRegister(t, fmt.Sprint("user", i), "long enough")
	}
	resp, _ := ts.doJSON(t, "POST", "/api/auth/register", "", credentials{"user10", "long enough"})
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("11th registration = %d (Retry-After %q), want 429", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestSessionsBelongToTheirUser(t *testing.T) {
	ts := newAuthTestServer(t)
	_, alice := ts.authUser(t, "alice")
	alice2 := ts.authLogin(t, "alice", "password-alice")
	_, bob := ts.authUser(t, "bob")

	resp, body := ts.doJSON(t, "GET", "/api/me/sessions", alice.Token, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("sessions = %d %s", resp.StatusCode, body)
	}
	list := decodeAs[[]sessionView](t, body)
	if len(list) != 2 {
		t.Fatalf("alice has %d sessions, want 2: %s", len(list), body)
	}
	var current, otherID int64
	for _, s := range list {
		if s.Kind != models.SessionAPI || s.CreatedAt.IsZero() || s.LastUsedAt.IsZero() {
			t.Fatalf("session = %+v", s)
		}
		if s.Current {
			current = s.ID
		} else {
			otherID = s.ID
		}
	}
	if current == 0 || otherID == 0 {
		t.Fatalf("want exactly one current session: %s", body)
	}

	bobList := decodeAs[[]sessionView](t, func() []byte { _, b := ts.doJSON(t, "GET", "/api/me/sessions", bob.Token, nil); return b }())
	if len(bobList) != 1 || bobList[0].ID == current || bobList[0].ID == otherID {
		t.Fatalf("bob's sessions = %+v", bobList)
	}
	if got := ts.status(t, "DELETE", "/api/me/sessions/"+strconv.FormatInt(otherID, 10), bob.Token, nil); got != 404 {
		t.Fatalf("bob deleting alice's session = %d, want 404", got)
	}
	if got := ts.status(t, "GET", "/api/me", alice2.Token, nil); got != 200 {
		t.Fatalf("alice's session died after bob's attempt: %d", got)
	}
	if got := ts.status(t, "DELETE", "/api/me/sessions/"+strconv.FormatInt(otherID, 10), alice.Token, nil); got != 204 {
		t.Fatalf("alice deleting her other session = %d", got)
	}
	if got := ts.status(t, "GET", "/api/me", alice2.Token, nil); got != 401 {
		t.Fatalf("the deleted session's token = %d, want 401", got)
	}
	if got := ts.status(t, "DELETE", "/api/me/sessions/nope", alice.Token, nil); got != 404 {
		t.Fatalf("bad session id = %d, want 404", got)
	}
	if got := ts.status(t, "DELETE", "/api/me/sessions", alice.Token, nil); got != 204 {
		t.Fatalf("sign out everywhere = %d", got)
	}
	if got := ts.status(t, "GET", "/api/me", alice.Token, nil); got != 401 {
		t.Fatalf("token after signing out everywhere = %d, want 401", got)
	}
	if got := ts.status(t, "GET", "/api/me", bob.Token, nil); got != 200 {
		t.Fatalf("bob was signed out by alice: %d", got)
	}
}

func TestChangePasswordKeepsOnlyTheCurrentSession(t *testing.T) {
	ts := newAuthTestServer(t)
	_, cur := ts.authUser(t, "alice")
	other := ts.authLogin(t, "alice", "password-alice")
	web := newBrowser(ts)
	web.signIn(t, "alice", "password-alice")

	for name, tc := range map[string]struct {
		body  passwordChange
		field string
	}{
		"wrong current":   {passwordChange{"nope-nope", "new password"}, "current_password"},
		"missing current": {passwordChange{"", "new password"}, "current_password"},
		"new too long":    {passwordChange{"password-alice", strings.Repeat("n", 73)}, "new_password"},
		"new too short":   {passwordChange{"password-alice", "short"}, "new_password"},
	} {
		resp, body := ts.doJSON(t, "POST", "/api/me/password", cur.Token, tc.body)
		if resp.StatusCode != 400 || apiErrorOf(t, body).Fields[tc.field] == "" {
			t.Errorf("%s: %d %s, want 400 on %s", name, resp.StatusCode, body, tc.field)
		}
	}
	if got := ts.status(t, "POST", "/api/me/password", cur.Token, passwordChange{"password-alice", "new password"}); got != 204 {
		t.Fatalf("change password = %d", got)
	}
	if got := ts.status(t, "GET", "/api/me", cur.Token, nil); got != 200 {
		t.Fatalf("the session that changed the password = %d, want 200", got)
	}
	if got := ts.status(t, "GET", "/api/me", other.Token, nil); got != 401 {
		t.Fatalf("another API session after a password change = %d, want 401", got)
	}
	if resp, _ := web.get(t, "/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the dashboard session after a password change = %d, want a redirect to /login", resp.StatusCode)
	}
	if got := ts.status(t, "POST", "/api/auth/login", "", credentials{"alice", "password-alice"}); got != 401 {
		t.Fatalf("old password = %d", got)
	}
	ts.authLogin(t, "alice", "new password")
}

func TestUserWithoutPasswordSetsOneAndConfirmsDeletionByName(t *testing.T) {
	ts := newAuthTestServer(t)
	u := &models.User{Username: "oauthonly"}
	if err := ts.Store.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	// issueTokenPair is what an OAuth callback calls after identifying u.
	ts.App().Post("/test/issue", func(c *fiber.Ctx) error {
		pair, err := ts.issueTokenPair(c, u.ID)
		if err != nil {
			return err
		}
		return c.JSON(pair)
	})
	resp, body := ts.doJSON(t, "POST", "/test/issue", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("issueTokenPair = %d %s", resp.StatusCode, body)
	}
	pair := decodeAs[TokenResponse](t, body)
	_, body = ts.doJSON(t, "GET", "/api/me", pair.Token, nil)
	if me := decodeAs[map[string]any](t, body); me["has_password"] != false || me["last_login"] == nil {
		t.Fatalf("/api/me of a password-less user = %s", body)
	}

	if got := ts.status(t, "DELETE", "/api/me", pair.Token, accountDeletion{Confirm: "someone"}); got != 400 {
		t.Fatalf("deletion with the wrong name = %d, want 400", got)
	}
	if got := ts.status(t, "POST", "/api/me/password", pair.Token, passwordChange{NewPassword: "first password"}); got != 204 {
		t.Fatalf("setting a first password = %d", got)
	}
	ts.authLogin(t, "oauthonly", "first password")
	// With a password set, deletion needs it.
	if got := ts.status(t, "DELETE", "/api/me", pair.Token, accountDeletion{Confirm: "oauthonly"}); got != 400 {
		t.Fatalf("deletion by name once a password exists = %d, want 400", got)
	}
}

func TestDeleteAccount(t *testing.T) {
	ts := newAuthTestServer(t)
	_, pair := ts.authUser(t, "alice")
	other := ts.authLogin(t, "alice", "password-alice")
	_, bob := ts.authUser(t, "bob")
	if got := ts.status(t, "DELETE", "/api/me", pair.Token, accountDeletion{Password: "wrong-password"}); got != 400 {
		t.Fatalf("deletion with a wrong password = %d, want 400", got)
	}
	if got := ts.status(t, "DELETE", "/api/me", pair.Token, nil); got != 400 {
		t.Fatalf("deletion without a body = %d, want 400", got)
	}
	if got := ts.status(t, "DELETE", "/api/me", pair.Token, accountDeletion{Password: "password-alice"}); got != 204 {
		t.Fatalf("deletion = %d", got)
	}
	for _, tok := range []string{pair.Token, other.Token} {
		if got := ts.status(t, "GET", "/api/me", tok, nil); got != 401 {
			t.Fatalf("token of a deleted account = %d, want 401", got)
		}
	}
	if got := ts.status(t, "POST", "/api/auth/refresh", "", refreshBody{other.RefreshToken}); got != 401 {
		t.Fatalf("refresh token of a deleted account = %d, want 401", got)
	}
	if got := ts.status(t, "POST", "/api/auth/login", "", credentials{"alice", "password-alice"}); got != 401 {
		t.Fatalf("sign-in to a deleted account = %d, want 401", got)
	}
	var n int64
	ts.DB.Read.Model(&models.Session{}).Where("user_id = ?", claimsOf(t, pair.Token).UserID()).Count(&n)
	if n != 0 {
		t.Fatalf("%d session rows left for the deleted user", n)
	}
	if got := ts.status(t, "GET", "/api/me", bob.Token, nil); got != 200 {
		t.Fatalf("bob affected: %d", got)
	}
}

func TestAdminBootstrapFromEnvironmentIsIdempotent(t *testing.T) {
	ts := newAuthTestServer(t)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"VEGA_ADMIN_USERNAME": "root", "VEGA_ADMIN_PASSWORD": "bootstrap-pw", "VEGA_BCRYPT_COST": "10"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, created, err := EnsureAdmin(ctx, ts.Store, cfg.AdminUsername, cfg.AdminPassword, cfg.BcryptCost)
	if err != nil || !created || u.Role != models.RoleAdmin {
		t.Fatalf("first EnsureAdmin = %+v, %t, %v", u, created, err)
	}
	again, created, err := EnsureAdmin(ctx, ts.Store, "ROOT", "another-password", 10)
	if err != nil || created || again.ID != u.ID {
		t.Fatalf("second EnsureAdmin = %+v, %t, %v; want the same user, not created", again, created, err)
	}
	if n, _ := ts.Store.CountUsers(ctx); n != 1 {
		t.Fatalf("%d users, want 1", n)
	}
	ts.authLogin(t, "root", "bootstrap-pw") // the password was not replaced
	// With an admin present, the first registered account is an ordinary user.
	if r := ts.authRegister(t, "alice", "long enough"); r.Role != models.RoleUser {
		t.Fatalf("registration after bootstrap gave role %s", r.Role)
	}
}

// TestRateLimitsAreSharedBetweenServers: failed sign-ins are counted in the
// database, so a second Vega server on the same database (or this one after
// a restart) refuses the attempt after the limit too.
func TestRateLimitsAreSharedBetweenServers(t *testing.T) {
	a := newAuthTestServer(t)
	a.authRegister(t, "alice", "correct horse")
	srv, err := New(Deps{Config: a.Cfg, DB: a.DB, Store: models.NewStore(a.DB), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	b := &testServer{Server: srv, DB: a.DB, Store: models.NewStore(a.DB), Cfg: a.Cfg}
	for i := 1; i <= 10; i++ {
		if got := a.status(t, "POST", "/api/auth/login", "", credentials{"alice", "wrong " + strconv.Itoa(i)}); got != 401 {
			t.Fatalf("failed attempt %d on server A = %d, want 401", i, got)
		}
	}
	if got := b.status(t, "POST", "/api/auth/login", "", credentials{"alice", "wrong 11"}); got != 429 {
		t.Fatalf("11th failed attempt, on server B = %d, want 429", got)
	}
}

// TestRateLimitsBehindALoadBalancerCountEachClient: with the load balancer
// trusted, each client's failures count against its own address, not the
// balancer's, so one client cannot lock everybody out.
func TestRateLimitsBehindALoadBalancerCountEachClient(t *testing.T) {
	ts := newAuthTestServer(t, func(c *config.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")} // app.Test's peer
	})
	login := func(client, username, password string) int {
		t.Helper()
		b, _ := json.Marshal(credentials{username, password})
		req := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", client)
		resp, _ := ts.do(t, req)
		return resp.StatusCode
	}
	for i := range 10 {
		if got := login("203.0.113.7", fmt.Sprint("user", i), "wrong password"); got != 401 {
			t.Fatalf("attempt %d = %d, want 401", i, got)
		}
	}
	if got := login("203.0.113.7", "user10", "wrong password"); got != 429 {
		t.Fatalf("11th failure from the same client = %d, want 429", got)
	}
	if got := login("198.51.100.9", "someone", "wrong password"); got != 401 {
		t.Fatalf("another client behind the same balancer = %d, want 401 (not locked out)", got)
	}
}
