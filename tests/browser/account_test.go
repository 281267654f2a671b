package browser_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The account pages in a real browser: the profile, the settings and the
// administration page, with their screenshots at desktop and phone sizes.

// mainText returns the text of the page's main element.
func mainText(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatalf("read the page: %v", err)
	}
	return s
}

// location returns the page's URL.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// bothSizes saves the page as NAME-desktop (1280x800) and NAME-phone
// (390x844).
func bothSizes(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	screenshot(t, ctx, name+"-desktop", 1280, 800)
	screenshot(t, ctx, name+"-phone", 390, 844)
}

func TestAddWorkExperienceFromTheProfile(t *testing.T) {
	srv := startServer(t)
	token := srv.register(t, "ada", "password-ada") // the first account: an administrator
	ctx := newBrowser(t)
	signIn(t, ctx, srv.URL, "ada", "password-ada")

	// From the profile page, follow "Add work experience" and enter an end
	// date before the start: the form comes back with the message and what
	// was typed.
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/profile"),
		chromedp.WaitVisible(chromedp.CSS(`#f-first-name`)),
		chromedp.SendKeys(chromedp.CSS(`#f-first-name`), "Ada"),
		chromedp.SendKeys(chromedp.CSS(`#f-last-name`), "Lovelace"),
		chromedp.SendKeys(chromedp.CSS(`#f-skills`), "Go, SQL\nAnalytical engines"),
		chromedp.Click(chromedp.CSS(`form[action="/profile"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
		chromedp.Click(chromedp.CSS(`a[href="/profile/experiences/new"]`)),
	)
	if err == nil {
		// The profile form has a #f-title of its own: wait for the new page.
		err = waitForJS(ctx, `location.pathname === '/profile/experiences/new' && !!document.querySelector('#f-company')`, 10*time.Second)
	}
	if err != nil {
		t.Fatalf("open the new experience form: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-title`), "Analyst"),
		chromedp.SendKeys(chromedp.CSS(`#f-company`), "Analytical Engines Ltd"),
		chromedp.SetValue(chromedp.CSS(`#f-start-date`), "2021-05-01"),
		chromedp.SetValue(chromedp.CSS(`#f-end-date`), "2020-02-01"),
		chromedp.Click(chromedp.CSS(`form[action="/profile/experiences"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-end-date-error`)),
	)
	if err != nil {
		t.Fatalf("submit an end date before the start: %v", err)
	}
	if text := mainText(t, ctx); !strings.Contains(text, "End date must be on or after the start date") {
		t.Fatalf("no date message on the refused form:\n%s", text)
	}
	title, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-title`)))
	if err != nil || title != "Analyst" {
		t.Fatalf("the refused form lost the title: %q %v", title, err)
	}
	invalid, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#f-end-date').getAttribute('aria-invalid')`))
	if err != nil || invalid != "true" {
		t.Fatalf("the end date is not marked invalid: %q %v", invalid, err)
	}
	screenshot(t, ctx, "profile-experience-refused-desktop", 1280, 800)

	// Correct the end date and submit with the keyboard.
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#f-end-date`), "2023-09-30"),
		chromedp.SendKeys(chromedp.CSS(`#f-location`), "London"),
		chromedp.Focus(chromedp.CSS(`#f-company`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`#experiences .item`)),
	)
	if err != nil {
		t.Fatalf("submit the corrected experience: %v", err)
	}
	if loc := location(t, ctx); !strings.Contains(loc, "/profile?done=experiences-added") {
		t.Fatalf("after adding: %s", loc)
	}
	text := mainText(t, ctx)
	for _, want := range []string{"The work experience was added.", "Analyst · Analytical Engines Ltd", "May 2021 – Sep 2023 · London"} {
		if !strings.Contains(text, want) {
			t.Errorf("profile lacks %q:\n%s", want, text)
		}
	}
	code, body := srv.api(t, "GET", "/api/profile/experiences", token, nil)
	if code != http.StatusOK || !strings.Contains(string(body), `"company":"Analytical Engines Ltd"`) || !strings.Contains(string(body), `"end_date":"2023-09-30T00:00:00Z"`) {
		t.Fatalf("API experiences = %d %s", code, body)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/profile"), chromedp.WaitVisible(chromedp.CSS(`#f-first-name`))); err != nil {
		t.Fatal(err)
	}
	bothSizes(t, ctx, "profile")

	// The administration page, with a few more users.
	srv.register(t, "grace", "password-grace")
	srv.register(t, "linus", "password-linus")
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/admin"),
		chromedp.WaitVisible(chromedp.CSS(`table.users`)),
	)
	if err != nil {
		t.Fatalf("open /admin: %v", err)
	}
	if text := mainText(t, ctx); !strings.Contains(text, "grace") || !strings.Contains(text, "linus") {
		t.Fatalf("admin page lacks the users:\n%s", text)
	}
	bothSizes(t, ctx, "admin")
}

func TestSignOutEverywhere(t *testing.T) {
	srv := startServer(t)
	token := srv.register(t, "ada", "password-ada")
	ctx := newBrowser(t)
	signIn(t, ctx, srv.URL, "ada", "password-ada")
	// A second browser, with its own cookies.
	other, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	signIn(t, other, srv.URL, "ada", "password-ada")

	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/settings"),
		chromedp.WaitVisible(chromedp.CSS(`#sessions`)),
	)
	if err != nil {
		t.Fatalf("open /settings: %v", err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.session-list li').length`))
	if err != nil || n != 3 {
		t.Fatalf("%d sessions listed (%v), want 3: two browsers and the API", n, err)
	}
	bothSizes(t, ctx, "settings")

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/settings/sessions/revoke-all"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)),
	)
	if err != nil {
		t.Fatalf("sign out everywhere: %v", err)
	}
	if text := mainText(t, ctx); !strings.Contains(text, "You were signed out everywhere") {
		t.Fatalf("sign-in page after signing out everywhere:\n%s", text)
	}
	// The other browser is signed out too, and so is the API token.
	err = chromedp.Do(other,
		chromedp.Navigate(srv.URL+"/settings"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)),
	)
	if err != nil {
		t.Fatalf("the other browser: %v", err)
	}
	if loc := location(t, other); !strings.HasSuffix(loc, "/login") {
		t.Fatalf("the other browser is at %s, want /login", loc)
	}
	if code, body := srv.api(t, "GET", "/api/me", token, nil); code != http.StatusUnauthorized {
		t.Fatalf("API token after signing out everywhere = %d %s", code, body)
	}
}

func TestDeleteTheAccountByTypingTheUsername(t *testing.T) {
	srv := startServer(t)
	token := srv.register(t, "ada", "password-ada")
	ctx := newBrowser(t)
	signIn(t, ctx, srv.URL, "ada", "password-ada")

	// A wrong username is refused; the account stays.
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/settings"),
		chromedp.WaitVisible(chromedp.CSS(`#delete`)),
		chromedp.SendKeys(chromedp.CSS(`#f-confirm`), "adaa"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), "password-ada"),
		chromedp.Click(chromedp.CSS(`form[action="/settings/delete"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-confirm-error`)),
	)
	if err != nil {
		t.Fatalf("delete with a wrong username: %v", err)
	}
	if code, _ := srv.api(t, "GET", "/api/me", token, nil); code != http.StatusOK {
		t.Fatalf("the account went with a wrong username: %d", code)
	}

	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-confirm`), "ada"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), "password-ada"),
		chromedp.Click(chromedp.CSS(`form[action="/settings/delete"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)),
	)
	if err != nil {
		t.Fatalf("delete the account: %v", err)
	}
	if text := mainText(t, ctx); !strings.Contains(text, "Your account and everything in it were deleted.") {
		t.Fatalf("sign-in page after the deletion:\n%s", text)
	}

	// Signing in fails, and the API token is refused.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#username`), "ada"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "password-ada"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.alert`)),
	)
	if err != nil {
		t.Fatalf("sign in after the deletion: %v", err)
	}
	if text := mainText(t, ctx); !strings.Contains(text, "Invalid username or password") {
		t.Fatalf("sign-in after the deletion:\n%s", text)
	}
	if code, _ := srv.api(t, "GET", "/api/me", token, nil); code != http.StatusUnauthorized {
		t.Fatalf("API token after the deletion = %d", code)
	}
	if code, _ := srv.api(t, "POST", "/api/auth/login", "", map[string]string{"username": "ada", "password": "password-ada"}); code != http.StatusUnauthorized {
		t.Fatalf("API sign-in after the deletion = %d", code)
	}
}
