// Package scraper reads a job posting out of the HTML of a job page.
//
// The browser extension sends the rendered page (document.documentElement.outerHTML)
// and its URL; Parse turns them into a Job, or says why the page is not a job
// posting. Parse is pure: it performs no network or database access.
//
// Sources, most trusted first: schema.org JobPosting JSON-LD (and microdata),
// data the page embeds for its own app, rules for the job site the page is on,
// and a generic reading of meta tags, title patterns, headings and the main
// text block. Each field is taken from the most trusted source that has a
// sane value for it. See README.md for the details.
package scraper

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/html"

	"github.com/vega-ai/vega/scraper/skills"
)

// MaxInputBytes is the largest page Parse accepts.
const MaxInputBytes = 10 << 20

// ErrTooLarge is returned for input larger than MaxInputBytes.
var ErrTooLarge = errors.New("scraper: page larger than 10 MB")

// ErrNotJobPosting is matched (errors.Is) by every NotJobPostingError.
var ErrNotJobPosting = errors.New("not a job posting")

// ErrInvalidURL is returned (wrapped) for a URL that is not absolute http(s).
var ErrInvalidURL = errors.New("scraper: not an absolute http(s) URL")

// Reason says why a page is not a job posting.
type Reason string

// Reasons a page is not a job posting.
const (
	ReasonBotChallenge  Reason = "bot_challenge"
	ReasonLoginWall     Reason = "login_wall"
	ReasonSearchResults Reason = "search_results"
	ReasonEmptyPage     Reason = "empty_page"
	ReasonNoJobFound    Reason = "no_job_found"
)

// NotJobPostingError says why a page is not a job posting;
// errors.Is(err, ErrNotJobPosting) is true.
type NotJobPostingError struct {
	Reason Reason
	Detail string
}

// Error gives a human sentence.
func (e *NotJobPostingError) Error() string {
	var s string
	switch e.Reason {
	case ReasonBotChallenge:
		s = "not a job posting: the page is a bot check (such as Cloudflare's \"Just a moment...\"), not the job; pass the check in the browser and capture again"
	case ReasonLoginWall:
		s = "not a job posting: the page asks you to sign in before it shows the job; sign in and capture again"
	case ReasonSearchResults:
		s = "not a job posting: the page lists many jobs (search results or a job board); open one job and capture that"
	case ReasonEmptyPage:
		s = "not a job posting: the page is empty or has not finished loading"
	default:
		s = "not a job posting: no job title and description were found on the page"
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Unwrap makes errors.Is(err, ErrNotJobPosting) true.
func (e *NotJobPostingError) Unwrap() error { return ErrNotJobPosting }

func notJob(r Reason, detail string) error { return &NotJobPostingError{Reason: r, Detail: detail} }

// Salary is a pay range. Currency is an ISO 4217 code; Period is hour, day,
// week, month or year.
type Salary struct {
	Min      float64 `json:"min,omitempty"`
	Max      float64 `json:"max,omitempty"`
	Currency string  `json:"currency,omitempty"`
	Period   string  `json:"period,omitempty"`
}

// Job is a job posting read from a page.
type Job struct {
	Title           string   `json:"title"`
	Company         string   `json:"company"`
	Location        string   `json:"location,omitempty"`
	JobType         string   `json:"job_type,omitempty"` // full_time, part_time, contract, intern, remote, freelance, other; "" when unknown
	Description     string   `json:"description"`        // plain text, paragraphs separated by blank lines
	DescriptionHTML string   `json:"description_html"`   // sanitised HTML
	Skills          []string `json:"required_skills"`
	ApplicationURL  string   `json:"application_url"`
	SourceURL       string   `json:"source_url"` // canonical
	Salary          *Salary  `json:"salary,omitempty"`
	Workplace       string   `json:"workplace,omitempty"` // remote, hybrid, onsite
	RemoteCountries []string `json:"remote_countries,omitempty"`
	DatePosted      string   `json:"date_posted,omitempty"` // YYYY-MM-DD when parseable
	ValidThrough    string   `json:"valid_through,omitempty"`
	EmployerJobID   string   `json:"employer_job_id,omitempty"`
	Site            string   `json:"site"` // which rule set read it: linkedin, greenhouse, …, generic
}

// Source names, most trusted first.
const (
	srcJSONLD    = "jsonld"
	srcMicrodata = "microdata"
	srcEmbedded  = "embedded"
	srcSite      = "site"
	srcGeneric   = "generic"
)

// candidate is what one source says about the posting.
type candidate struct {
	source          string
	strong          bool // the source itself asserts that the page is one job posting
	title           string
	company         string
	location        string
	jobType         string
	workplace       string
	remoteCountries []string
	descHTML        string     // raw (unsanitised) HTML
	descPlain       string     // or plain text (paragraphs by blank lines)
	descNode        *html.Node // or a node whose children are the description
	descNodes       []*html.Node
	skills          []string
	externalApply   string // the real external application target
	applyURL        string // the site's own apply link
	url             string // the posting's own URL as the source states it
	canonicalURL    string // a more specific canonical URL known to the source
	salary          *Salary
	datePosted      string
	validThrough    string
	jobID           string
}

// Parse reads a job posting out of a page. Pure: no network, no database.
// It returns ErrTooLarge for input over MaxInputBytes, an error wrapping
// ErrInvalidURL for a bad pageURL, and a *NotJobPostingError when the page
// is not a job posting.
func Parse(pageURL string, page []byte) (*Job, error) {
	if len(page) > MaxInputBytes {
		return nil, ErrTooLarge
	}
	u, err := parseHTTPURL(pageURL)
	if err != nil {
		return nil, err
	}
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		// x/net/html refuses documents nested deeper than it supports; no job page is.
		return nil, notJob(ReasonNoJobFound, fmt.Sprintf("the page markup could not be read: %v", err))
	}
	pg := newPage(u, page, root)

	if why := pg.challengeTitle(); why != "" {
		return nil, notJob(ReasonBotChallenge, why)
	}

	var cands []*candidate
	ambiguousLD := false
	ld := collectJSONLD(pg.ldBlocks)
	var ldc *candidate
	if jp, amb := pg.pickPosting(ld); jp != nil {
		ldc = pg.fromJSONLD(jp, ld.ids)
		cands = append(cands, ldc)
	} else {
		ambiguousLD = amb
	}
	if md := pg.fromMicrodata(); md != nil {
		cands = append(cands, md)
	}
	if ldc == nil || ldc.title == "" || ldc.descHTML == "" || ldc.company == "" {
		if emb := pg.fromEmbedded(); emb != nil {
			cands = append(cands, emb)
		}
	}
	siteName, rule := pg.detectSite()
	if rule != nil {
		if sc := rule(pg); sc != nil {
			sc.source = srcSite
			cands = append(cands, sc)
		}
	}
	gen := pg.fromGeneric(cands)
	cands = append(cands, gen)

	job, strong := pg.merge(cands)
	if err := pg.classify(job, strong, ambiguousLD || ld.itemLists > 0 && ldc == nil, cands); err != nil {
		return nil, err
	}
	if siteName == "" {
		siteName = "generic"
	}
	job.Site = siteName
	return job, nil
}

// merge takes each field from the most trusted candidate that has a sane value.
func (pg *page) merge(cands []*candidate) (*Job, bool) {
	j := &Job{}
	strong := false
	for _, c := range cands {
		if c.strong && c.title != "" {
			strong = true
		}
	}
	// Company first: the title check compares against it.
	j.Company = mostTrusted(cands, func(c *candidate) string { return sanitizeCompany(c.company) })
	j.Title = mostTrusted(cands, func(c *candidate) string { return sanitizeTitle(c.title, j.Company) })
	j.Location = mostTrusted(cands, func(c *candidate) string {
		if len(c.location) > 300 {
			return ""
		}
		return cleanInline(c.location)
	})
	j.JobType = mostTrusted(cands, func(c *candidate) string { return c.jobType })
	j.Workplace = mostTrusted(cands, func(c *candidate) string { return c.workplace })
	if j.Workplace == "" {
		j.Workplace = mapWorkplaceFromLocation(j.Location)
	}
	if j.Workplace == "remote" {
		for _, c := range cands {
			if len(c.remoteCountries) > 0 {
				j.RemoteCountries = c.remoteCountries
				break
			}
		}
		if j.RemoteCountries == nil && strings.Contains(strings.ToLower(j.Location), "remote") {
			j.RemoteCountries = remoteCountriesFromLocation(j.Location)
		}
	}
	j.Salary = mostTrusted(cands, func(c *candidate) *Salary { return c.salary })
	j.DatePosted = mostTrusted(cands, func(c *candidate) string { return c.datePosted })
	j.ValidThrough = mostTrusted(cands, func(c *candidate) string { return c.validThrough })
	j.EmployerJobID = mostTrusted(cands, func(c *candidate) string {
		if len(c.jobID) > 100 {
			return ""
		}
		return c.jobID
	})

	pg.mergeDescription(j, cands)
	pg.mergeURLs(j, cands)

	var sk []string
	for _, c := range cands {
		sk = append(sk, c.skills...)
	}
	// The title names skills too ("Backend Engineer (Ruby)").
	sk = append(sk, skills.Find(j.Title+"\n\n"+j.Description)...)
	j.Skills = withoutEmployer(dedupeFold(sk), j.Company)
	return j, strong
}

// mergeDescription takes the most trusted description that is substantial
// (at least 200 characters of text), or else the longest.
func (pg *page) mergeDescription(j *Job, cands []*candidate) {
	type option struct {
		c *candidate
		n int
	}
	var opts []option
	for _, c := range cands {
		n := 0
		switch {
		case c.descHTML != "":
			n = approxTextLen(c.descHTML)
		case c.descPlain != "":
			n = approxTextLen(c.descPlain)
		case c.descNode != nil:
			n = approxNodeTextLen(c.descNode)
		case len(c.descNodes) > 0:
			for _, d := range c.descNodes {
				n += approxNodeTextLen(d)
			}
		default:
			continue
		}
		opts = append(opts, option{c, n})
	}
	best := -1
	for i, o := range opts {
		if o.n >= 200 {
			best = i
			break
		}
	}
	if best < 0 {
		for i, o := range opts {
			if best < 0 || o.n > opts[best].n {
				best = i
			}
		}
	}
	if best < 0 {
		return
	}
	c := opts[best].c
	raw := c.descHTML
	switch {
	case raw != "":
	case c.descPlain != "":
		raw = plainToHTML(c.descPlain)
	case c.descNode != nil:
		raw = renderChildren(c.descNode)
	default:
		var b strings.Builder
		for _, n := range c.descNodes {
			b.WriteString(renderNode(n))
		}
		raw = b.String()
	}
	j.DescriptionHTML, j.Description = buildDescription(raw, pg.u)
}

// mergeURLs sets the canonical source URL and the application URL.
func (pg *page) mergeURLs(j *Job, cands []*candidate) {
	src := pg.canon
	better := func(raw string) {
		if raw == "" {
			return
		}
		abs := resolveURL(pg.u, raw)
		if abs == "" {
			return
		}
		cu, err := CanonicalURL(abs)
		if err != nil {
			return
		}
		cuu, _ := parseHTTPURL(cu)
		if cuu == nil || !sameSite(cuu.Hostname(), pg.host) || cuu.Path == "" || cuu.Path == "/" {
			return
		}
		if specificity(cu) > specificity(src) {
			src = cu
		}
	}
	for _, c := range cands {
		better(c.canonicalURL)
	}
	for _, l := range pg.canonLinks {
		better(l)
	}
	better(pg.meta["og:url"])
	j.SourceURL = src

	// The real external target, then the site's apply link, then JSON-LD's
	// url, then the page itself.
	j.ApplicationURL = cmp.Or(
		mostTrusted(cands, func(c *candidate) string { return c.externalApply }),
		mostTrusted(cands, func(c *candidate) string { return c.applyURL }),
		mostTrusted(cands, func(c *candidate) string { return c.url }),
		src)
}

func dedupeFold(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}

// mostTrusted returns the first non-zero value pick finds among the candidates,
// which come in order of trust: each field comes from the most trustworthy
// source that has it.
func mostTrusted[T comparable](cands []*candidate, pick func(*candidate) T) T {
	var zero T
	for _, c := range cands {
		if v := pick(c); v != zero {
			return v
		}
	}
	return zero
}

// withoutEmployer drops the hiring company's own name from the skills: a
// GitLab posting names GitLab everywhere, which says nothing about what the
// applicant must know.
func withoutEmployer(sk []string, company string) []string {
	company = strings.TrimSpace(company)
	if company == "" {
		return sk
	}
	out := sk[:0]
	for _, s := range sk {
		if !strings.EqualFold(s, company) {
			out = append(out, s)
		}
	}
	return out
}

// badTitles are headings that name a page, not a job.
var badTitles = map[string]bool{
	"careers": true, "career": true, "jobs": true, "job": true, "home": true, "apply": true,
	"apply now": true, "application": true, "job application": true, "job details": true,
	"job description": true, "job posting": true, "open positions": true, "open roles": true,
	"current openings": true, "join us": true, "join our team": true, "we're hiring": true,
	"we are hiring": true, "work with us": true, "about the job": true, "about us": true,
	"linkedin": true, "indeed": true, "sign in": true, "log in": true, "login": true,
	"just a moment...": true, "page not found": true, "404": true, "error": true, "loading...": true,
	"search results": true, "job search": true, "overview": true, "untitled": true,
}

// sanitizeTitle cleans a title and rejects page names and the company name.
func sanitizeTitle(t, company string) string {
	t = cleanInline(t)
	t = strings.TrimSuffix(t, " - job post")
	if t == "" || len(t) > 250 {
		return ""
	}
	low := strings.ToLower(t)
	if badTitles[low] || (company != "" && strings.EqualFold(t, company)) {
		return ""
	}
	if strings.HasSuffix(low, " careers") || strings.HasSuffix(low, " jobs") && len(strings.Fields(low)) <= 2 {
		return ""
	}
	return t
}

// platformNames are job sites and ATS vendors: never the hiring company.
var platformNames = map[string]bool{
	"linkedin": true, "indeed": true, "indeed.com": true, "glassdoor": true, "greenhouse": true,
	"lever": true, "workday": true, "ashby": true, "workable": true, "smartrecruiters": true,
	"seek": true, "recruitee": true, "teamtailor": true, "careers": true, "jobs": true, "job": true,
	"home": true, "apply": true, "application": true, "logo": true, "company logo": true,
	"myworkdayjobs": true, "ziprecruiter": true, "monster": true, "jobs at": true,
}

// sanitizeCompany cleans a company name and rejects job-site names.
func sanitizeCompany(c string) string {
	c = cleanInline(c)
	c = strings.TrimPrefix(c, "at ")
	c = strings.TrimSuffix(c, " logo")
	c = strings.TrimSuffix(c, " Logo")
	c = strings.TrimSpace(c)
	if c == "" || len(c) > 120 || platformNames[strings.ToLower(c)] {
		return ""
	}
	return c
}

// mapWorkplaceFromLocation reads "Remote" in a location ("Remote, Canada").
func mapWorkplaceFromLocation(loc string) string {
	l := strings.ToLower(loc)
	switch {
	case strings.Contains(l, "hybrid"):
		return "hybrid"
	case strings.Contains(l, "remote"):
		return "remote"
	}
	return ""
}

// remoteCountriesFromLocation reads the countries named next to "Remote" in a
// location such as "Remote, Canada" or "Remote - UK; Remote - Ireland".
func remoteCountriesFromLocation(loc string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(loc, func(r rune) bool {
		return r == ',' || r == ';' || r == '|' || r == '(' || r == ')' || r == '/' || r == '-' || r == '–'
	}) {
		p := strings.TrimSpace(part)
		if strings.EqualFold(p, "remote") || p == "" {
			continue
		}
		p = strings.TrimSpace(strings.TrimPrefix(strings.TrimSuffix(p, " Remote"), "Remote "))
		if n, ok := isCountry(p); ok {
			out = append(out, n)
		} else if n, ok := countries[strings.ToUpper(p)]; ok && len(p) == 2 && strings.ToUpper(p) == p {
			out = append(out, n)
		}
	}
	return dedupeFoldNil(out)
}

func dedupeFoldNil(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	return dedupeFold(in)
}
