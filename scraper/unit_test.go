package scraper

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func asNotJob(err error, target **NotJobPostingError) bool { return errors.As(err, target) }

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"lowercases scheme and host, drops default port and fragment", "HTTPS://Jobs.Example.COM:443/Role/42#apply", "https://jobs.example.com/Role/42"},
		{"removes tracking parameters and sorts the rest", "https://x.example/job?utm_source=li&b=2&fbclid=1&a=1&gclid=z&mc_cid=1&_hsenc=p", "https://x.example/job?a=1&b=2"},
		{"keeps a non-channel source parameter", "https://x.example/job?source=/feeds/42", "https://x.example/job?source=%2Ffeeds%2F42"},
		{"drops a channel source parameter", "https://x.example/job?source=LinkedIn&id=4", "https://x.example/job?id=4"},
		{"linkedin slug view", "https://au.linkedin.com/jobs/view/senior-engineer-at-heidi-4411867124?trk=public&refId=1", "https://www.linkedin.com/jobs/view/4411867124/"},
		{"linkedin currentJobId on search", "https://www.linkedin.com/jobs/search/?currentJobId=3912345678&keywords=go", "https://www.linkedin.com/jobs/view/3912345678/"},
		{"linkedin currentJobId on collections", "https://www.linkedin.com/jobs/collections/recommended/?currentJobId=3912345678", "https://www.linkedin.com/jobs/view/3912345678/"},
		{"linkedin id-only view", "http://linkedin.com/jobs/view/3912345678", "https://www.linkedin.com/jobs/view/3912345678/"},
		{"indeed keeps only jk", "https://au.indeed.com/viewjob?from=social&jk=54f1f8af68d722d2&tk=1", "https://au.indeed.com/viewjob?jk=54f1f8af68d722d2"},
		{"indeed search pane vjk", "https://www.indeed.com/jobs?q=go&vjk=abc123def", "https://www.indeed.com/viewjob?jk=abc123def"},
		{"lever apply page", "https://jobs.lever.co/highspot/f222ad5c-b7dd-43c4-9008-ee1a53174afa/apply?lever-source=LinkedIn", "https://jobs.lever.co/highspot/f222ad5c-b7dd-43c4-9008-ee1a53174afa"},
		{"greenhouse keeps job id, drops gh_src", "https://boards.greenhouse.io/acme/jobs/123?gh_src=abc&gh_jid=123", "https://boards.greenhouse.io/acme/jobs/123?gh_jid=123"},
		{"greenhouse embed keeps token", "https://boards.greenhouse.io/embed/job_app?token=5551234&for=acme", "https://boards.greenhouse.io/embed/job_app?for=acme&token=5551234"},
		{"ashby application tab", "https://jobs.ashbyhq.com/ramp/cc0af88a/application", "https://jobs.ashbyhq.com/ramp/cc0af88a"},
		{"drops user info", "https://user:pw@x.example/j/1", "https://x.example/j/1"},
		{"keeps a non-default port", "http://x.example:8080/j/1", "http://x.example:8080/j/1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CanonicalURL(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
			again, err := CanonicalURL(got)
			if err != nil || again != got {
				t.Errorf("not idempotent: %q -> %q (%v)", got, again, err)
			}
		})
	}
}

func TestCanonicalURLRejectsWhatIsNotAnHTTPURL(t *testing.T) {
	for _, in := range []string{"", "/jobs/1", "ftp://x.example/a", "javascript:alert(1)", "mailto:a@b.c", "https://", "http:///path"} {
		if _, err := CanonicalURL(in); !errors.Is(err, ErrInvalidURL) {
			t.Errorf("CanonicalURL(%q) err = %v, want ErrInvalidURL", in, err)
		}
	}
	if _, err := Parse("not a url", []byte("<html></html>")); !errors.Is(err, ErrInvalidURL) {
		t.Errorf("Parse with a bad URL: %v", err)
	}
}

func TestParseRefusesInputOverTheLimit(t *testing.T) {
	big := make([]byte, MaxInputBytes+1)
	if _, err := Parse("https://x.example/j/1", big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestJobTypeMapping(t *testing.T) {
	tests := map[string]string{
		"FULL_TIME": "full_time", "Full-time": "full_time", "Full time": "full_time", "Permanent": "full_time",
		"PART_TIME": "part_time", "Part-time": "part_time", "CONTRACTOR": "contract", "Contract/Temp": "contract",
		"TEMPORARY": "contract", "Fixed term": "contract", "INTERN": "intern", "Internship": "intern",
		"Apprenticeship": "intern", "Freelance": "freelance", "Remote": "remote", "VOLUNTEER": "other",
		"PER_DIEM": "other", "OTHER": "other", "Shift work": "other", "": "", "FullTime": "full_time",
	}
	for in, want := range tests {
		if got := mapJobType(in); got != want {
			t.Errorf("mapJobType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSalaryText(t *testing.T) {
	tests := []struct {
		in, host string
		want     *Salary
	}{
		{"$130,000 - $160,000 a year", "au.indeed.com", &Salary{Min: 130000, Max: 160000, Currency: "AUD", Period: "year"}},
		{"Target Base Salary $220K – $330K • Offers Equity", "jobs.ashbyhq.com", &Salary{Min: 220000, Max: 330000, Currency: "USD", Period: "year"}},
		{"£45k–£55k per annum", "x.co.uk", &Salary{Min: 45000, Max: 55000, Currency: "GBP", Period: "year"}},
		{"€25 per hour", "x.de", &Salary{Min: 25, Currency: "EUR", Period: "hour"}},
		{"Competitive", "x.com", nil},
	}
	for _, tt := range tests {
		got := parseSalaryText(tt.in, tt.host)
		if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
			t.Errorf("parseSalaryText(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestTitlePatterns(t *testing.T) {
	tests := []struct {
		in    string
		known []string
		want  titleParts
	}{
		{"Job Application for Backend Engineer at GitLab", nil, titleParts{title: "Backend Engineer", company: "GitLab"}},
		{"Heidi hiring Senior Engineer in Melbourne, Victoria, Australia | LinkedIn", nil, titleParts{title: "Senior Engineer", company: "Heidi", location: "Melbourne, Victoria, Australia"}},
		{"AI Partnerships Manager @ Ramp", nil, titleParts{title: "AI Partnerships Manager", company: "Ramp"}},
		{"Highspot - Principal Engineer", []string{"Principal Engineer"}, titleParts{title: "Principal Engineer", company: "Highspot"}},
		{"Architect - Huble - Application", nil, titleParts{title: "Architect", company: "Huble"}},
		{"Data Engineer | Contoso", nil, titleParts{title: "Data Engineer", company: "Contoso"}},
		{"Nurse at St. Mary's | Careers", nil, titleParts{title: "Nurse", company: "St. Mary's"}},
	}
	for _, tt := range tests {
		if got := splitTitle(tt.in, tt.known); got != tt.want {
			t.Errorf("splitTitle(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestDescriptionIsSanitisedAndHasParagraphs(t *testing.T) {
	raw := `<div onclick="x()"><h2>Role</h2><p>Build <em>things</em> with <a href="/docs">docs</a>.</p><script>evil()</script><style>p{}</style><iframe src="https://x"></iframe><ul><li>One</li><li>Two</li></ul><a href="javascript:alert(1)">bad</a></div>`
	h, text := buildDescription(raw, mustURL("https://x.example/jobs/1"))
	for _, bad := range []string{"onclick", "script", "evil", "<style", "iframe", "javascript:"} {
		if strings.Contains(h, bad) {
			t.Errorf("html keeps %q: %s", bad, h)
		}
	}
	if !strings.Contains(h, `<a href="https://x.example/docs" rel="nofollow noopener">docs</a>`) {
		t.Errorf("link not resolved and marked: %s", h)
	}
	want := "Role\n\nBuild things with docs.\n\n- One\n- Two\n\nbad"
	if text != want {
		t.Errorf("text = %q, want %q", text, want)
	}
}

func TestLenientJSON(t *testing.T) {
	tests := map[string]int{
		`{"a":1,}`:                  1,
		"<!-- {\"a\":\"x\ny\"} -->": 1,
		`{"a":1}{"b":2}`:            2,
		`{"a":1}` + "\n" + `[1,2,]`: 2,
		`{"a":"it\'s"}`:             1,
		`{"a":`:                     0,
	}
	for in, n := range tests {
		if got := len(decodeLenient(in)); got != n {
			t.Errorf("decodeLenient(%q) gave %d values, want %d", in, got, n)
		}
	}
}

func TestDeepNestingIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<html><head><title>Deep</title><script type="application/ld+json">`)
	b.WriteString(strings.Repeat(`{"x":[`, 5000))
	b.WriteString(strings.Repeat(`]}`, 5000))
	b.WriteString(`</script></head><body>`)
	b.WriteString(strings.Repeat("<div><span>", 240))
	b.WriteString("text")
	b.WriteString(strings.Repeat("</span></div>", 240))
	b.WriteString("</body></html>")
	_, err := Parse("https://x.example/j/1", []byte(b.String()))
	if !errors.Is(err, ErrNotJobPosting) {
		t.Fatalf("err = %v", err)
	}
	// Deeper than the HTML parser accepts: refused, not a panic.
	_, err = Parse("https://x.example/j/1", []byte(strings.Repeat("<div>", 20000)))
	if !errors.Is(err, ErrNotJobPosting) {
		t.Fatalf("err = %v", err)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestSkillsLeaveOutTheEmployersOwnName(t *testing.T) {
	page := `<html><head><title>Backend Engineer at GitLab</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"JobPosting","title":"Backend Engineer",
"hiringOrganization":{"@type":"Organization","name":"GitLab"},
"description":"<p>Work on GitLab, the DevSecOps platform, in Ruby and PostgreSQL with GraphQL APIs. We ship GitLab every month to millions of developers and need someone who loves backend work and testing.</p>"}</script>
</head><body></body></html>`
	job, err := Parse("https://job-boards.greenhouse.io/gitlab/jobs/1", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range job.Skills {
		if strings.EqualFold(s, "GitLab") {
			t.Fatalf("skills %v name the employer", job.Skills)
		}
	}
	if !slices.Contains(job.Skills, "Ruby") || !slices.Contains(job.Skills, "PostgreSQL") {
		t.Fatalf("skills %v miss the languages the posting names", job.Skills)
	}
}
