package server

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/cvimport"
	"github.com/vega-ai/vega/models"
)

// The dashboard's CV import: upload a CV, review the proposal item by item
// (keep or drop, edit), apply what was kept.
//
//	GET  /profile/import        the upload form
//	POST /profile/import        upload -> the preview form
//	POST /profile/import/apply  the kept items -> merged, then /profile

// registerCVImportPages adds the import pages behind requireSession.
func (s *Server) registerCVImportPages(r fiber.Router) {
	r.Get("/profile/import", s.requireSession, s.showCVImport)
	r.Post("/profile/import", s.requireSession, s.submitCVImport)
	r.Post("/profile/import/apply", s.requireSession, s.submitCVApply)
}

// cvField is one editable profile field of the preview.
type cvField struct {
	Name, Label, Value string
}

// cvImportPage is the data of profile-import.html.
type cvImportPage struct {
	Preview  bool
	Source   cvimport.Source
	Note     string
	Fields   []cvField
	Proposal cvimport.Proposal
}

// showCVImport renders the upload form.
func (s *Server) showCVImport(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "profile-import", view{User: currentUser(c), Nav: "profile", CSRFToken: csrfToken(c), Data: &cvImportPage{}})
}

// submitCVImport reads the uploaded CV and renders the preview; a refusal
// is the upload form again with its reason.
func (s *Server) submitCVImport(c *fiber.Ctx) error {
	u := currentUser(c)
	page := func(status int, msg string, data *cvImportPage) error {
		return s.render(c, status, "profile-import", view{User: u, Nav: "profile", CSRFToken: csrfToken(c), Error: msg, Data: data})
	}
	name, data, err := uploadedCV(c)
	var ans importAnswer
	if err == nil {
		ans, err = s.proposeCV(c.UserContext(), u.ID, name, data, "")
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return page(fe.Code, sentence(fe.Message), &cvImportPage{})
	}
	if err != nil {
		return err
	}
	p := ans.Proposal
	return page(fiber.StatusOK, "", &cvImportPage{Preview: true, Source: ans.Source, Note: ans.Note, Proposal: p, Fields: []cvField{
		{"first_name", "First name", p.FirstName}, {"last_name", "Last name", p.LastName}, {"title", "Title", p.Title},
		{"email", "E-mail", p.Email}, {"phone", "Phone", p.Phone}, {"location", "Location", p.Location},
		{"linkedin", "LinkedIn", p.LinkedIn}, {"github", "GitHub", p.GitHub}, {"website", "Website", p.Website},
		{"summary", "Summary", p.Summary},
	}})
}

// formMonth reads a YYYY-MM (or YYYY-MM-DD) field; ok is false when it is
// set but not a date.
func formMonth(v string) (*time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true
	}
	for _, layout := range []string{"2006-01", time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return &t, true
		}
	}
	return nil, false
}

// selectionFromForm reads the preview form: only checked items and fields.
func selectionFromForm(c *fiber.Ctx) (cvimport.Proposal, *models.ValidationError) {
	ve := &models.ValidationError{}
	var sel cvimport.Proposal
	kept := func(name string) string {
		if c.FormValue("keep."+name) == "" {
			return ""
		}
		return c.FormValue(name)
	}
	sel.FirstName, sel.LastName, sel.Title = kept("first_name"), kept("last_name"), kept("title")
	sel.Email, sel.Phone, sel.Location = kept("email"), kept("phone"), kept("location")
	sel.LinkedIn, sel.GitHub, sel.Website, sel.Summary = kept("linkedin"), kept("github"), kept("website"), kept("summary")
	if form, err := c.MultipartForm(); err == nil {
		sel.Skills = form.Value["skill"]
	} else {
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			if string(k) == "skill" {
				sel.Skills = append(sel.Skills, string(v))
			}
		})
	}
	date := func(field string) *time.Time {
		t, ok := formMonth(c.FormValue(field))
		if !ok {
			ve.Add(field, "must be a month such as 2021-03")
		}
		return t
	}
	id := func(field string) int64 { n, _ := strconv.ParseInt(c.FormValue(field), 10, 64); return n }
	count := func(field string) int { n, _ := strconv.Atoi(c.FormValue(field)); return min(max(n, 0), 500) }
	for i := range count("exp.count") {
		k := "exp." + strconv.Itoa(i) + "."
		if c.FormValue(k+"keep") == "" {
			continue
		}
		sel.Experiences = append(sel.Experiences, cvimport.Experience{ID: id(k + "id"), Company: c.FormValue(k + "company"),
			Title: c.FormValue(k + "title"), Location: c.FormValue(k + "location"), Start: date(k + "start"), End: date(k + "end"),
			Current: c.FormValue(k+"current") != "", Description: c.FormValue(k + "description")})
	}
	for i := range count("edu.count") {
		k := "edu." + strconv.Itoa(i) + "."
		if c.FormValue(k+"keep") == "" {
			continue
		}
		sel.Education = append(sel.Education, cvimport.Education{ID: id(k + "id"), Institution: c.FormValue(k + "institution"),
			Degree: c.FormValue(k + "degree"), FieldOfStudy: c.FormValue(k + "field_of_study"), Start: date(k + "start"),
			End: date(k + "end"), Description: c.FormValue(k + "description")})
	}
	for i := range count("cert.count") {
		k := "cert." + strconv.Itoa(i) + "."
		if c.FormValue(k+"keep") == "" {
			continue
		}
		sel.Certifications = append(sel.Certifications, cvimport.Certification{ID: id(k + "id"), Name: c.FormValue(k + "name"),
			IssuingOrg: c.FormValue(k + "issuing_org"), IssueDate: date(k + "issue_date"), ExpiryDate: date(k + "expiry_date"),
			CredentialID: c.FormValue(k + "credential_id"), CredentialURL: c.FormValue(k + "credential_url")})
	}
	return sel, ve
}

// submitCVApply merges the kept items and goes to the profile; a refused
// selection shows the upload form with what was wrong.
func (s *Server) submitCVApply(c *fiber.Ctx) error {
	u := currentUser(c)
	sel, ve := selectionFromForm(c)
	var err error
	if len(ve.Fields) == 0 {
		_, err = cvimport.Apply(c.UserContext(), s.deps.Store, u.ID, sel)
	} else {
		err = ve
	}
	if err != nil {
		status, body := statusOf(err)
		if status >= 500 {
			return err
		}
		msg := body.Error
		for f, m := range body.Fields {
			msg += "; " + f + " " + m
		}
		return s.render(c, status, "profile-import", view{User: u, Nav: "profile", CSRFToken: csrfToken(c), Error: "Nothing was saved: " + msg + ". Upload the CV again to retry.", Data: &cvImportPage{}})
	}
	return c.Redirect("/profile", fiber.StatusSeeOther)
}
