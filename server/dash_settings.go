package server

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/vega-ai/vega/models"
)

// The dashboard's settings page. GET /settings and the unlinking of an
// identity are registered with OAuth (auth_oauth.go); the rest here:
//
//	POST /settings/password              change, or set a first, password
//	POST /settings/sessions/:id/revoke   sign one session out
//	POST /settings/sessions/revoke-all   sign out everywhere, this browser too
//	GET  /settings/export?format=json|csv  download every job (the API's export)
//	POST /settings/import                upload an export (multipart, file "file")
//	POST /settings/delete                delete the account
//
// Each calls the function the API's route calls (changeOwnPassword,
// deleteOwnAccount, sessionViews, importJobData, exportJobs), so the two
// cannot drift apart.

// maxImportFileBytes bounds an uploaded import file.
const maxImportFileBytes = 10 << 20

// settingsPage is the settings page's own data; the identities are in the
// view, as the OAuth work put them.
type settingsPage struct {
	HasPassword bool
	Sessions    []sessionView
	// PasswordFields and DeleteFields are the two forms' controls.
	PasswordFields []acctField
	DeleteFields   []acctField
	// Messages are field messages of the form that was refused.
	Messages map[string]string
	// ImportErrors list what was wrong with a refused import.
	ImportErrors []string
	// Section is the id of the section whose form was refused.
	Section string
}

// Control is a settings form's control f (passwords are never refilled).
func (p *settingsPage) Control(f acctField) acctControl {
	return acctControl{acctField: f, Message: p.Messages[f.Name]}
}

// SessionKind names a session's kind for people.
func (*settingsPage) SessionKind(k models.SessionKind) string {
	if k == models.SessionWeb {
		return "Dashboard"
	}
	return "Browser extension or API"
}

// When formats a session time.
func (*settingsPage) When(t time.Time) string {
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// passwordFields are the password form's controls.
func passwordFields(hasPassword bool) []acctField {
	var f []acctField
	if hasPassword {
		f = append(f, acctField{Name: "current_password", Label: "Current password", Type: "password", Required: true, Autocomplete: "current-password"})
	}
	return append(f,
		acctField{Name: "new_password", Label: "New password", Type: "password", Required: true, Autocomplete: "new-password", Hint: "At least 8 characters."},
		acctField{Name: "confirm_password", Label: "New password again", Short: "The repeated password", Type: "password", Required: true, Autocomplete: "new-password"})
}

// deleteFields are the account deletion form's controls.
func deleteFields(u *models.User) []acctField {
	f := []acctField{{Name: "confirm", Label: "Type your username, " + u.Username + ", to confirm", Short: "The username", Type: "text", Required: true, Autocomplete: "off"}}
	if u.HasPassword() {
		f = append(f, acctField{Name: "password", Label: "Your password", Type: "password", Required: true, Autocomplete: "current-password"})
	}
	return f
}

// settingsNotices are the messages /settings shows after a redirect.
var settingsNotices = map[string]string{
	"unlinked":        "The account was unlinked.",
	"password":        "Your password was changed. Your other sessions were signed out.",
	"password-set":    "Your password was set: you can now sign in with your username and password. Your other sessions were signed out.",
	"session-revoked": "The session was signed out.",
}

// loginNotices are the messages /login shows after the settings page ended
// the session.
var loginNotices = map[string]string{
	"signed-out-everywhere": "You were signed out everywhere: in every browser and in the extension.",
	"session-ended":         "You signed out this session.",
	"account-deleted":       "Your account and everything in it were deleted.",
}

// registerSettingsPages adds the settings forms, behind requireSession.
func (s *Server) registerSettingsPages(r fiber.Router) {
	r.Post("/settings/password", s.requireSession, s.submitPassword)
	r.Post("/settings/sessions/revoke-all", s.requireSession, s.submitSignOutEverywhere)
	r.Post("/settings/sessions/:id/revoke", s.requireSession, s.submitRevokeSession)
	r.Get("/settings/export", s.requireSession, s.exportJobs)
	r.Post("/settings/import", s.requireSession, s.submitImport)
	r.Post("/settings/delete", s.requireSession, s.submitDeleteAccount)
}

// renderSettings shows the settings page, with v's message and p's
// refused form, if any (p may be nil).
func (s *Server) renderSettings(c *fiber.Ctx, status int, v view, p ...*settingsPage) error {
	u := currentUser(c)
	ids, err := s.identityViews(c, u.ID)
	if err != nil {
		return err
	}
	sessions, err := s.sessionViews(c)
	if err != nil {
		return err
	}
	page := &settingsPage{}
	if len(p) > 0 && p[0] != nil {
		page = p[0]
	}
	page.HasPassword, page.Sessions = u.HasPassword(), sessions
	page.PasswordFields, page.DeleteFields = passwordFields(u.HasPassword()), deleteFields(u)
	v.User, v.CSRFToken, v.Identities, v.Providers = u, csrfToken(c), ids, s.providerViews()
	v.CanUnlink = u.HasPassword() || len(ids) > 1
	v.Nav, v.Data = "settings", page
	return s.render(c, status, "settings", v)
}

// showSettings is the settings page.
func (s *Server) showSettings(c *fiber.Ctx) error {
	var v view
	if p, ok := s.acct.oauth.byID[c.Query("linked")]; ok {
		v.Notice = "Your " + p.Name() + " account is linked: you can sign in with it."
	} else if msg, ok := settingsNotices[c.Query("done")]; ok {
		v.Notice = msg
	} else if c.Query("done") == "imported" {
		v.Notice = importNotice(c.QueryInt("created"), c.QueryInt("existing"))
	}
	return s.renderSettings(c, fiber.StatusOK, v)
}

// importNotice says what an import did.
func importNotice(created, existing int) string {
	jobs := func(n int) string {
		if n == 1 {
			return "1 job"
		}
		return strconv.Itoa(n) + " jobs"
	}
	msg := "Imported " + jobs(created) + "."
	if existing > 0 {
		msg += " Skipped " + jobs(existing) + " you had already saved."
	}
	return msg
}

// settingsRefused shows the settings page again for a refused form: a
// validation error's messages next to its fields (400), a client error as
// the page's alert; other errors go to the error handler.
func (s *Server) settingsRefused(c *fiber.Ctx, section, summary string, fields []acctField, err error) error {
	var ve *models.ValidationError
	var fe *fiber.Error
	p := &settingsPage{Section: section}
	status := fiber.StatusBadRequest
	switch {
	case errors.As(err, &ve):
		var others []string
		p.Messages, others = acctMessages(ve, fields)
		if len(others) > 0 {
			summary += " " + strings.Join(others, " ")
		}
	case errors.As(err, &fe) && fe.Code >= 400 && fe.Code < 500:
		status, summary = fe.Code, sentence(fe.Message)
	default:
		return err
	}
	return s.renderSettings(c, status, view{Error: summary}, p)
}

// submitPassword changes the password, or sets a first one.
func (s *Server) submitPassword(c *fiber.Ctx) error {
	if err := checkFormSize(c); err != nil {
		return err
	}
	had := currentUser(c).HasPassword()
	fields := passwordFields(had)
	current := utils.CopyString(c.FormValue("current_password"))
	next := utils.CopyString(c.FormValue("new_password"))
	if next != "" && c.FormValue("confirm_password") != next {
		return s.settingsRefused(c, "password", "Your password was not changed.", fields,
			&models.ValidationError{Fields: map[string]string{"confirm_password": "does not match the new password"}})
	}
	if err := s.changeOwnPassword(c, current, next); err != nil {
		return s.settingsRefused(c, "password", "Your password was not changed.", fields, err)
	}
	done := "password"
	if !had {
		done = "password-set"
	}
	return c.Redirect("/settings?done="+done+"#password", fiber.StatusSeeOther)
}

// endWebSession forgets the browser's session cookie and sends it to the
// sign-in page with the message loginNotices[done].
func (s *Server) endWebSession(c *fiber.Ctx, done string) error {
	s.clearSessionCookie(c)
	return c.Redirect("/login?done="+url.QueryEscape(done), fiber.StatusSeeOther)
}

// submitRevokeSession signs one session out; signing out this browser's
// own session ends at the sign-in page.
func (s *Server) submitRevokeSession(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return s.settingsRefused(c, "sessions", "", nil, fiber.NewError(fiber.StatusNotFound, "no such session: it may have been signed out already"))
	}
	uid := mustPrincipal(c).UserID
	err = s.deps.Store.RevokeSession(c.UserContext(), uid, id)
	if errors.Is(err, models.ErrNotFound) {
		return s.settingsRefused(c, "sessions", "", nil, fiber.NewError(fiber.StatusNotFound, "no such session: it may have been signed out already"))
	} else if err != nil {
		return err
	}
	s.log.Info("session signed out from settings", "request_id", RequestIDFrom(c), "user_id", uid, "session_id", id)
	if _, err := s.deps.Store.ActiveFamily(c.UserContext(), uid, currentFamily(c)); errors.Is(err, models.ErrNotFound) {
		return s.endWebSession(c, "session-ended")
	} else if err != nil {
		return err
	}
	return c.Redirect("/settings?done=session-revoked#sessions", fiber.StatusSeeOther)
}

// submitSignOutEverywhere signs every session of the user out, this one
// included, as DELETE /api/me/sessions does.
func (s *Server) submitSignOutEverywhere(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	n, err := s.deps.Store.RevokeUserSessions(c.UserContext(), uid, "")
	if err != nil {
		return err
	}
	s.log.Info("signed out everywhere", "request_id", RequestIDFrom(c), "user_id", uid, "sessions_revoked", n)
	return s.endWebSession(c, "signed-out-everywhere")
}

// submitImport imports an uploaded export (JSON or CSV), all or nothing.
func (s *Server) submitImport(c *fiber.Ctx) error {
	refuse := func(msg string) error {
		return s.settingsRefused(c, "import", "", nil, fiber.NewError(fiber.StatusBadRequest, msg))
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return refuse("choose a file to import: a JSON or CSV export")
	}
	if fh.Size > maxImportFileBytes {
		return s.settingsRefused(c, "import", "", nil, fiber.NewError(fiber.StatusRequestEntityTooLarge,
			"the file is too large: at most "+byteCount(maxImportFileBytes)))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxImportFileBytes+1))
	if err != nil {
		return err
	}
	if len(body) > maxImportFileBytes {
		return s.settingsRefused(c, "import", "", nil, fiber.NewError(fiber.StatusRequestEntityTooLarge,
			"the file is too large: at most "+byteCount(maxImportFileBytes)))
	}
	res, err := s.importJobData(c, mustPrincipal(c).UserID, body)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		p := &settingsPage{Section: "import"}
		for field, msg := range ve.Fields {
			p.ImportErrors = append(p.ImportErrors, field+" "+msg)
		}
		sort.Strings(p.ImportErrors)
		n := len(p.ImportErrors)
		summary := fmt.Sprintf("Nothing was imported: the file has %d error%s.", n, map[bool]string{true: "", false: "s"}[n == 1])
		return s.renderSettings(c, fiber.StatusBadRequest, view{Error: summary}, p)
	} else if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/settings?done=imported&created=%d&existing=%d#import", res.Created, res.Existing), fiber.StatusSeeOther)
}

// submitDeleteAccount deletes the account once the username is typed (and
// the password given, for an account that has one).
func (s *Server) submitDeleteAccount(c *fiber.Ctx) error {
	if err := checkFormSize(c); err != nil {
		return err
	}
	u := currentUser(c)
	fields := deleteFields(u)
	confirm := utils.CopyString(strings.TrimSpace(c.FormValue("confirm")))
	if confirm != u.Username {
		return s.settingsRefused(c, "delete", "Your account was not deleted.", fields,
			&models.ValidationError{Fields: map[string]string{"confirm": "must be your username, " + u.Username}})
	}
	if err := s.deleteOwnAccount(c, utils.CopyString(c.FormValue("password")), confirm); err != nil {
		return s.settingsRefused(c, "delete", "Your account was not deleted.", fields, err)
	}
	return s.endWebSession(c, "account-deleted")
}
