package cvimport

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// pathologicalCV is a CV of about 1 MB whose certifications section ends in
// a line with a long run of unbalanced brackets: trimming them one at a
// time while recounting them all was quadratic (about 10^12 bytes counted
// for this text).
func pathologicalCV() string {
	head := "Ada Lovelace\nada@example.com\n\nEXPERIENCE\nEngineer — Acme Corp\nJan 2020 - Present\n\nCERTIFICATIONS\n"
	n := MaxTextBytes - len(head) - 100
	return head + "AWS Certified Solutions Architect " + strings.Repeat(")", n) + "\n"
}

// readWithin runs Read on text in a goroutine and fails if it has not
// returned after limit, which only a pathological blow-up reaches.
func readWithin(t *testing.T, text string, limit time.Duration) (Proposal, error) {
	t.Helper()
	type result struct {
		p   Proposal
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := Read(text)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		return r.p, r.err
	case <-time.After(limit):
		t.Fatalf("Read of a %d-byte text has not returned after %v", len(text), limit)
		return Proposal{}, nil
	}
}

func TestReadLargePathologicalInputCompletes(t *testing.T) {
	text := pathologicalCV()
	if len(text) < 900_000 || len(text) > MaxTextBytes {
		t.Fatalf("the input is %d bytes", len(text))
	}
	p, err := readWithin(t, text, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Experiences) != 1 || p.Experiences[0].Company != "Acme Corp" {
		t.Errorf("experiences = %+v", p.Experiences)
	}
	var names []string
	for _, c := range p.Certifications {
		names = append(names, c.Name)
	}
	if len(names) != 1 || names[0] != "AWS Certified Solutions Architect" {
		t.Errorf("certifications = %q", names)
	}
}

// largeInputs are ~1 MB texts of the shapes that stress the reader.
func largeInputs(tb testing.TB) map[string]string {
	const n = 1 << 20
	var cv strings.Builder
	for _, f := range cvFiles(tb) {
		raw, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		cv.Write(raw)
		cv.WriteString("\n")
	}
	return map[string]string{
		"brackets":      pathologicalCV(),
		"repeated CVs":  strings.Repeat(cv.String(), n/cv.Len()),
		"one long line": "EXPERIENCE\n" + strings.Repeat("Engineer at Acme  |  Jan 2020 - ", n/32),
		"date lines":    "EXPERIENCE\n" + strings.Repeat("Jan 2020 -\n", n/11),
		"degree lines":  "EDUCATION\n" + strings.Repeat("BSc\n", n/4),
		"blank lines":   "SKILLS\nGo\n" + strings.Repeat("\r\n", n/2),
		"digits":        "CERTIFICATIONS\n" + strings.Repeat("2020 ", n/5),
	}
}

func TestReadLargeInputsComplete(t *testing.T) {
	for name, text := range largeInputs(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := readWithin(t, text, 20*time.Second); err != nil && !errors.Is(err, ErrNotACV) {
				t.Fatal(err)
			}
		})
	}
}

func BenchmarkReadLarge(b *testing.B) {
	for name, text := range largeInputs(b) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				Read(text)
			}
		})
	}
}
