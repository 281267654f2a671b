package server

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/auth"
	"github.com/vega-ai/vega/models"
)

// registerAuthRoutes adds the account API:
//
//	POST   /api/auth/register      {"username","password"} -> 201 user
//	POST   /api/auth/login         {"username","password"} -> 200 TokenResponse
//	POST   /api/auth/refresh       {"refresh_token"}       -> 200 TokenResponse
//	POST   /api/auth/logout        {"refresh_token"}       -> 204
//	GET    /api/me                                         -> 200 account
//	DELETE /api/me                 {"password"} or {"confirm": username} -> 204
//	POST   /api/me/password        {"current_password","new_password"} -> 204
//	GET    /api/me/sessions                                -> 200 [session]
//	DELETE /api/me/sessions                                -> 204 (sign out everywhere)
//	DELETE /api/me/sessions/:id                            -> 204
//
// and, for OAuth (auth_oauth.go), GET /api/auth/providers, POST
// /api/auth/exchange and DELETE /api/me/identities/:id.
func (s *Server) registerAuthRoutes(api fiber.Router) {
	s.acct.jwt = s.newJWTMiddleware()
	a := api.Group("/auth")
	a.Post("/register", s.apiRegister)
	a.Post("/login", s.apiLogin)
	a.Post("/refresh", s.apiRefresh)
	a.Post("/logout", s.apiLogout)

	me := api.Group("/me", s.requireAPIUser)
	me.Get("", s.showMe)
	me.Delete("", s.deleteMe)
	me.Post("/password", s.changePassword)
	me.Get("/sessions", s.listSessions)
	me.Delete("/sessions", s.revokeAllSessions)
	me.Delete("/sessions/:id", s.revokeSession)
	s.registerOAuthAPIRoutes(a, me)
}

// credentials is the body of register and login.
type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// refreshBody is the body of refresh and logout.
type refreshBody struct {
	RefreshToken string `json:"refresh_token"`
}

func (s *Server) apiRegister(c *fiber.Ctx) error {
	var in credentials
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.registerUser(c, in.Username, in.Password)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(viewUser(u))
}

func (s *Server) apiLogin(c *fiber.Ctx) error {
	var in credentials
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.authenticate(c, in.Username, in.Password)
	if err != nil {
		return err
	}
	pair, err := s.issueTokenPair(c, u.ID)
	if err != nil {
		return err
	}
	return c.JSON(pair)
}

func (s *Server) apiRefresh(c *fiber.Ctx) error {
	var in refreshBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.RefreshToken == "" {
		return &models.ValidationError{Fields: map[string]string{"refresh_token": "is required"}}
	}
	pair, err := s.refreshTokenPair(c, in.RefreshToken)
	if err != nil {
		return err
	}
	return c.JSON(pair)
}

// apiLogout signs out the session of a refresh token. It needs no access
// token (the refresh token is the proof) and answers 204 for a token that
// is unknown or already signed out, so it can safely be retried.
func (s *Server) apiLogout(c *fiber.Ctx) error {
	var in refreshBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.RefreshToken == "" {
		return &models.ValidationError{Fields: map[string]string{"refresh_token": "is required"}}
	}
	if auth.WellFormedSessionToken(in.RefreshToken) {
		_, err := s.deps.Store.RevokeSessionToken(c.UserContext(), models.SessionAPI, auth.HashSessionToken(in.RefreshToken))
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		}
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// meView is the signed-in user's account as /api/me shows it.
type meView struct {
	userView
	LastLogin   *time.Time `json:"last_login"`
	HasPassword bool       `json:"has_password"`
	// Identities lists the OAuth accounts linked to this one.
	Identities []identityView `json:"identities"`
}

func (s *Server) showMe(c *fiber.Ctx) error {
	u, err := s.deps.Store.User(c.UserContext(), mustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	ids, err := s.identityViews(c, u.ID)
	if err != nil {
		return err
	}
	return c.JSON(meView{userView: viewUser(u), LastLogin: u.LastLogin, HasPassword: u.HasPassword(), Identities: ids})
}

// passwordChange is the body of POST /api/me/password.
type passwordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword handles POST /api/me/password (see changeOwnPassword).
func (s *Server) changePassword(c *fiber.Ctx) error {
	var in passwordChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.changeOwnPassword(c, in.CurrentPassword, in.NewPassword); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// changeOwnPassword sets or changes the signed-in user's password, for the
// API and the settings page alike. The current password is required when
// one is set (an OAuth-only user sets a first one without). Every other
// session of the user, on the API and on the dashboard, is then signed
// out; the session making the change stays. Refusals are
// *models.ValidationError on current_password or new_password, or 429.
func (s *Server) changeOwnPassword(c *fiber.Ctx, current, next string) error {
	ctx := c.UserContext()
	u, err := s.deps.Store.User(ctx, mustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	if next == "" {
		return &models.ValidationError{Fields: map[string]string{"new_password": "is required"}}
	}
	if auth.ValidatePassword(next) != nil {
		return &models.ValidationError{Fields: map[string]string{"new_password": "must be " +
			strconv.Itoa(auth.MinPasswordBytes) + " to " + strconv.Itoa(auth.MaxPasswordBytes) + " bytes long"}}
	}
	if u.HasPassword() {
		if err := s.checkOwnPassword(c, u, "current_password", current); err != nil {
			return err
		}
	}
	hash, err := auth.HashPassword(next, s.acct.bcryptCost)
	if err != nil {
		return err
	}
	if err := s.deps.Store.SetPassword(ctx, u.ID, &hash); err != nil {
		return err
	}
	n, err := s.deps.Store.RevokeUserSessions(ctx, u.ID, currentFamily(c))
	if err != nil {
		return err
	}
	s.log.Info("password changed", "request_id", RequestIDFrom(c), "user_id", u.ID, "sessions_revoked", n)
	return nil
}

// accountDeletion is the body of DELETE /api/me.
type accountDeletion struct {
	Password string `json:"password"`
	Confirm  string `json:"confirm"`
}

// deleteMe handles DELETE /api/me (see deleteOwnAccount).
func (s *Server) deleteMe(c *fiber.Ctx) error {
	var in accountDeletion
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.deleteOwnAccount(c, in.Password, in.Confirm); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// deleteOwnAccount deletes the signed-in user's account and everything it
// owns, for the API and the settings page alike, after the password (or,
// for a user without one, the username typed in confirm). Every session
// goes with it. Refusals are *models.ValidationError on password or
// confirm, or 429.
func (s *Server) deleteOwnAccount(c *fiber.Ctx, password, confirm string) error {
	ctx := c.UserContext()
	u, err := s.deps.Store.User(ctx, mustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	if u.HasPassword() {
		if err := s.checkOwnPassword(c, u, "password", password); err != nil {
			return err
		}
	} else if confirm != u.Username {
		return &models.ValidationError{Fields: map[string]string{"confirm": "must be your username, " + u.Username}}
	}
	if _, err := s.deps.Store.RevokeUserSessions(ctx, u.ID, ""); err != nil {
		return err
	}
	if err := s.deps.Store.DeleteUser(ctx, u.ID); err != nil {
		return err
	}
	s.log.Info("account deleted", "request_id", RequestIDFrom(c), "user_id", u.ID)
	return nil
}

// sessionView is one signed-in session as the user sees it.
type sessionView struct {
	ID         int64              `json:"id"`
	Kind       models.SessionKind `json:"kind"`
	UserAgent  string             `json:"user_agent"`
	IP         string             `json:"ip"`
	CreatedAt  time.Time          `json:"created_at"`
	LastUsedAt time.Time          `json:"last_used_at"`
	Current    bool               `json:"current"`
}

func (s *Server) listSessions(c *fiber.Ctx) error {
	out, err := s.sessionViews(c)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// sessionViews lists the signed-in user's sessions, marking the request's.
func (s *Server) sessionViews(c *fiber.Ctx) ([]sessionView, error) {
	list, err := s.deps.Store.Sessions(c.UserContext(), mustPrincipal(c).UserID)
	if err != nil {
		return nil, err
	}
	current := currentFamily(c)
	out := make([]sessionView, len(list))
	for i, x := range list {
		out[i] = sessionView{ID: x.ID, Kind: x.Kind, UserAgent: x.UserAgent, IP: x.IP,
			CreatedAt: x.CreatedAt, LastUsedAt: x.LastUsedAt, Current: x.FamilyID == current}
	}
	return out, nil
}

func (s *Server) revokeSession(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return fiber.NewError(fiber.StatusNotFound, "no such session")
	}
	if err := s.deps.Store.RevokeSession(c.UserContext(), mustPrincipal(c).UserID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// revokeAllSessions signs the user out everywhere, this session included.
func (s *Server) revokeAllSessions(c *fiber.Ctx) error {
	if _, err := s.deps.Store.RevokeUserSessions(c.UserContext(), mustPrincipal(c).UserID, ""); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
