package server

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/vega-ai/vega/models"
)

// Templates: server/templates/layout.html defines "layout" (the page shell,
// which calls the page's "title" and "content") and shared blocks such as
// "alert"; server/templates/partials/*.html define blocks that several
// pages share; each server/templates/pages/NAME.html defines "title" and
// "content" and is rendered as page NAME. All are embedded and parsed once,
// at start-up, so a broken template stops New rather than a request.
//
//go:embed templates
var templateFS embed.FS

// parsePages parses every page together with the layout.
func parsePages() (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("server: parse layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	pages := make(map[string]*template.Template, len(files))
	for _, f := range files {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("server: parse %s: %w", f, err)
		}
		pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return pages, nil
}

// view is the data of a server-rendered page.
type view struct {
	// User is the signed-in user, or nil.
	User *models.User
	// CSRFToken goes into every form's _csrf field (and a csrf-token meta
	// element, for htmx's X-CSRF-Token header).
	CSRFToken string
	// Error is a message for the whole form.
	Error string
	// Fields maps a form field to what is wrong with it.
	Fields map[string]string
	// Username refills the username field after a failed submission.
	Username string
	// RegistrationOpen says whether to offer registration.
	RegistrationOpen bool
	// BaseURL is the server's public address.
	BaseURL string
	// Providers are the configured OAuth providers, for sign-in and link
	// buttons.
	Providers []providerView
	// Identities are the signed-in user's linked OAuth accounts.
	Identities []identityView
	// CanUnlink says whether an identity may be unlinked: the user has a
	// password or another identity.
	CanUnlink bool
	// Notice is a message confirming what was just done.
	Notice string
	// Nav names the navigation entry of the page ("jobs", "board",
	// "stats", "profile", "settings", "admin"), marked as current.
	Nav string
	// Data is the page's own data (a *jobsPage, *jobPage, ...).
	Data any
}

// render writes page with v as an HTML answer with status.
func (s *Server) render(c *fiber.Ctx, status int, page string, v view) error {
	t, ok := s.acct.pages[page]
	if !ok {
		return fmt.Errorf("server: no page template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("server: render %s: %w", page, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	setPageSecurityHeaders(c)
	c.Status(status).Type("html", "utf-8")
	return c.Send(buf.Bytes())
}

// registerWebAuthRoutes adds the dashboard's sign-in pages:
//
//	GET  /login, POST /login        sign in with a password
//	GET  /register, POST /register  create an account
//	POST /logout                    sign out (session and CSRF token required)
//	GET  /                          the signed-in home page
func (s *Server) registerWebAuthRoutes(r fiber.Router) {
	r.Get("/login", s.showLogin)
	r.Post("/login", s.submitLogin)
	r.Get("/register", s.showRegister)
	r.Post("/register", s.submitRegister)
	r.Post("/logout", s.requireSession, s.submitLogout)
	r.Get("/", s.requireSession, s.showHome)
	s.registerOAuthRoutes(r)
}

// renderAuthForm renders the sign-in or registration page with its CSRF token.
func (s *Server) renderAuthForm(c *fiber.Ctx, status int, page string, v view) error {
	token, err := s.anonCSRFToken(c)
	if err != nil {
		return err
	}
	v.CSRFToken = token
	v.RegistrationOpen = s.acct.registrationOpen
	v.Providers = s.providerViews()
	return s.render(c, status, page, v)
}

// formError shows a client error on the form page again, with the status
// the API would answer; other errors go to the error handler.
func (s *Server) formError(c *fiber.Ctx, page string, v view, err error) error {
	var ve *models.ValidationError
	var fe *fiber.Error
	status := fiber.StatusBadRequest
	switch {
	case errors.As(err, &ve):
		v.Error, v.Fields = "Please correct the fields marked below.", ve.Fields
	case errors.Is(err, models.ErrConflict):
		status = fiber.StatusConflict
		v.Error, v.Fields = "That username is already taken.", map[string]string{"username": "is already taken"}
	case errors.As(err, &fe) && fe.Code >= 400 && fe.Code < 500:
		status = fe.Code
		v.Error = utils.StatusMessage(fe.Code)
		if fe.Message != "" {
			v.Error = strings.ToUpper(fe.Message[:1]) + fe.Message[1:] + "."
		}
	default:
		return err
	}
	return s.renderAuthForm(c, status, page, v)
}

// redirectIfSignedIn sends a signed-in browser from a sign-in page home.
func (s *Server) redirectIfSignedIn(c *fiber.Ctx) (bool, error) {
	sess, _, err := s.webSession(c)
	if err != nil || sess == nil {
		return false, err
	}
	return true, c.Redirect("/", fiber.StatusSeeOther)
}

func (s *Server) showLogin(c *fiber.Ctx) error {
	if done, err := s.redirectIfSignedIn(c); done || err != nil {
		return err
	}
	return s.renderAuthForm(c, fiber.StatusOK, "login", view{Notice: loginNotices[c.Query("done")]})
}

func (s *Server) submitLogin(c *fiber.Ctx) error {
	if err := checkFormSize(c); err != nil {
		return err
	}
	if err := s.checkAnonCSRF(c); err != nil {
		return err
	}
	name := utils.CopyString(c.FormValue("username"))
	u, err := s.authenticate(c, name, utils.CopyString(c.FormValue("password")))
	if err != nil {
		return s.formError(c, "login", view{Username: name}, err)
	}
	if err := s.startWebSession(c, u.ID); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (s *Server) showRegister(c *fiber.Ctx) error {
	if done, err := s.redirectIfSignedIn(c); done || err != nil {
		return err
	}
	return s.renderAuthForm(c, fiber.StatusOK, "register", view{})
}

func (s *Server) submitRegister(c *fiber.Ctx) error {
	if err := checkFormSize(c); err != nil {
		return err
	}
	if err := s.checkAnonCSRF(c); err != nil {
		return err
	}
	name := utils.CopyString(c.FormValue("username"))
	u, err := s.registerUser(c, name, utils.CopyString(c.FormValue("password")))
	if err != nil {
		return s.formError(c, "register", view{Username: name}, err)
	}
	if err := s.startWebSession(c, u.ID); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

// submitLogout signs the dashboard session out and forgets its cookie.
func (s *Server) submitLogout(c *fiber.Ctx) error {
	sess, _ := c.Locals(webSessionKey).(*models.Session)
	if sess != nil {
		if err := s.deps.Store.RevokeSession(c.UserContext(), mustPrincipal(c).UserID, sess.ID); err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		}
	}
	s.clearSessionCookie(c)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// showHome is the signed-in home page: the jobs table.
func (s *Server) showHome(c *fiber.Ctx) error { return s.showJobs(c) }
