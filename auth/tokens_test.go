package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const testSecret = "0123456789abcdef0123456789abcdef-test"

func newTestTokens(t *testing.T) *Tokens {
	t.Helper()
	tk, err := NewTokens(testSecret, "https://vega.example", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestIssuedTokenVerifiesWithItsClaims(t *testing.T) {
	tk := newTestTokens(t)
	tok, exp, err := tk.Issue(42, "admin", "fam")
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(exp); d < 14*time.Minute || d > 15*time.Minute {
		t.Fatalf("expires in %s, want about 15m", d)
	}
	c, err := tk.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.UserID() != 42 || c.Role != "admin" || c.SessionID != "fam" || c.Issuer != "https://vega.example" || c.ID == "" {
		t.Fatalf("claims = %+v", c)
	}
	other, _, _ := tk.Issue(42, "admin", "fam")
	if oc, _ := tk.Verify(other); oc.ID == c.ID {
		t.Fatal("two tokens share a jti")
	}
}

func TestVerifyRefusesForgedAndStaleTokens(t *testing.T) {
	tk := newTestTokens(t)
	now := time.Now()
	good := func() AccessClaims {
		return AccessClaims{Role: "user", SessionID: "fam", RegisteredClaims: jwt.RegisteredClaims{
			Issuer: tk.Issuer(), Subject: "7", ID: "x",
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
		}}
	}
	with := func(edit func(*AccessClaims)) AccessClaims { c := good(); edit(&c); return c }
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	hs256 := func(c AccessClaims) string { return sign(t, jwt.SigningMethodHS256, []byte(testSecret), c) }

	tests := map[string]string{
		"alg none":         sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good()),
		"HS512 same key":   sign(t, jwt.SigningMethodHS512, []byte(testSecret), good()),
		"HS384 same key":   sign(t, jwt.SigningMethodHS384, []byte(testSecret), good()),
		"RS256":            sign(t, jwt.SigningMethodRS256, rsaKey, good()),
		"wrong secret":     sign(t, jwt.SigningMethodHS256, []byte(strings.Repeat("x", 40)), good()),
		"expired":          hs256(with(func(c *AccessClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Second)) })),
		"no exp":           hs256(with(func(c *AccessClaims) { c.ExpiresAt = nil })),
		"iat in future":    hs256(with(func(c *AccessClaims) { c.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour)) })),
		"no iat":           hs256(with(func(c *AccessClaims) { c.IssuedAt = nil })),
		"nbf in future":    hs256(with(func(c *AccessClaims) { c.NotBefore = jwt.NewNumericDate(now.Add(time.Hour)) })),
		"wrong issuer":     hs256(with(func(c *AccessClaims) { c.Issuer = "https://evil.example" })),
		"sub not a number": hs256(with(func(c *AccessClaims) { c.Subject = "admin" })),
		"sub zero":         hs256(with(func(c *AccessClaims) { c.Subject = "0" })),
		"no session":       hs256(with(func(c *AccessClaims) { c.SessionID = "" })),
		"garbage":          "not.a.jwt",
		"empty":            "",
		"truncated":        hs256(good())[:40],
	}
	if _, err := tk.Verify(hs256(good())); err != nil {
		t.Fatalf("the control token is refused: %v", err)
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			if c, err := tk.Verify(tok); err == nil || !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("Verify = %+v, %v; want ErrInvalidToken", c, err)
			}
		})
	}
}

func TestNewTokensNeedsALongSecret(t *testing.T) {
	if _, err := NewTokens("short", "", time.Minute); err == nil {
		t.Fatal("a short secret was accepted")
	}
	tk, err := NewTokens(testSecret, "", time.Minute)
	if err != nil || tk.Issuer() != DefaultIssuer {
		t.Fatalf("default issuer = %q, %v", tk.Issuer(), err)
	}
}
