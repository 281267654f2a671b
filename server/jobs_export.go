package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/scraper"
)

// Export and import of a user's jobs. The JSON export is
// {"format":"vega-jobs","version":1,"exported_at":...,"jobs":[job, ...]}
// with each job as the API writes it; the CSV export has a header row with
// csvColumns, skills joined by "; " and the scraper's extra fields as a JSON
// object in "details". Import reads either (JSON may also be a bare array of
// jobs) and gives the same jobs back: ids are new, everything else, the
// timestamps included, is kept. A job whose source_url the user already
// saved is left as it is.

// MaxImportJobs bounds the jobs one import may hold.
const MaxImportJobs = 10000

// exportFormat names the JSON export.
const exportFormat = "vega-jobs"

// JobExport is the JSON export.
type JobExport struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	ExportedAt time.Time `json:"exported_at"`
	Jobs       []JobView `json:"jobs"`
}

var csvColumns = []string{"id", "title", "company", "location", "job_type", "status", "description",
	"required_skills", "source_url", "application_url", "match_score", "notes", "created_at", "updated_at", "details"}

// allJobs returns every job of the user, oldest first, as the API writes them.
func (s *Server) allJobs(c *fiber.Ctx, uid int64) ([]JobView, error) {
	var out []JobView
	for offset := 0; ; offset += models.MaxJobsLimit {
		jobs, _, err := s.deps.Store.Jobs(c.UserContext(), uid, models.JobFilter{
			Sort: models.JobSortCreatedAt, Limit: models.MaxJobsLimit, Offset: offset})
		if err != nil {
			return nil, err
		}
		views, err := s.viewJobs(c, uid, jobs)
		if err != nil {
			return nil, err
		}
		out = append(out, views...)
		if len(jobs) < models.MaxJobsLimit {
			return out, nil
		}
	}
}

// exportJobs handles GET /api/jobs/export?format=json|csv.
func (s *Server) exportJobs(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	format := strings.ToLower(c.Query("format", "json"))
	if format != "json" && format != "csv" {
		return &models.ValidationError{Fields: map[string]string{"format": "must be json or csv"}}
	}
	jobs, err := s.allJobs(c, uid)
	if err != nil {
		return err
	}
	if jobs == nil {
		jobs = []JobView{}
	}
	name := "vega-jobs-" + time.Now().UTC().Format("2006-01-02")
	if format == "json" {
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.json"`)
		return c.JSON(JobExport{Format: exportFormat, Version: 1, ExportedAt: time.Now().UTC(), Jobs: jobs})
	}
	var buf bytes.Buffer
	if err := WriteJobsCSV(&buf, jobs); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	return c.Send(buf.Bytes())
}

// WriteJobsCSV writes jobs as CSV with a header row of csvColumns.
func WriteJobsCSV(w io.Writer, jobs []JobView) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	opt := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	for _, j := range jobs {
		score := ""
		if j.MatchScore != nil {
			score = strconv.Itoa(*j.MatchScore)
		}
		details := ""
		if !j.JobDetails.IsZero() {
			b, err := json.Marshal(j.JobDetails)
			if err != nil {
				return err
			}
			details = string(b)
		}
		rec := []string{strconv.FormatInt(j.ID, 10), j.Title, j.Company.Name, opt(j.Location), j.JobType.String(),
			j.Status.String(), j.Description, strings.Join(j.RequiredSkills, "; "), opt(j.SourceURL),
			opt(j.ApplicationURL), score, opt(j.Notes), j.CreatedAt.Format(time.RFC3339Nano),
			j.UpdatedAt.Format(time.RFC3339Nano), details}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// companyField is a company as an import names it: {"name": ...} (as the
// export writes it) or a plain string.
type companyField struct{ Name string }

// UnmarshalJSON accepts an object with a name or a string.
func (f *companyField) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		f.Name = s
		return nil
	}
	var o struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	f.Name = o.Name
	return nil
}

// ImportRecord is one job of an import, as the JSON export writes it.
type ImportRecord struct {
	Title          string       `json:"title"`
	Company        companyField `json:"company"`
	Location       *string      `json:"location"`
	JobType        EnumText     `json:"job_type"`
	Status         EnumText     `json:"status"`
	Description    string       `json:"description"`
	RequiredSkills []string     `json:"required_skills"`
	SourceURL      *string      `json:"source_url"`
	ApplicationURL *string      `json:"application_url"`
	MatchScore     *int         `json:"match_score"`
	Notes          *string      `json:"notes"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
	models.JobDetails
}

// Job turns the record into the job to save, its company and its details,
// validated as the store would (a *models.ValidationError otherwise).
func (r *ImportRecord) Job() (*models.Job, string, *models.JobDetails, error) {
	ve := &models.ValidationError{}
	j := &models.Job{Title: r.Title, Location: r.Location, Description: r.Description,
		RequiredSkills: models.StringList(r.RequiredSkills), ApplicationURL: r.ApplicationURL,
		MatchScore: r.MatchScore, Notes: r.Notes, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.JobType != "" {
		t, err := ParseJobTypeField("job_type", string(r.JobType))
		if err != nil {
			ve.Add("job_type", err.(*models.ValidationError).Fields["job_type"])
		}
		j.JobType = t
	}
	if r.Status != "" {
		st, err := ParseStatus("status", string(r.Status))
		if err != nil {
			ve.Add("status", err.(*models.ValidationError).Fields["status"])
		}
		j.Status = st
	}
	if r.SourceURL != nil && strings.TrimSpace(*r.SourceURL) != "" {
		u := strings.TrimSpace(*r.SourceURL)
		if canon, err := scraper.CanonicalURL(u); err == nil {
			u = canon
		}
		j.SourceURL = &u
	}
	var d *models.JobDetails
	if !r.JobDetails.IsZero() {
		dd := r.JobDetails
		d = &dd
	}
	if err := models.ValidateJob(j, r.Company.Name, d); err != nil {
		if mve, ok := err.(*models.ValidationError); ok {
			for f, m := range mve.Fields {
				ve.Add(f, m)
			}
		} else {
			return nil, "", nil, err
		}
	}
	if len(ve.Fields) > 0 {
		return nil, "", nil, ve
	}
	return j, r.Company.Name, d, nil
}

// ReadJobsCSV reads a CSV with a header row naming some of csvColumns (in
// any order; title and company at least) into import records.
func ReadJobsCSV(r io.Reader) ([]ImportRecord, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &models.ValidationError{Fields: map[string]string{"body": "is not CSV with a header row"}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))] = i
	}
	for _, need := range []string{"title", "company"} {
		if _, ok := col[need]; !ok {
			return nil, &models.ValidationError{Fields: map[string]string{"header": "must name a " + need + " column"}}
		}
	}
	var out []ImportRecord
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, &models.ValidationError{Fields: map[string]string{fmt.Sprintf("row %d", row): "is not valid CSV"}}
		}
		if len(out) == MaxImportJobs {
			return nil, &models.ValidationError{Fields: map[string]string{"body": fmt.Sprintf("must hold at most %d jobs", MaxImportJobs)}}
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		opt := func(name string) *string {
			if v := get(name); strings.TrimSpace(v) != "" {
				return &v
			}
			return nil
		}
		ir := ImportRecord{Title: get("title"), Company: companyField{get("company")}, Location: opt("location"),
			JobType: EnumText(get("job_type")), Status: EnumText(get("status")), Description: get("description"),
			SourceURL: opt("source_url"), ApplicationURL: opt("application_url"), Notes: opt("notes")}
		ve := &models.ValidationError{}
		for _, sk := range strings.Split(get("required_skills"), ";") {
			if sk = strings.TrimSpace(sk); sk != "" {
				ir.RequiredSkills = append(ir.RequiredSkills, sk)
			}
		}
		if v := strings.TrimSpace(get("match_score")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				ve.Add(fmt.Sprintf("row %d: match_score", row), "must be a whole number")
			}
			ir.MatchScore = &n
		}
		for name, dst := range map[string]*time.Time{"created_at": &ir.CreatedAt, "updated_at": &ir.UpdatedAt} {
			if v := strings.TrimSpace(get(name)); v != "" {
				t, err := time.Parse(time.RFC3339Nano, v)
				if err != nil {
					ve.Add(fmt.Sprintf("row %d: %s", row, name), "must be an RFC 3339 time")
				}
				*dst = t
			}
		}
		if v := strings.TrimSpace(get("details")); v != "" {
			if err := json.Unmarshal([]byte(v), &ir.JobDetails); err != nil {
				ve.Add(fmt.Sprintf("row %d: details", row), "must be a JSON object")
			}
		}
		if len(ve.Fields) > 0 {
			return nil, ve
		}
		out = append(out, ir)
	}
}

// ImportResult is the answer of POST /api/jobs/import.
type ImportResult struct {
	Created  int `json:"created"`
	Existing int `json:"existing"`
}

// readImport reads an import body: JSON (the export, or an array of jobs)
// when it starts with { or [, CSV otherwise.
func readImport(body []byte) ([]ImportRecord, error) {
	t := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\uFEFF")))
	if len(t) == 0 {
		return nil, &models.ValidationError{Fields: map[string]string{"body": "must be a JSON export or CSV with a header row"}}
	}
	if t[0] != '{' && t[0] != '[' {
		return ReadJobsCSV(bytes.NewReader(t))
	}
	var recs []ImportRecord
	if t[0] == '[' {
		if err := json.Unmarshal(t, &recs); err != nil {
			return nil, &models.ValidationError{Fields: map[string]string{"body": "is not a JSON array of jobs: " + err.Error()}}
		}
	} else {
		var doc struct {
			Format string         `json:"format"`
			Jobs   []ImportRecord `json:"jobs"`
		}
		if err := json.Unmarshal(t, &doc); err != nil {
			return nil, &models.ValidationError{Fields: map[string]string{"body": "is not a Vega jobs export: " + err.Error()}}
		}
		if doc.Format != "" && doc.Format != exportFormat {
			return nil, &models.ValidationError{Fields: map[string]string{"format": "must be " + exportFormat}}
		}
		recs = doc.Jobs
	}
	if len(recs) > MaxImportJobs {
		return nil, &models.ValidationError{Fields: map[string]string{"body": fmt.Sprintf("must hold at most %d jobs", MaxImportJobs)}}
	}
	return recs, nil
}

// importJobs handles POST /api/jobs/import. Every job is checked before any
// is saved: one invalid job is a 400 naming it ("jobs[3].title") and
// nothing is stored.
func (s *Server) importJobs(c *fiber.Ctx) error {
	res, err := s.importJobData(c, mustPrincipal(c).UserID, c.Body())
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// importJobData imports body (see readImport) into uid's jobs, for the API
// and the settings page alike: every job is checked first, and one invalid
// job is a *models.ValidationError naming it, with nothing stored.
func (s *Server) importJobData(c *fiber.Ctx, uid int64, body []byte) (ImportResult, error) {
	recs, err := readImport(body)
	if err != nil {
		return ImportResult{}, err
	}
	type item struct {
		job     *models.Job
		company string
		details *models.JobDetails
	}
	items := make([]item, 0, len(recs))
	ve := &models.ValidationError{}
	for i := range recs {
		j, company, d, err := recs[i].Job()
		if err != nil {
			mve, ok := err.(*models.ValidationError)
			if !ok {
				return ImportResult{}, err
			}
			for f, m := range mve.Fields {
				ve.Add(fmt.Sprintf("jobs[%d].%s", i, f), m)
			}
			if len(ve.Fields) >= 50 {
				break
			}
			continue
		}
		items = append(items, item{j, company, d})
	}
	if len(ve.Fields) > 0 {
		return ImportResult{}, ve
	}
	var res ImportResult
	for _, it := range items {
		_, _, created, err := s.deps.Store.SaveJobWith(c.UserContext(), uid, it.job, it.company,
			models.SaveOptions{Details: it.details, KeepTimestamps: true})
		if err != nil {
			return res, err
		}
		if created {
			res.Created++
		} else {
			res.Existing++
		}
	}
	s.log.Info("jobs imported", "request_id", RequestIDFrom(c), "user_id", uid, "created", res.Created, "existing", res.Existing)
	return res, nil
}
