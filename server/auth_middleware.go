package server

import (
	"errors"
	"strconv"
	"strings"
	"time"

	jwtware "github.com/gofiber/contrib/jwt"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/golang-jwt/jwt/v5"

	"github.com/vega-ai/vega/auth"
	"github.com/vega-ai/vega/models"
)

// Locals keys set by the authentication middleware.
const (
	jwtKey        = "vega.jwt"            // *jwt.Token, set by the JWT middleware
	familyKey     = "vega.session_family" // string: the session (family) of the request
	webSessionKey = "vega.web_session"    // *models.Session, dashboard requests
	userKey       = "vega.user"           // *models.User, dashboard requests
	csrfKey       = "vega.csrf"           // string: the dashboard session's CSRF token
)

// Dashboard cookies.
const (
	sessionCookie = "vega_session" // the dashboard session token
	anonCookie    = "vega_csrf"    // binds the CSRF token of the sign-in forms
	csrfHeader    = "X-CSRF-Token" // where htmx sends the CSRF token
	csrfField     = "_csrf"        // where forms send it
)

var (
	errNoBearer    = fiber.NewError(fiber.StatusUnauthorized, "sign in: send Authorization: Bearer <token>")
	errBadBearer   = fiber.NewError(fiber.StatusUnauthorized, "invalid or expired access token")
	errSignedOut   = fiber.NewError(fiber.StatusUnauthorized, "this session has been signed out: sign in again")
	errNoSession   = fiber.NewError(fiber.StatusUnauthorized, "sign in to continue")
	errCSRF        = fiber.NewError(fiber.StatusForbidden, "invalid or missing CSRF token: reload the page and try again")
	errAccountGone = fiber.NewError(fiber.StatusUnauthorized, "this account no longer exists")
)

// newJWTMiddleware configures github.com/gofiber/contrib/jwt for Vega's
// access tokens: HS256 only, claims into auth.AccessClaims, every refusal
// answered through the application's error handler as a JSON 401.
func (s *Server) newJWTMiddleware() fiber.Handler {
	return jwtware.New(jwtware.Config{
		SigningKey: jwtware.SigningKey{JWTAlg: jwtware.HS256, Key: s.acct.tokens.Key()},
		Claims:     &auth.AccessClaims{},
		ContextKey: jwtKey,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="vega"`)
			if errors.Is(err, jwtware.ErrJWTMissingOrMalformed) {
				return errNoBearer
			}
			return errBadBearer
		},
		SuccessHandler: s.acceptAccessToken,
	})
}

// requireAPIUser authenticates an /api request by its bearer access token
// (never by the dashboard cookie): the token must be a valid HS256 JWT from
// this server, its user must still exist and its session must still be
// signed in. It sets the Principal, with the user's current role.
func (s *Server) requireAPIUser(c *fiber.Ctx) error {
	return s.acct.jwt(c)
}

// acceptAccessToken runs after the JWT middleware verified a signature.
func (s *Server) acceptAccessToken(c *fiber.Ctx) error {
	tok, _ := c.Locals(jwtKey).(*jwt.Token)
	claims, err := s.acct.tokens.Check(tok)
	if err != nil {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="vega"`)
		return errBadBearer
	}
	ctx := c.UserContext()
	u, err := s.deps.Store.User(ctx, claims.UserID())
	if errors.Is(err, models.ErrNotFound) {
		return errAccountGone
	} else if err != nil {
		return err
	}
	if _, err := s.deps.Store.ActiveFamily(ctx, u.ID, claims.SessionID); errors.Is(err, models.ErrNotFound) {
		return errSignedOut
	} else if err != nil {
		return err
	}
	c.Locals(familyKey, claims.SessionID)
	setPrincipal(c, Principal{UserID: u.ID, Role: string(u.Role)})
	return c.Next()
}

// currentFamily returns the session family the request was authenticated
// with, or "" on an unauthenticated route.
func currentFamily(c *fiber.Ctx) string {
	f, _ := c.Locals(familyKey).(string)
	return f
}

// requireSession authenticates a dashboard request by its session cookie
// (never by a bearer token). It sets the Principal and the signed-in user
// (currentUser) and the session's CSRF token (csrfToken) for templates.
//
// Without a valid session, a browser's GET of a page is redirected to
// /login; an htmx request gets 401 with HX-Redirect: /login; anything else
// gets 401.
//
// Every state-changing request (any method but GET, HEAD, OPTIONS) must
// carry the session's CSRF token in the X-CSRF-Token header (htmx) or the
// _csrf form field, or it is refused with 403. Routes behind
// requireSession are therefore protected without further wiring.
func (s *Server) requireSession(c *fiber.Ctx) error {
	sess, u, err := s.webSession(c)
	if err != nil {
		return err
	}
	if sess == nil {
		return s.notSignedIn(c)
	}
	token := s.acct.csrf.Token(sessionBinding(sess))
	if !safeMethod(c.Method()) && !s.acct.csrf.Valid(sessionBinding(sess), submittedCSRF(c)) {
		s.log.Warn("CSRF check failed", "request_id", RequestIDFrom(c), "user_id", u.ID, "method", c.Method(), "path", c.Path())
		return errCSRF
	}
	c.Locals(webSessionKey, sess)
	c.Locals(userKey, u)
	c.Locals(csrfKey, token)
	c.Locals(familyKey, sess.FamilyID)
	setPrincipal(c, Principal{UserID: u.ID, Role: string(u.Role)})
	if time.Since(sess.LastUsedAt) > sessionTouchEvery {
		if err := s.deps.Store.TouchSession(c.UserContext(), u.ID, sess.ID, time.Now()); err != nil {
			s.log.Warn("could not record session use", "request_id", RequestIDFrom(c), "err", err)
		}
	}
	return c.Next()
}

// webSession returns the active dashboard session of the request's cookie
// and its user, or nils when there is none.
func (s *Server) webSession(c *fiber.Ctx) (*models.Session, *models.User, error) {
	token := c.Cookies(sessionCookie)
	if !auth.WellFormedSessionToken(token) {
		return nil, nil, nil
	}
	ctx := c.UserContext()
	sess, err := s.deps.Store.SessionByToken(ctx, models.SessionWeb, auth.HashSessionToken(token))
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	u, err := s.deps.Store.User(ctx, sess.UserID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	return sess, u, nil
}

// notSignedIn answers a dashboard request without a session.
func (s *Server) notSignedIn(c *fiber.Ctx) error {
	if c.Cookies(sessionCookie) != "" {
		s.clearSessionCookie(c)
	}
	if c.Get("HX-Request") != "" {
		c.Set("HX-Redirect", "/login")
		return errNoSession
	}
	if (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) && strings.Contains(c.Get(fiber.HeaderAccept), "text/html") {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	return errNoSession
}

// safeMethod reports whether an HTTP method must not change state.
func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// submittedCSRF returns the CSRF token a request carries.
func submittedCSRF(c *fiber.Ctx) string {
	if t := c.Get(csrfHeader); t != "" {
		return t
	}
	return c.FormValue(csrfField)
}

// sessionBinding is what a signed-in session's CSRF token is bound to.
func sessionBinding(sess *models.Session) string {
	return "session:" + strconv.FormatInt(sess.ID, 10)
}

// csrfToken returns the CSRF token of the request's dashboard session, for
// a form's hidden _csrf field or htmx's X-CSRF-Token header; "" outside
// requireSession.
func csrfToken(c *fiber.Ctx) string {
	t, _ := c.Locals(csrfKey).(string)
	return t
}

// currentUser returns the signed-in dashboard user set by requireSession,
// or nil outside it.
func currentUser(c *fiber.Ctx) *models.User {
	u, _ := c.Locals(userKey).(*models.User)
	return u
}

// anonCSRFToken returns the CSRF token for the sign-in and registration
// forms, which have no session yet. It is bound to a random value kept in
// an HttpOnly cookie, set here when missing, so another site can neither
// read it nor make the browser submit a matching pair (login CSRF).
func (s *Server) anonCSRFToken(c *fiber.Ctx) (string, error) {
	v := c.Cookies(anonCookie)
	if !auth.WellFormedSessionToken(v) {
		var err error
		if v, err = auth.RandomToken(auth.SessionTokenBytes); err != nil {
			return "", err
		}
		s.setCookie(c, anonCookie, v, time.Time{})
	}
	return s.acct.csrf.Token("anon:" + utils.CopyString(v)), nil
}

// checkAnonCSRF refuses a sign-in or registration form without a CSRF token
// matching its cookie.
func (s *Server) checkAnonCSRF(c *fiber.Ctx) error {
	v := c.Cookies(anonCookie)
	if !auth.WellFormedSessionToken(v) || !s.acct.csrf.Valid("anon:"+v, submittedCSRF(c)) {
		s.log.Warn("CSRF check failed", "request_id", RequestIDFrom(c), "method", c.Method(), "path", c.Path())
		return errCSRF
	}
	return nil
}

// setCookie sets an HttpOnly, SameSite=Lax cookie on path /, Secure when
// the server's base URL is https. A zero expires makes a browser-session
// cookie.
func (s *Server) setCookie(c *fiber.Ctx, name, value string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: value, Path: "/", Expires: expires,
		HTTPOnly: true, Secure: s.acct.secureCookies, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// clearSessionCookie tells the browser to forget its session cookie.
func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, Secure: s.acct.secureCookies, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// startWebSession completes a sign-in on the dashboard for userID (after a
// password check, or an OAuth callback): it signs out the browser's previous
// dashboard session if any, starts a new one recording the client's
// User-Agent and address, sets its cookie, and records the sign-in as the
// user's last login. The caller then redirects.
func (s *Server) startWebSession(c *fiber.Ctx, userID int64) error {
	ctx := c.UserContext()
	if old := c.Cookies(sessionCookie); auth.WellFormedSessionToken(old) {
		if _, err := s.deps.Store.RevokeSessionToken(ctx, models.SessionWeb, auth.HashSessionToken(old)); err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		}
	}
	token, hash, err := auth.NewSessionToken()
	if err != nil {
		return err
	}
	family, err := auth.RandomToken(16)
	if err != nil {
		return err
	}
	now := time.Now()
	sess := &models.Session{UserID: userID, TokenHash: hash, FamilyID: family, Kind: models.SessionWeb,
		UserAgent: userAgent(c), IP: s.clientIP(c), ExpiresAt: now.Add(s.acct.refreshTTL)}
	if err := s.deps.Store.CreateSession(ctx, sess); err != nil {
		return err
	}
	if err := s.deps.Store.TouchLastLogin(ctx, userID, now); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, token, sess.ExpiresAt)
	return nil
}
