package scraper

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxDepth bounds every recursive walk over the DOM or over decoded JSON.
const maxDepth = 256

// page is one parsed document plus everything the extractors need from it,
// gathered in a single walk of the tree.
type page struct {
	u     *url.URL
	canon string
	host  string
	raw   []byte
	root  *html.Node

	title      string            // document <title>
	meta       map[string]string // lowercased name/property/itemprop -> first content
	canonLinks []string          // <link rel=canonical> hrefs
	ldBlocks   []string          // application/ld+json script bodies
	appScripts []*html.Node      // inline scripts that may hold app state
	dataProps  []string          // JSON held in data-props / data-page attributes
	ids        map[string]*html.Node
	h1s        []*html.Node
	anchors    []*html.Node // links and buttons whose text may say "Apply"
	labels     map[string]string
	microdata  []*html.Node // elements with itemtype …/JobPosting

	passwordInputs int
	bodyText       int
	jobLinks       map[string]struct{}
	fingerprints   map[string]bool

	scores map[*html.Node]*blockScore
}

type blockScore struct {
	score      float64
	text, link int
	order      int // creation order, for deterministic ties
}

func newPage(u *url.URL, raw []byte, root *html.Node) *page {
	p := &page{
		u: u, raw: raw, root: root, host: strings.ToLower(u.Hostname()),
		meta:         map[string]string{},
		ids:          map[string]*html.Node{},
		labels:       map[string]string{},
		jobLinks:     map[string]struct{}{},
		fingerprints: map[string]bool{},
		scores:       map[*html.Node]*blockScore{},
	}
	p.canon = canonicalize(u)
	p.walk(root, 0, false)
	return p
}

// walk visits every node once. It returns the visible text length and the
// text length inside links of n's subtree, and feeds the readability scores.
func (p *page) walk(n *html.Node, depth int, inBody bool) (text, link int) {
	if depth > maxDepth {
		return 0, 0
	}
	switch n.Type {
	case html.TextNode:
		return trimmedLen(n.Data), 0
	case html.ElementNode:
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			p.walk(c, depth+1, inBody)
		}
		return 0, 0
	default:
		return 0, 0
	}

	if id := attr(n, "id"); id != "" {
		if _, dup := p.ids[id]; !dup {
			p.ids[id] = n
		}
	}
	switch n.DataAtom {
	case atom.Title:
		if p.title == "" && n.FirstChild != nil {
			p.title = cleanText(n.FirstChild.Data)
		}
		return 0, 0
	case atom.Meta:
		p.addMeta(n)
		return 0, 0
	case atom.Link:
		rel := strings.ToLower(attr(n, "rel"))
		if rel == "canonical" {
			p.canonLinks = append(p.canonLinks, attr(n, "href"))
		}
		if href := attr(n, "href"); strings.Contains(href, "teamtailor") {
			p.fingerprints["teamtailor"] = true
		}
		return 0, 0
	case atom.Script:
		p.addScript(n)
		return 0, 0
	case atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Iframe, atom.Select, atom.Textarea, atom.Object:
		return 0, 0
	case atom.Body:
		inBody = true
	case atom.Input:
		if strings.EqualFold(attr(n, "type"), "password") {
			p.passwordInputs++
		}
		return 0, 0
	case atom.H1:
		p.h1s = append(p.h1s, n)
	}
	if attr(n, "itemtype") != "" && strings.HasSuffix(strings.ToLower(attr(n, "itemtype")), "jobposting") {
		p.microdata = append(p.microdata, n)
	}
	if v := attr(n, "data-props"); len(v) > 2 && v[0] == '{' {
		p.dataProps = append(p.dataProps, v)
	} else if v := attr(n, "data-page"); len(v) > 2 && v[0] == '{' {
		p.dataProps = append(p.dataProps, v)
	}

	direct := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t, l := p.walk(c, depth+1, inBody)
		text += t
		link += l
		if c.Type == html.TextNode {
			direct += t
		}
	}

	switch n.DataAtom {
	case atom.A:
		link = text
		p.addAnchor(n, text)
	case atom.Button:
		if text > 0 && text <= 60 {
			p.anchors = append(p.anchors, n)
		}
	case atom.Dt:
		p.addLabel(n)
	case atom.Body:
		p.bodyText = text
	}

	if inBody && text >= 25 {
		switch n.DataAtom {
		case atom.P, atom.Pre, atom.Blockquote, atom.Li, atom.Td, atom.Dd, atom.H2, atom.H3, atom.H4:
			p.addScore(n, text)
		case atom.Div, atom.Section, atom.Article, atom.Span:
			if direct >= 25 {
				p.addScore(n, direct)
			}
		}
	}
	if bs := p.scores[n]; bs != nil {
		bs.text, bs.link = text, link
	}
	return text, link
}

// addScore credits a paragraph-like block to its parent and, half, to its grandparent.
func (p *page) addScore(n *html.Node, text int) {
	s := 1 + float64(text)/100
	if s > 4 {
		s = 4
	}
	if n.DataAtom == atom.Li || n.DataAtom == atom.Dd {
		s *= 0.75
	}
	if par := n.Parent; par != nil && par.Type == html.ElementNode {
		p.credit(par, s)
		if gp := par.Parent; gp != nil && gp.Type == html.ElementNode {
			p.credit(gp, s/2)
		}
	}
}

func (p *page) credit(n *html.Node, s float64) {
	if n.DataAtom == atom.Body || n.DataAtom == atom.Html {
		return
	}
	bs := p.scores[n]
	if bs == nil {
		bs = &blockScore{order: len(p.scores)}
		p.scores[n] = bs
	}
	bs.score += s
}

func trimmedLen(s string) int {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\n' || s[j-1] == '\t' || s[j-1] == '\r') {
		j--
	}
	return j - i
}

func (p *page) addMeta(n *html.Node) {
	content := attr(n, "content")
	if content == "" {
		content = attr(n, "value")
	}
	for _, k := range []string{"property", "name", "itemprop"} {
		key := strings.ToLower(strings.TrimSpace(attr(n, k)))
		if key == "" {
			continue
		}
		if _, ok := p.meta[key]; !ok && strings.TrimSpace(content) != "" {
			p.meta[key] = content
		}
		if key == "generator" && strings.Contains(strings.ToLower(content), "teamtailor") {
			p.fingerprints["teamtailor"] = true
		}
	}
}

func (p *page) addScript(n *html.Node) {
	typ := strings.ToLower(strings.TrimSpace(attr(n, "type")))
	if src := attr(n, "src"); src != "" {
		switch {
		case strings.Contains(src, "recruitee"):
			p.fingerprints["recruitee"] = true
		case strings.Contains(src, "teamtailor"):
			p.fingerprints["teamtailor"] = true
		}
		return
	}
	if n.FirstChild == nil || n.FirstChild.Type != html.TextNode {
		return
	}
	body := n.FirstChild.Data
	if strings.Contains(typ, "ld+json") {
		p.ldBlocks = append(p.ldBlocks, body)
		return
	}
	id := attr(n, "id")
	if id == "__NEXT_DATA__" || id == "__NUXT_DATA__" {
		p.appScripts = append(p.appScripts, n)
		return
	}
	for _, marker := range appStateMarkers {
		if strings.Contains(body, marker) {
			p.appScripts = append(p.appScripts, n)
			return
		}
	}
}

// appStateMarkers name the globals in which single-page apps ship a posting.
var appStateMarkers = []string{"__appData", "__remixContext", "__INITIAL_STATE__", "__PRELOADED_STATE__", "__NEXT_DATA__", "__APOLLO_STATE__"}

func (p *page) addAnchor(n *html.Node, text int) {
	href := attr(n, "href")
	if text > 0 && text <= 60 {
		p.anchors = append(p.anchors, n)
	}
	if href == "" || href[0] == '#' {
		return
	}
	if looksLikeJobLink(href) {
		key := href
		if i := strings.IndexAny(key, "?#"); i >= 0 {
			key = key[:i]
		}
		if len(p.jobLinks) < 1000 {
			p.jobLinks[key] = struct{}{}
		}
	}
}

// looksLikeJobLink reports whether href points at a single job posting.
func looksLikeJobLink(href string) bool {
	h := strings.ToLower(href)
	if i := strings.IndexAny(h, "?#"); i >= 0 {
		if strings.Contains(h[i:], "jk=") || strings.Contains(h[i:], "currentjobid=") || strings.Contains(h[i:], "gh_jid=") {
			return true
		}
		h = h[:i]
	}
	for _, m := range []string{"/job/", "/jobs/", "/viewjob", "/position", "/positions/", "/vacanc", "/o/", "/j/", "/careers/", "/opening", "/postings/", "/stellen", "/emploi"} {
		if k := strings.Index(h, m); k >= 0 {
			rest := strings.Trim(h[k+len(m):], "/")
			if rest == "" || strings.Contains(rest, "search") {
				return false
			}
			// an id-like last segment: digits, a uuid, or a long slug
			seg := rest
			if i := strings.LastIndexByte(rest, '/'); i >= 0 {
				seg = rest[i+1:]
			}
			return strings.ContainsAny(seg, "0123456789") || strings.Count(seg, "-") >= 2
		}
	}
	return false
}

// addLabel records a <dt>label</dt><dd>value</dd> pair.
func (p *page) addLabel(dt *html.Node) {
	dd := dt.NextSibling
	for dd != nil && dd.Type != html.ElementNode {
		dd = dd.NextSibling
	}
	if dd == nil || dd.DataAtom != atom.Dd {
		return
	}
	k := strings.ToLower(strings.TrimSuffix(nodeText(dt), ":"))
	if k == "" || len(k) > 40 {
		return
	}
	if _, ok := p.labels[k]; !ok {
		v := nodeText(dd)
		if len(v) <= 200 {
			p.labels[k] = v
		}
	}
}

// label returns the value of the first dt/dd label matching one of names.
func (p *page) label(names ...string) string {
	for _, n := range names {
		if v := p.labels[n]; v != "" {
			return v
		}
	}
	return ""
}

// metaContent returns the first non-empty meta value among keys.
func (p *page) metaContent(keys ...string) string {
	for _, k := range keys {
		if v := strings.TrimSpace(p.meta[k]); v != "" {
			return v
		}
	}
	return ""
}

// byID returns the element with the given id, or nil.
func (p *page) byID(id string) *html.Node { return p.ids[id] }
