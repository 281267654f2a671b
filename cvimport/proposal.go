// Package cvimport builds a profile from a CV: it extracts the text of a
// PDF, DOCX, plain-text or Markdown file (Extract), reads it into a proposed
// profile with the built-in reader (Read) or a language model (LLMReader),
// and merges the items the user kept into the stored profile (Apply)
// without ever removing anything.
package cvimport

import "time"

// Proposal is a profile read from a CV. Nothing in it is stored until Apply
// merges it; the user keeps, drops and edits its items first.
type Proposal struct {
	FirstName      string          `json:"first_name"`
	LastName       string          `json:"last_name"`
	Title          string          `json:"title"`
	Email          string          `json:"email"`
	Phone          string          `json:"phone"`
	Location       string          `json:"location"`
	LinkedIn       string          `json:"linkedin"`
	GitHub         string          `json:"github"`
	Website        string          `json:"website"`
	Summary        string          `json:"summary"`
	Skills         []string        `json:"skills"`
	Experiences    []Experience    `json:"experiences"`
	Education      []Education     `json:"education"`
	Certifications []Certification `json:"certifications"`
}

// Experience is a position read from a CV. End is nil for a position still
// held (Current). ID, when set, is the stored work experience this one
// updates (a twin found by Match, or one the client names).
type Experience struct {
	ID          int64      `json:"id,omitempty"`
	Company     string     `json:"company"`
	Title       string     `json:"title"`
	Location    string     `json:"location"`
	Start       *time.Time `json:"start"`
	End         *time.Time `json:"end"`
	Current     bool       `json:"current"`
	Description string     `json:"description"`
}

// Education is a course of study read from a CV; ID as for Experience.
type Education struct {
	ID           int64      `json:"id,omitempty"`
	Institution  string     `json:"institution"`
	Degree       string     `json:"degree"`
	FieldOfStudy string     `json:"field_of_study"`
	Start        *time.Time `json:"start"`
	End          *time.Time `json:"end"`
	Description  string     `json:"description"`
}

// Certification is a certificate read from a CV; ID as for Experience.
type Certification struct {
	ID            int64      `json:"id,omitempty"`
	Name          string     `json:"name"`
	IssuingOrg    string     `json:"issuing_org"`
	IssueDate     *time.Time `json:"issue_date"`
	ExpiryDate    *time.Time `json:"expiry_date"`
	CredentialID  string     `json:"credential_id"`
	CredentialURL string     `json:"credential_url"`
}

// normalize makes the lists non-nil so the JSON answer has [] rather than
// null.
func (p *Proposal) normalize() {
	if p.Skills == nil {
		p.Skills = []string{}
	}
	if p.Experiences == nil {
		p.Experiences = []Experience{}
	}
	if p.Education == nil {
		p.Education = []Education{}
	}
	if p.Certifications == nil {
		p.Certifications = []Certification{}
	}
}
