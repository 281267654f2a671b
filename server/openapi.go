package server

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// The OpenAPI 3 description of /api, served at /api/openapi.json. It is
// built from apiOps below; TestOpenAPIDescribesEveryRoute fails when a route
// of the router is missing from it.

// apiOp is one operation of the API.
type apiOp struct {
	method, path string // path in OpenAPI form: /api/jobs/{id}
	tag, summary string
	public       bool              // needs no bearer token
	query        []apiParam        // query parameters
	body         string            // request body schema name, "" for none
	bodyType     string            // content type of the body; "" means application/json
	ok           int               // success status
	okSchema     string            // success body schema name, "" for none
	errors       []int             // documented error statuses besides 401 and 500
	extra        map[int]apiAnswer // other documented answers
}

// apiParam is a query parameter.
type apiParam struct {
	name, typ, desc string
	repeat          bool
}

// apiAnswer is a documented answer with its schema.
type apiAnswer struct {
	desc, schema string
}

var listQuery = []apiParam{
	{"status", "string", "status name or number; repeatable or comma-separated", true},
	{"q", "string", "text in the title, company, description or notes", false},
	{"company", "string", "company name", false},
	{"job_type", "string", "job type name or number; repeatable", true},
	{"min_score", "integer", "lowest match score, 0 to 100", false},
	{"sort", "string", "created_at, updated_at, match_score or title; - in front for descending (default -created_at)", false},
	{"limit", "integer", "page size, 1 to 100 (default 20)", false},
	{"offset", "integer", "jobs to skip", false},
}

// profileItemOps returns the five operations on one kind of profile item.
func profileItemOps(path, schema, input, what string) []apiOp {
	return []apiOp{
		{method: "GET", path: path, tag: "profile", summary: "List " + what, ok: 200, okSchema: "[]" + schema},
		{method: "POST", path: path, tag: "profile", summary: "Add " + what + " (an end before the start is 400)", body: input, ok: 201, okSchema: schema, errors: []int{400}},
		{method: "GET", path: path + "/{id}", tag: "profile", summary: "One of " + what, ok: 200, okSchema: schema, errors: []int{404}},
		{method: "PUT", path: path + "/{id}", tag: "profile", summary: "Replace one of " + what, body: input, ok: 200, okSchema: schema, errors: []int{400, 404}},
		{method: "DELETE", path: path + "/{id}", tag: "profile", summary: "Delete one of " + what, ok: 204, errors: []int{404}},
	}
}

var apiOps = append([]apiOp{
	{method: "POST", path: "/api/auth/register", tag: "accounts", summary: "Create an account", public: true, body: "Credentials", ok: 201, okSchema: "User", errors: []int{400, 403, 409, 429}},
	{method: "POST", path: "/api/auth/login", tag: "accounts", summary: "Sign in: an access and a refresh token", public: true, body: "Credentials", ok: 200, okSchema: "TokenResponse", errors: []int{400, 429}},
	{method: "POST", path: "/api/auth/refresh", tag: "accounts", summary: "A new token pair for a refresh token (rotated)", public: true, body: "RefreshRequest", ok: 200, okSchema: "TokenResponse", errors: []int{400}},
	{method: "POST", path: "/api/auth/logout", tag: "accounts", summary: "Sign out the session of a refresh token", public: true, body: "RefreshRequest", ok: 204, errors: []int{400}},
	{method: "GET", path: "/api/me", tag: "accounts", summary: "The signed-in account", ok: 200, okSchema: "Object"},
	{method: "DELETE", path: "/api/me", tag: "accounts", summary: "Delete the account and everything it owns", body: "Object", ok: 204, errors: []int{400}},
	{method: "POST", path: "/api/me/password", tag: "accounts", summary: "Set or change the password; other sessions are signed out", body: "Object", ok: 204, errors: []int{400}},
	{method: "GET", path: "/api/me/sessions", tag: "accounts", summary: "Signed-in sessions", ok: 200, okSchema: "[]Object"},
	{method: "DELETE", path: "/api/me/sessions", tag: "accounts", summary: "Sign out everywhere", ok: 204},
	{method: "DELETE", path: "/api/me/sessions/{id}", tag: "accounts", summary: "Sign out one session", ok: 204, errors: []int{404}},
	{method: "GET", path: "/api/auth/providers", tag: "accounts", summary: "The OAuth providers this server offers", public: true, ok: 200, okSchema: "[]Object"},
	{method: "POST", path: "/api/auth/exchange", tag: "accounts", summary: "Trade a one-time OAuth sign-in code for a token pair", public: true, body: "Object", ok: 200, okSchema: "TokenResponse", errors: []int{400}},
	{method: "DELETE", path: "/api/me/identities/{id}", tag: "accounts", summary: "Unlink an OAuth identity", ok: 204, errors: []int{400, 404, 409}},
	{method: "GET", path: "/api/openapi.json", tag: "meta", summary: "This description", public: true, ok: 200, okSchema: "Object"},

	{method: "POST", path: "/api/jobs/capture", tag: "jobs", summary: "Capture a job page: parse it and save its job, deduplicated by the canonical URL",
		body: "CaptureRequest", ok: 201, okSchema: "CaptureResult", errors: []int{400, 413},
		extra: map[int]apiAnswer{200: {"already saved: the saved job, unchanged", "CaptureResult"}, 422: {"not a job posting; nothing stored", "Error"}}},
	{method: "GET", path: "/api/jobs/lookup", tag: "jobs", summary: "The job saved from a page, by its URL canonicalised as at capture",
		query: []apiParam{{"url", "string", "the page's address", false}}, ok: 200, okSchema: "Job", errors: []int{400, 404}},
	{method: "GET", path: "/api/jobs", tag: "jobs", summary: "List jobs", query: listQuery, ok: 200, okSchema: "JobList", errors: []int{400}},
	{method: "POST", path: "/api/jobs", tag: "jobs", summary: "Save a job as the published Vega AI extension sends it (camelCase)",
		body: "LegacyJobRequest", ok: 201, okSchema: "LegacyJobCreated", errors: []int{400},
		extra: map[int]apiAnswer{409: {"already saved", "LegacyJobConflict"}}},
	{method: "GET", path: "/api/jobs/stats", tag: "jobs", summary: "Jobs per status and jobs saved per week",
		query: []apiParam{{"weeks", "integer", "weeks to report, 1 to 156 (default 12)", false}}, ok: 200, okSchema: "JobStats", errors: []int{400}},
	{method: "GET", path: "/api/jobs/export", tag: "jobs", summary: "Every job, as JSON or CSV",
		query: []apiParam{{"format", "string", "json (default) or csv", false}}, ok: 200, okSchema: "JobExport", errors: []int{400}},
	{method: "POST", path: "/api/jobs/import", tag: "jobs", summary: "Import jobs: the JSON export (or an array of jobs), or CSV with a header row",
		body: "JobExport", ok: 200, okSchema: "ImportResult", errors: []int{400, 413}},
	{method: "GET", path: "/api/jobs/{id}", tag: "jobs", summary: "One job", ok: 200, okSchema: "Job", errors: []int{404}},
	{method: "PATCH", path: "/api/jobs/{id}", tag: "jobs", summary: "Change a job's status, notes, title, location, job_type, application_url or required_skills",
		body: "JobPatch", ok: 200, okSchema: "Job", errors: []int{400, 404}},
	{method: "DELETE", path: "/api/jobs/{id}", tag: "jobs", summary: "Delete a job", ok: 204, errors: []int{404}},

	{method: "GET", path: "/api/profile", tag: "profile", summary: "The profile with its experiences, education and certifications", ok: 200, okSchema: "Profile"},
	{method: "PUT", path: "/api/profile", tag: "profile", summary: "Change the profile's fields (those sent)", body: "ProfileUpdate", ok: 200, okSchema: "Profile", errors: []int{400}},
}, slicesConcat(
	profileItemOps("/api/profile/experiences", "WorkExperience", "WorkExperienceInput", "work experiences"),
	profileItemOps("/api/profile/education", "Education", "EducationInput", "education"),
	profileItemOps("/api/profile/certifications", "Certification", "CertificationInput", "certifications"),
)...)

func slicesConcat(ls ...[]apiOp) []apiOp {
	var out []apiOp
	for _, l := range ls {
		out = append(out, l...)
	}
	return out
}

// schema helpers.
func obj(props map[string]any, required ...string) map[string]any {
	m := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		m["required"] = required
	}
	return m
}
func str() map[string]any              { return map[string]any{"type": "string"} }
func nstr() map[string]any             { return map[string]any{"type": "string", "nullable": true} }
func integer() map[string]any          { return map[string]any{"type": "integer"} }
func enumOf(v []string) map[string]any { return map[string]any{"type": "string", "enum": v} }
func ref(name string) map[string]any {
	if strings.HasPrefix(name, "[]") {
		return map[string]any{"type": "array", "items": ref(name[2:])}
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}
func arrayOf(s map[string]any) map[string]any { return map[string]any{"type": "array", "items": s} }
func date() map[string]any {
	return map[string]any{"type": "string", "format": "date", "example": "2024-03-01"}
}

// apiSchemas are the components of the description.
func apiSchemas() map[string]any {
	statuses, types := enumOf(statusNames()), enumOf(jobTypeNames())
	dt := map[string]any{"type": "string", "format": "date-time"}
	return map[string]any{
		"Object": map[string]any{"type": "object"},
		"Error": obj(map[string]any{"error": str(), "reason": str(),
			"fields": map[string]any{"type": "object", "additionalProperties": str()}}, "error"),
		"Credentials":    obj(map[string]any{"username": str(), "password": str()}, "username", "password"),
		"RefreshRequest": obj(map[string]any{"refresh_token": str()}, "refresh_token"),
		"TokenResponse":  map[string]any{"type": "object"},
		"User":           obj(map[string]any{"id": integer(), "username": str(), "role": str()}),
		"Company":        obj(map[string]any{"id": integer(), "name": str()}),
		"Salary": obj(map[string]any{"min": map[string]any{"type": "number"}, "max": map[string]any{"type": "number"},
			"currency": str(), "period": str()}),
		"Job": obj(map[string]any{
			"id": integer(), "title": str(), "company": ref("Company"), "location": nstr(),
			"job_type": types, "status": statuses, "description": str(), "required_skills": arrayOf(str()),
			"source_url": nstr(), "application_url": nstr(),
			"match_score": map[string]any{"type": "integer", "nullable": true}, "notes": nstr(),
			"created_at": dt, "updated_at": dt,
			"description_html": str(), "salary": ref("Salary"), "workplace": str(), "remote_countries": arrayOf(str()),
			"date_posted": str(), "valid_through": str(), "employer_job_id": str(), "site": str(),
		}, "id", "title", "company", "job_type", "status", "description", "required_skills", "created_at", "updated_at"),
		"CaptureRequest": obj(map[string]any{"url": str(), "html": str(), "notes": str(), "status": statuses}, "url", "html"),
		"CaptureResult":  obj(map[string]any{"created": map[string]any{"type": "boolean"}, "job": ref("Job")}, "created", "job"),
		"JobList":        obj(map[string]any{"jobs": ref("[]Job"), "total": integer(), "limit": integer(), "offset": integer()}),
		"JobPatch": obj(map[string]any{"status": statuses, "notes": nstr(), "title": str(), "location": nstr(),
			"job_type": types, "application_url": nstr(), "required_skills": arrayOf(str())}),
		"LegacyJobRequest": obj(map[string]any{"title": str(), "company": str(), "location": str(), "description": str(),
			"jobType": str(), "applicationUrl": str(), "sourceUrl": str(), "notes": str()}, "title", "company", "description", "sourceUrl"),
		"LegacyJobCreated":  obj(map[string]any{"message": str(), "jobId": integer(), "job": ref("Job")}),
		"LegacyJobConflict": obj(map[string]any{"error": str(), "jobId": integer()}),
		"JobStats": obj(map[string]any{"total": integer(),
			"by_status": map[string]any{"type": "object", "additionalProperties": integer()}, "weeks": integer(),
			"captures_per_week": arrayOf(obj(map[string]any{"week_start": date(), "count": integer()}))}),
		"JobExport":    obj(map[string]any{"format": str(), "version": integer(), "exported_at": dt, "jobs": ref("[]Job")}),
		"ImportResult": obj(map[string]any{"created": integer(), "existing": integer()}),
		"Profile": obj(map[string]any{"first_name": str(), "last_name": str(), "title": str(), "industry": str(),
			"career_summary": str(), "skills": arrayOf(str()), "phone_number": str(), "email": str(), "location": str(),
			"linkedin_profile": str(), "github_profile": str(), "website": str(), "context": str(),
			"work_experiences": ref("[]WorkExperience"), "education": ref("[]Education"), "certifications": ref("[]Certification")}),
		"ProfileUpdate": obj(map[string]any{"first_name": str(), "last_name": str(), "title": str(), "industry": str(),
			"career_summary": str(), "skills": arrayOf(str()), "phone_number": str(), "email": str(), "location": str(),
			"linkedin_profile": str(), "github_profile": str(), "website": str(), "context": str()}),
		"WorkExperience": obj(map[string]any{"id": integer(), "company": str(), "title": str(), "location": nstr(),
			"start_date": dt, "end_date": dt, "description": nstr(), "current": map[string]any{"type": "boolean"}}),
		"WorkExperienceInput": obj(map[string]any{"company": str(), "title": str(), "location": nstr(),
			"start_date": date(), "end_date": date(), "description": nstr(), "current": map[string]any{"type": "boolean"}},
			"company", "title", "start_date"),
		"Education": obj(map[string]any{"id": integer(), "institution": str(), "degree": str(), "field_of_study": nstr(),
			"start_date": dt, "end_date": dt, "description": nstr()}),
		"EducationInput": obj(map[string]any{"institution": str(), "degree": str(), "field_of_study": nstr(),
			"start_date": date(), "end_date": date(), "description": nstr()}, "institution", "degree", "start_date"),
		"Certification": obj(map[string]any{"id": integer(), "name": str(), "issuing_org": str(), "issue_date": dt,
			"expiry_date": dt, "credential_id": nstr(), "credential_url": nstr()}),
		"CertificationInput": obj(map[string]any{"name": str(), "issuing_org": str(), "issue_date": date(),
			"expiry_date": date(), "credential_id": nstr(), "credential_url": nstr()}, "name", "issuing_org", "issue_date"),
	}
}

var statusText = map[int]string{200: "OK", 201: "Created", 204: "No content", 400: "Invalid request: the fields at fault",
	401: "No valid bearer token", 403: "Forbidden", 404: "Not found (or another user's)", 409: "Conflict",
	413: "Request too large", 422: "Unprocessable", 429: "Too many attempts", 500: "Internal error"}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// buildOpenAPI assembles the description from apiOps.
func buildOpenAPI() map[string]any {
	paths := map[string]any{}
	for _, op := range apiOps {
		item, _ := paths[op.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(op.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": integer()})
		}
		for _, q := range op.query {
			s := map[string]any{"type": q.typ}
			if q.repeat {
				s = arrayOf(s)
			}
			params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.desc, "schema": s})
		}
		responses := map[string]any{}
		ok := map[string]any{"description": statusText[op.ok]}
		if op.okSchema != "" {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(op.okSchema)}}
		}
		responses[itoa(op.ok)] = ok
		errs := append([]int{500}, op.errors...)
		if !op.public {
			errs = append(errs, 401)
		}
		for _, code := range errs {
			responses[itoa(code)] = map[string]any{"description": statusText[code],
				"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
		}
		for code, a := range op.extra {
			responses[itoa(code)] = map[string]any{"description": a.desc,
				"content": map[string]any{"application/json": map[string]any{"schema": ref(a.schema)}}}
		}
		o := map[string]any{"summary": op.summary, "tags": []string{op.tag}, "responses": responses,
			"operationId": strings.ToLower(op.method) + strings.ReplaceAll(strings.NewReplacer("/api", "", "{", "", "}", "", ".", "_", "-", "_").Replace(op.path), "/", "_")}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.body != "" {
			ct := op.bodyType
			if ct == "" {
				ct = "application/json"
			}
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{ct: map[string]any{"schema": ref(op.body)}}}
		}
		if op.public {
			o["security"] = []any{}
		}
		item[strings.ToLower(op.method)] = o
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Vega AI API", "version": "1",
			"description": "The JSON API of a Vega AI server, used by the browser extension and the dashboard. Send the access token from /api/auth/login as Authorization: Bearer <token>."},
		"paths":    paths,
		"security": []any{map[string]any{"bearer": []any{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
			"schemas":         apiSchemas(),
		},
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

var (
	openAPIOnce sync.Once
	openAPIDoc  []byte
)

// openAPI serves the description.
func (s *Server) openAPI(c *fiber.Ctx) error {
	openAPIOnce.Do(func() {
		var err error
		if openAPIDoc, err = json.Marshal(buildOpenAPI()); err != nil {
			panic("server: OpenAPI description: " + err.Error())
		}
	})
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(openAPIDoc)
}
