package scraper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func wrapLD(body string) []byte {
	return []byte(`<!DOCTYPE html><html><head><title>Job</title><script type="application/ld+json">` + body + `</script></head><body><p>See the posting.</p></body></html>`)
}

// TestSchemaOrgExamples runs schema.org's own JobPosting examples, each wrapped in a page.
func TestSchemaOrgExamples(t *testing.T) {
	tests := []struct {
		file, title, company, location, jobType string
		salary                                  *Salary
		descHas                                 string
		skillsHas                               string
	}{
		{"schemaorg-0028.json", "Software Engineer", "", "Kirkland, WA", "full_time", &Salary{Min: 100000, Currency: "USD"}, "ABC Company Inc. seeks a full-time", ""},
		{"schemaorg-0251.json", "Mobile App Developer", "ACME Software", "", "", nil, "", ""},
		{"schemaorg-0280.json", "Systems Research Engineer", "", "", "", nil, "", ""},
		{"schemaorg-0281.json", "Junior software developer", "ACME Corp.", "", "", nil, "", ""},
		{"schemaorg-0283.json", "electrician", "", "", "", nil, "", ""},
		{"schemaorg-0285.json", "Systems Research Engineer", "", "", "", nil, "", ""},
		{"schemaorg-0286.json", "Systems Research Engineer", "", "", "", nil, "", ""},
		{"schemaorg-0287.json", "Systems Research Engineer", "", "", "", nil, "", ""},
		{"schemaorg-0465.json", "Software Engineer", "", "", "", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".json"), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata/jobpages/jsonld", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			j, err := Parse("https://jobs.example.com/postings/42", wrapLD(string(b)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if j.Title != tt.title || j.Company != tt.company || j.Location != tt.location || j.JobType != tt.jobType {
				t.Errorf("got title=%q company=%q location=%q job_type=%q; want %q %q %q %q",
					j.Title, j.Company, j.Location, j.JobType, tt.title, tt.company, tt.location, tt.jobType)
			}
			if (j.Salary == nil) != (tt.salary == nil) || (j.Salary != nil && *j.Salary != *tt.salary) {
				t.Errorf("salary = %+v, want %+v", j.Salary, tt.salary)
			}
			if !strings.Contains(j.Description, tt.descHas) {
				t.Errorf("description %q lacks %q", j.Description, tt.descHas)
			}
			if j.Site != "generic" || j.SourceURL != "https://jobs.example.com/postings/42" {
				t.Errorf("site=%q source=%q", j.Site, j.SourceURL)
			}
		})
	}
}

func TestJSONLDVariants(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, j *Job)
	}{
		{"type as array and hiring organization as string",
			`{"@type":["JobPosting","Thing"],"title":"Baker","hiringOrganization":"Crusty Loaves","description":"<p>Bake bread every morning for our shop and cafe customers.</p>"}`,
			func(t *testing.T, j *Job) {
				if j.Title != "Baker" || j.Company != "Crusty Loaves" {
					t.Errorf("%q %q", j.Title, j.Company)
				}
			}},
		{"graph with organization by id",
			`{"@context":"https://schema.org","@graph":[{"@type":"Organization","@id":"#o","name":"Blue Yonder Airlines"},{"@type":"JobPosting","title":"Pilot","hiringOrganization":{"@id":"#o"}}]}`,
			func(t *testing.T, j *Job) {
				if j.Company != "Blue Yonder Airlines" {
					t.Errorf("company %q", j.Company)
				}
			}},
		{"trailing commas and raw newlines in strings",
			"{\"@type\":\"JobPosting\",\"title\":\"Nurse\",\"description\":\"Line one\nLine two\",\"employmentType\":\"Part-time\",}",
			func(t *testing.T, j *Job) {
				if j.Title != "Nurse" || j.JobType != "part_time" || !strings.Contains(j.Description, "Line two") {
					t.Errorf("%+v", j)
				}
			}},
		{"cdata wrapper and concatenated objects",
			`<![CDATA[{"@type":"WebSite","name":"x"}{"@type":"JobPosting","title":"Chef","employmentType":"CONTRACTOR"}]]>`,
			func(t *testing.T, j *Job) {
				if j.Title != "Chef" || j.JobType != "contract" {
					t.Errorf("%+v", j)
				}
			}},
		{"remote with applicant countries as strings",
			`{"@type":"JobPosting","title":"Support Agent","jobLocationType":"TELECOMMUTE","applicantLocationRequirements":["US","Canada"],"employmentType":"FULL_TIME"}`,
			func(t *testing.T, j *Job) {
				if j.Workplace != "remote" || strings.Join(j.RemoteCountries, ",") != "United States,Canada" || j.Location != "Remote (United States, Canada)" {
					t.Errorf("%q %q %q", j.Workplace, j.RemoteCountries, j.Location)
				}
			}},
		{"us state code expanded",
			`{"@type":"JobPosting","title":"Technician","jobLocation":{"@type":"Place","address":{"addressLocality":"Mounds View","addressRegion":"MN","addressCountry":"US"}}}`,
			func(t *testing.T, j *Job) {
				if j.Location != "Mounds View, Minnesota, United States" {
					t.Errorf("location %q", j.Location)
				}
			}},
		{"salary range per year",
			`{"@type":"JobPosting","title":"Analyst","baseSalary":{"@type":"MonetaryAmount","currency":"eur","value":{"@type":"QuantitativeValue","minValue":"50,000","maxValue":60000,"unitText":"YEAR"}}}`,
			func(t *testing.T, j *Job) {
				if j.Salary == nil || *j.Salary != (Salary{Min: 50000, Max: 60000, Currency: "EUR", Period: "year"}) {
					t.Errorf("salary %+v", j.Salary)
				}
			}},
		{"identifier as property value and dates",
			`{"@type":"JobPosting","title":"Driver","identifier":{"@type":"PropertyValue","name":"Acme","value":12345},"datePosted":"2024-03-01T08:00:00Z","validThrough":"2024-04-01"}`,
			func(t *testing.T, j *Job) {
				if j.EmployerJobID != "12345" || j.DatePosted != "2024-03-01" || j.ValidThrough != "2024-04-01" {
					t.Errorf("%q %q %q", j.EmployerJobID, j.DatePosted, j.ValidThrough)
				}
			}},
		{"escaped html description is unescaped and sanitised",
			`{"@type":"JobPosting","title":"Editor","description":"&lt;p&gt;Edit &lt;b&gt;stories&lt;/b&gt;.&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;&lt;a href=\"javascript:alert(1)\"&gt;x&lt;/a&gt;"}`,
			func(t *testing.T, j *Job) {
				if !strings.Contains(j.DescriptionHTML, "<b>stories</b>") || strings.Contains(j.DescriptionHTML, "onerror") || strings.Contains(j.DescriptionHTML, "javascript") {
					t.Errorf("html %q", j.DescriptionHTML)
				}
			}},
		{"skills as text, list and defined term",
			`{"@type":"JobPosting","title":"Dev","skills":["Kubernetes",{"@type":"DefinedTerm","name":"Customer empathy"}]}`,
			func(t *testing.T, j *Job) {
				if strings.Join(j.Skills, "|") != "Kubernetes|Customer empathy" {
					t.Errorf("skills %q", j.Skills)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := Parse("https://careers.example.org/job/7", wrapLD(tt.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, j)
		})
	}
}

func TestSeveralDifferentPostingsAreAList(t *testing.T) {
	body := `[{"@type":"JobPosting","title":"Cook","url":"https://x.example/jobs/1"},{"@type":"JobPosting","title":"Waiter","url":"https://x.example/jobs/2"}]`
	_, err := Parse("https://x.example/jobs", wrapLD(body))
	var nj *NotJobPostingError
	if !asNotJob(err, &nj) || nj.Reason != ReasonSearchResults {
		t.Fatalf("err = %v", err)
	}
	j, err := Parse("https://x.example/jobs/2?utm_source=x", wrapLD(body))
	if err != nil || j.Title != "Waiter" {
		t.Fatalf("the posting named by the URL should be read: %+v %v", j, err)
	}
}
