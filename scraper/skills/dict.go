package skills

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

//go:embed skills.tsv
var dictTSV string

// mode says what a name needs, beyond its tokens, to be recognised in text.
type mode uint8

const (
	// modeFree matches in any capitalisation.
	modeFree mode = iota
	// modeCased needs the dictionary's capitalisation; at the start of a
	// sentence, where capitals say nothing, it also needs context.
	modeCased
	// modeContext needs the dictionary's capitalisation and context.
	modeContext
)

// form is one name or alias of a skill as the matcher sees it.
type form struct {
	skill  int32
	mode   mode
	single bool     // a single letter such as "R" or "C": stricter rules
	words  []string // the word tokens with their original case, for modeCased and modeContext
}

// node is a trie node; edges are lowercased tokens, split by whether white
// space separates them from the previous token ("Power BI") or not ("C++").
type node struct {
	spaced map[string]*node
	joined map[string]*node
	forms  []form
}

// dictionary is the compiled skill list.
type dictionary struct {
	skills []Skill
	cat    []uint8          // category index of each skill, for cue lookups
	byName map[string]int32 // normalName of every name and alias
	root   map[string]*node // first token of every form
	// table is root as an open-addressing hash table on rootHash, which
	// dismisses most tokens faster than a map; slots hold 1 + an index into
	// tableEntries, 0 being empty.
	table        []int32
	tableEntries []rootEntry
}

type rootEntry struct {
	key string
	n   *node
}

const tableBits = 12

// buildTable fills table from root, at most a quarter full.
func (d *dictionary) buildTable() {
	size := 1 << tableBits
	for len(d.root)*4 > size {
		size *= 2
	}
	d.table = make([]int32, size)
	d.tableEntries = d.tableEntries[:0]
	for k, n := range d.root {
		d.tableEntries = append(d.tableEntries, rootEntry{k, n})
		for h := int(rootHash(k)) & (size - 1); ; h = (h + 1) & (size - 1) {
			if d.table[h] == 0 {
				d.table[h] = int32(len(d.tableEntries))
				break
			}
		}
	}
}

// rootNode returns the trie node for a first token's lowercased bytes, or nil.
func (d *dictionary) rootNode(key []byte) *node {
	mask := len(d.table) - 1
	for h := int(rootHash(key)) & mask; ; h = (h + 1) & mask {
		e := d.table[h]
		if e == 0 {
			return nil
		}
		if x := &d.tableEntries[e-1]; x.key == string(key) {
			return x.n
		}
	}
}

// rootHash mixes a key's length and first, middle and last bytes.
func rootHash[S string | []byte](key S) uint32 {
	n := len(key)
	if n == 0 {
		return 0
	}
	h := uint32(n)*0x9E3779B1 ^ uint32(key[0])*0x85EBCA77 ^ uint32(key[n-1])*0xC2B2AE3D ^ uint32(key[n/2])*0x27D4EB2F
	return h ^ h>>15
}

var dict = sync.OnceValue(func() *dictionary {
	d, err := parseDictionary(dictTSV)
	if err != nil {
		panic("skills: embedded dictionary: " + err.Error())
	}
	return d
})

var categories = []string{
	CategoryLanguage, CategoryFramework, CategoryDatabase, CategoryCloud, CategoryDevOps, CategoryData,
	CategoryTool, CategoryBusiness, CategoryDesign, CategoryPractice, CategoryProfessional,
}

// parseDictionary compiles the TSV dictionary described at the top of
// skills.tsv. It rejects unknown categories and sources, non-ASCII names, and a
// name that two skills share or that one skill lists with conflicting marks.
func parseDictionary(src string) (*dictionary, error) {
	d := &dictionary{byName: map[string]int32{}, root: map[string]*node{}}
	type seenForm struct {
		skill int32
		mode  mode
		exact string
	}
	seen := map[string][]seenForm{}
	for ln, line := range strings.Split(src, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 3 || len(cols) > 4 {
			return nil, fmt.Errorf("line %d: want 3 or 4 tab-separated columns, got %d", ln+1, len(cols))
		}
		cat := -1
		for i, c := range categories {
			if c == cols[1] {
				cat = i
			}
		}
		if cat < 0 {
			return nil, fmt.Errorf("line %d: unknown category %q", ln+1, cols[1])
		}
		switch cols[2] {
		case SourceLinguist, SourceONET, SourceVega:
		default:
			return nil, fmt.Errorf("line %d: unknown source %q", ln+1, cols[2])
		}
		raw := []string{cols[0]}
		if len(cols) == 4 && cols[3] != "" {
			raw = append(raw, strings.Split(cols[3], "|")...)
		}
		id := int32(len(d.skills))
		s := Skill{Category: cols[1], Source: cols[2]}
		for k, r := range raw {
			m, text := modeFree, strings.TrimSpace(r)
			if strings.HasPrefix(text, "=") {
				m, text = modeCased, text[1:]
			} else if strings.HasPrefix(text, "?") {
				m, text = modeContext, text[1:]
			}
			if text == "" {
				return nil, fmt.Errorf("line %d: empty name", ln+1)
			}
			for i := 0; i < len(text); i++ {
				if text[i] >= 0x80 {
					return nil, fmt.Errorf("line %d: %q is not ASCII", ln+1, text)
				}
			}
			if k == 0 {
				s.Name = text
			} else if !containsFold(s.Aliases, text) && !strings.EqualFold(text, s.Name) {
				s.Aliases = append(s.Aliases, text)
			}
			key := normalName(text)
			dup := false
			for _, o := range seen[key] {
				switch {
				case o.skill != id:
					return nil, fmt.Errorf("line %d: %q already names %q", ln+1, text, d.skills[o.skill].Name)
				case o.mode != m:
					return nil, fmt.Errorf("line %d: %q listed with different marks", ln+1, text)
				case m == modeFree || o.exact == text:
					dup = true
				}
			}
			if dup {
				continue
			}
			seen[key] = append(seen[key], seenForm{id, m, text})
			d.byName[key] = id
			if err := d.addForm(text, form{skill: id, mode: m}); err != nil {
				return nil, fmt.Errorf("line %d: %w", ln+1, err)
			}
		}
		d.skills = append(d.skills, s)
		d.cat = append(d.cat, uint8(cat))
	}
	if len(d.skills) == 0 {
		return nil, fmt.Errorf("no skills")
	}
	d.buildTable()
	return d, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// addForm tokenises text exactly as Find tokenises a page and adds the path to
// the trie.
func (d *dictionary) addForm(text string, f form) error {
	var tz tokenizer
	toks := tz.run(text)
	if len(toks) == 0 {
		return fmt.Errorf("%q has no tokens", text)
	}
	for _, t := range toks {
		if t.flags&fSkip != 0 {
			return fmt.Errorf("%q looks like an address", text)
		}
		if t.flags&fWord != 0 {
			f.words = append(f.words, text[t.start:t.end])
		}
	}
	if f.mode == modeFree {
		f.words = nil
	}
	f.single = len(text) == 1 && toks[0].flags&fWord != 0
	k0 := tz.key(toks[0])
	n := d.root[k0]
	if n == nil {
		n = &node{}
		d.root[k0] = n
	}
	for _, t := range toks[1:] {
		edges := &n.joined
		if t.flags&fSpace != 0 {
			edges = &n.spaced
		}
		if *edges == nil {
			*edges = map[string]*node{}
		}
		k := tz.key(t)
		next := (*edges)[k]
		if next == nil {
			next = &node{}
			(*edges)[k] = next
		}
		n = next
	}
	// Free forms first, so that the matcher picks them without comparing case.
	if f.mode == modeFree {
		n.forms = append([]form{f}, n.forms...)
	} else {
		n.forms = append(n.forms, f)
	}
	return nil
}

// lookup finds the skill for a name or alias, ignoring case and white space,
// and treating a hyphen like a space when the name is otherwise unknown.
func (d *dictionary) lookup(name string) (int32, bool) {
	key := normalName(name)
	if i, ok := d.byName[key]; ok {
		return i, true
	}
	if strings.Contains(key, "-") {
		i, ok := d.byName[normalName(strings.ReplaceAll(key, "-", " "))]
		return i, ok
	}
	return 0, false
}
