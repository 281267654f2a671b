package skills

// How far, in words within the same sentence, a cue may stand from an
// ambiguous name.
const (
	cueWordsBefore = 5
	cueWordsAfter  = 3
)

// cueAll marks a cue that supports a name of any category.
const cueAll = 1 << 15

// cues maps a lowercased word to the categories (bit 1<<index in categories,
// or cueAll) whose ambiguous names it supports.
var cues = func() map[string]uint16 {
	m := map[string]uint16{}
	add := func(bits uint16, words ...string) {
		for _, w := range words {
			m[w] |= bits
		}
	}
	bit := func(c string) uint16 {
		for i, x := range categories {
			if x == c {
				return 1 << i
			}
		}
		panic("skills: unknown category " + c)
	}
	add(cueAll, "experience", "experienced", "proficient", "proficiency", "skills", "skill", "skilled",
		"knowledge", "familiarity", "familiar", "expertise", "expert", "experts", "fluent", "fluency",
		"background", "using", "mastery", "competency", "competence", "competent", "advanced",
		"certification", "certified", "tools", "tooling", "technologies", "stack", "hands")
	add(bit(CategoryLanguage), "language", "languages", "programming", "programmer", "programmers",
		"developer", "developers", "development", "engineer", "engineers", "engineering", "code", "coding",
		"codebase", "codebases", "scripting", "scripts", "script", "written", "write", "writing", "backend",
		"frontend", "services", "microservices", "library", "libraries", "framework", "frameworks", "compiler",
		"compilers", "runtime", "ecosystem", "concurrency", "sdk", "sdks", "api", "apis", "modules", "packages",
		"typed", "software", "applications", "apps", "programs")
	add(bit(CategoryFramework), "framework", "frameworks", "library", "libraries", "applications",
		"application", "apps", "components", "frontend", "backend", "web", "development", "developer",
		"developers", "engineer", "engineers", "code", "services", "microservices", "java", "javascript",
		"typescript", "python", "ruby", "mvc", "api", "apis", "game", "games", "engine")
	add(bit(CategoryDatabase), "database", "databases", "db", "dbs", "sql", "nosql", "queries", "query",
		"schema", "schemas", "data", "storage", "tables", "cluster", "clusters", "dba")
	add(bit(CategoryCloud), "cloud", "clouds", "aws", "azure", "gcp", "serverless", "functions", "services",
		"infrastructure", "deployment", "hosting")
	add(bit(CategoryDevOps), "configuration", "automation", "infrastructure", "provisioning", "deployment",
		"deployments", "build", "builds", "pipelines", "pipeline", "ci", "cd", "cookbooks", "recipes",
		"manifests", "playbooks", "modules", "orchestration", "management", "devops", "servers", "proxy",
		"administration", "secrets")
	add(bit(CategoryData), "data", "pipelines", "pipeline", "jobs", "cluster", "clusters", "etl", "elt",
		"processing", "streaming", "tables", "queries", "query", "sql", "warehouse", "warehousing", "lake",
		"analytics", "big", "dashboards", "models", "modeling", "modelling", "learning")
	add(bit(CategoryTool), "software", "workflow", "workflows", "ide", "editor")
	add(bit(CategoryBusiness), "microsoft", "office", "spreadsheets", "spreadsheet", "documents", "suite",
		"software", "crm", "erp", "reporting", "reports", "dashboards", "presentations", "applications",
		"platforms", "systems", "calendar", "email", "collaboration")
	add(bit(CategoryDesign), "design", "designs", "designer", "designers", "prototyping", "prototypes",
		"wireframes", "mockups", "ui", "ux", "software", "modeling", "modelling", "3d", "animation",
		"rendering", "adobe", "autodesk", "cad")
	return m
}()

// strongCues are the words that make a name a skill when they follow it
// directly, even at the start of a sentence: "Rust experience", "Excel skills".
var strongCues = setOf("skills", "skill", "experience", "proficiency", "knowledge", "expertise",
	"programming", "language", "developer", "developers", "development", "engineer", "engineers", "code",
	"scripting", "certification", "expert")

// negFollowers are words that, right after an ambiguous name, show the name is
// used as an ordinary word: "Go to", "Access to", "Word of mouth", "Make sure".
var negFollowers = setOf("to", "of", "the", "a", "an", "your", "our", "their", "its", "my", "his", "her",
	"beyond", "ahead", "live", "sure", "it", "this", "that", "these", "those", "forward", "back", "out",
	"up", "down", "over", "through", "away", "into", "further", "far", "above", "wild", "off")

// letterQualifiers are words that, before a single capital letter, make it a
// label rather than a language: "Series C", "vitamin C", "Plan B", "Part D".
var letterQualifiers = setOf("series", "vitamin", "vitamins", "plan", "grade", "type", "class", "level",
	"tier", "section", "part", "phase", "option", "schedule", "form", "hepatitis", "category", "group",
	"round", "block", "building", "floor", "unit", "exhibit", "appendix", "annex", "item", "step", "size",
	"division", "band", "zone", "lot", "row", "suite", "wing", "gate", "route", "model", "version",
	"figure", "fig", "table", "chapter", "article", "paragraph", "clause", "line", "box", "question",
	"score", "rating", "rank", "shift", "team", "squad", "cohort", "wave", "batch", "track", "letter",
	"point", "note", "key", "hall", "room", "door", "bay", "dock", "sector", "district", "ward", "station",
	"stage", "pillar", "priority", "mark", "channel", "sheet", "page", "list", "vs", "versus", "hub",
	"scenario", "tranche", "sample", "degree")

// letterFollowers are words that, after a single capital letter, make it part
// of another phrase: "C suite", "C level", "C corp".
var letterFollowers = setOf("suite", "level", "levels", "corp", "corporation", "grade", "rated", "rating",
	"section", "class", "round", "series", "drive", "shares", "stock", "day", "student", "students",
	"average", "minus", "plus", "rank", "list", "team", "squad")

// teamWords are words that, after a professional skill, make it the name of a
// team or role rather than a skill: "customer success teams".
var teamWords = setOf("team", "teams", "department", "departments", "function", "functions", "org",
	"organization", "organisation", "organizations", "organisations", "group", "groups", "leader", "leaders",
	"leadership", "manager", "managers", "director", "directors", "colleagues", "counterparts", "partners",
	"professionals", "specialists", "representative", "representatives", "reps", "role", "roles", "position",
	"positions", "staff", "personnel", "officer", "officers", "lead", "leads", "executives", "associates",
	"analyst", "analysts", "consultant", "consultants", "coordinator", "coordinators", "specialist")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
