package scraper

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that only say how a visitor arrived.
// They are removed from canonical URLs. Keys are compared case-insensitively.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "mc_cid": true, "mc_eid": true, "yclid": true, "twclid": true,
	"ttclid": true, "li_fat_id": true, "igshid": true, "_ga": true, "_gl": true,
	"_hsenc": true, "_hsmi": true, "__hssc": true, "__hstc": true, "__hsfp": true,
	"hsctatracking": true, "mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true,
	"vero_id": true, "vero_conv": true, "spm": true,
	"trk": true, "trkinfo": true, "trackingid": true, "refid": true, "lipi": true,
	"midtoken": true, "midsig": true, "ebp": true, "originalsubdomain": true,
	"recommendedflavor": true, "alternatechannel": true, "lici": true,
	"gh_src": true, "lever-source": true, "lever-source[]": true, "lever-origin": true,
	"lever-via": true, "ref": true, "referrer": true, "referer": true, "ref_src": true,
	"ref_url": true, "share_id": true, "shared_from": true, "from_share": true,
	"trid": true,
}

// channelValues are values of a generic "source"/"src" parameter that name a
// traffic channel rather than content; only then is the parameter dropped.
var channelValues = map[string]bool{
	"linkedin": true, "indeed": true, "glassdoor": true, "google": true, "google_jobs_apply": true,
	"googlejobs": true, "google_jobs": true, "facebook": true, "fb": true, "twitter": true, "x": true,
	"instagram": true, "email": true, "newsletter": true, "share": true, "social": true, "copy": true,
	"copy_link": true, "website": true, "careers": true, "careers_page": true, "careerspage": true,
	"career_site": true, "careersite": true, "jobboard": true, "job_board": true, "direct": true,
	"organic": true, "rss": true, "feed": true, "referral": true, "jobs": true, "ziprecruiter": true,
	"monster": true, "otta": true, "welcometothejungle": true, "wellfound": true, "angellist": true,
	"builtin": true, "hn": true, "hackernews": true, "reddit": true, "slack": true, "seek": true,
	"stepstone": true, "xing": true, "jobs_page": true, "homepage": true,
}

// CanonicalURL returns the canonical form of a job page URL (used wherever URLs are compared):
// scheme and host lowercased, default port, fragment and user info dropped, tracking
// parameters removed, remaining parameters sorted, and known job sites reduced to the
// form that identifies one posting (LinkedIn /jobs/view/<id>/, Indeed viewjob?jk=…,
// Lever and Ashby postings without their application suffix).
// It returns an error wrapping ErrInvalidURL when raw is not an absolute http(s) URL, or
// when its canonical form (escaped) is longer than maxURLBytes, so that a canonical URL
// always parses again.
func CanonicalURL(raw string) (string, error) {
	u, err := parseHTTPURL(raw)
	if err != nil {
		return "", err
	}
	c := canonicalize(u)
	if len(c) > maxURLBytes {
		return "", fmt.Errorf("%w: too long once escaped", ErrInvalidURL)
	}
	return c, nil
}

// maxURLBytes bounds a URL, as given and as canonicalised.
const maxURLBytes = 8192

// parseHTTPURL parses raw and checks that it is an absolute http(s) URL with a host.
func parseHTTPURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidURL)
	}
	if len(raw) > maxURLBytes {
		return nil, fmt.Errorf("%w: too long", ErrInvalidURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidURL, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return nil, fmt.Errorf("%w: scheme %q", ErrInvalidURL, u.Scheme)
	}
	if u.Opaque != "" || strings.Trim(u.Hostname(), ".") == "" {
		return nil, fmt.Errorf("%w: no host", ErrInvalidURL)
	}
	u.Scheme = scheme
	return u, nil
}

// canonicalize implements CanonicalURL on a parsed, validated URL. It does not
// modify u.
func canonicalize(in *url.URL) string {
	u := *in
	u.User = nil
	u.Fragment = ""
	u.RawFragment = ""
	host := strings.TrimRight(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	params := splitQuery(u.RawQuery)

	switch siteOfHost(u.Hostname()) {
	case "linkedin":
		if id := linkedInJobID(path, params); id != "" {
			return "https://www.linkedin.com/jobs/view/" + id + "/"
		}
		u.Scheme = "https"
		u.Host = "www.linkedin.com"
	case "indeed":
		if jk := paramValue(params, "jk"); jk != "" && isToken(jk) {
			return u.Scheme + "://" + u.Host + "/viewjob?jk=" + jk
		}
		if vjk := paramValue(params, "vjk"); vjk != "" && isToken(vjk) {
			return u.Scheme + "://" + u.Host + "/viewjob?jk=" + vjk
		}
	case "lever":
		path = trimPathSuffix(path, "/apply", "/thanks")
	case "ashby":
		path = trimPathSuffix(path, "/application")
	case "workable":
		path = trimPathSuffix(path, "/apply")
	case "smartrecruiters":
		path = trimPathSuffix(path, "/apply")
	case "seek":
		if m := reSeekID.FindStringSubmatch(path); m != nil {
			return u.Scheme + "://" + u.Host + "/job/" + m[1]
		}
	}

	kept := params[:0]
	for _, p := range params {
		if isTrackingParam(p.key, p.value) {
			continue
		}
		kept = append(kept, p)
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].key != kept[j].key {
			return kept[i].key < kept[j].key
		}
		return kept[i].raw < kept[j].raw
	})
	var b strings.Builder
	b.WriteString(u.Scheme)
	b.WriteString("://")
	b.WriteString(u.Host)
	b.WriteString(path)
	for i, p := range kept {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(p.raw)
	}
	return b.String()
}

type queryParam struct {
	key   string // unescaped, lowercased
	value string // unescaped
	raw   string // as written, re-escaped where needed
}

// splitQuery splits a raw query leniently (no failure on bad escapes) and
// normalises each part's escaping so that canonicalisation is idempotent.
func splitQuery(raw string) []queryParam {
	if raw == "" {
		return nil
	}
	var out []queryParam
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, hasEq := strings.Cut(part, "=")
		uk, err := url.QueryUnescape(k)
		if err != nil {
			uk = k
		}
		if uk == "" {
			continue
		}
		uv, err := url.QueryUnescape(v)
		if err != nil {
			uv = v
		}
		r := url.QueryEscape(uk)
		if hasEq {
			r += "=" + url.QueryEscape(uv)
		}
		out = append(out, queryParam{key: strings.ToLower(uk), value: uv, raw: r})
	}
	return out
}

func paramValue(params []queryParam, key string) string {
	for _, p := range params {
		if p.key == key {
			return p.value
		}
	}
	return ""
}

func isTrackingParam(key, value string) bool {
	if strings.HasPrefix(key, "utm_") || strings.HasPrefix(key, "hsa_") || strings.HasPrefix(key, "pk_") || strings.HasPrefix(key, "mtm_") {
		return true
	}
	if trackingParams[key] {
		return true
	}
	switch key {
	case "source", "src", "utm", "channel", "referral_source", "ref_source":
		return channelValues[strings.ToLower(strings.TrimSpace(value))]
	}
	return false
}

// linkedInJobID finds the numeric job id in a LinkedIn URL: /jobs/view/<slug>-<id>,
// /jobs/view/<id>, or a currentJobId parameter on search and collection pages.
func linkedInJobID(path string, params []queryParam) string {
	if id := paramValue(params, "currentjobid"); isDigits(id) && len(id) >= 5 {
		return id
	}
	p := strings.ToLower(path)
	i := strings.Index(p, "/jobs/view/")
	if i < 0 {
		return ""
	}
	rest := path[i+len("/jobs/view/"):]
	seg, _, _ := strings.Cut(rest, "/")
	if seg == "externalApply" || seg == "externalapply" {
		seg, _, _ = strings.Cut(rest[len(seg)+1:], "/")
	}
	// The id is the trailing run of digits of the segment.
	j := len(seg)
	for j > 0 && seg[j-1] >= '0' && seg[j-1] <= '9' {
		j--
	}
	id := seg[j:]
	if len(id) < 5 || (j > 0 && seg[j-1] != '-') {
		return ""
	}
	return id
}

// trimPathSuffix removes, repeatedly, any of the given final path segments
// ("/apply") together with a trailing slash.
func trimPathSuffix(path string, suffixes ...string) string {
	for changed := true; changed; {
		changed = false
		for _, s := range suffixes {
			t := strings.TrimSuffix(path, "/")
			if strings.HasSuffix(strings.ToLower(t), s) && len(t) > len(s) {
				path = t[:len(t)-len(s)]
				changed = true
			}
		}
	}
	return path
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isToken reports whether s is a plain identifier (letters, digits, - and _).
func isToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// siteOfHost names the job site a host belongs to, or "" for any other host.
func siteOfHost(host string) string {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	switch {
	case h == "linkedin.com" || strings.HasSuffix(h, ".linkedin.com"):
		return "linkedin"
	case isIndeedHost(h):
		return "indeed"
	case h == "greenhouse.io" || strings.HasSuffix(h, ".greenhouse.io"):
		return "greenhouse"
	case h == "lever.co" || strings.HasSuffix(h, ".lever.co"):
		return "lever"
	case h == "jobs.ashbyhq.com" || strings.HasSuffix(h, ".ashbyhq.com"):
		return "ashby"
	case strings.HasSuffix(h, ".myworkdayjobs.com") || strings.HasSuffix(h, ".myworkdaysite.com") || strings.HasSuffix(h, ".myworkday.com"):
		return "workday"
	case h == "workable.com" || strings.HasSuffix(h, ".workable.com"):
		return "workable"
	case strings.HasSuffix(h, ".smartrecruiters.com"):
		return "smartrecruiters"
	case h == "seek.com.au" || strings.HasSuffix(h, ".seek.com.au") || h == "seek.co.nz" || strings.HasSuffix(h, ".seek.co.nz"):
		return "seek"
	case strings.HasSuffix(h, ".recruitee.com"):
		return "recruitee"
	case strings.HasSuffix(h, ".teamtailor.com"):
		return "teamtailor"
	}
	return ""
}

// isIndeedHost matches indeed.com, au.indeed.com, indeed.co.uk, de.indeed.com, …
func isIndeedHost(h string) bool {
	h = strings.TrimPrefix(h, "www.")
	labels := strings.Split(h, ".")
	for i, l := range labels {
		if l == "indeed" {
			// indeed must be the registrable label: followed by a TLD (com, co.uk, …)
			rest := labels[i+1:]
			return len(rest) >= 1 && len(rest) <= 2
		}
	}
	return false
}

// sameSite reports whether two hosts belong to the same site (equal after
// dropping "www." and, for known job sites, country subdomains).
func sameSite(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	if a == b {
		return true
	}
	if sa, sb := siteOfHost(a), siteOfHost(b); sa != "" && sa == sb {
		return true
	}
	return registrable(a) == registrable(b)
}

// registrable approximates the registrable domain: the last two labels, or
// three when the second-level label is a generic one such as co.uk or com.au.
func registrable(h string) string {
	labels := strings.Split(strings.TrimSuffix(h, "."), ".")
	n := len(labels)
	if n <= 2 {
		return h
	}
	sld := labels[n-2]
	if len(labels[n-1]) == 2 && (sld == "co" || sld == "com" || sld == "org" || sld == "net" || sld == "ac" || sld == "gov" || sld == "edu") {
		return strings.Join(labels[n-3:], ".")
	}
	return strings.Join(labels[n-2:], ".")
}

// specificity is a rough measure of how precisely a URL names one page:
// non-empty path segments plus query parameters (other than language
// switches), with a bonus when it carries a numeric id.
func specificity(raw string) int {
	u, err := url.Parse(raw)
	if err != nil {
		return 0
	}
	n := 0
	id := false
	for _, s := range strings.Split(u.Path, "/") {
		if s != "" {
			n++
			id = id || hasDigitRun(s, 5)
		}
	}
	for _, p := range splitQuery(u.RawQuery) {
		switch p.key {
		case "lang", "locale", "hl", "language", "lng", "country":
			continue
		}
		n++
		id = id || hasDigitRun(p.value, 5)
	}
	if id {
		n++
	}
	return n
}

func hasDigitRun(s string, min int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			if run >= min {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// resolveURL resolves ref against base and returns an absolute http(s) URL, or "".
func resolveURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") || len(ref) > 4096 {
		return ""
	}
	low := strings.ToLower(ref)
	if strings.HasPrefix(low, "javascript:") || strings.HasPrefix(low, "data:") || strings.HasPrefix(low, "mailto:") || strings.HasPrefix(low, "tel:") {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		r = base.ResolveReference(r)
	}
	if (r.Scheme != "http" && r.Scheme != "https") || r.Host == "" {
		return ""
	}
	return r.String()
}

// linkedInExternalTarget decodes the real application URL from a LinkedIn
// externalApply redirect (…/jobs/view/externalApply/<id>?url=<encoded>&…).
func linkedInExternalTarget(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	if siteOfHost(u.Hostname()) != "linkedin" {
		if u.Scheme == "http" || u.Scheme == "https" {
			return u.String()
		}
		return ""
	}
	target := u.Query().Get("url")
	if target == "" {
		return ""
	}
	t, err := parseHTTPURL(target)
	if err != nil {
		return ""
	}
	return t.String()
}
