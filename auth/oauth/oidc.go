package oauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// GoogleIssuer is Google's OpenID Connect issuer.
const GoogleIssuer = "https://accounts.google.com"

// OIDCConfig configures an OpenID Connect provider.
type OIDCConfig struct {
	// ID is the provider's short name in URLs ("google", "oidc").
	ID string
	// Name is the provider's display name.
	Name string
	// Issuer is the issuer URL; its /.well-known/openid-configuration is
	// fetched on first use.
	Issuer string
	// ClientID and ClientSecret are the credentials of Vega's client. The
	// secret may be empty for a public client (PKCE alone).
	ClientID, ClientSecret string
	// RedirectURL is Vega's callback, {base URL}/auth/{ID}/callback.
	RedirectURL string
	// Scopes are requested besides "openid"; empty means email and profile.
	Scopes []string
	// HTTPClient makes every request to the provider; nil means
	// DefaultHTTPClient.
	HTTPClient *http.Client
}

// OIDC is an OpenID Connect provider found by discovery. Discovery happens
// on the first sign-in, not at start-up, so an unreachable provider does
// not stop Vega; a failed discovery is retried by the next sign-in, at most
// every retryDiscovery.
type OIDC struct {
	cfg OIDCConfig

	mu       sync.Mutex
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	failedAt time.Time
	lastErr  error
}

// retryDiscovery is how long a failed discovery is remembered.
const retryDiscovery = 10 * time.Second

// NewOIDC returns an OpenID Connect provider. It checks the configuration
// but does not contact the issuer.
func NewOIDC(cfg OIDCConfig) (*OIDC, error) {
	if cfg.ID == "" || cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("oauth: an OpenID Connect provider needs an id, an issuer, a client id and a redirect URL")
	}
	if cfg.Name == "" {
		cfg.Name = cfg.ID
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"email", "profile"}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = DefaultHTTPClient
	}
	return &OIDC{cfg: cfg}, nil
}

// NewGoogle returns Google as an OpenID Connect provider. issuer is
// GoogleIssuer unless a test points it at a fake.
func NewGoogle(clientID, clientSecret, redirectURL, issuer string, client *http.Client) (*OIDC, error) {
	if issuer == "" {
		issuer = GoogleIssuer
	}
	return NewOIDC(OIDCConfig{ID: "google", Name: "Google", Issuer: issuer, ClientID: clientID,
		ClientSecret: clientSecret, RedirectURL: redirectURL, HTTPClient: client})
}

// ID returns the provider's short name.
func (p *OIDC) ID() string { return p.cfg.ID }

// Name returns the provider's display name.
func (p *OIDC) Name() string { return p.cfg.Name }

// ctx returns ctx with the provider's HTTP client for oauth2 and go-oidc.
func (p *OIDC) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(withClient(ctx, p.cfg.HTTPClient), p.cfg.HTTPClient)
}

// discover fetches the issuer's configuration once.
func (p *OIDC) discover(ctx context.Context) (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider != nil {
		return p.provider, p.verifier, nil
	}
	if time.Since(p.failedAt) < retryDiscovery {
		return nil, nil, fail("the sign-in provider is unreachable", p.lastErr)
	}
	prov, err := oidc.NewProvider(p.ctx(ctx), p.cfg.Issuer)
	if err != nil {
		p.failedAt, p.lastErr = time.Now(), err
		return nil, nil, fail("the sign-in provider is unreachable", err)
	}
	// The key set fetches the issuer's keys with the provider's client,
	// outside any one request's lifetime.
	keyCtx := oidc.ClientContext(context.Background(), p.cfg.HTTPClient)
	p.provider = prov
	p.verifier = prov.VerifierContext(keyCtx, &oidc.Config{ClientID: p.cfg.ClientID})
	return p.provider, p.verifier, nil
}

// config returns the OAuth 2.0 client configuration for prov.
func (p *OIDC) config(prov *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, RedirectURL: p.cfg.RedirectURL,
		Endpoint: prov.Endpoint(), Scopes: append([]string{oidc.ScopeOpenID}, p.cfg.Scopes...),
	}
}

// AuthCodeURL returns the issuer's authorization URL for f, with PKCE and
// the nonce.
func (p *OIDC) AuthCodeURL(ctx context.Context, f Flow) (string, error) {
	prov, _, err := p.discover(ctx)
	if err != nil {
		return "", err
	}
	return p.config(prov).AuthCodeURL(f.State, append(authCodeOptions(f), oidc.Nonce(f.Nonce))...), nil
}

// oidcClaims are the claims read from an ID token or the userinfo endpoint.
type oidcClaims struct {
	Email             string `json:"email"`
	EmailVerified     any    `json:"email_verified"` // a boolean, or "true" from some issuers
	Name              string `json:"name"`
	PreferredUsername string `json:"preferred_username"`
}

// verified reads email_verified, which some issuers send as a string.
func (c oidcClaims) verified() bool {
	switch v := c.EmailVerified.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// Exchange trades code for tokens (sending f's verifier), verifies the ID
// token (signature against the issuer's keys, issuer, audience, expiry)
// and its nonce, and returns the identity it names. When the ID token has
// no e-mail, the userinfo endpoint is asked, and its subject must match.
func (p *OIDC) Exchange(ctx context.Context, code string, f Flow) (Identity, error) {
	prov, verifier, err := p.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	ctx = p.ctx(ctx)
	conf := p.config(prov)
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return Identity{}, fail("the sign-in code was refused", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, fail("the sign-in provider sent no ID token", errors.New("oauth: token response without id_token"))
	}
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		return Identity{}, fail("the sign-in provider's ID token is not valid", err)
	}
	if f.Nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return Identity{}, fail("the sign-in provider's ID token is not valid", errors.New("oauth: ID token nonce does not match"))
	}
	if idt.Subject == "" {
		return Identity{}, fail("the sign-in provider's ID token is not valid", errors.New("oauth: ID token without subject"))
	}
	var c oidcClaims
	if err := idt.Claims(&c); err != nil {
		return Identity{}, fail("the sign-in provider's ID token is not valid", err)
	}
	if c.Email == "" && prov.UserInfoEndpoint() != "" {
		info, err := prov.UserInfo(ctx, conf.TokenSource(ctx, tok))
		if err != nil {
			return Identity{}, fail("the sign-in provider did not share your profile", err)
		}
		if info.Subject != idt.Subject {
			return Identity{}, fail("the sign-in provider did not share your profile", errors.New("oauth: userinfo subject differs from the ID token's"))
		}
		var more oidcClaims
		if err := info.Claims(&more); err != nil {
			return Identity{}, fail("the sign-in provider did not share your profile", err)
		}
		c.Email, c.EmailVerified = more.Email, more.EmailVerified
		if c.Name == "" {
			c.Name = more.Name
		}
		if c.PreferredUsername == "" {
			c.PreferredUsername = more.PreferredUsername
		}
	}
	return Identity{Provider: p.cfg.ID, Subject: idt.Subject, Email: c.Email, EmailVerified: c.Email != "" && c.verified(),
		Login: c.PreferredUsername, Name: c.Name}, nil
}
