package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vega-ai/vega/models"
)

// acctSignedIn registers username (password "password-"+username) and
// returns a browser signed in as it, with the user's id.
func acctSignedIn(t *testing.T, ts *testServer, username string) (*browser, int64) {
	t.Helper()
	u := ts.authRegister(t, username, "password-"+username)
	b := newBrowser(ts)
	b.signIn(t, username, "password-"+username)
	return b, u.ID
}

// acctPage fetches a signed-in page, failing unless it is 200 HTML.
func (b *browser) acctPage(t *testing.T, path string) string {
	t.Helper()
	resp, page := b.get(t, path)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s = %d %s\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"), page)
	}
	return page
}

// acctPost submits form to path with the CSRF token of the page at from.
func (b *browser) acctPost(t *testing.T, from, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	form.Set("_csrf", csrfFrom(t, b.acctPage(t, from)))
	return b.post(t, path, form)
}

// wantRedirect fails unless resp is a 303 to location.
func wantRedirect(t *testing.T, what string, resp *http.Response, body, location string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != location {
		t.Fatalf("%s = %d %q, want 303 to %q\n%s", what, resp.StatusCode, resp.Header.Get("Location"), location, body)
	}
}

// wantPage fails unless resp has status and page contains every want.
func wantPage(t *testing.T, what string, resp *http.Response, page string, status int, want ...string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s = %d, want %d\n%s", what, resp.StatusCode, status, page)
	}
	text := html.UnescapeString(page)
	for _, w := range want {
		if !strings.Contains(text, w) && !strings.Contains(page, w) {
			t.Errorf("%s: page lacks %q\n%s", what, w, page)
		}
	}
}

func TestProfilePageSavesDetailsAndSkills(t *testing.T) {
	ts := newAuthTestServer(t)
	b, uid := acctSignedIn(t, ts, "alice")
	ctx := context.Background()

	page := b.acctPage(t, "/profile")
	for _, want := range []string{`<label for="f-first-name">`, `<label for="f-skills">`, `<select id="f-industry" name="industry"`,
		`>Food &amp; Beverage</option>`, `action="/profile"`, `href="/profile/experiences/new"`, `href="/profile/education/new"`,
		`href="/profile/certifications/new"`, `aria-current="page"`} {
		if !strings.Contains(page, want) {
			t.Errorf("profile page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, `style="`) {
		t.Error("profile page has an inline script or style")
	}

	form := url.Values{"first_name": {"Ada"}, "last_name": {"Lovelace"}, "title": {"Engineer"},
		"industry": {fmt.Sprint(int(models.IndustryFinancialTechnology))}, "email": {"ada@example.com"},
		"website": {"https://ada.example"}, "skills": {"Go, SQL\nKubernetes\n\n go "}, "career_summary": {"Analytical engines."}}
	resp, body := b.acctPost(t, "/profile", "/profile", form)
	wantRedirect(t, "save profile", resp, body, "/profile?done=saved")
	p, err := ts.Store.Profile(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	if p.FirstName != "Ada" || p.LastName != "Lovelace" || p.Industry != models.IndustryFinancialTechnology ||
		p.Email != "ada@example.com" || strings.Join(p.Skills, "|") != "Go|SQL|Kubernetes" || p.CareerSummary != "Analytical engines." {
		t.Fatalf("saved profile = %+v", p)
	}
	page = b.acctPage(t, "/profile?done=saved")
	wantPage(t, "profile after saving", &http.Response{StatusCode: 200}, page, 200, "Your profile was saved.", `value="Ada"`,
		"Go\nSQL\nKubernetes</textarea>", fmt.Sprintf(`<option value="%d" selected>`, int(models.IndustryFinancialTechnology)))

	// A refused form keeps what was typed and says what is wrong; nothing
	// is saved.
	form.Set("first_name", `<b>Augusta</b>`)
	form.Set("email", "not an e-mail")
	resp, page = b.acctPost(t, "/profile", "/profile", form)
	wantPage(t, "profile with a bad e-mail", resp, page, http.StatusBadRequest, "E-mail must be an e-mail address",
		`value="&lt;b&gt;Augusta&lt;/b&gt;"`, `value="not an e-mail"`, `aria-invalid="true"`, `aria-describedby="f-email-error"`, `role="alert"`)
	if strings.Contains(page, "<b>Augusta") {
		t.Error("the refused form does not escape what was typed")
	}
	form.Set("email", "ada@example.com")
	form.Set("industry", "9999")
	resp, page = b.acctPost(t, "/profile", "/profile", form)
	wantPage(t, "profile with an unknown industry", resp, page, http.StatusBadRequest, "Industry is not a known industry")
	if p, _ := ts.Store.Profile(ctx, uid); p.FirstName != "Ada" {
		t.Fatalf("a refused form changed the profile: %+v", p)
	}

	// Without the CSRF token nothing is saved.
	form.Set("industry", "")
	form.Set("first_name", "Eve")
	form.Del("_csrf")
	if resp, _ := b.post(t, "/profile", form); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("profile form without CSRF = %d, want 403", resp.StatusCode)
	}
	if p, _ := ts.Store.Profile(ctx, uid); p.FirstName != "Ada" {
		t.Fatalf("a form without CSRF token changed the profile: %+v", p)
	}
	// Signed out, the page sends the browser to the sign-in page.
	if resp, _ := newBrowser(ts).get(t, "/profile"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("profile signed out = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// profileKindCase drives the form pages of one kind of profile item.
type profileKindCase struct {
	slug    string
	valid   url.Values
	edited  url.Values
	badDate url.Values // the end before the start
	message string     // what badDate says
	count   func(ctx context.Context, ts *testServer, uid int64) ([]string, error)
}

func profileKindCases() []profileKindCase {
	return []profileKindCase{
		{
			slug:    "experiences",
			valid:   url.Values{"title": {"Engineer"}, "company": {"Acme"}, "start_date": {"2020-01-15"}, "end_date": {"2022-06-30"}, "description": {"Built things."}},
			edited:  url.Values{"title": {"Lead engineer"}, "company": {"Acme"}, "start_date": {"2020-01"}, "current": {"1"}},
			badDate: url.Values{"title": {"Engineer"}, "company": {"Acme"}, "start_date": {"2022-01-01"}, "end_date": {"2021-01-01"}},
			message: "End date must be on or after the start date",
			count: func(ctx context.Context, ts *testServer, uid int64) ([]string, error) {
				l, err := ts.Store.WorkExperiences(ctx, uid)
				var out []string
				for _, x := range l {
					out = append(out, x.Title+"@"+x.Company)
				}
				return out, err
			},
		},
		{
			slug:    "education",
			valid:   url.Values{"institution": {"MIT"}, "degree": {"BSc"}, "field_of_study": {"Mathematics"}, "start_date": {"2010-09-01"}, "end_date": {"2014-06-01"}},
			edited:  url.Values{"institution": {"MIT"}, "degree": {"MSc"}, "start_date": {"2010-09-01"}},
			badDate: url.Values{"institution": {"MIT"}, "degree": {"BSc"}, "start_date": {"2014-09-01"}, "end_date": {"2010-06-01"}},
			message: "End date must be on or after the start date",
			count: func(ctx context.Context, ts *testServer, uid int64) ([]string, error) {
				l, err := ts.Store.Educations(ctx, uid)
				var out []string
				for _, x := range l {
					out = append(out, x.Degree+"@"+x.Institution)
				}
				return out, err
			},
		},
		{
			slug:    "certifications",
			valid:   url.Values{"name": {"CKA"}, "issuing_org": {"CNCF"}, "issue_date": {"2023-03-01"}, "credential_url": {"https://cncf.example/c/1"}},
			edited:  url.Values{"name": {"CKAD"}, "issuing_org": {"CNCF"}, "issue_date": {"2023-03-01"}, "expiry_date": {"2026-03-01"}},
			badDate: url.Values{"name": {"CKA"}, "issuing_org": {"CNCF"}, "issue_date": {"2023-03-01"}, "expiry_date": {"2022-03-01"}},
			message: "Expiry date must be on or after the issue date",
			count: func(ctx context.Context, ts *testServer, uid int64) ([]string, error) {
				l, err := ts.Store.Certifications(ctx, uid)
				var out []string
				for _, x := range l {
					out = append(out, x.Name+"@"+x.IssuingOrg)
				}
				return out, err
			},
		},
	}
}

func TestProfileItemsAddEditDeleteAndRefuse(t *testing.T) {
	for _, k := range profileKindCases() {
		t.Run(k.slug, func(t *testing.T) {
			ts := newAuthTestServer(t)
			b, uid := acctSignedIn(t, ts, "alice")
			ctx := context.Background()
			items := func() []string {
				t.Helper()
				l, err := k.count(ctx, ts, uid)
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			base := "/profile/" + k.slug

			page := b.acctPage(t, base+"/new")
			if !strings.Contains(page, `action="`+base+`"`) || !strings.Contains(page, `type="date"`) || !strings.Contains(page, "required") {
				t.Fatalf("new %s form:\n%s", k.slug, page)
			}

			// The end before the start is refused with the message, the
			// form keeps what was typed, and nothing is saved.
			resp, page := b.acctPost(t, base+"/new", base, cloneValues(k.badDate))
			wantPage(t, "end before start", resp, page, http.StatusBadRequest, k.message, `role="alert"`, `aria-invalid="true"`)
			for _, v := range k.badDate {
				if !strings.Contains(page, `value="`+v[0]+`"`) {
					t.Errorf("refused form lost %q", v[0])
				}
			}
			// A date that is not a date is refused too.
			bad := cloneValues(k.valid)
			for f := range bad {
				if strings.HasSuffix(f, "start_date") || f == "issue_date" {
					bad.Set(f, "2024-13-45")
				}
			}
			resp, page = b.acctPost(t, base+"/new", base, bad)
			wantPage(t, "impossible date", resp, page, http.StatusBadRequest, "must be a date such as 2024-03-01")
			if l := items(); len(l) != 0 {
				t.Fatalf("refused forms saved %v", l)
			}

			resp, body := b.acctPost(t, base+"/new", base, cloneValues(k.valid))
			wantRedirect(t, "add", resp, body, "/profile?done="+k.slug+"-added#"+k.slug)
			l := items()
			if len(l) != 1 {
				t.Fatalf("after adding: %v", l)
			}
			id := acctFirstItemID(t, ts, uid, k.slug)
			page = b.acctPage(t, "/profile")
			if !strings.Contains(page, fmt.Sprintf(`href="%s/%d/edit"`, base, id)) {
				t.Fatalf("profile does not list the new item:\n%s", page)
			}

			// Edit: the form shows the saved values; a refused edit changes
			// nothing; a valid one saves.
			edit := fmt.Sprintf("%s/%d", base, id)
			page = b.acctPage(t, edit+"/edit")
			for f, v := range k.valid {
				if f == "description" {
					continue
				}
				if !strings.Contains(page, `value="`+v[0]+`"`) {
					t.Errorf("edit form lacks %s=%q", f, v[0])
				}
			}
			resp, page = b.acctPost(t, edit+"/edit", edit, cloneValues(k.badDate))
			wantPage(t, "edit with end before start", resp, page, http.StatusBadRequest, k.message)
			if got := items(); got[0] != l[0] {
				t.Fatalf("a refused edit saved: %v", got)
			}
			resp, body = b.acctPost(t, edit+"/edit", edit, cloneValues(k.edited))
			wantRedirect(t, "edit", resp, body, "/profile?done="+k.slug+"-saved#"+k.slug)
			if got := items(); len(got) != 1 || got[0] == l[0] {
				t.Fatalf("edit did not save: %v (was %v)", got, l)
			}

			// Another user sees a 404 for every page of the item, and
			// changes nothing.
			mallory, _ := acctSignedIn(t, ts, "mallory")
			for _, path := range []string{edit + "/edit", edit + "/delete", base + "/999999/edit", base + "/nope/edit"} {
				resp, page := mallory.get(t, path)
				wantPage(t, "another user's "+path, resp, page, http.StatusNotFound, "Not found")
			}
			token := csrfFrom(t, mallory.acctPage(t, "/profile"))
			for _, path := range []string{edit, edit + "/delete"} {
				form := cloneValues(k.valid)
				form.Set("_csrf", token)
				resp, page := mallory.post(t, path, form)
				wantPage(t, "another user's POST "+path, resp, page, http.StatusNotFound, "Not found")
			}
			if got := items(); len(got) != 1 {
				t.Fatalf("another user's requests changed the items: %v", got)
			}

			// Without the CSRF token, no change.
			for _, path := range []string{base, edit, edit + "/delete"} {
				if resp, _ := b.post(t, path, cloneValues(k.valid)); resp.StatusCode != http.StatusForbidden {
					t.Fatalf("POST %s without CSRF = %d, want 403", path, resp.StatusCode)
				}
			}

			// Delete: a confirmation page, then the deletion.
			page = b.acctPage(t, edit+"/delete")
			if !strings.Contains(page, `action="`+edit+`/delete"`) || !strings.Contains(page, "cannot be undone") {
				t.Fatalf("delete confirmation:\n%s", page)
			}
			resp, body = b.acctPost(t, edit+"/delete", edit+"/delete", url.Values{})
			wantRedirect(t, "delete", resp, body, "/profile?done="+k.slug+"-deleted#"+k.slug)
			if got := items(); len(got) != 0 {
				t.Fatalf("after deleting: %v", got)
			}
			resp, page = b.get(t, edit+"/edit")
			wantPage(t, "deleted item", resp, page, http.StatusNotFound)
		})
	}
}

func TestExperienceCurrentPositionHasNoEndDate(t *testing.T) {
	ts := newAuthTestServer(t)
	b, uid := acctSignedIn(t, ts, "alice")
	form := url.Values{"title": {"Engineer"}, "company": {"Acme"}, "start_date": {"2020-01-01"}, "end_date": {"2021-01-01"}, "current": {"1"}}
	resp, page := b.acctPost(t, "/profile", "/profile/experiences", form)
	wantPage(t, "current with an end date", resp, page, http.StatusBadRequest, "End date must be empty for a current position", `checked`)
	form.Del("end_date")
	resp, body := b.acctPost(t, "/profile", "/profile/experiences", form)
	wantRedirect(t, "current position", resp, body, "/profile?done=experiences-added#experiences")
	l, err := ts.Store.WorkExperiences(context.Background(), uid)
	if err != nil || len(l) != 1 || !l[0].Current || l[0].EndDate != nil {
		t.Fatalf("saved = %+v, %v", l, err)
	}
	if page := b.acctPage(t, "/profile"); !strings.Contains(page, "Jan 2020 – present") {
		t.Fatalf("profile does not show the current position:\n%s", page)
	}
}

// cloneValues copies a form.
func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, l := range v {
		out[k] = append([]string(nil), l...)
	}
	return out
}

// acctFirstItemID returns the id of uid's first item of kind slug.
func acctFirstItemID(t *testing.T, ts *testServer, uid int64, slug string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	switch slug {
	case "experiences":
		l, err := ts.Store.WorkExperiences(ctx, uid)
		if err != nil || len(l) == 0 {
			t.Fatalf("no work experience: %v", err)
		}
		id = l[0].ID
	case "education":
		l, err := ts.Store.Educations(ctx, uid)
		if err != nil || len(l) == 0 {
			t.Fatalf("no education: %v", err)
		}
		id = l[0].ID
	case "certifications":
		l, err := ts.Store.Certifications(ctx, uid)
		if err != nil || len(l) == 0 {
			t.Fatalf("no certification: %v", err)
		}
		id = l[0].ID
	}
	return id
}
