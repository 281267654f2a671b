package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
)

func TestAdminPageListsUsersForAdminsOnly(t *testing.T) {
	ts := newAuthTestServer(t)
	admin, adminID := acctSignedIn(t, ts, "root") // the first account is an administrator
	user, userID := acctSignedIn(t, ts, "bob")
	bobAPI := ts.authLogin(t, "bob", "password-bob")
	seedJobs(t, ts, bobAPI.Token, "One", "Two")

	// A user without the admin role gets a 403 page, for the page and the
	// form alike, and changes nothing.
	resp, page := user.get(t, "/admin")
	wantPage(t, "/admin as a user", resp, page, http.StatusForbidden, "Administrators only")
	resp, page = user.acctPost(t, "/settings", fmt.Sprintf("/admin/users/%d/role", userID), url.Values{"role": {"admin"}})
	wantPage(t, "role change by a user", resp, page, http.StatusForbidden, "Administrators only")
	if u, _ := ts.Store.User(context.Background(), userID); u.IsAdmin() {
		t.Fatal("a user made themselves an administrator")
	}
	if strings.Contains(user.acctPage(t, "/profile"), `href="/admin"`) {
		t.Error("the navigation offers /admin to a user")
	}
	if resp, _ := newBrowser(ts).get(t, "/admin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("/admin signed out = %d", resp.StatusCode)
	}

	page = admin.acctPage(t, "/admin")
	for _, want := range []string{"<th scope=\"row\">root <span class=\"current-tag\">You</span></th>", "<th scope=\"row\">bob</th>",
		fmt.Sprintf(`<label for="role-%d" class="visually-hidden">Role of bob</label>`, userID),
		`<td data-label="Jobs" class="num">2</td>`, `<td data-label="Jobs" class="num">0</td>`, `<td data-label="Password">Yes</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("admin page lacks %s", want)
		}
	}
	if strings.Contains(page, "Quotas") {
		t.Error("a self-hosted server shows quotas")
	}

	// Promote bob; without CSRF nothing happens; a bad role or user is refused.
	if resp, _ := admin.post(t, fmt.Sprintf("/admin/users/%d/role", userID), url.Values{"role": {"admin"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("role change without CSRF = %d", resp.StatusCode)
	}
	resp, page = admin.acctPost(t, "/admin", fmt.Sprintf("/admin/users/%d/role", userID), url.Values{"role": {"owner"}})
	wantPage(t, "unknown role", resp, page, http.StatusBadRequest, "Choose the role user or admin.")
	resp, page = admin.acctPost(t, "/admin", "/admin/users/999999/role", url.Values{"role": {"admin"}})
	wantPage(t, "unknown user", resp, page, http.StatusNotFound, "There is no such user")
	resp, body := admin.acctPost(t, "/admin", fmt.Sprintf("/admin/users/%d/role", userID), url.Values{"role": {"admin"}})
	wantRedirect(t, "promotion", resp, body, "/admin?done=role")
	if u, _ := ts.Store.User(context.Background(), userID); !u.IsAdmin() {
		t.Fatal("bob was not promoted")
	}
	user.acctPage(t, "/admin") // bob may now see it

	// root may step down while bob is an administrator; then bob, the last
	// one, may not.
	resp, body = admin.acctPost(t, "/admin", fmt.Sprintf("/admin/users/%d/role", adminID), url.Values{"role": {"user"}})
	wantRedirect(t, "stepping down", resp, body, "/profile")
	if resp, _ := admin.get(t, "/admin"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("/admin after stepping down = %d", resp.StatusCode)
	}
	resp, page = user.acctPost(t, "/admin", fmt.Sprintf("/admin/users/%d/role", userID), url.Values{"role": {"user"}})
	wantPage(t, "last administrator stepping down", resp, page, http.StatusConflict, "bob is the last administrator")
	if u, _ := ts.Store.User(context.Background(), userID); !u.IsAdmin() {
		t.Fatal("the last administrator was demoted")
	}
}

func TestAdminPageShowsQuotasInCloudMode(t *testing.T) {
	ts := newAuthTestServer(t, func(c *config.Config) {
		c.Mode, c.QuotaAnalysis, c.QuotaCoverLetter, c.QuotaCV = config.ModeCloud, 7, 3, 2
	})
	admin, _ := acctSignedIn(t, ts, "root")
	bob := ts.authRegister(t, "bob", "password-bob")
	for range 2 {
		if _, err := ts.Store.UseQuota(context.Background(), bob.ID, models.QuotaCharge{Type: models.QuotaCoverLetter, Limit: 3}); err != nil {
			t.Fatal(err)
		}
	}
	page := admin.acctPage(t, "/admin")
	_, bobRow, ok := strings.Cut(page, `<th scope="row">bob</th>`)
	if !ok {
		t.Fatalf("no row for bob:\n%s", page)
	}
	for _, want := range []string{"Analyses: 0/7", "Cover letters: 2/3", "CVs: 0/2"} {
		if !strings.Contains(bobRow, want) {
			t.Errorf("bob's quotas lack %q:\n%s", want, bobRow)
		}
	}
}
