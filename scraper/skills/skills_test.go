package skills

import (
	"slices"
	"strings"
	"testing"
)

type findCase struct {
	name string
	text string
	want []string // exactly these, in this order
}

func runFind(t *testing.T, cases []findCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Find(c.text)
			if !slices.Equal(got, c.want) {
				t.Errorf("Find(%q)\n got %q\nwant %q", c.text, got, c.want)
			}
		})
	}
}

func TestFindAliases(t *testing.T) {
	runFind(t, []findCase{
		{"golang is Go", "Strong Golang background", []string{"Go"}},
		{"k8s is Kubernetes", "We run everything on k8s.", []string{"Kubernetes"}},
		{"postgres is PostgreSQL", "Familiarity with Postgres cloud deployments", []string{"PostgreSQL"}},
		{"JS is JavaScript", "Modern JS and TypeScript", []string{"JavaScript", "TypeScript"}},
		{"Amazon Web Services is AWS", "Amazon Web Services (EC2, S3)", []string{"AWS", "Amazon EC2", "Amazon S3"}},
		{"MongoDB Atlas is MongoDB", "Familiarity with MongoDB Atlas, Redis", []string{"MongoDB", "Redis"}},
		{"case-insensitive free names", "PYTHON, docker and KUBERNETES", []string{"Python", "Docker", "Kubernetes"}},
		{"hyphen in text matches a space in the dictionary", "problem-solving and Infrastructure-as-Code",
			[]string{"Problem solving", "Infrastructure as Code"}},
		{"non-breaking hyphen", "month\u2011end close", []string{"Month-end close"}},
		{"name split over a line break is not a match", "Power\nBI experience", []string{"Business intelligence"}},
	})
}

func TestFindLongestMatch(t *testing.T) {
	runFind(t, []findCase{
		{"Ruby on Rails over Ruby", "Experience with Ruby on Rails", []string{"Ruby on Rails"}},
		{"Ruby alone", "Backend Engineer (Ruby), AI Engineering", []string{"Ruby"}},
		{"Google Cloud Platform as one name", "Google Cloud Platform", []string{"GCP"}},
		{"Google Cloud Storage over Google Cloud", "Google Cloud Storage buckets", []string{"Google Cloud Storage"}},
		{"Power BI not BI", "Experience using Power BI", []string{"Power BI"}},
		{"BI alone", "BI tools and Looker dashboards", []string{"Business intelligence", "Looker"}},
		{"React Native over React", "React Native and React", []string{"React Native", "React"}},
		{"Spring Boot over Spring", "Java with Spring Boot", []string{"Java", "Spring Boot"}},
		{"Azure DevOps over Azure", "Azure DevOps pipelines on Azure", []string{"Azure DevOps", "Azure"}},
		{"Apache Spark through its alias", "PySpark and Spark SQL", []string{"Apache Spark"}},
		{"Microsoft Teams over Teams", "Microsoft Teams", []string{"Microsoft Teams"}},
	})
}

func TestFindPunctuationNames(t *testing.T) {
	runFind(t, []findCase{
		{"plus and sharp", "C++, C#, F#", []string{"C++", "C#", "F#"}},
		{"dotted names", "Node.js, Vue.js, Next.js and .NET", []string{"Node.js", "Vue.js", "Next.js", ".NET"}},
		{"ASP.NET and ASP.NET Core", "ASP.NET MVC and ASP.NET Core", []string{"ASP.NET", "ASP.NET Core"}},
		{"slash names", "CI/CD with TCP/IP and PL/SQL", []string{"CI/CD", "TCP/IP", "PL/SQL"}},
		{"C/C++ is two skills", "Embedded work in C/C++", []string{"C", "C++"}},
		{"hyphenated names", "Objective-C, scikit-learn and T-SQL", []string{"Objective-C", "scikit-learn", "T-SQL"}},
		{"ampersand names", "FP&A and M&A experience", []string{"Financial planning", "Mergers and acquisitions"}},
		{"sentence full stop is not part of a name", "We use Python.", []string{"Python"}},
		{"file names and domains are not skills", "edit app.js and see example.net", []string{}},
		{"web and e-mail addresses are skipped", "see https://github.com/python/go and jobs@kafka.io", []string{}},
		{"Node.jsx is not Node.js", "Node.jsx", []string{}},
		{"possessive", "Python's ecosystem", []string{"Python"}},
	})
}

func TestFindAmbiguousAccepted(t *testing.T) {
	runFind(t, []findCase{
		{"Go with a cue word", "3+ years of experience in Go", []string{"Go"}},
		{"Go in a list", "Python, Go, Java", []string{"Python", "Go", "Java"}},
		{"Go and Rust supporting each other through a list", "Python, Go and Rust", []string{"Python", "Go", "Rust"}},
		{"Go in a job title", "Senior Go Engineer", []string{"Go"}},
		{"Go experience at a sentence start", "Go experience is a plus.", []string{"Go"}},
		{"R in a list", "Proficiency in SQL, R and Python", []string{"SQL", "R", "Python"}},
		{"R with a cue", "statistical analysis using R", []string{"Statistical analysis", "R"}},
		{"R at the end of a sentence", "Knowledge of R. Strong SQL.", []string{"R", "SQL"}},
		{"C with a cue", "programming in C", []string{"C"}},
		{"Swift with a cue", "iOS development in Swift", []string{"iOS", "Swift"}},
		{"Spark in a data list", "Hadoop, Spark, Kafka", []string{"Apache Hadoop", "Apache Spark", "Apache Kafka"}},
		{"Chef and Puppet with devops cues", "configuration management with Chef or Puppet",
			[]string{"Chef", "Puppet"}},
		{"Julia as a language", "Julia programming for numerical work", []string{"Julia"}},
		{"Excel capitalised mid-sentence", "Advanced knowledge of Excel is needed", []string{"Excel"}},
		{"Excel at a sentence start with a cue", "Excel skills required.", []string{"Excel"}},
		{"Excel bullet", "Tools:\n• Excel\n• Word", []string{"Excel", "Microsoft Word"}},
		{"Word and Teams in an office list", "Excel, Word, PowerPoint and Teams",
			[]string{"Excel", "Microsoft Word", "PowerPoint", "Microsoft Teams"}},
		{"a letter opening a list", "C, C++ and C# developers", []string{"C", "C++", "C#"}},
		{"a letter opening a list needs a skill beside it", "A, B, or C", []string{}},
		{"Go possessive", "Go's concurrency model", []string{}}, // sentence start, no cue right after
		{"Go's with a cue", "experience with Go's concurrency model", []string{"Go"}},
	})
}

func TestFindAmbiguousRefused(t *testing.T) {
	runFind(t, []findCase{
		{"R&D", "From the R&D lab, to the factory floor", []string{}},
		{"R & D", "our R & D experience", []string{}},
		{"R and D", "skills in R and D budgeting", []string{"Budgeting"}},
		{"trademark mark", "Medtronic plc (R) experience", []string{}},
		{"copyright mark", "(C) 2025 Example Inc. All skills reserved", []string{}},
		{"regulation reference", "a degree that satisfies 8 C.F.R. § 214.2(h)(4)(iii)(A) is required", []string{}},
		{"initial in a name", "Contact John R. Smith about your experience", []string{}},
		{"lettered list", "A. Lead teams\nB. Build skills\nC. Develop experience", []string{}},
		{"go to market lower case", "help shape our go to market strategies", []string{}},
		{"Go-to-market", "Go-to-market experience", []string{}},
		{"go to market title case", "Experience with Go To Market planning", []string{}},
		{"Go to", "Experience: Go to our site", []string{}},
		{"on the go", "work on the go", []string{}},
		{"Let's go", "Let's go!", []string{}},
		{"lower-case go", "please go to the candidate login page", []string{}},
		{"C-suite", "present to the C-suite", []string{}},
		{"C-level", "C-level executives", []string{}},
		{"C suite", "experience with C suite executives", []string{}},
		{"Series C", "a Series C startup with experience", []string{}},
		{"vitamin C", "vitamin C skills", []string{}},
		{"Swift action", "take Swift action", []string{}},
		{"swift action", "Swift action is needed when incidents happen.", []string{}},
		{"spark joy", "things that spark joy", []string{}},
		{"Spark at a sentence start", "Spark innovation across teams.", []string{}},
		{"excel as a verb", "You will excel in a fast-paced environment.", []string{}},
		{"Excel as a verb at a sentence start", "Excel in a fast-paced environment.", []string{}},
		{"Make sure", "Make sure your experience shows", []string{}},
		{"Access to", "Access to the skills portal", []string{}},
		{"Word of mouth", "Word of mouth referrals", []string{}},
		{"Salt Lake City", "experience in Salt Lake City", []string{}},
		{"Julia the person", "Please contact Julia Roberts", []string{}},
		{"Ada Lovelace", "computing pioneers like Ada Lovelace", []string{}},
		{"title case heading", "Make Others Better", []string{}},
		{"Teams as a heading", "Cross-Functional Teams", []string{}},
		{"Notion as the employer", "As an engineer at Notion, you'll help shape core experiences.", []string{}},
		{"lone letters in a list", "Options A, B, or C", []string{}},
		{"rust the word", "rust and corrosion", []string{}},
		{"Pig and Hive as words", "guinea pig in a hive of activity", []string{}},
		{"Shell the company", "Shell Energy", []string{}},
		{"department name", "Collaborate with customer success teams", []string{}},
		{"lower-case dbt is not DBT therapy", "DBT therapist", []string{}},
	})
}

func TestFindOrderAndDeduplication(t *testing.T) {
	runFind(t, []findCase{
		{"first appearance order", "Terraform, AWS, Docker", []string{"Terraform", "AWS", "Docker"}},
		{"each skill once", "Docker, AWS, docker, Kubernetes, aws", []string{"Docker", "AWS", "Kubernetes"}},
		{"alias and name are one skill", "Postgres and PostgreSQL", []string{"PostgreSQL"}},
		{"empty text", "", []string{}},
		{"no skills", "We value kindness and curiosity.", []string{}},
	})
}

func TestFindNeverNil(t *testing.T) {
	if got := Find("nothing here"); got == nil {
		t.Fatal("Find returned nil")
	}
}

func TestCanonical(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"golang", "Go", true},
		{"Go", "Go", true},
		{"k8s", "Kubernetes", true},
		{"postgres", "PostgreSQL", true},
		{"JS", "JavaScript", true},
		{"js", "JavaScript", true},
		{"  Ruby   on  rails ", "Ruby on Rails", true},
		{"ruby-on-rails", "Ruby on Rails", true},
		{"c++", "C++", true},
		{"c#", "C#", true},
		{".net", ".NET", true},
		{"excel", "Excel", true},
		{"MS Excel", "Excel", true},
		{"power bi", "Power BI", true},
		{"r", "R", true},
		{"google cloud", "GCP", true},
		{"hubspot", "HubSpot", true},
		{"problem-solving", "Problem solving", true},
		{"stakeholder management", "Stakeholder management", true},
		{"kindness", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, ok := Canonical(c.in)
			if got != c.want || ok != c.ok {
				t.Errorf("Canonical(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestLookupGivesCategory(t *testing.T) {
	cases := map[string]string{
		"golang": CategoryLanguage, "React": CategoryFramework, "postgres": CategoryDatabase,
		"AWS": CategoryCloud, "Terraform": CategoryDevOps, "pandas": CategoryData, "Jira": CategoryTool,
		"Salesforce": CategoryBusiness, "Figma": CategoryDesign, "Scrum": CategoryPractice,
		"budgeting": CategoryProfessional,
	}
	for name, want := range cases {
		s, ok := Lookup(name)
		if !ok || s.Category != want {
			t.Errorf("Lookup(%q) = %+v, %v; want category %q", name, s, ok, want)
		}
	}
	if _, ok := Lookup("no such skill"); ok {
		t.Error("Lookup of an unknown name succeeded")
	}
}

func TestDictionary(t *testing.T) {
	all := All()
	if len(all) < 500 {
		t.Errorf("dictionary has %d skills, want at least 500", len(all))
	}
	perCategory := map[string]int{}
	names := map[string]bool{}
	for _, s := range all {
		perCategory[s.Category]++
		if names[s.Name] {
			t.Errorf("skill %q listed twice", s.Name)
		}
		names[s.Name] = true
		if got, ok := Canonical(s.Name); !ok || got != s.Name {
			t.Errorf("Canonical(%q) = %q, %v", s.Name, got, ok)
		}
		for _, a := range s.Aliases {
			if got, ok := Canonical(a); !ok || got != s.Name {
				t.Errorf("Canonical(%q) = %q, %v; want %q", a, got, ok, s.Name)
			}
		}
		switch s.Source {
		case SourceLinguist, SourceONET, SourceVega:
		default:
			t.Errorf("skill %q has source %q", s.Name, s.Source)
		}
		if s.Source == SourceLinguist && s.Category != CategoryLanguage {
			t.Errorf("Linguist entry %q is not a language", s.Name)
		}
	}
	for _, c := range categories {
		if perCategory[c] == 0 {
			t.Errorf("no skills in category %q", c)
		}
	}
	for _, want := range []string{"AWS", "GCP", "Azure", "Docker", "Kubernetes", "Terraform", "Ansible", "Jenkins",
		"CI/CD", "GitHub Actions", "Excel", "Power BI", "SAP", "Salesforce", "HubSpot", "Tableau", "Jira",
		"Project management", "Stakeholder management", "Financial analysis", "Forecasting", "Budgeting",
		"Negotiation", "Account management"} {
		if !names[want] {
			t.Errorf("dictionary lacks %q", want)
		}
	}
	// All hands out copies.
	all[0].Name = "changed"
	all[0].Aliases = append(all[0].Aliases[:0], "changed")
	if again := All(); again[0].Name == "changed" || slices.Contains(again[0].Aliases, "changed") {
		t.Error("All shares its slices with the dictionary")
	}
}

func TestParseDictionaryRejects(t *testing.T) {
	cases := map[string]string{
		"unknown category":  "Go\tlanguages\tvega\t",
		"unknown source":    "Go\tlanguage\twikipedia\t",
		"too few columns":   "Go\tlanguage",
		"shared alias":      "Go\tlanguage\tvega\tgolang\nGolang\tlanguage\tvega\t",
		"conflicting marks": "?Go\tlanguage\tvega\tgo",
		"empty alias":       "Go\tlanguage\tvega\tgolang|=",
		"non-ASCII":         "Gö\tlanguage\tvega\t",
		"web address":       "Go\tlanguage\tvega\thttps://go.dev",
		"empty":             "# nothing\n",
	}
	for name, src := range cases {
		if _, err := parseDictionary(src); err == nil {
			t.Errorf("%s: parseDictionary(%q) succeeded", name, src)
		}
	}
	d, err := parseDictionary("# comment\n\n=Go\tlanguage\tvega\tGolang|=GO\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.skills) != 1 || d.skills[0].Name != "Go" || !slices.Equal(d.skills[0].Aliases, []string{"Golang"}) {
		t.Errorf("parsed %+v", d.skills)
	}
	// Both capitalisations are recognised in text; others are not.
	for text, want := range map[string][]string{"We use GO": {"Go"}, "We use Go": {"Go"}, "We use go": {}} {
		if got := d.find(text); !slices.Equal(got, want) {
			t.Errorf("find(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestConcurrentFind(t *testing.T) {
	text := strings.Repeat("Experience with Go, Python and AWS. ", 50)
	done := make(chan []string)
	for range 8 {
		go func() { done <- Find(text) }()
	}
	for range 8 {
		if got := <-done; !slices.Equal(got, []string{"Go", "Python", "AWS"}) {
			t.Errorf("got %q", got)
		}
	}
}
