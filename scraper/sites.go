package scraper

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// siteRule reads a posting from the markup of one job site.
type siteRule func(pg *page) *candidate

var siteRules = map[string]siteRule{
	"linkedin":        linkedInRule,
	"indeed":          indeedRule,
	"greenhouse":      greenhouseRule,
	"lever":           leverRule,
	"ashby":           ashbyRule,
	"workday":         workdayRule,
	"workable":        workableRule,
	"smartrecruiters": smartRecruitersRule,
	"seek":            seekRule,
	"recruitee":       recruiteeRule,
	"teamtailor":      teamtailorRule,
}

// detectSite names the site by host, or by fingerprints for sites that serve
// careers pages on the employer's own domain (Recruitee, Teamtailor).
func (pg *page) detectSite() (string, siteRule) {
	name := siteOfHost(pg.host)
	if name == "" {
		switch {
		case pg.fingerprints["recruitee"] || bytes.Contains(pg.raw, []byte("recruiteecdn.com")):
			name = "recruitee"
		case pg.fingerprints["teamtailor"] || bytes.Contains(pg.raw, []byte("teamtailor-cdn")):
			name = "teamtailor"
		}
	}
	return name, siteRules[name]
}

// sels compiles selectors that are tried in order of preference. Selectors
// are compiled once with cascadia (goquery's selector engine, as goquery
// recommends for selectors used many times) and run through goquery.
type sels []cascadia.Selector

func sel(ss ...string) sels {
	out := make(sels, len(ss))
	for i, s := range ss {
		out[i] = cascadia.MustCompile(s)
	}
	return out
}

// first returns the first element matching the most preferred selector that
// matches, looking at root itself and then its descendants in document order.
func first(root *html.Node, s sels) *html.Node {
	if root == nil {
		return nil
	}
	doc := goquery.NewDocumentFromNode(root)
	for _, x := range s {
		if x.Match(root) {
			return root
		}
		if found := doc.FindMatcher(goquery.SingleMatcher(x)); found.Length() > 0 {
			return found.Get(0)
		}
	}
	return nil
}

// find returns root (when it matches) and its descendants that match any of
// the selectors, in document order.
func (s sels) find(root *html.Node) []*html.Node {
	if root == nil {
		return nil
	}
	doc := goquery.NewDocumentFromNode(root)
	return doc.FilterMatcher(s).AddSelection(doc.FindMatcher(s)).Nodes
}

// Match reports whether n matches any of the selectors (goquery.Matcher).
func (s sels) Match(n *html.Node) bool {
	for _, x := range s {
		if x.Match(n) {
			return true
		}
	}
	return false
}

// MatchAll returns n and its descendants that match any of the selectors
// (goquery.Matcher); callers use find.
func (s sels) MatchAll(n *html.Node) []*html.Node {
	if len(s) == 1 {
		return s[0].MatchAll(n)
	}
	return cascadia.QueryAll(n, s)
}

// Filter keeps the nodes that match any of the selectors (goquery.Matcher).
func (s sels) Filter(nodes []*html.Node) []*html.Node {
	var out []*html.Node
	for _, n := range nodes {
		if s.Match(n) {
			out = append(out, n)
		}
	}
	return out
}

func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	return nodeText(n)
}

// commentJSON reads the JSON value LinkedIn hides in <code id=…><!--"…"--></code>.
func commentJSON(n *html.Node) string {
	if n == nil {
		return ""
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.CommentNode {
			var s string
			if err := json.Unmarshal([]byte(strings.TrimSpace(c.Data)), &s); err == nil {
				return s
			}
			return strings.Trim(strings.TrimSpace(c.Data), `"`)
		}
	}
	return ""
}

// ---- LinkedIn ----

var (
	liTopCard      = sel(".top-card-layout", ".topcard")
	liTitle        = sel(".top-card-layout__title", ".topcard__title")
	liTitleLink    = sel("a.topcard__link")
	liOrg          = sel(".topcard__org-name-link", ".topcard__flavor--black-link")
	liLocation     = sel(".topcard__flavor--bullet")
	liDesc         = sel(".show-more-less-html__markup", ".description__text")
	liCriteria     = sel(".description__job-criteria-item")
	liCritHead     = sel(".description__job-criteria-subheader")
	liCritText     = sel(".description__job-criteria-text")
	liExternal     = sel(`a[href*="externalApply"]`)
	liPane         = sel(".jobs-search__job-details--container", ".jobs-search__job-details", ".job-view-layout", ".jobs-details", ".scaffold-layout__detail")
	liSITitle      = sel(".job-details-jobs-unified-top-card__job-title", ".jobs-unified-top-card__job-title", ".jobs-details-top-card__job-title")
	liSICompany    = sel(".job-details-jobs-unified-top-card__company-name", ".jobs-unified-top-card__company-name", ".jobs-details-top-card__company-url")
	liSIAriaCo     = sel(`a[aria-label^="Company, "]`, `[aria-label^="Company, "]`)
	liSIPrimary    = sel(".job-details-jobs-unified-top-card__primary-description-container", ".job-details-jobs-unified-top-card__tertiary-description-container", ".job-details-jobs-unified-top-card__primary-description", ".jobs-unified-top-card__primary-description")
	liSIDesc       = sel(".jobs-description__content", ".jobs-box__html-content", ".jobs-description-content__text")
	liHeadings     = sel("h1", "h2", "h3")
	reLinkedInJobs = regexp.MustCompile(`/jobs/view/(?:[^/?#]*-)?(\d{5,})`)
)

func linkedInRule(pg *page) *candidate {
	c := &candidate{}
	if s := commentJSON(pg.byID("applyUrl")); s != "" {
		c.externalApply = linkedInExternalTarget(s)
	}
	if c.externalApply == "" {
		if a := first(pg.root, liExternal); a != nil {
			c.externalApply = linkedInExternalTarget(attr(a, "href"))
		}
	}
	if id := commentJSON(pg.byID("decoratedJobPostingId")); isDigits(id) {
		c.canonicalURL = "https://www.linkedin.com/jobs/view/" + id + "/"
	}

	if tc := first(pg.root, liTopCard); tc != nil {
		// Guest view (and the guest job-posting fragment).
		c.title = text(first(tc, liTitle))
		c.company = text(first(tc, liOrg))
		c.location = text(first(tc, liLocation))
		if a := first(tc, liTitleLink); a != nil && c.canonicalURL == "" {
			if m := reLinkedInJobs.FindStringSubmatch(attr(a, "href")); m != nil {
				c.canonicalURL = "https://www.linkedin.com/jobs/view/" + m[1] + "/"
			}
		}
		if d := first(pg.root, liDesc); d != nil {
			c.descNode = d
		}
		for _, item := range liCriteria.find(pg.root) {
			head := strings.ToLower(text(first(item, liCritHead)))
			val := text(first(item, liCritText))
			if head == "employment type" {
				c.jobType = mapJobType(val)
			}
		}
		c.strong = c.title != "" && c.descNode != nil
		return c
	}
	linkedInSignedIn(pg, c)
	return c
}

// linkedInSignedIn reads the signed-in job view, where the posting sits in a
// detail pane next to a list of other jobs and class names may be hashed.
func linkedInSignedIn(pg *page, c *candidate) {
	scope := first(pg.root, liPane)
	if scope == nil {
		scope = pg.root
	}
	docTitle, docCompany := "", ""
	if t := reNotifCount.ReplaceAllString(pg.title, ""); strings.HasSuffix(t, "| LinkedIn") {
		parts := strings.Split(strings.TrimSuffix(t, "| LinkedIn"), " | ")
		if len(parts) >= 2 {
			docTitle, docCompany = strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		}
	}
	titleNode := first(scope, liSITitle)
	c.title = text(titleNode)
	if c.title == "" {
		c.title = docTitle
	}
	c.company = text(first(scope, liSICompany))
	if c.company == "" {
		if n := first(scope, liSIAriaCo); n != nil {
			c.company = strings.TrimSuffix(strings.TrimPrefix(attr(n, "aria-label"), "Company, "), ".")
		}
	}
	if c.company == "" {
		c.company = docCompany
	}
	about := aboutTheJob(scope)
	if d := pg.byID("job-details"); d != nil {
		c.descNode = d
	} else if d := first(scope, liSIDesc); d != nil {
		c.descNode = d
	}
	if about != nil && (c.descNode == nil || contains(c.descNode, about)) {
		// The description is what follows the "About the job" heading.
		if nodes := followingContent(about); len(nodes) > 0 {
			c.descNode, c.descNodes = nil, nodes
		}
	}
	// The top card: the pane, or the region around the title and the "About the job" heading.
	card := scope
	if card == pg.root {
		anchor := titleNode
		if anchor == nil {
			anchor = about
		}
		card = nil
		for a, i := anchor, 0; a != nil && i < 8; a, i = a.Parent, i+1 {
			card = a
			if about != nil && titleNode != nil && contains(a, about) && contains(a, titleNode) {
				break
			}
		}
	}
	if p := first(scope, liSIPrimary); p != nil {
		c.location = locationFromByline(text(p), c.company)
	}
	if card != nil {
		facts := shortTexts(card, c.descNode, 400)
		for _, f := range facts {
			if c.location == "" && strings.Contains(f, " · ") {
				c.location = locationFromByline(f, c.company)
			}
			switch strings.ToLower(f) {
			case "full-time", "part-time", "contract", "temporary", "internship", "volunteer", "freelance":
				if c.jobType == "" {
					c.jobType = mapJobType(f)
				}
			case "remote", "hybrid", "on-site":
				if c.workplace == "" {
					c.workplace = mapWorkplace(f)
				}
			}
		}
	}
	c.strong = c.title != "" && (c.descNode != nil || len(c.descNodes) > 0)
}

// locationFromByline reads the location out of "Acme · San Francisco, CA · 2 days ago · 80 applicants".
func locationFromByline(s, company string) string {
	for _, part := range strings.Split(s, "·") {
		p := strings.TrimSpace(part)
		l := strings.ToLower(p)
		if p == "" || strings.EqualFold(p, company) || strings.Contains(l, " ago") || strings.Contains(l, "applicant") ||
			strings.Contains(l, "clicked") || strings.Contains(l, "reposted") || strings.Contains(l, "promoted") ||
			strings.Contains(l, "responses") || strings.Contains(l, "people") {
			continue
		}
		return p
	}
	return ""
}

// aboutTheJob finds the "About the job" heading LinkedIn puts above the description.
func aboutTheJob(scope *html.Node) *html.Node {
	for _, h := range liHeadings.find(scope) {
		if strings.EqualFold(nodeText(h), "About the job") {
			return h
		}
	}
	return nil
}

// followingContent returns the element siblings after n (climbing up to three
// levels when n is wrapped) that hold the text n introduces.
func followingContent(n *html.Node) []*html.Node {
	for up := 0; up < 3 && n != nil; up, n = up+1, n.Parent {
		var out []*html.Node
		total := 0
		for s := n.NextSibling; s != nil; s = s.NextSibling {
			if s.Type == html.ElementNode {
				out = append(out, s)
				total += len(nodeText(s))
			}
		}
		if total >= 100 {
			return out
		}
	}
	return nil
}

func contains(a, b *html.Node) bool {
	for n, i := b, 0; n != nil && i < 512; n, i = n.Parent, i+1 {
		if n == a {
			return true
		}
	}
	return false
}

// shortTexts returns the short texts (chips, bylines) of the leaves under n,
// skipping the subtree skip; at most limit items.
func shortTexts(n, skip *html.Node, limit int) []string {
	var out []string
	var visit func(x *html.Node, depth int)
	visit = func(x *html.Node, depth int) {
		if x == nil || x == skip || depth > maxDepth || len(out) >= limit {
			return
		}
		if x.Type == html.ElementNode {
			switch x.DataAtom {
			case atom.Script, atom.Style, atom.Svg, atom.Noscript, atom.Ul:
				return
			}
			hasElem := false
			for ch := x.FirstChild; ch != nil; ch = ch.NextSibling {
				if ch.Type == html.ElementNode && ch.DataAtom != atom.Br && ch.DataAtom != atom.Strong && ch.DataAtom != atom.B && ch.DataAtom != atom.Span {
					hasElem = true
					break
				}
			}
			if !hasElem {
				if t := nodeText(x); t != "" && len(t) <= 200 {
					out = append(out, t)
				}
				return
			}
		}
		for ch := x.FirstChild; ch != nil; ch = ch.NextSibling {
			visit(ch, depth+1)
		}
	}
	visit(n, 0)
	return out
}

// ---- Indeed ----

var (
	inTitle    = sel(`[data-testid="jobsearch-JobInfoHeader-title"]`, `h1.jobsearch-JobInfoHeader-title`, `.jobsearch-JobInfoHeader-title`)
	inCompany  = sel(`[data-testid="inlineHeader-companyName"]`, `[data-company-name="true"]`, `[data-testid="jobsearch-CompanyInfoContainer"] a`)
	inLocation = sel(`[data-testid="inlineHeader-companyLocation"]`, `[data-testid="job-location"]`, `[data-testid="jobsearch-JobInfoHeader-companyLocation"]`, `#jobLocationText`)
	inJobType  = sel(`[aria-label="Job type"] li`, `[aria-label="Job type"] [data-testid$="-tile"]`)
	reJobPost  = regexp.MustCompile(`\s*-\s*job post$`)
	inApply    = sel(`#applyButtonLinkContainer a[href]`, `[data-testid="apply-button-container"] a[href]`, `a[href*="/applystart"]`, `button[href*="/applystart"]`)
)

func indeedRule(pg *page) *candidate {
	c := &candidate{}
	c.title = reJobPost.ReplaceAllString(text(first(pg.root, inTitle)), "")
	c.company = text(first(pg.root, inCompany))
	if loc := first(pg.root, inLocation); loc != nil {
		parts := strings.Split(text(loc), "•")
		c.location = strings.TrimSpace(parts[0])
		for _, p := range parts[1:] {
			if w := mapWorkplace(p); w != "" {
				c.workplace = w
			}
		}
		if c.workplace == "" {
			if sib := nextElement(loc); sib != nil {
				if t := text(sib); len(t) <= 40 {
					c.workplace = mapWorkplace(t)
				}
			}
		}
	}
	if d := pg.byID("jobDescriptionText"); d != nil {
		c.descNode = d
	}
	if sj := pg.byID("salaryInfoAndJobType"); sj != nil {
		t := text(sj)
		c.salary = parseSalaryText(t, pg.host)
		for _, part := range strings.Split(t, " - ") {
			if jt := mapJobType(part); jt != "other" && jt != "" {
				c.jobType = jt
			}
		}
	}
	if c.jobType == "" {
		if n := first(pg.root, inJobType); n != nil {
			c.jobType = mapJobType(text(n))
		}
	}
	if a := first(pg.root, inApply); a != nil {
		c.applyURL = resolveURL(pg.u, attr(a, "href"))
	}
	c.strong = c.title != "" && c.descNode != nil
	return c
}

func nextElement(n *html.Node) *html.Node {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode {
			return s
		}
	}
	return nil
}

// ---- Greenhouse ----

var (
	ghClassicCompany  = sel(".company-name")
	ghClassicLocation = sel("#header .location", ".location")
	ghTitle           = sel(".job__title h1", ".job__title", ".job-title", "h1.section-header")
	ghLocation        = sel(".job__location")
	ghDesc            = sel(".job__description", ".job-post-content", "#content")
	ghLogo            = sel(".logo img[alt]", ".image-container img[alt]", "#logo img[alt]")
	reGreenhouseID    = regexp.MustCompile(`/jobs/(\d+)`)
)

func greenhouseRule(pg *page) *candidate {
	c := &candidate{}
	if t := pg.byID("app_title"); t != nil {
		// classic boards.greenhouse.io
		c.title = text(t)
		c.company = text(first(pg.root, ghClassicCompany))
		c.location = text(first(pg.root, ghClassicLocation))
		c.descNode = pg.byID("content")
	} else {
		c.title = text(first(pg.root, ghTitle))
		c.location = text(first(pg.root, ghLocation))
		c.descNode = first(pg.root, ghDesc)
	}
	if m := reJobApplication.FindStringSubmatch(pg.title); m != nil && c.company == "" {
		c.company = m[2]
	}
	if c.company == "" {
		if img := first(pg.root, ghLogo); img != nil {
			c.company = strings.TrimSuffix(strings.TrimSuffix(attr(img, "alt"), " Logo"), " logo")
		}
	}
	if m := reGreenhouseID.FindStringSubmatch(pg.u.Path); m != nil {
		c.jobID = m[1]
	} else if id := pg.u.Query().Get("gh_jid"); isDigits(id) {
		c.jobID = id
	}
	c.strong = c.title != "" && c.descNode != nil
	return c
}

// ---- Lever ----

var (
	lvTitle      = sel(".posting-headline h2", ".posting-header h2", ".posting-headline h1", ".posting-header h1")
	lvLocation   = sel(".posting-categories .location", ".posting-categories .sort-by-location")
	lvCommitment = sel(".posting-categories .commitment", ".posting-categories .sort-by-commitment")
	lvWorkplace  = sel(".posting-categories .workplaceTypes")
	lvSections   = sel(`[data-qa="job-description"]`, `.posting-page .section.page-centered`, `.content .section-wrapper .section.page-centered`)
	lvLogo       = sel(".main-header-logo img[alt]")
)

func leverRule(pg *page) *candidate {
	c := &candidate{}
	c.title = text(first(pg.root, lvTitle))
	c.location = trimSlash(text(first(pg.root, lvLocation)))
	c.jobType = mapJobType(trimSlash(text(first(pg.root, lvCommitment))))
	c.workplace = mapWorkplace(text(first(pg.root, lvWorkplace)))
	for _, s := range lvSections.find(pg.root) {
		cl := attr(s, "class")
		if strings.Contains(cl, "posting-header") || strings.Contains(cl, "application-form") || strings.Contains(cl, "last-section-apply") {
			continue
		}
		if n := len(c.descNodes); n > 0 && contains(c.descNodes[n-1], s) {
			continue
		}
		c.descNodes = append(c.descNodes, s)
	}
	if len(c.descNodes) == 0 {
		// The /apply page carries the description only in its meta tags.
		if md := pg.metaContent("og:description", "twitter:description", "description"); md != "" {
			c.descPlain = metaText(md)
		}
	}
	if img := first(pg.root, lvLogo); img != nil {
		c.company = strings.TrimSuffix(strings.TrimSuffix(attr(img, "alt"), " logo"), " Logo")
	}
	if c.company == "" && c.title != "" {
		c.company = splitTitle(pg.title, []string{c.title}).company
	}
	c.applyURL = strings.TrimSuffix(pg.canon, "/") + "/apply"
	c.strong = c.title != ""
	return c
}

func trimSlash(s string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "/"))
}

// ---- Ashby ----

var (
	abTitle    = sel(".ashby-job-posting-heading", "h1[class*='_title_']")
	abLeftPane = sel(".ashby-job-posting-left-pane")
	abDesc     = sel(".ashby-job-posting-description", "[class*='_descriptionText_']")
	abLogo     = sel(".ashby-job-posting-header img[alt]")
	abSections = sel("h2")
)

func ashbyRule(pg *page) *candidate {
	c := &candidate{}
	c.title = text(first(pg.root, abTitle))
	if pane := first(pg.root, abLeftPane); pane != nil {
		for _, h := range abSections.find(pane) {
			val := nextElement(h)
			if val == nil {
				continue
			}
			v := text(val)
			switch strings.ToLower(text(h)) {
			case "location":
				c.location = v
			case "employment type":
				c.jobType = mapJobType(v)
			case "location type":
				c.workplace = mapWorkplace(v)
			case "compensation":
				c.salary = parseSalaryText(v, pg.host)
			}
		}
	}
	if d := first(pg.root, abDesc); d != nil {
		c.descNode = d
	} else if md := pg.metaContent("description", "og:description"); md != "" {
		c.descPlain = metaText(md)
	}
	if m := splitTitle(pg.title, []string{c.title}); m.company != "" {
		c.company = m.company
	} else if img := first(pg.root, abLogo); img != nil {
		c.company = attr(img, "alt")
	}
	c.applyURL = strings.TrimSuffix(pg.canon, "/") + "/application"
	c.strong = c.title != ""
	return c
}

// ---- Workday ----

var (
	wdTitle    = sel(`[data-automation-id="jobPostingHeader"]`)
	wdDesc     = sel(`[data-automation-id="jobPostingDescription"]`)
	wdLocation = sel(`[data-automation-id="locations"] dd`, `[data-automation-id="locations"]`)
	wdTime     = sel(`[data-automation-id="time"] dd`, `[data-automation-id="time"]`)
	wdReq      = sel(`[data-automation-id="requisitionId"] dd`)
	wdApply    = sel(`a[data-automation-id="adventureButton"]`)
)

func workdayRule(pg *page) *candidate {
	c := &candidate{}
	c.title = text(first(pg.root, wdTitle))
	c.descNode = first(pg.root, wdDesc)
	c.location = stripLabel(text(first(pg.root, wdLocation)), "locations", "location")
	c.jobType = mapJobType(stripLabel(text(first(pg.root, wdTime)), "time type"))
	c.jobID = text(first(pg.root, wdReq))
	if a := first(pg.root, wdApply); a != nil {
		c.applyURL = resolveURL(pg.u, attr(a, "href"))
	}
	c.strong = c.title != "" && c.descNode != nil
	return c
}

// stripLabel removes a leading label ("locations Mounds View" -> "Mounds View").
func stripLabel(s string, labels ...string) string {
	for _, l := range labels {
		if len(s) > len(l) && strings.EqualFold(s[:len(l)], l) {
			return strings.TrimSpace(s[len(l):])
		}
	}
	return s
}

// ---- Workable ----

var (
	wkTitle     = sel(`[data-ui="job-title"]`)
	wkLocation  = sel(`[data-ui="job-location"]`)
	wkType      = sel(`[data-ui="job-type"]`)
	wkWorkplace = sel(`[data-ui="job-workplace"]`)
	wkDesc      = sel(`[data-ui="job-description"]`, `[data-ui="job-requirements"]`, `[data-ui="job-benefits"]`)
	wkLogo      = sel(`[data-ui="company-logo"] img[alt]`, `[data-ui="header-logo"] img[alt]`)
	wkApply     = sel(`a[data-ui="application-form-tab"]`, `a[data-ui="overview-apply-now"]`)
)

func workableRule(pg *page) *candidate {
	c := &candidate{}
	c.title = text(first(pg.root, wkTitle))
	c.location = text(first(pg.root, wkLocation))
	c.jobType = mapJobType(text(first(pg.root, wkType)))
	c.workplace = mapWorkplace(text(first(pg.root, wkWorkplace)))
	c.descNodes = wkDesc.find(pg.root)
	if img := first(pg.root, wkLogo); img != nil {
		c.company = attr(img, "alt")
	}
	if a := first(pg.root, wkApply); a != nil {
		c.applyURL = resolveURL(pg.u, attr(a, "href"))
	}
	c.strong = c.title != ""
	return c
}

// ---- SmartRecruiters ----

var (
	srTitle    = sel(`h1.job-title`, `h1[itemprop="title"]`)
	srCompany  = sel(`[itemprop="hiringOrganization"] [itemprop="name"]`)
	srLocation = sel(`spl-job-location`, `.job-details [itemprop="jobLocation"]`)
	srType     = sel(`[itemprop="employmentType"]`)
	srDesc     = sel(`[itemprop="description"]`, `.job-sections`)
	srApply    = sel(`a#st-apply`, `a.js-oneclick`, `a[href*="oneclick-ui"]`)
)

func smartRecruitersRule(pg *page) *candidate {
	c := &candidate{}
	c.title = text(first(pg.root, srTitle))
	if n := first(pg.root, srCompany); n != nil {
		c.company = firstNonEmpty(attr(n, "content"), text(n))
	}
	if n := first(pg.root, srLocation); n != nil {
		c.location = firstNonEmpty(attr(n, "formattedaddress"), text(n))
	}
	c.jobType = mapJobType(text(first(pg.root, srType)))
	c.descNode = first(pg.root, srDesc)
	if a := first(pg.root, srApply); a != nil {
		c.applyURL = resolveURL(pg.u, attr(a, "href"))
	}
	c.strong = c.title != "" && c.descNode != nil
	return c
}

// ---- SEEK ----

var (
	skTitle     = sel(`[data-automation="job-detail-title"]`)
	skCompany   = sel(`[data-automation="advertiser-name"]`)
	skLocation  = sel(`[data-automation="job-detail-location"]`)
	skWorkType  = sel(`[data-automation="job-detail-work-type"]`)
	skSalary    = sel(`[data-automation="job-detail-salary"]`)
	skDesc      = sel(`[data-automation="jobAdDetails"]`)
	skApply     = sel(`a[data-automation="job-detail-apply"]`)
	skWorkplace = sel(`[data-automation="job-detail-workplace"]`)
	reSeekID    = regexp.MustCompile(`/job/(\d+)`)
)

func seekRule(pg *page) *candidate {
	c := &candidate{}
	c.title = text(first(pg.root, skTitle))
	c.company = text(first(pg.root, skCompany))
	c.location = text(first(pg.root, skLocation))
	c.jobType = mapJobType(text(first(pg.root, skWorkType)))
	c.workplace = mapWorkplace(text(first(pg.root, skWorkplace)))
	c.salary = parseSalaryText(text(first(pg.root, skSalary)), pg.host)
	c.descNode = first(pg.root, skDesc)
	if a := first(pg.root, skApply); a != nil {
		c.applyURL = resolveURL(pg.u, attr(a, "href"))
	}
	if m := reSeekID.FindStringSubmatch(pg.u.Path); m != nil {
		c.jobID = m[1]
	}
	c.strong = c.title != "" && c.descNode != nil
	return c
}

// ---- Recruitee ----

var (
	rcApply = sel(`a[href*="/c/new"]`)
)

func recruiteeRule(pg *page) *candidate {
	c := &candidate{}
	if len(pg.h1s) > 0 {
		c.title = text(pg.h1s[0])
	}
	c.company = pg.metaContent("og:site_name")
	if a := first(pg.root, rcApply); a != nil {
		c.applyURL = resolveURL(pg.u, attr(a, "href"))
	}
	return c
}

// ---- Teamtailor ----

var (
	ttDesc  = sel(`[data-controller*="job-description"]`, `.prose`, `.job-body`)
	ttApply = sel(`a[href*="/applications/new"]`, `a[href$="/apply"]`)
)

func teamtailorRule(pg *page) *candidate {
	c := &candidate{}
	if len(pg.h1s) > 0 {
		c.title = text(pg.h1s[0])
	}
	c.company = pg.metaContent("og:site_name", "application-name")
	c.location = pg.label("locations", "location")
	c.workplace = mapWorkplace(pg.label("remote status", "workplace"))
	c.jobType = mapJobType(pg.label("employment type", "type"))
	c.descNode = first(pg.root, ttDesc)
	if a := first(pg.root, ttApply); a != nil {
		c.applyURL = resolveURL(pg.u, attr(a, "href"))
	}
	c.strong = c.title != "" && c.descNode != nil
	return c
}
