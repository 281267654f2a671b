package scraper

import (
	"bytes"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// descriptionPolicy keeps the structure of a job description (paragraphs, lists,
// headings, emphasis, tables and links) and nothing executable or styled.
var descriptionPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "ul", "ol", "li", "dl", "dt", "dd",
		"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s",
		"sub", "sup", "blockquote", "pre", "code", "div", "span", "section", "article",
		"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.RequireNoFollowOnLinks(true)
	return p
}()

// markupTags are the tags whose presence makes a string HTML rather than text.
var markupTags = map[string]bool{
	"p": true, "br": true, "div": true, "ul": true, "ol": true, "li": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "strong": true, "b": true, "em": true, "i": true,
	"u": true, "span": true, "a": true, "table": true, "tr": true, "td": true, "section": true,
	"article": true, "blockquote": true, "pre": true, "hr": true, "dl": true, "dt": true, "dd": true,
}

// looksLikeHTML reports whether s contains markup ("<p>", "</li>", "<br/>")
// rather than plain text.
func looksLikeHTML(s string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0; {
		j := i + 1
		if j < len(s) && s[j] == '/' {
			j++
		}
		k := j
		for k < len(s) && k-j < 12 && (s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
			k++
		}
		if k > j && k < len(s) && (s[k] == '>' || s[k] == ' ' || s[k] == '/' || s[k] == '\n' || s[k] == '\t') &&
			markupTags[strings.ToLower(s[j:k])] {
			return true
		}
		next := strings.IndexByte(s[i+1:], '<')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// unescapeMarkup turns HTML that was escaped once or twice ("&lt;p&gt;") back
// into markup.
func unescapeMarkup(s string) string {
	for i := 0; i < 3 && !looksLikeHTML(s) && strings.Contains(s, "&lt;"); i++ {
		s = html.UnescapeString(s)
	}
	return s
}

// metaText cleans text from a meta tag, undoing a second level of entity
// escaping that some sites apply ("&amp;amp;").
func metaText(s string) string {
	if strings.Contains(s, "&") {
		s = html.UnescapeString(s)
	}
	return s
}

// plainToHTML turns plain text into paragraphs: blank lines separate
// paragraphs, single newlines become line breaks.
func plainToHTML(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	for _, para := range splitParagraphs(s) {
		lines := strings.Split(para, "\n")
		b.WriteString("<p>")
		first := true
		for _, l := range lines {
			l = strings.TrimSpace(l)
			if l == "" {
				continue
			}
			if !first {
				b.WriteString("<br>")
			}
			first = false
			b.WriteString(html.EscapeString(l))
		}
		b.WriteString("</p>")
	}
	return b.String()
}

func splitParagraphs(s string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = cur[:0]
		}
	}
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == "" || strings.TrimSpace(l) == "\u00a0" || strings.TrimSpace(l) == "&nbsp;" {
			flush()
			continue
		}
		cur = append(cur, l)
	}
	flush()
	return out
}

// buildDescription sanitises raw description HTML and derives its plain text.
// Relative links are resolved against base and every link gets
// rel="nofollow noopener".
func buildDescription(raw string, base *url.URL) (string, string) {
	if strings.TrimSpace(raw) == "" {
		return "", ""
	}
	clean := descriptionPolicy.Sanitize(raw)
	z := xhtml.NewTokenizer(strings.NewReader(clean))
	var out strings.Builder
	out.Grow(len(clean))
	tw := newTextWriter()
	pre := 0
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case xhtml.TextToken:
			out.WriteString(html.EscapeString(tok.Data))
			tw.text(tok.Data, pre > 0)
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			if tok.DataAtom == atom.A {
				tok.Attr = linkAttrs(tok.Attr, base)
			}
			out.WriteString(tok.String())
			if tok.DataAtom == atom.Pre {
				pre++
			}
			tw.open(tok.DataAtom)
			if tt == xhtml.SelfClosingTagToken {
				tw.close(tok.DataAtom)
			}
		case xhtml.EndTagToken:
			out.WriteString(tok.String())
			if tok.DataAtom == atom.Pre && pre > 0 {
				pre--
			}
			tw.close(tok.DataAtom)
		}
	}
	return strings.TrimSpace(out.String()), tw.String()
}

func linkAttrs(attrs []xhtml.Attribute, base *url.URL) []xhtml.Attribute {
	href := ""
	for _, a := range attrs {
		if a.Key == "href" {
			href = a.Val
		}
	}
	out := attrs[:0]
	if href != "" {
		if strings.HasPrefix(strings.ToLower(href), "mailto:") {
			out = append(out, xhtml.Attribute{Key: "href", Val: href})
		} else if abs := resolveURL(base, href); abs != "" {
			out = append(out, xhtml.Attribute{Key: "href", Val: abs})
		}
	}
	return append(out, xhtml.Attribute{Key: "rel", Val: "nofollow noopener"})
}

// textWriter renders a token stream as plain text: blocks become paragraphs
// separated by blank lines, list items are lines starting with "- ".
type textWriter struct {
	b       strings.Builder
	pending int  // 0 nothing, 1 newline, 2 blank line
	space   bool // a space is owed before the next word
	prefix  string
}

func newTextWriter() *textWriter { return &textWriter{} }

func (t *textWriter) brk(n int) {
	if n > t.pending {
		t.pending = n
	}
	t.space = false
}

func (t *textWriter) open(a atom.Atom) {
	switch a {
	case atom.Br:
		if t.pending < 2 {
			t.pending++
		}
		t.space = false
	case atom.Li, atom.Dd, atom.Dt, atom.Tr:
		t.brk(1)
		if a == atom.Li {
			t.prefix = "- "
		}
	case atom.Td, atom.Th:
		t.space = true
	default:
		if isBlockAtom(a) {
			t.brk(2)
		}
	}
}

func (t *textWriter) close(a atom.Atom) {
	switch a {
	case atom.Li, atom.Dd, atom.Dt, atom.Tr:
		t.brk(1)
	default:
		if isBlockAtom(a) {
			t.brk(2)
		}
	}
}

func (t *textWriter) text(s string, pre bool) {
	if pre {
		s = strings.ReplaceAll(s, "\r", "")
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				t.brk(1)
			}
			t.words(line, true)
		}
		return
	}
	t.words(s, false)
}

func (t *textWriter) words(s string, keepSpaces bool) {
	if keepSpaces {
		if strings.TrimSpace(s) == "" {
			return
		}
		t.emitPending()
		t.b.WriteString(strings.TrimRight(s, " \t"))
		return
	}
	start := -1
	for i, r := range s {
		if isSpace(r) {
			if start >= 0 {
				t.word(s[start:i])
				start = -1
			}
			t.space = true
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		t.word(s[start:])
	}
}

func (t *textWriter) word(w string) {
	if t.emitPending() {
		t.space = false
	}
	if t.space && t.b.Len() > 0 {
		t.b.WriteByte(' ')
	}
	t.space = false
	t.b.WriteString(w)
}

// emitPending writes owed line breaks and a list prefix; it reports whether a
// new line was started.
func (t *textWriter) emitPending() bool {
	started := false
	if t.pending > 0 && t.b.Len() > 0 {
		if t.pending >= 2 {
			t.b.WriteString("\n\n")
		} else {
			t.b.WriteByte('\n')
		}
		started = true
	}
	if t.pending > 0 || t.b.Len() == 0 {
		started = true
	}
	t.pending = 0
	if t.prefix != "" {
		t.b.WriteString(t.prefix)
		t.prefix = ""
	}
	return started
}

func (t *textWriter) String() string { return strings.TrimSpace(t.b.String()) }

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0' || r == '\u200b' || unicode.IsSpace(r)
}

func isBlockAtom(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.H1, atom.H2, atom.H3, atom.H4,
		atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Dl, atom.Table, atom.Blockquote, atom.Pre,
		atom.Hr, atom.Header, atom.Footer, atom.Main, atom.Aside, atom.Nav, atom.Form,
		atom.Fieldset, atom.Figure, atom.Caption, atom.Details, atom.Summary:
		return true
	}
	return false
}

func unescapeEntities(s string) string { return html.UnescapeString(s) }

// cleanText collapses white space (including non-breaking spaces) and trims.
func cleanText(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isSpace(r) {
			space = true
			continue
		}
		if r == utf8.RuneError || r == 0 {
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// cleanInline unescapes entities, drops tags and collapses white space; it is
// used for short fields (title, company, location) that may carry markup.
func cleanInline(s string) string {
	if strings.ContainsAny(s, "<&") {
		if strings.Contains(s, "<") {
			s = stripTags(s)
		}
		s = html.UnescapeString(s)
		if strings.Contains(s, "&") {
			s = html.UnescapeString(s)
		}
	}
	return cleanText(s)
}

// stripTags removes anything between < and >.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '<':
			in = true
			b.WriteByte(' ')
		case c == '>' && in:
			in = false
		case !in:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// approxTextLen estimates the visible length of an HTML or text string.
func approxTextLen(s string) int {
	n, in, space := 0, false, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '<':
			in = true
		case c == '>':
			in = false
		case in:
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			if !space {
				n++
			}
			space = true
		default:
			n++
			space = false
		}
	}
	return n
}

// mapJobType maps an employment type as written (schema.org enum or free text)
// to full_time, part_time, contract, intern, freelance, remote or other; it
// returns "" for an empty input.
func mapJobType(s string) string {
	s = strings.ToLower(cleanInline(s))
	if s == "" {
		return ""
	}
	s = strings.NewReplacer("_", " ", "-", " ", "/", " ").Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	has := func(subs ...string) bool {
		for _, x := range subs {
			if strings.Contains(s, x) {
				return true
			}
		}
		return false
	}
	switch {
	case has("intern", "apprentice", "trainee", "werkstudent", "working student", "stage", "stagiaire", "praktik"):
		return "intern"
	case has("freelance", "freelancer"):
		return "freelance"
	case has("part time", "parttime", "teilzeit", "temps partiel"):
		return "part_time"
	case has("contract", "temporary", "temp ", "fixed term", "fixed-term", "befristet", "interim", "seasonal", "casual"), s == "temp":
		return "contract"
	case has("full time", "fulltime", "permanent", "regular", "vollzeit", "cdi", "temps plein", "unbefristet"):
		return "full_time"
	case has("remote", "telecommute", "work from home"):
		return "remote"
	case has("volunteer", "per diem", "other", "not specified", "unknown"):
		return "other"
	}
	return "other"
}

// mapWorkplace maps "Remote", "Hybrid", "On-site" and the like to remote,
// hybrid or onsite; "" when the text names none of them.
func mapWorkplace(s string) string {
	s = strings.ToLower(cleanInline(s))
	switch {
	case s == "":
		return ""
	case strings.Contains(s, "hybrid"):
		return "hybrid"
	case strings.Contains(s, "remote") || strings.Contains(s, "telecommute") || strings.Contains(s, "work from home") || strings.Contains(s, "wfh") || strings.Contains(s, "anywhere"):
		return "remote"
	case strings.Contains(s, "on-site") || strings.Contains(s, "onsite") || strings.Contains(s, "on site") || strings.Contains(s, "in office") || strings.Contains(s, "in-office") || strings.Contains(s, "in person") || strings.Contains(s, "in-person") || strings.Contains(s, "office based"):
		return "onsite"
	}
	return ""
}

// normPeriod maps a salary unit ("HOUR", "per year", "annually", "/hr") to
// hour, day, week, month or year.
func normPeriod(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return ""
	case strings.Contains(s, "hour") || s == "hr" || strings.HasSuffix(s, "/hr") || strings.HasSuffix(s, " hr") || s == "h":
		return "hour"
	case strings.Contains(s, "day") || strings.Contains(s, "daily"):
		return "day"
	case strings.Contains(s, "week"):
		return "week"
	case strings.Contains(s, "month"):
		return "month"
	case strings.Contains(s, "year") || strings.Contains(s, "annum") || strings.Contains(s, "annual") || s == "yr" || strings.HasSuffix(s, "/yr") || s == "pa" || s == "p.a.":
		return "year"
	}
	return ""
}

var salaryRe = regexp.MustCompile(`(?i)(A\$|AU\$|C\$|CA\$|NZ\$|S\$|HK\$|US\$|R\$|[$€£¥₹]|\b(?:USD|EUR|GBP|AUD|CAD|NZD|SGD|INR|CHF|JPY|SEK|NOK|DKK|PLN|HKD|ZAR|BRL|MXN)\b)?\s?(\d{1,3}(?:[,.\s]\d{3})+|\d+(?:\.\d+)?)\s?([kKmM])?\b(?:\s*(?:-|–|—|to)\s*(A\$|AU\$|C\$|CA\$|NZ\$|S\$|HK\$|US\$|R\$|[$€£¥₹]|\b(?:USD|EUR|GBP|AUD|CAD|NZD|SGD|INR|CHF|JPY|SEK|NOK|DKK|PLN|HKD|ZAR|BRL|MXN)\b)?\s?(\d{1,3}(?:[,.\s]\d{3})+|\d+(?:\.\d+)?)\s?([kKmM])?\b)?`)

var currencySymbols = map[string]string{
	"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "a$": "AUD", "au$": "AUD", "c$": "CAD",
	"ca$": "CAD", "nz$": "NZD", "s$": "SGD", "hk$": "HKD", "us$": "USD", "r$": "BRL",
}

// parseSalaryText reads a pay range written for people ("$130,000 - $160,000 a
// year", "£45k–£55k", "Target Base Salary $220K – $330K"). host picks the
// currency a bare "$" means. It returns nil when no amount with a currency is found.
func parseSalaryText(s, host string) *Salary {
	s = cleanText(s)
	for _, m := range salaryRe.FindAllStringSubmatch(s, -1) {
		cur1, cur2 := m[1], m[4]
		if cur1 == "" && cur2 == "" {
			continue
		}
		min := parseAmount(m[2], m[3])
		max := parseAmount(m[5], m[6])
		if m[6] != "" && m[3] == "" && min > 0 && min < 1000 {
			min = parseAmount(m[2], m[6]) // "$120-150k"
		}
		if min <= 0 {
			continue
		}
		cur := cur1
		if cur == "" {
			cur = cur2
		}
		sal := &Salary{Min: min, Max: max, Currency: currencyOf(cur, host)}
		if max > 0 && max < min {
			sal.Min, sal.Max = max, min
		}
		sal.Period = salaryPeriod(strings.ToLower(s))
		if sal.Period == "" && (strings.EqualFold(m[3], "k") || strings.EqualFold(m[6], "k") || min >= 10000) {
			sal.Period = "year"
		}
		return sal
	}
	return nil
}

func salaryPeriod(s string) string {
	for _, kv := range [][2]string{
		{"an hour", "hour"}, {"per hour", "hour"}, {"/hour", "hour"}, {"/hr", "hour"}, {"hourly", "hour"}, {" ph", "hour"},
		{"a day", "day"}, {"per day", "day"}, {"/day", "day"}, {"daily", "day"},
		{"a week", "week"}, {"per week", "week"}, {"/week", "week"}, {"weekly", "week"},
		{"a month", "month"}, {"per month", "month"}, {"/month", "month"}, {"/mo", "month"}, {"monthly", "month"},
		{"a year", "year"}, {"per year", "year"}, {"/year", "year"}, {"/yr", "year"}, {"annual", "year"}, {"per annum", "year"}, {"p.a", "year"}, {"yearly", "year"},
	} {
		if strings.Contains(s, kv[0]) {
			return kv[1]
		}
	}
	return ""
}

func parseAmount(num, mult string) float64 {
	if num == "" {
		return 0
	}
	n := strings.NewReplacer(",", "", " ", "", "\u00a0", "").Replace(num)
	// "45.000" (European thousands) vs "45.5": a dot followed by exactly three digits is a separator.
	if i := strings.LastIndexByte(n, '.'); i >= 0 && len(n)-i-1 == 3 && !strings.EqualFold(mult, "k") {
		n = strings.ReplaceAll(n, ".", "")
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil {
		return 0
	}
	switch strings.ToLower(mult) {
	case "k":
		f *= 1000
	case "m":
		f *= 1000000
	}
	return f
}

func currencyOf(sym, host string) string {
	s := strings.ToLower(strings.TrimSpace(sym))
	if c, ok := currencySymbols[s]; ok {
		return c
	}
	if s == "$" {
		h := strings.ToLower(host)
		switch {
		case strings.HasSuffix(h, ".au") || strings.HasPrefix(h, "au."):
			return "AUD"
		case strings.HasSuffix(h, ".ca") || strings.HasPrefix(h, "ca."):
			return "CAD"
		case strings.HasSuffix(h, ".nz") || strings.HasPrefix(h, "nz."):
			return "NZD"
		case strings.HasSuffix(h, ".sg") || strings.HasPrefix(h, "sg."):
			return "SGD"
		}
		return "USD"
	}
	if len(s) == 3 {
		return strings.ToUpper(s)
	}
	return ""
}

var dateLayouts = []string{
	time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05",
	"2006-01-02", "2006/01/02", "January 2, 2006", "Jan 2, 2006", "2 January 2006", "2 Jan 2006",
	"02 Jan 2006", "Mon, 02 Jan 2006 15:04:05 MST", time.RFC1123Z,
}

// normDate returns YYYY-MM-DD when s is a recognisable date, otherwise s
// trimmed (at most 40 characters), or "" for nothing.
func normDate(s string) string {
	s = cleanInline(s)
	if s == "" {
		return ""
	}
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' && isDigits(s[:4]) && isDigits(s[5:7]) && isDigits(s[8:10]) {
		if _, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return s[:10]
		}
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	if len(s) > 40 {
		return ""
	}
	return s
}

// nodeText returns the collapsed text of n, skipping scripts and styles. The
// walk is bounded in depth and in output length.
func nodeText(n *xhtml.Node) string {
	var b bytes.Buffer
	collectText(n, &b, 0)
	return cleanText(b.String())
}

const maxTextBytes = 1 << 20

func collectText(n *xhtml.Node, b *bytes.Buffer, depth int) {
	if n == nil || depth > maxDepth || b.Len() > maxTextBytes {
		return
	}
	switch n.Type {
	case xhtml.TextNode:
		b.WriteString(n.Data)
		return
	case xhtml.ElementNode:
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Iframe:
			return
		case atom.Br, atom.P, atom.Div, atom.Li:
			b.WriteByte(' ')
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		collectText(c, b, depth+1)
	}
	if n.Type == xhtml.ElementNode && isBlockAtom(n.DataAtom) {
		b.WriteByte(' ')
	}
}

// approxNodeTextLen counts the visible text bytes under n (bounded walk).
func approxNodeTextLen(n *xhtml.Node) int {
	total := 0
	var visit func(x *xhtml.Node, depth int)
	visit = func(x *xhtml.Node, depth int) {
		if depth > maxDepth || total > maxTextBytes {
			return
		}
		if x.Type == xhtml.TextNode {
			total += trimmedLen(x.Data)
			return
		}
		if x.Type == xhtml.ElementNode {
			switch x.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Iframe:
				return
			}
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			visit(c, depth+1)
		}
	}
	visit(n, 0)
	return total
}

// renderNode renders n's HTML (the node itself and its children).
func renderNode(n *xhtml.Node) string {
	var b bytes.Buffer
	if err := xhtml.Render(&b, n); err != nil {
		return ""
	}
	return b.String()
}

// renderChildren renders the HTML of n's children.
func renderChildren(n *xhtml.Node) string {
	var b bytes.Buffer
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := xhtml.Render(&b, c); err != nil {
			return ""
		}
	}
	return b.String()
}

func attr(n *xhtml.Node, key string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *xhtml.Node, class string) bool {
	c := attr(n, "class")
	if c == "" {
		return false
	}
	for _, f := range strings.Fields(c) {
		if f == class {
			return true
		}
	}
	return false
}
