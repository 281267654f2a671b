package server

import "github.com/gofiber/fiber/v2"

// registerJobRoutes adds the capture and jobs API. Owned by the capture work.
func (s *Server) registerJobRoutes(r fiber.Router) {}

// registerProfileRoutes adds the profile API. Owned by the capture work.
func (s *Server) registerProfileRoutes(r fiber.Router) {}
