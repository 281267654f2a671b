package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Paging limits for Jobs.
const (
	DefaultJobsLimit = 20
	MaxJobsLimit     = 100
)

// JobSort names a column Jobs can sort by.
type JobSort string

// The sort orders Jobs accepts. Every order breaks ties by id in the same
// direction, so pages are stable.
const (
	JobSortCreatedAt  JobSort = "created_at"
	JobSortUpdatedAt  JobSort = "updated_at"
	JobSortMatchScore JobSort = "match_score" // jobs without a score come last either way
	JobSortTitle      JobSort = "title"       // case-insensitive for ASCII letters
)

// JobFilter selects, orders and pages the jobs Jobs returns. The zero value
// lists the newest 20 jobs.
type JobFilter struct {
	// Statuses keeps jobs in any of these statuses; empty keeps all.
	Statuses []JobStatus
	// JobTypes keeps jobs of any of these types; empty keeps all.
	JobTypes []JobType
	// Query keeps jobs whose title, company name, description or notes
	// contain it, case-insensitively (ASCII letters). "%", "_" and "\" are
	// literal characters.
	Query string
	// CompanyID keeps jobs at this company; 0 means any.
	CompanyID int64
	// CompanyName keeps jobs at the company of this name (normalized and
	// compared case-insensitively, like UpsertCompany); "" means any.
	CompanyName string
	// MinScore keeps jobs with a match score of at least *MinScore.
	MinScore *int
	// Sort is the order; "" means JobSortCreatedAt, newest first
	// (regardless of Desc).
	Sort JobSort
	// Desc sorts in descending order.
	Desc bool
	// Limit is the page size: 0 means DefaultJobsLimit, and more than
	// MaxJobsLimit means MaxJobsLimit.
	Limit int
	// Offset is the number of jobs to skip.
	Offset int
}

// JobUpdate holds the fields UpdateJob changes; nil fields stay as they are.
// A blank Notes, Location or ApplicationURL clears it; ClearMatchScore
// removes the match score (and wins over MatchScore).
type JobUpdate struct {
	Status          *JobStatus  `json:"status,omitempty"`
	Notes           *string     `json:"notes,omitempty"`
	Title           *string     `json:"title,omitempty"`
	Location        *string     `json:"location,omitempty"`
	JobType         *JobType    `json:"job_type,omitempty"`
	ApplicationURL  *string     `json:"application_url,omitempty"`
	RequiredSkills  *StringList `json:"required_skills,omitempty"`
	MatchScore      *int        `json:"match_score,omitempty"`
	ClearMatchScore bool        `json:"clear_match_score,omitempty"`
	Description     *string     `json:"description,omitempty"`
}

// normalizeJob trims and cleans j's fields in place and validates them.
func normalizeJob(j *Job) error {
	var v validator
	j.Title = strings.TrimSpace(j.Title)
	v.required("title", j.Title)
	v.maxChars("title", j.Title, MaxTitleChars)
	v.maxBytes("description", j.Description, MaxDescriptionBytes)
	j.Location = optString(j.Location)
	v.maxChars("location", deref(j.Location), MaxTitleChars)
	if !j.JobType.Valid() {
		v.add("job_type", "is not a known job type")
	}
	if !j.Status.Valid() {
		v.add("status", "is not a known status")
	}
	j.SourceURL = optString(j.SourceURL)
	v.absURL("source_url", deref(j.SourceURL))
	j.ApplicationURL = optString(j.ApplicationURL)
	v.absURL("application_url", deref(j.ApplicationURL))
	j.RequiredSkills = j.RequiredSkills.clean()
	v.skills("required_skills", j.RequiredSkills)
	if j.MatchScore != nil && (*j.MatchScore < 0 || *j.MatchScore > 100) {
		v.add("match_score", "must be between 0 and 100")
	}
	if j.Notes != nil && strings.TrimSpace(*j.Notes) == "" {
		j.Notes = nil
	}
	v.maxBytes("notes", deref(j.Notes), MaxNotesBytes)
	return v.err()
}

// SaveJob stores a job for userID at the company called companyName (or, if
// companyName is blank, job.Company.Name), creating the company if needed,
// in one transaction. A job is unique per user and source URL: if the user
// already saved job.SourceURL, SaveJob returns that stored job unchanged and
// created is false. Otherwise it inserts the job and returns it with created
// true. The returned job has its Company loaded.
//
// SaveJob ignores job.ID, job.UserID, job.CompanyID and the timestamps, and
// does not modify *job. A job without a SourceURL is always created. Invalid
// input is a *ValidationError (fields "title", "company", "source_url", ...).
// Many concurrent calls for the same user and URL create exactly one row and
// all return it.
func (s *Store) SaveJob(ctx context.Context, userID int64, job *Job, companyName string) (*Job, bool, error) {
	return s.saveJob(ctx, userID, job, companyName, nil, nil)
}

// saveJob is SaveJob with two hooks run inside its transaction: onExisting
// (if not nil) when the user already saved the URL, with the stored job;
// onInsert (if not nil) right after a new job is inserted, with the new row,
// so rows that belong with the job are written atomically with it.
func (s *Store) saveJob(ctx context.Context, userID int64, job *Job, companyName string,
	onExisting, onInsert func(tx *gorm.DB, j *Job) error) (*Job, bool, error) {
	if err := requireOwner(userID); err != nil {
		return nil, false, err
	}
	if job == nil {
		return nil, false, invalidField("job", "is required")
	}
	if strings.TrimSpace(companyName) == "" && job.Company != nil {
		companyName = job.Company.Name
	}
	row := *job
	row.ID, row.UserID, row.CompanyID, row.Company = 0, userID, 0, nil
	err := normalizeJob(&row)
	companyName = NormalizeCompanyName(companyName)
	if cerr := validateCompanyName("company", companyName); cerr != nil {
		ve, _ := err.(*ValidationError)
		if ve == nil {
			ve = &ValidationError{}
		}
		for f, m := range cerr.(*ValidationError).Fields {
			ve.Add(f, m)
		}
		err = ve
	}
	if err != nil {
		return nil, false, err
	}

	var (
		out     *Job
		created bool
	)
	err = s.inTx(ctx, "save job", func(tx *gorm.DB) error {
		out, created = nil, false
		if row.SourceURL != nil {
			existing, err := jobByURLTx(tx, userID, *row.SourceURL)
			if err == nil {
				out = existing
				if onExisting != nil {
					return onExisting(tx, existing)
				}
				return nil
			}
			if !isNotFound(err) {
				return err
			}
		}
		company, err := s.upsertCompanyTx(tx, companyName)
		if err != nil {
			return err
		}
		now := s.clock()
		ins := row
		ins.CompanyID, ins.CreatedAt, ins.UpdatedAt = company.ID, now, now
		res := tx.Omit(clause.Associations).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "user_id"}, {Name: "source_url"}},
			DoNothing: true,
		}).Create(&ins)
		if res.Error != nil && !isUniqueViolation(res.Error) {
			return res.Error
		}
		if res.Error == nil && res.RowsAffected == 1 && ins.ID != 0 {
			ins.Company = company
			out, created = &ins, true
			if onInsert != nil {
				return onInsert(tx, &ins)
			}
			return nil
		}
		// A concurrent writer saved the URL first (not possible with one
		// SQLite writer, but possible on PostgreSQL).
		if row.SourceURL == nil {
			return fmt.Errorf("insert job: no row inserted")
		}
		out, err = jobByURLTx(tx, userID, *row.SourceURL)
		if err == nil && onExisting != nil {
			err = onExisting(tx, out)
		}
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// jobByURLTx reads userID's job saved from url, with its company.
func jobByURLTx(db *gorm.DB, userID int64, url string) (*Job, error) {
	var j Job
	if err := findOne(db.Scopes(ForUser(userID)).Where("source_url = ?", url).Preload("Company"), &j, "job"); err != nil {
		return nil, err
	}
	return &j, nil
}

// jobTx reads userID's job id, with its company.
func jobTx(db *gorm.DB, userID, id int64) (*Job, error) {
	var j Job
	if err := findOne(db.Scopes(ForUser(userID)).Where("id = ?", id).Preload("Company"), &j, fmt.Sprintf("job %d", id)); err != nil {
		return nil, err
	}
	return &j, nil
}

// Job returns userID's job id with its Company loaded, or ErrNotFound.
func (s *Store) Job(ctx context.Context, userID, id int64) (*Job, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	j, err := jobTx(s.read(ctx), userID, id)
	if err != nil {
		return nil, wrapDB("job", err)
	}
	return j, nil
}

// JobBySourceURL returns userID's job saved from url (trimmed, otherwise
// compared exactly) with its Company loaded, or ErrNotFound.
func (s *Store) JobBySourceURL(ctx context.Context, userID int64, url string) (*Job, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	url = strings.TrimSpace(url)
	if url == "" {
		return nil, notFound("job")
	}
	j, err := jobByURLTx(s.read(ctx), userID, url)
	if err != nil {
		return nil, wrapDB("job by source url", err)
	}
	return j, nil
}

// normalized validates f and fills in its defaults.
func (f JobFilter) normalized() (JobFilter, error) {
	var v validator
	for _, st := range f.Statuses {
		if !st.Valid() {
			v.add("status", "is not a known status")
		}
	}
	for _, t := range f.JobTypes {
		if !t.Valid() {
			v.add("job_type", "is not a known job type")
		}
	}
	f.Query = strings.TrimSpace(f.Query)
	v.maxChars("q", f.Query, MaxQueryChars)
	f.CompanyName = NormalizeCompanyName(f.CompanyName)
	if f.MinScore != nil && (*f.MinScore < 0 || *f.MinScore > 100) {
		v.add("min_score", "must be between 0 and 100")
	}
	switch f.Sort {
	case "":
		f.Sort, f.Desc = JobSortCreatedAt, true
	case JobSortCreatedAt, JobSortUpdatedAt, JobSortMatchScore, JobSortTitle:
	default:
		v.add("sort", "must be one of created_at, updated_at, match_score, title")
	}
	switch {
	case f.Limit < 0:
		v.add("limit", "must not be negative")
	case f.Limit == 0:
		f.Limit = DefaultJobsLimit
	case f.Limit > MaxJobsLimit:
		f.Limit = MaxJobsLimit
	}
	if f.Offset < 0 {
		v.add("offset", "must not be negative")
	}
	return f, v.err()
}

// escapeLike escapes the LIKE wildcards "%" and "_" and the escape character
// "\" so s matches literally with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// jobsWhere returns the WHERE scope of a normalized filter. With
// walkCreatedAt the status condition is written "+jobs.status" (unary plus,
// valid in SQLite and PostgreSQL), which keeps SQLite from answering it with
// idx_jobs_user_id_status, so it walks idx_jobs_user_id_created_at in order
// instead and stops after one page.
func jobsWhere(userID int64, f JobFilter, walkCreatedAt bool) func(*gorm.DB) *gorm.DB {
	status := "jobs.status"
	if walkCreatedAt {
		status = "+jobs.status"
	}
	return func(q *gorm.DB) *gorm.DB {
		q = q.Scopes(ForUser(userID))
		switch len(f.Statuses) {
		case 0:
		case 1:
			q = q.Where(status+" = ?", int(f.Statuses[0]))
		default:
			q = q.Where(status+" IN ?", enumInts(f.Statuses))
		}
		switch len(f.JobTypes) {
		case 0:
		case 1:
			q = q.Where("jobs.job_type = ?", int(f.JobTypes[0]))
		default:
			q = q.Where("jobs.job_type IN ?", enumInts(f.JobTypes))
		}
		if f.CompanyID != 0 {
			q = q.Where("jobs.company_id = ?", f.CompanyID)
		}
		if f.CompanyName != "" {
			q = q.Where("jobs.company_id IN (SELECT id FROM companies WHERE lower(name) = lower(?))", f.CompanyName)
		}
		if f.MinScore != nil {
			q = q.Where("jobs.match_score >= ?", *f.MinScore)
		}
		if f.Query != "" {
			// lower() on both sides: SQLite's LIKE ignores ASCII case,
			// PostgreSQL's does not.
			p := "%" + escapeLike(f.Query) + "%"
			q = q.Where(`(lower(jobs.title) LIKE lower(@p) ESCAPE '\' OR lower(jobs.description) LIKE lower(@p) ESCAPE '\'`+
				` OR lower(jobs.notes) LIKE lower(@p) ESCAPE '\'`+
				` OR jobs.company_id IN (SELECT id FROM companies WHERE lower(name) LIKE lower(@p) ESCAPE '\'))`,
				map[string]any{"p": p})
		}
		return q
	}
}

func enumInts[T ~int](vs []T) []int {
	out := make([]int, len(vs))
	for i, v := range vs {
		out[i] = int(v)
	}
	return out
}

// jobsOrder returns the ORDER BY of a normalized filter, ties broken by id.
func jobsOrder(f JobFilter) string {
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	switch f.Sort {
	case JobSortUpdatedAt:
		return "jobs.updated_at" + dir + ", jobs.id" + dir
	case JobSortMatchScore:
		return "jobs.match_score" + dir + " NULLS LAST, jobs.id" + dir
	case JobSortTitle:
		return "lower(jobs.title)" + dir + ", jobs.id" + dir
	}
	return "jobs.created_at" + dir + ", jobs.id" + dir
}

// statusSortLimit is the number of matching jobs up to which Jobs lets
// SQLite find a status-filtered, newest-first page through
// idx_jobs_user_id_status and sort the matches. Beyond it, walking
// idx_jobs_user_id_created_at until a page is full is cheaper: the matches
// are common enough to fill a page after a short walk. (Measured with 10,000
// jobs per user: 1,667 matches take 10.8 ms to sort but 0.6 ms to walk; no
// matches take 36 ms to walk.)
const statusSortLimit = 200

// jobsPlan decides how the page query finds a normalized filter's jobs, given
// the number of matching jobs (-1 if not counted): whether to walk the
// created_at index (see jobsWhere).
func jobsPlan(f JobFilter, matching int64) (walkCreatedAt bool) {
	return len(f.Statuses) > 0 && f.Sort == JobSortCreatedAt && matching > statusSortLimit
}

// jobsCountFirst reports whether Jobs counts before listing: for a status
// filter sorted by created_at the count (over the covering index
// idx_jobs_user_id_status, cheap) chooses the plan of the page query.
func jobsCountFirst(f JobFilter) bool {
	return len(f.Statuses) > 0 && f.Sort == JobSortCreatedAt && f.Query == ""
}

// jobsPageQuery returns the query for one page of a normalized filter,
// without preloads.
func jobsPageQuery(db *gorm.DB, userID int64, f JobFilter, walkCreatedAt bool) *gorm.DB {
	return db.Model(&Job{}).Scopes(jobsWhere(userID, f, walkCreatedAt)).Order(jobsOrder(f)).Limit(f.Limit).Offset(f.Offset)
}

// jobsCountQuery returns the query counting a normalized filter's jobs.
func jobsCountQuery(db *gorm.DB, userID int64, f JobFilter) *gorm.DB {
	return db.Model(&Job{}).Scopes(jobsWhere(userID, f, false))
}

// Jobs returns one page of userID's jobs matching f, each with its Company
// loaded, and the number of jobs matching f across all pages. An invalid
// filter (unknown status or sort, negative offset, ...) is a
// *ValidationError.
func (s *Store) Jobs(ctx context.Context, userID int64, f JobFilter) ([]Job, int64, error) {
	if err := requireOwner(userID); err != nil {
		return nil, 0, err
	}
	f, err := f.normalized()
	if err != nil {
		return nil, 0, err
	}
	db := s.read(ctx)
	jobs := []Job{}
	total := int64(-1)
	if jobsCountFirst(f) {
		if err := jobsCountQuery(db, userID, f).Count(&total).Error; err != nil {
			return nil, 0, wrapDB("count jobs", err)
		}
		if total <= int64(f.Offset) {
			return jobs, total, nil
		}
	}
	if err := jobsPageQuery(db, userID, f, jobsPlan(f, total)).Preload("Company").Find(&jobs).Error; err != nil {
		return nil, 0, wrapDB("list jobs", err)
	}
	if total < 0 {
		// The count is needed unless this page is the last one.
		total = int64(f.Offset + len(jobs))
		if len(jobs) == f.Limit || (len(jobs) == 0 && f.Offset > 0) {
			if err := jobsCountQuery(db, userID, f).Count(&total).Error; err != nil {
				return nil, 0, wrapDB("count jobs", err)
			}
		}
	}
	return jobs, total, nil
}

// CountJobsByStatus returns how many jobs userID has in each status; statuses
// without jobs are absent.
func (s *Store) CountJobsByStatus(ctx context.Context, userID int64) (map[JobStatus]int64, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	var rows []struct {
		Status JobStatus
		N      int64
	}
	err := s.read(ctx).Model(&Job{}).Scopes(ForUser(userID)).
		Select("status, count(*) AS n").Group("status").Scan(&rows).Error
	if err != nil {
		return nil, wrapDB("count jobs by status", err)
	}
	out := make(map[JobStatus]int64, len(rows))
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// UpdateJob changes the fields set in u on userID's job id, sets its
// updated_at, and returns the updated job with its Company loaded. It
// returns ErrNotFound if the user has no such job, and a *ValidationError
// (before touching the database) for invalid values such as a match score
// outside 0..100. An update with no fields set returns the job unchanged.
func (s *Store) UpdateJob(ctx context.Context, userID, id int64, u JobUpdate) (*Job, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	var v validator
	set := map[string]any{}
	if u.Status != nil {
		if !u.Status.Valid() {
			v.add("status", "is not a known status")
		}
		set["status"] = int(*u.Status)
	}
	if u.JobType != nil {
		if !u.JobType.Valid() {
			v.add("job_type", "is not a known job type")
		}
		set["job_type"] = int(*u.JobType)
	}
	if u.Title != nil {
		t := strings.TrimSpace(*u.Title)
		v.required("title", t)
		v.maxChars("title", t, MaxTitleChars)
		set["title"] = t
	}
	if u.Description != nil {
		v.maxBytes("description", *u.Description, MaxDescriptionBytes)
		set["description"] = *u.Description
	}
	if u.Notes != nil {
		n := optString(u.Notes)
		if n != nil {
			n = u.Notes // keep the notes as typed, white space included
		}
		v.maxBytes("notes", deref(n), MaxNotesBytes)
		set["notes"] = n
	}
	if u.Location != nil {
		l := optString(u.Location)
		v.maxChars("location", deref(l), MaxTitleChars)
		set["location"] = l
	}
	if u.ApplicationURL != nil {
		a := optString(u.ApplicationURL)
		v.absURL("application_url", deref(a))
		set["application_url"] = a
	}
	if u.RequiredSkills != nil {
		l := u.RequiredSkills.clean()
		v.skills("required_skills", l)
		set["required_skills"] = l
	}
	switch {
	case u.ClearMatchScore:
		set["match_score"] = nil
	case u.MatchScore != nil:
		if *u.MatchScore < 0 || *u.MatchScore > 100 {
			v.add("match_score", "must be between 0 and 100")
		}
		set["match_score"] = *u.MatchScore
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if len(set) == 0 {
		return s.Job(ctx, userID, id)
	}
	set["updated_at"] = s.clock()

	var out *Job
	err := s.inTx(ctx, "update job", func(tx *gorm.DB) error {
		res := tx.Model(&Job{}).Scopes(ForUser(userID)).Where("id = ?", id).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound(fmt.Sprintf("job %d", id))
		}
		var err error
		out, err = jobTx(tx, userID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteJob deletes userID's job id, or returns ErrNotFound. Generated
// documents and quota history that referred to the job keep their rows with
// the job reference cleared.
func (s *Store) DeleteJob(ctx context.Context, userID, id int64) error {
	return s.deleteOwned(ctx, userID, id, "delete job", "job", ForUser(userID), &Job{})
}
