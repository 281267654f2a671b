package server

// analysisAPIOps describe the routes of registerAnalysisRoutes in
// /api/openapi.json. They are appended to apiOps (openapi.go) at start-up so
// the description stays complete without this file editing that one; their
// bodies use the generic "Object" schema.
var analysisAPIOps = []apiOp{
	{method: "POST", path: "/api/jobs/{id}/analyze", tag: "analysis", summary: "Score the job against the profile (0-100) with its evidence; stores match_score and the analysis. 429 when the monthly quota is used up (cloud mode): {error, quota_type, limit, resets_at}", ok: 200, okSchema: "Object", errors: []int{404, 429}},
	{method: "GET", path: "/api/jobs/{id}/analysis", tag: "analysis", summary: "The job's latest analysis; stale is true when the profile changed since", ok: 200, okSchema: "Object", errors: []int{404}},
	{method: "POST", path: "/api/jobs/{id}/cover-letter", tag: "documents", summary: "Write a cover letter for the job (HTML); 429 when the monthly quota is used up", ok: 201, okSchema: "Object", errors: []int{404, 429}},
	{method: "POST", path: "/api/jobs/{id}/cv", tag: "documents", summary: "Write a CV ordered by relevance to the job (HTML); 429 when the monthly quota is used up", ok: 201, okSchema: "Object", errors: []int{404, 429}},
	{method: "GET", path: "/api/documents", tag: "documents", summary: "List generated documents, newest first, without their content", ok: 200, okSchema: "Object", errors: []int{400},
		query: []apiParam{{"job_id", "integer", "documents of this job", false}, {"type", "string", "cover_letter or cv", false},
			{"limit", "integer", "page size, 1 to 100 (default 20)", false}, {"offset", "integer", "documents to skip", false}}},
	{method: "GET", path: "/api/documents/{id}", tag: "documents", summary: "One document with its content", ok: 200, okSchema: "Object", errors: []int{404}},
	{method: "PATCH", path: "/api/documents/{id}", tag: "documents", summary: "Replace the content ({content}: HTML, sanitised to an allowlist)", body: "Object", ok: 200, okSchema: "Object", errors: []int{400, 404, 413}},
	{method: "DELETE", path: "/api/documents/{id}", tag: "documents", summary: "Delete a document", ok: 204, errors: []int{404}},
	{method: "GET", path: "/api/documents/{id}/download", tag: "documents", summary: "The document as a standalone HTML page with a print stylesheet (attachment)", ok: 200, errors: []int{404}},
	{method: "GET", path: "/api/me/quota", tag: "accounts", summary: "This month's use of each AI quota and its limit (null: no limit)", ok: 200, okSchema: "Object"},
}

func init() { apiOps = append(apiOps, analysisAPIOps...) }
