package server

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/vega-ai/vega/models"
)

// The dashboard's profile pages:
//
//	GET  /profile                          details, skills and the lists of items
//	POST /profile                          save details and skills
//	GET  /profile/:kind/new                form for a new item
//	POST /profile/:kind                    create an item
//	GET  /profile/:kind/:id/edit           form for an item
//	POST /profile/:kind/:id                save an item
//	GET  /profile/:kind/:id/delete         ask to confirm the deletion
//	POST /profile/:kind/:id/delete         delete an item
//
// where :kind is experiences, education or certifications. The forms are
// turned into the API's inputs (ExperienceInput, EducationInput,
// CertificationInput) and saved through the same store calls, so the
// dashboard and the API accept and refuse the same things. A refused form is
// shown again with what was entered and a message per field (400); another
// user's item, like a missing one, is a 404 page.

// profileFormLimit bounds a profile form's body, like the API's JSON bodies.
const profileFormLimit = jsonBodyLimit

// acctCheckBody refuses a body over limit bytes with 413.
func acctCheckBody(c *fiber.Ctx, limit int) error {
	if len(c.Body()) > limit {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, "form too large: at most "+byteCount(limit))
	}
	return nil
}

// acctField is one control of a generated form.
type acctField struct {
	Name  string
	Label string
	// Short names the field in messages, when not by its label.
	Short string
	// Type is an input type (text, date, url, email, tel), "textarea",
	// "checkbox" or "select".
	Type         string
	Required     bool
	Hint         string
	Autocomplete string
	MaxLength    int
	Options      []acctOption // for Type "select"
}

// ID is the control's id attribute.
func (f acctField) ID() string { return "f-" + strings.ReplaceAll(f.Name, "_", "-") }

// acctOption is one option of a select.
type acctOption struct {
	Value, Label string
}

// acctLabels returns a function naming each of fields by its label.
func acctLabels(fields []acctField) func(string) string {
	return func(name string) string {
		for _, f := range fields {
			if f.Name == name {
				if f.Short != "" {
					return f.Short
				}
				return f.Label
			}
		}
		return strings.ReplaceAll(name, "_", " ")
	}
}

// acctMessages turns a validation error into one sentence per form field
// ("End date must be on or after the start date") and a list for the
// fields the form does not show.
func acctMessages(ve *models.ValidationError, fields []acctField) (map[string]string, []string) {
	label := acctLabels(fields)
	shown := map[string]bool{}
	for _, f := range fields {
		shown[f.Name] = true
	}
	out := map[string]string{}
	var other []string
	for name, msg := range ve.Fields {
		var text string
		if before, ok := strings.CutPrefix(msg, "must not be before "); ok {
			text = label(name) + " must be on or after the " + strings.ToLower(label(before))
		} else {
			text = label(name) + " " + msg
		}
		text = acctCapitalize(text)
		if shown[name] {
			out[name] = text
		} else {
			other = append(other, text)
		}
	}
	sort.Strings(other)
	return out, other
}

// acctCapitalize capitalises the first letter of s.
func acctCapitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// acctFormValues reads fields from the submitted form.
func acctFormValues(c *fiber.Ctx, fields []acctField) map[string]string {
	v := make(map[string]string, len(fields))
	for _, f := range fields {
		v[f.Name] = utils.CopyString(c.FormValue(f.Name))
	}
	return v
}

// acctOptText is nil for blank text, else a pointer to it.
func acctOptText(s string) *string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return &s
}

// acctText is the text p points to, or "".
func acctText(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// acctDate writes a date for a date input.
func acctDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// acctOptDate writes an optional date for a date input.
func acctOptDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return acctDate(*t)
}

// itemKind describes one kind of profile item for the generic form pages.
type itemKind struct {
	// Slug is the URL segment: /profile/{Slug}.
	Slug string
	// Noun names one item in sentences: "work experience".
	Noun   string
	Fields []acctField
	// load returns an item's form values and a one-line description, or
	// ErrNotFound for another user's item.
	load func(ctx context.Context, uid, id int64) (map[string]string, string, error)
	// save creates (id 0) or replaces an item from form values.
	save func(ctx context.Context, uid, id int64, v map[string]string) error
	del  func(ctx context.Context, uid, id int64) error
}

// profileKinds returns the three kinds of profile items, keyed by slug.
func (s *Server) profileKinds() map[string]*itemKind {
	st := s.deps.Store
	experiences := &itemKind{
		Slug: "experiences", Noun: "work experience",
		Fields: []acctField{
			{Name: "title", Label: "Job title", Type: "text", Required: true, MaxLength: models.MaxTitleChars, Autocomplete: "organization-title"},
			{Name: "company", Label: "Company", Type: "text", Required: true, MaxLength: models.MaxTitleChars, Autocomplete: "organization"},
			{Name: "location", Label: "Location", Type: "text", MaxLength: models.MaxTitleChars},
			{Name: "start_date", Label: "Start date", Type: "date", Required: true},
			{Name: "end_date", Label: "End date", Type: "date", Hint: "Leave empty for a position you still hold."},
			{Name: "current", Label: "I still work here", Type: "checkbox"},
			{Name: "description", Label: "Description", Type: "textarea", Hint: "What you did and achieved."},
		},
		load: func(ctx context.Context, uid, id int64) (map[string]string, string, error) {
			w, err := st.WorkExperience(ctx, uid, id)
			if err != nil {
				return nil, "", err
			}
			cur := ""
			if w.Current {
				cur = "1"
			}
			return map[string]string{"title": w.Title, "company": w.Company, "location": acctText(w.Location),
				"start_date": acctDate(w.StartDate), "end_date": acctOptDate(w.EndDate), "current": cur,
				"description": acctText(w.Description)}, w.Title + " at " + w.Company, nil
		},
		save: func(ctx context.Context, uid, id int64, v map[string]string) error {
			in := ExperienceInput{Company: v["company"], Title: v["title"], Location: acctOptText(v["location"]),
				StartDate: DateInput(v["start_date"]), EndDate: DateInput(v["end_date"]),
				Description: acctOptText(v["description"]), Current: v["current"] != ""}
			m, err := in.Model()
			if err != nil {
				return err
			}
			if id == 0 {
				return st.CreateWorkExperience(ctx, uid, m)
			}
			m.ID = id
			return st.UpdateWorkExperience(ctx, uid, m)
		},
		del: st.DeleteWorkExperience,
	}
	education := &itemKind{
		Slug: "education", Noun: "education",
		Fields: []acctField{
			{Name: "institution", Label: "Institution", Type: "text", Required: true, MaxLength: models.MaxTitleChars},
			{Name: "degree", Label: "Degree", Type: "text", Required: true, MaxLength: models.MaxTitleChars},
			{Name: "field_of_study", Label: "Field of study", Type: "text", MaxLength: models.MaxTitleChars},
			{Name: "start_date", Label: "Start date", Type: "date", Required: true},
			{Name: "end_date", Label: "End date", Type: "date", Hint: "Leave empty if you are still studying."},
			{Name: "description", Label: "Description", Type: "textarea"},
		},
		load: func(ctx context.Context, uid, id int64) (map[string]string, string, error) {
			e, err := st.Education(ctx, uid, id)
			if err != nil {
				return nil, "", err
			}
			return map[string]string{"institution": e.Institution, "degree": e.Degree,
				"field_of_study": acctText(e.FieldOfStudy), "start_date": acctDate(e.StartDate),
				"end_date": acctOptDate(e.EndDate), "description": acctText(e.Description)}, e.Degree + ", " + e.Institution, nil
		},
		save: func(ctx context.Context, uid, id int64, v map[string]string) error {
			in := EducationInput{Institution: v["institution"], Degree: v["degree"], FieldOfStudy: acctOptText(v["field_of_study"]),
				StartDate: DateInput(v["start_date"]), EndDate: DateInput(v["end_date"]), Description: acctOptText(v["description"])}
			m, err := in.Model()
			if err != nil {
				return err
			}
			if id == 0 {
				return st.CreateEducation(ctx, uid, m)
			}
			m.ID = id
			return st.UpdateEducation(ctx, uid, m)
		},
		del: st.DeleteEducation,
	}
	certifications := &itemKind{
		Slug: "certifications", Noun: "certification",
		Fields: []acctField{
			{Name: "name", Label: "Name", Type: "text", Required: true, MaxLength: models.MaxTitleChars},
			{Name: "issuing_org", Label: "Issuing organisation", Type: "text", Required: true, MaxLength: models.MaxTitleChars},
			{Name: "issue_date", Label: "Issue date", Type: "date", Required: true},
			{Name: "expiry_date", Label: "Expiry date", Type: "date", Hint: "Leave empty if it does not expire."},
			{Name: "credential_id", Label: "Credential ID", Type: "text", MaxLength: models.MaxShortTextChars},
			{Name: "credential_url", Label: "Credential URL", Type: "url", MaxLength: models.MaxURLChars, Hint: "An https:// address where it can be checked."},
		},
		load: func(ctx context.Context, uid, id int64) (map[string]string, string, error) {
			x, err := st.Certification(ctx, uid, id)
			if err != nil {
				return nil, "", err
			}
			return map[string]string{"name": x.Name, "issuing_org": x.IssuingOrg, "issue_date": acctDate(x.IssueDate),
				"expiry_date": acctOptDate(x.ExpiryDate), "credential_id": acctText(x.CredentialID),
				"credential_url": acctText(x.CredentialURL)}, x.Name + " (" + x.IssuingOrg + ")", nil
		},
		save: func(ctx context.Context, uid, id int64, v map[string]string) error {
			in := CertificationInput{Name: v["name"], IssuingOrg: v["issuing_org"], IssueDate: DateInput(v["issue_date"]),
				ExpiryDate: DateInput(v["expiry_date"]), CredentialID: acctOptText(v["credential_id"]), CredentialURL: acctOptText(v["credential_url"])}
			m, err := in.Model()
			if err != nil {
				return err
			}
			if id == 0 {
				return st.CreateCertification(ctx, uid, m)
			}
			m.ID = id
			return st.UpdateCertification(ctx, uid, m)
		},
		del: st.DeleteCertification,
	}
	return map[string]*itemKind{experiences.Slug: experiences, education.Slug: education, certifications.Slug: certifications}
}

// profilePage is the data of the profile page.
type profilePage struct {
	Profile *models.Profile
	// Details are the details form's values, as saved or as entered.
	Details map[string]string
	// DetailFields are the details form's controls.
	DetailFields []acctField
	// Messages are the details form's field messages.
	Messages map[string]string
	// Others are messages about fields the form does not show.
	Others []string
}

// itemPage is the data of an item's form or its delete confirmation.
type itemPage struct {
	Kind *itemKind
	// ItemID is 0 for a new item.
	ItemID   int64
	Values   map[string]string
	Messages map[string]string
	Others   []string
	// Summary describes the item, on the delete confirmation.
	Summary string
}

// Heading is the form's heading.
func (p itemPage) Heading() string {
	if p.ItemID == 0 {
		return "Add " + p.Kind.Noun
	}
	return "Edit " + p.Kind.Noun
}

// Action is where the form posts.
func (p itemPage) Action() string {
	if p.ItemID == 0 {
		return "/profile/" + p.Kind.Slug
	}
	return "/profile/" + p.Kind.Slug + "/" + strconv.FormatInt(p.ItemID, 10)
}

// acctMissingPage is the data of the dashboard's 404 and 403 pages.
type acctMissingPage struct {
	Heading string
	Message string
	Back    string
	BackTo  string
}

// profileNotices are the messages /profile shows after a redirect.
var profileNotices = map[string]string{
	"saved":                  "Your profile was saved.",
	"experiences-added":      "The work experience was added.",
	"experiences-saved":      "The work experience was saved.",
	"experiences-deleted":    "The work experience was deleted.",
	"education-added":        "The education was added.",
	"education-saved":        "The education was saved.",
	"education-deleted":      "The education was deleted.",
	"certifications-added":   "The certification was added.",
	"certifications-saved":   "The certification was saved.",
	"certifications-deleted": "The certification was deleted.",
}

// registerProfilePages adds the profile pages, behind requireSession.
func (s *Server) registerProfilePages(r fiber.Router) {
	kinds := s.profileKinds()
	r.Get("/profile", s.requireSession, s.showProfile)
	r.Post("/profile", s.requireSession, s.submitProfile)
	for _, k := range kinds {
		base := "/profile/" + k.Slug
		r.Get(base+"/new", s.requireSession, func(c *fiber.Ctx) error { return s.showItemForm(c, k) })
		r.Post(base, s.requireSession, func(c *fiber.Ctx) error { return s.submitItem(c, k) })
		r.Get(base+"/:id/edit", s.requireSession, func(c *fiber.Ctx) error { return s.showItemForm(c, k) })
		r.Post(base+"/:id", s.requireSession, func(c *fiber.Ctx) error { return s.submitItem(c, k) })
		r.Get(base+"/:id/delete", s.requireSession, func(c *fiber.Ctx) error { return s.showItemDelete(c, k) })
		r.Post(base+"/:id/delete", s.requireSession, func(c *fiber.Ctx) error { return s.submitItemDelete(c, k) })
	}
}

// acctView is a signed-in page of the navigation entry nav with data.
func acctView(c *fiber.Ctx, nav string, data any) view {
	return view{User: currentUser(c), CSRFToken: csrfToken(c), Nav: nav, Data: data}
}

// acctNotFound answers a missing item, or another user's, with a 404 page.
func (s *Server) acctNotFound(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusNotFound, "profile_missing", acctView(c, "profile", &acctMissingPage{
		Heading: "Not found", Message: "There is no such item in your profile.",
		Back: "Back to your profile", BackTo: "/profile"}))
}

// detailFields are the controls of the profile's details form.
func detailFields() []acctField {
	industries := make([]acctOption, 0, len(models.AllIndustries()))
	for _, i := range models.AllIndustries() {
		industries = append(industries, acctOption{Value: strconv.Itoa(int(i)), Label: i.String()})
	}
	return []acctField{
		{Name: "first_name", Label: "First name", Type: "text", MaxLength: models.MaxShortTextChars, Autocomplete: "given-name"},
		{Name: "last_name", Label: "Last name", Type: "text", MaxLength: models.MaxShortTextChars, Autocomplete: "family-name"},
		{Name: "title", Label: "Professional title", Type: "text", MaxLength: models.MaxTitleChars, Autocomplete: "organization-title"},
		{Name: "industry", Label: "Industry", Type: "select", Options: industries},
		{Name: "location", Label: "Location", Type: "text", MaxLength: models.MaxTitleChars, Autocomplete: "address-level2"},
		{Name: "email", Label: "E-mail", Type: "email", MaxLength: models.MaxEmailChars, Autocomplete: "email"},
		{Name: "phone_number", Label: "Phone number", Type: "tel", MaxLength: models.MaxShortTextChars, Autocomplete: "tel"},
		{Name: "linkedin_profile", Label: "LinkedIn profile", Type: "url", MaxLength: models.MaxURLChars},
		{Name: "github_profile", Label: "GitHub profile", Type: "url", MaxLength: models.MaxURLChars},
		{Name: "website", Label: "Website", Type: "url", MaxLength: models.MaxURLChars, Autocomplete: "url"},
		{Name: "career_summary", Label: "Career summary", Type: "textarea"},
		{Name: "skills", Label: "Skills", Type: "textarea", Hint: "Separate skills with commas or put one on each line."},
		{Name: "context", Label: "Anything else for the AI", Type: "textarea", Hint: "Preferences and facts the analysis and documents should take into account."},
	}
}

// profileDetails is the details form's values for p.
func profileDetails(p *models.Profile) map[string]string {
	return map[string]string{"first_name": p.FirstName, "last_name": p.LastName, "title": p.Title,
		"industry": strconv.Itoa(int(p.Industry)), "location": p.Location, "email": p.Email,
		"phone_number": p.PhoneNumber, "linkedin_profile": p.LinkedInProfile, "github_profile": p.GitHubProfile,
		"website": p.Website, "career_summary": p.CareerSummary, "skills": strings.Join(p.Skills, "\n"),
		"context": p.Context}
}

// acctSkills reads skills separated by commas or new lines.
func acctSkills(s string) models.StringList {
	l := models.StringList{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if part = strings.TrimSpace(part); part != "" {
			l = append(l, part)
		}
	}
	return l
}

// renderProfile shows the profile page with p's details (the saved ones
// when nil) and the form-wide message errMsg or notice.
func (s *Server) renderProfile(c *fiber.Ctx, status int, p *profilePage, errMsg, notice string) error {
	full, err := s.deps.Store.FullProfile(c.UserContext(), mustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	p.Profile, p.DetailFields = full, detailFields()
	if p.Details == nil {
		p.Details = profileDetails(full)
	}
	v := acctView(c, "profile", p)
	v.Error, v.Notice = errMsg, notice
	return s.render(c, status, "profile", v)
}

func (s *Server) showProfile(c *fiber.Ctx) error {
	return s.renderProfile(c, fiber.StatusOK, &profilePage{}, "", profileNotices[c.Query("done")])
}

// submitProfile saves the details form: every field it shows is set.
func (s *Server) submitProfile(c *fiber.Ctx) error {
	if err := acctCheckBody(c, profileFormLimit); err != nil {
		return err
	}
	fields := detailFields()
	v := acctFormValues(c, fields)
	str := func(name string) *string { x := v[name]; return &x }
	skills := acctSkills(v["skills"])
	u := models.ProfileUpdate{FirstName: str("first_name"), LastName: str("last_name"), Title: str("title"),
		CareerSummary: str("career_summary"), Skills: &skills, PhoneNumber: str("phone_number"), Email: str("email"),
		Location: str("location"), LinkedInProfile: str("linkedin_profile"), GitHubProfile: str("github_profile"),
		Website: str("website"), Context: str("context")}
	industry, err := models.ParseIndustry(v["industry"])
	if err != nil {
		return s.profileRefused(c, v, fields, &models.ValidationError{Fields: map[string]string{"industry": "is not a known industry"}})
	}
	u.Industry = &industry
	if _, err := s.deps.Store.UpdateProfile(c.UserContext(), mustPrincipal(c).UserID, u); err != nil {
		return s.profileRefused(c, v, fields, err)
	}
	return c.Redirect("/profile?done=saved", fiber.StatusSeeOther)
}

// profileRefused shows the details form again with its messages (400), for
// a validation error; other errors go to the error handler.
func (s *Server) profileRefused(c *fiber.Ctx, v map[string]string, fields []acctField, err error) error {
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	p := &profilePage{Details: v}
	p.Messages, p.Others = acctMessages(ve, fields)
	return s.renderProfile(c, fiber.StatusBadRequest, p, "Your profile was not saved: please correct the fields marked below.", "")
}

// acctItemID reads an item's :id; anything but a positive number is a 404.
func acctItemID(c *fiber.Ctx) (int64, bool) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	return id, err == nil && id > 0
}

// loadItem reads the item of the URL, answering a 404 page when it is
// missing or another user's (done is then true).
func (s *Server) loadItem(c *fiber.Ctx, k *itemKind) (id int64, vals map[string]string, summary string, done bool, err error) {
	id, ok := acctItemID(c)
	if !ok {
		return 0, nil, "", true, s.acctNotFound(c)
	}
	vals, summary, err = k.load(c.UserContext(), mustPrincipal(c).UserID, id)
	if errors.Is(err, models.ErrNotFound) {
		return 0, nil, "", true, s.acctNotFound(c)
	}
	if err != nil {
		return 0, nil, "", true, err
	}
	return id, vals, summary, false, nil
}

// showItemForm shows the form for a new item (no :id) or for an existing one.
func (s *Server) showItemForm(c *fiber.Ctx, k *itemKind) error {
	p := &itemPage{Kind: k, Values: map[string]string{}}
	if c.Params("id") != "" {
		id, vals, _, done, err := s.loadItem(c, k)
		if done {
			return err
		}
		p.ItemID, p.Values = id, vals
	}
	return s.render(c, fiber.StatusOK, "profile_item", acctView(c, "profile", p))
}

// submitItem creates an item (no :id) or saves an existing one.
func (s *Server) submitItem(c *fiber.Ctx, k *itemKind) error {
	if err := acctCheckBody(c, profileFormLimit); err != nil {
		return err
	}
	var id int64
	if c.Params("id") != "" {
		var done bool
		var err error
		if id, _, _, done, err = s.loadItem(c, k); done {
			return err
		}
	}
	vals := acctFormValues(c, k.Fields)
	err := k.save(c.UserContext(), mustPrincipal(c).UserID, id, vals)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		p := &itemPage{Kind: k, ItemID: id, Values: vals}
		p.Messages, p.Others = acctMessages(ve, k.Fields)
		v := acctView(c, "profile", p)
		v.Error = fmt.Sprintf("The %s was not saved: please correct the fields marked below.", k.Noun)
		return s.render(c, fiber.StatusBadRequest, "profile_item", v)
	case errors.Is(err, models.ErrNotFound):
		return s.acctNotFound(c)
	case err != nil:
		return err
	}
	done := "-saved"
	if id == 0 {
		done = "-added"
	}
	return c.Redirect("/profile?done="+k.Slug+done+"#"+k.Slug, fiber.StatusSeeOther)
}

// showItemDelete asks to confirm an item's deletion.
func (s *Server) showItemDelete(c *fiber.Ctx, k *itemKind) error {
	id, _, summary, done, err := s.loadItem(c, k)
	if done {
		return err
	}
	return s.render(c, fiber.StatusOK, "profile_delete", acctView(c, "profile", &itemPage{Kind: k, ItemID: id, Summary: summary}))
}

// submitItemDelete deletes an item.
func (s *Server) submitItemDelete(c *fiber.Ctx, k *itemKind) error {
	id, ok := acctItemID(c)
	if !ok {
		return s.acctNotFound(c)
	}
	err := k.del(c.UserContext(), mustPrincipal(c).UserID, id)
	if errors.Is(err, models.ErrNotFound) {
		return s.acctNotFound(c)
	} else if err != nil {
		return err
	}
	return c.Redirect("/profile?done="+k.Slug+"-deleted#"+k.Slug, fiber.StatusSeeOther)
}

// acctControl is one form control with its value and message, for the
// "account-field" template.
type acctControl struct {
	acctField
	Value   string
	Message string
	// MarkOptional adds "(optional)" to the label of a control that is not
	// required.
	MarkOptional bool
}

// DescribedBy lists the ids of the control's hint and message.
func (c acctControl) DescribedBy() string {
	var ids []string
	if c.Hint != "" {
		ids = append(ids, c.ID()+"-hint")
	}
	if c.Message != "" {
		ids = append(ids, c.ID()+"-error")
	}
	return strings.Join(ids, " ")
}

// Control is the details form's control f.
func (p *profilePage) Control(f acctField) acctControl {
	return acctControl{acctField: f, Value: p.Details[f.Name], Message: p.Messages[f.Name]}
}

// Control is the item form's control f.
func (p *itemPage) Control(f acctField) acctControl {
	return acctControl{acctField: f, Value: p.Values[f.Name], Message: p.Messages[f.Name], MarkOptional: true}
}

// Month formats a date of the profile as "Mar 2024".
func (*profilePage) Month(t time.Time) string { return t.UTC().Format("Jan 2006") }

// Day formats a date of the profile as "1 Mar 2024".
func (*profilePage) Day(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// Paragraphs splits an optional text into its paragraphs.
func (*profilePage) Paragraphs(s *string) []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(*s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
