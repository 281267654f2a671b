package server

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/models"
)

var errPanic = errors.New("panic")

// apiError is the JSON body of every error answer on /api routes.
type apiError struct {
	Error  string            `json:"error"`
	Reason string            `json:"reason,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
	ID     int64             `json:"id,omitempty"`
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
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString(body.Error)
}

// wantsJSON reports whether the error answer should be JSON: always on /api,
// elsewhere when the client asks for it.
func wantsJSON(c *fiber.Ctx) bool {
	if strings.HasPrefix(c.Path(), "/api/") || c.Path() == "/api" {
		return true
	}
	return strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON)
}

// scraperStatus maps the scraper's errors. Filled in with the capture routes.
func scraperStatus(err error) (int, apiError, bool) { return 0, apiError{}, false }
