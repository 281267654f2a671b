package server

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// CORS for the JSON API. Browser extensions call /api from their own pages,
// whose origin is chrome-extension://<id> or moz-extension://<id>. Those
// origins (only the ids in VEGA_EXTENSION_IDS when it is set) get CORS
// headers; any other origin gets none, so a web page cannot read an /api
// answer. Credentials are never allowed: /api authenticates by the bearer
// token the extension holds, never by a cookie, so nothing ambient rides
// along. The dashboard's routes are outside /api and send no CORS headers.

// Headers of the CORS answers.
const (
	corsAllowMethods  = "GET, POST, PUT, PATCH, DELETE"
	corsAllowHeaders  = "Authorization, Content-Type, X-Request-Id"
	corsExposeHeaders = "Server-Timing, X-Request-Id, Retry-After, WWW-Authenticate, Content-Disposition"
	corsMaxAge        = "600"
)

// extensionOrigin reports whether origin is a browser extension's page
// allowed by ids (any extension when ids is empty).
func extensionOrigin(origin string, ids []string) bool {
	var id string
	switch {
	case strings.HasPrefix(origin, "chrome-extension://"):
		id = strings.TrimPrefix(origin, "chrome-extension://")
	case strings.HasPrefix(origin, "moz-extension://"):
		id = strings.TrimPrefix(origin, "moz-extension://")
	default:
		return false
	}
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return len(ids) == 0 || slices.Contains(ids, id)
}

// apiCORS answers CORS for /api: the allowed origin echoed (never "*", never
// with credentials), and preflight requests answered with 204 before any
// authentication.
func (s *Server) apiCORS(c *fiber.Ctx) error {
	c.Vary(fiber.HeaderOrigin)
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" || !extensionOrigin(origin, s.deps.Config.ExtensionIDs) {
		return c.Next()
	}
	c.Set(fiber.HeaderAccessControlAllowOrigin, utils.CopyString(origin))
	c.Set(fiber.HeaderAccessControlExposeHeaders, corsExposeHeaders)
	if c.Method() == fiber.MethodOptions && c.Get(fiber.HeaderAccessControlRequestMethod) != "" {
		c.Vary(fiber.HeaderAccessControlRequestMethod, fiber.HeaderAccessControlRequestHeaders)
		c.Set(fiber.HeaderAccessControlAllowMethods, corsAllowMethods)
		c.Set(fiber.HeaderAccessControlAllowHeaders, corsAllowHeaders)
		c.Set(fiber.HeaderAccessControlMaxAge, corsMaxAge)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Next()
}
