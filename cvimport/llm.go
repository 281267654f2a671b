package cvimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Source says which reader produced a proposal.
type Source string

// The readers.
const (
	SourceBuiltin Source = "builtin"
	SourceLLM     Source = "llm"
)

// Completer is the part of analysis.Client the LLM reader uses.
type Completer interface {
	CompleteJSON(ctx context.Context, system, user string) (reply, model string, err error)
}

// Reader turns a CV's text into a proposal; note, when not empty, says why
// the answer came from another reader than the one asked for.
type Reader interface {
	Read(ctx context.Context, text string) (p Proposal, src Source, note string, err error)
}

// Builtin is the Reader of the built-in reader (Read).
type Builtin struct{}

// Read implements Reader.
func (Builtin) Read(_ context.Context, text string) (Proposal, Source, string, error) {
	p, err := Read(text)
	return p, SourceBuiltin, "", err
}

// LLMReader asks a language model for the profile as JSON, checks the
// answer against the proposal's shape, and falls back to the built-in
// reader, with a note, when the model fails or its answer is unusable.
type LLMReader struct {
	Client Completer
}

// maxLLMChars bounds the CV text sent to the model.
const maxLLMChars = 24000

const llmSystem = `You extract a CV into JSON. Answer with one JSON object and nothing else, with these keys:
first_name, last_name, title, email, phone, location, linkedin, github, website, summary (strings, "" when absent),
skills (array of strings),
experiences (array of {company, title, location, start, end, current, description}),
education (array of {institution, degree, field_of_study, start, end, description}),
certifications (array of {name, issuing_org, issue_date, expiry_date, credential_id, credential_url}).
Dates are "YYYY-MM" or null; end is null and current true for a position still held. Copy text from the CV; invent nothing.
If the text is not a CV, answer {"not_a_cv": true}.`

// llmDate is a date as the model writes it: "2020-03", "2020-03-01",
// "2020", or null.
type llmDate string

func (d llmDate) time() (*time.Time, error) {
	s := strings.TrimSpace(string(d))
	if s == "" || strings.EqualFold(s, "null") || strings.EqualFold(s, "present") {
		return nil, nil
	}
	for _, layout := range []string{"2006-01", "2006-01-02", "2006", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1950 || t.Year() > 2100 {
				return nil, fmt.Errorf("date %q out of range", s)
			}
			t = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
			return &t, nil
		}
	}
	return nil, fmt.Errorf("date %q is not YYYY-MM", s)
}

// llmAnswer is the JSON the model is asked for.
type llmAnswer struct {
	NotACV      bool     `json:"not_a_cv"`
	FirstName   string   `json:"first_name"`
	LastName    string   `json:"last_name"`
	Title       string   `json:"title"`
	Email       string   `json:"email"`
	Phone       string   `json:"phone"`
	Location    string   `json:"location"`
	LinkedIn    string   `json:"linkedin"`
	GitHub      string   `json:"github"`
	Website     string   `json:"website"`
	Summary     string   `json:"summary"`
	Skills      []string `json:"skills"`
	Experiences []struct {
		Company, Title, Location, Description string
		Start, End                            llmDate
		Current                               bool
	} `json:"experiences"`
	Education []struct {
		Institution, Degree, Description string
		FieldOfStudy                     string `json:"field_of_study"`
		Start, End                       llmDate
	} `json:"education"`
	Certifications []struct {
		Name          string
		IssuingOrg    string  `json:"issuing_org"`
		IssueDate     llmDate `json:"issue_date"`
		ExpiryDate    llmDate `json:"expiry_date"`
		CredentialID  string  `json:"credential_id"`
		CredentialURL string  `json:"credential_url"`
	} `json:"certifications"`
}

// errUnusable marks a model answer that does not fit the proposal.
var errUnusable = errors.New("the model's answer was unusable")

// parseLLM checks the model's reply and converts it.
func parseLLM(reply string) (Proposal, error) {
	var a llmAnswer
	dec := json.NewDecoder(strings.NewReader(strings.TrimSpace(reply)))
	if err := dec.Decode(&a); err != nil {
		return Proposal{}, fmt.Errorf("%w: %v", errUnusable, err)
	}
	if a.NotACV {
		return Proposal{}, ErrNotACV
	}
	p := Proposal{FirstName: a.FirstName, LastName: a.LastName, Title: a.Title, Email: a.Email, Phone: a.Phone,
		Location: a.Location, LinkedIn: a.LinkedIn, GitHub: a.GitHub, Website: a.Website, Summary: a.Summary, Skills: a.Skills}
	var bad error
	date := func(d llmDate) *time.Time {
		t, err := d.time()
		if err != nil && bad == nil {
			bad = err
		}
		return t
	}
	for _, x := range a.Experiences {
		e := Experience{Company: x.Company, Title: x.Title, Location: x.Location, Description: x.Description,
			Start: date(x.Start), End: date(x.End), Current: x.Current}
		if e.End == nil {
			e.Current = true
		}
		if e.Company == "" && e.Title == "" || e.Start == nil || (e.End != nil && e.End.Before(*e.Start)) {
			return Proposal{}, fmt.Errorf("%w: an experience without a company, title or valid dates", errUnusable)
		}
		p.Experiences = append(p.Experiences, e)
	}
	for _, x := range a.Education {
		e := Education{Institution: x.Institution, Degree: x.Degree, FieldOfStudy: x.FieldOfStudy, Description: x.Description,
			Start: date(x.Start), End: date(x.End)}
		if e.Institution == "" && e.Degree == "" {
			return Proposal{}, fmt.Errorf("%w: an education entry without institution or degree", errUnusable)
		}
		p.Education = append(p.Education, e)
	}
	for _, x := range a.Certifications {
		if x.Name == "" {
			return Proposal{}, fmt.Errorf("%w: a certification without a name", errUnusable)
		}
		p.Certifications = append(p.Certifications, Certification{Name: x.Name, IssuingOrg: x.IssuingOrg,
			IssueDate: date(x.IssueDate), ExpiryDate: date(x.ExpiryDate), CredentialID: x.CredentialID, CredentialURL: x.CredentialURL})
	}
	if bad != nil {
		return Proposal{}, fmt.Errorf("%w: %v", errUnusable, bad)
	}
	if len(p.Experiences)+len(p.Education)+len(p.Certifications)+len(p.Skills) == 0 && p.Summary == "" {
		return Proposal{}, fmt.Errorf("%w: it was empty", errUnusable)
	}
	p.normalize()
	return p, nil
}

// Read implements Reader: the model's proposal, or the built-in reader's
// with a note saying why.
func (r *LLMReader) Read(ctx context.Context, text string) (Proposal, Source, string, error) {
	if len(text) > maxLLMChars {
		text = text[:maxLLMChars]
	}
	reply, _, err := r.Client.CompleteJSON(ctx, llmSystem, strings.ToValidUTF8(text, ""))
	if err == nil {
		p, perr := parseLLM(reply)
		if perr == nil {
			return p, SourceLLM, "", nil
		}
		// A "not a CV" verdict is checked by the built-in reader too, which
		// answers ErrNotACV itself when it agrees.
		err = perr
	}
	if ctx.Err() != nil {
		return Proposal{}, "", "", ctx.Err()
	}
	p, berr := Read(text)
	return p, SourceBuiltin, "read by the built-in reader: " + err.Error(), berr
}
