package server

import (
	"github.com/gofiber/fiber/v2"
)

const principalKey = "principal"

// Principal is the signed-in user a request acts for, set by the
// authentication middleware (bearer token on /api, session cookie on the
// dashboard).
type Principal struct {
	UserID int64
	Role   string
}

// setPrincipal records who the request acts for.
func setPrincipal(c *fiber.Ctx, p Principal) { c.Locals(principalKey, p) }

// mustPrincipal returns the signed-in user. It panics when no authentication
// middleware ran for the route: a wiring bug, never a client error, and the
// panic handler turns it into a logged 500 rather than a request without an owner.
func mustPrincipal(c *fiber.Ctx) Principal {
	p, ok := c.Locals(principalKey).(Principal)
	if !ok || p.UserID <= 0 {
		panic("server: route reached without an authenticated user; wire it behind requireAPIUser or requireSession")
	}
	return p
}
