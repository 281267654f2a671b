package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ProfileUpdate holds the profile fields UpdateProfile changes; nil fields
// stay as they are, and an empty string clears a field.
type ProfileUpdate struct {
	FirstName       *string     `json:"first_name,omitempty"`
	LastName        *string     `json:"last_name,omitempty"`
	Title           *string     `json:"title,omitempty"`
	Industry        *Industry   `json:"industry,omitempty"`
	CareerSummary   *string     `json:"career_summary,omitempty"`
	Skills          *StringList `json:"skills,omitempty"`
	PhoneNumber     *string     `json:"phone_number,omitempty"`
	Email           *string     `json:"email,omitempty"`
	Location        *string     `json:"location,omitempty"`
	LinkedInProfile *string     `json:"linkedin_profile,omitempty"`
	GitHubProfile   *string     `json:"github_profile,omitempty"`
	Website         *string     `json:"website,omitempty"`
	Context         *string     `json:"context,omitempty"`
}

// validEmail is a deliberately loose check: one "@" with text on both sides,
// a dot in the domain, no white space.
func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || at == len(s)-1 {
		return false
	}
	return strings.Contains(s[at+1:], ".") && !strings.ContainsAny(s, " \t\r\n<>")
}

// Profile returns userID's profile (without work experiences, education and
// certifications), or ErrNotFound.
func (s *Store) Profile(ctx context.Context, userID int64) (*Profile, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	var p Profile
	if err := findOne(s.read(ctx).Scopes(ForUser(userID)), &p, "profile"); err != nil {
		return nil, wrapDB("profile", err)
	}
	return &p, nil
}

// FullProfile returns userID's profile with its work experiences (current
// first, then newest start first), education (newest first) and
// certifications (newest first) loaded, or ErrNotFound.
func (s *Store) FullProfile(ctx context.Context, userID int64) (*Profile, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	var p Profile
	q := s.read(ctx).Scopes(ForUser(userID)).
		Preload("WorkExperiences", func(db *gorm.DB) *gorm.DB { return db.Order(workExperienceOrder) }).
		Preload("Education", func(db *gorm.DB) *gorm.DB { return db.Order(educationOrder) }).
		Preload("Certifications", func(db *gorm.DB) *gorm.DB { return db.Order(certificationOrder) })
	if err := findOne(q, &p, "profile"); err != nil {
		return nil, wrapDB("full profile", err)
	}
	return &p, nil
}

// UpdateProfile changes the fields set in u on userID's profile, sets its
// updated_at and returns the updated profile. Invalid values are a
// *ValidationError; a user without a profile is ErrNotFound.
func (s *Store) UpdateProfile(ctx context.Context, userID int64, u ProfileUpdate) (*Profile, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	var v validator
	set := map[string]any{}
	text := func(field string, p *string, max int, bytes bool) {
		if p == nil {
			return
		}
		t := strings.TrimSpace(*p)
		if bytes {
			v.maxBytes(field, t, max)
		} else {
			v.maxChars(field, t, max)
		}
		set[field] = t
	}
	text("first_name", u.FirstName, MaxShortTextChars, false)
	text("last_name", u.LastName, MaxShortTextChars, false)
	text("title", u.Title, MaxTitleChars, false)
	text("career_summary", u.CareerSummary, MaxLongTextBytes, true)
	text("phone_number", u.PhoneNumber, MaxShortTextChars, false)
	text("email", u.Email, MaxEmailChars, false)
	text("location", u.Location, MaxTitleChars, false)
	text("linkedin_profile", u.LinkedInProfile, MaxURLChars, false)
	text("github_profile", u.GitHubProfile, MaxURLChars, false)
	text("website", u.Website, MaxURLChars, false)
	text("context", u.Context, MaxLongTextBytes, true)
	if e, ok := set["email"].(string); ok && e != "" && !validEmail(e) {
		v.add("email", "must be an e-mail address")
	}
	for _, f := range []string{"linkedin_profile", "github_profile", "website"} {
		if l, ok := set[f].(string); ok {
			v.link(f, l)
		}
	}
	if u.Industry != nil {
		if !u.Industry.Valid() {
			v.add("industry", "is not a known industry")
		}
		set["industry"] = *u.Industry
	}
	if u.Skills != nil {
		l := u.Skills.clean()
		v.skills("skills", l)
		set["skills"] = l
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	set["updated_at"] = s.clock()

	var p Profile
	err := s.inTx(ctx, "update profile", func(tx *gorm.DB) error {
		res := tx.Model(&Profile{}).Scopes(ForUser(userID)).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound("profile")
		}
		return findOne(tx.Scopes(ForUser(userID)), &p, "profile")
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// profileIDTx returns the id of userID's profile.
func profileIDTx(tx *gorm.DB, userID int64) (int64, error) {
	var p Profile
	if err := findOne(tx.Select("id").Scopes(ForUser(userID)), &p, "profile"); err != nil {
		return 0, err
	}
	return p.ID, nil
}

// createProfileItem runs create in a write transaction with the id of
// userID's profile.
func (s *Store) createProfileItem(ctx context.Context, userID int64, op string, create func(tx *gorm.DB, profileID int64, now time.Time) error) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *gorm.DB) error {
		pid, err := profileIDTx(tx, userID)
		if err != nil {
			return err
		}
		return create(tx, pid, s.clock())
	})
}

// profileItem reads row id of model's table into dest if its profile
// belongs to userID.
func (s *Store) profileItem(ctx context.Context, userID, id int64, op, what string, dest any) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	return wrapDB(op, findOne(s.read(ctx).Scopes(ForProfileOwner(userID)).Where("id = ?", id), dest, fmt.Sprintf("%s %d", what, id)))
}

// profileItems lists the rows of dest's table whose profile belongs to
// userID, in the given order.
func (s *Store) profileItems(ctx context.Context, userID int64, op, order string, dest any) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	return wrapDB(op, s.read(ctx).Scopes(ForProfileOwner(userID)).Order(order).Find(dest).Error)
}

// updateProfileItem sets columns on row id of model's table if its profile
// belongs to userID, then reads the row back into dest.
func (s *Store) updateProfileItem(ctx context.Context, userID, id int64, op, what string, model any, set map[string]any, dest any) error {
	if err := requireOwner(userID); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *gorm.DB) error {
		res := tx.Model(model).Scopes(ForProfileOwner(userID)).Where("id = ?", id).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound(fmt.Sprintf("%s %d", what, id))
		}
		return findOne(tx.Where("id = ?", id), dest, what)
	})
}

// deleteProfileItem deletes row id of model's table if its profile belongs
// to userID.
func (s *Store) deleteProfileItem(ctx context.Context, userID, id int64, op, what string, model any) error {
	return s.deleteOwned(ctx, userID, id, op, what, ForProfileOwner(userID), model)
}

// Work experiences.

const workExperienceOrder = "current DESC, start_date DESC, id DESC"

// normalizeWorkExperience trims and validates w in place.
func normalizeWorkExperience(w *WorkExperience) error {
	var v validator
	w.Company = collapseSpace(w.Company)
	v.required("company", w.Company)
	v.maxChars("company", w.Company, MaxTitleChars)
	w.Title = strings.TrimSpace(w.Title)
	v.required("title", w.Title)
	v.maxChars("title", w.Title, MaxTitleChars)
	w.Location = optString(w.Location)
	v.maxChars("location", deref(w.Location), MaxTitleChars)
	w.Description = optString(w.Description)
	v.maxBytes("description", deref(w.Description), MaxLongTextBytes)
	w.StartDate, w.EndDate = w.StartDate.UTC(), utcPtr(w.EndDate)
	v.dateRange("start_date", w.StartDate, "end_date", w.EndDate)
	if w.Current && w.EndDate != nil {
		v.add("end_date", "must be empty for a current position")
	}
	return v.err()
}

// CreateWorkExperience adds w to userID's profile and fills in its ID,
// ProfileID and timestamps. Invalid fields (a missing company or title, an
// end date before the start date, ...) are a *ValidationError.
func (s *Store) CreateWorkExperience(ctx context.Context, userID int64, w *WorkExperience) error {
	if w == nil {
		return invalidField("work_experience", "is required")
	}
	row := *w
	if err := normalizeWorkExperience(&row); err != nil {
		return err
	}
	err := s.createProfileItem(ctx, userID, "create work experience", func(tx *gorm.DB, pid int64, now time.Time) error {
		row.ID, row.ProfileID, row.CreatedAt, row.UpdatedAt = 0, pid, now, now
		return tx.Create(&row).Error
	})
	if err != nil {
		return err
	}
	*w = row
	return nil
}

// WorkExperiences returns the work experiences of userID's profile, current
// positions first, then newest start first.
func (s *Store) WorkExperiences(ctx context.Context, userID int64) ([]WorkExperience, error) {
	out := []WorkExperience{}
	if err := s.profileItems(ctx, userID, "list work experiences", workExperienceOrder, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// WorkExperience returns the work experience id of userID's profile, or
// ErrNotFound.
func (s *Store) WorkExperience(ctx context.Context, userID, id int64) (*WorkExperience, error) {
	var w WorkExperience
	if err := s.profileItem(ctx, userID, id, "work experience", "work experience", &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// UpdateWorkExperience replaces the fields of userID's work experience w.ID
// with w's (company, title, location, dates, description, current), and
// fills w with the stored row. It returns ErrNotFound if the user has no
// such work experience and a *ValidationError for invalid fields.
func (s *Store) UpdateWorkExperience(ctx context.Context, userID int64, w *WorkExperience) error {
	if w == nil {
		return invalidField("work_experience", "is required")
	}
	row := *w
	if err := normalizeWorkExperience(&row); err != nil {
		return err
	}
	set := map[string]any{
		"company": row.Company, "title": row.Title, "location": row.Location,
		"start_date": row.StartDate, "end_date": row.EndDate, "description": row.Description,
		"current": row.Current, "updated_at": s.clock(),
	}
	var out WorkExperience
	if err := s.updateProfileItem(ctx, userID, w.ID, "update work experience", "work experience", &WorkExperience{}, set, &out); err != nil {
		return err
	}
	*w = out
	return nil
}

// DeleteWorkExperience deletes userID's work experience id, or returns
// ErrNotFound.
func (s *Store) DeleteWorkExperience(ctx context.Context, userID, id int64) error {
	return s.deleteProfileItem(ctx, userID, id, "delete work experience", "work experience", &WorkExperience{})
}

// Education.

const educationOrder = "start_date DESC, id DESC"

// normalizeEducation trims and validates e in place.
func normalizeEducation(e *Education) error {
	var v validator
	e.Institution = collapseSpace(e.Institution)
	v.required("institution", e.Institution)
	v.maxChars("institution", e.Institution, MaxTitleChars)
	e.Degree = strings.TrimSpace(e.Degree)
	v.required("degree", e.Degree)
	v.maxChars("degree", e.Degree, MaxTitleChars)
	e.FieldOfStudy = optString(e.FieldOfStudy)
	v.maxChars("field_of_study", deref(e.FieldOfStudy), MaxTitleChars)
	e.Description = optString(e.Description)
	v.maxBytes("description", deref(e.Description), MaxLongTextBytes)
	e.StartDate, e.EndDate = e.StartDate.UTC(), utcPtr(e.EndDate)
	v.dateRange("start_date", e.StartDate, "end_date", e.EndDate)
	return v.err()
}

// CreateEducation adds e to userID's profile and fills in its ID, ProfileID
// and timestamps. Invalid fields are a *ValidationError.
func (s *Store) CreateEducation(ctx context.Context, userID int64, e *Education) error {
	if e == nil {
		return invalidField("education", "is required")
	}
	row := *e
	if err := normalizeEducation(&row); err != nil {
		return err
	}
	err := s.createProfileItem(ctx, userID, "create education", func(tx *gorm.DB, pid int64, now time.Time) error {
		row.ID, row.ProfileID, row.CreatedAt, row.UpdatedAt = 0, pid, now, now
		return tx.Create(&row).Error
	})
	if err != nil {
		return err
	}
	*e = row
	return nil
}

// Educations returns the education entries of userID's profile, newest
// first.
func (s *Store) Educations(ctx context.Context, userID int64) ([]Education, error) {
	out := []Education{}
	if err := s.profileItems(ctx, userID, "list education", educationOrder, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Education returns the education entry id of userID's profile, or
// ErrNotFound.
func (s *Store) Education(ctx context.Context, userID, id int64) (*Education, error) {
	var e Education
	if err := s.profileItem(ctx, userID, id, "education", "education", &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// UpdateEducation replaces the fields of userID's education entry e.ID with
// e's and fills e with the stored row. It returns ErrNotFound if the user
// has no such entry and a *ValidationError for invalid fields.
func (s *Store) UpdateEducation(ctx context.Context, userID int64, e *Education) error {
	if e == nil {
		return invalidField("education", "is required")
	}
	row := *e
	if err := normalizeEducation(&row); err != nil {
		return err
	}
	set := map[string]any{
		"institution": row.Institution, "degree": row.Degree, "field_of_study": row.FieldOfStudy,
		"start_date": row.StartDate, "end_date": row.EndDate, "description": row.Description,
		"updated_at": s.clock(),
	}
	var out Education
	if err := s.updateProfileItem(ctx, userID, e.ID, "update education", "education", &Education{}, set, &out); err != nil {
		return err
	}
	*e = out
	return nil
}

// DeleteEducation deletes userID's education entry id, or returns
// ErrNotFound.
func (s *Store) DeleteEducation(ctx context.Context, userID, id int64) error {
	return s.deleteProfileItem(ctx, userID, id, "delete education", "education", &Education{})
}

// Certifications.

const certificationOrder = "issue_date DESC, id DESC"

// normalizeCertification trims and validates c in place.
func normalizeCertification(c *Certification) error {
	var v validator
	c.Name = strings.TrimSpace(c.Name)
	v.required("name", c.Name)
	v.maxChars("name", c.Name, MaxTitleChars)
	c.IssuingOrg = collapseSpace(c.IssuingOrg)
	v.required("issuing_org", c.IssuingOrg)
	v.maxChars("issuing_org", c.IssuingOrg, MaxTitleChars)
	c.CredentialID = optString(c.CredentialID)
	v.maxChars("credential_id", deref(c.CredentialID), MaxShortTextChars)
	c.CredentialURL = optString(c.CredentialURL)
	v.absURL("credential_url", deref(c.CredentialURL))
	c.IssueDate, c.ExpiryDate = c.IssueDate.UTC(), utcPtr(c.ExpiryDate)
	v.dateRange("issue_date", c.IssueDate, "expiry_date", c.ExpiryDate)
	return v.err()
}

// CreateCertification adds c to userID's profile and fills in its ID,
// ProfileID and timestamps. Invalid fields (an expiry date before the issue
// date, ...) are a *ValidationError.
func (s *Store) CreateCertification(ctx context.Context, userID int64, c *Certification) error {
	if c == nil {
		return invalidField("certification", "is required")
	}
	row := *c
	if err := normalizeCertification(&row); err != nil {
		return err
	}
	err := s.createProfileItem(ctx, userID, "create certification", func(tx *gorm.DB, pid int64, now time.Time) error {
		row.ID, row.ProfileID, row.CreatedAt, row.UpdatedAt = 0, pid, now, now
		return tx.Create(&row).Error
	})
	if err != nil {
		return err
	}
	*c = row
	return nil
}

// Certifications returns the certifications of userID's profile, newest
// first.
func (s *Store) Certifications(ctx context.Context, userID int64) ([]Certification, error) {
	out := []Certification{}
	if err := s.profileItems(ctx, userID, "list certifications", certificationOrder, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Certification returns the certification id of userID's profile, or
// ErrNotFound.
func (s *Store) Certification(ctx context.Context, userID, id int64) (*Certification, error) {
	var c Certification
	if err := s.profileItem(ctx, userID, id, "certification", "certification", &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// UpdateCertification replaces the fields of userID's certification c.ID
// with c's and fills c with the stored row. It returns ErrNotFound if the
// user has no such certification and a *ValidationError for invalid fields.
func (s *Store) UpdateCertification(ctx context.Context, userID int64, c *Certification) error {
	if c == nil {
		return invalidField("certification", "is required")
	}
	row := *c
	if err := normalizeCertification(&row); err != nil {
		return err
	}
	set := map[string]any{
		"name": row.Name, "issuing_org": row.IssuingOrg, "issue_date": row.IssueDate,
		"expiry_date": row.ExpiryDate, "credential_id": row.CredentialID,
		"credential_url": row.CredentialURL, "updated_at": s.clock(),
	}
	var out Certification
	if err := s.updateProfileItem(ctx, userID, c.ID, "update certification", "certification", &Certification{}, set, &out); err != nil {
		return err
	}
	*c = out
	return nil
}

// DeleteCertification deletes userID's certification id, or returns
// ErrNotFound.
func (s *Store) DeleteCertification(ctx context.Context, userID, id int64) error {
	return s.deleteProfileItem(ctx, userID, id, "delete certification", "certification", &Certification{})
}
