package server

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
)

// The administration page, for users with the admin role:
//
//	GET  /admin                  every user: role, dates, jobs, and in cloud
//	                             mode this month's AI quotas
//	POST /admin/users/:id/role   role=user|admin
//
// Anyone else signed in gets a 403 page. The last administrator cannot be
// made a plain user, so the server always keeps one.

// adminPage is the data of /admin.
type adminPage struct {
	Users []adminUser
	// Cloud says whether quotas apply (VEGA_MODE=cloud).
	Cloud bool
	// Roles are the roles a user can be given.
	Roles []models.Role
}

// adminUser is one row of the users table.
type adminUser struct {
	ID          int64
	Username    string
	Role        models.Role
	CreatedAt   time.Time
	LastLogin   *time.Time
	HasPassword bool
	Jobs        int64
	// Quotas are this month's use of each AI quota, in cloud mode.
	Quotas []models.QuotaStatus
	// Self marks the signed-in administrator.
	Self bool
}

// When formats a time of the table.
func (*adminPage) When(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// QuotaName names a quota type for people.
func (*adminPage) QuotaName(t models.QuotaType) string {
	switch t {
	case models.QuotaAnalysis:
		return "Analyses"
	case models.QuotaCoverLetter:
		return "Cover letters"
	case models.QuotaCV:
		return "CVs"
	}
	return string(t)
}

// adminNotices are the messages /admin shows after a redirect.
var adminNotices = map[string]string{"role": "The role was changed."}

// registerAdminPages adds the administration page, behind requireSession
// and requireAdminPage.
func (s *Server) registerAdminPages(r fiber.Router) {
	r.Get("/admin", s.requireSession, s.requireAdminPage, s.showAdmin)
	r.Post("/admin/users/:id/role", s.requireSession, s.requireAdminPage, s.submitRole)
}

// requireAdminPage refuses a signed-in user without the admin role with a
// 403 page.
func (s *Server) requireAdminPage(c *fiber.Ctx) error {
	if u := currentUser(c); u != nil && u.IsAdmin() {
		return c.Next()
	}
	s.log.Warn("admin page refused", "request_id", RequestIDFrom(c), "user_id", mustPrincipal(c).UserID, "method", c.Method(), "path", c.Path())
	return s.render(c, fiber.StatusForbidden, "admin_forbidden", acctView(c, "", &acctMissingPage{
		Heading: "Administrators only", Message: "This page is for the server's administrators.",
		Back: "Back to your profile", BackTo: "/profile"}))
}

// renderAdmin shows the users table with the message errMsg or notice.
func (s *Server) renderAdmin(c *fiber.Ctx, status int, errMsg, notice string) error {
	ctx := c.UserContext()
	users, err := s.deps.Store.Users(ctx)
	if err != nil {
		return err
	}
	p := &adminPage{Cloud: s.deps.Config.Mode == config.ModeCloud, Roles: []models.Role{models.RoleUser, models.RoleAdmin}}
	limits := map[models.QuotaType]int{}
	for _, t := range models.QuotaTypes {
		limits[t] = s.quotaLimit(t)
	}
	me := mustPrincipal(c).UserID
	for _, u := range users {
		row := adminUser{ID: u.ID, Username: u.Username, Role: u.Role, CreatedAt: u.CreatedAt, LastLogin: u.LastLogin,
			HasPassword: u.HasPassword(), Self: u.ID == me}
		counts, err := s.deps.Store.CountJobsByStatus(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, n := range counts {
			row.Jobs += n
		}
		if p.Cloud {
			if row.Quotas, err = s.deps.Store.QuotaStatuses(ctx, u.ID, limits); err != nil {
				return err
			}
		}
		p.Users = append(p.Users, row)
	}
	v := acctView(c, "admin", p)
	v.Error, v.Notice = errMsg, notice
	return s.render(c, status, "admin", v)
}

func (s *Server) showAdmin(c *fiber.Ctx) error {
	return s.renderAdmin(c, fiber.StatusOK, "", adminNotices[c.Query("done")])
}

// submitRole gives a user the role user or admin.
func (s *Server) submitRole(c *fiber.Ctx) error {
	if err := checkFormSize(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return s.adminNotFound(c)
	}
	role := models.Role(c.FormValue("role"))
	if !role.Valid() {
		return s.renderAdmin(c, fiber.StatusBadRequest, "Choose the role user or admin.", "")
	}
	target, err := s.deps.Store.User(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return s.adminNotFound(c)
	} else if err != nil {
		return err
	}
	if err := s.deps.Store.SetRole(ctx, id, role); errors.Is(err, models.ErrLastAdmin) {
		return s.renderAdmin(c, fiber.StatusConflict, target.Username+" is the last administrator: make another user an administrator first.", "")
	} else if err != nil {
		return err
	}
	me := mustPrincipal(c).UserID
	s.log.Info("role changed", "request_id", RequestIDFrom(c), "by_user_id", me, "user_id", id, "role", role)
	if id == me && role != models.RoleAdmin {
		return c.Redirect("/profile", fiber.StatusSeeOther) // no longer allowed on /admin
	}
	return c.Redirect("/admin?done=role", fiber.StatusSeeOther)
}

// adminNotFound answers a role change of a user who does not exist.
func (s *Server) adminNotFound(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusNotFound, "admin_forbidden", acctView(c, "admin", &acctMissingPage{
		Heading: "Not found", Message: "There is no such user: the account may have been deleted.",
		Back: "Back to the users", BackTo: "/admin"}))
}

// registerAccountPages adds the profile, settings and administration
// pages.
func (s *Server) registerAccountPages(r fiber.Router) {
	s.registerProfilePages(r)
	s.registerSettingsPages(r)
	s.registerAdminPages(r)
}
