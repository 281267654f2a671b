package browser_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/vega-ai/vega/models"
)

// jobPage is a job posting page with its description in JSON-LD;
// description is HTML, JSON-escaped here.
func jobPage(title, company, description string) string {
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "/", `\/`).Replace(description)
	return `<html><head><title>` + title + `</title><script type="application/ld+json">{"@context":"https://schema.org","@type":"JobPosting","title":"` +
		title + `","description":"` + esc + `","hiringOrganization":{"@type":"Organization","name":"` + company +
		`"},"employmentType":"FULL_TIME","jobLocation":{"@type":"Place","address":{"@type":"PostalAddress","addressLocality":"Berlin","addressCountry":"DE"}},"datePosted":"2025-01-01","skills":"Go, PostgreSQL, Kubernetes"}</script></head><body><h1>` +
		title + `</h1></body></html>`
}

const plainDescription = `<p>Acme is hiring to build and run the services behind our product. You will design APIs, write Go and SQL, and work with PostgreSQL, Redis and Kubernetes every day.</p><ul><li>Ship production services</li><li>Care about tests and observability</li></ul>`

// jobStatus reads a job's status from the database.
func jobStatus(t *testing.T, s *liveServer, user string, id int64) models.JobStatus {
	t.Helper()
	u, err := s.Store.UserByUsername(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	j, err := s.Store.Job(context.Background(), u.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return j.Status
}

func TestJobsInTheBrowser(t *testing.T) {
	s := startServer(t)
	tok := s.register(t, "alice", "correct horse battery")
	goID := s.capture(t, tok, "https://acme.test/jobs/1", jobPage("Senior Go engineer", "Acme", plainDescription))
	sreID := s.capture(t, tok, "https://initech.test/jobs/7", jobPage("Site reliability engineer", "Initech", plainDescription))
	s.capture(t, tok, "https://globex.test/careers/3", jobPage("Platform engineer", "Globex", plainDescription))
	ctx := newBrowser(t)
	signIn(t, ctx, s.URL, "alice", "correct horse battery")

	// Find the captured job with the search filter and open it.
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/jobs"),
		chromedp.WaitVisible(chromedp.CSS(`#f-q`)),
		chromedp.SendKeys(chromedp.CSS(`#f-q`), "Go engineer"),
		chromedp.Submit(chromedp.CSS(`#f-q`)),
	)
	if err == nil { // the results page, not the one the form was on
		err = waitForJS(ctx, `location.search.includes('q=') && !!document.querySelector('#found')`, 10*time.Second)
	}
	if err != nil {
		t.Fatal(err)
	}
	found, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#found`)))
	if err != nil || !strings.HasPrefix(found, "1 job found") {
		t.Fatalf("search found %q (%v)", found, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/jobs/`+strconv.FormatInt(goID, 10)+`"]`)),
	)
	if err == nil {
		err = waitForSelector(ctx, `#notes`, 10*time.Second)
	}
	if err != nil {
		t.Fatal(err)
	}
	if h1, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`))); h1 != "Senior Go engineer" {
		t.Fatalf("job page heading %q", h1)
	}

	// Edit the notes: typing saves them (htmx), and they survive a reload.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#notes`)),
		chromedp.SendKeys(chromedp.CSS(`#notes`), "Call Ana on Monday"),
		chromedp.WaitVisible(chromedp.CSS(`#notes-status .saved`)),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#notes`)),
	)
	if err != nil {
		t.Fatalf("notes: %v", err)
	}
	if notes, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#notes`))); err != nil || notes != "Call Ana on Monday" {
		t.Fatalf("notes after reload = %q (%v)", notes, err)
	}
	screenshot(t, ctx, "job-desktop", 1280, 800)
	screenshot(t, ctx, "job-phone", 390, 844)

	// Move a job on the board with its select, then another by dragging.
	goCard := fmt.Sprintf(`#card-%d`, goID)
	err = chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/jobs/board"),
		chromedp.WaitVisible(chromedp.CSS(goCard)),
		// Choosing the status moves the card at once (app.js submits the
		// form on change); the Move button is for keyboard and no-JS users.
		chromedp.SetValue(chromedp.CSS(goCard+` select`), "applied"),
	)
	if err == nil {
		err = waitForSelector(ctx, `.column[data-status="applied"] `+goCard, 10*time.Second)
	}
	if err != nil {
		t.Fatalf("move with the select: %v", err)
	}
	if st := jobStatus(t, s, "alice", goID); st != models.JobStatusApplied {
		t.Fatalf("after the move the job is %s", st)
	}
	sreCard := fmt.Sprintf(`#card-%d`, sreID)
	err = chromedp.Do(ctx,
		chromedp.DragAndDrop(chromedp.CSS(sreCard+` h3`), chromedp.CSS(`.column[data-status="interviewing"] h2`)),
		chromedp.WaitVisible(chromedp.CSS(`.column[data-status="interviewing"] `+sreCard)),
	)
	if err != nil {
		t.Fatalf("drag: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for jobStatus(t, s, "alice", sreID) != models.JobStatusInterviewing {
		if time.Now().After(deadline) {
			t.Fatalf("the dragged job was not saved as interviewing")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The move survives a reload.
	err = chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.column[data-status="applied"] `+goCard)))
	if err != nil {
		t.Fatalf("board after reload: %v", err)
	}
	screenshot(t, ctx, "board-desktop", 1280, 800)
	screenshot(t, ctx, "board-phone", 390, 844)

	for _, p := range []struct{ path, name, ready string }{
		{"/jobs", "jobs", `table.jobs`},
		{"/stats", "stats", `svg.chart`},
		{"/jobs/new", "add-job", `#c-url`},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready))); err != nil {
			t.Fatalf("%s: %v", p.path, err)
		}
		screenshot(t, ctx, p.name+"-desktop", 1280, 800)
		screenshot(t, ctx, p.name+"-phone", 390, 844)
	}
}

func TestHostileDescriptionRunsNothing(t *testing.T) {
	var hits atomic.Int64
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("window.__pwned = 'remote'"))
	}))
	defer evil.Close()

	s := startServer(t)
	tok := s.register(t, "mallory", "correct horse battery")
	hostile := `<p>We are hiring a Go engineer to build our product and work on APIs, services and databases every day with the team.</p>` +
		`<script>window.__pwned = 'script'; alert('script')</script>` +
		`<script src="` + evil.URL + `/s.js"></script>` +
		`<img src="` + evil.URL + `/x.png" onerror="window.__pwned='img'; alert('img')">` +
		`<a href="javascript:window.__pwned='link'">a scripted link</a>` +
		`<iframe src="` + evil.URL + `/frame" onload="window.__pwned='frame'"></iframe>` +
		`<style>@import url("` + evil.URL + `/s.css"); body { background: url("` + evil.URL + `/bg.png") }</style>` +
		`<p style="background:url(` + evil.URL + `/p.png)" onmouseover="window.__pwned='hover'">Hover me</p>` +
		`<svg onload="window.__pwned='svg'"><script>window.__pwned='svg2'</script></svg>` +
		`<object data="` + evil.URL + `/o"></object><link rel="stylesheet" href="` + evil.URL + `/l.css">`
	captured := s.capture(t, tok, "https://hostile.test/jobs/1", jobPage("Go engineer", "Evil Corp", hostile))
	// And the same HTML stored as is, as if the scraper had let it through:
	// the page sanitises again when it renders.
	u, err := s.Store.UserByUsername(context.Background(), "mallory")
	if err != nil {
		t.Fatal(err)
	}
	src := "https://hostile.test/jobs/2"
	stored, _, _, err := s.Store.SaveJobWith(context.Background(), u.ID,
		&models.Job{Title: "Raw hostile", Description: "Raw", SourceURL: &src}, "Evil Corp",
		models.SaveOptions{Details: &models.JobDetails{DescriptionHTML: hostile}})
	if err != nil {
		t.Fatal(err)
	}

	ctx := newBrowser(t)
	var mu sync.Mutex
	var dialogs, foreign []string
	var own int
	base, _ := url.Parse(s.URL)
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			dialogs = append(dialogs, e.Message)
		case *network.EventRequestWillBeSent:
			u, err := url.Parse(e.Request.URL)
			switch {
			case err == nil && u.Host == base.Host:
				own++
			case err == nil && (u.Scheme == "data" || u.Scheme == "about"):
			default:
				foreign = append(foreign, e.Request.URL)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s.URL, "mallory", "correct horse battery")
	for _, id := range []int64{captured, stored.ID} {
		err := chromedp.Do(ctx,
			chromedp.Navigate(fmt.Sprintf("%s/jobs/%d", s.URL, id)),
			chromedp.WaitVisible(chromedp.CSS(`.description`)),
			// Hover the paragraph and give anything time to fire.
			chromedp.ScrollIntoView(chromedp.CSS(`.description p`)),
			chromedp.Sleep(500*time.Millisecond),
		)
		if err != nil {
			t.Fatal(err)
		}
		pwned, err := chromedp.Run(ctx, chromedp.Evaluate[string](`typeof window.__pwned`))
		if err != nil || pwned != "undefined" {
			t.Errorf("job %d: typeof window.__pwned = %q (%v)", id, pwned, err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.description`)))
		if err != nil || !strings.Contains(text, "We are hiring a Go engineer") {
			t.Errorf("job %d: the description's text is missing: %q (%v)", id, text, err)
		}
		html, err := chromedp.Run(ctx, chromedp.InnerHTML(chromedp.CSS(`.description`)))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"<script", "onerror", "javascript:", "<iframe", "<style", "<svg", "<object", "<link", "style=", evil.URL} {
			if strings.Contains(html, bad) {
				t.Errorf("job %d: description holds %q", id, bad)
			}
		}
		screenshot(t, ctx, "hostile-job-desktop", 1280, 800)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) > 0 {
		t.Errorf("dialogs opened: %q", dialogs)
	}
	if len(foreign) > 0 {
		t.Errorf("requests to other origins: %q", foreign)
	}
	if own == 0 {
		t.Errorf("the network listener saw no request at all")
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the other origin got %d requests", n)
	}
}
