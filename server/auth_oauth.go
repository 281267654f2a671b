package server

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/vega-ai/vega/auth"
	"github.com/vega-ai/vega/auth/oauth"
	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
)

// OAuth sign-in.
//
// A flow starts at GET /auth/{provider}/start (sign in to the dashboard,
// or, with client=extension&redirect_uri=..., sign the browser extension
// in) or POST /auth/{provider}/link (a signed-in dashboard user links an
// identity; the route sits behind requireSession, so it needs the
// session's CSRF token). The server makes a random state, PKCE verifier
// and nonce, seals them with what the flow is for into the vega_oauth
// cookie (AES-GCM under a key derived from the server secret; HttpOnly,
// SameSite=Lax, path /auth/, ten minutes) and redirects to the provider.
// GET /auth/{provider}/callback opens and clears the cookie, compares its
// state with the URL's in constant time, and trades the code (with the
// verifier) for the provider's identity. A callback without the cookie,
// as in a forged link sent to a victim, is refused.
//
// Identities are found by (provider, provider's user id) and by nothing
// else. An unknown identity creates a new user without a password (when
// registration is open): an identity is never attached to an existing
// account because its e-mail or name matches; a signed-in user links it
// from /settings.
//
// The extension cannot receive the dashboard's cookie, so its callback
// ends with a redirect to the extension's own web-auth address
// (https://<id>.chromiumapp.org/ or https://<id>.extensions.allizom.org/,
// limited to VEGA_EXTENSION_IDS when set) carrying a one-time code: 256
// random bits, stored hashed, valid 60 seconds and once. The extension
// trades it at POST /api/auth/exchange for a token pair.

// oauthCookie holds the sealed flow between start and callback.
const oauthCookie = "vega_oauth"

// authCodeTTL is how long the extension has to redeem its one-time code.
const authCodeTTL = 60 * time.Second

// oauthSetup is the configured providers, in the order the sign-in page
// shows them.
type oauthSetup struct {
	list         []oauth.Provider
	byID         map[string]oauth.Provider
	sealer       *oauth.Sealer
	extensionIDs []string
}

// newOAuthSetup builds the providers cfg enables. Providers are discovered
// on first use, so this makes no network request.
func newOAuthSetup(cfg config.Config) (*oauthSetup, error) {
	sealer, err := oauth.NewSealer(cfg.Secret)
	if err != nil {
		return nil, err
	}
	o := &oauthSetup{byID: map[string]oauth.Provider{}, sealer: sealer, extensionIDs: cfg.ExtensionIDs}
	callback := func(id string) string { return strings.TrimRight(cfg.BaseURL, "/") + "/auth/" + id + "/callback" }
	add := func(p oauth.Provider, err error) error {
		if err != nil {
			return fmt.Errorf("server: OAuth provider: %w", err)
		}
		o.list = append(o.list, p)
		o.byID[p.ID()] = p
		return nil
	}
	if cfg.GoogleClientID != "" {
		if err := add(oauth.NewGoogle(cfg.GoogleClientID, cfg.GoogleClientSecret, callback("google"), cfg.GoogleIssuer, nil)); err != nil {
			return nil, err
		}
	}
	if cfg.GitHubClientID != "" {
		if err := add(oauth.NewGitHub(oauth.GitHubConfig{ClientID: cfg.GitHubClientID, ClientSecret: cfg.GitHubClientSecret,
			RedirectURL: callback("github"), BaseURL: cfg.GitHubURL, APIURL: cfg.GitHubAPIURL})); err != nil {
			return nil, err
		}
	}
	if cfg.OIDCIssuer != "" {
		if err := add(oauth.NewOIDC(oauth.OIDCConfig{ID: "oidc", Name: cfg.OIDCName, Issuer: cfg.OIDCIssuer,
			ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret, RedirectURL: callback("oidc")})); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// providerView is a configured provider as the sign-in page and the
// extension see it.
type providerView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	StartURL string `json:"start_url"`
}

// providerViews lists the configured providers.
func (s *Server) providerViews() []providerView {
	out := make([]providerView, len(s.acct.oauth.list))
	for i, p := range s.acct.oauth.list {
		out[i] = providerView{ID: p.ID(), Name: p.Name(), StartURL: "/auth/" + p.ID() + "/start"}
	}
	return out
}

// providerName returns the display name of provider id, or id itself when
// it is no longer configured.
func (s *Server) providerName(id string) string {
	if p, ok := s.acct.oauth.byID[id]; ok {
		return p.Name()
	}
	return id
}

// identityView is a linked identity as the user sees it.
type identityView struct {
	ID           int64     `json:"id"`
	Provider     string    `json:"provider"`
	ProviderName string    `json:"provider_name"`
	Email        string    `json:"email"`
	Login        string    `json:"login"`
	CreatedAt    time.Time `json:"created_at"`
	LastUsedAt   time.Time `json:"last_used_at"`
}

// identityViews lists userID's linked identities.
func (s *Server) identityViews(c *fiber.Ctx, userID int64) ([]identityView, error) {
	list, err := s.deps.Store.Identities(c.UserContext(), userID)
	if err != nil {
		return nil, err
	}
	out := make([]identityView, len(list))
	for i, x := range list {
		out[i] = identityView{ID: x.ID, Provider: x.Provider, ProviderName: s.providerName(x.Provider),
			Email: x.Email, Login: x.Login, CreatedAt: x.CreatedAt, LastUsedAt: x.LastUsedAt}
	}
	return out, nil
}

// registerOAuthRoutes adds OAuth sign-in, linking and the settings page:
//
//	GET  /auth/:provider/start        sign in (or client=extension&redirect_uri=...)
//	POST /auth/:provider/link         link to the signed-in user (session + CSRF)
//	GET  /auth/:provider/callback     the provider's redirect
//	GET  /settings                    sign-in methods: linked identities, link, unlink
//	POST /settings/identities/:id/unlink  (session + CSRF)
func (s *Server) registerOAuthRoutes(r fiber.Router) {
	r.Get("/auth/:provider/start", s.startOAuth)
	r.Post("/auth/:provider/link", s.requireSession, s.startOAuthLink)
	r.Get("/auth/:provider/callback", s.finishOAuth)
	r.Get("/settings", s.requireSession, s.showSettings)
	r.Post("/settings/identities/:id/unlink", s.requireSession, s.submitUnlink)
}

// registerOAuthAPIRoutes adds the extension's side of OAuth to /api:
//
//	GET    /api/auth/providers      -> 200 [{id, name, start_url}]
//	POST   /api/auth/exchange       {"code"} -> 200 TokenResponse, once per code
//	DELETE /api/me/identities/:id   -> 204; 409 for the last way to sign in
func (s *Server) registerOAuthAPIRoutes(authGroup, me fiber.Router) {
	authGroup.Get("/providers", s.listProviders)
	authGroup.Post("/exchange", s.exchangeAuthCode)
	me.Delete("/identities/:id", s.unlinkIdentity)
}

var (
	errNoProvider  = fiber.NewError(fiber.StatusNotFound, "no such sign-in provider on this server")
	errBadAuthCode = fiber.NewError(fiber.StatusUnauthorized, "invalid, used or expired code: sign in again")
	errFlowLost    = fiber.NewError(fiber.StatusBadRequest, "this sign-in has expired or was started in another browser or tab: please start again")
	errFlowState   = fiber.NewError(fiber.StatusBadRequest, "this sign-in did not come back from the page it was started on: please start again")
)

// provider returns the provider named in the URL, or a 404.
func (s *Server) provider(c *fiber.Ctx) (oauth.Provider, error) {
	p, ok := s.acct.oauth.byID[c.Params("provider")]
	if !ok {
		return nil, errNoProvider
	}
	return p, nil
}

// startOAuth begins a sign-in, for the dashboard or for the extension.
func (s *Server) startOAuth(c *fiber.Ctx) error {
	p, err := s.provider(c)
	if err != nil {
		return s.oauthPage(c, err)
	}
	mode, redirect := oauth.ModeSignIn, ""
	switch client := c.Query("client"); client {
	case "":
	case "extension":
		u, err := oauth.ExtensionRedirect(c.Query("redirect_uri"), s.acct.oauth.extensionIDs)
		if err != nil {
			s.log.Warn("OAuth start refused: bad extension redirect", "request_id", RequestIDFrom(c), "redirect_uri", c.Query("redirect_uri"))
			return s.oauthPage(c, fiber.NewError(fiber.StatusBadRequest, err.Error()))
		}
		mode, redirect = oauth.ModeExtension, u.String()
	default:
		return s.oauthPage(c, fiber.NewError(fiber.StatusBadRequest, "unknown client: leave it out, or use client=extension"))
	}
	f, err := oauth.NewFlow(p.ID(), mode, time.Now())
	if err != nil {
		return err
	}
	f.RedirectURI = redirect
	return s.redirectToProvider(c, p, f)
}

// startOAuthLink begins linking an identity to the signed-in user.
func (s *Server) startOAuthLink(c *fiber.Ctx) error {
	p, err := s.provider(c)
	if err != nil {
		return s.oauthPage(c, err)
	}
	f, err := oauth.NewFlow(p.ID(), oauth.ModeLink, time.Now())
	if err != nil {
		return err
	}
	f.UserID = mustPrincipal(c).UserID
	return s.redirectToProvider(c, p, f)
}

// redirectToProvider seals f into the flow cookie and sends the browser to
// the provider.
func (s *Server) redirectToProvider(c *fiber.Ctx, p oauth.Provider, f oauth.Flow) error {
	to, err := p.AuthCodeURL(c.UserContext(), f)
	if err != nil {
		s.log.Warn("OAuth provider unavailable", "request_id", RequestIDFrom(c), "provider", p.ID(), "err", err)
		return s.oauthPage(c, fiber.NewError(fiber.StatusBadGateway, p.Name()+" cannot be reached right now: please try again in a moment"))
	}
	sealed, err := s.acct.oauth.sealer.Seal(oauthCookie, f)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: oauthCookie, Value: sealed, Path: "/auth/", Expires: time.Unix(f.Expires, 0), MaxAge: int(oauth.FlowTTL.Seconds()),
		HTTPOnly: true, Secure: s.acct.secureCookies, SameSite: fiber.CookieSameSiteLaxMode,
	})
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(to, fiber.StatusSeeOther)
}

// clearOAuthCookie tells the browser to forget the flow cookie.
func (s *Server) clearOAuthCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: oauthCookie, Value: "", Path: "/auth/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, Secure: s.acct.secureCookies, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// finishOAuth is the provider's redirect back: it checks the flow, trades
// the code for the identity and completes the sign-in, link or extension
// hand-off.
func (s *Server) finishOAuth(c *fiber.Ctx) error {
	p, err := s.provider(c)
	if err != nil {
		return s.oauthPage(c, err)
	}
	sealed := c.Cookies(oauthCookie)
	s.clearOAuthCookie(c)
	f, err := s.acct.oauth.sealer.Open(oauthCookie, sealed, time.Now())
	if err != nil {
		s.log.Warn("OAuth callback refused: no valid flow cookie", "request_id", RequestIDFrom(c), "provider", p.ID(), "ip", s.clientIP(c))
		return s.oauthPage(c, errFlowLost)
	}
	if f.Provider != p.ID() || !f.CheckState(c.Query("state")) {
		s.log.Warn("OAuth callback refused: state mismatch", "request_id", RequestIDFrom(c), "provider", p.ID(), "ip", s.clientIP(c))
		return s.oauthPage(c, errFlowState)
	}
	if e := c.Query("error"); e != "" {
		s.log.Info("OAuth sign-in cancelled at the provider", "request_id", RequestIDFrom(c), "provider", p.ID(), "error", utils.CopyString(e))
		return s.oauthFailed(c, f, fiber.NewError(fiber.StatusBadRequest, "sign-in with "+p.Name()+" was cancelled or refused"))
	}
	var linkUser *models.User
	if f.Mode == oauth.ModeLink {
		sess, u, err := s.webSession(c)
		if err != nil {
			return err
		}
		if sess == nil || u.ID != f.UserID {
			return s.oauthPage(c, fiber.NewError(fiber.StatusForbidden, "you are no longer signed in as the account that asked to link "+p.Name()+": sign in and try again"))
		}
		linkUser = u
	}
	code := c.Query("code")
	if code == "" {
		return s.oauthFailed(c, f, fiber.NewError(fiber.StatusBadRequest, p.Name()+" sent no sign-in code: please start again"))
	}
	ident, err := p.Exchange(c.UserContext(), utils.CopyString(code), f)
	if err != nil {
		s.log.Warn("OAuth exchange failed", "request_id", RequestIDFrom(c), "provider", p.ID(), "err", errors.Unwrap(err), "step", err.Error())
		msg := "sign-in with " + p.Name() + " failed"
		var oe *oauth.Error
		if errors.As(err, &oe) {
			msg += ": " + oe.Step
		}
		return s.oauthFailed(c, f, fiber.NewError(fiber.StatusBadRequest, msg+". Please try again"))
	}
	if linkUser != nil {
		return s.finishLink(c, p, linkUser, ident)
	}
	u, err := s.oauthUser(c, p, ident)
	if err != nil {
		return s.oauthFailed(c, f, err)
	}
	if f.Mode == oauth.ModeExtension {
		return s.handToExtension(c, f, u)
	}
	if err := s.startWebSession(c, u.ID); err != nil {
		return err
	}
	s.log.Info("signed in with OAuth", "request_id", RequestIDFrom(c), "provider", p.ID(), "user_id", u.ID, "ip", s.clientIP(c))
	return c.Redirect("/", fiber.StatusSeeOther)
}

// errOAuthRegistration refuses a new account through OAuth when
// registration is closed.
func errOAuthRegistration(p oauth.Provider) error {
	return fiber.NewError(fiber.StatusForbidden, "no Vega account is linked to this "+p.Name()+
		" account, and registration is closed on this server: ask an administrator for an account, then link "+
		p.Name()+" from your settings")
}

// oauthUser returns the user ident signs in to: the owner of the identity
// (provider, subject) or, the first time, a new user without a password.
// Nothing else is compared: an e-mail or login equal to an existing
// account's never signs in to that account.
func (s *Server) oauthUser(c *fiber.Ctx, p oauth.Provider, ident oauth.Identity) (*models.User, error) {
	ctx := c.UserContext()
	for range 2 {
		found, err := s.deps.Store.IdentityBySubject(ctx, p.ID(), ident.Subject)
		if err == nil {
			if err := s.deps.Store.TouchIdentity(ctx, found.UserID, found.ID, ident.Email, ident.Login, time.Now()); err != nil {
				return nil, err
			}
			return s.deps.Store.User(ctx, found.UserID)
		}
		if !errors.Is(err, models.ErrNotFound) {
			return nil, err
		}
		if !s.acct.registrationOpen {
			return nil, errOAuthRegistration(p)
		}
		ok, wait, err := s.acct.registerLimit.Take(ctx, s.deps.Store, "ip:"+s.clientIP(c))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, tooMany(c, wait, "registrations from your address")
		}
		u, err := s.deps.Store.CreateUserWithIdentity(ctx, oauthUsername(ident),
			&models.Identity{Provider: p.ID(), Subject: ident.Subject, Email: ident.Email, Login: ident.Login})
		if errors.Is(err, models.ErrConflict) {
			continue // the same identity signed in twice at once: find the other's user
		}
		if err != nil {
			return nil, err
		}
		if err := s.promoteIfFirst(c, u); err != nil {
			return nil, err
		}
		s.log.Info("account created with OAuth", "request_id", RequestIDFrom(c), "provider", p.ID(), "user_id", u.ID, "role", u.Role, "ip", s.clientIP(c))
		return u, nil
	}
	return nil, fmt.Errorf("server: identity %s of %s neither found nor created", ident.Subject, p.ID())
}

// oauthUsername makes a username for a new account from ident: the local
// part of a verified e-mail, else the provider's login, else its name,
// reduced to the characters usernames allow. The store then makes it
// unique with a numeric suffix.
func oauthUsername(ident oauth.Identity) string {
	var candidates []string
	if ident.EmailVerified {
		if local, _, ok := strings.Cut(ident.Email, "@"); ok {
			candidates = append(candidates, local)
		}
	}
	candidates = append(candidates, ident.Login, ident.Name)
	for _, cand := range candidates {
		var b strings.Builder
		for i := 0; i < len(cand) && b.Len() < models.MaxUsernameChars; i++ {
			ch := cand[i]
			switch {
			case ch >= 'A' && ch <= 'Z':
				b.WriteByte(ch + ('a' - 'A'))
			case ch >= 'a' && ch <= 'z', ch >= '0' && ch <= '9', ch == '.', ch == '_', ch == '-':
				b.WriteByte(ch)
			case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
				b.WriteByte('-')
			}
		}
		name := strings.Trim(b.String(), "._-")
		switch {
		case len(name) >= models.MinUsernameChars:
			return name
		case name != "":
			return "user-" + name
		}
	}
	return "user"
}

// finishLink links ident to u, the user who started the flow and is still
// signed in in this browser.
func (s *Server) finishLink(c *fiber.Ctx, p oauth.Provider, u *models.User, ident oauth.Identity) error {
	err := s.deps.Store.LinkIdentity(c.UserContext(), u.ID, &models.Identity{Provider: p.ID(), Subject: ident.Subject, Email: ident.Email, Login: ident.Login})
	var ce *models.ConflictError
	switch {
	case errors.As(err, &ce) && ce.ExistingID == u.ID:
		// Already linked to this account: nothing to do.
	case errors.Is(err, models.ErrConflict):
		s.log.Warn("OAuth link refused: identity owned by another user", "request_id", RequestIDFrom(c), "provider", p.ID(), "user_id", u.ID)
		return s.oauthPage(c, fiber.NewError(fiber.StatusConflict, "this "+p.Name()+
			" account is already linked to another Vega account: sign in with it and unlink it there first"))
	case err != nil:
		return err
	default:
		s.log.Info("OAuth identity linked", "request_id", RequestIDFrom(c), "provider", p.ID(), "user_id", u.ID)
	}
	return c.Redirect("/settings?linked="+url.QueryEscape(p.ID()), fiber.StatusSeeOther)
}

// handToExtension issues a one-time code for u and sends it to the
// extension's redirect address, which was validated when the flow began
// and is sealed in the flow.
func (s *Server) handToExtension(c *fiber.Ctx, f oauth.Flow, u *models.User) error {
	to, err := oauth.ExtensionRedirect(f.RedirectURI, s.acct.oauth.extensionIDs)
	if err != nil {
		return s.oauthPage(c, fiber.NewError(fiber.StatusBadRequest, err.Error()))
	}
	code, hash, err := auth.NewSessionToken()
	if err != nil {
		return err
	}
	if err := s.deps.Store.CreateAuthCode(c.UserContext(), u.ID, hash, time.Now().Add(authCodeTTL)); err != nil {
		return err
	}
	s.log.Info("OAuth sign-in handed to the extension", "request_id", RequestIDFrom(c), "provider", f.Provider, "user_id", u.ID, "redirect_host", to.Host)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(oauth.WithQuery(to, url.Values{"code": {code}}), fiber.StatusSeeOther)
}

// oauthFailed ends a flow that failed after its state was checked: the
// extension gets error and error_description on its redirect address (so
// its web-auth flow ends with the message), a browser gets a page.
func (s *Server) oauthFailed(c *fiber.Ctx, f oauth.Flow, err error) error {
	var fe *fiber.Error
	if f.Mode != oauth.ModeExtension || !errors.As(err, &fe) {
		return s.oauthPage(c, err)
	}
	to, verr := oauth.ExtensionRedirect(f.RedirectURI, s.acct.oauth.extensionIDs)
	if verr != nil {
		return s.oauthPage(c, err)
	}
	code := "access_denied"
	if fe.Code == fiber.StatusTooManyRequests {
		code = "temporarily_unavailable"
	}
	return c.Redirect(oauth.WithQuery(to, url.Values{"error": {code}, "error_description": {sentence(fe.Message)}}), fiber.StatusSeeOther)
}

// oauthPage shows a client error of the OAuth routes as a page with a way
// back; other errors go to the error handler.
func (s *Server) oauthPage(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if !errors.As(err, &fe) || fe.Code < 400 || fe.Code >= 600 {
		return err
	}
	v := view{Error: sentence(fe.Message), Providers: s.providerViews()}
	if sess, u, _ := s.webSession(c); sess != nil {
		v.User = u
	}
	return s.render(c, fe.Code, "oauth", v)
}

// sentence capitalises msg and ends it with a full stop.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// listProviders tells the extension which providers it can offer.
func (s *Server) listProviders(c *fiber.Ctx) error {
	return c.JSON(s.providerViews())
}

// authCodeBody is the body of POST /api/auth/exchange.
type authCodeBody struct {
	Code string `json:"code"`
}

// exchangeAuthCode trades the extension's one-time code for a token pair.
// A code works once: a second try, like an unknown or expired code, is a
// 401.
func (s *Server) exchangeAuthCode(c *fiber.Ctx) error {
	var in authCodeBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Code == "" {
		return &models.ValidationError{Fields: map[string]string{"code": "is required"}}
	}
	if !auth.WellFormedSessionToken(in.Code) {
		return errBadAuthCode
	}
	userID, err := s.deps.Store.RedeemAuthCode(c.UserContext(), auth.HashSessionToken(in.Code))
	if errors.Is(err, models.ErrNotFound) {
		s.log.Warn("one-time code refused", "request_id", RequestIDFrom(c), "ip", s.clientIP(c))
		return errBadAuthCode
	} else if err != nil {
		return err
	}
	pair, err := s.issueTokenPair(c, userID)
	if errors.Is(err, models.ErrNotFound) {
		return errBadAuthCode // the account was deleted meanwhile
	} else if err != nil {
		return err
	}
	return c.JSON(pair)
}

// identityID parses the :id of an identity route.
func identityID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.NewError(fiber.StatusNotFound, "no such linked account")
	}
	return id, nil
}

// unlinkIdentity removes a linked identity on the API. The last way to
// sign in is refused with 409.
func (s *Server) unlinkIdentity(c *fiber.Ctx) error {
	id, err := identityID(c)
	if err != nil {
		return err
	}
	if err := s.deps.Store.UnlinkIdentity(c.UserContext(), mustPrincipal(c).UserID, id); err != nil {
		return err
	}
	s.log.Info("OAuth identity unlinked", "request_id", RequestIDFrom(c), "user_id", mustPrincipal(c).UserID, "identity_id", id)
	return c.SendStatus(fiber.StatusNoContent)
}

// submitUnlink removes a linked identity from the settings page.
func (s *Server) submitUnlink(c *fiber.Ctx) error {
	id, err := identityID(c)
	if err != nil {
		return err
	}
	err = s.deps.Store.UnlinkIdentity(c.UserContext(), mustPrincipal(c).UserID, id)
	if errors.Is(err, models.ErrLastSignInMethod) {
		return s.renderSettings(c, fiber.StatusConflict, view{Error: sentence(err.Error())})
	} else if err != nil {
		return err
	}
	s.log.Info("OAuth identity unlinked", "request_id", RequestIDFrom(c), "user_id", mustPrincipal(c).UserID, "identity_id", id)
	return c.Redirect("/settings?done=unlinked", fiber.StatusSeeOther)
}
