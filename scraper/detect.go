package scraper

import (
	"bytes"
	"strings"
)

// challengeTitles are document titles of bot-check interstitials.
var challengeTitles = []string{
	"just a moment", "attention required! | cloudflare", "checking your browser",
	"please wait while we verify", "verify you are human", "are you a robot", "are you a human",
	"pardon our interruption", "human verification", "security check", "access to this page has been denied",
	"request blocked", "ddos-guard", "one more step", "bot verification", "robot check",
}

// challengeMarkers appear in the HTML of bot-check pages (Cloudflare, DataDome,
// PerimeterX, Imperva/Incapsula, Akamai, AWS WAF). Some also appear in normal
// pages, so they only decide when no job was found.
var challengeMarkers = [][]byte{
	[]byte("_cf_chl_opt"), []byte("/cdn-cgi/challenge-platform/h/"), []byte("challenges.cloudflare.com/turnstile"),
	[]byte("cf-browser-verification"), []byte("id=\"challenge-form\""), []byte("captcha-delivery.com"),
	[]byte("px-captcha"), []byte("_Incapsula_Resource"), []byte("Incapsula incident"),
	[]byte("awswaf"), []byte("sec-if-cpt-container"), []byte("Enable JavaScript and cookies to continue"),
}

// challengeTitle returns a reason when the document title is a bot check.
func (pg *page) challengeTitle() string {
	t := strings.ToLower(pg.title)
	if t == "" {
		return ""
	}
	for _, c := range challengeTitles {
		if strings.HasPrefix(t, c) || (len(c) > 14 && strings.Contains(t, c)) {
			return "page title \"" + pg.title + "\""
		}
	}
	return ""
}

func (pg *page) challengeMarker() string {
	for _, m := range challengeMarkers {
		if bytes.Contains(pg.raw, m) {
			return "bot-check script " + string(m)
		}
	}
	return ""
}

// loginWall returns a reason when the page asks the visitor to sign in.
func (pg *page) loginWall() string {
	path := strings.ToLower(pg.u.Path)
	for _, m := range []string{"/login", "/signin", "/sign-in", "/sign_in", "/authwall", "/uas/login", "/checkpoint", "/auth/", "/session", "/account/login", "/users/sign_in", "/sso"} {
		if strings.Contains(path, m) {
			return "sign-in address " + pg.u.Path
		}
	}
	t := strings.ToLower(pg.title)
	for _, m := range []string{"sign in", "sign-in", "log in", "login", "signin", "sign up", "join linkedin", "authentication required"} {
		if strings.Contains(t, m) {
			return "page title \"" + pg.title + "\""
		}
	}
	if pg.passwordInputs > 0 {
		return "the page shows a password field"
	}
	return ""
}

// searchLike reports whether the page URL is a search or listing page.
func (pg *page) searchLike() string {
	path := strings.ToLower(pg.u.Path)
	q := pg.u.Query()
	switch siteOfHost(pg.host) {
	case "linkedin":
		if strings.HasPrefix(path, "/jobs/search") || strings.HasPrefix(path, "/jobs/collections") || path == "/jobs" || path == "/jobs/" {
			return "LinkedIn job search"
		}
	case "indeed":
		if strings.HasPrefix(path, "/jobs") || strings.HasPrefix(path, "/q-") || strings.HasPrefix(path, "/m/jobs") {
			return "Indeed job search"
		}
	case "lever", "ashby", "greenhouse", "workable", "recruitee", "teamtailor":
		segs := strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
		if len(segs) <= 1 {
			return "job board index"
		}
	}
	if strings.Contains(path, "/search") {
		return "search address"
	}
	for _, k := range []string{"q", "query", "keywords", "keyword", "search", "what", "k"} {
		if q.Get(k) != "" {
			return "search address"
		}
	}
	return ""
}

// classify decides whether the merged job really is a job posting, and if not, why.
func (pg *page) classify(j *Job, strong, ambiguous bool, cands []*candidate) error {
	hasJob := j.Title != "" && (strong || pg.genericLooksLikeJob(j))
	if hasJob && !strong {
		// A weak (generic) reading on a page that lists many jobs is a list, not a job.
		if s := pg.searchLike(); s != "" && len(pg.jobLinks) >= 3 {
			return notJob(ReasonSearchResults, s)
		}
		if len(pg.jobLinks) >= 10 && len(j.Description) < 1500 {
			return notJob(ReasonSearchResults, "the page links to many jobs")
		}
	}
	if hasJob {
		return nil
	}
	if m := pg.challengeMarker(); m != "" && pg.bodyText < 3000 {
		return notJob(ReasonBotChallenge, m)
	}
	if w := pg.loginWall(); w != "" {
		return notJob(ReasonLoginWall, w)
	}
	if ambiguous {
		return notJob(ReasonSearchResults, "the page describes several different jobs")
	}
	if s := pg.searchLike(); s != "" {
		return notJob(ReasonSearchResults, s)
	}
	if len(pg.jobLinks) >= 5 {
		return notJob(ReasonSearchResults, "the page links to many jobs")
	}
	if pg.bodyText < 200 && len(j.Description) < 200 {
		return notJob(ReasonEmptyPage, "")
	}
	if j.Title == "" {
		return notJob(ReasonNoJobFound, "no job title")
	}
	return notJob(ReasonNoJobFound, "no job description")
}

// jobWords are phrases job descriptions use and other pages rarely combine.
var jobWords = []string{
	"responsibilit", "requirement", "qualification", "experience", "apply", "salary", "benefits",
	"you will", "you'll", "we are looking", "we're looking", "about the role", "about you",
	"what you", "skills", "the role", "job description", "employment", "candidate", "hiring",
	"full-time", "full time", "part-time", "contract", "compensation",
}

// genericLooksLikeJob accepts a job read only by the generic rules when it
// has a real description that talks like a job posting.
func (pg *page) genericLooksLikeJob(j *Job) bool {
	if len(j.Description) < 300 {
		return false
	}
	d := strings.ToLower(j.Description)
	if len(d) > 20000 {
		d = d[:20000]
	}
	hits := 0
	for _, w := range jobWords {
		if strings.Contains(d, w) {
			hits++
		}
	}
	return hits >= 3
}
