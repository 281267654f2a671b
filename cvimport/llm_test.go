package cvimport_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vega-ai/vega/analysis"
	"github.com/vega-ai/vega/cvimport"
)

// fakeModel is an OpenAI-compatible chat-completions server that answers
// each request with reply and records the requests.
type fakeModel struct {
	*httptest.Server
	mu       sync.Mutex
	requests []map[string]any
	paths    []string
}

func newFakeModel(t *testing.T, reply func(w http.ResponseWriter)) *fakeModel {
	t.Helper()
	f := &fakeModel{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		f.mu.Lock()
		f.requests = append(f.requests, body)
		f.paths = append(f.paths, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		reply(w)
	}))
	t.Cleanup(f.Close)
	return f
}

// answering is a reply writing a chat completion whose content is content.
func answering(content string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "model": "fake-model",
			"choices": []map[string]any{{"index": 0, "message": map[string]string{"role": "assistant", "content": content}, "finish_reason": "stop"}},
		})
	}
}

// llmReader is an LLMReader whose client talks to f, without retries.
func llmReader(f *fakeModel) *cvimport.LLMReader {
	return &cvimport.LLMReader{Client: &analysis.Client{BaseURL: f.URL + "/v1", APIKey: "sk-test", Model: "fake-model",
		Timeout: 10 * time.Second, MaxRetries: -1}}
}

func testCV(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/chronological.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func month(y int, m time.Month) *time.Time {
	t := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	return &t
}

const goodCVAnswer = `{"first_name": "Jane", "last_name": "Doe", "title": "Senior Backend Engineer", "email": "jane.doe@example.com",
 "phone": "+49 30 1234567", "location": "Berlin, Germany", "linkedin": "https://linkedin.com/in/janedoe", "github": "", "website": "",
 "summary": "Backend engineer.", "skills": ["Go", "Kubernetes"],
 "experiences": [{"company": "Acme Corp", "title": "Senior Backend Engineer", "location": "Berlin", "start": "2020-01", "end": null, "current": true, "description": "Led the migration."},
                 {"company": "Globex GmbH", "title": "Software Engineer", "location": "", "start": "2017-03", "end": "2019-12", "current": false, "description": ""}],
 "education": [{"institution": "Technical University of Munich", "degree": "MSc", "field_of_study": "Computer Science", "start": "2013", "end": "2015-09-01", "description": ""}],
 "certifications": [{"name": "CKA", "issuing_org": "CNCF", "issue_date": "2021-06", "expiry_date": null, "credential_id": "X-1", "credential_url": ""}]}`

func TestLLMReaderUsesAValidAnswer(t *testing.T) {
	f := newFakeModel(t, answering(goodCVAnswer))
	cv := testCV(t)
	p, src, note, err := llmReader(f).Read(context.Background(), cv)
	if err != nil || src != cvimport.SourceLLM || note != "" {
		t.Fatalf("Read = %v, %q, %q", err, src, note)
	}
	if p.FirstName != "Jane" || p.LastName != "Doe" || p.Email != "jane.doe@example.com" || !reflect.DeepEqual(p.Skills, []string{"Go", "Kubernetes"}) {
		t.Errorf("details = %+v", p)
	}
	want := []cvimport.Experience{
		{Company: "Acme Corp", Title: "Senior Backend Engineer", Location: "Berlin", Start: month(2020, 1), Current: true, Description: "Led the migration."},
		{Company: "Globex GmbH", Title: "Software Engineer", Start: month(2017, 3), End: month(2019, 12)},
	}
	if !reflect.DeepEqual(p.Experiences, want) {
		t.Errorf("experiences = %+v, want %+v", p.Experiences, want)
	}
	if len(p.Education) != 1 || p.Education[0].FieldOfStudy != "Computer Science" || !p.Education[0].Start.Equal(*month(2013, 1)) ||
		!p.Education[0].End.Equal(*month(2015, 9)) {
		t.Errorf("education = %+v", p.Education)
	}
	if len(p.Certifications) != 1 || p.Certifications[0].IssuingOrg != "CNCF" || !p.Certifications[0].IssueDate.Equal(*month(2021, 6)) ||
		p.Certifications[0].ExpiryDate != nil {
		t.Errorf("certifications = %+v", p.Certifications)
	}

	// The request asks the chat-completions API for JSON and carries the CV.
	if len(f.requests) != 1 || f.paths[0] != "POST /v1/chat/completions" {
		t.Fatalf("requests: %q", f.paths)
	}
	req := f.requests[0]
	if rf, _ := req["response_format"].(map[string]any); rf["type"] != "json_object" {
		t.Errorf("response_format = %v", req["response_format"])
	}
	if req["model"] != "fake-model" {
		t.Errorf("model = %v", req["model"])
	}
	msgs, _ := req["messages"].([]any)
	if len(msgs) != 2 {
		t.Fatalf("messages = %v", req["messages"])
	}
	system, _ := msgs[0].(map[string]any)
	user, _ := msgs[1].(map[string]any)
	if system["role"] != "system" || !strings.Contains(system["content"].(string), "JSON") {
		t.Errorf("system message = %v", system)
	}
	if user["role"] != "user" || user["content"] != cv {
		t.Errorf("user message = %v, want the CV text", user)
	}
}

// TestLLMReaderFallsBack checks that a failed call or an unusable answer
// gives the built-in reader's proposal with a note saying why.
func TestLLMReaderFallsBack(t *testing.T) {
	cv := testCV(t)
	builtin, err := cvimport.Read(cv)
	if err != nil {
		t.Fatal(err)
	}
	exp := func(fields string) string {
		return `{"first_name": "Jane", "skills": ["Go"], "experiences": [{` + fields + `}]}`
	}
	for _, tc := range []struct {
		name  string
		reply func(http.ResponseWriter)
		why   string
	}{
		{"not JSON", answering("Sure! Here is the CV: Jane Doe, engineer."), "unusable"},
		{"truncated JSON", answering(`{"first_name": "Jane", "experiences": [{"company": "Acme"`), "unusable"},
		{"end before start", answering(exp(`"company": "Acme", "title": "Engineer", "start": "2020-05", "end": "2019-01"`)), "valid dates"},
		{"no start", answering(exp(`"company": "Acme", "title": "Engineer", "start": null`)), "valid dates"},
		{"date not a month", answering(exp(`"company": "Acme", "title": "Engineer", "start": "last spring"`)), "valid dates"},
		{"number for a date", answering(exp(`"company": "Acme", "title": "Engineer", "start": 2020`)), "unusable"},
		{"string for a list", answering(`{"first_name": "Jane", "skills": "Go, SQL"}`), "unusable"},
		{"object for a string", answering(`{"first_name": {"given": "Jane"}, "skills": ["Go"]}`), "unusable"},
		{"certification without a name", answering(`{"skills": ["Go"], "certifications": [{"issuing_org": "CNCF"}]}`), "without a name"},
		{"empty", answering(`{}`), "empty"},
		{"server error", func(w http.ResponseWriter) {
			http.Error(w, `{"error": {"message": "overloaded"}}`, http.StatusInternalServerError)
		}, "read by the built-in reader"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeModel(t, tc.reply)
			p, src, note, err := llmReader(f).Read(context.Background(), cv)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if src != cvimport.SourceBuiltin {
				t.Errorf("source = %q, want builtin", src)
			}
			if !strings.HasPrefix(note, "read by the built-in reader: ") || !strings.Contains(note, tc.why) {
				t.Errorf("note = %q, want one saying %q", note, tc.why)
			}
			if !reflect.DeepEqual(p, builtin) {
				t.Errorf("proposal = %+v\nwant the built-in reader's %+v", p, builtin)
			}
			if len(f.requests) != 1 {
				t.Errorf("%d requests, want 1", len(f.requests))
			}
		})
	}
}

// TestLLMReaderNotACV checks that the model's "not a CV" and the built-in
// reader's agreement refuse the text, and that the model cannot overrule a
// CV the built-in reader reads.
func TestLLMReaderNotACV(t *testing.T) {
	f := newFakeModel(t, answering(`{"not_a_cv": true}`))
	_, _, _, err := llmReader(f).Read(context.Background(), "Shopping list\n- eggs\n- milk\n- bread and butter, jam")
	if !errors.Is(err, cvimport.ErrNotACV) {
		t.Fatalf("shopping list: err = %v, want ErrNotACV", err)
	}
	p, src, note, err := llmReader(f).Read(context.Background(), testCV(t))
	if err != nil || src != cvimport.SourceBuiltin || note == "" || len(p.Experiences) == 0 {
		t.Fatalf("a CV the model calls not a CV: %v %q %q %+v", err, src, note, p)
	}
}
