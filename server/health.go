package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// health answers the browser extension's connection test.
func (s *Server) health(c *fiber.Ctx) error {
	return c.SendString("ok")
}

// healthz reports the database's state for monitoring.
func (s *Server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.deps.DB.Ping(ctx); err != nil {
		s.log.Error("health check: database unreachable", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "database": "unreachable"})
	}
	return c.JSON(fiber.Map{"status": "ok", "database": "ok"})
}
