package analysis

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"strings"

	"github.com/vega-ai/vega/models"
)

// Document is a generated cover letter or CV.
type Document struct {
	// Type is models.DocumentCoverLetter or models.DocumentCV.
	Type string
	// Title names the document, such as "Cover letter: Go Engineer at Acme".
	Title string
	// HTML is the document as a sanitised HTML fragment (an <article>).
	HTML string
	// Provider, Model and PromptVersion say who wrote it.
	Provider, Model, PromptVersion string
	// Note explains a fallback to the built-in generator.
	Note string
}

// Generator writes documents for a job from a profile.
type Generator interface {
	// CoverLetter writes a cover letter for in.Job.
	CoverLetter(ctx context.Context, in Input) (Document, error)
	// CV writes a CV of in.Profile ordered by relevance to in.Job.
	CV(ctx context.Context, in Input) (Document, error)
}

// BuiltinGenerator writes documents from templates, without network. Its
// output is deterministic for a given Input (with Now set).
type BuiltinGenerator struct{}

// builtinPromptVersion marks documents from the built-in templates.
const builtinPromptVersion = "builtin-1"

// roleAt returns "Go Engineer at Acme", or the title alone.
func roleAt(job *models.Job) string {
	t := strings.TrimSpace(job.Title)
	if c := companyName(job); c != "" {
		return t + " at " + c
	}
	return t
}

// contact is one line of contact details.
type contact struct {
	Text, Href string
}

// contacts lists the profile's contact details that are set.
func contacts(p *models.Profile) []contact {
	var out []contact
	add := func(text, href string) {
		if text = strings.TrimSpace(text); text == "" {
			return
		}
		if href != "" {
			if h, ok := safeHref(href); ok {
				out = append(out, contact{text, h})
				return
			}
		}
		out = append(out, contact{Text: text})
	}
	add(p.Email, "mailto:"+strings.TrimSpace(p.Email))
	add(p.PhoneNumber, "")
	add(p.Location, "")
	for _, l := range []string{p.LinkedInProfile, p.GitHubProfile, p.Website} {
		href := strings.TrimSpace(l)
		if href != "" && !strings.Contains(href, "://") {
			href = "https://" + href
		}
		add(l, href)
	}
	return out
}

// letterData is what the cover letter template reads.
type letterData struct {
	Name, Date, Greeting string
	Contacts             []contact
	Paragraphs           []string
}

var letterTmpl = template.Must(template.New("letter").Parse(`<article class="cover-letter">
<header>
{{- if .Name}}<h1>{{.Name}}</h1>{{end}}
{{- if .Contacts}}<p class="contact">{{range $i, $c := .Contacts}}{{if $i}} · {{end}}{{if $c.Href}}<a href="{{$c.Href}}">{{$c.Text}}</a>{{else}}{{$c.Text}}{{end}}{{end}}</p>{{end}}
<p class="date">{{.Date}}</p>
</header>
<p>{{.Greeting}}</p>
{{range .Paragraphs}}<p>{{.}}</p>
{{end -}}
<p class="closing">Kind regards,{{if .Name}}<br>{{.Name}}{{end}}</p>
</article>`))

// CoverLetter writes a letter naming the company and the role, the
// strongest matched skills and the most relevant experience. Missing
// profile details are written around, never left as placeholders.
func (BuiltinGenerator) CoverLetter(ctx context.Context, in Input) (Document, error) {
	job := in.Job
	if job == nil {
		job = &models.Job{}
	}
	p := in.Profile
	if p == nil {
		p = &models.Profile{}
	}
	st := match(in)
	company, role := companyName(job), strings.TrimSpace(job.Title)
	d := letterData{Name: strings.TrimSpace(p.FullName()), Date: in.now().Format("2 January 2006"), Contacts: contacts(p)}
	d.Greeting = "Dear Hiring Manager,"
	if company != "" {
		d.Greeting = "Dear " + company + " Hiring Team,"
	}
	var matched []string
	for _, m := range st.matched() {
		matched = append(matched, m.Skill)
	}

	// Opening: the role, the company, who the candidate is.
	var open strings.Builder
	switch {
	case role != "" && company != "":
		fmt.Fprintf(&open, "I am writing to apply for the %s role at %s.", role, company)
	case role != "":
		fmt.Fprintf(&open, "I am writing to apply for the %s role.", role)
	default:
		open.WriteString("I am writing to apply for the position you advertised.")
	}
	years := int(st.years + 0.5)
	headline := strings.TrimSpace(p.Title)
	switch {
	case headline != "" && years >= 2:
		fmt.Fprintf(&open, " As %s %s with %d years of experience", article(headline), headline, years)
	case headline != "":
		fmt.Fprintf(&open, " As %s %s", article(headline), headline)
	case years >= 2:
		fmt.Fprintf(&open, " With %d years of professional experience", years)
	}
	if headline != "" || years >= 2 {
		if len(matched) > 0 {
			fmt.Fprintf(&open, ", I would bring hands-on skill in %s to the team.", joinList(firstN(matched, 3)))
		} else {
			open.WriteString(", I would bring a practical, dependable approach to the team.")
		}
	} else if len(matched) > 0 {
		fmt.Fprintf(&open, " I would bring hands-on skill in %s to the team.", joinList(firstN(matched, 3)))
	}
	d.Paragraphs = append(d.Paragraphs, open.String())

	// The most relevant experiences.
	said := map[string]bool{}
	for _, m := range firstN(matched, 3) {
		said[m] = true
	}
	exps := st.rankedExperiences()
	if len(exps) > 0 {
		e := exps[0]
		var b strings.Builder
		verb := "In my role"
		if e.Current {
			verb = "In my current role"
		}
		fmt.Fprintf(&b, "%s as %s", verb, strings.TrimSpace(e.Title))
		if c := strings.TrimSpace(e.Company); c != "" {
			fmt.Fprintf(&b, " at %s", c)
		}
		if rel := st.jobSkillsIn(e.Skills); len(rel) > 0 {
			fmt.Fprintf(&b, ", I worked with %s every day.", joinList(firstN(rel, 4)))
		} else {
			b.WriteString(", I built the experience this role calls for.")
		}
		if s := firstSentence(deref(e.Description)); s != "" {
			fmt.Fprintf(&b, " A highlight of that work: %s", lowerFirst(s))
		}
		mentioned := firstN(st.jobSkillsIn(e.Skills), 4)
		if len(exps) > 1 {
			e2 := exps[1]
			if rel := st.jobSkillsIn(e2.Skills); len(rel) > 0 {
				fmt.Fprintf(&b, " I have also worked as %s at %s, where I used %s.", strings.TrimSpace(e2.Title), strings.TrimSpace(e2.Company), joinList(firstN(rel, 3)))
				mentioned = append(mentioned, firstN(rel, 3)...)
			}
		}
		for _, m := range mentioned {
			said[m] = true
		}
		d.Paragraphs = append(d.Paragraphs, b.String())
	}

	// Further skills, certificates and education.
	var more strings.Builder
	var rest []string
	for _, m := range matched {
		if !said[m] {
			rest = append(rest, m)
		}
	}
	switch rest = firstN(rest, 5); len(rest) {
	case 0:
	case 1:
		fmt.Fprintf(&more, "The posting also mentions %s, which I have used as well.", rest[0])
	default:
		fmt.Fprintf(&more, "The posting also mentions %s, all of which I have used as well.", joinList(rest))
	}
	if len(p.Certifications) > 0 {
		c := p.Certifications[0]
		if more.Len() > 0 {
			more.WriteByte(' ')
		}
		fmt.Fprintf(&more, "I hold the %s certification", strings.TrimSpace(c.Name))
		if org := strings.TrimSpace(c.IssuingOrg); org != "" {
			fmt.Fprintf(&more, " from %s", org)
		}
		more.WriteString(".")
	}
	if len(p.Education) > 0 {
		e := p.Education[0]
		if more.Len() > 0 {
			more.WriteByte(' ')
		}
		fmt.Fprintf(&more, "My education includes %s %s", article(e.Degree), strings.TrimSpace(e.Degree))
		if f := strings.TrimSpace(deref(e.FieldOfStudy)); f != "" {
			fmt.Fprintf(&more, " in %s", f)
		}
		if inst := strings.TrimSpace(e.Institution); inst != "" {
			fmt.Fprintf(&more, " from %s", inst)
		}
		more.WriteString(".")
	}
	if more.Len() > 0 {
		d.Paragraphs = append(d.Paragraphs, more.String())
	}

	// Closing.
	if company != "" {
		d.Paragraphs = append(d.Paragraphs, fmt.Sprintf("I would welcome the chance to discuss how I can contribute to %s. Thank you for your time and consideration.", company))
	} else {
		d.Paragraphs = append(d.Paragraphs, "I would welcome the chance to discuss how I can contribute to your team. Thank you for your time and consideration.")
	}

	var buf bytes.Buffer
	if err := letterTmpl.Execute(&buf, d); err != nil {
		return Document{}, err
	}
	title := "Cover letter"
	if r := roleAt(job); r != "" {
		title += ": " + r
	}
	return Document{Type: models.DocumentCoverLetter, Title: title, HTML: SanitizeHTML(buf.String()),
		Provider: ProviderBuiltin, PromptVersion: builtinPromptVersion}, nil
}

// article returns "an" before a vowel sound (roughly) and "a" otherwise.
func article(word string) string {
	w := strings.ToLower(strings.TrimSpace(word))
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an"
	}
	return "a"
}

// lowerFirst lowercases the first letter of s unless the first word looks
// like a name or acronym (a second capital letter in it).
func lowerFirst(s string) string {
	first, _, _ := strings.Cut(s, " ")
	if len(first) < 2 || strings.ToLower(first[1:]) != first[1:] || first[0] < 'A' || first[0] > 'Z' {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// jobSkillsIn returns the job's skills among list, in the job's order.
func (st *analysisState) jobSkillsIn(list []string) []string {
	var out []string
	for _, s := range st.jobSkills {
		if slices.Contains(list, s.Name) {
			out = append(out, s.Name)
		}
	}
	return out
}

// rankedExperiences orders the work experiences by relevance to the job:
// three points per job skill they name, two per unit of title overlap, ties
// kept in the profile's order (current first, then newest).
func (st *analysisState) rankedExperiences() []experience {
	out := slices.Clone(st.experiences)
	role := []string{}
	if st.in.Job != nil {
		role = roleWords(st.in.Job.Title)
	}
	for i := range out {
		out[i].Relevance = 3*float64(len(st.jobSkillsIn(out[i].Skills))) + 2*titleOverlap(role, out[i].Title)
	}
	slices.SortStableFunc(out, func(a, b experience) int { return cmp.Compare(b.Relevance, a.Relevance) })
	return out
}

// cvEntry is one position, degree or certificate in the CV.
type cvEntry struct {
	Heading, Meta string
	Paragraphs    []string
	Bullets       []string
}

// cvData is what the CV template reads.
type cvData struct {
	Name, Headline, Summary string
	Contacts                []contact
	Relevant, Other         []string
	Experience, Education   []cvEntry
	Certifications          []cvEntry
}

var cvTmpl = template.Must(template.New("cv").Parse(`<article class="cv">
<header>
<h1>{{.Name}}</h1>
{{- if .Headline}}<p class="headline">{{.Headline}}</p>{{end}}
{{- if .Contacts}}<p class="contact">{{range $i, $c := .Contacts}}{{if $i}} · {{end}}{{if $c.Href}}<a href="{{$c.Href}}">{{$c.Text}}</a>{{else}}{{$c.Text}}{{end}}{{end}}</p>{{end}}
</header>
{{- if .Summary}}
<section class="summary"><h2>Profile</h2><p>{{.Summary}}</p></section>
{{- end}}
{{- if or .Relevant .Other}}
<section class="skills"><h2>Skills</h2>
{{- if .Relevant}}<p class="relevant"><strong>Relevant to this role:</strong> {{range $i, $s := .Relevant}}{{if $i}}, {{end}}{{$s}}{{end}}</p>{{end}}
{{- if .Other}}<p class="other">{{if .Relevant}}<strong>Also:</strong> {{end}}{{range $i, $s := .Other}}{{if $i}}, {{end}}{{$s}}{{end}}</p>{{end}}
</section>
{{- end}}
{{- define "entries"}}{{range .}}
<div class="entry"><h3>{{.Heading}}</h3>{{if .Meta}}<p class="meta">{{.Meta}}</p>{{end}}
{{- range .Paragraphs}}<p>{{.}}</p>{{end}}
{{- if .Bullets}}<ul>{{range .Bullets}}<li>{{.}}</li>{{end}}</ul>{{end}}</div>
{{- end}}{{end}}
{{- if .Experience}}
<section class="experience"><h2>Experience</h2>{{template "entries" .Experience}}
</section>
{{- end}}
{{- if .Education}}
<section class="education"><h2>Education</h2>{{template "entries" .Education}}
</section>
{{- end}}
{{- if .Certifications}}
<section class="certifications"><h2>Certifications</h2>{{template "entries" .Certifications}}
</section>
{{- end}}
</article>`))

// splitDescription turns a free-text description into paragraphs and
// bullets: lines starting with "-", "*" or "•" are bullets.
func splitDescription(s string) (paras, bullets []string) {
	for l := range strings.SplitSeq(s, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "":
		case strings.HasPrefix(l, "-"), strings.HasPrefix(l, "*"), strings.HasPrefix(l, "•"):
			if b := strings.TrimSpace(strings.TrimLeft(l, "-*• ")); b != "" {
				bullets = append(bullets, b)
			}
		default:
			paras = append(paras, l)
		}
	}
	return paras, bullets
}

// CV writes the profile as a CV: skills the job asks for first, then the
// others; work experience ordered by relevance to the job; education and
// certifications. A profile without a name is headed by its title, or by
// "Curriculum vitae".
func (BuiltinGenerator) CV(ctx context.Context, in Input) (Document, error) {
	p := in.Profile
	if p == nil {
		p = &models.Profile{}
	}
	job := in.Job
	if job == nil {
		job = &models.Job{}
	}
	st := match(in)
	d := cvData{Name: strings.TrimSpace(p.FullName()), Headline: strings.TrimSpace(p.Title),
		Summary: strings.TrimSpace(p.CareerSummary), Contacts: contacts(p)}
	if d.Name == "" {
		d.Name, d.Headline = "Curriculum vitae", strings.TrimSpace(p.Title)
	}
	relevant := map[string]bool{}
	for _, m := range st.matched() {
		d.Relevant = append(d.Relevant, m.Skill)
		relevant[strings.ToLower(m.Skill)] = true
	}
	for _, s := range p.Skills {
		c := canon(s)
		if c != "" && !relevant[strings.ToLower(c)] {
			relevant[strings.ToLower(c)] = true
			d.Other = append(d.Other, c)
		}
	}
	for _, e := range st.rankedExperiences() {
		heading := strings.TrimSpace(e.Title)
		if c := strings.TrimSpace(e.Company); c != "" {
			heading += " — " + c
		}
		meta := []string{}
		if !e.StartDate.IsZero() {
			meta = append(meta, period(e.StartDate, e.EndDate, e.Current))
		}
		if l := strings.TrimSpace(deref(e.Location)); l != "" {
			meta = append(meta, l)
		}
		paras, bullets := splitDescription(deref(e.Description))
		d.Experience = append(d.Experience, cvEntry{Heading: heading, Meta: strings.Join(meta, " · "), Paragraphs: paras, Bullets: bullets})
	}
	for _, e := range p.Education {
		heading := strings.TrimSpace(e.Degree)
		if f := strings.TrimSpace(deref(e.FieldOfStudy)); f != "" {
			heading += " in " + f
		}
		paras, bullets := splitDescription(deref(e.Description))
		meta := []string{strings.TrimSpace(e.Institution)}
		if !e.StartDate.IsZero() {
			meta = append(meta, period(e.StartDate, e.EndDate, e.EndDate == nil))
		}
		d.Education = append(d.Education, cvEntry{Heading: heading, Meta: strings.Join(slices.DeleteFunc(meta, func(s string) bool { return s == "" }), " · "), Paragraphs: paras, Bullets: bullets})
	}
	for _, c := range p.Certifications {
		meta := []string{strings.TrimSpace(c.IssuingOrg)}
		if !c.IssueDate.IsZero() {
			meta = append(meta, fmt.Sprint(c.IssueDate.Year()))
		}
		d.Certifications = append(d.Certifications, cvEntry{Heading: strings.TrimSpace(c.Name), Meta: strings.Join(slices.DeleteFunc(meta, func(s string) bool { return s == "" }), " · ")})
	}
	var buf bytes.Buffer
	if err := cvTmpl.Execute(&buf, d); err != nil {
		return Document{}, err
	}
	title := "CV"
	if r := roleAt(job); r != "" {
		title += ": " + r
	}
	return Document{Type: models.DocumentCV, Title: title, HTML: SanitizeHTML(buf.String()),
		Provider: ProviderBuiltin, PromptVersion: builtinPromptVersion}, nil
}

// placeholderRE finds the placeholders a model (or a template) may leave:
// "[Your Name]", "[Company]", "{{name}}", "<no value>".
var placeholderRE = regexp.MustCompile(`(?i)\[[^\]\n]{0,40}(?:your|name|company|date|address|hiring|position|role|phone|email)[^\]\n]{0,40}\]|\{\{|\}\}|<no value>`)

// HasPlaceholder reports whether text still holds a placeholder such as
// "[Your Name]".
func HasPlaceholder(text string) bool { return placeholderRE.MatchString(text) }

// LLMGenerator writes documents through an OpenAI-compatible API, falling
// back to Fallback (nil: BuiltinGenerator) with a Note when the provider
// fails or its HTML is empty or holds placeholders.
type LLMGenerator struct {
	Client   *Client
	Fallback Generator
}

// documentSystemPrompt is the system message for documents; %s is the
// document's kind and its instructions.
const documentSystemPrompt = `You write job application documents for the candidate described below, in the candidate's voice.
Use only the facts given; never invent employers, dates, degrees or skills, and never leave placeholders such as [Your Name]: if a detail is missing, write around it.
Write %s
Answer with one JSON object and nothing else: {"html": "<article>...</article>"}, using only these HTML elements: article, header, section, h1, h2, h3, p, ul, li, strong, em, br, a.`

// CoverLetter asks the provider for a letter, or falls back.
func (g *LLMGenerator) CoverLetter(ctx context.Context, in Input) (Document, error) {
	company := companyName(in.Job)
	instr := "a cover letter of three to five short paragraphs for the job below. Name the company"
	if company != "" {
		instr += " (" + company + ")"
	}
	instr += " and the role, and connect the candidate's strongest matching skills and experience to the job. Start with a greeting and end with a sign-off with the candidate's name if known."
	return g.generate(ctx, in, models.DocumentCoverLetter, instr, func(fb Generator) (Document, error) { return fb.CoverLetter(ctx, in) })
}

// CV asks the provider for a CV, or falls back.
func (g *LLMGenerator) CV(ctx context.Context, in Input) (Document, error) {
	instr := "a CV (résumé) of the candidate tailored to the job below: a header with name and contacts, a short profile, skills with the ones the job asks for first, work experience ordered by relevance to the job, education and certifications."
	return g.generate(ctx, in, models.DocumentCV, instr, func(fb Generator) (Document, error) { return fb.CV(ctx, in) })
}

// generate runs one document request with its fallback.
func (g *LLMGenerator) generate(ctx context.Context, in Input, typ, instr string, fallback func(Generator) (Document, error)) (Document, error) {
	fb := g.Fallback
	if fb == nil {
		fb = BuiltinGenerator{}
	}
	reply, model, err := g.Client.complete(ctx, fmt.Sprintf(documentSystemPrompt, instr), describeForPrompt(in))
	if err == nil {
		var doc Document
		if doc, err = parseDocument(reply); err == nil {
			job := in.Job
			if job == nil {
				job = &models.Job{}
			}
			doc.Type, doc.Provider, doc.Model, doc.PromptVersion = typ, ProviderOpenAI, model, PromptVersion
			doc.Title = "Cover letter"
			if typ == models.DocumentCV {
				doc.Title = "CV"
			}
			if r := roleAt(job); r != "" {
				doc.Title += ": " + r
			}
			return doc, nil
		}
	}
	if ctx.Err() != nil {
		return Document{}, ctx.Err()
	}
	doc, ferr := fallback(fb)
	if ferr != nil {
		return Document{}, ferr
	}
	doc.Note = "The AI provider failed (" + reasonOf(err) + "); this is the built-in document."
	return doc, nil
}

// parseDocument validates a model's {"html": "..."} reply: after
// sanitising, the HTML must have text and no placeholder.
func parseDocument(reply string) (Document, error) {
	obj, err := decodeObject(reply)
	if err != nil {
		return Document{}, err
	}
	var h string
	if err := jsonString(obj["html"], &h); err != nil {
		return Document{}, failed("the reply has no html string")
	}
	clean := SanitizeHTML(h)
	text := TextOf(clean)
	switch {
	case len(text) < 40:
		return Document{}, failed("the reply's document is empty")
	case HasPlaceholder(text):
		return Document{}, failed("the reply's document has placeholders")
	}
	return Document{HTML: clean}, nil
}
