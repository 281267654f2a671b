package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Limits on the extra fields of a captured job.
const (
	MaxDetailsTextChars     = 200 // workplace, dates, employer job id, site, currency, period
	MaxRemoteCountries      = 300
	MaxDescriptionHTMLBytes = 2 << 20
)

// Salary is a pay range as a job posting states it. Currency is an ISO 4217
// code; Period is hour, day, week, month or year.
type Salary struct {
	Min      float64 `json:"min,omitempty"`
	Max      float64 `json:"max,omitempty"`
	Currency string  `json:"currency,omitempty"`
	Period   string  `json:"period,omitempty"`
}

// JobDetails is what the scraper found about a job beyond the columns of
// jobs. It is stored as one JSON object per job in job_details and written
// in JSON with the job's own fields (every field is omitted when empty).
type JobDetails struct {
	DescriptionHTML string   `json:"description_html,omitempty"`
	Salary          *Salary  `json:"salary,omitempty"`
	Workplace       string   `json:"workplace,omitempty"` // remote, hybrid, onsite
	RemoteCountries []string `json:"remote_countries,omitempty"`
	DatePosted      string   `json:"date_posted,omitempty"`
	ValidThrough    string   `json:"valid_through,omitempty"`
	EmployerJobID   string   `json:"employer_job_id,omitempty"`
	Site            string   `json:"site,omitempty"` // which scraper rules read the page: linkedin, greenhouse, ..., generic
}

// IsZero reports whether d holds nothing worth storing.
func (d *JobDetails) IsZero() bool {
	return d == nil || (d.DescriptionHTML == "" && d.Salary == nil && d.Workplace == "" &&
		len(d.RemoteCountries) == 0 && d.DatePosted == "" && d.ValidThrough == "" &&
		d.EmployerJobID == "" && d.Site == "")
}

// validate bounds every field of d.
func (d *JobDetails) validate(v *validator) {
	if d == nil {
		return
	}
	v.maxBytes("description_html", d.DescriptionHTML, MaxDescriptionHTMLBytes)
	for name, val := range map[string]string{
		"workplace": d.Workplace, "date_posted": d.DatePosted, "valid_through": d.ValidThrough,
		"employer_job_id": d.EmployerJobID, "site": d.Site,
	} {
		v.maxChars(name, val, MaxDetailsTextChars)
	}
	if d.Salary != nil {
		v.maxChars("salary", d.Salary.Currency+d.Salary.Period, MaxDetailsTextChars)
	}
	if len(d.RemoteCountries) > MaxRemoteCountries {
		v.add("remote_countries", fmt.Sprintf("must have at most %d items", MaxRemoteCountries))
	}
	for _, c := range d.RemoteCountries {
		if !utf8.ValidString(c) || utf8.RuneCountInString(c) > MaxDetailsTextChars {
			v.add("remote_countries", fmt.Sprintf("items must be at most %d characters", MaxDetailsTextChars))
			break
		}
	}
}

// jobDetailsRow is a row of job_details.
type jobDetailsRow struct {
	JobID   int64   `gorm:"column:job_id;primaryKey;autoIncrement:false"`
	UserID  int64   `gorm:"column:user_id"`
	PageURL *string `gorm:"column:page_url"`
	Data    string  `gorm:"column:data"`
}

// TableName returns "job_details".
func (jobDetailsRow) TableName() string { return "job_details" }

// SaveOptions are the extras SaveJobWith stores with a new job.
type SaveOptions struct {
	// Details is stored in job_details with the job, in the same transaction.
	Details *JobDetails
	// PageURL is the address the job was captured from, when it differs from
	// the job's SourceURL (the scraper found a more specific one). JobByURL
	// finds the job by either.
	PageURL string
	// KeepTimestamps stores the job's CreatedAt and UpdatedAt when they are
	// set (an import), instead of the current time.
	KeepTimestamps bool
}

// ValidateJob checks a job and its company name as SaveJob would, without
// touching the database: nil, or a *ValidationError listing every field at
// fault. It lets an import check every row before saving any.
func ValidateJob(job *Job, companyName string, details *JobDetails) error {
	if job == nil {
		return invalidField("job", "is required")
	}
	row := *job
	var ve ValidationError
	if err := normalizeJob(&row); err != nil {
		for f, m := range err.(*ValidationError).Fields {
			ve.Add(f, m)
		}
	}
	if strings.TrimSpace(companyName) == "" && job.Company != nil {
		companyName = job.Company.Name
	}
	if err := validateCompanyName("company", NormalizeCompanyName(companyName)); err != nil {
		for f, m := range err.(*ValidationError).Fields {
			ve.Add(f, m)
		}
	}
	var v validator
	details.validate(&v)
	for f, m := range v.e.Fields {
		ve.Add(f, m)
	}
	return ve.errOrNil()
}

// SaveJobWith is SaveJob that also stores opt.Details and opt.PageURL in
// job_details, in the same transaction as a new job, so a job is never seen
// without its details. When the user already saved the job's SourceURL it
// changes nothing and returns the stored job and its stored details (nil if
// none) with created false.
func (s *Store) SaveJobWith(ctx context.Context, userID int64, job *Job, companyName string, opt SaveOptions) (*Job, *JobDetails, bool, error) {
	var v validator
	opt.Details.validate(&v)
	pageURL := strings.TrimSpace(opt.PageURL)
	v.absURL("page_url", pageURL)
	if err := v.err(); err != nil {
		return nil, nil, false, err
	}
	if job != nil && job.SourceURL != nil && strings.TrimSpace(*job.SourceURL) == pageURL {
		pageURL = ""
	}
	var stored *JobDetails
	onExisting := func(tx *gorm.DB, j *Job) error {
		m, err := jobDetailsTx(tx, userID, []int64{j.ID})
		stored = m[j.ID]
		return err
	}
	onInsert := func(tx *gorm.DB, j *Job) error {
		if opt.KeepTimestamps && !job.CreatedAt.IsZero() {
			created, updated := job.CreatedAt.UTC(), job.UpdatedAt.UTC()
			if updated.Before(created) {
				updated = created
			}
			if err := tx.Model(&Job{}).Where("id = ?", j.ID).
				Updates(map[string]any{"created_at": created, "updated_at": updated}).Error; err != nil {
				return err
			}
			j.CreatedAt, j.UpdatedAt = created, updated
		}
		if opt.Details.IsZero() && pageURL == "" {
			return nil
		}
		d := opt.Details
		if d == nil {
			d = &JobDetails{}
		}
		data, err := json.Marshal(d)
		if err != nil {
			return err
		}
		row := jobDetailsRow{JobID: j.ID, UserID: userID, Data: string(data)}
		if pageURL != "" {
			row.PageURL = &pageURL
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if !opt.Details.IsZero() {
			stored = opt.Details
		}
		return nil
	}
	out, created, err := s.saveJob(ctx, userID, job, companyName, onExisting, onInsert)
	if err != nil {
		return nil, nil, false, err
	}
	return out, stored, created, nil
}

// jobDetailsTx reads the details of userID's jobs ids; jobs without details
// are absent from the map.
func jobDetailsTx(db *gorm.DB, userID int64, ids []int64) (map[int64]*JobDetails, error) {
	out := make(map[int64]*JobDetails, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []jobDetailsRow
	if err := db.Scopes(ForUser(userID)).Where("job_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		var d JobDetails
		if err := json.Unmarshal([]byte(r.Data), &d); err != nil {
			return nil, fmt.Errorf("job %d details: %w", r.JobID, err)
		}
		if !d.IsZero() {
			out[r.JobID] = &d
		}
	}
	return out, nil
}

// JobDetailsFor returns the details of userID's jobs ids, by job id; a job
// without details, or not the user's, is absent.
func (s *Store) JobDetailsFor(ctx context.Context, userID int64, ids []int64) (map[int64]*JobDetails, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	m, err := jobDetailsTx(s.read(ctx), userID, ids)
	if err != nil {
		return nil, wrapDB("job details", err)
	}
	return m, nil
}

// JobByURL returns userID's job saved from url: the job whose SourceURL is
// url or, failing that, the newest job captured from a page at url (see
// SaveOptions.PageURL); with its Company loaded, or ErrNotFound. url is
// compared exactly after trimming: callers canonicalise it first.
func (s *Store) JobByURL(ctx context.Context, userID int64, url string) (*Job, error) {
	j, err := s.JobBySourceURL(ctx, userID, url)
	if err == nil || !isNotFound(err) {
		return j, err
	}
	url = strings.TrimSpace(url)
	var row jobDetailsRow
	err = findOne(s.read(ctx).Scopes(ForUser(userID)).Where("page_url = ?", url).Order("job_id DESC"), &row, "job")
	if err != nil {
		return nil, wrapDB("job by page url", err)
	}
	return s.Job(ctx, userID, row.JobID)
}

// WeekCount is the number of jobs a user saved in the week starting at
// WeekStart (a Monday, 00:00 UTC).
type WeekCount struct {
	WeekStart time.Time `json:"week_start"`
	Count     int64     `json:"count"`
}

// MaxStatsWeeks bounds the weeks JobsPerWeek reports.
const MaxStatsWeeks = 156

// weekStart returns the Monday 00:00 UTC starting t's week.
func weekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// JobsPerWeek returns how many jobs userID saved in each of the last weeks
// weeks (1 to MaxStatsWeeks, the current week included), oldest first, with
// zero for weeks without any.
func (s *Store) JobsPerWeek(ctx context.Context, userID int64, weeks int) ([]WeekCount, error) {
	if err := requireOwner(userID); err != nil {
		return nil, err
	}
	if weeks < 1 || weeks > MaxStatsWeeks {
		return nil, invalidField("weeks", fmt.Sprintf("must be between 1 and %d", MaxStatsWeeks))
	}
	first := weekStart(s.clock()).AddDate(0, 0, -7*(weeks-1))
	out := make([]WeekCount, weeks)
	for i := range out {
		out[i].WeekStart = first.AddDate(0, 0, 7*i)
	}
	var times []time.Time
	err := s.read(ctx).Model(&Job{}).Scopes(ForUser(userID)).Where("created_at >= ?", first).
		Pluck("created_at", &times).Error
	if err != nil {
		return nil, wrapDB("jobs per week", err)
	}
	for _, t := range times {
		i := int(weekStart(t).Sub(first) / (7 * 24 * time.Hour))
		if i >= 0 && i < weeks {
			out[i].Count++
		}
	}
	return out, nil
}
