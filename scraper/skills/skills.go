// Package skills recognises technologies, tools and professional skills in
// free text, such as the description of a job posting.
//
// The dictionary is embedded (skills.tsv) and compiled once, on first use, into
// a token trie. Find tokenises the text once and walks the trie from each
// token, preferring the longest match; names that are also common words
// ("Go", "R", "Swift", "Spark") are accepted only with the right capitalisation
// and supporting context. README.md in this directory explains the rules and
// where the dictionary comes from.
//
// All functions are safe for concurrent use.
package skills

import (
	"slices"
	"strings"
)

// Skill categories, as found in Skill.Category.
const (
	// CategoryLanguage is a programming, query, markup or hardware language.
	CategoryLanguage = "language"
	// CategoryFramework is a framework, library, runtime or game engine.
	CategoryFramework = "framework"
	// CategoryDatabase is a database or data store.
	CategoryDatabase = "database"
	// CategoryCloud is a cloud platform or one of its services.
	CategoryCloud = "cloud"
	// CategoryDevOps is an infrastructure, delivery, monitoring or operating-system tool.
	CategoryDevOps = "devops"
	// CategoryData is a data-engineering, analytics or machine-learning tool or discipline.
	CategoryData = "data"
	// CategoryTool is a developer tool such as an editor or issue tracker.
	CategoryTool = "tool"
	// CategoryBusiness is office, ERP, CRM, finance or marketing software.
	CategoryBusiness = "business"
	// CategoryDesign is design, CAD, GIS or media software, or a design discipline.
	CategoryDesign = "design"
	// CategoryPractice is an engineering practice, method, standard or architecture.
	CategoryPractice = "practice"
	// CategoryProfessional is a professional skill such as budgeting or negotiation.
	CategoryProfessional = "professional"
)

// Sources of dictionary entries, as found in Skill.Source.
const (
	// SourceLinguist marks a language taken from GitHub Linguist's language list (MIT licence).
	SourceLinguist = "linguist"
	// SourceONET marks a technology or tool name as listed in O*NET's technology
	// skills (CC BY 4.0; see README.md for the attribution).
	SourceONET = "onet"
	// SourceVega marks an entry written by the Vega project.
	SourceVega = "vega"
)

// Skill is one entry of the dictionary.
type Skill struct {
	// Name is the canonical name, as reported by Find and Canonical.
	Name string
	// Aliases are the other names recognised for the skill.
	Aliases []string
	// Category is one of the Category constants.
	Category string
	// Source is one of the Source constants.
	Source string
}

// Find returns the canonical names of the skills named in text, each once, in
// the order they first appear. The result is never nil.
//
// Matching is by whole tokens and prefers the longest name ("Ruby on Rails"
// rather than "Ruby"); names that are also ordinary words or letters ("Go",
// "R", "Swift", "Excel") are reported only where their capitalisation and
// context make them skills.
func Find(text string) []string {
	return dict().find(text)
}

// Canonical returns the canonical name for a skill or one of its aliases
// ("golang" -> "Go", "k8s" -> "Kubernetes") and whether the name is known.
// The lookup ignores case and surrounding white space.
func Canonical(name string) (string, bool) {
	i, ok := dict().lookup(name)
	if !ok {
		return "", false
	}
	return dict().skills[i].Name, true
}

// Lookup returns the dictionary entry for a skill's canonical name or alias,
// ignoring case, and whether the name is known.
func Lookup(name string) (Skill, bool) {
	i, ok := dict().lookup(name)
	if !ok {
		return Skill{}, false
	}
	s := dict().skills[i]
	s.Aliases = slices.Clone(s.Aliases)
	return s, true
}

// All returns every skill in the dictionary, in dictionary order. The caller
// may modify the returned slice.
func All() []Skill {
	d := dict()
	out := make([]Skill, len(d.skills))
	for i, s := range d.skills {
		s.Aliases = slices.Clone(s.Aliases)
		out[i] = s
	}
	return out
}

// normalName lowercases name, trims it and collapses runs of white space, the
// form in which names and aliases are indexed for Canonical.
func normalName(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}
