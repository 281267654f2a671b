// Package oauth signs users in through OAuth 2.0 and OpenID Connect
// providers: Google, GitHub and any OpenID Connect issuer found by
// discovery.
//
// A sign-in is the authorization code flow with PKCE (S256). Start makes a
// Flow (random state, PKCE verifier and nonce) that the server keeps in a
// short-lived cookie sealed by a Sealer; the browser goes to the provider's
// AuthCodeURL; on the callback the server opens the cookie, compares its
// state with the one in the URL in constant time (CheckState) and trades
// the code, with the verifier, for the user's Identity (Provider.Exchange).
// OpenID Connect ID tokens are verified with github.com/coreos/go-oidc:
// signature against the issuer's published keys, issuer, audience, expiry,
// then the nonce here.
//
// The package knows nothing of Vega's users: the server decides what an
// Identity signs in to.
package oauth

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// Identity is who a provider says signed in.
type Identity struct {
	// Provider is the id of the provider ("google", "github", "oidc").
	Provider string
	// Subject is the provider's stable, unique id of the user.
	Subject string
	// Email is the user's e-mail address, if the provider shared one.
	Email string
	// EmailVerified says whether the provider verified Email.
	EmailVerified bool
	// Login is the user's username at the provider, if it has one.
	Login string
	// Name is the user's display name, if the provider shared one.
	Name string
}

// Provider is one configured OAuth or OpenID Connect provider.
type Provider interface {
	// ID is the provider's short name, used in URLs: "google", "github",
	// "oidc".
	ID() string
	// Name is the provider's name as a person reads it: "Google".
	Name() string
	// AuthCodeURL returns the provider's authorization URL for a flow: it
	// carries the state, the S256 challenge of the verifier and, for
	// OpenID Connect, the nonce. It fails only when an OpenID Connect
	// provider cannot be discovered, with an *Error.
	AuthCodeURL(ctx context.Context, f Flow) (string, error)
	// Exchange trades an authorization code for the identity that signed
	// in, sending the flow's verifier and, for OpenID Connect, checking
	// the ID token and its nonce. Every failure is an *Error.
	Exchange(ctx context.Context, code string, f Flow) (Identity, error)
}

// Error is a failed step of a sign-in. Its Error text is safe to show to
// the user; the provider's own message stays in Err, for the log.
type Error struct {
	// Step says what failed, in words fit for the user.
	Step string
	// Err is the underlying error.
	Err error
}

// Error returns the step, without the provider's message.
func (e *Error) Error() string { return e.Step }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// fail wraps err as an *Error of step.
func fail(step string, err error) error { return &Error{Step: step, Err: err} }

// Flow is what a sign-in must remember between the redirect to the
// provider and the callback. The server keeps it in a sealed cookie.
type Flow struct {
	// Provider is the id of the provider the flow was started for.
	Provider string `json:"p"`
	// State is the random value sent to the provider and expected back.
	State string `json:"s"`
	// Verifier is the PKCE code verifier; its S256 challenge goes to the
	// provider.
	Verifier string `json:"v"`
	// Nonce is the random value an OpenID Connect ID token must carry.
	Nonce string `json:"n"`
	// Mode says what the sign-in is for: ModeSignIn, ModeLink or
	// ModeExtension.
	Mode string `json:"m"`
	// UserID is the signed-in user linking an identity (ModeLink).
	UserID int64 `json:"u,omitempty"`
	// RedirectURI is where the extension waits for its code
	// (ModeExtension).
	RedirectURI string `json:"r,omitempty"`
	// Expires is when the flow stops being accepted, in Unix seconds.
	Expires int64 `json:"e"`
}

// What a Flow is for.
const (
	ModeSignIn    = "signin"    // sign in to the dashboard
	ModeLink      = "link"      // link an identity to the signed-in user
	ModeExtension = "extension" // sign the browser extension in
)

// FlowTTL is how long a user has to come back from the provider.
const FlowTTL = 10 * time.Minute

// NewFlow starts a flow for provider with a random state and nonce (256
// bits each) and a PKCE verifier, expiring FlowTTL after now.
func NewFlow(provider, mode string, now time.Time) (Flow, error) {
	state, err := randomString(32)
	if err != nil {
		return Flow{}, err
	}
	nonce, err := randomString(32)
	if err != nil {
		return Flow{}, err
	}
	return Flow{Provider: provider, State: state, Verifier: oauth2.GenerateVerifier(), Nonce: nonce,
		Mode: mode, Expires: now.Add(FlowTTL).Unix()}, nil
}

// CheckState reports, in constant time, whether state is the flow's state.
// An empty state never matches.
func (f Flow) CheckState(state string) bool {
	return state != "" && f.State != "" && subtle.ConstantTimeCompare([]byte(f.State), []byte(state)) == 1
}

// randomString returns n random bytes in unpadded base64url.
func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("oauth: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Sealer encrypts and authenticates flows for a cookie, with AES-256-GCM
// under a key derived from the server secret. A sealed flow can be neither
// read (the verifier stays secret) nor altered nor moved to another cookie.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer derives a Sealer's key from secret.
func NewSealer(secret string) (*Sealer, error) {
	if secret == "" {
		return nil, errors.New("oauth: a secret is required")
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("vega oauth flow key v1"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal returns f encrypted for the cookie called name.
func (s *Sealer) Seal(name string, f Flow) (string, error) {
	plain, err := json.Marshal(f)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("oauth: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(name))), nil
}

// ErrBadFlow is returned by Open for a cookie that is missing, altered,
// sealed for another cookie or with another secret, or expired.
var ErrBadFlow = errors.New("oauth: missing, invalid or expired sign-in flow")

// maxSealedLen bounds the cookie Open will decode.
const maxSealedLen = 4096

// Open decrypts a flow sealed for the cookie called name and checks that
// it has not expired at now.
func (s *Sealer) Open(name, sealed string, now time.Time) (Flow, error) {
	if sealed == "" || len(sealed) > maxSealedLen {
		return Flow{}, ErrBadFlow
	}
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize()+s.aead.Overhead() {
		return Flow{}, ErrBadFlow
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(name))
	if err != nil {
		return Flow{}, ErrBadFlow
	}
	var f Flow
	if err := json.Unmarshal(plain, &f); err != nil || now.Unix() >= f.Expires {
		return Flow{}, ErrBadFlow
	}
	return f, nil
}

// DefaultHTTPClient is the client providers use unless given another: it
// gives up on a provider after 15 seconds.
var DefaultHTTPClient = &http.Client{Timeout: 15 * time.Second}

// withClient makes oauth2 use client for the requests made with ctx.
func withClient(ctx context.Context, client *http.Client) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, client)
}

// authCodeOptions are the PKCE parameters of f for the authorization URL.
func authCodeOptions(f Flow) []oauth2.AuthCodeOption {
	return []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(f.Verifier)}
}
