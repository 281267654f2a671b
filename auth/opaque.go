package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// SessionTokenBytes is the size of a refresh token or session cookie value:
// 256 random bits.
const SessionTokenBytes = 32

// sessionTokenLen is the length of a SessionTokenBytes token in unpadded
// base64url.
var sessionTokenLen = base64.RawURLEncoding.EncodedLen(SessionTokenBytes)

// RandomToken returns n random bytes in unpadded base64url.
func RandomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// NewSessionToken returns a new opaque token (a refresh token or a dashboard
// session cookie) and the hash to store in its place. The token is shown to
// the client once and never stored.
func NewSessionToken() (token, hash string, err error) {
	token, err = RandomToken(SessionTokenBytes)
	if err != nil {
		return "", "", err
	}
	return token, HashSessionToken(token), nil
}

// HashSessionToken returns the hex SHA-256 of token, the form in which the
// sessions table stores it. A fast hash is enough: the token has 256 random
// bits, so there is nothing to guess.
func HashSessionToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// WellFormedSessionToken reports whether s has the shape of a token made by
// NewSessionToken, so that garbage is refused without a database lookup.
func WellFormedSessionToken(s string) bool {
	if len(s) != sessionTokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil
}

// CSRF makes and checks anti-forgery tokens for the dashboard's forms. A
// token is an HMAC, under a key derived from the server secret, of what it
// is bound to: a session (so it is valid only with that session's cookie)
// or, before sign-in, a random value kept in its own cookie.
type CSRF struct {
	key []byte
}

// NewCSRF returns a CSRF keyed from secret. The key is derived, so a CSRF
// token can never double as a signature of anything else made with secret.
func NewCSRF(secret string) *CSRF {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("vega csrf key v1"))
	return &CSRF{key: m.Sum(nil)}
}

// Token returns the CSRF token bound to binding, such as "session:42".
func (c *CSRF) Token(binding string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Valid reports, in constant time, whether token is the CSRF token bound to
// binding. An empty token or binding is never valid.
func (c *CSRF) Valid(binding, token string) bool {
	if binding == "" || token == "" {
		return false
	}
	return hmac.Equal([]byte(c.Token(binding)), []byte(token))
}
