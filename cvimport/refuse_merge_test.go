package cvimport

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"

	"github.com/vega-ai/vega/models"
)

// TestExtractRefuses checks each refusal and its reason.
func TestExtractRefuses(t *testing.T) {
	cv, err := os.ReadFile("testdata/chronological.txt")
	if err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01")
	imageOnly := makePDF(t, "", func(p *fpdf.Fpdf) {})
	encrypted := makePDF(t, string(cv), func(p *fpdf.Fpdf) { p.SetProtection(fpdf.CnProtectPrint, "secret", "owner") })
	zipNotDocx := func() []byte {
		d := makeDOCX(t, "x")
		return []byte(strings.Replace(string(d), "word/document.xml", "word/somethin.xml", -1))
	}()
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       error
		msg        string
	}{
		{"png", "cv.png", png, ErrUnsupportedType, "unsupported file type"},
		{"png named txt", "cv.txt", png, ErrUnsupportedType, "unsupported"},
		{"zip without a document", "cv.docx", zipNotDocx, ErrUnsupportedType, "unsupported"},
		{"encrypted pdf", "cv.pdf", encrypted, ErrEncrypted, "encrypted"},
		{"oversized", "cv.txt", []byte(strings.Repeat("a", MaxFileBytes+1)), ErrTooLarge, "at most 5 MB"},
		{"pdf without text", "scan.pdf", imageOnly, ErrNoText, "no text found: is it a scan?"},
		{"blank text", "cv.txt", []byte("   \n\n  "), ErrNoText, "no text found"},
		{"damaged pdf", "cv.pdf", []byte("%PDF-1.4\nnot really a pdf"), ErrUnreadable, "could not be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Extract(tc.file, tc.data)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("Extract = %v, want %v (%q)", err, tc.want, tc.msg)
			}
		})
	}
}

// TestReadRefusesWhatIsNotACV checks ErrNotACV on texts that are not CVs.
func TestReadRefusesWhatIsNotACV(t *testing.T) {
	for name, text := range map[string]string{
		"shopping list": "Shopping list\n- eggs\n- milk\n- 2 loaves of bread\n- tomatoes, basil\nDon't forget the dry cleaning!",
		"letter":        "Dear Sam,\nThank you for the lovely dinner last week. We should do it again in spring.\nBest,\nKim",
		"empty":         "",
		"recipe":        "Ingredients\n200 g flour\n2 eggs\nMethod\nMix everything and bake for 20 minutes.",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Read(text); !errors.Is(err, ErrNotACV) {
				t.Fatalf("Read = %v, want ErrNotACV", err)
			}
		})
	}
}

// TestDates checks the date forms CVs use.
func TestDates(t *testing.T) {
	month := func(y, m int) string { return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01") }
	for _, tc := range []struct {
		in, start, end string
		current        bool
	}{
		{"Jan 2020 - Present", month(2020, 1), "", true},
		{"2019-2021", month(2019, 1), month(2021, 1), false},
		{"03/2018 - 06/2020", month(2018, 3), month(2020, 6), false},
		{"Summer 2017 – Fall 2018", month(2017, 6), month(2018, 9), false},
		{"September 2015 to June 2019", month(2015, 9), month(2019, 6), false},
		{"2018-03 – 2019-11", month(2018, 3), month(2019, 11), false},
		{"Sept. 2012 — current", month(2012, 9), "", true},
	} {
		d, ok := findRange(tc.in)
		if !ok {
			t.Errorf("%q: no range", tc.in)
			continue
		}
		end := ""
		if d.end != nil {
			end = d.end.Format("2006-01")
		}
		if d.start.Format("2006-01") != tc.start || end != tc.end || d.current != tc.current {
			t.Errorf("%q = %s..%s current=%v, want %s..%s %v", tc.in, d.start.Format("2006-01"), end, d.current, tc.start, tc.end, tc.current)
		}
	}
	for _, bad := range []string{"2021-2019", "call 0301 2345", "1850 - 1860"} {
		if d, ok := findRange(bad); ok {
			t.Errorf("%q read as a range %v", bad, d)
		}
	}
}

// newStore opens a fresh database with two users.
func newStore(t testing.TB) (*models.Store, int64, int64) {
	t.Helper()
	db, err := models.Open(context.Background(), models.Options{Path: filepath.Join(t.TempDir(), "vega.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := models.NewStore(db)
	var ids []int64
	for _, name := range []string{"ada", "bob"} {
		u := &models.User{Username: name}
		if err := s.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	return s, ids[0], ids[1]
}

func date(y, m int) *time.Time {
	t := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
	return &t
}

// TestApplyMerges checks the merge: a twin is updated, not duplicated;
// nothing stored is lost; an empty kept field does not blank a stored one.
func TestApplyMerges(t *testing.T) {
	ctx := context.Background()
	s, ada, _ := newStore(t)
	desc := "Kept description"
	loc := "Berlin"
	old := &models.WorkExperience{Company: "Acme Corp", Title: "Senior Backend Engineer", StartDate: *date(2020, 1), Current: true, Description: &desc, Location: &loc}
	other := &models.WorkExperience{Company: "Umbrella", Title: "Intern", StartDate: *date(2012, 6), EndDate: date(2012, 9)}
	for _, w := range []*models.WorkExperience{old, other} {
		if err := s.CreateWorkExperience(ctx, ada, w); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateCertification(ctx, ada, &models.Certification{Name: "CKA", IssuingOrg: "CNCF", IssueDate: *date(2020, 1)}); err != nil {
		t.Fatal(err)
	}
	title, skills := "Staff Engineer", models.StringList{"Rust"}
	if _, err := s.UpdateProfile(ctx, ada, models.ProfileUpdate{Title: &title, Skills: &skills}); err != nil {
		t.Fatal(err)
	}

	sel := Proposal{
		FirstName: "Ada", Title: "", Skills: []string{"Go", "rust"},
		Experiences: []Experience{
			{Company: " acme  corp ", Title: "senior backend engineer", Start: date(2020, 1), Current: true, Description: ""},
			{Company: "Globex", Title: "Engineer", Start: date(2017, 3), End: date(2019, 12)},
		},
		Certifications: []Certification{{Name: "cka", IssuingOrg: "cncf", IssueDate: date(2020, 1), CredentialID: "X-1"}},
		Education:      []Education{{Institution: "TUM", Degree: "MSc", Start: date(2013, 10), End: date(2015, 9)}},
	}
	if err := Match(ctx, s, ada, &sel); err != nil {
		t.Fatal(err)
	}
	if sel.Experiences[0].ID != old.ID || sel.Experiences[1].ID != 0 {
		t.Fatalf("Match ids = %d, %d; want %d, 0", sel.Experiences[0].ID, sel.Experiences[1].ID, old.ID)
	}
	sel.Experiences[0].ID = 0 // twin detection must work without the hint too
	p, err := Apply(ctx, s, ada, sel)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.WorkExperiences) != 3 {
		t.Fatalf("%d experiences, want 3 (twin updated, one added, one untouched): %+v", len(p.WorkExperiences), p.WorkExperiences)
	}
	w, err := s.WorkExperience(ctx, ada, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if w.Description == nil || *w.Description != desc || w.Location == nil || *w.Location != loc {
		t.Errorf("twin lost its stored fields: %+v", w)
	}
	if _, err := s.WorkExperience(ctx, ada, other.ID); err != nil {
		t.Errorf("untouched experience: %v", err)
	}
	if p.Title != title || p.FirstName != "Ada" {
		t.Errorf("profile fields: title %q first %q", p.Title, p.FirstName)
	}
	if strings.Join(p.Skills, ",") != "Rust,Go" {
		t.Errorf("skills = %v, want Rust,Go", p.Skills)
	}
	if len(p.Certifications) != 1 || p.Certifications[0].CredentialID == nil || *p.Certifications[0].CredentialID != "X-1" {
		t.Errorf("certification twin: %+v", p.Certifications)
	}
	if len(p.Education) != 1 {
		t.Errorf("education: %+v", p.Education)
	}
	// Applying the same selection again changes nothing.
	again, err := Apply(ctx, s, ada, sel)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.WorkExperiences) != 3 || len(again.Education) != 1 || len(again.Certifications) != 1 {
		t.Errorf("second apply added twins: %d %d %d", len(again.WorkExperiences), len(again.Education), len(again.Certifications))
	}
}

// TestApplyRefusesBeforeWriting checks that an invalid item stores nothing.
func TestApplyRefusesBeforeWriting(t *testing.T) {
	ctx := context.Background()
	s, ada, _ := newStore(t)
	for name, sel := range map[string]Proposal{
		"no start":      {FirstName: "Zed", Experiences: []Experience{{Company: "A", Title: "B"}}},
		"end too early": {FirstName: "Zed", Experiences: []Experience{{Company: "A", Title: "B", Start: date(2020, 1), End: date(2019, 1)}}},
		"no issuer":     {FirstName: "Zed", Certifications: []Certification{{Name: "X", IssueDate: date(2020, 1)}}},
		"no degree":     {FirstName: "Zed", Education: []Education{{Institution: "U", Start: date(2020, 1)}}},
	} {
		t.Run(name, func(t *testing.T) {
			var ve *models.ValidationError
			if _, err := Apply(ctx, s, ada, sel); !errors.As(err, &ve) {
				t.Fatalf("Apply = %v, want a validation error", err)
			}
			p, err := s.FullProfile(ctx, ada)
			if err != nil {
				t.Fatal(err)
			}
			if p.FirstName != "" || len(p.WorkExperiences)+len(p.Certifications)+len(p.Education) != 0 {
				t.Fatalf("something was stored: %+v", p)
			}
		})
	}
}

// TestApplyIsolation checks that one user's import never touches another's
// profile, even naming the other's items by id.
func TestApplyIsolation(t *testing.T) {
	ctx := context.Background()
	s, ada, bob := newStore(t)
	w := &models.WorkExperience{Company: "Acme", Title: "Engineer", StartDate: *date(2020, 1)}
	if err := s.CreateWorkExperience(ctx, ada, w); err != nil {
		t.Fatal(err)
	}
	// Bob imports the same position: his own profile gets it.
	p, err := Apply(ctx, s, bob, Proposal{Experiences: []Experience{{Company: "Acme", Title: "Engineer", Start: date(2020, 1), Description: "Bob's"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.WorkExperiences) != 1 || p.WorkExperiences[0].ID == w.ID {
		t.Fatalf("bob's profile: %+v", p.WorkExperiences)
	}
	// Bob names Ada's experience: not found, nothing changes.
	_, err = Apply(ctx, s, bob, Proposal{FirstName: "Mallory", Experiences: []Experience{{ID: w.ID, Company: "Hacked", Title: "x", Start: date(2020, 1)}}})
	if !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("Apply with another user's id = %v, want ErrNotFound", err)
	}
	got, err := s.WorkExperience(ctx, ada, w.ID)
	if err != nil || got.Company != "Acme" || got.Description != nil {
		t.Fatalf("ada's experience changed: %+v %v", got, err)
	}
	bp, _ := s.Profile(ctx, bob)
	if bp.FirstName == "Mallory" {
		t.Fatal("a refused apply wrote the profile")
	}
}

// threePageCV is a long CV: the chronological one with enough positions to
// fill three pages.
func threePageCV(t testing.TB) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/chronological.txt")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.Write(raw)
	b.WriteString("\nWORK EXPERIENCE\n")
	for i := 0; i < 18; i++ {
		y := 1990 + i
		b.WriteString("Engineer — Company " + string(rune('A'+i)) + "\n")
		b.WriteString("Jan " + itoa(y) + " - Dec " + itoa(y) + "\n")
		for j := 0; j < 4; j++ {
			b.WriteString("- Shipped features in Go, SQL and Kubernetes for the platform team.\n")
		}
	}
	return b.String()
}

// TestThreePagePDF reads a three-page PDF end to end.
func TestThreePagePDF(t *testing.T) {
	data := makePDF(t, threePageCV(t))
	if n := strings.Count(string(data), "/Type /Page\n"); n < 3 {
		t.Logf("pages marker count %d", n)
	}
	p := readFile(t, "long.pdf", data)
	if len(p.Experiences) != 21 {
		t.Fatalf("%d experiences, want 21", len(p.Experiences))
	}
}

// BenchmarkImportPDF extracts and reads a three-page PDF.
func BenchmarkImportPDF(b *testing.B) {
	data := makePDF(b, threePageCV(b))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		text, err := Extract("cv.pdf", data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Read(text); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzRead feeds the text reader arbitrary text: it never panics, and what
// it proposes is consistent (valid UTF-8, no end before its start).
func FuzzRead(f *testing.F) {
	for _, cv := range cvFiles(f) {
		raw, err := os.ReadFile(cv)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(raw))
	}
	f.Add("EXPERIENCE\nEngineer at X\n2020-2019\n")
	f.Add("Skills: Go, , ,;;\nEducation\nBSc, 2019")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Read(text)
		if err != nil {
			if !errors.Is(err, ErrNotACV) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		for _, x := range p.Experiences {
			if x.Start != nil && x.End != nil && x.End.Before(*x.Start) {
				t.Fatalf("end before start: %+v", x)
			}
			if x.Current && x.End != nil {
				t.Fatalf("current with an end: %+v", x)
			}
		}
		for _, s := range append(p.Skills, p.FirstName, p.LastName, p.Title, p.Summary) {
			if !utf8Valid(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
	})
}

func utf8Valid(s string) bool { return utf8.ValidString(s) }
