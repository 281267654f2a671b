package server

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// cvUpload posts data as the import form's "file" field (with the CSRF
// token when there is one) to /profile/import.
func (b *browser) cvUpload(t *testing.T, token, name string, data []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if token != "" {
		if err := w.WriteField("_csrf", token); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/profile/import", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Accept", "text/html")
	return b.send(t, req)
}

var (
	formInputRx    = regexp.MustCompile(`<input\s[^>]*>`)
	formAttrRx     = regexp.MustCompile(`\s([a-z-]+)(?:="([^"]*)")?`)
	formTextareaRx = regexp.MustCompile(`(?s)<textarea\s[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`)
)

// formOf returns what a browser submits for the first form of page after
// action: its text, hidden and month inputs, its checked boxes and its text
// areas.
func formOf(t *testing.T, page, action string) url.Values {
	t.Helper()
	i := strings.Index(page, `action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form for %s in page:\n%s", action, page)
	}
	form := page[i:]
	form = form[:strings.Index(form, "</form>")]
	out := url.Values{}
	for _, tag := range formInputRx.FindAllString(form, -1) {
		attrs := map[string]string{}
		for _, m := range formAttrRx.FindAllStringSubmatch(tag, -1) {
			attrs[m[1]] = html.UnescapeString(m[2])
		}
		_, checked := attrs["checked"]
		switch attrs["type"] {
		case "checkbox", "radio":
			if checked {
				out.Add(attrs["name"], attrs["value"])
			}
		case "file", "submit":
		default:
			out.Add(attrs["name"], attrs["value"])
		}
	}
	for _, m := range formTextareaRx.FindAllStringSubmatch(form, -1) {
		out.Add(m[1], strings.TrimPrefix(html.UnescapeString(m[2]), "\n"))
	}
	return out
}

// testDOCX builds a DOCX whose word/document.xml has one paragraph per line.
func testDOCX(t *testing.T, lines ...string) []byte {
	t.Helper()
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, l := range lines {
		doc.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + html.EscapeString(l) + `</w:t></w:r></w:p>`)
	}
	doc.WriteString(`</w:body></w:document>`)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   doc.String(),
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// experienceNames lists uid's stored positions as "title @ company", sorted.
func experienceNames(t *testing.T, ts *testServer, uid int64) []string {
	t.Helper()
	l, err := ts.Store.WorkExperiences(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range l {
		out = append(out, x.Title+" @ "+x.Company)
	}
	sort.Strings(out)
	return out
}

func TestCVImportPageRendersTheUploadForm(t *testing.T) {
	ts := newAuthTestServer(t)
	b, _ := acctSignedIn(t, ts, "alice")

	page := b.acctPage(t, "/profile")
	if !regexp.MustCompile(`<a [^>]*href="/profile/import"[^>]*>Import from a CV</a>`).MatchString(page) {
		t.Errorf("the profile page has no link to the CV import:\n%s", page)
	}

	page = b.acctPage(t, "/profile/import")
	for _, want := range []string{`<label for="cv-file">`, `<input type="file" id="cv-file" name="file"`,
		`action="/profile/import"`, `enctype="multipart/form-data"`, `aria-current="page"`} {
		if !strings.Contains(page, want) {
			t.Errorf("import page lacks %s", want)
		}
	}
	csrfFrom(t, page)
	if strings.Contains(page, "<script>") || strings.Contains(page, `style="`) {
		t.Error("import page has an inline script or style")
	}
}

func TestCVImportPreviewAndApplyKeepsOnlyTheKeptItems(t *testing.T) {
	ts := newAuthTestServer(t)
	b, uid := acctSignedIn(t, ts, "alice")
	cv, err := os.ReadFile("../cvimport/testdata/chronological.txt")
	if err != nil {
		t.Fatal(err)
	}
	token := csrfFrom(t, b.acctPage(t, "/profile/import"))

	resp, page := b.cvUpload(t, token, "cv.txt", cv)
	wantPage(t, "preview of a text CV", resp, page, http.StatusOK, `action="/profile/import/apply"`,
		`value="Senior Backend Engineer"`, `value="Acme Corp"`, `value="Software Engineer"`, `value="Globex GmbH"`,
		`value="Junior Developer"`, `value="Initech"`, `value="2020-01"`, `value="Jane"`, "Read by the built-in reader.")
	for i := range 3 {
		n := strconv.Itoa(i)
		for _, want := range []string{`<input type="checkbox" id="exp-` + n + `-keep" name="exp.` + n + `.keep" value="1" checked>`,
			`<label for="exp-` + n + `-keep">Keep</label>`} {
			if !strings.Contains(page, want) {
				t.Errorf("preview lacks %s", want)
			}
		}
	}
	if strings.Contains(page, `id="exp-3-keep"`) {
		t.Error("the preview shows a fourth position")
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, `style="`) {
		t.Error("preview has an inline script or style")
	}
	if got := experienceNames(t, ts, uid); len(got) != 0 {
		t.Fatalf("the preview saved positions: %q", got)
	}

	// Keep the first and the third position, drop Globex; edit a title.
	form := formOf(t, page, "/profile/import/apply")
	if form.Get("exp.count") != "3" || form.Get("exp.1.company") != "Globex GmbH" || form.Get("exp.1.keep") != "1" {
		t.Fatalf("preview form = %v", form)
	}
	form.Del("exp.1.keep")
	form.Set("exp.2.title", "Junior Software Developer")
	resp, body := b.post(t, "/profile/import/apply", form)
	wantRedirect(t, "apply", resp, body, "/profile")
	got := experienceNames(t, ts, uid)
	want := []string{"Junior Software Developer @ Initech", "Senior Backend Engineer @ Acme Corp"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("saved positions = %q, want %q", got, want)
	}
	p, err := ts.Store.Profile(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	if p.FirstName != "Jane" || p.LastName != "Doe" {
		t.Errorf("saved name = %q %q", p.FirstName, p.LastName)
	}
	page = b.acctPage(t, "/profile")
	if !strings.Contains(page, "Senior Backend Engineer · Acme Corp") || strings.Contains(page, "Globex") {
		t.Errorf("profile page after the import:\n%s", page)
	}

	// Importing again marks the stored twin as an update; applying it
	// updates it rather than adding another.
	resp, page = b.cvUpload(t, token, "cv.txt", cv)
	wantPage(t, "second preview", resp, page, http.StatusOK, `<label for="exp-0-keep">Keep (updates the one in your profile)</label>`)
	form = formOf(t, page, "/profile/import/apply")
	if id := strconv.FormatInt(acctFirstItemID(t, ts, uid, "experiences"), 10); form.Get("exp.0.id") == "" || form.Get("exp.1.id") != "" {
		t.Fatalf("second preview ids: exp.0 %q (stored %s), exp.1 %q", form.Get("exp.0.id"), id, form.Get("exp.1.id"))
	}
	form.Del("exp.1.keep")
	form.Del("exp.2.keep")
	form.Set("exp.0.location", "Remote")
	resp, body = b.post(t, "/profile/import/apply", form)
	wantRedirect(t, "second apply", resp, body, "/profile")
	if got := experienceNames(t, ts, uid); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("saved positions after the second apply = %q, want %q", got, want)
	}
	l, err := ts.Store.WorkExperiences(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range l {
		if x.Company == "Acme Corp" && (x.Location == nil || *x.Location != "Remote") {
			t.Errorf("the update did not change Acme Corp's location: %+v", x)
		}
	}
}

func TestCVImportReadsADOCX(t *testing.T) {
	ts := newAuthTestServer(t)
	b, _ := acctSignedIn(t, ts, "alice")
	token := csrfFrom(t, b.acctPage(t, "/profile/import"))
	docx := testDOCX(t, "Ada Lovelace", "ada@example.com", "", "EXPERIENCE", "Analyst — Babbage & Co", "Jan 2019 - Mar 2021",
		"- Wrote the first program.", "", "SKILLS", "Go, SQL")
	resp, page := b.cvUpload(t, token, "cv.docx", docx)
	wantPage(t, "preview of a DOCX", resp, page, http.StatusOK, `value="Analyst"`, `value="Babbage & Co"`,
		`value="2019-01"`, `value="2021-03"`, `value="Ada"`, `value="Lovelace"`,
		`<input type="checkbox" id="exp-0-keep" name="exp.0.keep" value="1" checked>`)
}

func TestCVImportRefusals(t *testing.T) {
	ts := newAuthTestServer(t)
	b, uid := acctSignedIn(t, ts, "alice")
	cv, err := os.ReadFile("../cvimport/testdata/chronological.txt")
	if err != nil {
		t.Fatal(err)
	}
	token := csrfFrom(t, b.acctPage(t, "/profile/import"))

	for _, tc := range []struct {
		name, file string
		data       []byte
		status     int
		msg        string
	}{
		{"png", "cv.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), http.StatusUnsupportedMediaType, "nsupported file type"},
		{"shopping list", "list.txt", []byte("Shopping list\n- eggs\n- milk\n- bread and butter, jam"), http.StatusUnprocessableEntity, "does not look like a CV"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, page := b.cvUpload(t, token, tc.file, tc.data)
			wantPage(t, "upload of "+tc.name, resp, page, tc.status, tc.msg, `<input type="file" id="cv-file" name="file"`, `role="alert"`)
			csrfFrom(t, page)
		})
	}

	// Without the CSRF token nothing is read or saved.
	if resp, page := b.cvUpload(t, "", "cv.txt", cv); resp.StatusCode != http.StatusForbidden {
		t.Errorf("upload without the CSRF token = %d\n%s", resp.StatusCode, page)
	}
	_, page := b.cvUpload(t, token, "cv.txt", cv)
	form := formOf(t, page, "/profile/import/apply")
	form.Del("_csrf")
	if resp, page := b.post(t, "/profile/import/apply", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("apply without the CSRF token = %d\n%s", resp.StatusCode, page)
	}
	form.Set("_csrf", "not-the-token")
	if resp, page := b.post(t, "/profile/import/apply", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("apply with a wrong CSRF token = %d\n%s", resp.StatusCode, page)
	}
	if got := experienceNames(t, ts, uid); len(got) != 0 {
		t.Fatalf("a refused apply saved %q", got)
	}

	// A month that is not one is refused with the form again.
	form.Set("_csrf", token)
	form.Set("exp.0.start", "last spring")
	resp, page := b.post(t, "/profile/import/apply", form)
	wantPage(t, "apply with a bad month", resp, page, http.StatusBadRequest, "Nothing was saved", "exp.0.start must be a month")
	if got := experienceNames(t, ts, uid); len(got) != 0 {
		t.Fatalf("a refused apply saved %q", got)
	}
}

func TestCVImportApplyWithAnotherUsersItemIs404(t *testing.T) {
	ts := newAuthTestServer(t)
	alice, aliceID := acctSignedIn(t, ts, "alice")
	bob, bobID := acctSignedIn(t, ts, "bobby")
	cv, err := os.ReadFile("../cvimport/testdata/chronological.txt")
	if err != nil {
		t.Fatal(err)
	}

	token := csrfFrom(t, alice.acctPage(t, "/profile/import"))
	_, page := alice.cvUpload(t, token, "cv.txt", cv)
	resp, body := alice.post(t, "/profile/import/apply", formOf(t, page, "/profile/import/apply"))
	wantRedirect(t, "alice's apply", resp, body, "/profile")
	before := experienceNames(t, ts, aliceID)
	aliceExp := acctFirstItemID(t, ts, aliceID, "experiences")

	token = csrfFrom(t, bob.acctPage(t, "/profile/import"))
	_, page = bob.cvUpload(t, token, "cv.txt", cv)
	form := formOf(t, page, "/profile/import/apply")
	form.Set("exp.0.id", strconv.FormatInt(aliceExp, 10))
	form.Set("exp.0.company", "Hacked Corp")
	resp, page = bob.post(t, "/profile/import/apply", form)
	wantPage(t, "bob's apply with alice's id", resp, page, http.StatusNotFound, "Nothing was saved")
	if after := experienceNames(t, ts, aliceID); strings.Join(after, "|") != strings.Join(before, "|") {
		t.Fatalf("alice's positions changed: %q -> %q", before, after)
	}
	if got := experienceNames(t, ts, bobID); len(got) != 0 {
		t.Fatalf("bob's refused apply saved %q", got)
	}
	if p, _ := ts.Store.Profile(context.Background(), bobID); p.FirstName != "" {
		t.Fatalf("bob's refused apply saved his name: %+v", p)
	}
}
