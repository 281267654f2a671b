package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/analysis"
	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/scraper"
)

// registerDashboardJobRoutes adds the dashboard's job pages (every one
// behind requireSession, so every POST needs the CSRF token):
//
//	GET  /jobs                       table: ?status (repeatable) &q &company &min_score &sort &page
//	GET  /jobs/board                 a column per status
//	POST /jobs/bulk-status           id (repeatable), status, next
//	GET  /jobs/new                   add by hand, or paste a URL and its HTML
//	POST /jobs                       add by hand
//	POST /jobs/capture               url, html, notes, status: the API's capture
//	GET  /jobs/:id                   a job
//	POST /jobs/:id/status            status, next (htmx: the status card)
//	POST /jobs/:id/notes             notes (htmx: a "Saved" fragment)
//	GET  /jobs/:id/edit, POST        edit
//	POST /jobs/:id/delete            without confirm=yes: the confirmation page
//	POST /jobs/:id/analyze, /cover-letter, /cv
//	GET  /documents/:id, /documents/:id/edit (GET, POST), /documents/:id/download
//	POST /documents/:id/delete       without confirm=yes: the confirmation page
//	GET  /stats                      charts
//
// Another user's job or document is 404, like a missing one.
func (s *Server) registerDashboardJobRoutes(r fiber.Router) {
	auth := s.requireSession
	r.Get("/static/*", serveStatic)
	r.Get("/jobs", auth, s.showJobs)
	r.Get("/jobs/board", auth, s.showBoard)
	r.Post("/jobs/bulk-status", auth, s.submitBulkStatus)
	r.Get("/jobs/new", auth, s.showNewJob)
	r.Post("/jobs", auth, s.submitNewJob)
	r.Post("/jobs/capture", auth, s.submitCapture)
	r.Get("/jobs/:id", auth, s.showJob)
	r.Post("/jobs/:id/status", auth, s.submitJobStatus)
	r.Post("/jobs/:id/notes", auth, s.submitJobNotes)
	r.Get("/jobs/:id/edit", auth, s.showEditJob)
	r.Post("/jobs/:id/edit", auth, s.submitEditJob)
	r.Post("/jobs/:id/delete", auth, s.submitDeleteJob)
	r.Post("/jobs/:id/analyze", auth, s.submitAnalyze)
	r.Post("/jobs/:id/cover-letter", auth, s.submitGenerate(models.DocumentCoverLetter))
	r.Post("/jobs/:id/cv", auth, s.submitGenerate(models.DocumentCV))
	r.Get("/documents/:id", auth, s.showDocument)
	r.Get("/documents/:id/edit", auth, s.showEditDocument)
	r.Post("/documents/:id/edit", auth, s.submitEditDocument)
	r.Get("/documents/:id/download", auth, s.downloadDocument)
	r.Post("/documents/:id/delete", auth, s.submitDeleteDocument)
	r.Get("/stats", auth, s.showStats)
}

// dashView is the view of a signed-in page.
func dashView(c *fiber.Ctx, nav string, data any) view {
	return view{User: currentUser(c), CSRFToken: csrfToken(c), Nav: nav, Data: data, Notice: noticeOf(c)}
}

// notices are the confirmations a redirect may ask for with ?done=.
var notices = map[string]string{
	"created":  "Job saved.",
	"existing": "You had already saved this job; here it is.",
	"updated":  "Changes saved.",
	"deleted":  "Job deleted.",
	"analysed": "Match analysed.",
	"document": "Document written.",
	"doc-del":  "Document deleted.",
	"moved":    "Status changed.",
}

func noticeOf(c *fiber.Ctx) string { return notices[c.Query("done")] }

// isHtmx reports whether htmx (or app.js) sent the request.
func isHtmx(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// formValues returns the submitted form (URL-encoded or multipart) as
// url.Values (copies).
func formValues(c *fiber.Ctx) (url.Values, error) {
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		f, err := c.MultipartForm()
		if err != nil {
			return nil, fiber.NewError(fiber.StatusBadRequest, "unreadable form")
		}
		return url.Values(f.Value), nil
	}
	v, err := url.ParseQuery(string(c.Body()))
	if err != nil {
		return nil, fiber.NewError(fiber.StatusBadRequest, "unreadable form")
	}
	return v, nil
}

// localPath returns next when it is a path on this site ("/jobs?x"), else
// fallback: redirects never leave Vega.
func localPath(next, fallback string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return fallback
	}
	return next
}

// withDone adds done=code to a local path.
func withDone(path, code string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "done=" + code
}

// seeOther redirects after a successful POST.
func seeOther(c *fiber.Ctx, to string) error { return c.Redirect(to, fiber.StatusSeeOther) }

// formProblem returns the status, summary and field messages of a client
// error to show on a form, or ok false for an error the error handler
// should answer.
func formProblem(err error) (status int, msg string, fields map[string]string, ok bool) {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return fiber.StatusBadRequest, "Please correct the fields marked below.", ve.Fields, true
	}
	if errors.Is(err, models.ErrNotFound) {
		return 0, "", nil, false
	}
	st, body := statusOf(err)
	if st >= 400 && st < 500 && st != fiber.StatusForbidden && st != fiber.StatusUnauthorized {
		return st, sentence(body.Error), body.Fields, true
	}
	return 0, "", nil, false
}

// ---- counts per status -------------------------------------------------

// statusCount is one status with the user's number of jobs in it.
type statusCount struct {
	Status models.JobStatus
	Count  int64
	URL    string
	Active bool
}

// statusCounts loads the user's jobs per status (zeros included) and the
// total; active marks the statuses a filter keeps.
func (s *Server) statusCounts(c *fiber.Ctx, uid int64, active []models.JobStatus) ([]statusCount, int64, error) {
	counts, err := s.deps.Store.CountJobsByStatus(c.UserContext(), uid)
	if err != nil {
		return nil, 0, err
	}
	var out []statusCount
	var total int64
	for _, st := range models.AllJobStatuses() {
		sc := statusCount{Status: st, Count: counts[st], URL: "/jobs?status=" + st.String()}
		for _, a := range active {
			sc.Active = sc.Active || a == st
		}
		out = append(out, sc)
		total += counts[st]
	}
	return out, total, nil
}

// ---- the table -----------------------------------------------------------

// jobsPageSize is the number of jobs per page of the table.
const jobsPageSize = 25

// jobsPage is the data of the jobs table.
type jobsPage struct {
	Counts   []statusCount
	Total    int64 // all the user's jobs
	Found    int64 // jobs the filters keep
	Jobs     []JobView
	Status   map[string]bool // the statuses filtered on, by name
	Q        string
	Company  string
	MinScore string
	Sort     string
	Page     int
	Pages    int
	PrevURL  string
	NextURL  string
	Here     string // this page's URL, for returning after a bulk change
	Sorts    []sortLink
	Filtered bool
}

// sortLink is a sortable column heading.
type sortLink struct {
	Key, Label, URL, AriaSort string
}

// showJobs renders the jobs table (also the signed-in home page, /).
func (s *Server) showJobs(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	q := queryValues(c)
	p := &jobsPage{Status: map[string]bool{}, Q: q.Get("q"), Company: q.Get("company"),
		MinScore: q.Get("min_score"), Sort: q.Get("sort"), Page: 1}
	for _, st := range listValues(q, "status") {
		p.Status[st] = true
	}
	// The table pages with ?page=; the API's filter reads limit and offset.
	fq := url.Values{}
	for _, k := range []string{"status", "q", "company", "min_score", "sort"} {
		if vs, ok := q[k]; ok {
			fq[k] = vs
		}
	}
	ve := &models.ValidationError{}
	if raw := strings.TrimSpace(q.Get("page")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 100000 {
			ve.Add("page", "must be a whole number of at least 1")
		} else {
			p.Page = n
		}
	}
	fq.Set("limit", strconv.Itoa(jobsPageSize))
	fq.Set("offset", strconv.Itoa((p.Page-1)*jobsPageSize))
	f, err := JobFilterFromQuery(fq)
	var fve *models.ValidationError
	if errors.As(err, &fve) {
		for k, m := range fve.Fields {
			ve.Add(k, m)
		}
	} else if err != nil {
		return err
	}
	status := fiber.StatusOK
	v := dashView(c, "jobs", p)
	counts, total, err := s.statusCounts(c, uid, f.Statuses)
	if err != nil {
		return err
	}
	p.Counts, p.Total = counts, total
	p.Filtered = len(f.Statuses) > 0 || f.Query != "" || f.CompanyName != "" || f.MinScore != nil
	if len(ve.Fields) > 0 {
		status, v.Error, v.Fields = fiber.StatusBadRequest, "Please correct the filters marked below.", ve.Fields
	} else {
		jobs, found, err := s.deps.Store.Jobs(c.UserContext(), uid, f)
		if err != nil {
			return err
		}
		if p.Jobs, err = s.viewJobs(c, uid, jobs); err != nil {
			return err
		}
		p.Found = found
		p.Pages = int((found + jobsPageSize - 1) / jobsPageSize)
	}
	link := func(page int, sort string) string {
		l := url.Values{}
		for k, vs := range fq {
			if k != "limit" && k != "offset" && k != "sort" {
				l[k] = vs
			}
		}
		if sort != "" {
			l.Set("sort", sort)
		}
		if page > 1 {
			l.Set("page", strconv.Itoa(page))
		}
		if e := l.Encode(); e != "" {
			return "/jobs?" + e
		}
		return "/jobs"
	}
	if p.Page > 1 {
		p.PrevURL = link(p.Page-1, p.Sort)
	}
	if p.Page < p.Pages {
		p.NextURL = link(p.Page+1, p.Sort)
	}
	p.Here = link(p.Page, p.Sort)
	cur, desc := f.Sort, f.Desc
	for _, h := range []struct{ key, label string }{{"title", "Job"}, {"match_score", "Score"}, {"created_at", "Saved"}, {"updated_at", "Updated"}} {
		sl := sortLink{Key: h.key, Label: h.label, AriaSort: "none"}
		next := h.key
		if h.key != "title" {
			next = "-" + h.key // numbers and dates: largest first
		}
		if string(cur) == h.key {
			sl.AriaSort = "ascending"
			if desc {
				sl.AriaSort = "descending"
			}
			if desc {
				next = h.key
			} else {
				next = "-" + h.key
			}
		}
		sl.URL = link(1, next)
		p.Sorts = append(p.Sorts, sl)
	}
	return s.render(c, status, "jobs", v)
}

// submitBulkStatus moves the selected jobs to one status.
func (s *Server) submitBulkStatus(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	form, err := formValues(c)
	if err != nil {
		return err
	}
	next := localPath(form.Get("next"), "/jobs")
	ve := &models.ValidationError{}
	st, err := ParseStatus("status", form.Get("status"))
	if err != nil {
		ve.Add("status", "choose the status to move the jobs to")
	}
	var ids []int64
	for _, raw := range form["id"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return models.ErrNotFound
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		ve.Add("id", "select at least one job")
	}
	if len(ids) > models.MaxJobsLimit {
		ve.Add("id", "select at most "+strconv.Itoa(models.MaxJobsLimit)+" jobs")
	}
	if len(ve.Fields) > 0 {
		msg := "Select at least one job and the status to move it to."
		return s.render(c, fiber.StatusBadRequest, "message", dashView(c, "jobs", &messagePage{
			Title: "Nothing was changed", Error: msg, Back: next}))
	}
	// Every job must be the user's before any changes.
	for _, id := range ids {
		if _, err := s.deps.Store.Job(c.UserContext(), uid, id); err != nil {
			return err
		}
	}
	for _, id := range ids {
		if _, err := s.deps.Store.UpdateJob(c.UserContext(), uid, id, models.JobUpdate{Status: &st}); err != nil {
			return err
		}
	}
	return seeOther(c, withDone(next, "moved"))
}

// messagePage is a short page: a title, an error or a message, and a link back.
type messagePage struct {
	Title, Error, Message, Back string
}

// ---- the board -----------------------------------------------------------

// boardColumn is one status's column.
type boardColumn struct {
	Status models.JobStatus
	Count  int64
	Jobs   []JobView
	Hidden int64 // jobs in the column beyond those shown
}

// boardPage is the data of the board.
type boardPage struct {
	Counts  []statusCount
	Total   int64
	Columns []boardColumn
}

// showBoard renders a column per status, each with its most recently
// updated jobs (at most models.MaxJobsLimit).
func (s *Server) showBoard(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	counts, total, err := s.statusCounts(c, uid, nil)
	if err != nil {
		return err
	}
	p := &boardPage{Counts: counts, Total: total}
	for _, sc := range counts {
		col := boardColumn{Status: sc.Status, Count: sc.Count}
		if sc.Count > 0 {
			jobs, n, err := s.deps.Store.Jobs(c.UserContext(), uid, models.JobFilter{Statuses: []models.JobStatus{sc.Status},
				Sort: models.JobSortUpdatedAt, Desc: true, Limit: models.MaxJobsLimit})
			if err != nil {
				return err
			}
			if col.Jobs, err = s.viewJobs(c, uid, jobs); err != nil {
				return err
			}
			col.Hidden = n - int64(len(jobs))
		}
		p.Columns = append(p.Columns, col)
	}
	return s.render(c, fiber.StatusOK, "board", dashView(c, "board", p))
}

// ---- one job ---------------------------------------------------------------

// jobPage is the data of a job's page.
type jobPage struct {
	Job       JobView
	Counts    []statusCount
	Total     int64
	Analysis  *analysisView
	Documents []documentView
	Notes     string
	Saved     string // the status card's confirmation, after an htmx change
}

// loadJob reads the user's job :id with its details.
func (s *Server) loadJob(c *fiber.Ctx, uid int64) (JobView, error) {
	id, err := jobID(c)
	if err != nil {
		return JobView{}, err
	}
	j, err := s.deps.Store.Job(c.UserContext(), uid, id)
	if err != nil {
		return JobView{}, err
	}
	return s.viewJob(c, uid, j)
}

// jobPageData loads everything a job's page shows.
func (s *Server) jobPageData(c *fiber.Ctx, uid int64) (*jobPage, error) {
	jv, err := s.loadJob(c, uid)
	if err != nil {
		return nil, err
	}
	p := &jobPage{Job: jv}
	if jv.Notes != nil {
		p.Notes = *jv.Notes
	}
	ctx := c.UserContext()
	if p.Counts, p.Total, err = s.statusCounts(c, uid, []models.JobStatus{jv.Status}); err != nil {
		return nil, err
	}
	a, err := s.deps.Store.JobAnalysis(ctx, uid, jv.ID)
	switch {
	case err == nil:
		var r analysis.Result
		if err := json.Unmarshal([]byte(a.Result), &r); err != nil {
			return nil, err
		}
		prof, err := s.deps.Store.Profile(ctx, uid)
		if err != nil {
			return nil, err
		}
		av := viewAnalysis(a, r, prof)
		p.Analysis = &av
	case !errors.Is(err, models.ErrNotFound):
		return nil, err
	}
	docs, _, err := s.deps.Store.Documents(ctx, uid, models.DocumentFilter{JobID: jv.ID, Limit: models.MaxDocumentsLimit})
	if err != nil {
		return nil, err
	}
	for i := range docs {
		p.Documents = append(p.Documents, viewDocument(&docs[i], false))
	}
	return p, nil
}

// showJob renders a job's page.
func (s *Server) showJob(c *fiber.Ctx) error {
	return s.renderJob(c, fiber.StatusOK, "")
}

// renderJob renders the job's page with status and an error summary.
func (s *Server) renderJob(c *fiber.Ctx, status int, msg string) error {
	p, err := s.jobPageData(c, mustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	v := dashView(c, "jobs", p)
	v.Error = msg
	return s.render(c, status, "job", v)
}

// submitJobStatus changes a job's status: htmx gets the status card back,
// a form is redirected to next (the job's page by default).
func (s *Server) submitJobStatus(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	id, err := jobID(c)
	if err != nil {
		return err
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	st, err := ParseStatus("status", form.Get("status"))
	if err != nil {
		if _, lerr := s.deps.Store.Job(c.UserContext(), uid, id); lerr != nil {
			return lerr
		}
		if isHtmx(c) {
			return err
		}
		return s.renderJob(c, fiber.StatusBadRequest, "Choose one of the statuses listed.")
	}
	j, err := s.deps.Store.UpdateJob(c.UserContext(), uid, id, models.JobUpdate{Status: &st})
	if err != nil {
		return err
	}
	if isHtmx(c) {
		jv, err := s.viewJob(c, uid, j)
		if err != nil {
			return err
		}
		return s.renderFragment(c, fiber.StatusOK, "job", "status-card", dashView(c, "jobs", &jobPage{Job: jv, Saved: "Status changed to " + st.Label() + "."}))
	}
	return seeOther(c, withDone(localPath(form.Get("next"), "/jobs/"+strconv.FormatInt(id, 10)), "moved"))
}

// submitJobNotes saves a job's notes: htmx (as the user types) gets a small
// "Saved" fragment, a form is redirected to the job.
func (s *Server) submitJobNotes(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	id, err := jobID(c)
	if err != nil {
		return err
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	notes := form.Get("notes")
	p := JobPatch{Notes: &notes}
	u, err := p.Update(nil)
	if err == nil {
		_, err = s.deps.Store.UpdateJob(c.UserContext(), uid, id, u)
	}
	if err != nil {
		st, msg, fields, ok := formProblem(err)
		if !ok {
			return err
		}
		if m := fields["notes"]; m != "" {
			msg = "Notes " + m + "."
		}
		if isHtmx(c) {
			c.Status(st).Type("html", "utf-8")
			setPageSecurityHeaders(c)
			return c.SendString(`<span class="save-error" role="alert">Not saved: ` + htmlEscape(msg) + `</span>`)
		}
		return s.renderJob(c, st, "Notes not saved: "+msg)
	}
	if isHtmx(c) {
		c.Type("html", "utf-8")
		setPageSecurityHeaders(c)
		return c.SendString(`<span class="saved">Saved at ` + time.Now().UTC().Format("15:04:05") + ` UTC</span>`)
	}
	return seeOther(c, withDone("/jobs/"+strconv.FormatInt(id, 10), "updated"))
}

// renderFragment renders one named template of a page, for htmx.
func (s *Server) renderFragment(c *fiber.Ctx, status int, page, name string, v view) error {
	t, ok := s.acct.pages[page]
	if !ok {
		return fmt.Errorf("server: no page template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		return fmt.Errorf("server: render %s/%s: %w", page, name, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	setPageSecurityHeaders(c)
	c.Status(status).Type("html", "utf-8")
	return c.Send(buf.Bytes())
}

// ---- add and edit -----------------------------------------------------------

// jobForm is the values of the add and edit forms, kept when they fail.
type jobForm struct {
	ID             int64
	Title          string
	Company        string
	Location       string
	JobType        string
	Status         string
	SourceURL      string
	ApplicationURL string
	Description    string
	Skills         string
	Notes          string
	// Paste form.
	PageURL  string
	PageHTML string
	// Which form failed: "manual" or "capture".
	Failed string
}

// readJobForm reads the add/edit form fields.
func readJobForm(form url.Values) jobForm {
	return jobForm{Title: form.Get("title"), Company: form.Get("company"), Location: form.Get("location"),
		JobType: form.Get("job_type"), Status: form.Get("status"), SourceURL: form.Get("source_url"),
		ApplicationURL: form.Get("application_url"), Description: form.Get("description"),
		Skills: form.Get("required_skills"), Notes: form.Get("notes")}
}

// splitSkills reads a comma- or line-separated list of skills.
func splitSkills(s string) []string {
	out := []string{}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ManualJob validates a job typed in by hand (title, company and
// description required; source and application URLs optional, http(s)) and
// returns the job to save and its company, checked as the store would.
// Problems are a *models.ValidationError naming each field.
func (f *jobForm) ManualJob() (*models.Job, string, error) {
	ve := &models.ValidationError{}
	j := &models.Job{Title: strings.TrimSpace(f.Title), Description: f.Description, JobType: models.JobTypeOther,
		Status: models.JobStatusInterested, RequiredSkills: splitSkills(f.Skills)}
	for name, v := range map[string]string{"title": f.Title, "company": f.Company, "description": f.Description} {
		if strings.TrimSpace(v) == "" {
			ve.Add(name, "is required")
		}
	}
	if f.JobType != "" {
		t, err := ParseJobTypeField("job_type", f.JobType)
		if err != nil {
			ve.Add("job_type", err.(*models.ValidationError).Fields["job_type"])
		}
		j.JobType = t
	}
	if f.Status != "" {
		st, err := ParseStatus("status", f.Status)
		if err != nil {
			ve.Add("status", err.(*models.ValidationError).Fields["status"])
		}
		j.Status = st
	}
	if l := strings.TrimSpace(f.Location); l != "" {
		j.Location = &l
	}
	if n := f.Notes; strings.TrimSpace(n) != "" {
		j.Notes = &n
	}
	if u := strings.TrimSpace(f.SourceURL); u != "" {
		if canon, err := scraper.CanonicalURL(u); err != nil || len(u) > models.MaxURLChars {
			ve.Add("source_url", "must be an absolute http or https URL of at most 2048 characters")
		} else {
			j.SourceURL = &canon
		}
	}
	if a := strings.TrimSpace(f.ApplicationURL); a != "" {
		j.ApplicationURL = &a
	}
	if len(ve.Fields) > 0 {
		return nil, "", ve
	}
	if err := models.ValidateJob(j, f.Company, nil); err != nil {
		return nil, "", err
	}
	return j, strings.TrimSpace(f.Company), nil
}

// newJobPage is the data of the add page.
type newJobPage struct {
	Form jobForm
}

func (s *Server) showNewJob(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "job_new", dashView(c, "jobs", &newJobPage{Form: jobForm{Status: "interested", JobType: "full_time"}}))
}

// renderNewJobError shows the add page again with the values kept.
func (s *Server) renderNewJobError(c *fiber.Ctx, f jobForm, err error) error {
	st, msg, fields, ok := formProblem(err)
	if !ok {
		return err
	}
	v := dashView(c, "jobs", &newJobPage{Form: f})
	v.Error, v.Fields = msg, fields
	return s.render(c, st, "job_new", v)
}

// submitNewJob saves a job typed in by hand.
func (s *Server) submitNewJob(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	form, err := formValues(c)
	if err != nil {
		return err
	}
	f := readJobForm(form)
	f.Failed = "manual"
	j, company, err := f.ManualJob()
	if err != nil {
		return s.renderNewJobError(c, f, err)
	}
	saved, _, created, err := s.deps.Store.SaveJobWith(c.UserContext(), uid, j, company, models.SaveOptions{})
	if err != nil {
		return s.renderNewJobError(c, f, err)
	}
	done := "created"
	if !created {
		done = "existing"
	}
	return seeOther(c, withDone("/jobs/"+strconv.FormatInt(saved.ID, 10), done))
}

// submitCapture saves the job of a pasted page, through the API's capture.
func (s *Server) submitCapture(c *fiber.Ctx) error {
	start := time.Now()
	uid := mustPrincipal(c).UserID
	if len(c.Body()) > maxCaptureBody {
		return s.renderNewJobError(c, jobForm{Failed: "capture"}, scraper.ErrTooLarge)
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	f := jobForm{PageURL: form.Get("url"), PageHTML: form.Get("html"), Notes: form.Get("notes"), Status: form.Get("status"), Failed: "capture"}
	in := CaptureRequest{URL: f.PageURL, HTML: f.PageHTML, Notes: f.Notes, Status: EnumText(f.Status)}
	out, err := s.capture(c, uid, &in, start)
	if err != nil {
		// The paste form's fields are named as the API's: url, html, notes, status.
		return s.renderNewJobError(c, f, err)
	}
	done := "created"
	if !out.created {
		done = "existing"
	}
	return seeOther(c, withDone("/jobs/"+strconv.FormatInt(out.job.ID, 10), done))
}

// editJobPage is the data of the edit page.
type editJobPage struct {
	Job  JobView
	Form jobForm
}

func (s *Server) showEditJob(c *fiber.Ctx) error {
	jv, err := s.loadJob(c, mustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	f := jobForm{ID: jv.ID, Title: jv.Title, JobType: jv.JobType.String(), Status: jv.Status.String(),
		Skills: strings.Join(jv.RequiredSkills, ", ")}
	for dst, src := range map[*string]*string{&f.Location: jv.Location, &f.ApplicationURL: jv.ApplicationURL, &f.Notes: jv.Notes} {
		if src != nil {
			*dst = *src
		}
	}
	return s.render(c, fiber.StatusOK, "job_edit", dashView(c, "jobs", &editJobPage{Job: jv, Form: f}))
}

// submitEditJob saves the edit form through the API's patch rules.
func (s *Server) submitEditJob(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	jv, err := s.loadJob(c, uid)
	if err != nil {
		return err
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	f := readJobForm(form)
	f.ID = jv.ID
	skills := splitSkills(f.Skills)
	jt, st := EnumText(f.JobType), EnumText(f.Status)
	p := JobPatch{Title: &f.Title, Location: &f.Location, ApplicationURL: &f.ApplicationURL, Notes: &f.Notes,
		RequiredSkills: &skills, JobType: &jt, Status: &st}
	u, err := p.Update(nil)
	if err == nil {
		_, err = s.deps.Store.UpdateJob(c.UserContext(), uid, jv.ID, u)
	}
	if err != nil {
		status, msg, fields, ok := formProblem(err)
		if !ok {
			return err
		}
		v := dashView(c, "jobs", &editJobPage{Job: jv, Form: f})
		v.Error, v.Fields = msg, fields
		return s.render(c, status, "job_edit", v)
	}
	return seeOther(c, withDone("/jobs/"+strconv.FormatInt(jv.ID, 10), "updated"))
}

// confirmPage is the data of a deletion's confirmation page.
type confirmPage struct {
	What   string // "the job “Go engineer” at Acme"
	Action string // the form's action
	Back   string
}

// submitDeleteJob deletes a job once confirmed (confirm=yes); without it,
// it shows the confirmation page.
func (s *Server) submitDeleteJob(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	jv, err := s.loadJob(c, uid)
	if err != nil {
		return err
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	id := strconv.FormatInt(jv.ID, 10)
	if form.Get("confirm") != "yes" {
		return s.render(c, fiber.StatusOK, "confirm_delete", dashView(c, "jobs", &confirmPage{
			What: "the job “" + jv.Title + "” at " + jv.Company.Name, Action: "/jobs/" + id + "/delete", Back: "/jobs/" + id}))
	}
	if err := s.deps.Store.DeleteJob(c.UserContext(), uid, jv.ID); err != nil {
		return err
	}
	return seeOther(c, withDone("/jobs", "deleted"))
}

// submitAnalyze analyses the job against the profile.
func (s *Server) submitAnalyze(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	out, err := s.analyse(c, uid)
	if err != nil {
		return s.jobActionFailed(c, err)
	}
	return seeOther(c, withDone("/jobs/"+strconv.FormatInt(out.job.ID, 10), "analysed")+"#match")
}

// submitGenerate writes a cover letter or CV for the job and shows it.
func (s *Server) submitGenerate(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		doc, err := s.writeDocument(c, mustPrincipal(c).UserID, kind)
		if err != nil {
			return s.jobActionFailed(c, err)
		}
		return seeOther(c, withDone("/documents/"+strconv.FormatInt(doc.ID, 10), "document"))
	}
}

// jobActionFailed shows the job's page with what went wrong (a used-up
// quota, for one); a missing job and server errors go to the error handler.
func (s *Server) jobActionFailed(c *fiber.Ctx, err error) error {
	st, msg, _, ok := formProblem(err) // a used-up quota is 429
	if !ok {
		return err
	}
	return s.renderJob(c, st, msg)
}

// htmlEscape escapes text for an HTML fragment written by hand.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
