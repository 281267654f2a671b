package server

import "github.com/gofiber/fiber/v2"

// registerAuthRoutes adds the public account routes (login, register, refresh).
// Owned by the accounts work; replaced there.
func (s *Server) registerAuthRoutes(api fiber.Router) {}

// requireAPIUser authenticates /api requests by bearer token.
// Owned by the accounts work; until then every protected route answers 401.
func (s *Server) requireAPIUser(c *fiber.Ctx) error {
	return fiber.NewError(fiber.StatusUnauthorized, "sign in: send Authorization: Bearer <token>")
}
