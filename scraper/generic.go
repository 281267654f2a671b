package scraper

import (
	"regexp"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// titleParts is what a page title such as "Title at Company" says.
type titleParts struct {
	title, company, location string
}

var (
	reJobApplication = regexp.MustCompile(`(?i)^job application for (.+?) at (.+)$`)
	reHiring         = regexp.MustCompile(`(?i)^(.+?) hiring (.+?)(?: in (.+?))?(?: \| linkedin)?$`)
	reNotifCount     = regexp.MustCompile(`^\(\d+\+?\)\s*`)
	titleSeparators  = []string{" | ", " – ", " — ", " - ", " · ", " :: ", " // "}
)

// noiseTitlePart reports whether one part of a page title names the site or
// the page rather than the job ("LinkedIn", "Indeed.com", "Careers", "Application").
func noiseTitlePart(p string) bool {
	l := strings.ToLower(strings.TrimSpace(p))
	if l == "" || platformNames[l] || badTitles[l] {
		return true
	}
	for _, s := range []string{"careers", "jobs", "job board", "career site", "careers page", "job openings", "indeed.com", "linkedin", "glassdoor"} {
		if l == s || strings.HasSuffix(l, " "+s) || strings.HasPrefix(l, s+" at ") {
			return true
		}
	}
	return false
}

// splitTitle reads title, company and location out of a page title. known
// holds titles other sources found; a part equal to one of them is the title
// and the remaining part the company.
func splitTitle(s string, known []string) titleParts {
	s = reNotifCount.ReplaceAllString(cleanInline(s), "")
	if s == "" {
		return titleParts{}
	}
	if m := reJobApplication.FindStringSubmatch(s); m != nil {
		return titleParts{title: m[1], company: m[2]}
	}
	if strings.Contains(strings.ToLower(s), " hiring ") {
		if m := reHiring.FindStringSubmatch(s); m != nil {
			return titleParts{company: m[1], title: m[2], location: m[3]}
		}
	}
	var parts []string
	for _, sep := range titleSeparators {
		if strings.Contains(s, sep) {
			for _, p := range strings.Split(s, sep) {
				if p = strings.TrimSpace(p); p != "" && !noiseTitlePart(p) {
					parts = append(parts, p)
				}
			}
			break
		}
	}
	if parts == nil {
		parts = []string{s}
	}
	if len(parts) == 1 {
		p := parts[0]
		if i := strings.LastIndex(p, " @ "); i > 0 {
			return titleParts{title: p[:i], company: p[i+3:]}
		}
		if i := strings.LastIndex(p, " at "); i > 0 {
			return titleParts{title: p[:i], company: p[i+4:]}
		}
		return titleParts{title: p}
	}
	for i, p := range parts {
		for _, k := range known {
			if k != "" && strings.EqualFold(p, k) {
				other := parts[0]
				if i == 0 {
					other = parts[1]
				}
				return titleParts{title: p, company: other}
			}
		}
	}
	tp := titleParts{title: parts[0], company: parts[1]}
	if i := strings.LastIndex(tp.title, " at "); i > 0 && len(parts) == 2 {
		// "Title at Company | Board"
		tp = titleParts{title: tp.title[:i], company: tp.title[i+4:]}
	}
	return tp
}

// fromGeneric reads what any page offers: meta tags, title patterns, the main
// heading, labelled facts, the main text block and an "Apply" link.
func (pg *page) fromGeneric(prior []*candidate) *candidate {
	c := &candidate{source: srcGeneric}
	var known []string
	for _, p := range prior {
		if p.title != "" {
			known = append(known, p.title)
		}
	}
	h1 := ""
	for _, n := range pg.h1s {
		if t := nodeText(n); len(t) >= 3 && len(t) <= 200 && sanitizeTitle(t, "") != "" {
			h1 = t
			break
		}
	}
	if h1 != "" {
		known = append(known, h1)
	}
	og := pg.metaContent("og:title", "twitter:title")
	ogParts := splitTitle(og, known)
	docParts := splitTitle(pg.title, known)

	switch {
	case h1 != "":
		c.title = h1
	case ogParts.title != "":
		c.title = ogParts.title
	default:
		c.title = docParts.title
	}
	for _, get := range []func() string{
		func() string { return pg.metaContent("og:site_name") },
		func() string { return docParts.company },
		func() string { return ogParts.company },
		pg.logoCompany,
	} {
		if co := sanitizeCompany(get()); co != "" && !strings.EqualFold(co, c.title) && !looksLikePlace(co) {
			c.company = co
			break
		}
	}
	c.location = pg.label("location", "locations", "job location", "office", "office location", "city", "where")
	if c.location == "" {
		c.location = firstNonEmpty(docParts.location, ogParts.location)
	}
	if jt := pg.label("employment type", "job type", "type", "contract type", "work type", "commitment", "employment", "schedule"); jt != "" {
		c.jobType = mapJobType(jt)
	}
	if wp := pg.label("remote status", "workplace type", "workplace", "location type", "remote", "work model", "work arrangement"); wp != "" {
		c.workplace = mapWorkplace(wp)
	}
	if sal := pg.label("salary", "compensation", "pay", "salary range", "pay range"); sal != "" {
		c.salary = parseSalaryText(sal, pg.host)
	}

	if nodes := pg.mainBlock(); len(nodes) > 0 {
		c.descNodes = nodes
	}
	if md := pg.metaContent("og:description", "description", "twitter:description"); approxTextLen(md) >= 200 {
		if len(c.descNodes) == 0 || nodesTextLen(c.descNodes) < approxTextLen(md) {
			c.descNodes = nil
			c.descPlain = metaText(md)
		}
	}
	c.applyURL = pg.applyLink()
	return c
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

// looksLikePlace reports whether s is a location rather than a company
// ("Camberwell VIC 3124", "London, UK").
func looksLikePlace(s string) bool {
	if _, ok := isCountry(s); ok {
		return true
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 4
}

// logoCompany reads the company from a logo's alt text ("Acme logo").
func (pg *page) logoCompany() string {
	var found string
	var visit func(n *html.Node, depth int) bool
	visit = func(n *html.Node, depth int) bool {
		if depth > maxDepth {
			return false
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Svg, atom.Noscript:
				return false
			case atom.Img:
				alt := strings.TrimSpace(attr(n, "alt"))
				la := strings.ToLower(alt)
				if strings.HasSuffix(la, " logo") && len(alt) > 5 {
					found = alt[:len(alt)-5]
					return true
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if visit(ch, depth+1) {
				return true
			}
		}
		return false
	}
	body := pg.root
	visit(body, 0)
	return found
}

var applyTexts = map[string]bool{
	"apply": true, "apply now": true, "apply for this job": true, "apply for this position": true,
	"apply for this role": true, "apply on company site": true, "apply on company website": true,
	"apply on employer site": true, "apply online": true, "apply here": true, "apply today": true,
	"submit application": false, "i'm interested": true, "apply to job": true, "apply to this job": true,
}

// applyLink returns the target of the page's "Apply" link, if it leads somewhere.
func (pg *page) applyLink() string {
	for _, a := range pg.anchors {
		if a.DataAtom != atom.A {
			continue
		}
		t := strings.ToLower(nodeText(a))
		if !applyTexts[t] {
			continue
		}
		if u := resolveURL(pg.u, attr(a, "href")); u != "" {
			return u
		}
	}
	return ""
}

// negativeBlock marks containers that are page furniture, not content.
var negativeBlock = []string{
	"navbar", "navigation", "nav-", "-nav", "_nav", "menu", "footer", "cookie", "consent", "modal",
	"sidebar", "similar", "related", "recommend", "share", "social", "breadcrumb", "popup",
	"sign-in", "signin", "login", "newsletter", "comment", "advert", "promo", "banner", "toast",
	"jobs-list", "job-list", "search-result", "results-list", "scaffold-layout__list",
}

func excludedBlock(n *html.Node) bool {
	for a, d := n, 0; a != nil && d < 64; a, d = a.Parent, d+1 {
		if a.Type != html.ElementNode {
			continue
		}
		switch a.DataAtom {
		case atom.Nav, atom.Footer, atom.Aside, atom.Form, atom.Dialog, atom.Header:
			return true
		}
		switch strings.ToLower(attr(a, "role")) {
		case "navigation", "dialog", "contentinfo", "banner", "complementary":
			return true
		}
		ci := strings.ToLower(attr(a, "class") + " " + attr(a, "id"))
		if strings.TrimSpace(ci) == "" {
			continue
		}
		for _, neg := range negativeBlock {
			if strings.Contains(ci, neg) {
				return true
			}
		}
	}
	return false
}

// mainBlock picks the main text block (readability-like): the container whose
// paragraphs score highest after discounting links, plus sibling blocks that
// carry comparable content.
func (pg *page) mainBlock() []*html.Node {
	type scored struct {
		n    *html.Node
		s    float64
		text int
	}
	list := make([]scored, 0, len(pg.scores))
	for n, bs := range pg.scores {
		if bs.text == 0 {
			continue
		}
		ld := float64(bs.link) / float64(bs.text)
		list = append(list, scored{n, bs.score * (1 - ld), bs.text})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].s != list[j].s {
			return list[i].s > list[j].s
		}
		if list[i].text != list[j].text {
			return list[i].text > list[j].text
		}
		return pg.scores[list[i].n].order < pg.scores[list[j].n].order
	})
	var best *scored
	for i := 0; i < len(list) && i < 12; i++ {
		if !excludedBlock(list[i].n) {
			best = &list[i]
			break
		}
	}
	if best == nil || best.text < 150 {
		return nil
	}
	parent := best.n.Parent
	if parent == nil || parent.DataAtom == atom.Body || parent.DataAtom == atom.Html {
		return []*html.Node{best.n}
	}
	threshold := best.s * 0.25
	var out []*html.Node
	for sib := parent.FirstChild; sib != nil; sib = sib.NextSibling {
		if sib.Type != html.ElementNode {
			continue
		}
		if sib == best.n {
			out = append(out, sib)
			continue
		}
		if bs := pg.scores[sib]; bs != nil && bs.text > 0 {
			ld := float64(bs.link) / float64(bs.text)
			if bs.score*(1-ld) >= threshold && !excludedBlock(sib) {
				out = append(out, sib)
			}
			continue
		}
		if sib.DataAtom == atom.P || sib.DataAtom == atom.Ul || sib.DataAtom == atom.Ol || sib.DataAtom == atom.H2 || sib.DataAtom == atom.H3 {
			if t := nodeText(sib); len(t) >= 80 || (len(t) > 0 && (sib.DataAtom == atom.H2 || sib.DataAtom == atom.H3) && len(out) > 0) {
				out = append(out, sib)
			}
		}
	}
	return out
}

func nodesTextLen(ns []*html.Node) int {
	n := 0
	for _, x := range ns {
		n += approxNodeTextLen(x)
	}
	return n
}
