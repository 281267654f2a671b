package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/scraper/skills"
)

// Weights of the built-in score's components. A component that cannot be
// computed (a job naming no known skill, a job title of noise words) is left
// out and the others are scaled up to sum to 1.
const (
	weightSkills     = 0.55
	weightExperience = 0.30
	weightKeywords   = 0.15
)

// Builtin is the deterministic analyser: same input, same output, no
// network. See README.md for the formula. The zero value is ready to use.
type Builtin struct{}

// Analyse compares the job with the profile. It never fails.
func (Builtin) Analyse(ctx context.Context, in Input) (Result, error) {
	return match(in).result(), nil
}

// jobSkill is a skill the job names.
type jobSkill struct {
	Name     string
	Required bool // in the job's required skills or its title
}

// Where a profile shows a skill; demonstrated places count fully, claimed
// ones (the skills list, the summary) a little less.
const (
	whereSkillsList = "skills list"
	whereSummary    = "profile summary"
	whereContext    = "notes for the AI"
	claimedCredit   = 0.8
)

// experience is a work experience with what the analysis learnt about it.
type experience struct {
	models.WorkExperience
	Label     string   // "Backend Engineer at Acme (2019–present)"
	Skills    []string // canonical skills it names
	Relevance float64  // for ordering in the CV
	Index     int      // position in the profile (current first, then newest)
	span      [2]time.Time
}

// analysisState is everything the built-in analyser computed, shared with
// the built-in generators.
type analysisState struct {
	in          Input
	jobSkills   []jobSkill
	evidence    map[string][]string // canonical skill (lowercase) -> where
	demonstrate map[string]bool     // skill shown in experience, education or a certificate
	experiences []experience
	years       float64 // of relevant experience
	needYears   int
	jobLevel    int
	candLevel   int
	bestTitle   string // the profile title or experience label most like the job title
	titleScore  float64
	hasTitle    bool
	shared      []string // shared keywords, heaviest first
	components  []Component
	score       int
	empty       bool
}

// canon returns the dictionary's name for s, or s trimmed.
func canon(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if c, ok := skills.Canonical(s); ok {
		return c
	}
	return s
}

// companyName returns the job's company name, or "".
func companyName(j *models.Job) string {
	if j == nil || j.Company == nil {
		return ""
	}
	return strings.TrimSpace(j.Company.Name)
}

// period formats a position's dates as "2019–present" or "2016–2019".
func period(start time.Time, end *time.Time, current bool) string {
	switch {
	case current || end == nil:
		return fmt.Sprintf("%d–present", start.Year())
	case end.Year() == start.Year():
		return fmt.Sprint(start.Year())
	}
	return fmt.Sprintf("%d–%d", start.Year(), end.Year())
}

// deref returns *p or "".
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// match runs the built-in analysis.
func match(in Input) *analysisState {
	st := &analysisState{in: in, evidence: map[string][]string{}, demonstrate: map[string]bool{}, jobLevel: levelNone, candLevel: levelNone}
	job, p := in.Job, in.Profile
	if job == nil {
		job = &models.Job{}
	}
	if p == nil {
		p = &models.Profile{}
	}

	// The job's skills: its required skills, then those its title and
	// description name.
	seen := map[string]bool{}
	addJob := func(name string, required bool) {
		if name == "" {
			return
		}
		k := strings.ToLower(name)
		if seen[k] {
			return
		}
		seen[k] = true
		st.jobSkills = append(st.jobSkills, jobSkill{Name: name, Required: required})
	}
	for _, s := range job.RequiredSkills {
		addJob(canon(s), true)
	}
	for _, s := range skills.Find(job.Title) {
		addJob(s, true)
	}
	for _, s := range skills.Find(job.Description) {
		addJob(s, false)
	}

	// Where the profile shows each skill.
	show := func(name, where string, demonstrated bool) {
		k := strings.ToLower(canon(name))
		if k == "" {
			return
		}
		if !slices.Contains(st.evidence[k], where) {
			st.evidence[k] = append(st.evidence[k], where)
		}
		if demonstrated {
			st.demonstrate[k] = true
		}
	}
	for _, s := range p.Skills {
		show(s, whereSkillsList, false)
	}
	for _, s := range skills.Find(p.Title + "\n" + p.CareerSummary) {
		show(s, whereSummary, false)
	}
	for _, s := range skills.Find(p.Context) {
		show(s, whereContext, false)
	}
	now := in.now()
	for i, w := range p.WorkExperiences {
		e := experience{WorkExperience: w, Index: i}
		e.Label = strings.TrimSpace(w.Title)
		if c := strings.TrimSpace(w.Company); c != "" {
			e.Label += " at " + c
		}
		if !w.StartDate.IsZero() {
			e.Label += " (" + period(w.StartDate, w.EndDate, w.Current) + ")"
			end := now
			if !w.Current && w.EndDate != nil {
				end = *w.EndDate
			}
			if end.After(w.StartDate) {
				e.span = [2]time.Time{w.StartDate, end}
			}
		}
		e.Skills = skills.Find(w.Title + "\n" + deref(w.Description))
		for _, s := range e.Skills {
			show(s, e.Label, true)
		}
		st.experiences = append(st.experiences, e)
	}
	for _, ed := range p.Education {
		label := strings.TrimSpace(ed.Degree)
		if f := strings.TrimSpace(deref(ed.FieldOfStudy)); f != "" {
			label += " in " + f
		}
		if inst := strings.TrimSpace(ed.Institution); inst != "" {
			label += ", " + inst
		}
		for _, s := range skills.Find(deref(ed.FieldOfStudy) + "\n" + deref(ed.Description)) {
			show(s, label, true)
		}
	}
	for _, c := range p.Certifications {
		label := "certification: " + strings.TrimSpace(c.Name)
		found := skills.Find(c.Name)
		if n, ok := skills.Canonical(c.Name); ok {
			found = append(found, n)
		}
		for _, s := range found {
			show(s, label, true)
		}
	}
	// Years of relevant experience: positions that name one of the job's
	// skills or share a word of its title.
	role := roleWords(job.Title)
	var spans [][2]time.Time
	for _, e := range st.experiences {
		if !e.span[0].IsZero() && (len(st.jobSkillsIn(e.Skills)) > 0 || titleOverlap(role, e.Title) > 0) {
			spans = append(spans, e.span)
		}
	}
	st.years = yearsCovered(spans)
	st.empty = len(p.Skills) == 0 && len(p.WorkExperiences) == 0 && strings.TrimSpace(p.CareerSummary) == "" &&
		strings.TrimSpace(p.Title) == "" && len(p.Education) == 0 && len(p.Certifications) == 0

	st.score = st.compute()
	return st
}

// yearsCovered returns the years covered by the union of spans, so
// overlapping positions are not counted twice.
func yearsCovered(spans [][2]time.Time) float64 {
	slices.SortFunc(spans, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	var total time.Duration
	var cur [2]time.Time
	for i, s := range spans {
		switch {
		case i == 0:
			cur = s
		case !s[0].After(cur[1]):
			if s[1].After(cur[1]) {
				cur[1] = s[1]
			}
		default:
			total += cur[1].Sub(cur[0])
			cur = s
		}
	}
	if len(spans) > 0 {
		total += cur[1].Sub(cur[0])
	}
	return total.Hours() / (24 * 365.25)
}

// compute fills the components and returns the score.
func (st *analysisState) compute() int {
	job, p := st.in.Job, st.in.Profile
	if job == nil {
		job = &models.Job{}
	}
	if p == nil {
		p = &models.Profile{}
	}
	var comps []Component
	add := func(name string, score, weight float64) {
		comps = append(comps, Component{Name: name, Score: int(math.Round(100 * clamp01(score))), Weight: weight})
	}

	// Skills: weighted coverage; required skills weigh 2, others 1; a skill
	// only claimed (skills list, summary) earns claimedCredit.
	if len(st.jobSkills) > 0 {
		var got, total float64
		for _, s := range st.jobSkills {
			w := 1.0
			if s.Required {
				w = 2
			}
			total += w
			k := strings.ToLower(s.Name)
			switch {
			case st.demonstrate[k]:
				got += w
			case len(st.evidence[k]) > 0:
				got += w * claimedCredit
			}
		}
		add("skills", got/total, weightSkills)
	}

	// Experience: the mean of title similarity, years against the years
	// asked for, and seniority fit, where each can be computed.
	var parts []float64
	jobRole := roleWords(job.Title)
	if len(jobRole) > 0 {
		st.hasTitle = true
		cands := []string{p.Title}
		labels := []string{p.Title}
		for _, e := range st.experiences {
			cands = append(cands, e.Title)
			labels = append(labels, e.Label)
		}
		for i, c := range cands {
			// Older positions count a little less than the headline and the
			// current one.
			o := titleOverlap(jobRole, c)
			if i > 1 {
				o *= 0.9
			}
			if o > st.titleScore {
				st.titleScore, st.bestTitle = o, labels[i]
			}
		}
		parts = append(parts, st.titleScore)
	}
	st.needYears = requiredYears(job.Description)
	if st.needYears > 0 {
		parts = append(parts, clamp01(st.years/float64(st.needYears)))
	}
	st.jobLevel = titleLevel(job.Title)
	if st.jobLevel == levelNone && st.needYears > 0 {
		st.jobLevel = yearsLevel(float64(st.needYears))
	}
	if st.jobLevel != levelNone && len(st.experiences) > 0 && st.years > 0 {
		// The candidate's level: what their years usually mean, or what
		// their headline or latest title says, whichever is higher.
		st.candLevel = max(yearsLevel(st.years), titleLevel(p.Title), titleLevel(st.experiences[0].Title))
		diff := st.jobLevel - st.candLevel
		fit := 1.0
		if diff > 0 {
			fit = 1 - 0.35*float64(diff)
		} else if diff < 0 {
			fit = 1 + 0.15*float64(diff)
		}
		parts = append(parts, clamp01(fit))
	} else if st.jobLevel != levelNone && len(st.experiences) > 0 {
		parts = append(parts, 0) // a level asked for, no relevant experience to meet it
	}
	if len(parts) > 0 {
		var sum float64
		for _, x := range parts {
			sum += x
		}
		add("experience", sum/float64(len(parts)), weightExperience)
	}

	// Keywords: the TF-IDF weight of the job's heaviest terms that the
	// profile's text contains, as a share of the total, scaled so that 60%
	// coverage counts as full.
	if jt := jobTerms(job.Title + "\n" + job.Description); len(jt) > 0 {
		have := map[string]bool{}
		for _, t := range terms(profileText(p)) {
			have[t] = true
		}
		var got, total float64
		for _, t := range jt {
			total += t.Weight
			if have[t.Term] {
				got += t.Weight
				st.shared = append(st.shared, t.Term)
			}
		}
		if total > 0 {
			add("keywords", got/total/0.6, weightKeywords)
		}
	}

	var wsum float64
	for _, c := range comps {
		wsum += c.Weight
	}
	var score float64
	for i := range comps {
		comps[i].Weight = math.Round(comps[i].Weight/wsum*1000) / 1000
		score += float64(comps[i].Score) * comps[i].Weight
	}
	st.components = comps
	if st.empty || len(comps) == 0 {
		return 0
	}
	return int(math.Max(0, math.Min(100, math.Round(score))))
}

// profileText is every piece of text in a profile, for keyword overlap.
func profileText(p *models.Profile) string {
	var b strings.Builder
	for _, s := range []string{p.Title, p.CareerSummary, p.Context, strings.Join(p.Skills, ", ")} {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	for _, w := range p.WorkExperiences {
		b.WriteString(w.Title + "\n" + deref(w.Description) + "\n")
	}
	for _, e := range p.Education {
		b.WriteString(e.Degree + " " + deref(e.FieldOfStudy) + "\n" + deref(e.Description) + "\n")
	}
	for _, c := range p.Certifications {
		b.WriteString(c.Name + " " + c.IssuingOrg + "\n")
	}
	return b.String()
}

// matched returns the job's skills the profile shows, required first.
func (st *analysisState) matched() []SkillEvidence {
	out := []SkillEvidence{}
	for _, req := range []bool{true, false} {
		for _, s := range st.jobSkills {
			if s.Required != req {
				continue
			}
			if w := st.evidence[strings.ToLower(s.Name)]; len(w) > 0 {
				out = append(out, SkillEvidence{Skill: s.Name, Where: slices.Clone(w)})
			}
		}
	}
	return out
}

// missing returns the job's skills the profile does not show, required
// first.
func (st *analysisState) missing() []string {
	out := []string{}
	for _, req := range []bool{true, false} {
		for _, s := range st.jobSkills {
			if s.Required == req && len(st.evidence[strings.ToLower(s.Name)]) == 0 {
				out = append(out, s.Name)
			}
		}
	}
	return out
}

// band describes a score in words.
func band(score int) string {
	switch {
	case score >= 80:
		return "Excellent"
	case score >= 65:
		return "Strong"
	case score >= 50:
		return "Good"
	case score >= 35:
		return "Partial"
	}
	return "Weak"
}

// firstN returns at most n items of list.
func firstN[T any](list []T, n int) []T {
	if len(list) > n {
		return list[:n]
	}
	return list
}

// result turns the state into a Result with highlights and feedback.
func (st *analysisState) result() Result {
	r := Result{Score: st.score, MatchedSkills: st.matched(), MissingSkills: st.missing(),
		Components: st.components, Provider: ProviderBuiltin}
	if st.empty {
		r.Feedback = "Your profile is empty, so there is nothing to compare with this job yet. " +
			"Add your skills, work experience and a short summary to your profile, then run the analysis again."
		if len(r.MissingSkills) > 0 {
			r.Highlights = []string{"The job asks for " + joinList(firstN(r.MissingSkills, 6)) + "."}
		}
		r.normalize()
		return r
	}
	var names []string
	for _, m := range r.MatchedSkills {
		names = append(names, m.Skill)
	}
	nReq, nReqGot := 0, 0
	for _, s := range st.jobSkills {
		if s.Required {
			nReq++
			if len(st.evidence[strings.ToLower(s.Name)]) > 0 {
				nReqGot++
			}
		}
	}
	var hl []string
	switch {
	case len(st.jobSkills) == 0:
		hl = append(hl, "The job names no skills Vega recognises, so the score rests on the title, experience and wording.")
	default:
		h := fmt.Sprintf("Your profile shows %d of the %d skills the job names", len(names), len(st.jobSkills))
		if nReq > 0 {
			h += fmt.Sprintf(" (%d of %d key ones)", nReqGot, nReq)
		}
		if len(names) > 0 {
			h += ": " + joinList(firstN(names, 6))
		}
		hl = append(hl, h+".")
	}
	if st.hasTitle && st.titleScore >= 0.5 {
		hl = append(hl, fmt.Sprintf("Your experience as %s is close to the role of %s.", st.bestTitle, strings.TrimSpace(st.in.Job.Title)))
	}
	if st.needYears > 0 {
		hl = append(hl, fmt.Sprintf("The job asks for %d+ years of experience; your profile shows about %d years of relevant experience.", st.needYears, int(math.Round(st.years))))
	}
	if st.jobLevel != levelNone && st.candLevel != levelNone {
		hl = append(hl, fmt.Sprintf("The role reads as %s; your experience reads as %s.", levelNames[st.jobLevel], levelNames[st.candLevel]))
	}
	if len(st.shared) > 0 {
		hl = append(hl, "Shared keywords: "+strings.Join(firstN(st.shared, 8), ", ")+".")
	}
	r.Highlights = hl

	var fb strings.Builder
	fmt.Fprintf(&fb, "%s match (%d/100).", band(st.score), st.score)
	if len(names) > 0 {
		fmt.Fprintf(&fb, " Your strongest evidence is %s.", joinList(firstN(names, 3)))
	}
	if len(r.MissingSkills) > 0 {
		fmt.Fprintf(&fb, " The job also asks for %s, which your profile does not mention; if you have worked with them, add them to your experience.",
			joinList(firstN(r.MissingSkills, 4)))
	}
	if st.needYears > 0 && st.years+0.5 < float64(st.needYears) {
		fmt.Fprintf(&fb, " The role wants %d+ years of experience, more than your profile shows.", st.needYears)
	}
	if st.hasTitle && st.titleScore < 0.5 {
		fb.WriteString(" None of your titles is close to this role's, so say in your application how your experience carries over.")
	}
	r.Feedback = fb.String()
	r.normalize()
	return r
}
