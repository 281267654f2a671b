package analysis

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vega-ai/vega/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./analysis -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// skillNames returns the skill names of evidence.
func skillNames(ev []SkillEvidence) []string {
	var out []string
	for _, e := range ev {
		out = append(out, e.Skill)
	}
	return out
}

func TestBuiltinGolden(t *testing.T) {
	tests := []struct {
		name           string
		job            *models.Job
		profile        *models.Profile
		min, max       int
		matched        []string // each must be matched
		missing        []string // each must be missing
		notMatched     []string // each must not be matched
		whereIncludes  map[string]string
		feedbackWords  []string
		highlightWords []string
	}{
		{
			name: "go_job_backend_profile", job: goJob(), profile: backendProfile(), min: 70, max: 90,
			matched:        []string{"Go", "PostgreSQL", "Kubernetes", "Terraform", "Redis", "gRPC", "Apache Kafka", "AWS", "Docker"},
			missing:        []string{"Prometheus", "Grafana"},
			notMatched:     []string{"Rust"},
			whereIncludes:  map[string]string{"Go": "Senior Backend Engineer at Paysafe Labs (2022–present)", "AWS": "certification: AWS Certified Solutions Architect – Associate"},
			feedbackWords:  []string{"Strong match", "Prometheus"},
			highlightWords: []string{"5+ years", "senior"},
		},
		{
			name: "data_job_backend_profile", job: dataJob(), profile: backendProfile(), min: 45, max: 65,
			matched:       []string{"Python", "Apache Kafka", "AWS", "Terraform"},
			missing:       []string{"Apache Spark", "Snowflake", "dbt", "Apache Airflow"},
			whereIncludes: map[string]string{"Python": "Software Engineer at DataWorks (2019–2022)"},
		},
		{
			name: "nurse_job_backend_profile", job: nurseJob(), profile: backendProfile(), min: 0, max: 15,
			feedbackWords: []string{"Weak match"},
		},
		{
			name: "go_job_empty_profile", job: goJob(), profile: emptyProfile(), min: 0, max: 0,
			missing:       []string{"Go", "PostgreSQL", "Kubernetes"},
			feedbackWords: []string{"profile is empty"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Job: tt.job, Profile: tt.profile, Now: now}
			r, err := Builtin{}.Analyse(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Score < tt.min || r.Score > tt.max {
				t.Errorf("score %d, want %d to %d", r.Score, tt.min, tt.max)
			}
			got := skillNames(r.MatchedSkills)
			for _, s := range tt.matched {
				if !slices.Contains(got, s) {
					t.Errorf("%q not matched; matched %q", s, got)
				}
			}
			for _, s := range tt.notMatched {
				if slices.Contains(got, s) {
					t.Errorf("%q matched but the profile does not show it", s)
				}
			}
			for _, s := range tt.missing {
				if !slices.Contains(r.MissingSkills, s) {
					t.Errorf("%q not reported missing; missing %q", s, r.MissingSkills)
				}
			}
			for skill, where := range tt.whereIncludes {
				i := slices.Index(got, skill)
				if i < 0 || !slices.Contains(r.MatchedSkills[i].Where, where) {
					t.Errorf("evidence for %s lacks %q", skill, where)
				}
			}
			for _, w := range tt.feedbackWords {
				if !strings.Contains(r.Feedback, w) {
					t.Errorf("feedback lacks %q: %s", w, r.Feedback)
				}
			}
			hl := strings.Join(r.Highlights, "\n")
			for _, w := range tt.highlightWords {
				if !strings.Contains(hl, w) {
					t.Errorf("highlights lack %q: %s", w, hl)
				}
			}
			if r.Provider != ProviderBuiltin || r.Note != "" {
				t.Errorf("provider %q note %q", r.Provider, r.Note)
			}
			b, err := json.MarshalIndent(r, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "analysis_"+tt.name+".golden", string(b)+"\n")

			// Same input, same output.
			again, _ := Builtin{}.Analyse(context.Background(), Input{Job: tt.job, Profile: tt.profile, Now: now})
			b2, _ := json.Marshal(again)
			b1, _ := json.Marshal(r)
			if string(b1) != string(b2) {
				t.Errorf("second run differs:\n%s\n%s", b1, b2)
			}
		})
	}
}

// TestBuiltinAliases: the dictionary's aliases meet across job and profile,
// in both directions.
func TestBuiltinAliases(t *testing.T) {
	tests := []struct {
		jobSkill, profileSkill, want string
	}{
		{"golang", "Go", "Go"},
		{"Go", "golang", "Go"},
		{"Kubernetes", "k8s", "Kubernetes"},
		{"postgres", "PostgreSQL", "PostgreSQL"},
	}
	for _, tt := range tests {
		job := &models.Job{Title: "Engineer", RequiredSkills: models.StringList{tt.jobSkill}, Description: "Build things."}
		p := &models.Profile{Skills: models.StringList{tt.profileSkill}}
		r, _ := Builtin{}.Analyse(context.Background(), Input{Job: job, Profile: p, Now: now})
		if got := skillNames(r.MatchedSkills); !slices.Equal(got, []string{tt.want}) || len(r.MissingSkills) != 0 {
			t.Errorf("job %q / profile %q: matched %q, missing %q; want %q matched", tt.jobSkill, tt.profileSkill, got, r.MissingSkills, tt.want)
		}
	}
}

// TestBuiltinMonotonic: adding a missing skill to the profile never lowers
// the score, and demonstrated skills beat listed ones.
func TestBuiltinMonotonic(t *testing.T) {
	score := func(p *models.Profile) int {
		r, _ := Builtin{}.Analyse(context.Background(), Input{Job: goJob(), Profile: p, Now: now})
		return r.Score
	}
	base := backendProfile()
	more := backendProfile()
	more.Skills = append(more.Skills, "Prometheus", "Grafana", "Observability")
	if a, b := score(base), score(more); b <= a {
		t.Errorf("adding missing skills: %d -> %d, want higher", a, b)
	}
	listed := &models.Profile{Skills: models.StringList{"Go", "PostgreSQL", "Kubernetes"}}
	shown := &models.Profile{WorkExperiences: []models.WorkExperience{{Title: "Developer", Company: "X", StartDate: day(2024, 1, 1), Current: true,
		Description: ptr("Built services in Go and PostgreSQL on Kubernetes.")}}}
	r1, _ := Builtin{}.Analyse(context.Background(), Input{Job: goJob(), Profile: listed, Now: now})
	r2, _ := Builtin{}.Analyse(context.Background(), Input{Job: goJob(), Profile: shown, Now: now})
	if r1.Components[0].Score >= r2.Components[0].Score {
		t.Errorf("skills component: listed %d, shown in experience %d; want shown higher", r1.Components[0].Score, r2.Components[0].Score)
	}
}

func TestRequiredYears(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"5+ years of experience in backend development", 5},
		{"At least 3 years' experience with Go", 3},
		{"3-5 years of professional experience", 3},
		{"We have been around for 20 years. You bring 4 yrs experience.", 4},
		{"No years mentioned.", 0},
		{"Founded 100 years ago; experience welcome", 0},
	}
	for _, tt := range tests {
		if got := requiredYears(tt.text); got != tt.want {
			t.Errorf("requiredYears(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}
