package models

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkListJobsRawSQL is the floor of BenchmarkListJobs on the same
// million-row file: the same two queries written by hand and run through
// database/sql on the read pool, without GORM: the count over the covering
// index, then one page of 20 jobs (every column) walking
// idx_jobs_user_id_created_at, with their companies in a second query, as
// Store.Jobs loads them. Rows are scanned into plain values.
func BenchmarkListJobsRawSQL(b *testing.B) {
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
	ctx := context.Background()
	u, err := NewStore(db).UserByUsername(ctx, "bench042")
	if err != nil {
		b.Fatal(err)
	}
	read, err := db.Read.DB()
	if err != nil {
		b.Fatal(err)
	}
	count, err := read.PrepareContext(ctx, `SELECT COUNT(*) FROM jobs WHERE user_id = ? AND status = ?`)
	if err != nil {
		b.Fatal(err)
	}
	defer count.Close()
	page, err := read.PrepareContext(ctx, `SELECT * FROM jobs INDEXED BY idx_jobs_user_id_created_at
		WHERE user_id = ? AND status = ? ORDER BY created_at DESC LIMIT 20`)
	if err != nil {
		b.Fatal(err)
	}
	defer page.Close()
	companies, err := read.PrepareContext(ctx, `SELECT id, name FROM companies WHERE id IN (SELECT value FROM json_each(?))`)
	if err != nil {
		b.Fatal(err)
	}
	defer companies.Close()
	status := int(JobStatusApplied)

	var times []time.Duration
	for b.Loop() {
		t0 := time.Now()
		var total int64
		if err := count.QueryRowContext(ctx, u.ID, status).Scan(&total); err != nil {
			b.Fatal(err)
		}
		rows, err := page.QueryContext(ctx, u.ID, status)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		companyCol := slices.Index(cols, "company_id")
		ids := []byte("[")
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			if n > 0 {
				ids = append(ids, ',')
			}
			ids = append(ids, []byte(toString(vals[companyCol]))...)
			n++
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
		ids = append(ids, ']')
		crows, err := companies.QueryContext(ctx, string(ids))
		if err != nil {
			b.Fatal(err)
		}
		for crows.Next() {
			var id int64
			var name string
			if err := crows.Scan(&id, &name); err != nil {
				b.Fatal(err)
			}
		}
		crows.Close()
		times = append(times, time.Since(t0))
		if n != DefaultJobsLimit || total < benchJobsPerUser/7 {
			b.Fatalf("%d jobs, total %d", n, total)
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns/op")
}

func toString(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case []byte:
		return string(x)
	case string:
		return x
	}
	return "0"
}
