package server

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// The route matrix's entries for registerProfileImportRoutes.
func init() {
	apiMatrix["POST /api/profile/import"] = apiCall{path: fixed("/api/profile/import"), want: 200,
		body: bodyOf(map[string]any{"text": "Ada Lovelace\nada@example.com\n\nEXPERIENCE\nEngineer — Acme\nJan 2020 - Present\n"})}
	apiMatrix["POST /api/profile/import/apply"] = apiCall{path: fixed("/api/profile/import/apply"), want: 200,
		body: bodyOf(map[string]any{"first_name": "Ada", "experiences": []any{map[string]any{"company": "Acme", "title": "Engineer", "start": "2020-01-01T00:00:00Z"}}})}
}

// multipartCV builds a multipart body with data as the field "file".
func multipartCV(t *testing.T, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// TestProfileImportAPI uploads CVs and checks the proposal or the refusal.
func TestProfileImportAPI(t *testing.T) {
	ts := newAuthTestServer(t)
	_, tok := ts.authUser(t, "importer")
	cv, err := os.ReadFile("../cvimport/testdata/chronological.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       int
		msg        string
	}{
		{"text file", "cv.txt", cv, 200, `"source":"builtin"`},
		{"png", "cv.png", []byte("\x89PNG\r\n\x1a\nxxxx"), 415, "unsupported file type"},
		{"too large", "cv.txt", bytes.Repeat([]byte("a"), 5<<20+10), 413, "too large"},
		{"not a cv", "list.txt", []byte("Shopping list\n- eggs\n- milk\n- bread and butter, jam"), 422, "does not look like a CV"},
		{"no text", "scan.pdf", []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF"), 422, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := multipartCV(t, tc.file, tc.data)
			req := httptest.NewRequest("POST", "/api/profile/import", body)
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Authorization", "Bearer "+tok.Token)
			resp, b := ts.do(t, req)
			if resp.StatusCode != tc.want || !strings.Contains(string(b), tc.msg) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, truncate(b), tc.want, tc.msg)
			}
		})
	}
	// Nothing was saved by the import; apply saves the kept items.
	resp, b := ts.doJSON(t, "POST", "/api/profile/import", tok.Token, map[string]any{"text": string(cv)})
	if resp.StatusCode != 200 {
		t.Fatalf("import: %d %s", resp.StatusCode, b)
	}
	var ans struct {
		Proposal map[string]any `json:"proposal"`
	}
	if err := json.Unmarshal(b, &ans); err != nil {
		t.Fatal(err)
	}
	resp, b = ts.doJSON(t, "GET", "/api/profile", tok.Token, nil)
	if strings.Contains(string(b), "Acme Corp") {
		t.Fatalf("the import saved something: %s", b)
	}
	sel := ans.Proposal
	sel["experiences"] = sel["experiences"].([]any)[:1] // keep one
	resp, b = ts.doJSON(t, "POST", "/api/profile/import/apply", tok.Token, sel)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"company":"Acme Corp"`) || strings.Contains(string(b), "Globex") {
		t.Fatalf("apply: %d %s", resp.StatusCode, truncate(b))
	}
	// A second import marks the twin with its id; applying it does not duplicate.
	_, b = ts.doJSON(t, "POST", "/api/profile/import", tok.Token, map[string]any{"text": string(cv)})
	json.Unmarshal(b, &ans)
	exp0 := ans.Proposal["experiences"].([]any)[0].(map[string]any)
	if exp0["id"] == nil {
		t.Fatalf("twin not marked: %v", exp0)
	}
	ans.Proposal["experiences"] = []any{exp0}
	_, b = ts.doJSON(t, "POST", "/api/profile/import/apply", tok.Token, ans.Proposal)
	if n := strings.Count(string(b), `"company":"Acme Corp"`); n != 1 {
		t.Fatalf("%d Acme Corp experiences after the second apply: %s", n, truncate(b))
	}
	// Bad bodies.
	if resp, b := ts.doJSON(t, "POST", "/api/profile/import", tok.Token, "{"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad JSON: %d %s", resp.StatusCode, b)
	}
	if resp, b := ts.doJSON(t, "POST", "/api/profile/import/apply", tok.Token, map[string]any{"experiences": []any{map[string]any{"company": "X"}}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("invalid selection: %d %s", resp.StatusCode, b)
	}
}

// TestProfileImportIsolation checks that applying with another user's item
// ids is 404 and changes nothing.
func TestProfileImportIsolation(t *testing.T) {
	ts := newAuthTestServer(t)
	_, aTok := ts.authUser(t, "alice")
	_, bTok := ts.authUser(t, "bobby")
	resp, b := ts.doJSON(t, "POST", "/api/profile/import/apply", aTok.Token, map[string]any{
		"experiences": []any{map[string]any{"company": "Acme", "title": "Engineer", "start": "2020-01-01T00:00:00Z"}}})
	if resp.StatusCode != 200 {
		t.Fatalf("alice apply: %d %s", resp.StatusCode, b)
	}
	var prof struct {
		WorkExperiences []struct {
			ID int64 `json:"id"`
		} `json:"work_experiences"`
	}
	json.Unmarshal(b, &prof)
	id := prof.WorkExperiences[0].ID
	resp, b = ts.doJSON(t, "POST", "/api/profile/import/apply", bTok.Token, map[string]any{
		"experiences": []any{map[string]any{"id": id, "company": "Hacked", "title": "x", "start": "2020-01-01T00:00:00Z"}}})
	if resp.StatusCode != 404 {
		t.Fatalf("bob with alice's id: %d %s", resp.StatusCode, b)
	}
	_, b = ts.doJSON(t, "GET", "/api/profile", aTok.Token, nil)
	if strings.Contains(string(b), "Hacked") || !strings.Contains(string(b), "Acme") {
		t.Fatalf("alice's profile changed: %s", b)
	}
}
