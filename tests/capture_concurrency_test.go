package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// jobPage returns a small job page (schema.org JSON-LD) titled title.
func jobPage(title string) string {
	return `<html><head><title>` + title + `</title><script type="application/ld+json">{"@context":"https://schema.org","@type":"JobPosting","title":"` + title + `","description":"<p>We are hiring to build and run the services behind our product. You will design APIs, write Go and SQL, and work with PostgreSQL, Redis and Kubernetes every day.</p><p>You have shipped production services and care about tests.</p>","hiringOrganization":{"@type":"Organization","name":"Acme"},"employmentType":"FULL_TIME","datePosted":"2025-01-01"}</script></head><body><h1>` + title + `</h1></body></html>`
}

// TestConcurrentCapturesStoreOneRowPerUserAndURL sends 64 captures at once
// over HTTP to a server on a real SQLite file: 4 users, each capturing 8
// URLs twice (and one of them also a 290 KB corpus page). No answer is a
// 5xx, no log line says "database is locked", every (user, URL) ends with
// exactly one row, and exactly one of its two captures says created.
func TestConcurrentCapturesStoreOneRowPerUserAndURL(t *testing.T) {
	srv := startServer(t)
	heidi, err := os.ReadFile(filepath.Join("..", "scraper", "testdata", "jobpages", "linkedin-guest-heidi.html"))
	if err != nil {
		t.Fatal(err)
	}
	const users, urls = 4, 8
	tokens := make([]string, users)
	for i := range tokens {
		tokens[i] = srv.signUp(t, fmt.Sprintf("user%d", i))
	}
	type result struct {
		user, url int
		code      int
		body      []byte
	}
	results := make(chan result, users*urls*2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for u := 0; u < users; u++ {
		for n := 0; n < urls; n++ {
			for rep := 0; rep < 2; rep++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					req := map[string]any{"url": fmt.Sprintf("https://jobs.example.test/postings/%d?utm_source=x%d", n, rep), "html": jobPage(fmt.Sprintf("Engineer %d", n))}
					if n == 0 {
						req = map[string]any{"url": "https://www.linkedin.com/jobs/view/4411867124/", "html": string(heidi)}
					}
					<-start
					code, body := srv.call(t, "POST", "/api/jobs/capture", tokens[u], req)
					results <- result{u, n, code, body}
				}()
			}
		}
	}
	close(start)
	wg.Wait()
	close(results)

	created := map[[2]int]int{}
	for r := range results {
		if r.code != 200 && r.code != 201 {
			t.Errorf("user %d url %d: %d %s", r.user, r.url, r.code, r.body)
			continue
		}
		var res struct {
			Created bool `json:"created"`
			Job     struct {
				ID int64 `json:"id"`
			} `json:"job"`
		}
		if err := json.Unmarshal(r.body, &res); err != nil || res.Job.ID == 0 {
			t.Errorf("answer %s: %v", r.body, err)
		}
		if res.Created != (r.code == 201) {
			t.Errorf("created %t with status %d", res.Created, r.code)
		}
		if res.Created {
			created[[2]int{r.user, r.url}]++
		}
	}
	for u := 0; u < users; u++ {
		for n := 0; n < urls; n++ {
			if c := created[[2]int{u, n}]; c != 1 {
				t.Errorf("user %d url %d: %d captures said created, want 1", u, n, c)
			}
		}
	}
	var rows []struct {
		UserID    int64
		SourceURL string
		N         int
	}
	if err := srv.DB.Read.Raw(`SELECT user_id, source_url, count(*) AS n FROM jobs GROUP BY user_id, source_url`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != users*urls {
		t.Errorf("%d distinct (user, URL) rows, want %d", len(rows), users*urls)
	}
	for _, r := range rows {
		if r.N != 1 {
			t.Errorf("user %d has %d rows for %s", r.UserID, r.N, r.SourceURL)
		}
	}
	if logs := srv.Log.String(); strings.Contains(strings.ToLower(logs), "database is locked") || strings.Contains(logs, "level=ERROR") {
		t.Errorf("server logged errors:\n%s", logs)
	}
}
