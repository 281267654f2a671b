// Package skills recognises technologies, tools and professional skills in free text.
package skills

// Find returns the canonical names of the skills named in text, each once, in
// the order they first appear.
//
// Placeholder implementation replaced by the dictionary-backed matcher.
func Find(text string) []string { return nil }

// Canonical returns the canonical name for a skill or one of its aliases
// ("golang" -> "Go") and whether the name is known.
func Canonical(name string) (string, bool) { return "", false }
