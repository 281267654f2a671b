package scraper

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json from the current output")

// corpusCase is one entry of testdata/jobpages/cases.json.
type corpusCase struct {
	File               string   `json:"file"`
	URL                string   `json:"url"`
	Title              string   `json:"title"`
	Company            []string `json:"company"`
	LocationAny        []string `json:"location_any"`
	JobType            *string  `json:"job_type"`
	SkillsInclude      []string `json:"skills_include"`
	SkillsExclude      []string `json:"skills_exclude"`
	DescriptionMinChar int      `json:"description_min_chars"`
	Blocked            bool     `json:"blocked"`
}

func loadCases(t testing.TB) []corpusCase {
	t.Helper()
	b, err := os.ReadFile("testdata/jobpages/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []corpusCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) == 0 {
		t.Fatal("no cases in cases.json")
	}
	return doc.Cases
}

// norm applies the comparison rules of cases.json: trimmed, white space
// collapsed, case-insensitive.
func norm(s string) string { return strings.ToLower(cleanText(s)) }

func TestCorpusCases(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(strings.TrimSuffix(c.File, ".html"), func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join("testdata/jobpages", c.File))
			if err != nil {
				t.Fatal(err)
			}
			job, err := Parse(c.URL, page)
			if c.Blocked {
				var nj *NotJobPostingError
				if !errors.As(err, &nj) || nj.Reason != ReasonBotChallenge || !errors.Is(err, ErrNotJobPosting) {
					t.Fatalf("want NotJobPostingError bot_challenge, got job=%v err=%v", job != nil, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if norm(job.Title) != norm(c.Title) {
				t.Errorf("title = %q, want %q", job.Title, c.Title)
			}
			okCompany := false
			for _, co := range c.Company {
				if norm(job.Company) == norm(co) {
					okCompany = true
				}
			}
			if !okCompany {
				t.Errorf("company = %q, want one of %q", job.Company, c.Company)
			}
			if len(c.LocationAny) > 0 {
				okLoc := false
				for _, l := range c.LocationAny {
					if strings.Contains(norm(job.Location), norm(l)) {
						okLoc = true
					}
				}
				if !okLoc {
					t.Errorf("location = %q, want one containing any of %q", job.Location, c.LocationAny)
				}
			}
			if c.JobType != nil && job.JobType != *c.JobType {
				t.Errorf("job_type = %q, want %q", job.JobType, *c.JobType)
			}
			if n := len([]rune(job.Description)); n < c.DescriptionMinChar {
				t.Errorf("description has %d chars, want at least %d", n, c.DescriptionMinChar)
			}
			have := map[string]bool{}
			for _, s := range job.Skills {
				have[norm(s)] = true
			}
			for _, s := range c.SkillsInclude {
				if !have[norm(s)] {
					t.Errorf("skills %q lack %q", job.Skills, s)
				}
			}
			for _, s := range c.SkillsExclude {
				if have[norm(s)] {
					t.Errorf("skills %q contain false positive %q", job.Skills, s)
				}
			}
			if job.SourceURL == "" || job.ApplicationURL == "" {
				t.Errorf("source_url %q / application_url %q must be set", job.SourceURL, job.ApplicationURL)
			}
		})
	}
}

// goldenInput is a page with the URL it was captured from.
type goldenInput struct{ name, url, path string }

// goldenInputs lists the corpus pages and this package's own pages.
func goldenInputs(t testing.TB) []goldenInput {
	var out []goldenInput
	for _, c := range loadCases(t) {
		out = append(out, goldenInput{strings.TrimSuffix(c.File, ".html"), c.URL, filepath.Join("testdata/jobpages", c.File)})
	}
	for _, p := range ownPages {
		out = append(out, goldenInput{p.name, p.url, filepath.Join("testdata/pages", p.name+".html")})
	}
	return out
}

// goldenOutput is what a golden file holds: the job, or the refusal.
type goldenOutput struct {
	Job   *Job   `json:"job,omitempty"`
	Error string `json:"error,omitempty"`
}

func TestGoldenFiles(t *testing.T) {
	for _, in := range goldenInputs(t) {
		t.Run(in.name, func(t *testing.T) {
			page, err := os.ReadFile(in.path)
			if err != nil {
				t.Fatal(err)
			}
			job, err := Parse(in.url, page)
			out := goldenOutput{Job: job}
			if err != nil {
				out.Error = err.Error()
			}
			got, err := json.MarshalIndent(out, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata/golden", in.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./scraper -run TestGoldenFiles -update)", err)
			}
			if string(want) != string(got) {
				t.Errorf("output differs from %s; run with -update and review the diff.\n%s", path, firstDiff(string(want), string(got)))
			}
		})
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			if len(x) > 300 {
				x = x[:300] + "…"
			}
			if len(y) > 300 {
				y = y[:300] + "…"
			}
			return "line " + itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
