package analysis

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeLLM is an OpenAI-compatible server built with httptest. Each request
// is recorded; reply decides the answer to request number n (0-based).
type fakeLLM struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
	calls    atomic.Int32
	reply    func(n int, w http.ResponseWriter, r *http.Request)
}

// recorded is one request the fake received.
type recorded struct {
	Method, Path, Auth, ContentType string
	Body                            map[string]any
}

func newFakeLLM(t *testing.T, reply func(n int, w http.ResponseWriter, r *http.Request)) *fakeLLM {
	t.Helper()
	f := &fakeLLM{reply: reply}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(f.calls.Add(1)) - 1
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		f.mu.Lock()
		f.requests = append(f.requests, recorded{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
		f.mu.Unlock()
		f.reply(n, w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// completion writes a chat completion whose message content is content.
func completion(w http.ResponseWriter, content string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "model": "fake-model-0613",
		"choices": []map[string]any{{"index": 0, "message": map[string]string{"role": "assistant", "content": content}, "finish_reason": "stop"}},
	})
}

// goodAnalysis is a valid model answer.
const goodAnalysis = `{"score": 82.4, "matched_skills": [{"skill": "golang", "where": ["Senior Backend Engineer at Paysafe Labs"]}, "PostgreSQL", {"skill": "Kubernetes", "where": "skills list"}],
 "missing_skills": ["Prometheus", "grafana"], "highlights": ["Seven years of backend work."], "feedback": "A strong match. Mention Prometheus if you have used it."}`

// client returns a Client for the fake with fast, recorded waits.
func (f *fakeLLM) client(key string, waits *[]time.Duration) *Client {
	return &Client{BaseURL: f.URL + "/v1/", APIKey: key, Model: "fake-model", Timeout: 5 * time.Second,
		sleep: func(ctx context.Context, d time.Duration) error {
			if waits != nil {
				*waits = append(*waits, d)
			}
			return ctx.Err()
		}}
}

func goInput() Input { return Input{Job: goJob(), Profile: backendProfile(), Now: now} }

func TestOpenAIRequestShapeAndParsing(t *testing.T) {
	f := newFakeLLM(t, func(n int, w http.ResponseWriter, r *http.Request) { completion(w, goodAnalysis) })
	a := &OpenAI{Client: f.client("sk-test-123", nil)}
	r, err := a.Analyse(context.Background(), goInput())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.requests) != 1 {
		t.Fatalf("%d requests, want 1", len(f.requests))
	}
	req := f.requests[0]
	if req.Method != "POST" || req.Path != "/v1/chat/completions" || req.Auth != "Bearer sk-test-123" || req.ContentType != "application/json" {
		t.Errorf("request %s %s auth %q type %q", req.Method, req.Path, req.Auth, req.ContentType)
	}
	if req.Body["model"] != "fake-model" {
		t.Errorf("model = %v", req.Body["model"])
	}
	if rf, _ := req.Body["response_format"].(map[string]any); rf["type"] != "json_object" {
		t.Errorf("response_format = %v", req.Body["response_format"])
	}
	msgs, _ := req.Body["messages"].([]any)
	if len(msgs) != 2 {
		t.Fatalf("messages = %v", req.Body["messages"])
	}
	sys, user := msgs[0].(map[string]any), msgs[1].(map[string]any)
	if sys["role"] != "system" || !strings.Contains(sys["content"].(string), `"score"`) || user["role"] != "user" {
		t.Errorf("messages = %v", msgs)
	}
	for _, want := range []string{"Title: Senior Go Engineer", "Company: Acme Payments", "Paysafe Labs", "Skills: golang, postgres"} {
		if !strings.Contains(user["content"].(string), want) {
			t.Errorf("user message lacks %q", want)
		}
	}

	if r.Score != 82 || r.Provider != ProviderOpenAI || r.Model != "fake-model-0613" || r.Note != "" {
		t.Errorf("result %+v", r)
	}
	if got := skillNames(r.MatchedSkills); strings.Join(got, ",") != "Go,PostgreSQL,Kubernetes" {
		t.Errorf("matched %q (aliases should be canonical)", got)
	}
	if w := r.MatchedSkills[2].Where; len(w) != 1 || w[0] != "skills list" {
		t.Errorf("where of a single string = %q", w)
	}
	if strings.Join(r.MissingSkills, ",") != "Prometheus,Grafana" || len(r.Highlights) != 1 || !strings.HasPrefix(r.Feedback, "A strong match") {
		t.Errorf("result %+v", r)
	}
}

func TestOpenAINoKeyNoAuthHeader(t *testing.T) {
	f := newFakeLLM(t, func(n int, w http.ResponseWriter, r *http.Request) { completion(w, goodAnalysis) })
	if _, err := (&OpenAI{Client: f.client("", nil)}).Analyse(context.Background(), goInput()); err != nil {
		t.Fatal(err)
	}
	if f.requests[0].Auth != "" {
		t.Errorf("Authorization %q sent without a key", f.requests[0].Auth)
	}
}

// TestOpenAIFallsBack: every way the provider can fail ends in the built-in
// result with a note naming the failure, never an error.
func TestOpenAIFallsBack(t *testing.T) {
	builtin, _ := Builtin{}.Analyse(context.Background(), goInput())
	tests := []struct {
		name      string
		reply     func(n int, w http.ResponseWriter, r *http.Request)
		note      string
		wantCalls int
	}{
		{"not json", func(n int, w http.ResponseWriter, r *http.Request) { completion(w, "Sure! The score is 80.") }, "the reply was not a JSON object", 1},
		{"score out of range", func(n int, w http.ResponseWriter, r *http.Request) {
			completion(w, `{"score": 140, "feedback": "x"}`)
		}, "score 140 is not between 0 and 100", 1},
		{"score a string", func(n int, w http.ResponseWriter, r *http.Request) {
			completion(w, `{"score": "high", "feedback": "x"}`)
		}, "no numeric score", 1},
		{"missing list of strings", func(n int, w http.ResponseWriter, r *http.Request) {
			completion(w, `{"score": 50, "missing_skills": [1, 2], "feedback": "x"}`)
		}, "missing_skills is not an array of strings", 1},
		{"no feedback", func(n int, w http.ResponseWriter, r *http.Request) { completion(w, `{"score": 50}`) }, "no feedback", 1},
		{"not a completion", func(n int, w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"error": "?"}`) }, "not a chat completion", 1},
		{"5xx always", func(n int, w http.ResponseWriter, r *http.Request) { http.Error(w, "overloaded", 503) }, "HTTP 503 after 4 attempts", 4},
		{"401 not retried", func(n int, w http.ResponseWriter, r *http.Request) { http.Error(w, "bad key", 401) }, "HTTP 401", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLLM(t, tt.reply)
			r, err := (&OpenAI{Client: f.client("k", nil)}).Analyse(context.Background(), goInput())
			if err != nil {
				t.Fatal(err)
			}
			want := "The AI provider failed ("
			if !strings.HasPrefix(r.Note, want) || !strings.Contains(r.Note, tt.note) || !strings.HasSuffix(r.Note, "); this is the built-in analysis.") {
				t.Errorf("note %q, want one naming %q", r.Note, tt.note)
			}
			if r.Provider != ProviderBuiltin || r.Score != builtin.Score || len(r.MatchedSkills) != len(builtin.MatchedSkills) {
				t.Errorf("fallback result %+v differs from the built-in one", r)
			}
			if got := int(f.calls.Load()); got != tt.wantCalls {
				t.Errorf("%d calls, want %d", got, tt.wantCalls)
			}
		})
	}
}

// TestOpenAIRetries: 429 and 5xx are retried with growing, jittered
// backoff; Retry-After is honoured up to the cap.
func TestOpenAIRetries(t *testing.T) {
	f := newFakeLLM(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 0:
			w.Header().Set("Retry-After", "3")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		case 1:
			w.Header().Set("Retry-After", "3600")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		case 2:
			http.Error(w, "bad gateway", http.StatusBadGateway)
		default:
			completion(w, goodAnalysis)
		}
	})
	var waits []time.Duration
	c := f.client("k", &waits)
	c.MaxBackoff, c.Timeout = 10*time.Second, time.Minute
	r, err := (&OpenAI{Client: c}).Analyse(context.Background(), goInput())
	if err != nil {
		t.Fatal(err)
	}
	if r.Note != "" || r.Provider != ProviderOpenAI || f.calls.Load() != 4 {
		t.Fatalf("after retries: %d calls, result %+v", f.calls.Load(), r)
	}
	if len(waits) != 3 || waits[0] != 3*time.Second || waits[1] != 10*time.Second {
		t.Fatalf("waits %v, want [3s 10s (capped) backoff]", waits)
	}
	// The third wait is attempt 2's backoff: 2s with equal jitter, in [1s, 2s].
	if waits[2] < time.Second || waits[2] > 2*time.Second {
		t.Errorf("backoff %v not in [1s, 2s]", waits[2])
	}
}

// TestOpenAINoWaitPastDeadline: a Retry-After longer than the time left
// falls back at once instead of sleeping past the timeout.
func TestOpenAINoWaitPastDeadline(t *testing.T) {
	f := newFakeLLM(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	var waits []time.Duration
	c := f.client("k", &waits)
	c.Timeout, c.MaxBackoff = 2*time.Second, time.Minute
	r, err := (&OpenAI{Client: c}).Analyse(context.Background(), goInput())
	if err != nil || len(waits) != 0 || f.calls.Load() != 1 || !strings.Contains(r.Note, "HTTP 429; no time left to retry") {
		t.Errorf("waits %v, calls %d, note %q, err %v", waits, f.calls.Load(), r.Note, err)
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	c := &Client{MaxBackoff: 4 * time.Second}
	for attempt, hi := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second} {
		for range 50 {
			if d := c.backoff(attempt, ""); d < hi/2 || d > hi {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v]", attempt, d, hi/2, hi)
			}
		}
	}
	if d := c.backoff(0, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)); d != 4*time.Second {
		t.Errorf("Retry-After date an hour away = %v, want the 4s cap", d)
	}
}

// TestOpenAITimeout: a provider slower than the timeout is abandoned and the
// built-in result returned, in about the timeout.
func TestOpenAITimeout(t *testing.T) {
	release := make(chan struct{})
	f := newFakeLLM(t, func(n int, w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c := f.client("k", nil)
	c.Timeout = 200 * time.Millisecond
	c.sleep = nil
	start := time.Now()
	r, err := (&OpenAI{Client: c}).Analyse(context.Background(), goInput())
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("took %v with a 200ms timeout", el)
	}
	if !strings.Contains(r.Note, "timed out after 200ms") || r.Provider != ProviderBuiltin {
		t.Errorf("result %+v", r)
	}
}

// TestOpenAICallerCancel: when the caller gives up, Analyse returns its
// error rather than a fallback.
func TestOpenAICallerCancel(t *testing.T) {
	f := newFakeLLM(t, func(n int, w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := (&OpenAI{Client: f.client("k", nil)}).Analyse(ctx, goInput())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the caller's deadline", err)
	}
}

// TestOpenAIUnreachable: a closed port falls back after the retries.
func TestOpenAIUnreachable(t *testing.T) {
	f := newFakeLLM(t, func(n int, w http.ResponseWriter, r *http.Request) {})
	c := f.client("k", nil)
	f.Close()
	r, err := (&OpenAI{Client: c}).Analyse(context.Background(), goInput())
	if err != nil || !strings.Contains(r.Note, "could not reach the provider after 4 attempts") {
		t.Errorf("result %+v, %v", r, err)
	}
}

func TestLLMGenerator(t *testing.T) {
	tests := []struct {
		name, content string
		note          string // "" means the LLM document is used
		has, lacks    []string
	}{
		{"valid", `{"html": "<article><p>Dear Acme Payments team, I am applying for the Senior Go Engineer role.</p><script>steal()</script><p onclick=\"x\">Regards, Ada</p></article>"}`,
			"", []string{"Senior Go Engineer role", "<p>Regards, Ada</p>"}, []string{"<script", "onclick"}},
		{"fenced", "```json\n{\"html\": \"<p>Dear Acme Payments team, I am applying for the Senior Go Engineer role with joy.</p>\"}\n```", "", []string{"with joy"}, nil},
		{"placeholder", `{"html": "<p>Dear [Hiring Manager], I am applying for the role at Acme Payments. Regards, [Your Name]</p>"}`,
			"placeholders", []string{"Dear Acme Payments Hiring Team,"}, []string{"[Your Name]"}},
		{"empty", `{"html": "<p> </p>"}`, "empty", []string{"Kind regards"}, nil},
		{"no html", `{"letter": "hi"}`, "no html string", []string{"Kind regards"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLLM(t, func(n int, w http.ResponseWriter, r *http.Request) { completion(w, tt.content) })
			g := &LLMGenerator{Client: f.client("k", nil)}
			d, err := g.CoverLetter(context.Background(), goInput())
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.note == "" && (d.Provider != ProviderOpenAI || d.Model != "fake-model-0613" || d.PromptVersion != PromptVersion || d.Note != ""):
				t.Errorf("document %+v", d)
			case tt.note != "" && (d.Provider != ProviderBuiltin || !strings.Contains(d.Note, tt.note)):
				t.Errorf("fallback %+v, want a note naming %q", d, tt.note)
			}
			if d.Type != "cover_letter" || d.Title != "Cover letter: Senior Go Engineer at Acme Payments" {
				t.Errorf("type %q title %q", d.Type, d.Title)
			}
			for _, s := range tt.has {
				if !strings.Contains(d.HTML, s) {
					t.Errorf("document lacks %q:\n%s", s, d.HTML)
				}
			}
			for _, s := range tt.lacks {
				if strings.Contains(d.HTML, s) {
					t.Errorf("document holds %q:\n%s", s, d.HTML)
				}
			}
		})
	}
	// The CV goes through the same path.
	f := newFakeLLM(t, func(n int, w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 500) })
	d, err := (&LLMGenerator{Client: f.client("k", nil)}).CV(context.Background(), goInput())
	if err != nil || d.Type != "cv" || d.Provider != ProviderBuiltin || !strings.Contains(d.Note, "HTTP 500") || !strings.Contains(d.HTML, "Ada Nguyen") {
		t.Errorf("CV fallback %+v, %v", d, err)
	}
}
