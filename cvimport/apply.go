package cvimport

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/vega-ai/vega/models"
)

// sameText compares two names ignoring case and white space.
func sameText(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// sameMonth reports whether t and u fall in the same month.
func sameMonth(t time.Time, u *time.Time) bool {
	return u != nil && t.Year() == u.Year() && t.Month() == u.Month()
}

// Match marks the twins of p's items in userID's stored profile: an
// experience with the same company, title and start month, an education
// entry with the same institution, degree and start month, a certification
// with the same name and issuer get the stored item's ID, so the preview
// can say they update it.
func Match(ctx context.Context, store *models.Store, userID int64, p *Proposal) error {
	prof, err := store.FullProfile(ctx, userID)
	if err != nil {
		return err
	}
	for i := range p.Experiences {
		if w := twinExperience(prof.WorkExperiences, p.Experiences[i]); w != nil {
			p.Experiences[i].ID = w.ID
		}
	}
	for i := range p.Education {
		if e := twinEducation(prof.Education, p.Education[i]); e != nil {
			p.Education[i].ID = e.ID
		}
	}
	for i := range p.Certifications {
		if c := twinCertification(prof.Certifications, p.Certifications[i]); c != nil {
			p.Certifications[i].ID = c.ID
		}
	}
	return nil
}

func twinExperience(have []models.WorkExperience, x Experience) *models.WorkExperience {
	for i, w := range have {
		if sameText(w.Company, x.Company) && sameText(w.Title, x.Title) && sameMonth(w.StartDate, x.Start) {
			return &have[i]
		}
	}
	return nil
}

func twinEducation(have []models.Education, x Education) *models.Education {
	for i, e := range have {
		if sameText(e.Institution, x.Institution) && sameText(e.Degree, x.Degree) && sameMonth(e.StartDate, x.Start) {
			return &have[i]
		}
	}
	return nil
}

func twinCertification(have []models.Certification, x Certification) *models.Certification {
	for i, c := range have {
		if sameText(c.Name, x.Name) && sameText(c.IssuingOrg, x.IssuingOrg) {
			return &have[i]
		}
	}
	return nil
}

// byID returns the item of have whose id is id.
func byID[T any](have []T, id int64, idOf func(*T) int64) *T {
	for i := range have {
		if idOf(&have[i]) == id {
			return &have[i]
		}
	}
	return nil
}

// opt returns a pointer to s, or nil when s is blank.
func opt(s string) *string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return &s
}

// keep returns the kept value when it is not blank, else the stored one.
func keep(kept string, stored *string) *string {
	if strings.TrimSpace(kept) != "" {
		return &kept
	}
	return stored
}

// Apply merges sel, the proposal with only the items the user kept (and
// edited), into userID's profile and returns the full profile. A profile
// field changes only when its kept value is not empty; skills are added to
// the stored ones; an item with the same identity as a stored one (see
// Match), or naming a stored one by ID, updates it, keeping the stored
// values of fields the import leaves empty; nothing is removed. Every item
// is checked before anything is written: a missing company, title or start
// date is a *models.ValidationError, an ID that is not one of the user's
// items is models.ErrNotFound, and nothing is stored then.
func Apply(ctx context.Context, store *models.Store, userID int64, sel Proposal) (*models.Profile, error) {
	prof, err := store.FullProfile(ctx, userID)
	if err != nil {
		return nil, err
	}
	ve := &models.ValidationError{}
	exps := make([]models.WorkExperience, len(sel.Experiences))
	for i, x := range sel.Experiences {
		field := "experiences[" + itoa(i) + "]"
		var w models.WorkExperience
		switch {
		case x.ID != 0:
			p := byID(prof.WorkExperiences, x.ID, func(w *models.WorkExperience) int64 { return w.ID })
			if p == nil {
				return nil, models.ErrNotFound
			}
			w = *p
		default:
			if p := twinExperience(prof.WorkExperiences, x); p != nil {
				w = *p
			}
		}
		if strings.TrimSpace(x.Company) != "" {
			w.Company = x.Company
		}
		if strings.TrimSpace(x.Title) != "" {
			w.Title = x.Title
		}
		w.Location = keep(x.Location, w.Location)
		w.Description = keep(x.Description, w.Description)
		if x.Start != nil {
			w.StartDate = x.Start.UTC()
		}
		if x.Start != nil || w.ID == 0 {
			w.EndDate, w.Current = x.End, x.Current || x.End == nil
		}
		if strings.TrimSpace(w.Company) == "" {
			ve.Add(field+".company", "is required")
		}
		if strings.TrimSpace(w.Title) == "" {
			ve.Add(field+".title", "is required")
		}
		if w.StartDate.IsZero() {
			ve.Add(field+".start", "is required")
		}
		if w.EndDate != nil && w.EndDate.Before(w.StartDate) {
			ve.Add(field+".end", "must not be before the start")
		}
		exps[i] = w
	}
	edus := make([]models.Education, len(sel.Education))
	for i, x := range sel.Education {
		field := "education[" + itoa(i) + "]"
		var e models.Education
		switch {
		case x.ID != 0:
			p := byID(prof.Education, x.ID, func(e *models.Education) int64 { return e.ID })
			if p == nil {
				return nil, models.ErrNotFound
			}
			e = *p
		default:
			if p := twinEducation(prof.Education, x); p != nil {
				e = *p
			}
		}
		if strings.TrimSpace(x.Institution) != "" {
			e.Institution = x.Institution
		}
		if strings.TrimSpace(x.Degree) != "" {
			e.Degree = x.Degree
		}
		e.FieldOfStudy = keep(x.FieldOfStudy, e.FieldOfStudy)
		e.Description = keep(x.Description, e.Description)
		if x.Start != nil {
			e.StartDate = x.Start.UTC()
		}
		if x.End != nil {
			e.EndDate = x.End
		}
		if strings.TrimSpace(e.Institution) == "" {
			ve.Add(field+".institution", "is required")
		}
		if strings.TrimSpace(e.Degree) == "" {
			ve.Add(field+".degree", "is required")
		}
		if e.StartDate.IsZero() {
			ve.Add(field+".start", "is required")
		}
		if e.EndDate != nil && e.EndDate.Before(e.StartDate) {
			ve.Add(field+".end", "must not be before the start")
		}
		edus[i] = e
	}
	certs := make([]models.Certification, len(sel.Certifications))
	for i, x := range sel.Certifications {
		field := "certifications[" + itoa(i) + "]"
		var c models.Certification
		switch {
		case x.ID != 0:
			p := byID(prof.Certifications, x.ID, func(c *models.Certification) int64 { return c.ID })
			if p == nil {
				return nil, models.ErrNotFound
			}
			c = *p
		default:
			if p := twinCertification(prof.Certifications, x); p != nil {
				c = *p
			}
		}
		if strings.TrimSpace(x.Name) != "" {
			c.Name = x.Name
		}
		if strings.TrimSpace(x.IssuingOrg) != "" {
			c.IssuingOrg = x.IssuingOrg
		}
		if x.IssueDate != nil {
			c.IssueDate = x.IssueDate.UTC()
		}
		if x.ExpiryDate != nil {
			c.ExpiryDate = x.ExpiryDate
		}
		c.CredentialID = keep(x.CredentialID, c.CredentialID)
		c.CredentialURL = keep(x.CredentialURL, c.CredentialURL)
		if strings.TrimSpace(c.Name) == "" {
			ve.Add(field+".name", "is required")
		}
		if strings.TrimSpace(c.IssuingOrg) == "" {
			ve.Add(field+".issuing_org", "is required")
		}
		if c.IssueDate.IsZero() {
			ve.Add(field+".issue_date", "is required")
		}
		if c.ExpiryDate != nil && c.ExpiryDate.Before(c.IssueDate) {
			ve.Add(field+".expiry_date", "must not be before the issue date")
		}
		certs[i] = c
	}
	if len(ve.Fields) > 0 {
		return nil, ve
	}

	// The profile's fields: one write, only the non-empty kept values; skills
	// are the stored ones plus the new ones.
	var u models.ProfileUpdate
	set := func(dst **string, v string) {
		if v = strings.TrimSpace(v); v != "" {
			*dst = &v
		}
	}
	set(&u.FirstName, sel.FirstName)
	set(&u.LastName, sel.LastName)
	set(&u.Title, sel.Title)
	set(&u.Email, sel.Email)
	set(&u.PhoneNumber, sel.Phone)
	set(&u.Location, sel.Location)
	set(&u.LinkedInProfile, sel.LinkedIn)
	set(&u.GitHubProfile, sel.GitHub)
	set(&u.Website, sel.Website)
	set(&u.CareerSummary, sel.Summary)
	if len(sel.Skills) > 0 {
		l := append(models.StringList{}, prof.Skills...)
		for _, s := range sel.Skills {
			s = strings.TrimSpace(s)
			dup := s == ""
			for _, h := range l {
				dup = dup || strings.EqualFold(h, s)
			}
			if !dup {
				l = append(l, s)
			}
		}
		u.Skills = &l
	}
	if u != (models.ProfileUpdate{}) {
		if _, err := store.UpdateProfile(ctx, userID, u); err != nil {
			return nil, err
		}
	}
	for i := range exps {
		w := &exps[i]
		if w.ID != 0 {
			err = store.UpdateWorkExperience(ctx, userID, w)
		} else {
			err = store.CreateWorkExperience(ctx, userID, w)
		}
		if err != nil {
			return nil, prefixed(err, "experiences["+itoa(i)+"].")
		}
	}
	for i := range edus {
		e := &edus[i]
		if e.ID != 0 {
			err = store.UpdateEducation(ctx, userID, e)
		} else {
			err = store.CreateEducation(ctx, userID, e)
		}
		if err != nil {
			return nil, prefixed(err, "education["+itoa(i)+"].")
		}
	}
	for i := range certs {
		c := &certs[i]
		if c.ID != 0 {
			err = store.UpdateCertification(ctx, userID, c)
		} else {
			err = store.CreateCertification(ctx, userID, c)
		}
		if err != nil {
			return nil, prefixed(err, "certifications["+itoa(i)+"].")
		}
	}
	return store.FullProfile(ctx, userID)
}

// prefixed names a validation error's fields after the item they belong to.
func prefixed(err error, prefix string) error {
	if ve, ok := err.(*models.ValidationError); ok {
		out := &models.ValidationError{}
		for f, m := range ve.Fields {
			out.Add(prefix+f, m)
		}
		return out
	}
	return err
}

func itoa(i int) string { return strconv.Itoa(i) }
