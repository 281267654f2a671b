package scraper

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ownPages are this package's own small pages (testdata/pages) for site
// rules and refusals the public corpus lacks, with the URLs they are served at.
var ownPages = []struct{ name, url string }{
	{"linkedin-signedin-sidelist", "https://www.linkedin.com/jobs/collections/recommended/?currentJobId=3912345678&trk=flagship3_job_home"},
	{"linkedin-signedin-hashed", "https://www.linkedin.com/jobs/search-results/?currentJobId=4100000002&keywords=data%20engineer&origin=JOBS_HOME_SEARCH_BUTTON"},
	{"indeed-nojsonld", "https://uk.indeed.com/viewjob?jk=a1b2c3d4e5f60718&from=shareddesktop_copy&tk=1abc"},
	{"greenhouse-classic", "https://boards.greenhouse.io/adatum/jobs/4455667?gh_src=linkedin&utm_source=LinkedIn"},
	{"smartrecruiters", "https://jobs.smartrecruiters.com/Litware/744000012345678-customer-success-manager-dach-?trid=abc"},
	{"seek", "https://www.seek.com.au/job/81234567?type=standard&ref=search-standalone#sol=abc"},
	{"teamtailor", "https://careers.proseware.example/jobs/3456789-frontend-developer?utm_source=linkedin"},
	{"generic-careers", "https://www.tailwindtraders.example/careers/senior-backend-engineer?utm_campaign=spring&fbclid=IwAR0"},
	{"jsonld-broken", "https://www.margiestravel.example/jobs/wh-lead-778?ref=homepage"},
	{"nextdata", "https://jobs.gdi.example/jobs/8f14e45f-ceea-467a-9575-6b1f2d1c0a11"},
	{"login-wall", "https://www.linkedin.com/authwall?trk=qf&original_referer=&sessionRedirect=https%3A%2F%2Fwww.linkedin.com%2Fjobs%2Fview%2F4100000002"},
	{"search-results", "https://www.workboard.example/jobs?q=golang+developer&l=Remote"},
	{"empty", "https://app.example-careers.com/jobs/12345"},
}

func parseOwn(t *testing.T, name string) (*Job, error) {
	t.Helper()
	for _, p := range ownPages {
		if p.name == name {
			b, err := os.ReadFile(filepath.Join("testdata/pages", name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			return Parse(p.url, b)
		}
	}
	t.Fatalf("no page %q", name)
	return nil, nil
}

func TestSiteRulesReadTheirPages(t *testing.T) {
	tests := []struct {
		page                                         string
		title, company, location, jobType, workplace string
		site, source, apply                          string
		descHas                                      string
	}{
		{"linkedin-signedin-sidelist", "Platform Engineer", "Fabrikam Robotics", "Denver, CO", "full_time", "hybrid",
			"linkedin", "https://www.linkedin.com/jobs/view/3912345678/", "https://www.linkedin.com/jobs/view/3912345678/", "Kubernetes clusters"},
		{"linkedin-signedin-hashed", "Staff Data Engineer", "Northwind Traders", "United States", "full_time", "remote",
			"linkedin", "https://www.linkedin.com/jobs/view/4100000002/", "https://boards.greenhouse.io/northwind/jobs/5551234?gh_src=linkedin", "lakehouse"},
		{"indeed-nojsonld", "Graduate Mechanical Engineer", "Contoso Engineering Ltd", "Bristol BS1", "full_time", "onsite",
			"indeed", "https://uk.indeed.com/viewjob?jk=a1b2c3d4e5f60718", "https://uk.indeed.com/applystart?jk=a1b2c3d4e5f60718&from=vj&pos=bottom", "SolidWorks"},
		{"greenhouse-classic", "Site Reliability Engineer", "Adatum", "Berlin, Germany", "", "",
			"greenhouse", "https://boards.greenhouse.io/adatum/jobs/4455667", "https://boards.greenhouse.io/adatum/jobs/4455667", "Terraform and Go"},
		{"smartrecruiters", "Customer Success Manager (DACH)", "Litware", "Munich, Bavaria, Germany", "full_time", "",
			"smartrecruiters", "https://jobs.smartrecruiters.com/Litware/744000012345678-customer-success-manager-dach-", "https://jobs.smartrecruiters.com/oneclick-ui/company/Litware/publication/0f1e2d3c-aaaa-bbbb-cccc-123456789abc?dcr_ci=Litware", "quarterly business reviews"},
		{"seek", "Data Analyst", "Coho Vineyard Group", "Brisbane QLD (Hybrid)", "contract", "hybrid",
			"seek", "https://www.seek.com.au/job/81234567", "https://www.seek.com.au/job/81234567/apply?sol=abc", "Power BI"},
		{"teamtailor", "Frontend Developer", "Proseware", "Stockholm", "full_time", "hybrid",
			"teamtailor", "https://careers.proseware.example/jobs/3456789-frontend-developer", "https://careers.proseware.example/jobs/3456789-frontend-developer/applications/new", "TypeScript and React"},
		{"generic-careers", "Senior Backend Engineer", "Tailwind Traders", "Lisbon, Portugal", "full_time", "hybrid",
			"generic", "https://www.tailwindtraders.example/careers/senior-backend-engineer", "https://tailwindtraders.example/apply?job=senior-backend-engineer", "Spring Boot"},
		{"jsonld-broken", "Warehouse Team Lead - Night Shift", "Margie's Travel Logistics", "Leeds, West Yorkshire, United Kingdom; Wakefield, United Kingdom", "part_time", "",
			"generic", "https://www.margiestravel.example/jobs/wh-lead-778", "https://www.margiestravel.example/jobs/wh-lead-778", "forklift licence"},
		{"nextdata", "Motion Designer", "Graphic Design Institute", "Amsterdam, Netherlands", "contract", "remote",
			"generic", "https://jobs.gdi.example/jobs/8f14e45f-ceea-467a-9575-6b1f2d1c0a11", "https://apply.gdi.example/motion-designer", "After Effects"},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			j, err := parseOwn(t, tt.page)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			check := func(field, got, want string) {
				if got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			check("title", j.Title, tt.title)
			check("company", j.Company, tt.company)
			check("location", j.Location, tt.location)
			check("job_type", j.JobType, tt.jobType)
			check("workplace", j.Workplace, tt.workplace)
			check("site", j.Site, tt.site)
			check("source_url", j.SourceURL, tt.source)
			check("application_url", j.ApplicationURL, tt.apply)
			if !strings.Contains(j.Description, tt.descHas) {
				t.Errorf("description lacks %q:\n%s", tt.descHas, j.Description)
			}
			for _, bad := range []string{"<script", "javascript:", "onclick", "<iframe", "<style", "alert("} {
				if strings.Contains(j.DescriptionHTML, bad) {
					t.Errorf("description_html contains %q", bad)
				}
			}
		})
	}
}

func TestSignedInLinkedInIgnoresTheSideList(t *testing.T) {
	for _, page := range []string{"linkedin-signedin-sidelist", "linkedin-signedin-hashed"} {
		j, err := parseOwn(t, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, other := range []string{"Senior Data Scientist", "Data Engineer II", "Contoso Analytics", "Woodgrove Bank"} {
			if strings.Contains(j.Title, other) || strings.Contains(j.Company, other) || strings.Contains(j.Description, other) {
				t.Errorf("%s: side-list job %q leaked into %+v", page, other, j)
			}
		}
		if strings.HasPrefix(j.Description, "About the job") {
			t.Errorf("%s: description starts with the section heading", page)
		}
	}
}

func TestPagesThatAreNotJobsSayWhy(t *testing.T) {
	tests := []struct {
		page string
		want Reason
	}{
		{"login-wall", ReasonLoginWall},
		{"search-results", ReasonSearchResults},
		{"empty", ReasonEmptyPage},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			j, err := parseOwn(t, tt.page)
			var nj *NotJobPostingError
			if !errors.As(err, &nj) || !errors.Is(err, ErrNotJobPosting) {
				t.Fatalf("want NotJobPostingError, got job=%+v err=%v", j, err)
			}
			if nj.Reason != tt.want {
				t.Errorf("reason = %q, want %q (%v)", nj.Reason, tt.want, err)
			}
			if j != nil {
				t.Error("a refused page must not return a job")
			}
			if !strings.Contains(err.Error(), "not a job posting") {
				t.Errorf("error %q is not a sentence about the page", err)
			}
		})
	}
}
