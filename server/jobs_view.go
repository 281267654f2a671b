package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/models"
)

// CompanyRef names a job's company in the job JSON.
type CompanyRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// JobView is a job as every /api answer writes it: the job's own fields,
// then the extra fields the scraper found (omitted when absent).
type JobView struct {
	ID             int64            `json:"id"`
	Title          string           `json:"title"`
	Company        CompanyRef       `json:"company"`
	Location       *string          `json:"location"`
	JobType        models.JobType   `json:"job_type"`
	Status         models.JobStatus `json:"status"`
	Description    string           `json:"description"`
	RequiredSkills []string         `json:"required_skills"`
	SourceURL      *string          `json:"source_url"`
	ApplicationURL *string          `json:"application_url"`
	MatchScore     *int             `json:"match_score"`
	Notes          *string          `json:"notes"`
	CreatedAt      time.Time        `json:"created_at"`
	UpdatedAt      time.Time        `json:"updated_at"`
	models.JobDetails
}

// ViewJob builds the JSON form of a job (with its Company loaded) and its
// details (nil when none).
func ViewJob(j *models.Job, d *models.JobDetails) JobView {
	v := JobView{
		ID: j.ID, Title: j.Title, Location: j.Location, JobType: j.JobType, Status: j.Status,
		Description: j.Description, RequiredSkills: []string(j.RequiredSkills), SourceURL: j.SourceURL,
		ApplicationURL: j.ApplicationURL, MatchScore: j.MatchScore, Notes: j.Notes,
		CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt,
	}
	if v.RequiredSkills == nil {
		v.RequiredSkills = []string{}
	}
	if j.Company != nil {
		v.Company = CompanyRef{ID: j.Company.ID, Name: j.Company.Name}
	} else {
		v.Company = CompanyRef{ID: j.CompanyID}
	}
	if d != nil {
		v.JobDetails = *d
	}
	return v
}

// viewJobs builds the JSON form of a page of jobs, loading their details.
func (s *Server) viewJobs(c *fiber.Ctx, userID int64, jobs []models.Job) ([]JobView, error) {
	ids := make([]int64, len(jobs))
	for i := range jobs {
		ids[i] = jobs[i].ID
	}
	details, err := s.deps.Store.JobDetailsFor(c.UserContext(), userID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]JobView, len(jobs))
	for i := range jobs {
		out[i] = ViewJob(&jobs[i], details[jobs[i].ID])
	}
	return out, nil
}

// viewJob builds the JSON form of one job, loading its details.
func (s *Server) viewJob(c *fiber.Ctx, userID int64, j *models.Job) (JobView, error) {
	v, err := s.viewJobs(c, userID, []models.Job{*j})
	if err != nil {
		return JobView{}, err
	}
	return v[0], nil
}

// Body limits of the JSON API, by route kind. The capture route has its own
// (the page's HTML plus small fields), and import reads up to the server's
// body limit.
const (
	jsonBodyLimit = 2 << 20 // a job or profile item, with a description of up to 1 MB
)

// decodeBody decodes a request's JSON object into dst. It answers 413 for a
// body over limit bytes and 400 for anything but one JSON object of the
// right shape, naming the field at fault. Decoded strings are copies, so dst
// keeps nothing of Fiber's reused request buffer.
func decodeBody(c *fiber.Ctx, dst any, limit int) error {
	body := c.Body()
	if len(body) > limit {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("request body too large: at most %s", byteCount(limit)))
	}
	return decodeJSONBytes(body, dst)
}

// decodeJSONBytes decodes one JSON object from body into dst, with 400
// errors that name the field at fault. A body that is not UTF-8, or a
// decoded text field holding a NUL character, is a 400 too (jsontext.go).
func decodeJSONBytes(body []byte, dst any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return &models.ValidationError{Fields: map[string]string{"body": "must be a JSON object"}}
	}
	if !validUTF8(body) {
		return errBodyNotUTF8
	}
	if err := json.Unmarshal(body, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		var synErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field != "":
			return &models.ValidationError{Fields: map[string]string{typeErr.Field: "must be a " + jsonTypeName(typeErr.Type.Kind().String())}}
		case errors.As(err, &synErr):
			return &models.ValidationError{Fields: map[string]string{"body": fmt.Sprintf("is not valid JSON (at byte %d)", synErr.Offset)}}
		case errors.Is(err, models.ErrInvalid):
			// An enum's UnmarshalJSON; json does not say which field.
			return &models.ValidationError{Fields: map[string]string{"body": strings.TrimPrefix(err.Error(), "invalid input: ")}}
		}
		return &models.ValidationError{Fields: map[string]string{"body": "is not valid JSON: " + err.Error()}}
	}
	return checkDecodedText(dst)
}

// jsonTypeName turns a Go kind into the JSON type a client should send.
func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	}
	return "number"
}

// byteCount writes n bytes as "10 MB", "100 KB" or "512 bytes".
func byteCount(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
