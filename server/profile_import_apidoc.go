package server

// profileImportAPIOps describe the routes of registerProfileImportRoutes in
// /api/openapi.json, appended to apiOps at start-up like analysisAPIOps.
var profileImportAPIOps = []apiOp{
	{method: "POST", path: "/api/profile/import", tag: "profile", summary: "Read a CV (multipart field file: PDF, DOCX, text or Markdown up to 5 MB; or JSON {text}) into a proposed profile: {proposal, source: builtin|llm, note?}. Nothing is saved; items with the id of a stored twin would update it",
		body: "Object", ok: 200, okSchema: "Object", errors: []int{400, 413, 415, 422}},
	{method: "POST", path: "/api/profile/import/apply", tag: "profile", summary: "Merge a proposal with the kept items only into the profile: twins are updated, nothing is removed, empty fields keep stored values; answers the full profile",
		body: "Object", ok: 200, okSchema: "Profile", errors: []int{400, 404}},
}

func init() { apiOps = append(apiOps, profileImportAPIOps...) }
