package server

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/scraper"
)

var errPanic = errors.New("panic")

// apiError is the JSON body of every error answer on /api routes.
type apiError struct {
	Error  string            `json:"error"`
	Reason string            `json:"reason,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
	ID     int64             `json:"id,omitempty"`
	// QuotaType, Limit and ResetsAt describe a used-up monthly AI quota (429).
	QuotaType string     `json:"quota_type,omitempty"`
	Limit     *int       `json:"limit,omitempty"`
	ResetsAt  *time.Time `json:"resets_at,omitempty"`
}

// statusOf maps the error vocabulary of models, scraper and Fiber to an HTTP
// status and the body a client may see. Anything unknown is a 500 whose text
// stays in the log: a database error's text never reaches a client.
func statusOf(err error) (int, apiError) {
	var fe *fiber.Error
	var ve *models.ValidationError
	switch {
	case errors.As(err, &fe):
		return fe.Code, apiError{Error: fe.Message}
	case errors.As(err, &ve):
		return fiber.StatusBadRequest, apiError{Error: ve.Error(), Fields: ve.Fields}
	case errors.Is(err, models.ErrInvalid):
		return fiber.StatusBadRequest, apiError{Error: err.Error()}
	case errors.Is(err, models.ErrNotFound):
		return fiber.StatusNotFound, apiError{Error: "not found"}
	case errors.Is(err, models.ErrConflict):
		return fiber.StatusConflict, apiError{Error: err.Error()}
	}
	var qe *models.QuotaExceededError
	if errors.As(err, &qe) {
		limit, resets := qe.Limit, qe.ResetsAt.UTC()
		return fiber.StatusTooManyRequests, apiError{Error: qe.Error(), QuotaType: string(qe.Type), Limit: &limit, ResetsAt: &resets}
	}
	if st, body, ok := scraperStatus(err); ok {
		return st, body
	}
	return fiber.StatusInternalServerError, apiError{Error: "internal server error"}
}

// handleError is the application's one error handler.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, body := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", "request_id", RequestIDFrom(c), "method", c.Method(), "path", c.Path(), "err", err)
		body = apiError{Error: "internal server error"}
	}
	if status == fiber.StatusTooManyRequests && c.GetRespHeader(fiber.HeaderRetryAfter) == "" {
		c.Set(fiber.HeaderRetryAfter, "60")
	}
	c.Status(status)
	if wantsJSON(c) {
		return c.JSON(body)
	}
	if wantsPage(c) {
		if rerr := s.renderErrorPage(c, status, body.Error); rerr == nil {
			return nil
		} else {
			s.log.Error("render error page", "request_id", RequestIDFrom(c), "err", rerr)
		}
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString(body.Error)
}

// wantsPage reports whether an error should be an HTML page: a browser's
// request (Accept: text/html) that is not htmx's (which swaps the plain
// text into the page).
func wantsPage(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "" && strings.Contains(c.Get(fiber.HeaderAccept), "text/html")
}

// errorPage is the data of the error page.
type errorPage struct {
	Status  int
	Title   string
	Message string
}

// renderErrorPage answers an error with the dashboard's error page (with the
// navigation when the user is signed in).
func (s *Server) renderErrorPage(c *fiber.Ctx, status int, msg string) error {
	p := &errorPage{Status: status, Title: utils.StatusMessage(status), Message: sentence(msg)}
	if status == fiber.StatusNotFound {
		p.Title, p.Message = "Not found", "There is nothing here: the page, job or document does not exist, or it is not yours."
	}
	return s.render(c, status, "error", view{User: currentUser(c), CSRFToken: csrfToken(c), Data: p})
}

// wantsJSON reports whether the error answer should be JSON: always on /api,
// elsewhere when the client asks for it.
func wantsJSON(c *fiber.Ctx) bool {
	if strings.HasPrefix(c.Path(), "/api/") || c.Path() == "/api" {
		return true
	}
	return strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON)
}

// scraperStatus maps the scraper's errors: a page that is not a job posting
// (or that the scraper could not read) is 422 with the reason, a page over
// scraper.MaxInputBytes is 413, and a URL that is not absolute http(s) is 400.
func scraperStatus(err error) (int, apiError, bool) {
	var nj *scraper.NotJobPostingError
	var ue *unreadablePageError
	switch {
	case errors.As(err, &nj):
		return fiber.StatusUnprocessableEntity, apiError{Error: nj.Error(), Reason: string(nj.Reason)}, true
	case errors.Is(err, scraper.ErrNotJobPosting):
		return fiber.StatusUnprocessableEntity, apiError{Error: err.Error(), Reason: string(scraper.ReasonNoJobFound)}, true
	case errors.As(err, &ue):
		return fiber.StatusUnprocessableEntity, apiError{Error: ue.Error(), Reason: ue.reason}, true
	case errors.Is(err, scraper.ErrTooLarge):
		return fiber.StatusRequestEntityTooLarge, apiError{Error: fmt.Sprintf("the page is too large: at most %d MB of HTML", scraper.MaxInputBytes>>20)}, true
	case errors.Is(err, scraper.ErrInvalidURL):
		return fiber.StatusBadRequest, apiError{Error: "url must be an absolute http or https URL", Fields: map[string]string{"url": "must be an absolute http or https URL"}}, true
	}
	return 0, apiError{}, false
}
