package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testEnv returns an environment whose data directory is a fresh temp dir.
func testEnv(t *testing.T, extra ...string) func(string) string {
	t.Helper()
	m := map[string]string{"VEGA_DATA_DIR": t.TempDir(), "VEGA_LOG_LEVEL": "warn"}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return func(k string) string { return m[k] }
}

func runCLI(t *testing.T, env func(string) string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), env, args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCLI(t, testEnv(t), "", "--help")
	if code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for _, want := range []string{"serve", "migrate", "user", "parse", "VEGA_ADDR", "VEGA_DATABASE_URL"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help does not mention %s:\n%s", want, out)
		}
	}
}

func TestUnknownCommandExits2WithHint(t *testing.T) {
	code, _, errOut := runCLI(t, testEnv(t), "", "frobnicate")
	if code != 2 || !strings.Contains(errOut, "vega --help") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestBadConfigurationStopsWithAMessage(t *testing.T) {
	code, _, errOut := runCLI(t, testEnv(t, "VEGA_MODE", "saas"), "", "serve")
	if code != 2 || !strings.Contains(errOut, "VEGA_MODE") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestParsePrintsJobJSON(t *testing.T) {
	page := filepath.Join("scraper", "testdata", "jobpages", "indeed-papercut.html")
	code, out, errOut := runCLI(t, testEnv(t), "", "parse", "--url", "https://au.indeed.com/viewjob?jk=54f1f8af68d722d2&utm_source=x", page)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var job map[string]any
	if err := json.Unmarshal([]byte(out), &job); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if job["title"] != "Senior DevOps Engineer" {
		t.Errorf("title = %v", job["title"])
	}
	if su, _ := job["source_url"].(string); strings.Contains(su, "utm_") {
		t.Errorf("source_url kept tracking parameters: %s", su)
	}
}

func TestParseFromStdin(t *testing.T) {
	html, err := os.ReadFile(filepath.Join("scraper", "testdata", "jobpages", "workday-autodesk.html"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, testEnv(t), string(html), "parse", "--url",
		"https://autodesk.wd1.myworkdayjobs.com/en-US/Ext/job/Senior-Industry-Strategy-Manager---Content-Creation_24WD81528", "-")
	if code != 0 || !strings.Contains(out, "Senior Industry Strategy Manager") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
}

func TestParseRefusesANonJobPageWithExit2(t *testing.T) {
	page := filepath.Join("scraper", "testdata", "jobpages", "blocked-cloudflare.html")
	code, out, errOut := runCLI(t, testEnv(t), "", "parse", "--url", "https://www.glassdoor.com/job-listing/x.htm", page)
	if code != 2 || out != "" || errOut == "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestParseNeedsURLAndFile(t *testing.T) {
	if code, _, _ := runCLI(t, testEnv(t), "", "parse", "page.html"); code != 2 {
		t.Fatalf("parse without --url exit %d, want 2", code)
	}
}

func TestMigrateStatusUpDown(t *testing.T) {
	env := testEnv(t)
	code, out, errOut := runCLI(t, env, "", "migrate", "up")
	if code != 0 {
		t.Fatalf("migrate up: %d %s", code, errOut)
	}
	code, out, _ = runCLI(t, env, "", "migrate", "status")
	if code != 0 || !strings.Contains(out, "00001") && !strings.Contains(out, "1 ") {
		t.Fatalf("migrate status: %d\n%s", code, out)
	}
	if strings.Contains(out, "pending") {
		t.Fatalf("after up nothing should be pending:\n%s", out)
	}
	code, _, errOut = runCLI(t, env, "", "migrate", "down")
	if code != 0 {
		t.Fatalf("migrate down: %d %s", code, errOut)
	}
	_, out, _ = runCLI(t, env, "", "migrate", "status")
	if !strings.Contains(out, "pending") {
		t.Fatalf("after down one migration should be pending:\n%s", out)
	}
	if code, _, _ := runCLI(t, env, "", "migrate", "sideways"); code != 2 {
		t.Fatalf("unknown action exit %d, want 2", code)
	}
}

func TestUserCommandsManageAccounts(t *testing.T) {
	env := testEnv(t)
	code, out, errOut := runCLI(t, env, "correct horse battery\n", "user", "create", "--username", "ada", "--admin", "--password-stdin")
	if code != 0 || !strings.Contains(out, "ada") {
		t.Fatalf("create: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, env, "correct horse battery\n", "user", "create", "--username", "ADA", "--password-stdin"); code == 0 {
		t.Fatalf("a second user named ADA was created: %s", errOut)
	}
	if code, _, errOut := runCLI(t, env, "short\n", "user", "create", "--username", "bob", "--password-stdin"); code != 2 || !strings.Contains(errOut, "8") {
		t.Fatalf("short password: exit %d %s", code, errOut)
	}
	_, out, _ = runCLI(t, env, "", "user", "list")
	if !strings.Contains(out, "ada") || !strings.Contains(out, "admin") {
		t.Fatalf("list:\n%s", out)
	}
	if code, _, errOut := runCLI(t, env, "", "user", "set-role", "ada", "user"); code != 1 || !strings.Contains(errOut, "last administrator") {
		t.Fatalf("demoting the only admin: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, env, "another good password\n", "user", "create", "--username", "grace", "--admin", "--password-stdin"); code != 0 {
		t.Fatalf("create second admin: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, env, "", "user", "set-role", "ada", "user"); code != 0 {
		t.Fatalf("set-role exit %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, env, "", "user", "delete", "ada"); code != 2 || !strings.Contains(errOut, "--yes") {
		t.Fatalf("delete without --yes: %d %s", code, errOut)
	}
	if code, _, _ := runCLI(t, env, "", "user", "delete", "ada", "--yes"); code != 0 {
		t.Fatalf("delete exit %d", code)
	}
	if code, _, errOut := runCLI(t, env, "", "user", "delete", "ada", "--yes"); code != 1 || !strings.Contains(errOut, "no user") {
		t.Fatalf("delete missing user: %d %s", code, errOut)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeAnswersAndStopsCleanly(t *testing.T) {
	addr := freePort(t)
	dir := t.TempDir()
	env := testEnv(t, "VEGA_ADDR", addr, "VEGA_DATA_DIR", dir)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() { done <- run(ctx, env, nil, strings.NewReader(""), &out, &errb) }()

	var resp *http.Response
	var err error
	for i := 0; i < 100; i++ {
		resp, err = http.Get(fmt.Sprintf("http://%s/health", addr))
		if err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		cancel()
		t.Fatalf("server never answered: %v\n%s", err, errb.String())
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/health = %d", resp.StatusCode)
	}
	if st, err := os.Stat(filepath.Join(dir, "secret")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret not generated with mode 0600: %v", err)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit %d: %s", code, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after the signal")
	}
	if st, err := os.Stat(filepath.Join(dir, "vega.db-wal")); err == nil && st.Size() != 0 {
		t.Fatalf("WAL not checkpointed on shutdown: %d bytes left", st.Size())
	}
}
