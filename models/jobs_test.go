package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/vega-ai/vega/migrations"
)

func TestSaveJobCreatesThenReturnsExisting(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	in := &Job{
		Title: " Backend Engineer ", Description: "Write Go.", Location: ptr("Remote"), JobType: JobTypeContract,
		SourceURL: ptr("https://boards.example/jobs/1"), RequiredSkills: StringList{"Go", "SQL"},
		MatchScore: ptr(80), Notes: ptr("  "),
	}
	j, created, err := s.SaveJob(ctx, u.ID, in, "  Acme   Corp ")
	if err != nil || !created {
		t.Fatalf("SaveJob = %v, %v", created, err)
	}
	if j.ID == 0 || j.UserID != u.ID || j.Title != "Backend Engineer" || j.Company == nil || j.Company.Name != "Acme Corp" ||
		j.CompanyID != j.Company.ID || j.Notes != nil || j.Status != JobStatusInterested || j.CreatedAt.IsZero() {
		t.Fatalf("saved job = %+v (company %+v)", j, j.Company)
	}
	if in.ID != 0 || in.Title != " Backend Engineer " {
		t.Errorf("SaveJob modified its argument: %+v", in)
	}

	// Same URL again: the stored job comes back unchanged.
	again, created, err := s.SaveJob(ctx, u.ID, &Job{Title: "Different title", SourceURL: ptr("https://boards.example/jobs/1")}, "Other Co")
	if err != nil || created {
		t.Fatalf("second SaveJob = %v, %v", created, err)
	}
	if again.ID != j.ID || again.Title != "Backend Engineer" || again.Company == nil || again.Company.Name != "Acme Corp" {
		t.Errorf("second SaveJob = %+v", again)
	}
	if _, err := s.CompanyByName(ctx, "Other Co"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a deduplicated save created its company: %v", err)
	}

	byURL, err := s.JobBySourceURL(ctx, u.ID, " https://boards.example/jobs/1 ")
	if err != nil || byURL.ID != j.ID || byURL.Company == nil {
		t.Errorf("JobBySourceURL = %+v, %v", byURL, err)
	}
	_, err = s.JobBySourceURL(ctx, u.ID, "https://boards.example/jobs/2")
	wantErr(t, err, ErrNotFound)

	// Jobs without a URL are never deduplicated; the company may come in job.Company.
	for range 2 {
		_, created, err := s.SaveJob(ctx, u.ID, &Job{Title: "Manual", Company: &Company{Name: "acme corp"}}, "")
		if err != nil || !created {
			t.Fatalf("manual SaveJob = %v, %v", created, err)
		}
	}
	_, total, _ := s.Jobs(ctx, u.ID, JobFilter{CompanyID: j.CompanyID})
	if total != 3 {
		t.Errorf("%d jobs at Acme Corp, want 3", total)
	}
}

func TestSaveJobValidates(t *testing.T) {
	s, db := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	tests := []struct {
		name    string
		job     Job
		company string
		field   string
	}{
		{"missing title", Job{}, "Acme", "title"},
		{"missing company", Job{Title: "T"}, " ", "company"},
		{"long title", Job{Title: strings.Repeat("t", MaxTitleChars+1)}, "Acme", "title"},
		{"huge description", Job{Title: "T", Description: strings.Repeat("d", MaxDescriptionBytes+1)}, "Acme", "description"},
		{"huge notes", Job{Title: "T", Notes: ptr(strings.Repeat("n", MaxNotesBytes+1))}, "Acme", "notes"},
		{"relative source url", Job{Title: "T", SourceURL: ptr("/jobs/1")}, "Acme", "source_url"},
		{"javascript application url", Job{Title: "T", ApplicationURL: ptr("javascript:alert(1)")}, "Acme", "application_url"},
		{"long url", Job{Title: "T", SourceURL: ptr("https://x.example/" + strings.Repeat("a", MaxURLChars))}, "Acme", "source_url"},
		{"score above 100", Job{Title: "T", MatchScore: ptr(101)}, "Acme", "match_score"},
		{"negative score", Job{Title: "T", MatchScore: ptr(-1)}, "Acme", "match_score"},
		{"unknown status", Job{Title: "T", Status: 9}, "Acme", "status"},
		{"unknown type", Job{Title: "T", JobType: -1}, "Acme", "job_type"},
		{"invalid UTF-8", Job{Title: "T\xff"}, "Acme", "title"},
		{"NUL in the description", Job{Title: "T", Description: "a\x00b"}, "Acme", "description"},
		{"NUL in the notes", Job{Title: "T", Notes: ptr("\x00")}, "Acme", "notes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := tt.job
			_, _, err := s.SaveJob(ctx, u.ID, &j, tt.company)
			wantFieldError(t, err, tt.field)
		})
	}
	var n int64
	db.Read.Model(&Job{}).Count(&n)
	if n != 0 {
		t.Errorf("%d jobs stored by invalid saves", n)
	}
	_, _, err := s.SaveJob(ctx, 0, &Job{Title: "T"}, "Acme")
	wantErr(t, err, ErrNoOwner)
	if errors.Is(err, ErrInvalid) {
		t.Error("ErrNoOwner matches ErrInvalid")
	}
}

func TestSaveJobConcurrentSameURL(t *testing.T) {
	s, db := newTestStore(t)
	u := mustCreateUser(t, s, "alice")
	const n = 20
	type result struct {
		id      int64
		created bool
		err     error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			j, created, err := s.SaveJob(context.Background(), u.ID,
				&Job{Title: fmt.Sprintf("Attempt %d", i), SourceURL: ptr("https://boards.example/jobs/42")},
				[]string{"NewCo", "newco", " NEWCO"}[i%3])
			results[i] = result{err: err, created: created}
			if err == nil {
				results[i].id = j.ID
			}
		}()
	}
	close(start)
	wg.Wait()
	createdCount := 0
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("goroutine %d: %v", i, r.err)
		}
		if r.id != results[0].id {
			t.Fatalf("goroutine %d got job %d, goroutine 0 got %d", i, r.id, results[0].id)
		}
		if r.created {
			createdCount++
		}
	}
	if createdCount != 1 {
		t.Errorf("%d callers saw created=true, want exactly 1", createdCount)
	}
	var jobs, companies int64
	db.Read.Model(&Job{}).Where("source_url = ?", "https://boards.example/jobs/42").Count(&jobs)
	db.Read.Model(&Company{}).Count(&companies)
	if jobs != 1 || companies != 1 {
		t.Errorf("%d jobs and %d companies, want 1 and 1", jobs, companies)
	}
}

func TestSaveJobSameURLForTwoUsers(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	alice := mustCreateUser(t, s, "alice")
	bob := mustCreateUser(t, s, "bob")
	const url = "https://boards.example/jobs/7"
	a := mustSaveJob(t, s, alice.ID, "Engineer", "Acme", url)
	b, created, err := s.SaveJob(ctx, bob.ID, &Job{Title: "Engineer", SourceURL: ptr(url)}, "ACME")
	if err != nil || !created {
		t.Fatalf("bob's SaveJob = %v, %v", created, err)
	}
	if a.ID == b.ID || a.CompanyID != b.CompanyID {
		t.Errorf("alice's job %d (company %d), bob's job %d (company %d): want two jobs, one company", a.ID, a.CompanyID, b.ID, b.CompanyID)
	}
	for _, u := range []*User{alice, bob} {
		if _, total, _ := s.Jobs(ctx, u.ID, JobFilter{}); total != 1 {
			t.Errorf("%s has %d jobs, want 1", u.Username, total)
		}
	}
}

func TestUpdateJob(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	j := mustSaveJob(t, s, u.ID, "Engineer", "Acme", "https://boards.example/1")
	time.Sleep(2 * time.Millisecond)

	skills := StringList{"Go", "Kubernetes"}
	got, err := s.UpdateJob(ctx, u.ID, j.ID, JobUpdate{
		Status: ptr(JobStatusInterviewing), Notes: ptr("Call on Monday"), Title: ptr(" Senior Engineer "),
		Location: ptr("Berlin"), JobType: ptr(JobTypeRemote), ApplicationURL: ptr("https://apply.example/1"),
		RequiredSkills: &skills, MatchScore: ptr(100), Description: ptr("New description"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != JobStatusInterviewing || deref(got.Notes) != "Call on Monday" || got.Title != "Senior Engineer" ||
		deref(got.Location) != "Berlin" || got.JobType != JobTypeRemote || deref(got.ApplicationURL) != "https://apply.example/1" ||
		len(got.RequiredSkills) != 2 || got.MatchScore == nil || *got.MatchScore != 100 || got.Description != "New description" ||
		got.Company == nil || got.Company.Name != "Acme" {
		t.Fatalf("updated job = %+v", got)
	}
	if !got.UpdatedAt.After(j.UpdatedAt) || !got.CreatedAt.Equal(j.CreatedAt) {
		t.Errorf("timestamps: created %v -> %v, updated %v -> %v", j.CreatedAt, got.CreatedAt, j.UpdatedAt, got.UpdatedAt)
	}

	// Clearing.
	got, err = s.UpdateJob(ctx, u.ID, j.ID, JobUpdate{Notes: ptr(""), Location: ptr(" "), ClearMatchScore: true})
	if err != nil || got.Notes != nil || got.Location != nil || got.MatchScore != nil || got.Status != JobStatusInterviewing {
		t.Errorf("after clearing = %+v, %v", got, err)
	}
	// No fields: unchanged.
	same, err := s.UpdateJob(ctx, u.ID, j.ID, JobUpdate{})
	if err != nil || !same.UpdatedAt.Equal(got.UpdatedAt) {
		t.Errorf("empty update = %+v, %v", same, err)
	}
	_, err = s.UpdateJob(ctx, u.ID, 9999, JobUpdate{Status: ptr(JobStatusApplied)})
	wantErr(t, err, ErrNotFound)
}

func TestMatchScoreAbove100IsRejected(t *testing.T) {
	s, db := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	j := mustSaveJob(t, s, u.ID, "Engineer", "Acme", "https://boards.example/1")

	t.Run("UpdateJob validates before the database", func(t *testing.T) {
		_, err := s.UpdateJob(ctx, u.ID, j.ID, JobUpdate{MatchScore: ptr(101), Status: ptr(JobStatusApplied)})
		wantFieldError(t, err, "match_score")
		got, _ := s.Job(ctx, u.ID, j.ID)
		if got.Status != JobStatusInterested || got.MatchScore != nil {
			t.Errorf("a rejected update changed the job: status %v, score %v", got.Status, got.MatchScore)
		}
	})
	t.Run("raw insert hits the CHECK constraint", func(t *testing.T) {
		err := db.Write.Exec(
			"INSERT INTO jobs (user_id, title, description, company_id, match_score) VALUES (?, 'x', 'y', ?, 101)",
			u.ID, j.CompanyID).Error
		if err == nil {
			t.Fatal("insert with match_score 101 succeeded")
		}
		if !strings.Contains(err.Error(), "CHECK constraint failed") && sqlState(err) != "23514" { // check_violation
			t.Errorf("error = %v, want a CHECK constraint failure", err)
		}
		translated := wrapDB("insert job", err)
		if !errors.Is(translated, ErrInvalid) || strings.Contains(translated.Error(), "CHECK") {
			t.Errorf("wrapDB = %q, want ErrInvalid without database text", translated)
		}
	})
}

func TestDeleteJobClearsReferences(t *testing.T) {
	s, db := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	j := mustSaveJob(t, s, u.ID, "Engineer", "Acme", "https://boards.example/1")
	doc := &GeneratedDocument{UserID: u.ID, JobID: &j.ID, DocumentType: "cv", Content: "x", Format: "html", CreatedAt: time.Now().UTC()}
	if err := db.Write.Create(doc).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteJob(ctx, u.ID, j.ID); err != nil {
		t.Fatal(err)
	}
	_, err := s.Job(ctx, u.ID, j.ID)
	wantErr(t, err, ErrNotFound)
	wantErr(t, s.DeleteJob(ctx, u.ID, j.ID), ErrNotFound)
	var got GeneratedDocument
	db.Read.First(&got, doc.ID)
	if got.ID != doc.ID || got.JobID != nil {
		t.Errorf("document after job deletion = %+v", got)
	}
	// The URL can be saved again.
	if _, created, err := s.SaveJob(ctx, u.ID, &Job{Title: "Again", SourceURL: j.SourceURL}, "Acme"); err != nil || !created {
		t.Errorf("re-saving a deleted URL = %v, %v", created, err)
	}
}

// seedJobs gives userID a known set of jobs, created one millisecond apart
// in this order.
func seedJobs(t *testing.T, s *Store, userID int64) map[string]*Job {
	t.Helper()
	ctx := context.Background()
	specs := []struct {
		title, company string
		status         JobStatus
		typ            JobType
		score          *int
		notes          string
		desc           string
	}{
		{"Go Engineer", "Acme", JobStatusApplied, JobTypeFullTime, ptr(90), "", "Build APIs"},
		{"Data Analyst", "Globex", JobStatusInterested, JobTypePartTime, ptr(40), "", "SQL and dashboards"},
		{"100% Remote SRE", "Initech", JobStatusApplied, JobTypeRemote, nil, "", "On call"},
		{"snake_case Fan", "Acme", JobStatusRejected, JobTypeContract, ptr(70), "", "Python"},
		{"Backslash \\ Wrangler", "Hooli", JobStatusInterviewing, JobTypeFullTime, ptr(55), "", "Escapes"},
		{"Product Manager", "Globex", JobStatusInterested, JobTypeFullTime, ptr(10), "met at the golang meetup", "Roadmaps"},
		{"Frontend Dev", "Umbrella", JobStatusOfferReceived, JobTypeFreelance, ptr(85), "", "React; 50%_off coupons"},
	}
	out := make(map[string]*Job, len(specs))
	for i, sp := range specs {
		j := &Job{Title: sp.title, Description: sp.desc, Status: sp.status, JobType: sp.typ, MatchScore: sp.score,
			SourceURL: ptr(fmt.Sprintf("https://boards.example/%d", i))}
		if sp.notes != "" {
			j.Notes = ptr(sp.notes)
		}
		saved, _, err := s.SaveJob(ctx, userID, j, sp.company)
		if err != nil {
			t.Fatalf("seed %q: %v", sp.title, err)
		}
		out[sp.title] = saved
		time.Sleep(time.Millisecond)
	}
	return out
}

func titles(jobs []Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.Title
	}
	return out
}

func TestJobsFilters(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	other := mustCreateUser(t, s, "mallory")
	seeded := seedJobs(t, s, u.ID)
	seedJobs(t, s, other.ID) // the same jobs for another user must never show up
	acme := seeded["Go Engineer"].CompanyID

	tests := []struct {
		name   string
		filter JobFilter
		want   []string // newest first
	}{
		{"all, newest first", JobFilter{}, []string{"Frontend Dev", "Product Manager", "Backslash \\ Wrangler", "snake_case Fan", "100% Remote SRE", "Data Analyst", "Go Engineer"}},
		{"one status", JobFilter{Statuses: []JobStatus{JobStatusApplied}}, []string{"100% Remote SRE", "Go Engineer"}},
		{"two statuses", JobFilter{Statuses: []JobStatus{JobStatusInterested, JobStatusRejected}}, []string{"Product Manager", "snake_case Fan", "Data Analyst"}},
		{"job types", JobFilter{JobTypes: []JobType{JobTypeRemote, JobTypeFreelance}}, []string{"Frontend Dev", "100% Remote SRE"}},
		{"company id", JobFilter{CompanyID: acme}, []string{"snake_case Fan", "Go Engineer"}},
		{"company name any case", JobFilter{CompanyName: " GLOBEX "}, []string{"Product Manager", "Data Analyst"}},
		{"min score", JobFilter{MinScore: ptr(70)}, []string{"Frontend Dev", "snake_case Fan", "Go Engineer"}},
		{"min score 0 drops unscored", JobFilter{MinScore: ptr(0), Statuses: []JobStatus{JobStatusApplied}}, []string{"Go Engineer"}},
		{"search title, any case", JobFilter{Query: "ENGINEER"}, []string{"Go Engineer"}},
		{"search company name", JobFilter{Query: "initech"}, []string{"100% Remote SRE"}},
		{"search description", JobFilter{Query: "dashboards"}, []string{"Data Analyst"}},
		{"search notes", JobFilter{Query: "golang"}, []string{"Product Manager"}},
		{"percent is literal", JobFilter{Query: "100%"}, []string{"100% Remote SRE"}},
		{"lone percent is literal", JobFilter{Query: "%"}, []string{"Frontend Dev", "100% Remote SRE"}},
		{"underscore is literal", JobFilter{Query: "_"}, []string{"Frontend Dev", "snake_case Fan"}},
		{"percent underscore is literal", JobFilter{Query: "%_"}, []string{"Frontend Dev"}},
		{"backslash is literal", JobFilter{Query: `\`}, []string{"Backslash \\ Wrangler"}},
		{"no match", JobFilter{Query: "zzz"}, []string{}},
		{"combined", JobFilter{Statuses: []JobStatus{JobStatusApplied, JobStatusRejected}, CompanyName: "acme", MinScore: ptr(80)}, []string{"Go Engineer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs, total, err := s.Jobs(ctx, u.ID, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := titles(jobs); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("titles = %q, want %q", got, tt.want)
			}
			if total != int64(len(tt.want)) {
				t.Errorf("total = %d, want %d", total, len(tt.want))
			}
			for _, j := range jobs {
				if j.UserID != u.ID || j.Company == nil || j.Company.ID != j.CompanyID {
					t.Errorf("job %+v: wrong owner or company not loaded", j)
				}
			}
		})
	}
}

func TestJobsSortingAndPaging(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	seeded := seedJobs(t, s, u.ID)
	// Touch the oldest job so it becomes the most recently updated.
	if _, err := s.UpdateJob(ctx, u.ID, seeded["Go Engineer"].ID, JobUpdate{Notes: ptr("touched")}); err != nil {
		t.Fatal(err)
	}
	newest := []string{"Frontend Dev", "Product Manager", "Backslash \\ Wrangler", "snake_case Fan", "100% Remote SRE", "Data Analyst", "Go Engineer"}
	reverse := func(in []string) []string {
		out := make([]string, len(in))
		for i, s := range in {
			out[len(in)-1-i] = s
		}
		return out
	}
	byTitle := []string{"100% Remote SRE", "Backslash \\ Wrangler", "Data Analyst", "Frontend Dev", "Go Engineer", "Product Manager", "snake_case Fan"}
	byUpdated := append([]string{"Go Engineer"}, newest[:6]...)
	tests := []struct {
		name   string
		filter JobFilter
		want   []string
	}{
		{"default is created_at desc", JobFilter{}, newest},
		{"created_at asc", JobFilter{Sort: JobSortCreatedAt}, reverse(newest)},
		{"created_at desc", JobFilter{Sort: JobSortCreatedAt, Desc: true}, newest},
		{"updated_at desc", JobFilter{Sort: JobSortUpdatedAt, Desc: true}, byUpdated},
		{"updated_at asc", JobFilter{Sort: JobSortUpdatedAt}, reverse(byUpdated)},
		{"title asc, case-insensitive", JobFilter{Sort: JobSortTitle}, byTitle},
		{"title desc", JobFilter{Sort: JobSortTitle, Desc: true}, reverse(byTitle)},
		{"match_score desc, unscored last", JobFilter{Sort: JobSortMatchScore, Desc: true},
			[]string{"Go Engineer", "Frontend Dev", "snake_case Fan", "Backslash \\ Wrangler", "Data Analyst", "Product Manager", "100% Remote SRE"}},
		{"match_score asc, unscored last", JobFilter{Sort: JobSortMatchScore},
			[]string{"Product Manager", "Data Analyst", "Backslash \\ Wrangler", "snake_case Fan", "Frontend Dev", "Go Engineer", "100% Remote SRE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs, total, err := s.Jobs(ctx, u.ID, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := titles(jobs); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("titles = %q, want %q", got, tt.want)
			}
			if total != 7 {
				t.Errorf("total = %d, want 7", total)
			}
		})
	}

	t.Run("pages cover the list once with the full total", func(t *testing.T) {
		var got []string
		for offset := 0; offset < 9; offset += 3 {
			jobs, total, err := s.Jobs(ctx, u.ID, JobFilter{Limit: 3, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			if total != 7 {
				t.Errorf("offset %d: total = %d, want 7", offset, total)
			}
			got = append(got, titles(jobs)...)
		}
		if strings.Join(got, "|") != strings.Join(newest, "|") {
			t.Errorf("paged titles = %q, want %q", got, newest)
		}
		jobs, total, err := s.Jobs(ctx, u.ID, JobFilter{Limit: 3, Offset: 50})
		if err != nil || len(jobs) != 0 || total != 7 {
			t.Errorf("past the end: %d jobs, total %d, %v", len(jobs), total, err)
		}
		jobs, total, _ = s.Jobs(ctx, u.ID, JobFilter{Limit: 2, Statuses: []JobStatus{JobStatusApplied, JobStatusInterested}})
		if len(jobs) != 2 || total != 4 {
			t.Errorf("filtered page: %d jobs, total %d; want 2 of 4", len(jobs), total)
		}
	})

	t.Run("invalid filters", func(t *testing.T) {
		for field, f := range map[string]JobFilter{
			"sort":      {Sort: "salary"},
			"status":    {Statuses: []JobStatus{7}},
			"job_type":  {JobTypes: []JobType{-2}},
			"limit":     {Limit: -1},
			"offset":    {Offset: -5},
			"min_score": {MinScore: ptr(101)},
			"q":         {Query: strings.Repeat("q", MaxQueryChars+1)},
		} {
			_, _, err := s.Jobs(ctx, u.ID, f)
			wantFieldError(t, err, field)
		}
	})
}

func TestJobsLimitDefaultsAndCap(t *testing.T) {
	s, db := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	c, _ := s.UpsertCompany(ctx, "Acme")
	err := db.Write.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 150)
		INSERT INTO jobs (user_id, title, description, company_id, created_at, updated_at)
		SELECT ?, 'Job ' || i, '', ?, ?, ? FROM n`, u.ID, c.ID, time.Now().UTC(), time.Now().UTC()).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ limit, want int }{{0, DefaultJobsLimit}, {5, 5}, {100, 100}, {1000, MaxJobsLimit}} {
		jobs, total, err := s.Jobs(ctx, u.ID, JobFilter{Limit: tt.limit})
		if err != nil || len(jobs) != tt.want || total != 150 {
			t.Errorf("Limit %d: %d jobs, total %d, %v; want %d of 150", tt.limit, len(jobs), total, err, tt.want)
		}
	}
}

// explainJobsPage returns the query plan of the page query for f, walking
// the created_at index or not (see jobsWhere).
func explainJobsPage(t testing.TB, db *DB, userID int64, f JobFilter, walkCreatedAt bool) []string {
	t.Helper()
	f, err := f.normalized()
	if err != nil {
		t.Fatal(err)
	}
	dry := db.Read.Session(&gorm.Session{DryRun: true})
	return explain(t, db, jobsPageQuery(dry, userID, f, walkCreatedAt).Find(&[]Job{}).Statement)
}

// explain returns the query plan of a statement built in a DryRun session.
func explain(t testing.TB, db *DB, stmt *gorm.Statement) []string {
	t.Helper()
	rows, err := db.Read.Raw("EXPLAIN QUERY PLAN "+stmt.SQL.String(), stmt.Vars...).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}

func TestJobsFirstPageByStatusUsesIndex(t *testing.T) {
	sqliteOnly(t, "reads SQLite's EXPLAIN QUERY PLAN")
	s, db := newTestStore(t)
	u := mustCreateUser(t, s, "alice")
	tests := []struct {
		filter JobFilter
		walk   bool
		index  string
	}{
		{JobFilter{Statuses: []JobStatus{JobStatusApplied}}, false, "idx_jobs_user_id_"},
		{JobFilter{Statuses: []JobStatus{JobStatusApplied}}, true, "idx_jobs_user_id_created_at"},
		{JobFilter{Statuses: []JobStatus{JobStatusApplied, JobStatusInterviewing}}, false, "idx_jobs_user_id_"},
		{JobFilter{Statuses: []JobStatus{JobStatusApplied, JobStatusInterviewing}}, true, "idx_jobs_user_id_created_at"},
		{JobFilter{}, false, "idx_jobs_user_id_created_at"},
	}
	for _, tt := range tests {
		joined := strings.Join(explainJobsPage(t, db, u.ID, tt.filter, tt.walk), "\n")
		if !strings.Contains(joined, "USING INDEX "+tt.index) {
			t.Errorf("filter %+v, walk %v: plan does not use %s*:\n%s", tt.filter, tt.walk, tt.index, joined)
		}
		if strings.Contains(joined, "SCAN jobs") {
			t.Errorf("filter %+v, walk %v: plan scans the table:\n%s", tt.filter, tt.walk, joined)
		}
		if tt.walk && strings.Contains(joined, "TEMP B-TREE FOR ORDER BY") {
			t.Errorf("filter %+v: walking the created_at index still sorts all matches:\n%s", tt.filter, joined)
		}
	}
}

func TestJobsStatusPagesAgreeAcrossPlans(t *testing.T) {
	s, db := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	other := mustCreateUser(t, s, "bob")
	c, _ := s.UpsertCompany(ctx, "Acme")
	// 600 jobs for each user, statuses alternating 0/1, one second apart.
	insert := `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 600)
		INSERT INTO jobs (user_id, title, description, company_id, status, created_at, updated_at)
		SELECT u.id, 'Job ' || n.i, '', ?, n.i % 2,
		       strftime('%Y-%m-%d %H:%M:%S', '2025-01-01', '+' || n.i || ' seconds') || '+00:00',
		       strftime('%Y-%m-%d %H:%M:%S', '2025-01-01', '+' || n.i || ' seconds') || '+00:00'
		FROM n CROSS JOIN (SELECT id FROM users WHERE id IN (?, ?)) u`
	if db.Dialect() == migrations.Postgres {
		insert = `INSERT INTO jobs (user_id, title, description, company_id, status, created_at, updated_at)
		SELECT u.id, 'Job ' || n.i, '', ?, n.i % 2,
		       TIMESTAMPTZ '2025-01-01 00:00:00+00' + n.i * INTERVAL '1 second',
		       TIMESTAMPTZ '2025-01-01 00:00:00+00' + n.i * INTERVAL '1 second'
		FROM generate_series(1, 600) AS n(i) CROSS JOIN (SELECT id FROM users WHERE id IN (?, ?)) u`
	}
	err := db.Write.Exec(insert, c.ID, u.ID, other.ID).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		filter JobFilter
		walk   bool // the plan Jobs should choose
		first  string
		total  int64
	}{
		{"many matches walk the created_at index", JobFilter{Statuses: []JobStatus{JobStatusApplied}}, true, "Job 599", 300},
		{"many matches, second page", JobFilter{Statuses: []JobStatus{JobStatusApplied}, Offset: 20}, true, "Job 559", 300},
		{"many matches, oldest first", JobFilter{Statuses: []JobStatus{JobStatusInterested}, Sort: JobSortCreatedAt}, true, "Job 2", 300},
		{"no matches", JobFilter{Statuses: []JobStatus{JobStatusRejected}}, false, "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := tt.filter.normalized()
			if got := jobsPlan(f, tt.total); got != tt.walk {
				t.Errorf("jobsPlan = %v, want %v", got, tt.walk)
			}
			jobs, total, err := s.Jobs(ctx, u.ID, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if total != tt.total {
				t.Errorf("total = %d, want %d", total, tt.total)
			}
			if tt.total == 0 {
				if len(jobs) != 0 {
					t.Errorf("got %d jobs, want none", len(jobs))
				}
				return
			}
			if len(jobs) != DefaultJobsLimit || jobs[0].Title != tt.first {
				t.Fatalf("page = %d jobs starting %q, want %d starting %q", len(jobs), titles(jobs)[0], DefaultJobsLimit, tt.first)
			}
			// The other plan returns the same page.
			var other []Job
			if err := jobsPageQuery(db.Read, u.ID, f, !tt.walk).Find(&other).Error; err != nil {
				t.Fatal(err)
			}
			if strings.Join(titles(jobs), "|") != strings.Join(titles(other), "|") {
				t.Errorf("plans disagree:\n%q\n%q", titles(jobs), titles(other))
			}
			for _, j := range jobs {
				if j.UserID != u.ID || !slices.Contains(f.Statuses, j.Status) {
					t.Errorf("job %d: user %d, status %v", j.ID, j.UserID, j.Status)
				}
			}
		})
	}
}

func TestCountJobsByStatus(t *testing.T) {
	s, _ := newTestStore(t)
	u := mustCreateUser(t, s, "alice")
	seedJobs(t, s, u.ID)
	got, err := s.CountJobsByStatus(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[JobStatus]int64{JobStatusApplied: 2, JobStatusInterested: 2, JobStatusRejected: 1, JobStatusInterviewing: 1, JobStatusOfferReceived: 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CountJobsByStatus = %v, want %v", got, want)
	}
}
