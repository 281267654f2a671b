package scraper

import (
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxEmbeddedBytes bounds the app-state JSON decoded per page.
const maxEmbeddedBytes = 4 << 20

// fromEmbedded reads a posting from data the page ships for its own app:
// __NEXT_DATA__, __remixContext, Ashby's window.__appData, Redux-style initial
// state, and HTML-escaped JSON in data-props / data-page attributes. It looks
// for an object shaped like a posting (a title and a long description); when
// several are present it only takes one that the page URL names.
func (pg *page) fromEmbedded() *candidate {
	var blobs []string
	budget := maxEmbeddedBytes
	for _, s := range pg.appScripts {
		body := s.FirstChild.Data
		if attr(s, "id") == "" {
			body = afterAssignment(body)
		}
		if body != "" && len(body) <= budget {
			budget -= len(body)
			blobs = append(blobs, body)
		}
	}
	for _, d := range pg.dataProps {
		if len(d) <= budget {
			budget -= len(d)
			blobs = append(blobs, d)
		}
	}
	if len(blobs) == 0 {
		return nil
	}
	var found []foundPosting
	for _, b := range blobs {
		for _, v := range decodeLenient(b) {
			nodes := maxJSONNodes
			findPostings(v, "", 0, &nodes, &found)
		}
	}
	fp := pg.pickEmbedded(found)
	if fp == nil {
		return nil
	}
	jp, orgName := fp.m, fp.org
	c := &candidate{source: srcEmbedded, strong: true}
	c.title = cleanInline(firstString(jp, "title", "jobTitle", "postingTitle", "name"))
	desc := firstString(jp, "descriptionHtml", "descriptionHTML", "description_html", "jobDescription", "description", "content", "descriptionPlain")
	desc = unescapeMarkup(desc)
	if looksLikeHTML(desc) {
		c.descHTML = desc
	} else {
		c.descPlain = desc
	}
	c.company = firstString(jp, "companyName", "company_name", "organizationName", "hiringOrganization", "company")
	if c.company == "" {
		c.company = orgName
	}
	c.location = embeddedLocation(jp)
	c.jobType = mapJobTypeNonEmpty(firstString(jp, "employmentType", "employment_type", "commitment", "jobType", "timeType", "workType"))
	c.workplace = mapWorkplace(firstString(jp, "workplaceType", "locationType", "workplace", "remoteType"))
	if isTrue(jp["isRemote"]) || isTrue(jp["remote"]) {
		c.workplace = "remote"
	}
	if u := firstString(jp, "applyUrl", "applicationUrl", "applyLink", "externalApplyUrl", "apply_url"); u != "" {
		c.applyURL = resolveURL(pg.u, u)
	}
	c.datePosted = normDate(firstString(jp, "datePosted", "publishedAt", "publishedDate", "published_at", "createdAt", "postedAt"))
	return c
}

// afterAssignment returns the JSON literal assigned in "window.X = {…};".
func afterAssignment(js string) string {
	for _, m := range appStateMarkers {
		i := strings.Index(js, m)
		if i < 0 {
			continue
		}
		rest := js[i+len(m):]
		eq := strings.IndexByte(rest, '=')
		if eq < 0 || eq > 20 {
			continue
		}
		rest = strings.TrimLeft(rest[eq+1:], " \t\r\n")
		if strings.HasPrefix(rest, "JSON.parse(") {
			// window.X = JSON.parse("…"): the argument is a JSON string holding JSON.
			arg := strings.TrimPrefix(rest, "JSON.parse(")
			vals := decodeLenient(arg)
			if len(vals) > 0 {
				if s, ok := vals[0].(string); ok {
					return s
				}
			}
			return ""
		}
		if strings.HasPrefix(rest, "{") {
			return rest // the decoder stops after the first value
		}
	}
	return ""
}

// foundPosting is a posting-shaped object and the organisation named by the
// nearest object enclosing it.
type foundPosting struct {
	m   map[string]any
	org string
}

// findPostings collects objects that look like a job posting.
func findPostings(v any, org string, depth int, budget *int, out *[]foundPosting) {
	if depth > 48 || *budget <= 0 || len(*out) > 200 {
		return
	}
	*budget--
	switch t := v.(type) {
	case map[string]any:
		if o := organizationName(t); o != "" {
			org = o
		}
		if looksLikePosting(t) {
			*out = append(*out, foundPosting{t, org})
		}
		for _, k := range sortedKeys(t) {
			switch e := t[k].(type) {
			case map[string]any, []any:
				findPostings(e, org, depth+1, budget, out)
			}
		}
	case []any:
		for _, e := range t {
			findPostings(e, org, depth+1, budget, out)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func looksLikePosting(m map[string]any) bool {
	title := firstString(m, "title", "jobTitle", "postingTitle")
	if title == "" || len(title) > 200 {
		return false
	}
	desc := firstString(m, "descriptionHtml", "descriptionHTML", "description_html", "jobDescription", "description", "content", "descriptionPlain")
	return approxTextLen(desc) >= 200
}

// pickEmbedded takes the single posting found, or the one whose id or slug
// appears in the page URL.
func (pg *page) pickEmbedded(found []foundPosting) *foundPosting {
	if len(found) == 0 {
		return nil
	}
	path := strings.ToLower(pg.u.Path + "?" + pg.u.RawQuery)
	var match *foundPosting
	for i := range found {
		f := found[i].m
		for _, k := range []string{"id", "jobId", "slug", "jobPostingId", "uuid", "shortcode", "requisitionId", "url", "absoluteUrl", "jobUrl"} {
			s := strings.ToLower(str(f[k]))
			if k == "url" || k == "absoluteUrl" || k == "jobUrl" {
				if s != "" {
					if cu, err := CanonicalURL(resolveURL(pg.u, s)); err == nil && cu == pg.canon {
						return &found[i]
					}
				}
				continue
			}
			if len(s) >= 4 && strings.Contains(path, s) {
				match = &found[i]
			}
		}
	}
	if match != nil {
		return match
	}
	t0 := firstString(found[0].m, "title", "jobTitle", "postingTitle")
	for _, f := range found[1:] {
		if firstString(f.m, "title", "jobTitle", "postingTitle") != t0 {
			return nil // several different postings: a list, not one job
		}
	}
	return &found[0]
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		switch v := m[k].(type) {
		case string:
			if s := strings.TrimSpace(v); s != "" {
				return s
			}
		case map[string]any:
			if s := name(v); s != "" && k != "content" && k != "description" {
				return s
			}
		}
	}
	return ""
}

func organizationName(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	for _, k := range []string{"organization", "company", "hiringOrganization"} {
		if o, ok := m[k].(map[string]any); ok {
			if s := name(o); s != "" {
				return s
			}
		}
	}
	return ""
}

func embeddedLocation(m map[string]any) string {
	for _, k := range []string{"locationName", "location", "jobLocation", "locations", "city", "primaryLocation"} {
		switch v := m[k].(type) {
		case string:
			if s := cleanInline(v); s != "" {
				return s
			}
		case map[string]any:
			if s := ldLocation(v, 0); s != "" {
				return s
			}
			if s := joinAddress(str(v["city"]), firstNonEmpty(str(v["region"]), str(v["state"])), countryName(firstNonEmpty(str(v["country"]), str(v["countryCode"])))); s != "" {
				return s
			}
		case []any:
			if s := ldLocation(v, 0); s != "" {
				return s
			}
		}
	}
	return ""
}

func mapJobTypeNonEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return mapJobType(s)
}

func isTrue(v any) bool { b, ok := v.(bool); return ok && b }

// fromMicrodata reads a schema.org JobPosting marked up with itemprop
// attributes (SmartRecruiters and many career sites do this).
func (pg *page) fromMicrodata() *candidate {
	if len(pg.microdata) != 1 {
		return nil
	}
	scope := pg.microdata[0]
	props := map[string][]*html.Node{}
	collectItemprops(scope, props, 0)
	get := func(k string) string {
		for _, n := range props[k] {
			if v := itemValue(n); v != "" {
				return v
			}
		}
		return ""
	}
	c := &candidate{source: srcMicrodata, strong: true}
	c.title = cleanInline(firstNonEmpty(get("title"), get("name")))
	if c.title == "" {
		return nil
	}
	if orgs := props["hiringOrganization"]; len(orgs) > 0 {
		sub := map[string][]*html.Node{}
		collectItemprops(orgs[0], sub, 0)
		for _, n := range sub["name"] {
			if v := itemValue(n); v != "" {
				c.company = v
				break
			}
		}
		if c.company == "" && !hasAttr(orgs[0], "itemscope") {
			c.company = itemValue(orgs[0])
		}
	}
	if locs := props["jobLocation"]; len(locs) > 0 {
		sub := map[string][]*html.Node{}
		collectItemprops(locs[0], sub, 0)
		pick := func(k string) string {
			if ns := sub[k]; len(ns) > 0 {
				return itemValue(ns[0])
			}
			return ""
		}
		c.location = joinAddress(pick("addressLocality"), pick("addressRegion"), countryName(pick("addressCountry")))
		if c.location == "" {
			c.location = text(locs[0])
		}
	}
	c.jobType = mapJobTypeNonEmpty(get("employmentType"))
	if ds := props["description"]; len(ds) > 0 {
		if ds[0].DataAtom == atom.Meta {
			c.descPlain = attr(ds[0], "content")
		} else {
			c.descNode = ds[0]
		}
	}
	c.datePosted = normDate(get("datePosted"))
	c.validThrough = normDate(get("validThrough"))
	c.jobID = get("identifier")
	if strings.EqualFold(get("jobLocationType"), "TELECOMMUTE") {
		c.workplace = "remote"
	}
	return c
}

// collectItemprops gathers itemprop elements under n, including those of
// nested items (their own scopes are read separately when needed).
func collectItemprops(n *html.Node, out map[string][]*html.Node, depth int) {
	if depth > maxDepth {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if p := attr(c, "itemprop"); p != "" {
			for _, k := range strings.Fields(p) {
				if len(out[k]) < 20 {
					out[k] = append(out[k], c)
				}
			}
			if hasAttr(c, "itemscope") {
				continue // a nested item: its properties are its own
			}
		}
		collectItemprops(c, out, depth+1)
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// itemValue is a microdata property's value: content, href, datetime or text.
func itemValue(n *html.Node) string {
	switch n.DataAtom {
	case atom.Meta:
		return cleanInline(attr(n, "content"))
	case atom.A, atom.Link:
		return attr(n, "href")
	case atom.Time:
		if v := attr(n, "datetime"); v != "" {
			return v
		}
	}
	if v := attr(n, "content"); v != "" {
		return cleanInline(v)
	}
	if hasAttr(n, "itemscope") {
		return ""
	}
	return text(n)
}
