package server

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/scraper"
)

// Request -> model conversions of the jobs API. They are plain functions so
// the dashboard's forms validate exactly as the API does.

var stringType = reflect.TypeOf("")

// EnumText is an enum value as a client sends it: a name ("applied") or a
// number, as a JSON string or number.
type EnumText string

// UnmarshalJSON accepts a JSON string or number; null leaves it empty.
func (e *EnumText) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*e = EnumText(s)
		return nil
	}
	if string(data) == "null" {
		*e = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return &json.UnmarshalTypeError{Value: "value", Type: stringType}
	}
	*e = EnumText(n.String())
	return nil
}

// ParseStatus reads a job status by name or number; field names the input
// in the error.
func ParseStatus(field, s string) (models.JobStatus, error) {
	st, err := models.ParseJobStatus(s)
	if err != nil {
		return 0, &models.ValidationError{Fields: map[string]string{field: "must be one of " + strings.Join(statusNames(), ", ")}}
	}
	return st, nil
}

// ParseJobTypeField reads a job type by name or number; field names the
// input in the error.
func ParseJobTypeField(field, s string) (models.JobType, error) {
	t, err := models.ParseJobType(s)
	if err != nil {
		return 0, &models.ValidationError{Fields: map[string]string{field: "must be one of " + strings.Join(jobTypeNames(), ", ")}}
	}
	return t, nil
}

func statusNames() []string {
	var out []string
	for _, s := range models.AllJobStatuses() {
		out = append(out, s.String())
	}
	return out
}

func jobTypeNames() []string {
	var out []string
	for _, t := range models.AllJobTypes() {
		out = append(out, t.String())
	}
	return out
}

// Limits of the capture request, besides the page itself
// (scraper.MaxInputBytes).
const (
	maxCaptureURLChars = models.MaxURLChars
	maxCaptureBody     = scraper.MaxInputBytes + 2<<20 // the HTML, JSON-escaped, and the other fields
)

// CaptureRequest is the body of POST /api/jobs/capture: the rendered HTML of
// a page and its address, with optional notes and a starting status.
// Unknown fields (an extension may add more) are ignored.
type CaptureRequest struct {
	URL    string   `json:"url"`
	HTML   string   `json:"html"`
	Notes  string   `json:"notes"`
	Status EnumText `json:"status"`
}

// Check validates the request's fields, returning the status it asks for.
// A page over scraper.MaxInputBytes is scraper.ErrTooLarge (413); other
// problems are a *models.ValidationError (400) naming every field at fault.
func (r *CaptureRequest) Check() (models.JobStatus, error) {
	if len(r.HTML) > scraper.MaxInputBytes {
		return 0, scraper.ErrTooLarge
	}
	ve := &models.ValidationError{}
	switch u := strings.TrimSpace(r.URL); {
	case u == "":
		ve.Add("url", "is required")
	case utf8.RuneCountInString(u) > maxCaptureURLChars:
		ve.Add("url", "must be at most 2048 characters")
	default:
		if _, err := scraper.CanonicalURL(u); err != nil {
			ve.Add("url", "must be an absolute http or https URL")
		}
	}
	if strings.TrimSpace(r.HTML) == "" {
		ve.Add("html", "is required")
	}
	if len(r.Notes) > models.MaxNotesBytes {
		ve.Add("notes", "must be at most 100 KB")
	} else if !utf8.ValidString(r.Notes) {
		ve.Add("notes", "is not valid UTF-8")
	}
	status := models.JobStatusInterested
	if r.Status != "" {
		st, err := ParseStatus("status", string(r.Status))
		if err != nil {
			ve.Add("status", err.(*models.ValidationError).Fields["status"])
		}
		status = st
	}
	if len(ve.Fields) > 0 {
		return 0, ve
	}
	return status, nil
}

// CapturedJob turns what the scraper read from a page into the job to save,
// its company name and its details. Values the store would refuse from a
// person but that a page may legitimately hold (a description over 1 MB, a
// title over 500 characters, too many skills) are shortened rather than
// refused: the page is not the user's fault.
func CapturedJob(p *scraper.Job, notes string, status models.JobStatus) (*models.Job, string, *models.JobDetails) {
	j := &models.Job{
		Title:       truncateRunes(p.Title, models.MaxTitleChars),
		Description: truncateBytes(p.Description, models.MaxDescriptionBytes),
		Status:      status,
		JobType:     models.JobTypeOther,
	}
	if t, err := models.ParseJobType(p.JobType); err == nil && p.JobType != "" {
		j.JobType = t // otherwise the page did not say: other
	}
	if l := truncateRunes(strings.TrimSpace(p.Location), models.MaxTitleChars); l != "" {
		j.Location = &l
	}
	if p.SourceURL != "" {
		u := p.SourceURL
		j.SourceURL = &u
	}
	if a := strings.TrimSpace(p.ApplicationURL); a != "" && utf8.RuneCountInString(a) <= models.MaxURLChars {
		j.ApplicationURL = &a
	}
	if strings.TrimSpace(notes) != "" {
		n := notes
		j.Notes = &n
	}
	skills := make(models.StringList, 0, len(p.Skills))
	for _, s := range p.Skills {
		if len(skills) == models.MaxSkills {
			break
		}
		skills = append(skills, truncateRunes(s, models.MaxSkillChars))
	}
	j.RequiredSkills = skills
	company := truncateRunes(strings.TrimSpace(p.Company), models.MaxTitleChars)
	d := &models.JobDetails{
		DescriptionHTML: truncateHTML(p.DescriptionHTML, models.MaxDescriptionHTMLBytes),
		Workplace:       truncateRunes(p.Workplace, models.MaxDetailsTextChars),
		DatePosted:      truncateRunes(p.DatePosted, models.MaxDetailsTextChars),
		ValidThrough:    truncateRunes(p.ValidThrough, models.MaxDetailsTextChars),
		EmployerJobID:   truncateRunes(p.EmployerJobID, models.MaxDetailsTextChars),
		Site:            truncateRunes(p.Site, models.MaxDetailsTextChars),
	}
	if p.Salary != nil {
		d.Salary = &models.Salary{Min: p.Salary.Min, Max: p.Salary.Max,
			Currency: truncateRunes(p.Salary.Currency, 16), Period: truncateRunes(p.Salary.Period, 16)}
	}
	for _, c := range p.RemoteCountries {
		if len(d.RemoteCountries) == models.MaxRemoteCountries {
			break
		}
		d.RemoteCountries = append(d.RemoteCountries, truncateRunes(c, models.MaxDetailsTextChars))
	}
	return j, company, d
}

// truncateRunes shortens s to at most n runes, making it valid UTF-8.
func truncateRunes(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}

// truncateBytes shortens s to at most n bytes without splitting a rune,
// making it valid UTF-8.
func truncateBytes(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// truncateHTML drops an HTML description over n bytes altogether: cut
// markup would not be well-formed, and the plain-text description remains.
func truncateHTML(s string, n int) string {
	if len(s) > n || !utf8.ValidString(s) {
		return ""
	}
	return s
}
