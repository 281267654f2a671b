package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vega-ai/vega/auth/oauth/oauthtest"
	"github.com/vega-ai/vega/models"
)

func TestSettingsPageShowsEverySection(t *testing.T) {
	ts := newAuthTestServer(t)
	b, _ := acctSignedIn(t, ts, "alice")
	page := b.acctPage(t, "/settings")
	for _, want := range []string{
		`action="/settings/password"`, `<label for="f-current-password">`, `<label for="f-new-password">`, `<label for="f-confirm-password">`,
		`action="/settings/sessions/revoke-all"`, `This browser`, `href="/settings/export?format=json"`, `href="/settings/export?format=csv"`,
		`action="/settings/import" enctype="multipart/form-data"`, `<label for="f-file">`, `action="/settings/delete"`, `<label for="f-confirm">`,
		`<label for="f-password">`, `aria-current="page"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("settings page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, `style="`) {
		t.Error("settings page has an inline script or style")
	}
}

func TestSettingsChangesThePassword(t *testing.T) {
	ts := newAuthTestServer(t)
	b, _ := acctSignedIn(t, ts, "alice")
	other := newBrowser(ts)
	other.signIn(t, "alice", "password-alice")
	api := ts.authLogin(t, "alice", "password-alice")

	cases := []struct {
		form url.Values
		want string
	}{
		{url.Values{"current_password": {"wrong-password"}, "new_password": {"new-password-1"}, "confirm_password": {"new-password-1"}}, "Current password is not correct"},
		{url.Values{"current_password": {"password-alice"}, "new_password": {"new-password-1"}, "confirm_password": {"new-password-2"}}, "The repeated password does not match the new password"},
		{url.Values{"current_password": {"password-alice"}, "new_password": {"short"}, "confirm_password": {"short"}}, "New password must be 8 to"},
		{url.Values{"current_password": {"password-alice"}}, "New password is required"},
	}
	for _, c := range cases {
		resp, page := b.acctPost(t, "/settings", "/settings/password", c.form)
		wantPage(t, "refused password change", resp, page, http.StatusBadRequest, c.want, "Your password was not changed.", `aria-invalid="true"`)
		if strings.Contains(page, "new-password-1") {
			t.Error("a refused form shows a password again")
		}
	}
	if resp, _ := b.post(t, "/settings/password", url.Values{"current_password": {"password-alice"}, "new_password": {"new-password-1"}, "confirm_password": {"new-password-1"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("password form without CSRF = %d, want 403", resp.StatusCode)
	}
	ts.authLogin(t, "alice", "password-alice") // unchanged so far

	resp, body := b.acctPost(t, "/settings", "/settings/password",
		url.Values{"current_password": {"password-alice"}, "new_password": {"new-password-1"}, "confirm_password": {"new-password-1"}})
	wantRedirect(t, "password change", resp, body, "/settings?done=password#password")
	if st := ts.status(t, "POST", "/api/auth/login", "", credentials{"alice", "password-alice"}); st != http.StatusUnauthorized {
		t.Fatalf("old password still signs in: %d", st)
	}
	ts.authLogin(t, "alice", "new-password-1")
	// This browser stays signed in; the other sessions are signed out.
	wantPage(t, "settings after the change", &http.Response{StatusCode: 200}, b.acctPage(t, "/settings?done=password"), 200, "Your password was changed.")
	if resp, _ := other.get(t, "/settings"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another browser's session survived the password change: %d", resp.StatusCode)
	}
	if st := ts.status(t, "GET", "/api/me", api.Token, nil); st != http.StatusUnauthorized {
		t.Fatalf("an API session survived the password change: %d", st)
	}
}

func TestSettingsSetsAFirstPasswordWithoutTheCurrentOne(t *testing.T) {
	ts, fakes := newOAuthTestServer(t)
	fakes.google.SetUser(oauthtest.User{Subject: "g-1", Email: "grace@example.com", EmailVerified: true})
	b := newBrowser(ts)
	b.oauthSignIn(t, fakes.google, "google")
	page := b.acctPage(t, "/settings")
	if !strings.Contains(page, "Set a password") || strings.Contains(page, `name="current_password"`) {
		t.Fatalf("settings of a user without a password:\n%s", page)
	}
	resp, body := b.acctPost(t, "/settings", "/settings/password", url.Values{"new_password": {"first-password"}, "confirm_password": {"first-password"}})
	wantRedirect(t, "set a password", resp, body, "/settings?done=password-set#password")
	ts.authLogin(t, "grace", "first-password")
	if page := b.acctPage(t, "/settings"); !strings.Contains(page, `name="current_password"`) {
		t.Fatal("after setting a password, the form does not ask for it")
	}
}

// acctSessionIDs returns the ids in the settings page's sign-out forms.
func acctSessionIDs(t *testing.T, page string) []string {
	t.Helper()
	var ids []string
	for _, m := range regexp.MustCompile(`action="/settings/sessions/(\d+)/revoke"`).FindAllStringSubmatch(page, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestSettingsSignsSessionsOut(t *testing.T) {
	ts := newAuthTestServer(t)
	a, uid := acctSignedIn(t, ts, "alice")
	second := newBrowser(ts)
	second.signIn(t, "alice", "password-alice")
	api := ts.authLogin(t, "alice", "password-alice")

	page := a.acctPage(t, "/settings")
	ids := acctSessionIDs(t, page)
	if len(ids) != 3 || strings.Count(page, "This browser") != 1 || !strings.Contains(page, "Browser extension or API") {
		t.Fatalf("sessions listed: %v\n%s", ids, page)
	}

	// Sign the second browser out from the first.
	sessions, err := ts.Store.Sessions(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	aFamily := acctFamilyOf(t, ts, a, uid)
	var secondID int64
	for _, s := range sessions {
		if s.Kind == models.SessionWeb && s.FamilyID != aFamily {
			secondID = s.ID
		}
	}
	if secondID == 0 {
		t.Fatal("second browser's session not found")
	}

	// Another user cannot sign alice's session out.
	mallory, _ := acctSignedIn(t, ts, "mallory")
	resp, page := mallory.acctPost(t, "/settings", fmt.Sprintf("/settings/sessions/%d/revoke", secondID), url.Values{})
	wantPage(t, "another user's session", resp, page, http.StatusNotFound, "No such session")
	second.acctPage(t, "/settings")

	resp, body := a.acctPost(t, "/settings", fmt.Sprintf("/settings/sessions/%d/revoke", secondID), url.Values{})
	wantRedirect(t, "sign out one session", resp, body, "/settings?done=session-revoked#sessions")
	if resp, _ := second.get(t, "/settings"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("signed-out browser = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if st := ts.status(t, "GET", "/api/me", api.Token, nil); st != http.StatusOK {
		t.Fatalf("the API session went too: %d", st)
	}

	// Without the CSRF token, nobody is signed out.
	if resp, _ := a.post(t, "/settings/sessions/revoke-all", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign out everywhere without CSRF = %d, want 403", resp.StatusCode)
	}

	// Everywhere: this browser too, and the API token.
	resp, body = a.acctPost(t, "/settings", "/settings/sessions/revoke-all", url.Values{})
	wantRedirect(t, "sign out everywhere", resp, body, "/login?done=signed-out-everywhere")
	if _, ok := a.cookies[sessionCookie]; ok {
		t.Error("the session cookie was kept")
	}
	if st := ts.status(t, "GET", "/api/me", api.Token, nil); st != http.StatusUnauthorized {
		t.Fatalf("API token after signing out everywhere = %d, want 401", st)
	}
	if resp, _ := a.get(t, "/profile"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("browser after signing out everywhere = %d", resp.StatusCode)
	}
	wantPage(t, "login after signing out everywhere", &http.Response{StatusCode: 200}, a.acctPage(t, "/login?done=signed-out-everywhere"), 200, "You were signed out everywhere")
	if l, _ := ts.Store.Sessions(context.Background(), uid); len(l) != 0 {
		t.Fatalf("%d sessions left", len(l))
	}
}

func TestSettingsSigningOutThisSessionEndsAtTheSignInPage(t *testing.T) {
	ts := newAuthTestServer(t)
	b, uid := acctSignedIn(t, ts, "alice")
	sessions, err := ts.Store.Sessions(context.Background(), uid)
	if err != nil || len(sessions) != 1 {
		t.Fatalf("sessions = %v, %v", sessions, err)
	}
	resp, body := b.acctPost(t, "/settings", fmt.Sprintf("/settings/sessions/%d/revoke", sessions[0].ID), url.Values{})
	wantRedirect(t, "sign out this session", resp, body, "/login?done=session-ended")
	if resp, _ := b.get(t, "/settings"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("still signed in: %d", resp.StatusCode)
	}
}

// acctFamilyOf returns the session family of browser b (of user uid): the
// one family whose session the settings page marks as this browser's.
func acctFamilyOf(t *testing.T, ts *testServer, b *browser, uid int64) string {
	t.Helper()
	page := b.acctPage(t, "/settings")
	_, rest, ok := strings.Cut(page, "This browser")
	if !ok {
		t.Fatal("no current session on the settings page")
	}
	m := regexp.MustCompile(`action="/settings/sessions/(\d+)/revoke"`).FindStringSubmatch(rest)
	if m == nil {
		t.Fatal("no sign-out form for the current session")
	}
	sessions, err := ts.Store.Sessions(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sessions {
		if fmt.Sprint(s.ID) == m[1] {
			return s.FamilyID
		}
	}
	t.Fatalf("session %s not found", m[1])
	return ""
}

// acctUpload posts file as the import form's "file" field with the CSRF token.
func (b *browser) acctUpload(t *testing.T, token, name string, file []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if token != "" {
		if err := w.WriteField("_csrf", token); err != nil {
			t.Fatal(err)
		}
	}
	if name != "" {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(file); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/settings/import", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Accept", "text/html")
	return b.send(t, req)
}

func TestSettingsExportAndImportRoundTrip(t *testing.T) {
	for _, format := range []string{"json", "csv"} {
		t.Run(format, func(t *testing.T) {
			ts := newAuthTestServer(t)
			a, _ := acctSignedIn(t, ts, "alice")
			aliceAPI := ts.authLogin(t, "alice", "password-alice")
			seedJobs(t, ts, aliceAPI.Token, "Backend engineer", "Data engineer", "SRE")

			resp, export := a.get(t, "/settings/export?format="+format)
			if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") ||
				!strings.Contains(export, "Backend engineer") {
				t.Fatalf("export = %d %q\n%s", resp.StatusCode, resp.Header.Get("Content-Disposition"), export)
			}
			if resp, _ := newBrowser(ts).get(t, "/settings/export?format="+format); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("export signed out = %d", resp.StatusCode)
			}

			b, _ := acctSignedIn(t, ts, "bob")
			bobAPI := ts.authLogin(t, "bob", "password-bob")
			token := csrfFrom(t, b.acctPage(t, "/settings"))

			// Without the CSRF token, or without a file, nothing happens.
			if resp, _ := b.acctUpload(t, "", "jobs."+format, []byte(export)); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("import without CSRF = %d, want 403", resp.StatusCode)
			}
			resp, page := b.acctUpload(t, token, "", nil)
			wantPage(t, "import without a file", resp, page, http.StatusBadRequest, "Choose a file to import")

			resp, body := b.acctUpload(t, token, "jobs."+format, []byte(export))
			wantRedirect(t, "import", resp, body, "/settings?done=imported&created=3&existing=0#import")
			if page := b.acctPage(t, "/settings?done=imported&created=3&existing=0"); !strings.Contains(page, "Imported 3 jobs.") {
				t.Fatalf("import notice missing:\n%s", page)
			}
			want, got := comparableJobs(listAll(t, ts, aliceAPI.Token)), comparableJobs(listAll(t, ts, bobAPI.Token))
			if len(got) != len(want) {
				t.Fatalf("bob has %d jobs after the import, want %d", len(got), len(want))
			}
			for i := range want {
				if derefView(got[i]) != derefView(want[i]) {
					t.Errorf("job %d differs:\n got %s\nwant %s", i, derefView(got[i]), derefView(want[i]))
				}
			}

			// Again: every job is already there.
			resp, body = b.acctUpload(t, token, "jobs."+format, []byte(export))
			wantRedirect(t, "second import", resp, body, "/settings?done=imported&created=0&existing=3#import")
			if page := b.acctPage(t, "/settings?done=imported&created=0&existing=3"); !strings.Contains(page, "Skipped 3 jobs you had already saved.") {
				t.Fatalf("second import notice missing:\n%s", page)
			}
		})
	}
}

func TestSettingsImportRefusesAnInvalidFileAndStoresNothing(t *testing.T) {
	ts := newAuthTestServer(t)
	b, _ := acctSignedIn(t, ts, "bob")
	api := ts.authLogin(t, "bob", "password-bob")
	token := csrfFrom(t, b.acctPage(t, "/settings"))
	file := `{"format":"vega-jobs","version":1,"jobs":[{"title":"Fine","company":"Acme"},{"title":"","company":"Acme"},{"title":"No company"}]}`
	resp, page := b.acctUpload(t, token, "jobs.json", []byte(file))
	wantPage(t, "invalid import", resp, page, http.StatusBadRequest, "Nothing was imported: the file has 2 errors.",
		"jobs[1].title is required", "jobs[2].company")
	if l := listAll(t, ts, api.Token); len(l) != 0 {
		t.Fatalf("an invalid import stored %d jobs", len(l))
	}
	resp, page = b.acctUpload(t, token, "notes.txt", []byte("just some text"))
	wantPage(t, "not an export", resp, page, http.StatusBadRequest, "Nothing was imported")
	big := bytes.Repeat([]byte("a"), maxImportFileBytes+1)
	resp, page = b.acctUpload(t, token, "big.csv", big)
	wantPage(t, "too large", resp, page, http.StatusRequestEntityTooLarge, "at most 10 MB")
}

func TestSettingsDeletesTheAccountAndEverythingInIt(t *testing.T) {
	ts := newAuthTestServer(t)
	b, uid := acctSignedIn(t, ts, "alice")
	second := newBrowser(ts)
	second.signIn(t, "alice", "password-alice")
	api := ts.authLogin(t, "alice", "password-alice")
	seedJobs(t, ts, api.Token, "Backend engineer", "SRE")
	resp, body := b.acctPost(t, "/profile", "/profile/experiences", url.Values{"title": {"Engineer"}, "company": {"Acme"}, "start_date": {"2020-01-01"}})
	wantRedirect(t, "add experience", resp, body, "/profile?done=experiences-added#experiences")
	bob, bobID := acctSignedIn(t, ts, "bob")
	bobAPI := ts.authLogin(t, "bob", "password-bob")
	seedJobs(t, ts, bobAPI.Token, "Bob's job")

	for _, c := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"confirm": {"alic"}, "password": {"password-alice"}}, "The username must be your username, alice"},
		{url.Values{"confirm": {"bob"}, "password": {"password-bob"}}, "The username must be your username, alice"},
		{url.Values{"confirm": {"alice"}, "password": {"wrong-password"}}, "Your password is not correct"},
		{url.Values{"confirm": {"alice"}}, "Your password is required"},
	} {
		resp, page := b.acctPost(t, "/settings", "/settings/delete", c.form)
		wantPage(t, "refused deletion", resp, page, http.StatusBadRequest, c.want, "Your account was not deleted.")
	}
	if resp, _ := b.post(t, "/settings/delete", url.Values{"confirm": {"alice"}, "password": {"password-alice"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("deletion without CSRF = %d, want 403", resp.StatusCode)
	}
	if _, err := ts.Store.User(context.Background(), uid); err != nil {
		t.Fatalf("a refused deletion deleted the account: %v", err)
	}

	resp, body = b.acctPost(t, "/settings", "/settings/delete", url.Values{"confirm": {"alice"}, "password": {"password-alice"}})
	wantRedirect(t, "deletion", resp, body, "/login?done=account-deleted")
	wantPage(t, "login after deletion", &http.Response{StatusCode: 200}, b.acctPage(t, "/login?done=account-deleted"), 200, "Your account and everything in it were deleted.")

	ctx := context.Background()
	if _, err := ts.Store.User(ctx, uid); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("user after deletion: %v", err)
	}
	for table, want := range map[string]int64{"jobs": 1, "profiles": 1, "work_experiences": 0, "sessions WHERE user_id = " + fmt.Sprint(uid): 0} {
		var n int64
		if err := ts.DB.Write.Raw("SELECT COUNT(*) FROM " + table).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s: %d rows after the deletion, want %d (bob's only)", table, n, want)
		}
	}
	if st := ts.status(t, "GET", "/api/me", api.Token, nil); st != http.StatusUnauthorized {
		t.Fatalf("API token after deletion = %d", st)
	}
	if st := ts.status(t, "POST", "/api/auth/login", "", credentials{"alice", "password-alice"}); st != http.StatusUnauthorized {
		t.Fatalf("sign-in after deletion = %d", st)
	}
	if resp, _ := second.get(t, "/profile"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another browser after deletion = %d", resp.StatusCode)
	}
	// Bob is untouched.
	if _, err := ts.Store.User(ctx, bobID); err != nil {
		t.Fatal(err)
	}
	bob.acctPage(t, "/settings")
	if l := listAll(t, ts, bobAPI.Token); len(l) != 1 {
		t.Fatalf("bob has %d jobs", len(l))
	}
}

func TestSettingsDeletesAnAccountWithoutAPasswordByItsUsername(t *testing.T) {
	ts, fakes := newOAuthTestServer(t)
	fakes.google.SetUser(oauthtest.User{Subject: "g-2", Email: "grace@example.com", EmailVerified: true})
	b := newBrowser(ts)
	b.oauthSignIn(t, fakes.google, "google")
	page := b.acctPage(t, "/settings")
	if strings.Contains(page, `<label for="f-password">`) {
		t.Fatal("the deletion form asks a user without a password for one")
	}
	resp, page := b.acctPost(t, "/settings", "/settings/delete", url.Values{"confirm": {"grace2"}})
	wantPage(t, "wrong username", resp, page, http.StatusBadRequest, "The username must be your username, grace")
	resp, body := b.acctPost(t, "/settings", "/settings/delete", url.Values{"confirm": {"grace"}})
	wantRedirect(t, "deletion", resp, body, "/login?done=account-deleted")
	if ts.userCount(t) != 0 {
		t.Fatal("the account is still there")
	}
}
