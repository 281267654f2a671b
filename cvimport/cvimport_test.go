package cvimport

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// cvFiles returns the test CVs of testdata (text and Markdown).
func cvFiles(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{"testdata/*.txt", "testdata/*.md"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) < 4 {
		t.Fatalf("only %d test CVs", len(out))
	}
	return out
}

// goldenPath is the golden file of a test CV.
func goldenPath(cv string) string {
	return strings.TrimSuffix(cv, filepath.Ext(cv)) + ".golden.json"
}

// makeDOCX renders text as a minimal DOCX: one w:p a line; a tab in a line
// becomes w:tab.
func makeDOCX(t testing.TB, text string) []byte {
	t.Helper()
	var body strings.Builder
	for _, line := range strings.Split(text, "\n") {
		body.WriteString("<w:p>")
		for i, part := range strings.Split(line, "\t") {
			if i > 0 {
				body.WriteString("<w:r><w:tab/></w:r>")
			}
			var esc bytes.Buffer
			if err := xml.EscapeText(&esc, []byte(part)); err != nil {
				t.Fatal(err)
			}
			body.WriteString(`<w:r><w:t xml:space="preserve">` + esc.String() + "</w:t></w:r>")
		}
		body.WriteString("</w:p>")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body.String() + `</w:body></w:document>`,
	}
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// makePDF renders text as a real PDF with fpdf, one text line a line, in
// Helvetica (Windows-1252); pages break as the text needs. edit adjusts the
// document first (protection, ...).
func makePDF(t testing.TB, text string, edit ...func(*fpdf.Fpdf)) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	for _, e := range edit {
		e(pdf)
	}
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetFont("Helvetica", "", 10)
	pdf.AddPage()
	for _, line := range strings.Split(text, "\n") {
		pdf.CellFormat(0, 5, tr(strings.ReplaceAll(line, "\t", "    ")), "", 1, "L", false, 0, "")
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readFile extracts and reads one CV file.
func readFile(t testing.TB, name string, data []byte) Proposal {
	t.Helper()
	text, err := Extract(name, data)
	if err != nil {
		t.Fatalf("Extract(%s): %v", name, err)
	}
	p, err := Read(text)
	if err != nil {
		t.Fatalf("Read(%s): %v\n%s", name, err, text)
	}
	return p
}

// TestGolden reads every test CV as text, as a DOCX and as a PDF built from
// it, and compares each proposal with the CV's golden file (-update
// rewrites them from the text reading).
func TestGolden(t *testing.T) {
	for _, cv := range cvFiles(t) {
		t.Run(filepath.Base(cv), func(t *testing.T) {
			raw, err := os.ReadFile(cv)
			if err != nil {
				t.Fatal(err)
			}
			got := readFile(t, filepath.Base(cv), raw)
			js, _ := json.MarshalIndent(got, "", "  ")
			js = append(js, '\n')
			if *update {
				if err := os.WriteFile(goldenPath(cv), js, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenPath(cv))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(js, want) {
				t.Fatalf("text: proposal differs from %s:\n%s", goldenPath(cv), js)
			}
			for _, f := range []struct {
				name string
				data []byte
			}{
				{"cv.docx", makeDOCX(t, string(raw))},
				{"cv.pdf", makePDF(t, string(raw))},
			} {
				p := readFile(t, f.name, f.data)
				pj, _ := json.MarshalIndent(p, "", "  ")
				pj = append(pj, '\n')
				if !bytes.Equal(pj, want) {
					t.Errorf("%s: proposal differs from the text's:\n%s", f.name, pj)
				}
			}
		})
	}
}
