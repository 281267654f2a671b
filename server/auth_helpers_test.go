package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vega-ai/vega/config"
)

// newAuthTestServer is newTestServer with bcrypt at its cheapest allowed
// cost, so tests that hash passwords stay fast.
func newAuthTestServer(t testing.TB, edit ...func(*config.Config)) *testServer {
	t.Helper()
	return newTestServer(t, append([]func(*config.Config){func(c *config.Config) { c.BcryptCost = 10 }}, edit...)...)
}

// decodeAs unmarshals a JSON body into a T, failing the test otherwise.
func decodeAs[T any](t testing.TB, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body %q is not the expected JSON: %v", body, err)
	}
	return v
}

// apiErrorOf returns the {"error", "fields"} body of an error answer.
func apiErrorOf(t testing.TB, body []byte) apiError {
	t.Helper()
	e := decodeAs[apiError](t, body)
	if e.Error == "" {
		t.Fatalf("error body without a message: %s", body)
	}
	return e
}

// authRegister registers username with password through the API.
func (ts *testServer) authRegister(t testing.TB, username, password string) userView {
	t.Helper()
	resp, body := ts.doJSON(t, "POST", "/api/auth/register", "", credentials{username, password})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("register %q = %d %s", username, resp.StatusCode, body)
	}
	return decodeAs[userView](t, body)
}

// authLogin signs username in through the API.
func (ts *testServer) authLogin(t testing.TB, username, password string) TokenResponse {
	t.Helper()
	resp, body := ts.doJSON(t, "POST", "/api/auth/login", "", credentials{username, password})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login %q = %d %s", username, resp.StatusCode, body)
	}
	return decodeAs[TokenResponse](t, body)
}

// authUser registers username (password "password-"+username) and signs it
// in, returning the user and a token pair.
func (ts *testServer) authUser(t testing.TB, username string) (userView, TokenResponse) {
	t.Helper()
	u := ts.authRegister(t, username, "password-"+username)
	return u, ts.authLogin(t, username, "password-"+username)
}

// status sends a JSON request and returns only its status.
func (ts *testServer) status(t testing.TB, method, path, token string, body any) int {
	t.Helper()
	resp, _ := ts.doJSON(t, method, path, token, body)
	return resp.StatusCode
}

// browser is a minimal cookie-keeping client for the dashboard's pages.
type browser struct {
	ts      *testServer
	cookies map[string]string
}

func newBrowser(ts *testServer) *browser { return &browser{ts: ts, cookies: map[string]string{}} }

// send makes a request with the browser's cookies, remembering the cookies
// the answer sets (an expired or empty one deletes).
func (b *browser) send(t testing.TB, req *http.Request) (*http.Response, string) {
	t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, body := b.ts.do(t, req)
	for _, c := range resp.Cookies() {
		if c.Value == "" || c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return resp, string(body)
}

// get fetches a page as a browser does.
func (b *browser) get(t testing.TB, path string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	return b.send(t, req)
}

// post submits a form.
func (b *browser) post(t testing.TB, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	return b.send(t, req)
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrfFrom returns the _csrf value of the first form in page.
func csrfFrom(t testing.TB, page string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no _csrf field in page:\n%s", page)
	}
	return m[1]
}

// signIn signs the browser in through the login form.
func (b *browser) signIn(t testing.TB, username, password string) {
	t.Helper()
	_, page := b.get(t, "/login")
	resp, body := b.post(t, "/login", url.Values{"username": {username}, "password": {password}, "_csrf": {csrfFrom(t, page)}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign-in form = %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
}
