package analysis

import (
	"context"
	"strings"
	"testing"

	"github.com/vega-ai/vega/models"
)

// noPlaceholders fails if html holds a placeholder or template residue.
func noPlaceholders(t *testing.T, html string) {
	t.Helper()
	text := TextOf(html)
	for _, bad := range []string{"[", "]", "{{", "}}", "<no value>", "Your Name", "%!", "  "} {
		if strings.Contains(text, bad) {
			t.Errorf("document text holds %q:\n%s", bad, text)
		}
	}
	if HasPlaceholder(text) {
		t.Errorf("document has a placeholder:\n%s", text)
	}
	if SanitizeHTML(html) != html {
		t.Errorf("document is not stable under SanitizeHTML:\n%s", html)
	}
}

func TestBuiltinGeneratorsGolden(t *testing.T) {
	noCompany := goJob()
	noCompany.Company = nil
	tests := []struct {
		name        string
		job         *models.Job
		profile     *models.Profile
		letterHas   []string
		letterLacks []string
		cvHas       []string
		cvOrder     []string // strings that must appear in this order in the CV
	}{
		{
			name: "go_job_backend_profile", job: goJob(), profile: backendProfile(),
			letterHas: []string{"Dear Acme Payments Hiring Team,", "Senior Go Engineer role at Acme Payments", "Go, PostgreSQL and Kubernetes",
				"Paysafe Labs", "contribute to Acme Payments", "Kind regards, Ada Nguyen", "27 November 2026", "AWS Certified Solutions Architect"},
			letterLacks: []string{"Barista"},
			cvHas:       []string{"Ada Nguyen", "Relevant to this role: Go, PostgreSQL, Kubernetes", "Cut p99 latency by 40% with Redis caching", "BSc in Computer Science"},
			cvOrder:     []string{"Paysafe Labs", "DataWorks", "Corner Café"},
		},
		{
			name: "data_job_nameless_profile", job: dataJob(), profile: namelessProfile(),
			letterHas:   []string{"Data Engineer role at Insight Analytics", "Python", "DataWorks", "Kind regards,"},
			letterLacks: []string{"Ada", "As a ", "mailto"},
			cvHas:       []string{"Curriculum vitae", "Relevant to this role: Python, Apache Kafka"},
			cvOrder:     []string{"DataWorks", "Paysafe Labs", "Corner Café"}, // most relevant first
		},
		{
			name: "go_job_no_company", job: noCompany, profile: backendProfile(),
			letterHas:   []string{"Dear Hiring Manager,", "Senior Go Engineer role.", "contribute to your team"},
			letterLacks: []string{" at .", "Dear  Hiring"},
		},
		{
			name: "nurse_job_empty_profile", job: nurseJob(), profile: emptyProfile(),
			letterHas:   []string{"Registered Nurse – Intensive Care role at St Vincent's Hospital", "Kind regards,"},
			letterLacks: []string{"As a", "years of"},
			cvHas:       []string{"Curriculum vitae"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Job: tt.job, Profile: tt.profile, Now: now}
			letter, err := BuiltinGenerator{}.CoverLetter(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if letter.Type != models.DocumentCoverLetter || letter.Provider != ProviderBuiltin || letter.PromptVersion == "" || !strings.HasPrefix(letter.Title, "Cover letter: "+tt.job.Title) {
				t.Errorf("letter metadata %+v", letter)
			}
			noPlaceholders(t, letter.HTML)
			text := TextOf(letter.HTML)
			for _, s := range tt.letterHas {
				if !strings.Contains(text, s) {
					t.Errorf("letter lacks %q:\n%s", s, text)
				}
			}
			for _, s := range tt.letterLacks {
				if strings.Contains(letter.HTML, s) {
					t.Errorf("letter holds %q:\n%s", s, letter.HTML)
				}
			}
			golden(t, "cover_letter_"+tt.name+".golden", letter.HTML+"\n")

			cv, err := BuiltinGenerator{}.CV(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if cv.Type != models.DocumentCV || cv.Title != "CV: "+roleAt(tt.job) {
				t.Errorf("cv metadata %+v", cv)
			}
			noPlaceholders(t, cv.HTML)
			cvText := TextOf(cv.HTML)
			for _, s := range tt.cvHas {
				if !strings.Contains(cvText, s) {
					t.Errorf("CV lacks %q:\n%s", s, cvText)
				}
			}
			last := -1
			for _, s := range tt.cvOrder {
				i := strings.Index(cvText, s)
				if i <= last {
					t.Errorf("CV order: %q at %d, not after the previous one (%d):\n%s", s, i, last, cvText)
				}
				last = i
			}
			golden(t, "cv_"+tt.name+".golden", cv.HTML+"\n")
		})
	}
}

// TestGeneratorsEscape: profile and job text is escaped, never markup.
func TestGeneratorsEscape(t *testing.T) {
	p := backendProfile()
	p.FirstName = `<script>alert(1)</script>`
	p.Website = `javascript:alert(1)`
	job := goJob()
	job.Company = &models.Company{Name: `Evil "Corp" <img src=x onerror=alert(1)>`}
	for _, gen := range []func(context.Context, Input) (Document, error){BuiltinGenerator{}.CoverLetter, BuiltinGenerator{}.CV} {
		d, err := gen(context.Background(), Input{Job: job, Profile: p, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"<script", "<img", `href="javascript`} {
			if strings.Contains(d.HTML, bad) {
				t.Errorf("%s document holds %q:\n%s", d.Type, bad, d.HTML)
			}
		}
		if d.Type == models.DocumentCoverLetter && !strings.Contains(d.HTML, "&lt;img src=x onerror=alert(1)&gt;") {
			t.Errorf("company name not escaped as text:\n%s", d.HTML)
		}
	}
}

func TestSanitizeHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<p>Hello <strong>you</strong></p>`, `<p>Hello <strong>you</strong></p>`},
		{`<p onclick="x()" style="color:red" class="lead">Hi</p>`, `<p class="lead">Hi</p>`},
		{`<script>alert(1)</script><p>ok</p>`, `<p>ok</p>`},
		{`<style>p{}</style><iframe src="x">inner</iframe>text`, `text`},
		{`<a href="javascript:alert(1)">x</a>`, `<a>x</a>`},
		{`<a href="https://example.com/a?b=1&c=2">x</a>`, `<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">x</a>`},
		{`<a href="mailto:a@b.c">mail</a>`, `<a href="mailto:a@b.c" rel="noopener noreferrer nofollow">mail</a>`},
		{`<p>unclosed <em>em`, `<p>unclosed <em>em</em></p>`},
		{`</div><p>stray</p></p>`, `<p>stray</p>`},
		{`<img src=x onerror=alert(1)><form><input value=1>kept</form>`, `kept`},
		{`<!-- secret --><p>a &amp; b &lt;c&gt;</p>`, `<p>a &amp; b &lt;c&gt;</p>`},
		{`<p class="a&quot; onclick=&quot;x">t</p>`, `<p>t</p>`},
		{`line<br/>two<hr>`, `line<br>two<hr>`},
		{`<svg><script>x</script><text>hidden</text></svg>after`, `after`},
	}
	for _, tt := range tests {
		if got := SanitizeHTML(tt.in); got != tt.want {
			t.Errorf("SanitizeHTML(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestPage(t *testing.T) {
	p := Page(`Cover letter: <Go> & "you"`, `<p>Body</p><script>x</script>`)
	for _, want := range []string{"<!DOCTYPE html>", "<title>Cover letter: &lt;Go&gt; &amp; &#34;you&#34;</title>", "@media print", "@page", "<p>Body</p>"} {
		if !strings.Contains(p, want) {
			t.Errorf("page lacks %q:\n%s", want, p)
		}
	}
	if strings.Contains(p, "<script") {
		t.Errorf("page holds a script")
	}
}

func TestHasPlaceholder(t *testing.T) {
	for text, want := range map[string]bool{
		"Dear [Hiring Manager Name],": true, "[Your Name]": true, "Sincerely, {{name}}": true, "<no value>": true,
		"Regards, Ada": false, "Skills: C++ [advanced]": false, "arrays a[i]": false,
	} {
		if got := HasPlaceholder(text); got != want {
			t.Errorf("HasPlaceholder(%q) = %v, want %v", text, got, want)
		}
	}
}
