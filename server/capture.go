package server

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/scraper"
)

// unreadablePageError is a capture that cannot become a job for a reason
// other than the scraper's own refusals: it answers 422 with its reason.
type unreadablePageError struct {
	reason string
	msg    string
}

func (e *unreadablePageError) Error() string { return e.msg }

// CaptureResult is the answer to a capture: 201 with created true for a new
// job, 200 with created false for a URL the user had already saved.
type CaptureResult struct {
	Created bool    `json:"created"`
	Job     JobView `json:"job"`
}

// captureJob handles POST /api/jobs/capture: it parses the page the
// extension sends and saves its job for the signed-in user, deduplicated by
// the page's canonical URL, before answering (see CaptureRequest). A page
// the user already saved is answered from the database without parsing.
// The Server-Timing header reports the time spent parsing and storing.
func (s *Server) captureJob(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	start := time.Now()
	if len(c.Body()) > maxCaptureBody {
		return scraper.ErrTooLarge
	}
	var in CaptureRequest
	if err := decodeJSONBytes(c.Body(), &in); err != nil {
		return err
	}
	out, err := s.capture(c, uid, &in, start)
	if err != nil {
		return err
	}
	code := fiber.StatusOK
	if out.created {
		code = fiber.StatusCreated
	}
	return c.Status(code).JSON(CaptureResult{Created: out.created, Job: ViewJob(out.job, out.details)})
}

// captured is what a capture saved (or found already saved).
type captured struct {
	job     *models.Job
	details *models.JobDetails
	created bool
}

// capture checks a capture request, then saves the page's job for uid,
// deduplicated by the page's canonical URL: a page the user already saved
// is answered from the database without parsing. The API and the
// dashboard's paste form both capture through it. It sets the
// Server-Timing header (decode from start, parse, store).
func (s *Server) capture(c *fiber.Ctx, uid int64, in *CaptureRequest, start time.Time) (captured, error) {
	status, err := in.Check()
	if err != nil {
		return captured{}, err
	}
	pageURL, err := scraper.CanonicalURL(in.URL)
	if err != nil {
		return captured{}, err
	}
	decoded := time.Now()
	ctx := c.UserContext()

	if j, err := s.deps.Store.JobByURL(ctx, uid, pageURL); err == nil {
		d, err := s.deps.Store.JobDetailsFor(ctx, uid, []int64{j.ID})
		if err != nil {
			return captured{}, err
		}
		setServerTiming(c, timing{"decode", decoded.Sub(start)}, timing{"store", time.Since(decoded)})
		return captured{job: j, details: d[j.ID]}, nil
	} else if !errors.Is(err, models.ErrNotFound) {
		return captured{}, err
	}

	page, err := scraper.Parse(strings.TrimSpace(in.URL), []byte(in.HTML))
	parsed := time.Now()
	if err != nil {
		var nj *scraper.NotJobPostingError
		switch {
		case errors.As(err, &nj):
			s.log.Info("capture refused: not a job posting", "request_id", RequestIDFrom(c), "user_id", uid, "reason", nj.Reason, "url", pageURL)
			return captured{}, err
		case errors.Is(err, scraper.ErrTooLarge), errors.Is(err, scraper.ErrInvalidURL), errors.Is(err, scraper.ErrNotJobPosting):
			return captured{}, err
		}
		s.log.Warn("capture: page unreadable", "request_id", RequestIDFrom(c), "user_id", uid, "url", pageURL, "err", err)
		return captured{}, &unreadablePageError{reason: "unreadable_page", msg: "the page could not be read: " + err.Error()}
	}
	job, company, details := CapturedJob(page, in.Notes, status)
	if company == "" {
		company = hostName(pageURL)
	}
	saved, d, created, err := s.deps.Store.SaveJobWith(ctx, uid, job, company, models.SaveOptions{Details: details, PageURL: pageURL})
	if err != nil {
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			// The page's values, not the client's: the page is not a usable job.
			return captured{}, &unreadablePageError{reason: string(scraper.ReasonNoJobFound), msg: "the job on the page could not be saved: " + ve.Error()}
		}
		return captured{}, err
	}
	stored := time.Now()
	setServerTiming(c, timing{"decode", decoded.Sub(start)}, timing{"parse", parsed.Sub(decoded)}, timing{"store", stored.Sub(parsed)})
	if created {
		s.log.Info("job captured", "request_id", RequestIDFrom(c), "user_id", uid, "job_id", saved.ID, "site", page.Site)
	}
	return captured{job: saved, details: d, created: created}, nil
}

// lookupJob handles GET /api/jobs/lookup?url=...: the user's job saved from
// that page, with the URL canonicalised as at capture, or 404.
func (s *Server) lookupJob(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	raw := c.Query("url")
	if strings.TrimSpace(raw) == "" {
		return &models.ValidationError{Fields: map[string]string{"url": "is required"}}
	}
	if len(raw) > maxCaptureURLChars*4 {
		return &models.ValidationError{Fields: map[string]string{"url": "must be at most 2048 characters"}}
	}
	canon, err := scraper.CanonicalURL(raw)
	if err != nil {
		return err
	}
	j, err := s.deps.Store.JobByURL(c.UserContext(), uid, canon)
	if err != nil {
		return err
	}
	v, err := s.viewJob(c, uid, j)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// hostName is the company name of last resort: the page's host without
// "www.".
func hostName(pageURL string) string {
	u, err := url.Parse(pageURL)
	if err != nil {
		return "Unknown company"
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

// timing is one Server-Timing metric.
type timing struct {
	name string
	d    time.Duration
}

// setServerTiming sets the Server-Timing header (durations in milliseconds).
func setServerTiming(c *fiber.Ctx, ts ...timing) {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprintf("%s;dur=%.2f", t.name, float64(t.d.Microseconds())/1000)
	}
	c.Set("Server-Timing", strings.Join(parts, ", "))
}
