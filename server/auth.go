package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/vega-ai/vega/auth"
	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
)

// Accounts: how Vega signs people in.
//
// The JSON API (/api) authenticates with a bearer access token: a JWT
// (HS256 with Config.Secret, 15 minutes by default) naming the user (sub)
// and the session it belongs to (sid). Every API request reloads the user
// and checks the session is still signed in, so deleting an account,
// signing a session out or detecting a stolen refresh token takes effect at
// once rather than when the access token expires. A refresh token (256
// random bits, stored as its SHA-256) obtains a new pair and is rotated on
// every use; presenting a rotated one revokes its whole session.
//
// The dashboard authenticates with an HttpOnly, SameSite=Lax session cookie
// backed by the same sessions table (kind "web"), and every state-changing
// dashboard request carries a CSRF token bound to the session. The API never
// reads the cookie and the dashboard never reads a bearer token, so a
// cross-site request can ride neither.
//
// Rate limits (failed sign-ins per username and per client address,
// registrations per address) are counted in the database, so every Vega
// process sharing it counts together (ratelimit.go). The client address is
// clientIP: the TCP peer, or behind the proxies named in
// VEGA_TRUSTED_PROXIES the right-most address in X-Forwarded-For that is not
// one of them. X-Forwarded-For is not trusted by default, since any client
// can send it.

// Limits on what the account endpoints accept.
const (
	authBodyLimit = 16 << 10 // bytes of a JSON or form body

	loginAttempts       = 10 // failed sign-ins per username and per address...
	loginWindow         = 15 * time.Minute
	registerAttempts    = 10 // registrations per address...
	registerWindow      = time.Hour
	firstUserCheckLimit = 100 // see promoteIfFirst

	defaultAccessTTL  = 15 * time.Minute
	defaultRefreshTTL = 30 * 24 * time.Hour
	sessionTouchEvery = 5 * time.Minute // how stale last_used_at may get
)

// accounts holds the state of the sign-in machinery, built once by New.
type accounts struct {
	tokens           *auth.Tokens
	csrf             *auth.CSRF
	jwt              fiber.Handler // the configured bearer-token middleware
	loginLimit       attemptLimiter
	registerLimit    attemptLimiter
	pages            map[string]*template.Template
	bcryptCost       int
	refreshTTL       time.Duration
	registrationOpen bool
	secureCookies    bool
	oauth            *oauthSetup // OAuth providers and the flow cookie's sealer (auth_oauth.go)

	dummyOnce sync.Once
	dummy     string
}

// newAccounts checks the configuration's secrets and parses the templates.
func newAccounts(cfg config.Config) (*accounts, error) {
	accessTTL := cfg.AccessTokenTTL
	if accessTTL <= 0 {
		accessTTL = defaultAccessTTL
	}
	issuer := cfg.BaseURL
	if issuer == "" {
		issuer = auth.DefaultIssuer
	}
	tokens, err := auth.NewTokens(cfg.Secret, issuer, accessTTL)
	if err != nil {
		return nil, fmt.Errorf("server: %w (set VEGA_SECRET, or call Config.EnsureSecret)", err)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	oauthProviders, err := newOAuthSetup(cfg)
	if err != nil {
		return nil, err
	}
	a := &accounts{
		tokens:           tokens,
		csrf:             auth.NewCSRF(cfg.Secret),
		loginLimit:       attemptLimiter{name: "login", limit: loginAttempts, window: loginWindow},
		registerLimit:    attemptLimiter{name: "register", limit: registerAttempts, window: registerWindow},
		pages:            pages,
		bcryptCost:       cfg.BcryptCost,
		refreshTTL:       cfg.RefreshTokenTTL,
		registrationOpen: cfg.RegistrationOpen,
		secureCookies:    strings.HasPrefix(strings.ToLower(cfg.BaseURL), "https://"),
		oauth:            oauthProviders,
	}
	if a.bcryptCost == 0 {
		a.bcryptCost = auth.DefaultBcryptCost
	}
	if a.refreshTTL <= 0 {
		a.refreshTTL = defaultRefreshTTL
	}
	return a, nil
}

// dummyHash returns a bcrypt hash, at the configured cost, of a password
// nobody knows. Checking a password against it for an unknown username
// makes that answer take as long as a wrong password for a real one.
func (a *accounts) dummyHash() string {
	a.dummyOnce.Do(func() {
		pw, err := auth.RandomToken(32)
		if err == nil {
			a.dummy, err = auth.HashPassword(pw, a.bcryptCost)
		}
		if err != nil {
			panic("server: cannot make the dummy password hash: " + err.Error())
		}
	})
	return a.dummy
}

var (
	errBadCredentials = fiber.NewError(fiber.StatusUnauthorized, "invalid username or password")
	errBadRefresh     = fiber.NewError(fiber.StatusUnauthorized, "invalid or expired refresh token: sign in again")
	errRegistration   = fiber.NewError(fiber.StatusForbidden, "registration is closed on this server: ask an admin to create your account")
)

// tooMany answers 429, telling the client when to retry.
func tooMany(c *fiber.Ctx, wait time.Duration, what string) error {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	c.Set(fiber.HeaderRetryAfter, fmt.Sprint(secs))
	return fiber.NewError(fiber.StatusTooManyRequests, fmt.Sprintf("too many %s: try again in %s", what, (time.Duration(secs)*time.Second).String()))
}

// decodeJSON reads a JSON object of at most authBodyLimit bytes into dst.
func decodeJSON(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(body) > authBodyLimit {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("request body too large: at most %d KB", authBodyLimit>>10))
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return fiber.NewError(fiber.StatusBadRequest, "request body must be a JSON object")
	}
	if !validUTF8(body) {
		return errBodyNotUTF8
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return fiber.NewError(fiber.StatusBadRequest, fmt.Sprintf("invalid JSON body: %s must be a %s", typeErr.Field, typeErr.Type))
		}
		return fiber.NewError(fiber.StatusBadRequest, "invalid JSON body: "+err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return fiber.NewError(fiber.StatusBadRequest, "invalid JSON body: unexpected data after the object")
	}
	return checkDecodedText(dst)
}

// checkFormSize refuses a form body over authBodyLimit.
func checkFormSize(c *fiber.Ctx) error {
	if len(c.Body()) > authBodyLimit {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("form too large: at most %d KB", authBodyLimit>>10))
	}
	return nil
}

// userAgent returns a copy of the request's User-Agent, for a session row.
func userAgent(c *fiber.Ctx) string { return utils.CopyString(c.Get(fiber.HeaderUserAgent)) }

// loginKeys returns the rate-limit keys of a sign-in attempt.
func (s *Server) loginKeys(c *fiber.Ctx, username string) []string {
	return []string{"user:" + strings.ToLower(username), "ip:" + s.clientIP(c)}
}

// authenticate checks a username and password. Failures count against the
// username and the client address; after loginAttempts failures in
// loginWindow either is refused with 429 until its window ends. An unknown
// username, a user without a password and a wrong password all give the
// same 401, after the same bcrypt work.
func (s *Server) authenticate(c *fiber.Ctx, username, password string) (*models.User, error) {
	username = strings.TrimSpace(username)
	var v models.ValidationError
	if username == "" {
		v.Add("username", "is required")
	} else if len(username) > models.MaxUsernameChars {
		v.Add("username", fmt.Sprintf("must be at most %d characters", models.MaxUsernameChars))
	}
	if password == "" {
		v.Add("password", "is required")
	}
	if len(v.Fields) > 0 {
		return nil, &v
	}
	ctx, store, keys := c.UserContext(), s.deps.Store, s.loginKeys(c, username)
	ok, wait, err := s.acct.loginLimit.Take(ctx, store, keys...)
	if err != nil {
		return nil, err
	}
	if !ok {
		s.log.Warn("sign-in refused: too many failures", "request_id", RequestIDFrom(c), "ip", s.clientIP(c))
		return nil, tooMany(c, wait, "failed sign-ins")
	}
	u, err := store.UserByUsername(ctx, username)
	switch {
	case errors.Is(err, models.ErrNotFound):
		auth.CheckPassword(s.acct.dummyHash(), password)
	case err != nil:
		s.returnAttempt(c, s.acct.loginLimit, keys)
		return nil, err
	case !u.HasPassword():
		auth.CheckPassword(s.acct.dummyHash(), password)
	case auth.CheckPassword(*u.Password, password):
		s.returnAttempt(c, s.acct.loginLimit, keys)
		return u, nil
	}
	s.log.Info("sign-in failed", "request_id", RequestIDFrom(c), "ip", s.clientIP(c))
	return nil, errBadCredentials
}

// checkOwnPassword verifies the signed-in user's password before a
// sensitive change, counting failures like sign-ins. A wrong password is a
// 400 on field, not a 401, so that clients do not take it for an expired
// token.
func (s *Server) checkOwnPassword(c *fiber.Ctx, u *models.User, field, password string) error {
	if password == "" {
		return &models.ValidationError{Fields: map[string]string{field: "is required"}}
	}
	keys := s.loginKeys(c, u.Username)
	ok, wait, err := s.acct.loginLimit.Take(c.UserContext(), s.deps.Store, keys...)
	if err != nil {
		return err
	}
	if !ok {
		return tooMany(c, wait, "wrong passwords")
	}
	if !u.HasPassword() || !auth.CheckPassword(*u.Password, password) {
		return &models.ValidationError{Fields: map[string]string{field: "is not correct"}}
	}
	s.returnAttempt(c, s.acct.loginLimit, keys)
	return nil
}

// returnAttempt gives back an attempt taken from l that did not count. A
// failure only costs the user one attempt, so it is logged, not returned.
func (s *Server) returnAttempt(c *fiber.Ctx, l attemptLimiter, keys []string) {
	if err := l.Return(c.UserContext(), s.deps.Store, keys...); err != nil {
		s.log.Warn("return a rate-limit attempt", "request_id", RequestIDFrom(c), "err", err)
	}
}

// registerUser creates an account with a password, when registration is
// open. The first account on an empty server becomes an admin.
func (s *Server) registerUser(c *fiber.Ctx, username, password string) (*models.User, error) {
	if !s.acct.registrationOpen {
		return nil, errRegistration
	}
	username = strings.TrimSpace(username)
	var v models.ValidationError
	if username == "" {
		v.Add("username", "is required")
	} else if err := models.ValidateUsername(username); err != nil {
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			v.Add("username", ve.Field("username"))
		} else {
			v.Add("username", "is not valid")
		}
	}
	if password == "" {
		v.Add("password", "is required")
	} else if err := auth.ValidatePassword(password); err != nil {
		v.Add("password", fmt.Sprintf("must be %d to %d bytes long", auth.MinPasswordBytes, auth.MaxPasswordBytes))
	}
	if len(v.Fields) > 0 {
		return nil, &v
	}
	ok, wait, err := s.acct.registerLimit.Take(c.UserContext(), s.deps.Store, "ip:"+s.clientIP(c))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, tooMany(c, wait, "registrations from your address")
	}
	hash, err := auth.HashPassword(password, s.acct.bcryptCost)
	if err != nil {
		return nil, err
	}
	u := &models.User{Username: username, Password: &hash, Role: models.RoleUser}
	if err := s.deps.Store.CreateUser(c.UserContext(), u); err != nil {
		return nil, err
	}
	if err := s.promoteIfFirst(c, u); err != nil {
		return nil, err
	}
	s.log.Info("account registered", "request_id", RequestIDFrom(c), "user_id", u.ID, "role", u.Role, "ip", s.clientIP(c))
	return u, nil
}

// promoteIfFirst makes u an admin if it is the first account on the server.
//
// It decides after the insert, which the single writer has committed: u is
// first exactly when no older account exists, that is when u has the
// smallest id (ids only grow). Two accounts registering at once on an empty
// server therefore cannot both become admins, nor both miss out. Listing
// the users is skipped once there are more than firstUserCheckLimit, since
// that many accounts cannot all have registered in the instant since u's
// insert on a server that was empty.
func (s *Server) promoteIfFirst(c *fiber.Ctx, u *models.User) error {
	ctx := c.UserContext()
	n, err := s.deps.Store.CountUsers(ctx)
	if err != nil || n > firstUserCheckLimit {
		return err
	}
	if n > 1 {
		users, err := s.deps.Store.Users(ctx)
		if err != nil {
			return err
		}
		if len(users) == 0 || users[0].ID != u.ID {
			return nil
		}
	}
	if err := s.deps.Store.SetRole(ctx, u.ID, models.RoleAdmin); err != nil {
		return err
	}
	u.Role = models.RoleAdmin
	return nil
}

// TokenResponse is the answer to a sign-in or a refresh on the API. The
// names are the ones the Vega AI browser extension reads.
type TokenResponse struct {
	// Token is the access token, sent as Authorization: Bearer <token>.
	Token string `json:"token"`
	// RefreshToken obtains the next pair from /api/auth/refresh, once.
	RefreshToken string `json:"refresh_token"`
	// ExpiresAt is when Token expires, in Unix seconds.
	ExpiresAt int64 `json:"expires_at"`
	// TokenType is always "Bearer".
	TokenType string `json:"token_type"`
}

// issueTokenPair completes a sign-in on the API for userID (after a password
// check, or an OAuth callback): it starts a new API session (refresh-token
// family) recording the client's User-Agent and address, records the
// sign-in as the user's last login, and returns an access token and a
// refresh token.
func (s *Server) issueTokenPair(c *fiber.Ctx, userID int64) (TokenResponse, error) {
	ctx := c.UserContext()
	u, err := s.deps.Store.User(ctx, userID)
	if err != nil {
		return TokenResponse{}, err
	}
	refresh, hash, err := auth.NewSessionToken()
	if err != nil {
		return TokenResponse{}, err
	}
	family, err := auth.RandomToken(16)
	if err != nil {
		return TokenResponse{}, err
	}
	now := time.Now()
	sess := &models.Session{UserID: u.ID, TokenHash: hash, FamilyID: family, Kind: models.SessionAPI,
		UserAgent: userAgent(c), IP: s.clientIP(c), ExpiresAt: now.Add(s.acct.refreshTTL)}
	if err := s.deps.Store.CreateSession(ctx, sess); err != nil {
		return TokenResponse{}, err
	}
	if err := s.deps.Store.TouchLastLogin(ctx, u.ID, now); err != nil {
		return TokenResponse{}, err
	}
	return s.tokenResponse(u, family, refresh)
}

// tokenResponse issues an access token for u in session family and pairs
// it with refresh.
func (s *Server) tokenResponse(u *models.User, family, refresh string) (TokenResponse, error) {
	access, exp, err := s.acct.tokens.Issue(u.ID, string(u.Role), family)
	if err != nil {
		return TokenResponse{}, err
	}
	return TokenResponse{Token: access, RefreshToken: refresh, ExpiresAt: exp.Unix(), TokenType: "Bearer"}, nil
}

// refreshTokenPair rotates a refresh token and returns the new pair. An
// unknown, expired or revoked token is a 401; so is a token already
// rotated, whose whole session is revoked as probably stolen.
func (s *Server) refreshTokenPair(c *fiber.Ctx, refresh string) (TokenResponse, error) {
	if !auth.WellFormedSessionToken(refresh) {
		return TokenResponse{}, errBadRefresh
	}
	ctx := c.UserContext()
	next, hash, err := auth.NewSessionToken()
	if err != nil {
		return TokenResponse{}, err
	}
	sess, err := s.deps.Store.RotateSession(ctx, auth.HashSessionToken(refresh), hash, time.Now().Add(s.acct.refreshTTL), userAgent(c), s.clientIP(c))
	switch {
	case errors.Is(err, models.ErrSessionReused):
		s.log.Warn("refresh token reused: session revoked", "request_id", RequestIDFrom(c), "ip", s.clientIP(c))
		return TokenResponse{}, errBadRefresh
	case errors.Is(err, models.ErrNotFound):
		return TokenResponse{}, errBadRefresh
	case err != nil:
		return TokenResponse{}, err
	}
	u, err := s.deps.Store.User(ctx, sess.UserID)
	if errors.Is(err, models.ErrNotFound) {
		return TokenResponse{}, errBadRefresh
	} else if err != nil {
		return TokenResponse{}, err
	}
	return s.tokenResponse(u, sess.FamilyID, next)
}

// userView is the public form of an account.
type userView struct {
	ID        int64       `json:"id"`
	Username  string      `json:"username"`
	Role      models.Role `json:"role"`
	CreatedAt time.Time   `json:"created_at"`
}

func viewUser(u *models.User) userView {
	return userView{ID: u.ID, Username: u.Username, Role: u.Role, CreatedAt: u.CreatedAt}
}
