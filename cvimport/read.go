package cvimport

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vega-ai/vega/scraper/skills"
)

// ErrNotACV is Read's answer for a text with no sign of a CV: no section a
// CV has, no position, no degree.
var ErrNotACV = errors.New("this does not look like a CV: no experience, education, skills or summary section was found")

// MaxTextBytes is the most text Read looks at; a CV is far shorter.
const MaxTextBytes = 1 << 20

// section is a part of a CV.
type section int

const (
	secHeader section = iota
	secSummary
	secExperience
	secEducation
	secSkills
	secCerts
	secOther
)

// headings maps a heading, lower case, "&" spelt "and", punctuation
// dropped, to its section.
var headings = map[string]section{}

func init() {
	add := func(s section, names ...string) {
		for _, n := range names {
			headings[n] = s
		}
	}
	add(secSummary, "summary", "profile", "professional summary", "career summary", "professional profile", "personal profile",
		"about", "about me", "objective", "career objective", "personal statement", "overview", "executive summary", "introduction")
	add(secExperience, "experience", "work experience", "professional experience", "employment", "employment history",
		"work history", "career history", "relevant experience", "professional background", "career", "positions",
		"experience highlights", "industry experience", "work", "berufserfahrung")
	add(secEducation, "education", "academic background", "education and training", "academic qualifications",
		"qualifications", "academic history", "studies", "education history", "ausbildung")
	add(secSkills, "skills", "technical skills", "core skills", "key skills", "core competencies", "competencies",
		"technologies", "tech stack", "tools", "skills and tools", "tools and technologies", "skills and technologies",
		"expertise", "areas of expertise", "technical expertise", "skill set", "skillset", "programming languages", "kenntnisse")
	add(secCerts, "certifications", "certificates", "certification", "licenses and certifications", "licences and certifications",
		"certifications and licenses", "certifications and licences", "professional certifications", "accreditations",
		"certifications and training", "courses and certifications")
	add(secOther, "projects", "selected projects", "side projects", "publications", "selected publications", "languages",
		"interests", "hobbies", "hobbies and interests", "references", "awards", "honors", "honours", "awards and honors",
		"awards and honours", "volunteering", "volunteer experience", "teaching", "teaching experience", "research",
		"research interests", "conferences", "talks", "talks and conferences", "grants", "memberships", "activities",
		"additional information", "open source", "patents", "leadership")
}

// cvLine is one line of a CV, trimmed, its Markdown and bullet marks gone.
type cvLine struct {
	text   string
	bullet bool
}

var (
	emailRx    = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	phoneRx    = regexp.MustCompile(`\+?\(?\d[\d ()./-]{6,}\d`)
	urlRx      = regexp.MustCompile(`(?i)\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/[^\s|,]*)?`)
	bulletRx   = regexp.MustCompile(`^(?:[-*+•·▪◦‣●○■□–]|\d{1,2}[.)])\s+`)
	sepRx      = regexp.MustCompile(`\s+[|·•]\s+|\s+[-–—]\s+|\s*\|\s*|\s*[–—]\s*|\s{3,}|\t+|;\s+`)
	placeRx    = regexp.MustCompile(`^(?:[A-Z][\p{L}.'-]*(?:\s+[A-Z][\p{L}.'-]*){0,2}),\s+[A-Z][\p{L}.'-]*(?:\s+[A-Z][\p{L}.'-]*){0,2}$`)
	companySfx = regexp.MustCompile(`(?i)^(?:inc|ltd|llc|llp|gmbh|ag|sa|sas|bv|plc|co|corp|corporation|limited|pty|kg)\.?$`)
	labelRx    = regexp.MustCompile(`(?i)^(?:e-?mail|phone|tel|telephone|mobile|cell|linkedin|github|website|web|site|portfolio|address|location)\s*[:：]\s*`)
	credIDRx   = regexp.MustCompile(`(?i)\b(?:credential\s*id|certificate\s*(?:id|no\.?|number)|license\s*(?:id|no\.?|number)|id)\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{3,})\b`)
	expiryRx   = regexp.MustCompile(`(?i)\b(?:expires?|expiry|expiration|valid\s+(?:until|through|thru)|renew(?:s|al)?)\b`)
	gapRx      = regexp.MustCompile(`\t+|\s{3,}`)
	headSepRx  = regexp.MustCompile(`\s+[|·•—–]\s+|\s*\|\s*`)
	linkRx     = regexp.MustCompile(`https?://\S+`)
	emptyParRx = regexp.MustCompile(`\(\s*[|\s-]*\)`)
	skillSepRx = regexp.MustCompile(`\s*[,;|•·]\s*|\s+-\s+|\s+and\s+`)
	honorifRx  = regexp.MustCompile(`(?i)^(?:dr|prof|mr|mrs|ms|mx)\.?\s+`)
	issuedRx   = regexp.MustCompile(`(?i)\b(?:issued|obtained|earned|awarded|completed)\b(?:\s+(?:on|in))?`)
)

// titleWords are words of job titles ("engineer", "manager", ...).
var titleWords = wordSet(`engineer engineers developer developers programmer manager director lead head analyst designer consultant
	intern internship scientist architect specialist officer assistant associate coordinator administrator researcher
	professor lecturer fellow teacher tutor postdoc postdoctoral student cto ceo cfo coo cio founder cofounder co-founder vp
	president writer editor sre devops technician nurse accountant owner partner principal staff senior junior chief
	sales marketing recruiter advisor executive supervisor representative instructor freelance freelancer contractor
	strategist producer product support operator trainee apprentice clerk secretary physician doctor barista cashier
	waiter waitress server cook chef driver agent receptionist`)

// degreeRx finds a degree in a line.
var degreeRx = regexp.MustCompile(`(?i)\b(?:bachelor(?:'s)?|master(?:'s)?|doctor(?:ate)?|ph\.?\s?d\.?|d\.?phil|b\.?\s?sc\.?|m\.?\s?sc\.?|b\.?\s?eng\.?|m\.?\s?eng\.?|b\.?a\.|m\.?a\.|ba|ma|bs|ms|b\.s\.|m\.s\.|mba|llb|llm|md|associate(?:'s)? degree|diploma|high school|a-levels|abitur|baccalaureate|licence|hnd|gcse)(?:\b|\s|$)`)

// institutionRx finds a school in a line.
var institutionRx = regexp.MustCompile(`(?i)\b(?:university|universit[äa]t|universidad|universit[ée]|college|institute|institut|school|academy|polytechnic|politecnico|hochschule|[ée]cole|conservatory|seminary|eth|mit|ucl|epfl)\b`)

// knownIssuers guesses the issuer of a certification named after a vendor.
var knownIssuers = []struct{ key, org string }{
	{"aws", "Amazon Web Services"}, {"amazon", "Amazon Web Services"}, {"google cloud", "Google Cloud"},
	{"gcp", "Google Cloud"}, {"azure", "Microsoft"}, {"microsoft", "Microsoft"}, {"kubernetes", "CNCF"},
	{"cka", "CNCF"}, {"ckad", "CNCF"}, {"terraform", "HashiCorp"}, {"hashicorp", "HashiCorp"},
	{"pmp", "PMI"}, {"scrum master", "Scrum Alliance"}, {"cissp", "ISC2"}, {"comptia", "CompTIA"},
	{"cisco", "Cisco"}, {"ccna", "Cisco"}, {"oracle", "Oracle"}, {"salesforce", "Salesforce"},
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// Read is the built-in reader: it finds a CV's sections by their headings
// and reads the contact details of its head, its summary, its positions
// (company, title, location, dates), its degrees, its certifications and its
// skills (through the scraper's skill dictionary). It needs no network. A
// text with no sign of a CV is ErrNotACV.
func Read(text string) (Proposal, error) {
	if len(text) > MaxTextBytes {
		text = text[:MaxTextBytes]
	}
	// Invalid UTF-8 and NUL characters (PDF text can carry both) would be
	// refused when the proposal is applied.
	text = strings.ReplaceAll(strings.ToValidUTF8(text, ""), "\x00", "")
	parts := map[section][]cvLine{}
	found := map[section]bool{}
	cur := secHeader
	for _, raw := range strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n") {
		l, ok := cleanLine(raw)
		if !ok {
			continue
		}
		if s, rest, ok := heading(l); ok {
			cur = s
			found[s] = true
			if rest != "" {
				parts[cur] = append(parts[cur], cvLine{text: rest})
			}
			continue
		}
		parts[cur] = append(parts[cur], l)
	}

	var p Proposal
	readHeader(&p, parts[secHeader], !found[secSummary])
	if found[secSummary] {
		p.Summary = joinProse(parts[secSummary])
	}
	p.Experiences = readExperiences(parts[secExperience])
	p.Education = readEducation(parts[secEducation])
	p.Certifications = readCertifications(parts[secCerts])
	p.Skills = readSkills(parts[secSkills], p)
	p.normalize()

	known := 0
	for _, s := range []section{secSummary, secExperience, secEducation, secSkills, secCerts} {
		if found[s] {
			known++
		}
	}
	if len(p.Experiences) == 0 && len(p.Education) == 0 &&
		(known == 0 || (len(p.Skills) == 0 && p.Summary == "" && len(p.Certifications) == 0)) {
		return Proposal{}, ErrNotACV
	}
	return p, nil
}

// emphasis drops Markdown's bold and code marks.
var emphasis = strings.NewReplacer("**", "", "__", "", "`", "")

// cleanLine trims raw, drops Markdown emphasis and heading marks, and notes
// a bullet. Tab stops and wide gaps become " | " so the parts of a line stay
// apart. ok is false for a blank line or a rule.
func cleanLine(raw string) (cvLine, bool) {
	s := strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\u00a0' || r == '\u2002' || r == '\u2003' {
			return ' '
		}
		if unicode.IsControl(r) && r != '\t' {
			return -1
		}
		return r
	}, raw))
	s = strings.TrimLeft(s, "#> ")
	s = emphasis.Replace(s)
	if strings.Trim(s, "-=_*~ ") == "" {
		return cvLine{}, false
	}
	l := cvLine{}
	if m := bulletRx.FindString(s); m != "" && len(s) > len(m) {
		l.bullet = true
		s = s[len(m):]
	}
	if len(s) > 2 && (s[0] == '*' || s[0] == '_') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	s = gapRx.ReplaceAllString(strings.TrimSpace(s), " | ")
	l.text = strings.TrimSpace(s)
	return l, l.text != ""
}

// headingKey normalises a heading for the headings table.
func headingKey(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, "&", " and "))
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || r == ' ' {
			return r
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// heading reports whether l is a section heading ("WORK EXPERIENCE",
// "## Skills", "Education:"); a heading followed by a colon and text on the
// same line ("Skills: Go, SQL") gives that text as rest.
func heading(l cvLine) (s section, rest string, ok bool) {
	if l.bullet || utf8.RuneCountInString(l.text) > 50 {
		if i := strings.IndexAny(l.text, ":："); i > 0 && i < 50 && !l.bullet {
			if s, ok := headings[headingKey(l.text[:i])]; ok {
				return s, strings.TrimSpace(strings.TrimLeft(l.text[i:], ":：")), true
			}
		}
		return 0, "", false
	}
	if s, ok := headings[headingKey(l.text)]; ok {
		return s, "", true
	}
	if i := strings.IndexAny(l.text, ":："); i > 0 {
		if s, ok := headings[headingKey(l.text[:i])]; ok {
			return s, strings.TrimSpace(strings.TrimLeft(l.text[i:], ":：")), true
		}
	}
	return 0, "", false
}

// joinProse joins lines into paragraphs: bullets each on a line, other lines
// run together.
func joinProse(lines []cvLine) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			if l.bullet || lines[i-1].bullet {
				b.WriteString("\n")
			} else {
				b.WriteString(" ")
			}
		}
		if l.bullet {
			b.WriteString("- ")
		}
		b.WriteString(l.text)
	}
	return strings.TrimSpace(b.String())
}

// splitParts splits a line at its separators ("|", " - ", "—", wide gaps)
// and at " at " ("Engineer at Acme"), trimming stray punctuation.
func splitParts(s string) []string {
	var out []string
	for _, p := range sepRx.Split(s, -1) {
		qs := []string{p}
		if i := strings.Index(p, " at "); i > 0 && isTitle(p[:i]) {
			qs = []string{p[:i], p[i+4:]}
		}
		for _, q := range qs {
			q = trimPart(strings.Trim(q, " []|*_"))
			if q != "" && strings.IndexFunc(q, unicode.IsLetter) >= 0 {
				out = append(out, q)
			}
		}
	}
	return out
}

// readHeader reads the contact details, name and title from the lines
// before the first heading; when the CV has no summary section, a long line
// there is the summary.
func readHeader(p *Proposal, lines []cvLine, wantSummary bool) {
	var rest []string
	var prose []string
	for _, l := range lines {
		if wantSummary && utf8.RuneCountInString(l.text) > 90 && strings.Count(l.text, " ") > 10 && !strings.Contains(l.text, "@") {
			prose = append(prose, l.text)
			continue
		}
		for _, seg := range headSepRx.Split(l.text, -1) {
			seg = strings.TrimSpace(seg)
			label := strings.ToLower(labelRx.FindString(seg))
			seg = strings.TrimSpace(seg[len(label):])
			if seg == "" {
				continue
			}
			lower := strings.ToLower(seg)
			switch {
			case emailRx.MatchString(seg) && !strings.Contains(lower, "linkedin.com"):
				if p.Email == "" {
					p.Email = emailRx.FindString(seg)
				}
			case strings.Contains(lower, "linkedin.com"):
				if p.LinkedIn == "" {
					p.LinkedIn = withScheme(urlRx.FindString(seg))
				}
			case strings.Contains(lower, "github.com"):
				if p.GitHub == "" {
					p.GitHub = withScheme(urlRx.FindString(seg))
				}
			case phoneRx.MatchString(seg) && digits(seg) >= 7 && letters(seg) == 0:
				if p.Phone == "" {
					p.Phone = strings.TrimSpace(phoneRx.FindString(seg))
				}
			case !strings.Contains(seg, " ") && urlRx.MatchString(seg) && strings.Contains(seg, "."):
				if p.Website == "" {
					p.Website = withScheme(urlRx.FindString(seg))
				}
			case strings.HasPrefix(label, "location") || strings.HasPrefix(label, "address") || strings.HasPrefix(label, "based"):
				p.Location = seg
			case placeRx.MatchString(seg) || strings.EqualFold(seg, "remote"):
				if p.Location == "" {
					p.Location = seg
				}
			default:
				rest = append(rest, seg)
			}
		}
	}
	for _, s := range rest {
		switch {
		case p.FirstName == "" && p.LastName == "" && looksLikeName(honorifRx.ReplaceAllString(s, "")):
			f := strings.Fields(nameCase(honorifRx.ReplaceAllString(s, "")))
			p.FirstName, p.LastName = strings.Join(f[:len(f)-1], " "), f[len(f)-1]
		case p.Title == "" && utf8.RuneCountInString(s) <= 80 && !strings.HasSuffix(s, "."):
			p.Title = strings.Trim(s, " ,-")
		}
	}
	if wantSummary {
		p.Summary = strings.Join(prose, " ")
	}
}

// looksLikeName reports whether s is two to four capitalised words with no
// digit.
func looksLikeName(s string) bool {
	f := strings.Fields(s)
	if len(f) < 2 || len(f) > 4 {
		return false
	}
	for _, w := range f {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || strings.ContainsFunc(w, unicode.IsDigit) || titleWords[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

// nameCase writes an all-capitals name ("JOHN SMITH") in title case.
func nameCase(s string) string {
	if strings.ToUpper(s) != s {
		return s
	}
	f := strings.Fields(strings.ToLower(s))
	for i, w := range f {
		r, n := utf8.DecodeRuneInString(w)
		f[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(f, " ")
}

// withScheme adds https:// to a link written without one.
func withScheme(u string) string {
	u = strings.TrimRight(u, ".,;)")
	if u == "" || strings.HasPrefix(strings.ToLower(u), "http://") || strings.HasPrefix(strings.ToLower(u), "https://") {
		return u
	}
	return "https://" + u
}

// digits counts the digits of s.
func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// isTitle reports whether s has a job-title word.
func isTitle(s string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		if titleWords[w] {
			return true
		}
	}
	return false
}

// shortLine reports whether l can be a line of an entry's heading: not a
// bullet, short, not a sentence.
func shortLine(l cvLine) bool {
	return !l.bullet && utf8.RuneCountInString(l.text) <= 90 && !strings.HasSuffix(l.text, ".")
}

// entry is a dated block of a section: the parts of its heading lines, its
// dates and its description lines.
type entry struct {
	parts []string
	span  dateSpan
	dated bool
	desc  []cvLine
}

// entries splits a section into blocks around anchor lines (lines with a
// date range, or what isAnchor accepts): an anchor's heading is the rest of
// its line, up to two short lines above it, and the short line below it when
// the heading has fewer than want parts.
func entries(lines []cvLine, find func(string) (dateSpan, bool), isAnchor func(string) bool, want int) []entry {
	type anchor struct {
		at   int
		span dateSpan
		ok   bool
	}
	// Each line's date is found once: the checks below look at a line's
	// neighbours, and scanning them again made each line cost several scans.
	type found struct {
		span       dateSpan
		ok, looked bool
	}
	memo := make([]found, len(lines))
	dateOf := func(i int) (dateSpan, bool) {
		if !memo[i].looked {
			memo[i].span, memo[i].ok = find(lines[i].text)
			memo[i].looked = true
		}
		return memo[i].span, memo[i].ok
	}
	var anchors []anchor
	for i, l := range lines {
		if utf8.RuneCountInString(l.text) > 160 {
			continue
		}
		if d, ok := dateOf(i); ok {
			anchors = append(anchors, anchor{i, d, true})
		} else if isAnchor != nil && !l.bullet && isAnchor(l.text) {
			near := false
			for j := max(0, i-2); j <= min(len(lines)-1, i+2); j++ {
				if _, ok := dateOf(j); ok && j != i {
					near = true
				}
			}
			if !near {
				anchors = append(anchors, anchor{i, dateSpan{}, false})
			}
		}
	}
	out := make([]entry, len(anchors))
	heads := make([]int, len(anchors)+1)
	descFrom := make([]int, len(anchors))
	prevEnd := -1
	for k, a := range anchors {
		l := lines[a.at]
		rest := l.text
		if a.ok {
			rest = l.text[:a.span.lo] + " | " + l.text[a.span.hi:]
		}
		parts := splitParts(rest)
		head := a.at
		for j := a.at - 1; j > prevEnd && j >= a.at-2 && shortLine(lines[j]); j-- {
			if k > 0 && j <= anchors[k-1].at {
				break
			}
			head = j
		}
		var above []string
		for j := head; j < a.at; j++ {
			above = append(above, splitParts(lines[j].text)...)
		}
		parts = append(above, parts...)
		end := a.at
		if len(parts) < want && a.at+1 < len(lines) && shortLine(lines[a.at+1]) &&
			(k+1 >= len(anchors) || anchors[k+1].at != a.at+1) {
			if _, ok := dateOf(a.at + 1); !ok {
				parts = append(parts, splitParts(lines[a.at+1].text)...)
				end = a.at + 1
			}
		}
		out[k] = entry{parts: parts, span: a.span, dated: a.ok}
		heads[k] = head
		descFrom[k] = end + 1
		prevEnd = end
	}
	heads[len(anchors)] = len(lines)
	for k := range out {
		// The next entry's heading may start above its anchor.
		stop := heads[k+1]
		if k+1 < len(anchors) {
			stop = max(stop, descFrom[k])
		}
		if descFrom[k] < stop {
			out[k].desc = lines[descFrom[k]:stop]
		}
	}
	return out
}

// readExperiences reads the positions of the experience section.
func readExperiences(lines []cvLine) []Experience {
	var out []Experience
	for _, e := range entries(lines, findRange, nil, 2) {
		x := Experience{Start: e.span.start, End: e.span.end, Current: e.span.current}
		parts := e.parts
		if len(parts) == 1 {
			// "Barista, Blue Bottle Coffee" or "Engineer, Acme, Berlin".
			parts = strings.SplitN(parts[0], ", ", 3)
		}
		var others []string
		for _, p := range parts {
			switch {
			case x.Title == "" && isTitle(p):
				x.Title = p
			case strings.EqualFold(p, "remote") || strings.EqualFold(p, "hybrid"):
				x.Location = p
			default:
				others = append(others, p)
			}
		}
		if x.Title == "" && len(others) >= 2 {
			x.Title, others = others[0], others[1:]
		}
		if len(others) > 0 {
			x.Company, others = others[0], others[1:]
		}
		if len(others) > 0 && x.Location == "" {
			x.Location = strings.Join(others, ", ")
		}
		if x.Location == "" {
			x.Company, x.Location = splitPlace(x.Company)
		}
		// "Senior Engineer, Acme" on one line.
		if x.Company == "" {
			if i := strings.LastIndex(x.Title, ", "); i > 0 {
				x.Title, x.Company = x.Title[:i], x.Title[i+2:]
			}
		}
		x.Description = joinProse(e.desc)
		if x.Title == "" && x.Company == "" {
			continue
		}
		out = append(out, x)
	}
	return out
}

// splitPlace splits "Acme Corp, Berlin" into the company and its place,
// leaving "Acme, Inc." whole.
func splitPlace(s string) (string, string) {
	i := strings.Index(s, ", ")
	if i <= 0 {
		return s, ""
	}
	tail := s[i+2:]
	first := strings.Fields(tail)
	if len(first) == 0 || companySfx.MatchString(first[0]) {
		return s, ""
	}
	r, _ := utf8.DecodeRuneInString(tail)
	if !unicode.IsUpper(r) {
		return s, ""
	}
	return s[:i], tail
}

// readEducation reads the degrees of the education section.
func readEducation(lines []cvLine) []Education {
	var out []Education
	isDegree := func(s string) bool { return degreeRx.MatchString(s) }
	for _, e := range entries(lines, findDate, isDegree, 2) {
		x := Education{Start: e.span.start, End: e.span.end}
		if e.span.current {
			x.End = nil
		}
		var others []string
		for _, p := range e.parts {
			switch {
			case x.Degree == "" && degreeRx.MatchString(p) && !institutionRx.MatchString(p):
				x.Degree, x.FieldOfStudy = splitDegree(p)
			case x.Institution == "" && institutionRx.MatchString(p):
				x.Institution = p
			default:
				others = append(others, p)
			}
		}
		for _, o := range others {
			switch {
			case x.Institution == "" && !placeRx.MatchString(o):
				x.Institution = o
			case x.Degree == "":
				x.Degree, x.FieldOfStudy = splitDegree(o)
			case x.FieldOfStudy == "" && !placeRx.MatchString(o) && !institutionRx.MatchString(o):
				x.FieldOfStudy = o
			}
		}
		if i := strings.Index(x.Institution, ", "); i > 0 && x.Degree == "" {
			x.Degree, x.FieldOfStudy = splitDegree(x.Institution[:i])
			x.Institution = x.Institution[i+2:]
		}
		x.Institution, _ = splitPlace(x.Institution)
		x.Description = joinProse(e.desc)
		if x.Degree == "" && x.Institution == "" {
			continue
		}
		out = append(out, x)
	}
	return out
}

// splitDegree splits "BSc in Computer Science", "Master of Science,
// Physics" or "MSc Computer Science" into the degree and the field.
func splitDegree(s string) (string, string) {
	for _, sep := range []string{" in ", ", ", " - "} {
		if i := strings.Index(s, sep); i > 0 {
			return strings.TrimSpace(s[:i]), strings.Trim(s[i+len(sep):], " ()")
		}
	}
	if m := degreeRx.FindStringIndex(s); m != nil && m[0] == 0 && !strings.Contains(strings.ToLower(s[:m[1]]), " of") {
		deg := strings.TrimSpace(s[:m[1]])
		field := strings.TrimSpace(s[m[1]:])
		if strings.HasPrefix(field, "(") {
			if j := strings.Index(field, ")"); j > 0 {
				deg += " " + field[:j+1]
				field = strings.TrimSpace(field[j+1:])
			}
		}
		if f := strings.ToLower(field); strings.HasPrefix(f, "of ") || strings.HasPrefix(f, "degree") || degreeRx.MatchString(field) {
			return s, ""
		}
		return deg, field
	}
	return s, ""
}

// readCertifications reads one certification a line: "Name — Issuer —
// Mar 2022 (expires Mar 2025)", with an optional credential id and URL; a
// line with only an id, a URL or dates belongs to the certification above.
func readCertifications(lines []cvLine) []Certification {
	var out []Certification
	for _, l := range lines {
		s := l.text
		var c Certification
		if m := credIDRx.FindStringSubmatchIndex(s); m != nil {
			c.CredentialID = s[m[2]:m[3]]
			s = s[:m[0]] + " | " + s[m[1]:]
		}
		if u := linkRx.FindString(s); u != "" {
			c.CredentialURL = strings.TrimRight(u, ".,;)")
			s = strings.Replace(s, u, " | ", 1)
		}
		dates := allPoints(s)
		if x := expiryRx.FindStringIndex(s); x != nil {
			after := allPoints(s[x[0]:])
			if len(after) > 0 {
				e := after[0]
				c.ExpiryDate = &e
				if len(dates) > 1 {
					d := dates[0]
					c.IssueDate = &d
				}
			}
		} else if len(dates) > 0 {
			d := dates[0]
			c.IssueDate = &d
			if len(dates) > 1 {
				e := dates[1]
				c.ExpiryDate = &e
			}
		}
		s = pointRx.ReplaceAllString(s, " | ")
		s = expiryRx.ReplaceAllString(s, " | ")
		s = issuedRx.ReplaceAllString(s, " | ")
		s = emptyParRx.ReplaceAllString(s, " | ")
		var parts []string
		for _, p := range splitParts(s) {
			parts = append(parts, strings.Split(p, ", ")...)
		}
		parts = slices.DeleteFunc(parts, func(p string) bool {
			p = strings.Trim(p, " ,;:()|-")
			return p == "" || strings.EqualFold(p, "by") || strings.EqualFold(p, "from")
		})
		if len(parts) == 0 && len(out) > 0 {
			// A continuation line: its id, link or dates go to the one above.
			prev := &out[len(out)-1]
			if prev.CredentialID == "" {
				prev.CredentialID = c.CredentialID
			}
			if prev.CredentialURL == "" {
				prev.CredentialURL = c.CredentialURL
			}
			if prev.IssueDate == nil {
				prev.IssueDate = c.IssueDate
			}
			if prev.ExpiryDate == nil {
				prev.ExpiryDate = c.ExpiryDate
			}
			continue
		}
		if len(parts) == 0 {
			continue
		}
		for i := range parts {
			parts[i] = trimPart(parts[i])
		}
		c.Name = parts[0]
		if n := len(parts); n > 1 {
			c.Name = strings.Join(parts[:n-1], " – ")
			c.IssuingOrg = strings.TrimPrefix(strings.TrimPrefix(parts[n-1], "by "), "from ")
		}
		if c.IssuingOrg == "" {
			lower := strings.ToLower(c.Name)
			for _, k := range knownIssuers {
				if strings.Contains(" "+lower+" ", " "+k.key+" ") || strings.Contains(lower, "("+k.key+")") {
					c.IssuingOrg = k.org
					break
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// trimPart trims stray separators and unbalanced brackets from a part of a
// line, keeping "Administrator (CKA)" whole.
func trimPart(s string) string {
	s = strings.Trim(s, " ,;:|-–—")
	// The brackets are counted once: recounting them for each one cut made
	// a long run of ")" quadratic.
	opens, closes := strings.Count(s, "("), strings.Count(s, ")")
	for closes > opens && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(strings.TrimSuffix(s, ")"))
		closes--
	}
	for opens > closes && strings.HasPrefix(s, "(") {
		s = strings.TrimSpace(strings.TrimPrefix(s, "("))
		opens--
	}
	return strings.Trim(s, " ,;:|-–—")
}

// readSkills lists the skills section's items (each canonicalised by the
// skill dictionary when it knows it, kept as written when short), then the
// dictionary's skills named in the summary and the positions, each once.
func readSkills(lines []cvLine, p Proposal) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.Trim(s, " .,;:()[]*_")
		if c, ok := skills.Canonical(s); ok {
			s = c
		}
		k := strings.ToLower(s)
		if s == "" || seen[k] || len(out) >= 200 {
			return
		}
		seen[k] = true
		out = append(out, s)
	}
	for _, l := range lines {
		s := l.text
		if i := strings.IndexAny(s, ":："); i > 0 && len(strings.Fields(s[:i])) <= 4 {
			s = s[i+1:]
		}
		for _, item := range skillSepRx.Split(s, -1) {
			item = strings.TrimSpace(item)
			if _, ok := skills.Canonical(item); ok {
				add(item)
				continue
			}
			if n := len(strings.Fields(item)); n >= 1 && n <= 3 && utf8.RuneCountInString(item) <= 40 && letters(item) > 0 {
				add(item)
				continue
			}
			for _, f := range skills.Find(item) {
				add(f)
			}
		}
	}
	var prose strings.Builder
	prose.WriteString(p.Summary)
	for _, x := range p.Experiences {
		prose.WriteString("\n" + x.Description)
	}
	for _, f := range skills.Find(prose.String()) {
		add(f)
	}
	return out
}
