package skills

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// jobText is a realistic job description: prose, bullets, lists of skills,
// ambiguous words and boilerplate, as the scraper's plain text looks.
const jobText = `About the role
We're hiring a Senior Backend Engineer to join our Platform team in Melbourne. You'll design, build and operate the services behind our product, working closely with Product Management, Design and Data Science. Our stack is Go, Python and TypeScript on AWS, with PostgreSQL, Redis and Kafka.
What you'll do
• Design and maintain build systems, CI/CD pipelines and Docker images used across the company.
• Develop tools and integrations that make the local develop-build-test loop faster, including IDE extensions and CLI tools.
• Improve release reliability: canary deployments, blue/green, approvals and environment promotion with Argo CD and Helm.
• Partner with product pods to embed reliability, incident response and SLO ownership.
What we're looking for
- 5+ years of experience in backend development with Go, Java or C#.
- Experience running production systems on AWS or Azure (EKS, ECS, or AKS).
- Strong Infrastructure-as-Code skills (Terraform, Helm) and familiarity with Ansible or Chef.
- Observability mindset (metrics, logs, traces, alerting) with Prometheus, Grafana or Datadog.
- SQL skills and familiarity with relational databases such as PostgreSQL or MySQL; MongoDB a plus.
- Nice to have: React, Node.js, GraphQL, gRPC, Kubernetes, Linkerd, Karpenter, Spark or R for analytics.
- Knowledge of ISO 27001 / HIPAA / SOC 2 compliance.
Finance and operations partners
The Finance Analyst partners with FP&A on forecasting, budgeting and variance analysis, using Excel, Power BI and SAP (Hyperion experience preferred). From the R&D lab to the factory floor, Medtronic plc (R) teams go to market quickly; we need people who can take Swift action and Go beyond. A Series C company with C-level sponsors, we help our customers on the go.
Benefits
Health, dental and vision insurance, a 401(k) plan, paid time off, parental leave and a learning budget. We are an equal opportunity employer and value diversity; all qualified applicants will receive consideration without regard to race, colour, religion, sex, sexual orientation, gender identity, national origin, disability or veteran status. For updates on job applications, please go to the candidate login page at https://careers.example.com/login or e-mail AskHR@example.com.
`

// benchText is about 300 KB of job text.
var benchText = func() string {
	var b strings.Builder
	for b.Len() < 300_000 {
		b.WriteString(jobText)
	}
	return b.String()
}()

func TestJobTextSkills(t *testing.T) {
	want := []string{"Product management", "Data science", "Go", "Python", "TypeScript", "AWS", "PostgreSQL",
		"Redis", "Apache Kafka", "CI/CD", "Docker", "Argo CD", "Helm", "Incident response", "Backend development",
		"Java", "C#", "Azure", "Amazon EKS", "Amazon ECS", "Azure Kubernetes Service", "Infrastructure as Code",
		"Terraform", "Ansible", "Chef", "Observability", "Prometheus", "Grafana", "Datadog", "SQL",
		"Relational databases", "MySQL", "MongoDB", "React", "Node.js", "GraphQL", "gRPC", "Kubernetes", "Linkerd",
		"Karpenter", "Apache Spark", "R", "ISO 27001", "HIPAA", "SOC 2", "Financial planning", "Forecasting",
		"Budgeting", "Variance analysis", "Excel", "Power BI", "SAP", "Hyperion"}
	if got := Find(jobText); !slices.Equal(got, want) {
		t.Errorf("Find(jobText)\n got %q\nwant %q", got, want)
	}
}

// BenchmarkFind measures Find over about 300 KB of job text.
func BenchmarkFind(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		Find(benchText)
	}
}

// FuzzFind checks that Find never panics and returns canonical names, each
// once, the same way every time.
func FuzzFind(f *testing.F) {
	for _, s := range []string{jobText, "", "C++", "C#", ".NET", "R&D", "(R)", "Go-to-market", "a.b.c",
		"https://x", "@@", "x@y", "www.", "Node.js.", "C/C++/", "• Excel\n• Word", "é Go ü", "\xff\xfeGo",
		"problem-", "-", "Ruby on", "Series C", "Python, R & D", "\u2011\u2011"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := Find(text)
		seen := map[string]bool{}
		for _, s := range got {
			if seen[s] {
				t.Fatalf("%q reported twice in %q", s, got)
			}
			seen[s] = true
			if c, ok := Canonical(s); !ok || c != s {
				t.Fatalf("%q is not a canonical name", s)
			}
		}
		if again := Find(text); !slices.Equal(got, again) {
			t.Fatalf("Find is not deterministic: %q then %q", got, again)
		}
		if utf8.ValidString(text) && len(got) > 0 && strings.TrimSpace(text) == "" {
			t.Fatalf("skills %q found in white space", got)
		}
	})
}
