package server

import "github.com/gofiber/fiber/v2"

// registerJobRoutes adds the capture and jobs API (every route behind the
// bearer token; see openapi.go for the shapes):
//
//	POST   /api/jobs/capture          {"url","html","notes"?,"status"?} -> 201/200 {"created","job"}; 422 not a job; 413; 400
//	GET    /api/jobs/lookup?url=      -> 200 job, or 404
//	GET    /api/jobs                  ?status&q&company&job_type&min_score&sort&limit&offset -> {"jobs","total","limit","offset"}
//	POST   /api/jobs                  the published extension's camelCase job -> 201 {"message","jobId","job"}; 409 {"error","jobId"}
//	GET    /api/jobs/stats            -> counts per status, jobs saved per week
//	GET    /api/jobs/export           ?format=json|csv
//	POST   /api/jobs/import           the JSON export or CSV -> {"created","existing"}
//	GET    /api/jobs/:id              -> job
//	PATCH  /api/jobs/:id              status, notes, title, location, job_type, application_url, required_skills -> job
//	DELETE /api/jobs/:id              -> 204
//
// Another user's job is 404, exactly like a missing one.
func (s *Server) registerJobRoutes(r fiber.Router) {
	r.Post("/jobs/capture", s.captureJob)
	r.Get("/jobs/lookup", s.lookupJob)
	r.Get("/jobs/stats", s.jobStats)
	r.Get("/jobs/export", s.exportJobs)
	r.Post("/jobs/import", s.importJobs)
	r.Get("/jobs", s.listJobs)
	r.Post("/jobs", s.createLegacyJob)
	r.Get("/jobs/:id", s.getJob)
	r.Patch("/jobs/:id", s.patchJob)
	r.Delete("/jobs/:id", s.deleteJob)
}

// registerProfileRoutes adds the profile API:
//
//	GET    /api/profile               -> the profile with its experiences, education and certifications
//	PUT    /api/profile               the fields to change -> the profile
//	GET    /api/profile/{kind}        -> list      (kind: experiences, education, certifications)
//	POST   /api/profile/{kind}        -> 201 item
//	GET    /api/profile/{kind}/:id    -> item
//	PUT    /api/profile/{kind}/:id    -> item (every field replaced)
//	DELETE /api/profile/{kind}/:id    -> 204
func (s *Server) registerProfileRoutes(r fiber.Router) {
	r.Get("/profile", s.getProfile)
	r.Put("/profile", s.putProfile)
	s.registerProfileItemRoutes(r)
}

// registerPublicAPIRoutes adds the /api routes that need no token: the
// OpenAPI description.
func (s *Server) registerPublicAPIRoutes(api fiber.Router) {
	api.Get("/openapi.json", s.openAPI)
}
