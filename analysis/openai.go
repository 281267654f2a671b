package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vega-ai/vega/scraper/skills"
)

// Client defaults.
const (
	DefaultTimeout    = 60 * time.Second
	DefaultMaxRetries = 3
	DefaultMaxBackoff = 20 * time.Second
	baseBackoff       = 500 * time.Millisecond
	maxReplyBytes     = 2 << 20
)

// PromptVersion identifies the prompts below; it is stored in documents'
// metadata so a document can be traced to the prompt that wrote it.
const PromptVersion = "2026-11-1"

// Client calls an OpenAI-compatible chat-completions API
// (POST {BaseURL}/chat/completions). It is safe for concurrent use.
type Client struct {
	// BaseURL is the API's base, such as https://api.openai.com/v1 or
	// http://localhost:11434/v1.
	BaseURL string
	// APIKey, when set, is sent as "Authorization: Bearer <key>".
	APIKey string
	// Model is the model asked for.
	Model string
	// Timeout bounds one call, retries and waits included; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// MaxRetries is how many times a 429, 5xx or network failure is retried;
	// 0 means DefaultMaxRetries, a negative value none.
	MaxRetries int
	// MaxBackoff caps one wait between attempts, Retry-After included; 0
	// means DefaultMaxBackoff.
	MaxBackoff time.Duration
	// HTTP is the HTTP client; nil means one without its own timeout (the
	// call's context bounds it).
	HTTP *http.Client

	// sleep waits d or until ctx is done; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

// chatMessage is one message of a chat-completions request.
type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// chatRequest is the body of a chat-completions request.
type chatRequest struct {
	Model          string            `json:"model"`
	Messages       []chatMessage     `json:"messages"`
	Temperature    float64           `json:"temperature"`
	ResponseFormat map[string]string `json:"response_format"`
}

// chatResponse is the part of a chat-completions answer the client reads.
type chatResponse struct {
	Model   string `json:"model"`
	Choices []struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
	} `json:"choices"`
}

// providerError is a failure of the provider, with a short reason that is
// safe to show (no key, no body).
type providerError struct{ reason string }

func (e *providerError) Error() string { return e.reason }

// failed returns a providerError with a formatted reason.
func failed(format string, args ...any) error {
	return &providerError{reason: fmt.Sprintf(format, args...)}
}

// reasonOf returns the text a fallback note gives for err.
func reasonOf(err error) string {
	var pe *providerError
	if errors.As(err, &pe) {
		return pe.reason
	}
	return "unexpected error"
}

// timeout returns the configured timeout or the default.
func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// wait sleeps d or until ctx is done.
func (c *Client) wait(ctx context.Context, d time.Duration) error {
	if c.sleep != nil {
		return c.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff returns the wait before retry number attempt (0-based): 500ms,
// 1s, 2s, ... capped at MaxBackoff, with "equal jitter" (half fixed, half
// random). A Retry-After header (seconds or an HTTP date) wins, up to the
// cap.
func (c *Client) backoff(attempt int, retryAfter string) time.Duration {
	limit := c.MaxBackoff
	if limit <= 0 {
		limit = DefaultMaxBackoff
	}
	if ra := strings.TrimSpace(retryAfter); ra != "" {
		if secs, err := strconv.Atoi(ra); err == nil && secs >= 0 {
			return min(time.Duration(secs)*time.Second, limit)
		}
		if t, err := http.ParseTime(ra); err == nil {
			return min(max(time.Until(t), 0), limit)
		}
	}
	d := min(baseBackoff*time.Duration(math.Pow(2, float64(min(attempt, 20)))), limit)
	return d/2 + rand.N(d/2+1)
}

// complete sends system and user messages and returns the model's reply
// text and the model that answered. It retries 429, 5xx and network
// failures with backoff, all within the client's timeout. Its errors are
// providerErrors, or ctx's error when the caller's ctx is done.
func (c *Client) complete(ctx context.Context, system, user string) (string, string, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	body, err := json.Marshal(chatRequest{
		Model:          c.Model,
		Messages:       []chatMessage{{"system", system}, {"user", user}},
		Temperature:    0,
		ResponseFormat: map[string]string{"type": "json_object"},
	})
	if err != nil {
		return "", "", failed("could not encode the request")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	retries := c.MaxRetries
	switch {
	case retries == 0:
		retries = DefaultMaxRetries
	case retries < 0:
		retries = 0
	}
	url := strings.TrimRight(c.BaseURL, "/") + "/chat/completions"
	var last error
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return "", "", failed("bad AI base URL")
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		if c.APIKey != "" {
			req.Header.Set("Authorization", "Bearer "+c.APIKey)
		}
		resp, err := hc.Do(req)
		retryAfter := ""
		switch {
		case err != nil:
			switch {
			case parent.Err() != nil:
				return "", "", parent.Err()
			case ctx.Err() != nil:
				return "", "", failed("timed out after %s", c.timeout())
			}
			last = failed("could not reach the provider")
		default:
			raw, rerr := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes))
			resp.Body.Close()
			switch {
			case rerr != nil && ctx.Err() != nil:
				if parent.Err() != nil {
					return "", "", parent.Err()
				}
				return "", "", failed("timed out after %s", c.timeout())
			case rerr != nil:
				last = failed("could not read the reply")
			case resp.StatusCode == http.StatusOK:
				var cr chatResponse
				if err := json.Unmarshal(raw, &cr); err != nil || len(cr.Choices) == 0 {
					return "", "", failed("the reply was not a chat completion")
				}
				model := cr.Model
				if model == "" {
					model = c.Model
				}
				return cr.Choices[0].Message.Content, model, nil
			case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
				last = failed("HTTP %d", resp.StatusCode)
				retryAfter = resp.Header.Get("Retry-After")
			default:
				return "", "", failed("HTTP %d", resp.StatusCode)
			}
		}
		if attempt >= retries {
			if attempt > 0 {
				return "", "", failed("%s after %d attempts", reasonOf(last), attempt+1)
			}
			return "", "", last
		}
		d := c.backoff(attempt, retryAfter)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return "", "", failed("%s; no time left to retry", reasonOf(last))
		}
		if err := c.wait(ctx, d); err != nil {
			if parent.Err() != nil {
				return "", "", parent.Err()
			}
			return "", "", failed("timed out after %s", c.timeout())
		}
	}
}

// decodeObject parses a model's reply as one JSON object, tolerating a
// Markdown code fence around it.
func decodeObject(reply string) (map[string]json.RawMessage, error) {
	s := strings.TrimSpace(reply)
	if strings.HasPrefix(s, "```") {
		s = strings.TrimPrefix(s, "```json")
		s = strings.TrimPrefix(s, "```")
		s = strings.TrimSuffix(strings.TrimSpace(s), "```")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &obj); err != nil || obj == nil {
		return nil, failed("the reply was not a JSON object")
	}
	return obj, nil
}

// Limits on what a model's reply may hold.
const (
	maxListItems = 60
	maxItemChars = 600
	maxFeedback  = 4000
)

// clip trims s and cuts it to n characters.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// stringList decodes a JSON array of strings (null or absent: empty).
func stringList(obj map[string]json.RawMessage, key string) ([]string, error) {
	raw, ok := obj[key]
	if !ok || string(raw) == "null" {
		return []string{}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, failed("the reply's %s is not an array of strings", key)
	}
	out := []string{}
	for _, s := range firstN(list, maxListItems) {
		if s = clip(s, maxItemChars); s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// parseResult validates a model's analysis: score a number from 0 to 100,
// matched_skills an array of strings or {skill, where} objects,
// missing_skills and highlights arrays of strings, feedback a string.
func parseResult(reply string) (Result, error) {
	obj, err := decodeObject(reply)
	if err != nil {
		return Result{}, err
	}
	var score float64
	if err := json.Unmarshal(obj["score"], &score); err != nil || math.IsNaN(score) {
		return Result{}, failed("the reply has no numeric score")
	}
	if score < 0 || score > 100 {
		return Result{}, failed("the reply's score %g is not between 0 and 100", score)
	}
	r := Result{Score: int(math.Round(score))}
	if r.MissingSkills, err = stringList(obj, "missing_skills"); err != nil {
		return Result{}, err
	}
	for i, s := range r.MissingSkills {
		r.MissingSkills[i] = canon(s)
	}
	if r.Highlights, err = stringList(obj, "highlights"); err != nil {
		return Result{}, err
	}
	if raw, ok := obj["matched_skills"]; ok && string(raw) != "null" {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return Result{}, failed("the reply's matched_skills is not an array")
		}
		for _, it := range firstN(items, maxListItems) {
			var name string
			if json.Unmarshal(it, &name) == nil {
				if name = clip(name, maxItemChars); name != "" {
					r.MatchedSkills = append(r.MatchedSkills, SkillEvidence{Skill: canon(name), Where: []string{}})
				}
				continue
			}
			var ev struct {
				Skill string          `json:"skill"`
				Where json.RawMessage `json:"where"`
			}
			if err := json.Unmarshal(it, &ev); err != nil || strings.TrimSpace(ev.Skill) == "" {
				return Result{}, failed("the reply's matched_skills holds an item that is neither a skill name nor {skill, where}")
			}
			se := SkillEvidence{Skill: canon(clip(ev.Skill, maxItemChars)), Where: []string{}}
			if len(ev.Where) > 0 && string(ev.Where) != "null" {
				var one string
				if json.Unmarshal(ev.Where, &one) == nil {
					if one = clip(one, maxItemChars); one != "" {
						se.Where = []string{one}
					}
				} else if se.Where, err = stringList(map[string]json.RawMessage{"where": ev.Where}, "where"); err != nil {
					return Result{}, failed("the reply's matched_skills[].where is not an array of strings")
				}
			}
			r.MatchedSkills = append(r.MatchedSkills, se)
		}
	}
	if err := json.Unmarshal(obj["feedback"], &r.Feedback); err != nil || strings.TrimSpace(r.Feedback) == "" {
		return Result{}, failed("the reply has no feedback text")
	}
	r.Feedback = clip(r.Feedback, maxFeedback)
	r.normalize()
	return r, nil
}

// OpenAI is the analyser backed by an OpenAI-compatible API. When the
// provider fails (network, timeout, HTTP error, invalid JSON) it returns
// Fallback's result with a Note saying so.
type OpenAI struct {
	Client *Client
	// Fallback is used when the provider fails; nil means Builtin.
	Fallback Analyser
}

// analysisSystemPrompt is the system message of an analysis.
const analysisSystemPrompt = `You are an experienced technical recruiter. You assess how well a candidate's profile matches a job.
Use only the facts in the profile and the job; never invent experience.
Answer with one JSON object and nothing else, with exactly these keys:
  "score": integer from 0 (no match) to 100 (perfect match),
  "matched_skills": array of {"skill": string, "where": array of strings naming where the profile shows it, such as "Backend Engineer at Acme" or "skills list"},
  "missing_skills": array of strings, skills the job asks for that the profile does not show,
  "highlights": array of short strings, the strongest evidence for or against the match,
  "feedback": string of two to four sentences addressed to the candidate, saying how to strengthen the application.`

// Analyse asks the provider and validates its answer, falling back as
// described on OpenAI. It returns an error only when ctx is done.
func (o *OpenAI) Analyse(ctx context.Context, in Input) (Result, error) {
	fb := o.Fallback
	if fb == nil {
		fb = Builtin{}
	}
	reply, model, err := o.Client.complete(ctx, analysisSystemPrompt, describeForPrompt(in))
	if err == nil {
		var r Result
		if r, err = parseResult(reply); err == nil {
			r.Provider, r.Model = ProviderOpenAI, model
			return r, nil
		}
	}
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	r, ferr := fb.Analyse(ctx, in)
	if ferr != nil {
		return Result{}, ferr
	}
	r.Note = fallbackNote(reasonOf(err))
	return r, nil
}

// maxPromptDescription bounds the job description sent to a model.
const maxPromptDescription = 12000

// describeForPrompt writes the job and the profile as plain text for a
// model, with the skills the dictionary finds in the job as a hint.
func describeForPrompt(in Input) string {
	var b strings.Builder
	job, p := in.Job, in.Profile
	b.WriteString("# Job\n")
	if job != nil {
		fmt.Fprintf(&b, "Title: %s\n", job.Title)
		if c := companyName(job); c != "" {
			fmt.Fprintf(&b, "Company: %s\n", c)
		}
		if job.Location != nil {
			fmt.Fprintf(&b, "Location: %s\n", *job.Location)
		}
		if len(job.RequiredSkills) > 0 {
			fmt.Fprintf(&b, "Required skills: %s\n", strings.Join(job.RequiredSkills, ", "))
		}
		if found := skills.Find(job.Description); len(found) > 0 {
			fmt.Fprintf(&b, "Skills named in the description: %s\n", strings.Join(found, ", "))
		}
		fmt.Fprintf(&b, "Description:\n%s\n", clip(job.Description, maxPromptDescription))
	}
	b.WriteString("\n# Candidate profile\n")
	if p != nil {
		if n := p.FullName(); n != "" {
			fmt.Fprintf(&b, "Name: %s\n", n)
		}
		for _, kv := range [][2]string{{"Headline", p.Title}, {"Location", p.Location}, {"Summary", p.CareerSummary},
			{"Skills", strings.Join(p.Skills, ", ")}, {"Notes from the candidate", p.Context}} {
			if strings.TrimSpace(kv[1]) != "" {
				fmt.Fprintf(&b, "%s: %s\n", kv[0], strings.TrimSpace(kv[1]))
			}
		}
		for _, w := range p.WorkExperiences {
			fmt.Fprintf(&b, "\n## %s at %s (%s)\n%s\n", w.Title, w.Company, period(w.StartDate, w.EndDate, w.Current), strings.TrimSpace(deref(w.Description)))
		}
		for _, e := range p.Education {
			fmt.Fprintf(&b, "\nEducation: %s %s, %s (%d)\n", e.Degree, deref(e.FieldOfStudy), e.Institution, e.StartDate.Year())
		}
		for _, c := range p.Certifications {
			fmt.Fprintf(&b, "Certification: %s (%s, %d)\n", c.Name, c.IssuingOrg, c.IssueDate.Year())
		}
	}
	return b.String()
}

// jsonString decodes a JSON string; a missing value is an error.
func jsonString(raw json.RawMessage, dst *string) error {
	if len(raw) == 0 {
		return errors.New("missing")
	}
	return json.Unmarshal(raw, dst)
}
