package server

import (
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/scraper"
)

// JobList is the answer of GET /api/jobs.
type JobList struct {
	Jobs   []JobView `json:"jobs"`
	Total  int64     `json:"total"`
	Limit  int       `json:"limit"`
	Offset int       `json:"offset"`
}

// queryValues returns a request's query string as url.Values (copies).
func queryValues(c *fiber.Ctx) url.Values {
	v := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, val []byte) {
		v.Add(string(k), string(val))
	})
	return v
}

// listValues returns every value of a repeatable parameter, each also split
// at commas ("status=applied&status=interviewing" or
// "status=applied,interviewing").
func listValues(q url.Values, key string) []string {
	var out []string
	for _, v := range q[key] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// JobFilterFromQuery reads the filters, order and page of a job list from a
// query string: status and job_type (names or numbers, repeatable), q,
// company, min_score, sort (created_at, updated_at, match_score or title;
// a leading "-" for descending), limit (at most 100) and offset. Problems
// are a *models.ValidationError naming each parameter at fault.
func JobFilterFromQuery(q url.Values) (models.JobFilter, error) {
	var f models.JobFilter
	ve := &models.ValidationError{}
	for _, s := range listValues(q, "status") {
		st, err := ParseStatus("status", s)
		if err != nil {
			ve.Add("status", err.(*models.ValidationError).Fields["status"])
			continue
		}
		f.Statuses = append(f.Statuses, st)
	}
	for _, s := range listValues(q, "job_type") {
		t, err := ParseJobTypeField("job_type", s)
		if err != nil {
			ve.Add("job_type", err.(*models.ValidationError).Fields["job_type"])
			continue
		}
		f.JobTypes = append(f.JobTypes, t)
	}
	f.Query = q.Get("q")
	f.CompanyName = q.Get("company")
	intParam := func(name string, dst *int, min, max int) bool {
		s := strings.TrimSpace(q.Get(name))
		if s == "" {
			return false
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < min || n > max {
			ve.Add(name, "must be a whole number from "+strconv.Itoa(min)+" to "+strconv.Itoa(max))
			return false
		}
		*dst = n
		return true
	}
	var score int
	if intParam("min_score", &score, 0, 100) {
		f.MinScore = &score
	}
	f.Limit = models.DefaultJobsLimit
	intParam("limit", &f.Limit, 1, models.MaxJobsLimit)
	intParam("offset", &f.Offset, 0, 1<<30)
	if s := strings.TrimSpace(q.Get("sort")); s != "" {
		f.Desc = strings.HasPrefix(s, "-")
		f.Sort = models.JobSort(strings.TrimPrefix(s, "-"))
		switch f.Sort {
		case models.JobSortCreatedAt, models.JobSortUpdatedAt, models.JobSortMatchScore, models.JobSortTitle:
		default:
			ve.Add("sort", "must be created_at, updated_at, match_score or title, with - in front for descending")
		}
	} else {
		f.Sort, f.Desc = models.JobSortCreatedAt, true
	}
	if len(ve.Fields) > 0 {
		return f, ve
	}
	return f, nil
}

func (s *Server) listJobs(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	f, err := JobFilterFromQuery(queryValues(c))
	if err != nil {
		return err
	}
	jobs, total, err := s.deps.Store.Jobs(c.UserContext(), uid, f)
	if err != nil {
		return err
	}
	views, err := s.viewJobs(c, uid, jobs)
	if err != nil {
		return err
	}
	return c.JSON(JobList{Jobs: views, Total: total, Limit: f.Limit, Offset: f.Offset})
}

// jobID reads the :id path parameter; anything but a positive number is
// 404, like a job that does not exist.
func jobID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.ErrNotFound
	}
	return id, nil
}

func (s *Server) getJob(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	id, err := jobID(c)
	if err != nil {
		return err
	}
	j, err := s.deps.Store.Job(c.UserContext(), uid, id)
	if err != nil {
		return err
	}
	v, err := s.viewJob(c, uid, j)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// JobPatch is the body of PATCH /api/jobs/{id}: the fields to change, every
// one optional. A null or blank notes, location or application_url clears it.
type JobPatch struct {
	Status         *EnumText `json:"status"`
	Notes          *string   `json:"notes"`
	Title          *string   `json:"title"`
	Location       *string   `json:"location"`
	JobType        *EnumText `json:"job_type"`
	ApplicationURL *string   `json:"application_url"`
	RequiredSkills *[]string `json:"required_skills"`
}

// jobPatchFields are the fields a PATCH may name.
var jobPatchFields = map[string]bool{"status": true, "notes": true, "title": true, "location": true,
	"job_type": true, "application_url": true, "required_skills": true}

// DecodeJobPatch decodes a PATCH body, refusing fields that cannot be
// changed (400 naming them), and turns it into a models.JobUpdate.
func DecodeJobPatch(body []byte) (models.JobUpdate, error) {
	var raw map[string]json.RawMessage
	if err := decodeJSONBytes(body, &raw); err != nil {
		return models.JobUpdate{}, err
	}
	ve := &models.ValidationError{}
	for k := range raw {
		if !jobPatchFields[k] {
			ve.Add(k, "cannot be changed: send status, notes, title, location, job_type, application_url or required_skills")
		}
	}
	if len(ve.Fields) > 0 {
		return models.JobUpdate{}, ve
	}
	var p JobPatch
	if err := decodeJSONBytes(body, &p); err != nil {
		return models.JobUpdate{}, err
	}
	return p.Update(raw)
}

// Update turns the patch into a models.JobUpdate. raw (the body's fields,
// or nil) tells a JSON null from an absent field: null clears notes,
// location and application_url.
func (p *JobPatch) Update(raw map[string]json.RawMessage) (models.JobUpdate, error) {
	var u models.JobUpdate
	ve := &models.ValidationError{}
	empty := ""
	isNull := func(k string) bool { r, ok := raw[k]; return ok && strings.TrimSpace(string(r)) == "null" }
	if p.Status != nil && *p.Status != "" {
		st, err := ParseStatus("status", string(*p.Status))
		if err != nil {
			ve.Add("status", err.(*models.ValidationError).Fields["status"])
		}
		u.Status = &st
	} else if isNull("status") {
		ve.Add("status", "must not be null")
	}
	if p.JobType != nil && *p.JobType != "" {
		t, err := ParseJobTypeField("job_type", string(*p.JobType))
		if err != nil {
			ve.Add("job_type", err.(*models.ValidationError).Fields["job_type"])
		}
		u.JobType = &t
	} else if isNull("job_type") {
		ve.Add("job_type", "must not be null")
	}
	u.Title = p.Title
	if isNull("title") {
		ve.Add("title", "is required")
	}
	u.Notes, u.Location, u.ApplicationURL = p.Notes, p.Location, p.ApplicationURL
	for k, dst := range map[string]**string{"notes": &u.Notes, "location": &u.Location, "application_url": &u.ApplicationURL} {
		if isNull(k) {
			*dst = &empty
		}
	}
	if p.RequiredSkills != nil {
		l := models.StringList(*p.RequiredSkills)
		u.RequiredSkills = &l
	} else if isNull("required_skills") {
		l := models.StringList{}
		u.RequiredSkills = &l
	}
	if len(ve.Fields) > 0 {
		return u, ve
	}
	return u, nil
}

func (s *Server) patchJob(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	id, err := jobID(c)
	if err != nil {
		return err
	}
	if len(c.Body()) > jsonBodyLimit {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, "request body too large: at most "+byteCount(jsonBodyLimit))
	}
	u, err := DecodeJobPatch(c.Body())
	if err != nil {
		return err
	}
	j, err := s.deps.Store.UpdateJob(c.UserContext(), uid, id, u)
	if err != nil {
		return err
	}
	v, err := s.viewJob(c, uid, j)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) deleteJob(c *fiber.Ctx) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	if err := s.deps.Store.DeleteJob(c.UserContext(), mustPrincipal(c).UserID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// JobStats is the answer of GET /api/jobs/stats.
type JobStats struct {
	Total           int64            `json:"total"`
	ByStatus        map[string]int64 `json:"by_status"`
	Weeks           int              `json:"weeks"`
	CapturesPerWeek []WeekCountView  `json:"captures_per_week"`
}

// WeekCountView is the number of jobs saved in the week starting WeekStart
// (a Monday, as YYYY-MM-DD in UTC).
type WeekCountView struct {
	WeekStart string `json:"week_start"`
	Count     int64  `json:"count"`
}

// jobStats handles GET /api/jobs/stats?weeks=N (default 12): the number of
// jobs in every status (zeros included) and the jobs saved in each of the
// last N weeks, oldest first.
func (s *Server) jobStats(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	weeks := 12
	if w := c.Query("weeks"); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n > models.MaxStatsWeeks {
			return &models.ValidationError{Fields: map[string]string{"weeks": "must be a whole number from 1 to " + strconv.Itoa(models.MaxStatsWeeks)}}
		}
		weeks = n
	}
	ctx := c.UserContext()
	counts, err := s.deps.Store.CountJobsByStatus(ctx, uid)
	if err != nil {
		return err
	}
	perWeek, err := s.deps.Store.JobsPerWeek(ctx, uid, weeks)
	if err != nil {
		return err
	}
	out := JobStats{ByStatus: map[string]int64{}, Weeks: weeks, CapturesPerWeek: make([]WeekCountView, len(perWeek))}
	for _, st := range models.AllJobStatuses() {
		out.ByStatus[st.String()] = counts[st]
		out.Total += counts[st]
	}
	for i, w := range perWeek {
		out.CapturesPerWeek[i] = WeekCountView{WeekStart: w.WeekStart.Format(time.DateOnly), Count: w.Count}
	}
	return c.JSON(out)
}

// LegacyJobRequest is the body the published Vega AI extension sends to
// POST /api/jobs (camelCase).
type LegacyJobRequest struct {
	Title          string `json:"title"`
	Company        string `json:"company"`
	Location       string `json:"location"`
	Description    string `json:"description"`
	JobType        string `json:"jobType"`
	ApplicationURL string `json:"applicationUrl"`
	SourceURL      string `json:"sourceUrl"`
	Notes          string `json:"notes"`
}

// Job validates the request and turns it into the job to save and its
// company. Missing title, company, description or sourceUrl, and URLs
// that are not http(s), are a *models.ValidationError with the request's
// field names. The source URL is canonicalised as at capture. A job type
// other than full_time, part_time, contract, intern, remote or freelance is
// other.
func (r *LegacyJobRequest) Job() (*models.Job, string, error) {
	ve := &models.ValidationError{}
	for name, v := range map[string]string{"title": r.Title, "company": r.Company, "description": r.Description, "sourceUrl": r.SourceURL} {
		if strings.TrimSpace(v) == "" {
			ve.Add(name, "is required")
		}
	}
	j := &models.Job{Title: r.Title, Description: r.Description, JobType: models.JobTypeOther}
	switch strings.ToLower(strings.TrimSpace(r.JobType)) {
	case "full_time", "part_time", "contract", "intern", "remote", "freelance":
		if t, err := models.ParseJobType(r.JobType); err == nil {
			j.JobType = t
		}
	}
	if l := strings.TrimSpace(r.Location); l != "" {
		j.Location = &l
	}
	if n := r.Notes; strings.TrimSpace(n) != "" {
		j.Notes = &n
	}
	if strings.TrimSpace(r.SourceURL) != "" {
		if canon, err := scraper.CanonicalURL(r.SourceURL); err != nil || len(r.SourceURL) > models.MaxURLChars {
			ve.Add("sourceUrl", "must be an absolute http or https URL of at most 2048 characters")
		} else {
			j.SourceURL = &canon
		}
	}
	if a := strings.TrimSpace(r.ApplicationURL); a != "" {
		j.ApplicationURL = &a
	}
	if len(ve.Fields) > 0 {
		return nil, "", ve
	}
	if err := models.ValidateJob(j, r.Company, nil); err != nil {
		var mve *models.ValidationError
		if errors.As(err, &mve) {
			for f, m := range mve.Fields {
				ve.Add(legacyField(f), m)
			}
			return nil, "", ve
		}
		return nil, "", err
	}
	return j, r.Company, nil
}

// legacyField spells a model field as the published extension does.
func legacyField(f string) string {
	switch f {
	case "source_url":
		return "sourceUrl"
	case "application_url":
		return "applicationUrl"
	case "job_type":
		return "jobType"
	}
	return f
}

// legacyConflict is the 409 answer of POST /api/jobs.
type legacyConflict struct {
	Error string `json:"error"`
	JobID int64  `json:"jobId"`
}

// legacyCreated is the 201 answer of POST /api/jobs.
type legacyCreated struct {
	Message string  `json:"message"`
	JobID   int64   `json:"jobId"`
	Job     JobView `json:"job"`
}

// createLegacyJob handles POST /api/jobs as the published Vega AI extension
// uses it: 201 {"message","jobId","job"}, or 409 {"error","jobId"} when the
// user already saved the sourceUrl. The 409 is written here rather than by
// the error handler because that extension reads jobId from it.
func (s *Server) createLegacyJob(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	var in LegacyJobRequest
	if err := decodeBody(c, &in, jsonBodyLimit); err != nil {
		return err
	}
	job, company, err := in.Job()
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	conflict := func(id int64) error {
		return c.Status(fiber.StatusConflict).JSON(legacyConflict{Error: "this job is already saved", JobID: id})
	}
	if existing, err := s.deps.Store.JobByURL(ctx, uid, *job.SourceURL); err == nil {
		return conflict(existing.ID)
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	saved, d, created, err := s.deps.Store.SaveJobWith(ctx, uid, job, company, models.SaveOptions{})
	if err != nil {
		return err
	}
	if !created {
		return conflict(saved.ID)
	}
	return c.Status(fiber.StatusCreated).JSON(legacyCreated{Message: "Job saved", JobID: saved.ID, Job: ViewJob(saved, d)})
}
