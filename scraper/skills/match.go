package skills

import (
	"sort"
	"sync"
)

// match is a dictionary form found at tokens [start, end).
type match struct {
	start, end int32
	form       *form
}

// Decisions on a match.
const (
	undecided uint8 = iota
	accepted
	refused
)

// finder holds the buffers of one Find call; finders are pooled.
type finder struct {
	d       *dictionary
	tz      tokenizer
	toks    []token
	matches []match
	status  []uint8
	seen    []bool
}

var finders = sync.Pool{New: func() any { return new(finder) }}

func (d *dictionary) find(text string) []string {
	f := finders.Get().(*finder)
	defer func() {
		if len(f.tz.lower) > 1<<20 {
			f.tz.lower, f.tz.toks = nil, nil // do not keep huge buffers
		}
		f.tz.text = ""
		finders.Put(f)
	}()
	f.d = d
	f.toks = f.tz.run(text)
	f.scan()
	f.decide()
	if cap(f.seen) < len(d.skills) {
		f.seen = make([]bool, len(d.skills))
	}
	f.seen = f.seen[:len(d.skills)]
	clear(f.seen)
	out := []string{}
	for i, m := range f.matches {
		if f.status[i] != accepted || f.seen[m.form.skill] {
			continue
		}
		f.seen[m.form.skill] = true
		out = append(out, d.skills[m.form.skill].Name)
	}
	return out
}

// scan finds the longest dictionary form starting at each token, left to
// right, skipping the tokens a match covers.
func (f *finder) scan() {
	toks, tz := f.toks, &f.tz
	f.matches = f.matches[:0]
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.flags&fSkip != 0 || (t.flags&fWord != 0 && t.flags&fASCII == 0) {
			i++
			continue
		}
		// Names that start with punctuation (".NET") go on without a space.
		if t.flags&fWord == 0 && (i+1 == len(toks) || toks[i+1].flags&fSpace != 0) {
			i++
			continue
		}
		var n *node
		if t.flags&fHyphen != 0 {
			n = f.d.root["-"]
		} else {
			n = f.d.rootNode(tz.lower[t.start:t.end])
		}
		if n == nil || f.continuesName(i) {
			i++
			continue
		}
		var best *form
		bestEnd := -1
		for j := i; ; {
			if len(n.forms) > 0 && !f.nameGoesOn(j) {
				if fm := f.pick(n.forms, i, j); fm != nil {
					best, bestEnd = fm, j+1
				}
			}
			k := j + 1
			if k >= len(toks) || toks[k].flags&(fLine|fSkip) != 0 {
				break
			}
			nt := toks[k]
			var next *node
			if nt.flags&fSpace != 0 {
				next = n.spaced[tz.key(nt)]
			} else {
				next = n.joined[tz.key(nt)]
				// "problem-solving" matches "problem solving".
				if next == nil && nt.flags&fHyphen != 0 && k+1 < len(toks) &&
					toks[k+1].flags&(fSpace|fLine) == 0 && toks[k+1].flags&fWord != 0 {
					if next = n.spaced[tz.key(toks[k+1])]; next != nil {
						k++
					}
				}
			}
			if next == nil {
				break
			}
			n, j = next, k
		}
		if best == nil {
			i++
			continue
		}
		f.matches = append(f.matches, match{int32(i), int32(bestEnd), best})
		i = bestEnd
	}
}

// continuesName reports whether token i is the middle of a dotted name such as
// "example.net" or "app.js", where no skill may start.
func (f *finder) continuesName(i int) bool {
	toks := f.toks
	if i == 0 || toks[i].flags&fSpace != 0 {
		return false
	}
	p := toks[i-1]
	if f.tz.keyIs(p, ".") {
		return i >= 2 && p.flags&fSpace == 0 && toks[i-2].flags&fWord != 0
	}
	return f.tz.keyIs(toks[i], ".") && p.flags&fWord != 0
}

// nameGoesOn reports whether a dotted name continues after token j
// ("python.org"), so that no skill may end there.
func (f *finder) nameGoesOn(j int) bool {
	toks := f.toks
	return j+2 < len(toks) && f.tz.keyIs(toks[j+1], ".") && toks[j+1].flags&fSpace == 0 &&
		toks[j+2].flags&fSpace == 0 && toks[j+2].flags&fWord != 0
}

// pick returns the first form ending at a node whose capitalisation matches
// the tokens [i, j], or nil.
func (f *finder) pick(forms []form, i, j int) *form {
	for k := range forms {
		fm := &forms[k]
		if fm.mode == modeFree {
			return fm
		}
		w := 0
		ok := true
		for x := i; x <= j && ok; x++ {
			t := f.toks[x]
			if t.flags&fWord == 0 {
				continue
			}
			ok = w < len(fm.words) && f.tz.text[t.start:t.end] == fm.words[w]
			w++
		}
		if ok && w == len(fm.words) {
			return fm
		}
	}
	return nil
}

// decide accepts or refuses every match: free forms are accepted outright
// (unless they name a team, for professional skills); the others go through
// the rules in README.md, and may be accepted for standing in a list next to
// an accepted skill, which is repeated until nothing changes.
func (f *finder) decide() {
	if cap(f.status) < len(f.matches) {
		f.status = make([]uint8, len(f.matches))
	}
	f.status = f.status[:len(f.matches)]
	clear(f.status)
	pending := false
	for i := range f.matches {
		m := &f.matches[i]
		cat := f.d.cat[m.form.skill]
		switch {
		case categories[cat] == CategoryProfessional && f.namesTeam(m):
			f.status[i] = refused
		case m.form.mode == modeFree:
			f.status[i] = accepted
		case m.form.mode == modeCased && !f.sentenceStart(int(m.start)):
			f.status[i] = accepted
		case m.form.mode == modeCased:
			if f.standsAlone(m) || f.strongCueAfter(m) {
				f.status[i] = accepted
			} else {
				pending = true
			}
		default:
			if !f.plausible(m) {
				f.status[i] = refused
			} else if f.cued(m, cat) {
				f.status[i] = accepted
			} else {
				pending = true
			}
		}
	}
	for pending {
		pending = false
		for i := range f.matches {
			if f.status[i] == undecided && f.inList(i) {
				f.status[i] = accepted
				pending = true
			}
		}
	}
}

// word-set helpers ---------------------------------------------------------

func (f *finder) wordAt(k int) (string, bool) {
	if k < 0 || k >= len(f.toks) || f.toks[k].flags&fWord == 0 {
		return "", false
	}
	t := f.toks[k]
	return string(f.tz.lower[t.start:t.end]), true
}

// sentenceStart reports whether token i begins a sentence, a line or a list
// item, where a capital letter says nothing.
func (f *finder) sentenceStart(i int) bool {
	if i == 0 {
		return true
	}
	t := f.toks[i]
	if t.flags&fLine != 0 {
		return true
	}
	p := f.toks[i-1]
	if p.flags&fWord != 0 {
		return false
	}
	switch f.tz.text[p.start:p.end] {
	case ".", "!", "?":
		return t.flags&fSpace != 0
	case "•", "·", "▪", "●", "◦", "‣", "*", "–", "—", "-", ">", "|":
		return p.flags&fLine != 0 || (i >= 2 && f.sentenceStart(i-1))
	case "\"", "“", "'", "‘", "(":
		return f.sentenceStart(i - 1)
	}
	return false
}

// sentenceEnd reports whether token k ends a sentence.
func (f *finder) sentenceEnd(k int) bool {
	t := f.toks[k]
	if t.flags&fWord != 0 {
		return false
	}
	switch f.tz.text[t.start:t.end] {
	case ".", "!", "?":
		return k+1 >= len(f.toks) || f.toks[k+1].flags&fSpace != 0
	case "•", "▪", "●", "◦", "‣":
		return true
	}
	return false
}

// matchAt returns the index of the match covering token k, or -1.
func (f *finder) matchAt(k int) int {
	i := sort.Search(len(f.matches), func(i int) bool { return f.matches[i].end > int32(k) })
	if i < len(f.matches) && f.matches[i].start <= int32(k) {
		return i
	}
	return -1
}

// wholeItem reports whether match i is all of a bulleted line: "• Excel".
func (f *finder) wholeItem(i int) bool {
	m := &f.matches[i]
	s, e := int(m.start), int(m.end)
	if e < len(f.toks) && f.toks[e].flags&fLine == 0 {
		return false
	}
	if s == 0 || f.toks[s].flags&fLine != 0 || f.toks[s-1].flags&fLine == 0 {
		return false
	}
	switch f.tz.text[f.toks[s-1].start:f.toks[s-1].end] {
	case "•", "·", "▪", "●", "◦", "‣", "*", "-", "–":
		return true
	}
	return false
}

// standsAlone reports whether a sentence-initial match is followed by list
// punctuation ("Excel, Word") or is a whole bulleted item ("• Excel").
func (f *finder) standsAlone(m *match) bool {
	k := int(m.end)
	if k >= len(f.toks) || f.toks[k].flags&fLine != 0 {
		return f.wholeItem(f.matchAt(int(m.start)))
	}
	switch f.tz.text[f.toks[k].start:f.toks[k].end] {
	case ",", "/", "(", ":", ";", "|":
		return true
	}
	return false
}

// strongCueAfter reports whether the word right after m says m is a skill,
// as in "Go experience" or "Excel skills".
func (f *finder) strongCueAfter(m *match) bool {
	k := int(m.end)
	if k >= len(f.toks) || f.toks[k].flags&fLine != 0 || f.toks[k].flags&fSpace == 0 {
		return false
	}
	w, ok := f.wordAt(k)
	return ok && strongCues[w]
}

// namesTeam reports whether a professional skill is used as the name of a
// team or role ("customer success teams", "Product Management team").
func (f *finder) namesTeam(m *match) bool {
	k := int(m.end)
	if k >= len(f.toks) || f.toks[k].flags&fLine != 0 {
		return false
	}
	w, ok := f.wordAt(k)
	return ok && teamWords[w]
}

// plausible applies the refusal rules for a context-mode match: how it is
// attached to its neighbours, what words surround it, and for single letters
// the many non-skill uses of a capital letter.
func (f *finder) plausible(m *match) bool {
	toks, text := f.toks, f.tz.text
	s, e := int(m.start), int(m.end)
	single := m.form.single
	cat := f.d.cat[m.form.skill]

	// Attachment before: only white space or opening punctuation.
	if s > 0 && toks[s].flags&fSpace == 0 {
		switch text[toks[s-1].start:toks[s-1].end] {
		case "(", "[", "/", ",", "\"", "'", "“", "‘", ":", ";", "•", "·", "|":
		default:
			return false
		}
	}
	// Attachment after: "R&D", "C-suite", "C.F.R." and "Go-to-market" are not skills.
	if e < len(toks) && toks[e].flags&fSpace == 0 {
		next := text[toks[e].start:toks[e].end]
		joinedWord := e+1 < len(toks) && toks[e+1].flags&fSpace == 0 && toks[e+1].flags&fWord != 0
		switch next {
		case ",", "/", ")", "]", ";", "!", "?", "\"", "”", "|", "®", "™":
		case ".", ":":
			if joinedWord {
				return false
			}
		case "'", "’":
			if joinedWord && !f.tz.keyIs(toks[e+1], "s") {
				return false
			}
		default:
			return false
		}
	}
	prevWord, prevOK := "", false
	if s > 0 && toks[s].flags&(fSpace|fLine) == fSpace {
		prevWord, prevOK = f.wordAt(s - 1)
	}
	nextWord, nextOK := "", false
	if e < len(toks) && toks[e].flags&(fSpace|fLine) == fSpace {
		nextWord, nextOK = f.wordAt(e)
	}
	if nextOK && negFollowers[nextWord] {
		return false // "Go to", "Access to", "Word of mouth", "Make sure"
	}
	if single {
		// "(R)" and "(C)" are trademark and copyright marks, and letters that
		// start a sentence or an item ("C. Develop plans") are labels.
		if s > 0 && e < len(toks) && toks[s].flags&fSpace == 0 && toks[e].flags&fSpace == 0 &&
			f.tz.keyIs(toks[s-1], "(") && f.tz.keyIs(toks[e], ")") {
			return false
		}
		if f.sentenceStart(s) && !(e < len(toks) && toks[e].flags&fSpace == 0 &&
			(f.tz.keyIs(toks[e], ",") || f.tz.keyIs(toks[e], "/"))) {
			return false // unless it opens a list: "C, C++ and C#"
		}
		if prevOK && letterQualifiers[prevWord] || nextOK && letterFollowers[nextWord] {
			return false // "Series C", "vitamin C", "C suite"
		}
		if f.letterPair(s-2, s-1) || f.letterPair(e+1, e) {
			return false // "R and D", "P & L"
		}
	}
	// A capitalised neighbour that is neither a skill nor a cue makes a proper
	// noun or a title: "Salt Lake City", "Julia Roberts", "Make Others Better".
	prevCap := prevOK && toks[s-1].flags&fUpper != 0 && f.matchAt(s-1) < 0 && !f.isCue(prevWord, cat) && !f.sentenceStart(s-1)
	nextCap := nextOK && toks[e].flags&fUpper != 0 && f.matchAt(e) < 0 && !f.isCue(nextWord, cat)
	if prevCap || nextCap {
		if single || !(prevOK && f.isCue(prevWord, cat) || nextOK && f.isCue(nextWord, cat)) {
			return false
		}
	}
	return true
}

// cued reports whether a cue word for the skill's category stands near m in
// the same sentence; at the start of a sentence only the word right after m
// counts ("Rust experience").
func (f *finder) cued(m *match, cat uint8) bool {
	toks := f.toks
	s, e := int(m.start), int(m.end)
	if f.sentenceStart(s) {
		return f.strongCueAfter(m)
	}
	words := 0
	for k := s - 1; k >= 0 && words < cueWordsBefore; k-- {
		if toks[k+1].flags&fLine != 0 || f.sentenceEnd(k) {
			break
		}
		if w, ok := f.wordAt(k); ok {
			words++
			if f.isCue(w, cat) {
				return true
			}
		}
	}
	words = 0
	for k := e; k < len(toks) && words < cueWordsAfter; k++ {
		if toks[k].flags&fLine != 0 || f.sentenceEnd(k) {
			break
		}
		if w, ok := f.wordAt(k); ok {
			words++
			if f.isCue(w, cat) {
				return true
			}
		}
	}
	return false
}

// letterPair reports whether token k is a lone capital letter joined to the
// letter under consideration by the token conj, "and" or "&": "R and D".
func (f *finder) letterPair(k, conj int) bool {
	if k < 0 || k >= len(f.toks) || conj < 0 || conj >= len(f.toks) {
		return false
	}
	t := f.toks[k]
	if t.end-t.start != 1 || t.flags&fUpper == 0 {
		return false
	}
	return f.tz.keyIs(f.toks[conj], "and") || f.tz.keyIs(f.toks[conj], "&")
}

func (f *finder) isCue(w string, cat uint8) bool {
	return cues[w]&(1<<cat|cueAll) != 0
}

// inList reports whether match i is separated by list punctuation or a
// conjunction from an accepted skill on its left or right ("Python, R",
// "C/C++", "Go and Python").
func (f *finder) inList(i int) bool {
	toks := f.toks
	m := &f.matches[i]
	single := m.form.single
	// Bulleted items, one skill a line: "• Excel\n• Word".
	if f.wholeItem(i) {
		if i > 0 && f.matches[i-1].end == m.start-1 && f.status[i-1] == accepted && f.wholeItem(i-1) {
			return true
		}
		if i+1 < len(f.matches) && f.matches[i+1].start == m.end+1 && f.status[i+1] == accepted && f.wholeItem(i+1) {
			return true
		}
	}
	// Left.
	k, seps := int(m.start)-1, 0
	for k >= 0 && toks[k+1].flags&fLine == 0 && f.isSeparator(k, single) {
		seps++
		k--
	}
	if seps > 0 && seps <= 3 && k >= 0 && toks[k+1].flags&fLine == 0 {
		if j := f.matchAt(k); j >= 0 && j != i && f.matches[j].end == int32(k+1) && f.status[j] == accepted {
			return true
		}
	}
	// Right.
	k, seps = int(m.end), 0
	for k < len(toks) && toks[k].flags&fLine == 0 && f.isSeparator(k, single) {
		seps++
		k++
	}
	if seps > 0 && seps <= 3 && k < len(toks) && toks[k].flags&fLine == 0 {
		if j := f.matchAt(k); j >= 0 && j != i && f.matches[j].start == int32(k) && f.status[j] == accepted {
			return true
		}
	}
	return false
}

func (f *finder) isSeparator(k int, single bool) bool {
	t := f.toks[k]
	if t.flags&fWord != 0 {
		w := string(f.tz.lower[t.start:t.end])
		return w == "and" || w == "or" || w == "plus"
	}
	switch f.tz.text[t.start:t.end] {
	case ",", "/", "|", "+", "(", ")", "·", ";":
		return true
	case "&":
		return !single // "R & D"
	}
	return false
}
