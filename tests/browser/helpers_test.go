// Package browser_test drives the dashboard in a real headless Chromium
// (chromedp) against a real Vega server listening on 127.0.0.1, with its
// SQLite database in t.TempDir(). The tests are skipped when Chromium is
// not installed, except in CI (CI=true), where that is a failure.
package browser_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/server"
)

// chromiumPath is where the tests expect Chromium; VEGA_CHROMIUM overrides.
func chromiumPath() string {
	if p := os.Getenv("VEGA_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// liveServer is a Vega server listening on loopback.
type liveServer struct {
	// URL is the server's base address, such as http://127.0.0.1:41234.
	URL   string
	DB    *models.DB
	Store *models.Store
}

// startServer starts a server on a fresh SQLite file (registration open,
// cheap bcrypt), stopped at cleanup.
func startServer(t testing.TB) *liveServer {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Load(func(k string) string {
		switch k {
		case "VEGA_SECRET":
			return strings.Repeat("s", 40)
		case "VEGA_BCRYPT_COST":
			return "10"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = dir
	db, err := models.Open(context.Background(), models.Options{Path: filepath.Join(dir, "vega.db")})
	if err != nil {
		t.Fatal(err)
	}
	store := models.NewStore(db)
	srv, err := server.New(server.Deps{Config: cfg, DB: db, Store: store,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.App().Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		db.Close()
	})
	return &liveServer{URL: "http://" + ln.Addr().String(), DB: db, Store: store}
}

// api sends a JSON request to the server's API (token may be empty) and
// returns the status and body.
func (s *liveServer) api(t testing.TB, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// register creates an account through the API and returns an access token
// for it.
func (s *liveServer) register(t testing.TB, user, pass string) string {
	t.Helper()
	cred := map[string]string{"username": user, "password": pass}
	if code, body := s.api(t, "POST", "/api/auth/register", "", cred); code != http.StatusCreated {
		t.Fatalf("register %s = %d %s", user, code, body)
	}
	code, body := s.api(t, "POST", "/api/auth/login", "", cred)
	if code != http.StatusOK {
		t.Fatalf("login %s = %d %s", user, code, body)
	}
	var tok struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.Token == "" {
		t.Fatalf("login answer %s: %v", body, err)
	}
	return tok.Token
}

// capture saves a job from a page's URL and HTML through the capture API
// and returns its id.
func (s *liveServer) capture(t testing.TB, token, pageURL, html string) int64 {
	t.Helper()
	code, body := s.api(t, "POST", "/api/jobs/capture", token, map[string]string{"url": pageURL, "html": html})
	if code != http.StatusCreated && code != http.StatusOK {
		t.Fatalf("capture %s = %d %s", pageURL, code, body)
	}
	var res struct {
		Job struct {
			ID int64 `json:"id"`
		} `json:"job"`
	}
	if err := json.Unmarshal(body, &res); err != nil || res.Job.ID == 0 {
		t.Fatalf("capture answer %s: %v", body, err)
	}
	return res.Job.ID
}

// newBrowser starts a headless Chromium for the test and returns a context
// of its first tab; everything is closed at cleanup. A run is limited to
// two minutes.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is required in CI: %v", err)
		}
		t.Skipf("Chromium not found at %s (set VEGA_CHROMIUM): %v", path, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 800),
	)
	// The deadline is on the allocator's parent: chromedp wants no timeout
	// on the context of the first Run alone.
	parent, cancelTimeout := context.WithTimeout(context.Background(), 3*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil { // starts the browser
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// signIn signs user in through the sign-in form and waits for a signed-in
// page (one with the navigation's sign-out form).
func signIn(t testing.TB, ctx context.Context, base, user, pass string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), user),
		chromedp.SendKeys(chromedp.CSS(`#password`), pass),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitReady(chromedp.CSS(`form[action="/logout"]`)),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", user, err)
	}
}

// screenshotDir is where screenshots go: docs/screenshots at the
// repository's root (shown in the README) when UPDATE_SCREENSHOTS=1, else
// tests/browser/test-artifacts (git-ignored), so a test run leaves the
// working tree clean.
var screenshotDir = func() string {
	if os.Getenv("UPDATE_SCREENSHOTS") == "1" {
		return filepath.Join("..", "..", "docs", "screenshots")
	}
	return "test-artifacts"
}()

// screenshot saves the current page, laid out at width x height (a width
// under 600 emulates a phone), as docs/screenshots/NAME.png. The viewport
// is restored afterwards.
func screenshot(t testing.TB, ctx context.Context, name string, width, height int) {
	t.Helper()
	var vp []chromedp.EmulateViewportOption
	if width < 600 {
		vp = append(vp, chromedp.EmulateMobile)
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(int64(width), int64(height), vp...),
		chromedp.Sleep(200*time.Millisecond), // let the layout settle
	)
	if err == nil { // from the top of the page
		_, err = chromedp.Run(ctx, chromedp.Evaluate[any](`window.scrollTo(0, 0)`))
	}
	var png []byte
	if err == nil {
		png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	if err == nil {
		_, err = chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
	}
	if err == nil {
		_, err = chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{})
	}
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitForSelector waits until the page shows an element matching sel. It
// polls rather than holding on to a DOM node, so it survives the page being
// replaced by a navigation (a form post and its redirect) while it waits.
func waitForSelector(ctx context.Context, sel string, timeout time.Duration) error {
	return waitForJS(ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.getClientRects().length > 0; })()`, sel), timeout)
}

// waitForJS polls a JavaScript expression until it is true, across
// navigations (an evaluation that fails mid-navigation is retried).
func waitForJS(ctx context.Context, expr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("still false after %v: %s", timeout, expr)
			}
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
