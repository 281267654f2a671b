package models

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/vega-ai/vega/migrations"
)

// BenchmarkSaveJob measures SaveJob (company upsert, dedupe check and insert
// in one IMMEDIATE transaction) on a WAL-mode file, each job with a new URL.
// Compare with BenchmarkRawInsert, the floor.
func BenchmarkSaveJob(b *testing.B) {
	s, _ := newTestStore(b)
	ctx := context.Background()
	u := mustCreateUser(b, s, "bench")
	desc := strings.Repeat("We are hiring. ", 40)
	i := 0
	for b.Loop() {
		i++
		url := fmt.Sprintf("https://boards.example/jobs/%d", i)
		_, created, err := s.SaveJob(ctx, u.ID, &Job{Title: "Engineer", Description: desc, SourceURL: &url}, "Acme")
		if err != nil || !created {
			b.Fatalf("SaveJob: %v, %v", created, err)
		}
	}
}

// BenchmarkRawInsert measures a prepared single-row INSERT INTO jobs through
// database/sql on the same kind of file (WAL, one autocommit transaction per
// row): the floor SaveJob is compared with.
func BenchmarkRawInsert(b *testing.B) {
	s, db := newTestStore(b)
	ctx := context.Background()
	u := mustCreateUser(b, s, "bench")
	c, err := s.UpsertCompany(ctx, "Acme")
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := db.SQLDB().PrepareContext(ctx, rebindForTest(db, `INSERT INTO jobs
		(user_id, title, description, company_id, source_url, required_skills, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, '[]', ?, ?)`))
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	desc := strings.Repeat("We are hiring. ", 40)
	i := 0
	for b.Loop() {
		i++
		now := time.Now().UTC()
		if _, err := stmt.ExecContext(ctx, u.ID, "Engineer", desc, c.ID, fmt.Sprintf("https://boards.example/jobs/%d", i), now, now); err != nil {
			b.Fatal(err)
		}
	}
}

// Sizes of the ListJobs data set: 100 users with 10,000 jobs each.
const (
	benchUsers       = 100
	benchJobsPerUser = 10_000
	// benchDataVersion keys the cached file; change it when the data or the
	// schema it needs changes.
	benchDataVersion = "v1"
)

// benchJobsDB returns the path of a migrated database holding the ListJobs
// data set, building it on first use and caching it under os.TempDir.
func benchJobsDB(b *testing.B) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("vega-bench-jobs-%s-%dx%d.db", benchDataVersion, benchUsers, benchJobsPerUser))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	start := time.Now()
	tmp := fmt.Sprintf("%s.building-%d", path, os.Getpid())
	ctx := context.Background()
	db, err := Open(ctx, Options{Path: tmp})
	if err != nil {
		b.Fatal(err)
	}
	fail := func(err error) {
		db.Close()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		b.Fatal(err)
	}
	w := db.Write.WithContext(ctx)
	// One statement each, so one transaction each; rows are interleaved
	// across users in time, as they would be in real use.
	steps := []struct {
		sql  string
		args []any
	}{
		{`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < ?)
		  INSERT INTO users (username, role, created_at, updated_at)
		  SELECT printf('bench%03d', i), 'user', '2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00:00' FROM n`,
			[]any{benchUsers}},
		{`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 500)
		  INSERT INTO companies (name, created_at, updated_at)
		  SELECT printf('Company %03d', i), '2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00:00' FROM n`, nil},
		{`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < ?)
		  INSERT INTO jobs (user_id, title, description, location, job_type, source_url, required_skills,
		                    company_id, status, match_score, created_at, updated_at)
		  SELECT u.id,
		         printf('Engineer %d', n.i),
		         printf('Job %d of user %d. We build things with Go and SQLite and care about tests, reviews and on-call.', n.i, u.id),
		         'Remote', n.i % 7,
		         printf('https://boards.example/%d/%d', u.id, n.i),
		         '["Go","SQL"]',
		         1 + (n.i * 7 + u.id) % 500,
		         (n.i + u.id) % 6,
		         CASE WHEN n.i % 3 = 0 THEN NULL ELSE (n.i * 13) % 101 END,
		         strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', printf('+%d seconds', n.i * 60 + u.id)) || '+00:00',
		         strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', printf('+%d seconds', n.i * 60 + u.id)) || '+00:00'
		  FROM n CROSS JOIN users u`,
			[]any{benchJobsPerUser}},
	}
	for _, st := range steps {
		if err := w.Exec(st.sql, st.args...).Error; err != nil {
			fail(err)
		}
	}
	var n int64
	if err := db.Read.Model(&Job{}).Count(&n).Error; err != nil || n != benchUsers*benchJobsPerUser {
		fail(fmt.Errorf("built %d jobs, %v", n, err))
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %s (%d jobs) in %v", path, n, time.Since(start).Round(time.Millisecond))
	return path
}

// BenchmarkListJobs lists one user's first page of jobs in one status,
// newest first, among 100 users x 10,000 jobs, and reports the median
// besides the mean. The query plan is printed with -v.
func BenchmarkListJobs(b *testing.B) {
	sqliteOnly(b, "the million-row data set is a cached SQLite file")
	if testing.Short() {
		b.Skip("builds a million-row database; skipped with -short")
	}
	path := benchJobsDB(b)
	db, err := Open(context.Background(), Options{Path: path})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	s := NewStore(db)
	ctx := context.Background()
	u, err := s.UserByUsername(ctx, "bench042")
	if err != nil {
		b.Fatal(err)
	}
	f := JobFilter{Statuses: []JobStatus{JobStatusApplied}}
	nf, _ := f.normalized()
	var matching int64
	if err := jobsCountQuery(db.Read, u.ID, nf).Count(&matching).Error; err != nil {
		b.Fatal(err)
	}
	var n int64
	countPlan := explain(b, db, jobsCountQuery(db.Read.Session(&gorm.Session{DryRun: true}), u.ID, nf).Count(&n).Statement)
	b.Logf("%d matching jobs; count query plan:\n  %s", matching, strings.Join(countPlan, "\n  "))
	b.Logf("page query plan:\n  %s", strings.Join(explainJobsPage(b, db, u.ID, f, jobsPlan(nf, matching)), "\n  "))

	var times []time.Duration
	for b.Loop() {
		t0 := time.Now()
		jobs, total, err := s.Jobs(ctx, u.ID, f)
		times = append(times, time.Since(t0))
		if err != nil || len(jobs) != DefaultJobsLimit || total < benchJobsPerUser/7 {
			b.Fatalf("Jobs: %d jobs, total %d, %v", len(jobs), total, err)
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns/op")
}

// rebindForTest rewrites the "?" placeholders of a hand-written statement
// as $1, $2, ... on PostgreSQL.
func rebindForTest(db *DB, query string) string {
	if db.Dialect() != migrations.Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
