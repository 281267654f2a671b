package analysis

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// stopwords are left out of keyword overlap and title comparison: English
// function words and the boilerplate every job advert shares.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above across after again against all also am an and any are as at
		be because been before being below between both but by can could did do does doing done down during each
		either else etc even ever every few for from further get gets getting given go had has have having he her
		here hers him his how however i if in into is it its itself just least less let like made make makes many
		may me might more most much must my near need needs neither no nor not now of off often on once one only
		or other others otherwise our ours out over own per plus rather really same see seen shall she should
		since so some such than that the their theirs them then there these they this those though through thus
		to too toward under until up upon us use used uses using very via was we well were what whatever when
		where whether which while who whom whose why will with within without would yet you your yours yourself
		ability able across apply applicant applicants application applications benefit benefits best candidate
		candidates career company day days employer equal etc excellent experience experienced familiarity
		familiar great help including join looking new opportunity opportunities paid part people plus position
		preferred strong team teams time understanding want way work working world year years role roles skill
		skills requirement requirements responsibility responsibilities knowledge proven good within across
		environment based key related relevant ensure across support closely drive within full`) {
		m[w] = true
	}
	return m
}()

// words splits s into lowercase words of letters, digits, "+" and "#" (so
// "c++" and "c#" survive), dropping the rest.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '+' && r != '#'
	})
}

// stem reduces a lowercase word to a crude stem, enough for "services" to
// meet "service" and "deployed" to meet "deploying".
func stem(w string) string {
	switch {
	case len(w) > 6 && strings.HasSuffix(w, "ing"):
		return w[:len(w)-3]
	case len(w) > 5 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 5 && strings.HasSuffix(w, "ed"):
		return w[:len(w)-2]
	case len(w) > 4 && strings.HasSuffix(w, "es") && !strings.HasSuffix(w, "ses"):
		return w[:len(w)-1]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	}
	return w
}

// terms returns the keyword terms of s: stemmed words of at least two
// characters that are not stop words or plain numbers.
func terms(s string) []string {
	var out []string
	for _, w := range words(s) {
		if len(w) < 2 || stopwords[w] || isNumber(w) {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

// isNumber reports whether w is all digits.
func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// weightedTerm is a job term with its TF-IDF weight.
type weightedTerm struct {
	Term   string
	Weight float64
}

// maxKeywordTerms is how many of the job's heaviest terms keyword overlap
// looks at.
const maxKeywordTerms = 30

// jobTerms returns the job description's heaviest terms by TF-IDF, where the
// "documents" of the IDF are the description's lines (paragraphs and
// bullets): tf-idf(t) = (1 + ln tf(t)) * ln(1 + N/df(t)). Ties are broken
// alphabetically, so the result is deterministic.
func jobTerms(description string) []weightedTerm {
	var lines []string
	for l := range strings.SplitSeq(description, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	tf, df := map[string]int{}, map[string]int{}
	for _, l := range lines {
		seen := map[string]bool{}
		for _, t := range terms(l) {
			tf[t]++
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	n := float64(len(lines))
	out := make([]weightedTerm, 0, len(tf))
	for t, f := range tf {
		w := (1 + math.Log(float64(f))) * math.Log(1+n/float64(df[t]))
		out = append(out, weightedTerm{t, w})
	}
	slices.SortFunc(out, func(a, b weightedTerm) int {
		if c := cmp.Compare(b.Weight, a.Weight); c != 0 {
			return c
		}
		return strings.Compare(a.Term, b.Term)
	})
	if len(out) > maxKeywordTerms {
		out = out[:maxKeywordTerms]
	}
	return out
}

// Seniority levels read from titles and years of experience.
const (
	levelNone   = -1
	levelIntern = iota - 1
	levelJunior
	levelMid
	levelSenior
	levelLead
	levelHead
)

// levelNames names the seniority levels for highlights.
var levelNames = []string{"intern or graduate", "junior", "mid-level", "senior", "lead or staff", "head or director"}

// levelWords maps title words to seniority levels.
var levelWords = map[string]int{
	"intern": levelIntern, "internship": levelIntern, "trainee": levelIntern, "graduate": levelIntern, "apprentice": levelIntern,
	"junior": levelJunior, "jr": levelJunior, "entry": levelJunior, "associate": levelJunior,
	"mid": levelMid, "intermediate": levelMid,
	"senior": levelSenior, "sr": levelSenior, "experienced": levelSenior,
	"lead": levelLead, "staff": levelLead, "principal": levelLead, "architect": levelLead, "manager": levelLead,
	"head": levelHead, "director": levelHead, "vp": levelHead, "chief": levelHead, "cto": levelHead, "ceo": levelHead,
}

// titleLevel returns the highest seniority a title names, or levelNone.
func titleLevel(title string) int {
	lvl := levelNone
	for _, w := range words(title) {
		if l, ok := levelWords[w]; ok && l > lvl {
			lvl = l
		}
	}
	return lvl
}

// yearsLevel is the seniority years of experience usually mean.
func yearsLevel(years float64) int {
	switch {
	case years < 2:
		return levelJunior
	case years < 5:
		return levelMid
	case years < 8:
		return levelSenior
	}
	return levelLead
}

// titleNoise are words left out when comparing titles: seniority, contract
// and place words.
var titleNoise = map[string]bool{"remote": true, "hybrid": true, "onsite": true, "contract": true, "contractor": true,
	"permanent": true, "temporary": true, "time": true, "full": true, "m": true, "f": true, "d": true, "w": true,
	"x": true, "ii": true, "iii": true, "iv": true, "i": true}

// roleWords returns the stemmed words of a title that name the role itself.
func roleWords(title string) []string {
	var out []string
	for _, w := range words(title) {
		if _, ok := levelWords[w]; ok || titleNoise[w] || stopwords[w] || isNumber(w) {
			continue
		}
		s := stem(w)
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// titleOverlap is the share of the job title's role words found in title.
func titleOverlap(job []string, title string) float64 {
	if len(job) == 0 {
		return 0
	}
	cand := roleWords(title)
	n := 0
	for _, w := range job {
		if slices.Contains(cand, w) {
			n++
		}
	}
	return float64(n) / float64(len(job))
}

// yearsRE finds "5+ years", "3-5 years", "at least 4 years", "7 yrs".
var yearsRE = regexp.MustCompile(`(?i)\b(\d{1,2})\s*\+?\s*(?:(?:-|–|to)\s*\d{1,2}\s*\+?\s*)?(?:years|yrs|year)\b`)

// requiredYears returns the years of experience a description asks for: the
// first "N years" in a sentence that has the word "experience", or 0.
func requiredYears(description string) int {
	for _, m := range yearsRE.FindAllStringSubmatchIndex(description, -1) {
		n, _ := strconv.Atoi(description[m[2]:m[3]])
		if n < 1 || n > 30 {
			continue
		}
		// The sentence or line the match is in.
		lo := max(strings.LastIndexAny(description[:m[0]], ".\n;")+1, m[0]-80)
		hi := len(description)
		if i := strings.IndexAny(description[m[1]:], ".\n;"); i >= 0 {
			hi = m[1] + i
		}
		hi = min(hi, m[1]+80)
		if strings.Contains(strings.ToLower(description[lo:hi]), "experience") {
			return n
		}
	}
	return 0
}

// joinList joins items as English prose: "a", "a and b", "a, b and c".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// firstSentence returns the first sentence (or line) of s, trimmed, ending
// with a full stop, at most about 300 characters.
func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimLeft(s, "-•*· \t")
	for i := 0; i+1 < len(s); i++ {
		if (s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i+1] == ' ' {
			s = s[:i+1]
			break
		}
	}
	if r := []rune(s); len(r) > 300 {
		s = strings.TrimSpace(string(r[:300])) + "…"
	}
	if s != "" && !strings.ContainsAny(s[len(s)-1:], ".!?…") {
		s += "."
	}
	return s
}

// clamp01 limits x to [0, 1].
func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }
