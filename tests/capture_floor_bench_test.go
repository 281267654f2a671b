package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vega-ai/vega/internal/pgtest"
	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/scraper"
)

// benchPages are the pages the capture benchmarks post, with the URL
// pattern that gives each capture a new job.
var benchPages = []struct{ name, file, url string }{
	{"workday-36KB", "workday-medtronic-finance.html", "https://medtronic.wd1.myworkdayjobs.com/en-US/MedtronicCareers/job/Finance-Analyst_R63409-%d"},
	{"linkedin-286KB", "linkedin-guest-heidi.html", "https://www.linkedin.com/jobs/view/%d/"},
}

func readBenchPage(b *testing.B, file string) []byte {
	b.Helper()
	page, err := os.ReadFile(filepath.Join("..", "scraper", "testdata", "jobpages", file))
	if err != nil {
		b.Fatal(err)
	}
	return page
}

// BenchmarkCaptureEndToEnd posts a page to POST /api/jobs/capture of a
// server on loopback TCP and a SQLite file, one request at a time, each
// with a new URL: HTTP, JSON decoding, parsing, the duplicate check and the
// save with its details, and the answer. Compare with
// BenchmarkParsePlusInsert, its floor.
func BenchmarkCaptureEndToEnd(b *testing.B) {
	for _, p := range benchPages {
		b.Run(p.name, func(b *testing.B) {
			srv := startServer(b)
			tok := srv.signUp(b, "bench")
			page := readBenchPage(b, p.file)
			enc, _ := json.Marshal(string(page))
			b.SetBytes(int64(len(page)))
			n := 1_000_000_000
			for b.Loop() {
				n++
				u, _ := json.Marshal(fmt.Sprintf(p.url, n))
				body := append(append(append([]byte(`{"url":`), u...), `,"html":`...), enc...)
				body = append(body, '}')
				req, _ := http.NewRequest("POST", srv.URL+"/api/jobs/capture", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tok)
				resp, err := srv.client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 201 {
					b.Fatalf("capture %d: %d", n, resp.StatusCode)
				}
			}
		})
	}
}

// BenchmarkParsePlusInsert is the floor of a capture: scraper.Parse of the
// same page and one prepared INSERT INTO jobs of its title and description
// through database/sql on the same kind of database (a SQLite file in WAL
// mode, or PostgreSQL in the PostgreSQL pass; autocommit).
func BenchmarkParsePlusInsert(b *testing.B) {
	for _, p := range benchPages {
		b.Run(p.name, func(b *testing.B) {
			ctx := context.Background()
			opts := models.Options{Path: filepath.Join(b.TempDir(), "vega.db")}
			if pgtest.Postgres() {
				opts = models.Options{URL: pgtest.NewDatabase(b)}
			}
			db, err := models.Open(ctx, opts)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			s := models.NewStore(db)
			u := &models.User{Username: "bench", Role: models.RoleUser}
			if err := s.CreateUser(ctx, u); err != nil {
				b.Fatal(err)
			}
			c, err := s.UpsertCompany(ctx, "Acme")
			if err != nil {
				b.Fatal(err)
			}
			insert := `INSERT INTO jobs
				(user_id, title, description, company_id, source_url, required_skills, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, '[]', ?, ?)`
			if pgtest.Postgres() {
				insert = `INSERT INTO jobs
				(user_id, title, description, company_id, source_url, required_skills, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, '[]', $6, $7)`
			}
			stmt, err := db.SQLDB().PrepareContext(ctx, insert)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { stmt.Close() })
			page := readBenchPage(b, p.file)
			b.SetBytes(int64(len(page)))
			n := 1_000_000_000
			for b.Loop() {
				n++
				url := fmt.Sprintf(p.url, n)
				j, err := scraper.Parse(url, page)
				if err != nil {
					b.Fatal(err)
				}
				now := time.Now().UTC()
				if _, err := stmt.ExecContext(ctx, u.ID, j.Title, j.Description, c.ID, url, now, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
