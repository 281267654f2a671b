package analysis

import (
	"time"

	"github.com/vega-ai/vega/models"
)

// now is the reference time of every golden test.
var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// backendProfile is a Go backend engineer with seven years of experience.
func backendProfile() *models.Profile {
	return &models.Profile{
		FirstName: "Ada", LastName: "Nguyen", Title: "Senior Backend Engineer",
		CareerSummary: "Backend engineer who builds reliable payment and data services in golang and PostgreSQL.",
		Skills:        models.StringList{"golang", "postgres", "Docker", "k8s", "gRPC", "AWS"},
		Email:         "ada@example.com", Location: "Melbourne, Australia", GitHubProfile: "github.com/ada-n",
		WorkExperiences: []models.WorkExperience{
			{Company: "Paysafe Labs", Title: "Senior Backend Engineer", StartDate: day(2022, 3, 1), Current: true,
				Description: ptr("Built payment services in Go and PostgreSQL, deployed on Kubernetes with Terraform.\n- Cut p99 latency by 40% with Redis caching\n- Led the move to gRPC between services")},
			{Company: "DataWorks", Title: "Software Engineer", StartDate: day(2019, 6, 1), EndDate: ptr(day(2022, 2, 28)),
				Description: ptr("Wrote data pipelines in Python and Apache Kafka; maintained the CI/CD pipelines on Jenkins.")},
			{Company: "Corner Café", Title: "Barista", StartDate: day(2015, 1, 1), EndDate: ptr(day(2019, 5, 1)),
				Description: ptr("Served customers and trained new staff.")},
		},
		Education: []models.Education{
			{Institution: "University of Melbourne", Degree: "BSc", FieldOfStudy: ptr("Computer Science"), StartDate: day(2012, 2, 1), EndDate: ptr(day(2015, 11, 30))},
		},
		Certifications: []models.Certification{
			{Name: "AWS Certified Solutions Architect – Associate", IssuingOrg: "Amazon Web Services", IssueDate: day(2023, 4, 1)},
		},
	}
}

// goJob is a senior Go role the backend profile fits well.
func goJob() *models.Job {
	return &models.Job{
		Title: "Senior Go Engineer", Company: &models.Company{Name: "Acme Payments"},
		RequiredSkills: models.StringList{"Golang", "PostgreSQL", "Kubernetes"},
		Description: `About the role
We are hiring a Senior Go Engineer to build the payment platform behind our checkout.
What you'll do
- Design and operate payment services in Go on Kubernetes (EKS) with Terraform.
- Keep latency low with Redis and PostgreSQL tuning.
- Work with gRPC APIs and Kafka event streams.
What we're looking for
- 5+ years of experience in backend development.
- Experience with AWS, Docker and observability (Prometheus, Grafana).
- Nice to have: Rust.`,
	}
}

// nurseJob is a role the backend profile does not fit.
func nurseJob() *models.Job {
	return &models.Job{
		Title: "Registered Nurse – Intensive Care", Company: &models.Company{Name: "St Vincent's Hospital"},
		Description: `We are looking for a Registered Nurse to join our Intensive Care Unit.
- Provide patient care and patient assessment for critically ill patients.
- Administer medication and monitor vital signs.
- At least 3 years of experience in critical care nursing; current AHPRA registration.
- Excellent communication and teamwork skills.`,
	}
}

// dataJob is a data engineering role the profile partly fits.
func dataJob() *models.Job {
	return &models.Job{
		Title: "Data Engineer", Company: &models.Company{Name: "Insight Analytics"},
		Description: `Join our data platform team.
- Build batch and streaming pipelines with Python, Apache Spark and Apache Kafka.
- Model data in Snowflake and dbt; orchestrate with Airflow.
- 3+ years of experience in data engineering.
- SQL and AWS experience; Terraform is a plus.`,
	}
}

// emptyProfile has nothing filled in.
func emptyProfile() *models.Profile { return &models.Profile{} }

// namelessProfile has experience but no name or contact details.
func namelessProfile() *models.Profile {
	p := backendProfile()
	p.FirstName, p.LastName, p.Email, p.Location, p.GitHubProfile = "", "", "", "", ""
	p.Title = ""
	return p
}
