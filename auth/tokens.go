package auth

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// AccessAlg is the only signing algorithm Vega issues or accepts for access
// tokens: HMAC-SHA256 with the server's secret.
const AccessAlg = "HS256"

// DefaultIssuer is the iss claim when no base URL is configured.
const DefaultIssuer = "vega"

// clockSkew is how far in the future a token's iat may lie, to allow for
// clocks of several servers behind one load balancer drifting apart.
const clockSkew = 30 * time.Second

// ErrInvalidToken is returned for an access token that is malformed, forged,
// signed with another algorithm or key, issued by someone else, expired or
// missing a required claim. Its text is safe to show a client.
var ErrInvalidToken = errors.New("invalid or expired access token")

// AccessClaims are the claims of an access token: sub is the user id in
// decimal, role the user's role when the token was issued, sid the session
// (refresh-token family) it was issued for, plus iat, exp, jti and iss.
type AccessClaims struct {
	Role      string `json:"role"`
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// UserID returns the user id in sub, or 0 if sub is not a positive integer.
func (c *AccessClaims) UserID() int64 {
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// Tokens issues and checks access tokens. It is safe for concurrent use.
type Tokens struct {
	key    []byte
	issuer string
	ttl    time.Duration
	now    func() time.Time
}

// NewTokens returns a Tokens signing with secret (at least 32 bytes), naming
// issuer in iss (DefaultIssuer when empty) and issuing tokens valid for ttl.
func NewTokens(secret, issuer string, ttl time.Duration) (*Tokens, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("auth: token secret is %d bytes, want at least 32", len(secret))
	}
	if ttl <= 0 {
		return nil, fmt.Errorf("auth: access token lifetime must be positive, got %s", ttl)
	}
	if issuer == "" {
		issuer = DefaultIssuer
	}
	return &Tokens{key: []byte(secret), issuer: issuer, ttl: ttl, now: time.Now}, nil
}

// Key returns the HMAC key that signs access tokens, for a verifying
// middleware. Do not use it for anything else.
func (t *Tokens) Key() []byte { return t.key }

// Issuer returns the iss claim the tokens carry.
func (t *Tokens) Issuer() string { return t.issuer }

// TTL returns the lifetime of an access token.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Issue returns a signed access token for userID acting with role in the
// session sessionID, and when it expires.
func (t *Tokens) Issue(userID int64, role, sessionID string) (string, time.Time, error) {
	if userID <= 0 || sessionID == "" {
		return "", time.Time{}, errors.New("auth: an access token needs a user and a session")
	}
	jti, err := RandomToken(16)
	if err != nil {
		return "", time.Time{}, err
	}
	now := t.now().Truncate(time.Second)
	exp := now.Add(t.ttl)
	claims := AccessClaims{
		Role:      role,
		SessionID: sessionID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Subject:   strconv.FormatInt(userID, 10),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        jti,
		},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: sign access token: %w", err)
	}
	return signed, exp, nil
}

// Verify parses and fully checks a compact access token. It returns
// ErrInvalidToken (wrapping the reason) for any token Check would refuse.
func (t *Tokens) Verify(token string) (*AccessClaims, error) {
	parsed, err := jwt.ParseWithClaims(token, &AccessClaims{}, t.KeyFunc,
		jwt.WithValidMethods([]string{AccessAlg}),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return t.Check(parsed)
}

// KeyFunc is the jwt.Keyfunc for access tokens: it hands out the key only
// for a token whose header names HS256 and whose method is HMAC-SHA256, so
// "none", other HMAC sizes and public-key algorithms are refused before any
// signature is computed.
func (t *Tokens) KeyFunc(tok *jwt.Token) (any, error) {
	if alg, _ := tok.Header["alg"].(string); alg != AccessAlg || tok.Method != jwt.SigningMethodHS256 {
		return nil, fmt.Errorf("unexpected signing algorithm %v", tok.Header["alg"])
	}
	return t.key, nil
}

// Check validates the claims of a token whose signature has already been
// verified (by Verify, or by a middleware configured with Key and HS256).
// It checks again that the method is HS256, that the token is valid, and
// that iss is this server's, sub is a user id, sid is present, exp lies in
// the future and iat not in the future.
func (t *Tokens) Check(tok *jwt.Token) (*AccessClaims, error) {
	if tok == nil || !tok.Valid {
		return nil, ErrInvalidToken
	}
	if tok.Method != jwt.SigningMethodHS256 || tok.Method.Alg() != AccessAlg {
		return nil, fmt.Errorf("%w: signing method %v", ErrInvalidToken, tok.Header["alg"])
	}
	c, ok := tok.Claims.(*AccessClaims)
	if !ok {
		return nil, fmt.Errorf("%w: unexpected claims type %T", ErrInvalidToken, tok.Claims)
	}
	now := t.now()
	switch {
	case c.Issuer != t.issuer:
		return nil, fmt.Errorf("%w: issuer %q", ErrInvalidToken, c.Issuer)
	case c.UserID() == 0:
		return nil, fmt.Errorf("%w: subject %q is not a user id", ErrInvalidToken, c.Subject)
	case c.SessionID == "":
		return nil, fmt.Errorf("%w: no session", ErrInvalidToken)
	case c.ExpiresAt == nil || !now.Before(c.ExpiresAt.Time):
		return nil, fmt.Errorf("%w: expired or without expiry", ErrInvalidToken)
	case c.IssuedAt == nil || c.IssuedAt.After(now.Add(clockSkew)):
		return nil, fmt.Errorf("%w: issued in the future or without iat", ErrInvalidToken)
	case c.NotBefore != nil && c.NotBefore.After(now.Add(clockSkew)):
		return nil, fmt.Errorf("%w: not valid yet", ErrInvalidToken)
	}
	return c, nil
}
