package server

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/models"
)

// The profile API: the signed-in user's profile and the work experiences,
// education and certifications that belong to it. Dates are sent as
// YYYY-MM-DD (or YYYY-MM, or RFC 3339); an end before its start is 400.

// DateInput is a date as a client sends it: "2024-03-01", "2024-03", or an
// RFC 3339 time. JSON null or "" is no date.
type DateInput string

// parse reads the date for field into a UTC time; ok is false when empty.
func (d DateInput) parse(ve *models.ValidationError, field string) (t time.Time, ok bool) {
	s := strings.TrimSpace(string(d))
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.DateOnly, "2006-01", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				ve.Add(field, "must be a year from 1900 to 2200")
				return time.Time{}, false
			}
			return t.UTC(), true
		}
	}
	ve.Add(field, "must be a date such as 2024-03-01")
	return time.Time{}, false
}

// required reads a date that must be present.
func (d DateInput) required(ve *models.ValidationError, field string) time.Time {
	t, ok := d.parse(ve, field)
	if !ok && strings.TrimSpace(string(d)) == "" {
		ve.Add(field, "is required")
	}
	return t
}

// optional reads a date that may be absent.
func (d DateInput) optional(ve *models.ValidationError, field string) *time.Time {
	t, ok := d.parse(ve, field)
	if !ok {
		return nil
	}
	return &t
}

// ExperienceInput is the body that creates or replaces a work experience.
type ExperienceInput struct {
	Company     string    `json:"company"`
	Title       string    `json:"title"`
	Location    *string   `json:"location"`
	StartDate   DateInput `json:"start_date"`
	EndDate     DateInput `json:"end_date"`
	Description *string   `json:"description"`
	Current     bool      `json:"current"`
}

// Model converts the input; the store validates the rest (an end date
// before the start date, a missing company, ...).
func (in *ExperienceInput) Model() (*models.WorkExperience, error) {
	ve := &models.ValidationError{}
	w := &models.WorkExperience{Company: in.Company, Title: in.Title, Location: in.Location,
		Description: in.Description, Current: in.Current}
	w.StartDate = in.StartDate.required(ve, "start_date")
	w.EndDate = in.EndDate.optional(ve, "end_date")
	if len(ve.Fields) > 0 {
		return nil, ve
	}
	return w, nil
}

// EducationInput is the body that creates or replaces an education entry.
type EducationInput struct {
	Institution  string    `json:"institution"`
	Degree       string    `json:"degree"`
	FieldOfStudy *string   `json:"field_of_study"`
	StartDate    DateInput `json:"start_date"`
	EndDate      DateInput `json:"end_date"`
	Description  *string   `json:"description"`
}

// Model converts the input.
func (in *EducationInput) Model() (*models.Education, error) {
	ve := &models.ValidationError{}
	e := &models.Education{Institution: in.Institution, Degree: in.Degree, FieldOfStudy: in.FieldOfStudy,
		Description: in.Description}
	e.StartDate = in.StartDate.required(ve, "start_date")
	e.EndDate = in.EndDate.optional(ve, "end_date")
	if len(ve.Fields) > 0 {
		return nil, ve
	}
	return e, nil
}

// CertificationInput is the body that creates or replaces a certification.
type CertificationInput struct {
	Name          string    `json:"name"`
	IssuingOrg    string    `json:"issuing_org"`
	IssueDate     DateInput `json:"issue_date"`
	ExpiryDate    DateInput `json:"expiry_date"`
	CredentialID  *string   `json:"credential_id"`
	CredentialURL *string   `json:"credential_url"`
}

// Model converts the input.
func (in *CertificationInput) Model() (*models.Certification, error) {
	ve := &models.ValidationError{}
	c := &models.Certification{Name: in.Name, IssuingOrg: in.IssuingOrg, CredentialID: in.CredentialID,
		CredentialURL: in.CredentialURL}
	c.IssueDate = in.IssueDate.required(ve, "issue_date")
	c.ExpiryDate = in.ExpiryDate.optional(ve, "expiry_date")
	if len(ve.Fields) > 0 {
		return nil, ve
	}
	return c, nil
}

// UnmarshalJSON accepts a JSON string or null.
func (d *DateInput) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "value", Type: stringType}
	}
	*d = DateInput(s)
	return nil
}

// profileItemID reads the :id path parameter (404 unless a positive number).
func profileItemID(c *fiber.Ctx) (int64, error) { return jobID(c) }

func (s *Server) getProfile(c *fiber.Ctx) error {
	p, err := s.deps.Store.FullProfile(c.UserContext(), mustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	return c.JSON(viewProfile(p))
}

// ProfileView is a full profile as the API writes it: its lists always
// present, empty or not.
type ProfileView struct {
	*models.Profile
	Skills          models.StringList       `json:"skills"`
	WorkExperiences []models.WorkExperience `json:"work_experiences"`
	Education       []models.Education      `json:"education"`
	Certifications  []models.Certification  `json:"certifications"`
}

// viewProfile builds the JSON form of a full profile.
func viewProfile(p *models.Profile) ProfileView {
	v := ProfileView{Profile: p, Skills: p.Skills, WorkExperiences: p.WorkExperiences,
		Education: p.Education, Certifications: p.Certifications}
	if v.Skills == nil {
		v.Skills = models.StringList{}
	}
	if v.WorkExperiences == nil {
		v.WorkExperiences = []models.WorkExperience{}
	}
	if v.Education == nil {
		v.Education = []models.Education{}
	}
	if v.Certifications == nil {
		v.Certifications = []models.Certification{}
	}
	return v
}

// profileFields are the fields PUT /api/profile accepts.
var profileFields = map[string]bool{"first_name": true, "last_name": true, "title": true, "industry": true,
	"career_summary": true, "skills": true, "phone_number": true, "email": true, "location": true,
	"linkedin_profile": true, "github_profile": true, "website": true, "context": true}

// putProfile handles PUT /api/profile: the fields sent are changed, the
// others kept; an unknown field is 400.
func (s *Server) putProfile(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	var raw map[string]any
	if err := decodeBody(c, &raw, jsonBodyLimit); err != nil {
		return err
	}
	ve := &models.ValidationError{}
	for k := range raw {
		if !profileFields[k] {
			ve.Add(k, "is not a profile field")
		}
	}
	if len(ve.Fields) > 0 {
		return ve
	}
	var u models.ProfileUpdate
	if err := decodeJSONBytes(c.Body(), &u); err != nil {
		return err
	}
	if _, err := s.deps.Store.UpdateProfile(c.UserContext(), uid, u); err != nil {
		return err
	}
	return s.getProfile(c)
}

// profileCRUD wires create, list, get, update and delete of one kind of
// profile item.
func profileCRUD[In any, M any](r fiber.Router, path string,
	model func(*In) (*M, error),
	create func(c *fiber.Ctx, uid int64, m *M) error,
	list func(c *fiber.Ctx, uid int64) ([]M, error),
	get func(c *fiber.Ctx, uid, id int64) (*M, error),
	update func(c *fiber.Ctx, uid, id int64, m *M) error,
	del func(c *fiber.Ctx, uid, id int64) error,
) {
	read := func(c *fiber.Ctx) (*M, error) {
		var in In
		if err := decodeBody(c, &in, jsonBodyLimit); err != nil {
			return nil, err
		}
		return model(&in)
	}
	r.Get(path, func(c *fiber.Ctx) error {
		l, err := list(c, mustPrincipal(c).UserID)
		if err != nil {
			return err
		}
		return c.JSON(l)
	})
	r.Post(path, func(c *fiber.Ctx) error {
		m, err := read(c)
		if err != nil {
			return err
		}
		if err := create(c, mustPrincipal(c).UserID, m); err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(m)
	})
	r.Get(path+"/:id", func(c *fiber.Ctx) error {
		id, err := profileItemID(c)
		if err != nil {
			return err
		}
		m, err := get(c, mustPrincipal(c).UserID, id)
		if err != nil {
			return err
		}
		return c.JSON(m)
	})
	r.Put(path+"/:id", func(c *fiber.Ctx) error {
		id, err := profileItemID(c)
		if err != nil {
			return err
		}
		m, err := read(c)
		if err != nil {
			return err
		}
		if err := update(c, mustPrincipal(c).UserID, id, m); err != nil {
			return err
		}
		return c.JSON(m)
	})
	r.Delete(path+"/:id", func(c *fiber.Ctx) error {
		id, err := profileItemID(c)
		if err != nil {
			return err
		}
		if err := del(c, mustPrincipal(c).UserID, id); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	})
}

// registerProfileItemRoutes adds /profile/experiences, /profile/education
// and /profile/certifications.
func (s *Server) registerProfileItemRoutes(r fiber.Router) {
	st := s.deps.Store
	profileCRUD(r, "/profile/experiences", (*ExperienceInput).Model,
		func(c *fiber.Ctx, uid int64, m *models.WorkExperience) error {
			return st.CreateWorkExperience(c.UserContext(), uid, m)
		},
		func(c *fiber.Ctx, uid int64) ([]models.WorkExperience, error) {
			return st.WorkExperiences(c.UserContext(), uid)
		},
		func(c *fiber.Ctx, uid, id int64) (*models.WorkExperience, error) {
			return st.WorkExperience(c.UserContext(), uid, id)
		},
		func(c *fiber.Ctx, uid, id int64, m *models.WorkExperience) error {
			m.ID = id
			return st.UpdateWorkExperience(c.UserContext(), uid, m)
		},
		func(c *fiber.Ctx, uid, id int64) error { return st.DeleteWorkExperience(c.UserContext(), uid, id) })
	profileCRUD(r, "/profile/education", (*EducationInput).Model,
		func(c *fiber.Ctx, uid int64, m *models.Education) error {
			return st.CreateEducation(c.UserContext(), uid, m)
		},
		func(c *fiber.Ctx, uid int64) ([]models.Education, error) { return st.Educations(c.UserContext(), uid) },
		func(c *fiber.Ctx, uid, id int64) (*models.Education, error) {
			return st.Education(c.UserContext(), uid, id)
		},
		func(c *fiber.Ctx, uid, id int64, m *models.Education) error {
			m.ID = id
			return st.UpdateEducation(c.UserContext(), uid, m)
		},
		func(c *fiber.Ctx, uid, id int64) error { return st.DeleteEducation(c.UserContext(), uid, id) })
	profileCRUD(r, "/profile/certifications", (*CertificationInput).Model,
		func(c *fiber.Ctx, uid int64, m *models.Certification) error {
			return st.CreateCertification(c.UserContext(), uid, m)
		},
		func(c *fiber.Ctx, uid int64) ([]models.Certification, error) {
			return st.Certifications(c.UserContext(), uid)
		},
		func(c *fiber.Ctx, uid, id int64) (*models.Certification, error) {
			return st.Certification(c.UserContext(), uid, id)
		},
		func(c *fiber.Ctx, uid, id int64, m *models.Certification) error {
			m.ID = id
			return st.UpdateCertification(c.UserContext(), uid, m)
		},
		func(c *fiber.Ctx, uid, id int64) error { return st.DeleteCertification(c.UserContext(), uid, id) })
}
