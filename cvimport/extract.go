package cvimport

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// MaxFileBytes is the largest file Extract reads: 5 MB.
const MaxFileBytes = 5 << 20

// maxDocXMLBytes bounds the uncompressed word/document.xml of a DOCX, so a
// zip bomb cannot exhaust memory.
const maxDocXMLBytes = 32 << 20

// Extract's refusals. Each message says why, in words a user can act on.
var (
	ErrUnsupportedType = errors.New("unsupported file type: send a PDF, a DOCX, or plain text or Markdown")
	ErrEncrypted       = errors.New("the PDF is encrypted: save it without a password and try again")
	ErrTooLarge        = fmt.Errorf("the file is too large: at most %d MB", MaxFileBytes>>20)
	ErrNoText          = errors.New("no text found: is it a scan?")
	ErrUnreadable      = errors.New("the file could not be read: it may be damaged")
)

// Kind is a file format Extract reads.
type Kind string

// The formats Extract reads.
const (
	KindPDF  Kind = "pdf"
	KindDOCX Kind = "docx"
	KindText Kind = "text"
)

// Sniff returns the format of data, by its content first (a PDF header, a
// zip holding word/document.xml, valid UTF-8 text) and by filename's
// extension only to refuse what the content does not settle.
func Sniff(filename string, data []byte) (Kind, error) {
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return KindPDF, nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return "", ErrUnsupportedType
		}
		for _, f := range zr.File {
			if f.Name == "word/document.xml" {
				return KindDOCX, nil
			}
		}
		return "", ErrUnsupportedType
	}
	switch strings.ToLower(filepath.Ext(filename)) {
	case "", ".txt", ".md", ".markdown", ".text":
	default:
		return "", ErrUnsupportedType
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return "", ErrUnsupportedType
	}
	return KindText, nil
}

// Extract returns the text of a CV file: a PDF (its text layer), a DOCX (its
// paragraphs) or UTF-8 plain text or Markdown. It refuses with
// ErrTooLarge, ErrUnsupportedType, ErrEncrypted, ErrNoText or ErrUnreadable.
func Extract(filename string, data []byte) (text string, err error) {
	if len(data) > MaxFileBytes {
		return "", ErrTooLarge
	}
	kind, err := Sniff(filename, data)
	if err != nil {
		return "", err
	}
	switch kind {
	case KindPDF:
		text, err = pdfText(data)
	case KindDOCX:
		text, err = docxText(data)
	default:
		text = string(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	}
	if err != nil {
		return "", err
	}
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	if letters(text) < 20 {
		return "", ErrNoText
	}
	return text, nil
}

// letters counts the letters of s.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// pdfText returns the text layer of a PDF, page after page. A PDF that
// needs a password is ErrEncrypted; the reader's panics on damaged files
// are ErrUnreadable.
func pdfText(data []byte) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, err = "", ErrUnreadable
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) || strings.Contains(err.Error(), "encrypt") {
			return "", ErrEncrypted
		}
		return "", fmt.Errorf("%w (%v)", ErrUnreadable, err)
	}
	var b strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		// Fonts are per page: the same resource name may be another font
		// on the next page, so the page builds its own cache (nil).
		t, err := p.GetPlainText(nil)
		if err != nil {
			return "", fmt.Errorf("%w (%v)", ErrUnreadable, err)
		}
		b.WriteString(t)
		b.WriteString("\n")
	}
	return b.String(), nil
}

// docxText returns the paragraphs of a DOCX's word/document.xml, one a line;
// tabs are spaces and line breaks new lines.
func docxText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", ErrUnreadable
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
		}
	}
	if doc == nil {
		return "", ErrUnsupportedType
	}
	rc, err := doc.Open()
	if err != nil {
		return "", ErrUnreadable
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, maxDocXMLBytes))
	var b strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%w (%v)", ErrUnreadable, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				b.WriteString("\t")
			case "br", "cr":
				b.WriteString("\n")
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				b.WriteString("\n")
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
	return b.String(), nil
}
