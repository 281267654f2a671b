// Package analysis compares a saved job with the user's profile and writes
// documents for it.
//
// An Analyser returns a match score from 0 to 100 with its evidence: the
// skills the job names that the profile shows (and where), the skills it
// lacks, highlights and short written feedback. Two implementations:
//
//   - Builtin, the default: deterministic, no network, no key. It weighs
//     skills (through the scraper's skills dictionary, so "golang" meets
//     "Go"), experience (title, years, seniority) and TF-IDF keyword overlap.
//     The formula is in README.md.
//   - OpenAI, for any OpenAI-compatible chat-completions API (OpenAI,
//     Ollama, LM Studio, vLLM, OpenRouter, Gemini's compatible endpoint).
//     It asks for JSON, validates it, retries 429 and 5xx answers with
//     backoff, and falls back to Builtin, with a Note, when the provider
//     fails.
//
// A Generator writes a cover letter and a CV as HTML fragments: the built-in
// one from the profile and the job, the LLM-backed one through the same
// client with the built-in one as its fallback. SanitizeHTML is the one
// allowlist every stored document goes through, and Page wraps a document in
// a standalone HTML page with a print stylesheet.
//
// The package imports models and scraper/skills, never the server.
package analysis

import (
	"context"
	"time"

	"github.com/vega-ai/vega/models"
)

// Providers, as reported in Result.Provider and Document.Provider.
const (
	ProviderBuiltin = "builtin"
	ProviderOpenAI  = "openai-compatible"
)

// Analyser scores how well a profile matches a job.
type Analyser interface {
	// Analyse compares in.Job with in.Profile. The built-in analyser never
	// fails; the LLM one falls back to it and returns an error only when ctx
	// is cancelled.
	Analyse(ctx context.Context, in Input) (Result, error)
}

// Input is what an analysis or a document is made from.
type Input struct {
	// Job is the job, with its Company loaded when known.
	Job *models.Job
	// Profile is the user's profile with work experiences, education and
	// certifications (Store.FullProfile).
	Profile *models.Profile
	// Now is the reference time for current positions and the letter's
	// date; zero means time.Now(). Fixing it makes the output reproducible.
	Now time.Time
}

// now returns in.Now, or the current time when it is zero.
func (in Input) now() time.Time {
	if in.Now.IsZero() {
		return time.Now().UTC()
	}
	return in.Now.UTC()
}

// SkillEvidence is a skill the job asks for and the places the profile
// shows it ("skills list", "Backend Engineer at Acme (2019–present)").
type SkillEvidence struct {
	Skill string   `json:"skill"`
	Where []string `json:"where"`
}

// Component is one part of the built-in score, from 0 to 100, with its
// weight in the total (weights of the components present add up to 1).
type Component struct {
	Name   string  `json:"name"`
	Score  int     `json:"score"`
	Weight float64 `json:"weight"`
}

// Result is an analysis: the score and its evidence.
type Result struct {
	// Score is the match from 0 (none) to 100 (perfect).
	Score int `json:"score"`
	// MatchedSkills are the job's skills the profile shows, most important
	// first, each with where it shows them.
	MatchedSkills []SkillEvidence `json:"matched_skills"`
	// MissingSkills are the job's skills the profile does not show.
	MissingSkills []string `json:"missing_skills"`
	// Highlights are short statements of the strongest evidence.
	Highlights []string `json:"highlights"`
	// Feedback is a few sentences addressed to the candidate.
	Feedback string `json:"feedback"`
	// Components break the built-in score down; empty for LLM results.
	Components []Component `json:"components,omitempty"`
	// Provider and Model say who produced the result.
	Provider string `json:"provider"`
	Model    string `json:"model,omitempty"`
	// Note explains a fallback ("The AI provider failed (...); this is the
	// built-in analysis.").
	Note string `json:"note,omitempty"`
}

// normalize replaces nil slices by empty ones, so JSON shows [] not null.
func (r *Result) normalize() {
	if r.MatchedSkills == nil {
		r.MatchedSkills = []SkillEvidence{}
	}
	for i := range r.MatchedSkills {
		if r.MatchedSkills[i].Where == nil {
			r.MatchedSkills[i].Where = []string{}
		}
	}
	if r.MissingSkills == nil {
		r.MissingSkills = []string{}
	}
	if r.Highlights == nil {
		r.Highlights = []string{}
	}
}

// fallbackNote is the Note of a built-in result used because the provider
// failed for reason.
func fallbackNote(reason string) string {
	return "The AI provider failed (" + reason + "); this is the built-in analysis."
}
