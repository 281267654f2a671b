package server

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/analysis"
	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
)

// aiServices are the analyser and the document generator the server uses,
// built once from the configuration: the built-in ones, or the
// OpenAI-compatible ones (which fall back to the built-in ones).
type aiServices struct {
	analyser analysis.Analyser
	writer   analysis.Generator
}

// newAIServices builds the analyser and generator cfg asks for.
func newAIServices(cfg config.Config) aiServices {
	if !cfg.AIEnabled() {
		return aiServices{analyser: analysis.Builtin{}, writer: analysis.BuiltinGenerator{}}
	}
	client := &analysis.Client{BaseURL: cfg.AIBaseURL, APIKey: cfg.AIAPIKey, Model: cfg.AIModel, Timeout: cfg.AITimeout}
	return aiServices{analyser: &analysis.OpenAI{Client: client}, writer: &analysis.LLMGenerator{Client: client}}
}

// registerAnalysisRoutes adds match analysis, documents and quotas (every
// route behind the bearer token):
//
//	POST   /api/jobs/:id/analyze       -> 200 {"job","analysis","quota"}; 429 {"error","quota_type","limit","resets_at"}
//	GET    /api/jobs/:id/analysis      -> 200 analysis (with "stale" when the profile changed since), or 404
//	POST   /api/jobs/:id/cover-letter  -> 201 document; 429 as above
//	POST   /api/jobs/:id/cv            -> 201 document; 429 as above
//	GET    /api/documents              ?job_id&type&limit&offset -> {"documents" (without content),"total","limit","offset"}
//	GET    /api/documents/:id          -> document
//	PATCH  /api/documents/:id          {"content"} (HTML, sanitised) -> document
//	DELETE /api/documents/:id          -> 204
//	GET    /api/documents/:id/download -> text/html attachment: a standalone page with a print stylesheet
//	GET    /api/me/quota               -> {"mode","quotas":[{"quota_type","used","limit","remaining","period_start","resets_at"}]}
//
// Another user's job or document is 404, exactly like a missing one.
func (s *Server) registerAnalysisRoutes(r fiber.Router) {
	r.Post("/jobs/:id/analyze", s.analyzeJob)
	r.Get("/jobs/:id/analysis", s.getJobAnalysis)
	r.Post("/jobs/:id/cover-letter", s.generateDocument(models.DocumentCoverLetter))
	r.Post("/jobs/:id/cv", s.generateDocument(models.DocumentCV))
	r.Get("/documents", s.listDocuments)
	r.Get("/documents/:id", s.getDocument)
	r.Patch("/documents/:id", s.patchDocument)
	r.Delete("/documents/:id", s.deleteDocument)
	r.Get("/documents/:id/download", s.downloadDocument)
	r.Get("/me/quota", s.getQuota)
}

// quotaLimit is the monthly limit of t: the configured one in cloud mode,
// none (0) when self-hosted.
func (s *Server) quotaLimit(t models.QuotaType) int {
	if s.deps.Config.Mode != config.ModeCloud {
		return 0
	}
	switch t {
	case models.QuotaAnalysis:
		return s.deps.Config.QuotaAnalysis
	case models.QuotaCoverLetter:
		return s.deps.Config.QuotaCoverLetter
	case models.QuotaCV:
		return s.deps.Config.QuotaCV
	}
	return 0
}

// chargeQuota checks and counts one use of quota t for jobID. Over the
// limit it sets Retry-After to the seconds until the quota resets and
// returns the *models.QuotaExceededError, which the error handler answers
// with 429 {"error","quota_type","limit","resets_at"}.
func (s *Server) chargeQuota(c *fiber.Ctx, uid int64, t models.QuotaType, jobID int64, oncePerJob bool) (*models.QuotaReceipt, error) {
	r, err := s.deps.Store.UseQuota(c.UserContext(), uid, models.QuotaCharge{Type: t, Limit: s.quotaLimit(t), JobID: &jobID, OncePerJob: oncePerJob})
	var qe *models.QuotaExceededError
	if errors.As(err, &qe) {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(time.Until(qe.ResetsAt).Seconds())+1)))
	}
	return r, err
}

// releaseQuota takes back a use whose work failed, even if the request's
// context is done.
func (s *Server) releaseQuota(c *fiber.Ctx, uid int64, r *models.QuotaReceipt) {
	if err := s.deps.Store.ReleaseQuota(context.WithoutCancel(c.UserContext()), uid, r); err != nil {
		s.log.Error("release quota", "request_id", RequestIDFrom(c), "err", err)
	}
}

// quotaView is the state of the quota a request used.
type quotaView struct {
	Type     models.QuotaType `json:"quota_type"`
	Used     int              `json:"used"`
	Limit    *int             `json:"limit"` // null: no limit
	Counted  bool             `json:"counted"`
	ResetsAt time.Time        `json:"resets_at"`
}

// viewQuota describes a receipt.
func viewQuota(t models.QuotaType, r *models.QuotaReceipt) quotaView {
	v := quotaView{Type: t, Used: r.Usage.UsedCount, Counted: r.Counted, ResetsAt: r.Usage.PeriodEnd}
	if r.Usage.LimitCount > 0 {
		l := r.Usage.LimitCount
		v.Limit = &l
	}
	return v
}

// analysisView is a stored analysis as the API shows it: the result's
// fields, the job, when it was made, from which version of the profile, and
// whether the profile changed since (stale: run it again).
type analysisView struct {
	JobID int64 `json:"job_id"`
	analysis.Result
	ProfileUpdatedAt *time.Time `json:"profile_updated_at"`
	AnalysedAt       time.Time  `json:"analysed_at"`
	Stale            bool       `json:"stale"`
}

// viewAnalysis builds the view of a stored analysis against the current
// profile.
func viewAnalysis(a *models.JobAnalysis, r analysis.Result, p *models.Profile) analysisView {
	v := analysisView{JobID: a.JobID, Result: r, ProfileUpdatedAt: a.ProfileUpdatedAt, AnalysedAt: a.CreatedAt}
	v.Stale = p != nil && (a.ProfileUpdatedAt == nil || !a.ProfileUpdatedAt.Equal(p.UpdatedAt))
	return v
}

// analysisInput loads userID's job id and full profile.
func (s *Server) analysisInput(c *fiber.Ctx, uid int64) (analysis.Input, error) {
	id, err := jobID(c)
	if err != nil {
		return analysis.Input{}, err
	}
	job, err := s.deps.Store.Job(c.UserContext(), uid, id)
	if err != nil {
		return analysis.Input{}, err
	}
	p, err := s.deps.Store.FullProfile(c.UserContext(), uid)
	if err != nil {
		return analysis.Input{}, err
	}
	return analysis.Input{Job: job, Profile: p}, nil
}

// analyzeJob runs the analyser on a job and the profile, stores the score
// on the job and the analysis beside it, and returns both. Analysing the
// same job again in the same month does not count against the quota.
func (s *Server) analyzeJob(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	out, err := s.analyse(c, uid)
	if err != nil {
		return err
	}
	jv, err := s.viewJob(c, uid, out.job)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"job": jv, "analysis": viewAnalysis(out.stored, out.result, out.profile), "quota": viewQuota(models.QuotaAnalysis, out.receipt)})
}

// analysed is the outcome of an analysis: the job with its new score, the
// stored analysis, its result, the profile it used and the quota receipt.
type analysed struct {
	job     *models.Job
	stored  *models.JobAnalysis
	result  analysis.Result
	profile *models.Profile
	receipt *models.QuotaReceipt
}

// analyse analyses uid's job :id against the profile, charging the quota;
// the API and the dashboard both analyse through it.
func (s *Server) analyse(c *fiber.Ctx, uid int64) (analysed, error) {
	in, err := s.analysisInput(c, uid)
	if err != nil {
		return analysed{}, err
	}
	receipt, err := s.chargeQuota(c, uid, models.QuotaAnalysis, in.Job.ID, true)
	if err != nil {
		return analysed{}, err
	}
	res, err := s.ai.analyser.Analyse(c.UserContext(), in)
	if err != nil {
		s.releaseQuota(c, uid, receipt)
		return analysed{}, err
	}
	if res.Note != "" {
		s.log.Warn("AI analysis fell back to the built-in analyser", "request_id", RequestIDFrom(c), "note", res.Note)
	}
	raw, err := json.Marshal(res)
	if err != nil {
		s.releaseQuota(c, uid, receipt)
		return analysed{}, err
	}
	pu := in.Profile.UpdatedAt
	a := &models.JobAnalysis{JobID: in.Job.ID, Score: res.Score, Result: string(raw), ProfileUpdatedAt: &pu}
	job, err := s.deps.Store.SaveJobAnalysis(c.UserContext(), uid, a)
	if err != nil {
		s.releaseQuota(c, uid, receipt)
		return analysed{}, err
	}
	return analysed{job: job, stored: a, result: res, profile: in.Profile, receipt: receipt}, nil
}

// getJobAnalysis returns a job's stored analysis.
func (s *Server) getJobAnalysis(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	id, err := jobID(c)
	if err != nil {
		return err
	}
	a, err := s.deps.Store.JobAnalysis(c.UserContext(), uid, id)
	if err != nil {
		return err
	}
	var r analysis.Result
	if err := json.Unmarshal([]byte(a.Result), &r); err != nil {
		return err
	}
	p, err := s.deps.Store.Profile(c.UserContext(), uid)
	if err != nil {
		return err
	}
	return c.JSON(viewAnalysis(a, r, p))
}

// getQuota reports the user's use of every quota this month.
func (s *Server) getQuota(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	limits := map[models.QuotaType]int{}
	for _, t := range models.QuotaTypes {
		limits[t] = s.quotaLimit(t)
	}
	st, err := s.deps.Store.QuotaStatuses(c.UserContext(), uid, limits)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"mode": s.deps.Config.Mode, "quotas": st})
}

// RunDocumentCleanup deletes expired documents and ended rate-limit
// windows now and then every interval until ctx is done. `vega serve` runs it in a goroutine.
func (s *Server) RunDocumentCleanup(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.deps.Store.DeleteExpiredDocuments(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("delete expired documents", "err", err)
		case n > 0:
			s.log.Info("deleted expired documents", "count", n)
		}
		// Ended rate-limit windows go too (table rate_limits).
		if n, err := s.deps.Store.DeleteExpiredRateLimits(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("delete expired rate limits", "err", err)
		} else if n > 0 {
			s.log.Debug("deleted expired rate limits", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
