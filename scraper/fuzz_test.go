package scraper

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics or hangs, whatever the page.
func FuzzParse(f *testing.F) {
	for _, in := range goldenInputs(f) {
		b, err := os.ReadFile(in.path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(in.url, b)
	}
	files, _ := filepath.Glob("testdata/jobpages/jsonld/*.json")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add("https://jobs.example.com/j/1", wrapLD(string(b)))
	}
	f.Add("https://x.example/", []byte(`<script type="application/ld+json">{"@type":"JobPosting","title":"a",}</script>`))
	f.Fuzz(func(t *testing.T, u string, page []byte) {
		start := time.Now()
		j, err := Parse(u, page)
		if err == nil && (j == nil || j.Title == "") {
			t.Fatalf("nil error without a titled job")
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("Parse took %v on %d bytes", d, len(page))
		}
	})
}

// FuzzCanonicalURL checks that canonicalisation never panics and is idempotent.
func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{
		"https://au.linkedin.com/jobs/view/senior-engineer-at-heidi-4411867124?trk=x",
		"https://www.linkedin.com/jobs/search/?currentJobId=3912345678",
		"https://au.indeed.com/viewjob?jk=54f1f8af68d722d2&from=x",
		"https://jobs.lever.co/a/b/apply",
		"HTTP://X.example:80/a/../b?utm_source=x&b=%zz&a=1#f",
		"https://[::1]:443/x?q=1;2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := CanonicalURL(raw)
		if err != nil {
			return
		}
		again, err := CanonicalURL(c)
		if err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", c, raw, err)
		}
		if again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, c, again)
		}
	})
}
