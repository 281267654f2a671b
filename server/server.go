// Package server is Vega's HTTP layer: the JSON API used by the browser
// extension, the dashboard, and the middleware around them.
//
// Handlers are thin: they parse and validate a request, call the store or the
// scraper, and answer. Every error ends in the one ErrorHandler (errors.go),
// which maps the models' and the scraper's error vocabulary to HTTP.
package server

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/models"
)

// Deps is what the server needs to run.
type Deps struct {
	Config config.Config
	DB     *models.DB
	Store  *models.Store
	Logger *slog.Logger
	// ReadTimeout bounds the reading of a whole request, headers and body
	// (fasthttp sets one deadline before each request's first byte is read,
	// so a client sending its headers a byte at a time is cut off when it
	// passes); default 30s. Tests shorten it.
	ReadTimeout time.Duration
}

// Server is a configured Fiber application.
type Server struct {
	app  *fiber.App
	deps Deps
	log  *slog.Logger
	acct *accounts  // sign-in, tokens, sessions (auth.go)
	ai   aiServices // match analysis and document generation (analysis_routes.go)
}

// New builds the Fiber application from a configuration and a database. It is
// used by `vega serve` and by tests, which drive it with App().Test.
func New(d Deps) (*Server, error) {
	if d.DB == nil || d.Store == nil {
		return nil, errors.New("server: a database and a store are required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.ReadTimeout <= 0 {
		d.ReadTimeout = 30 * time.Second
	}
	if d.Config.BodyLimit == 0 {
		d.Config.BodyLimit = 12 << 20
	}
	s := &Server{deps: d, log: d.Logger}
	acct, err := newAccounts(d.Config)
	if err != nil {
		return nil, err
	}
	s.acct = acct
	s.ai = newAIServices(d.Config)
	s.app = fiber.New(fiber.Config{
		AppName:               "Vega AI",
		BodyLimit:             d.Config.BodyLimit,
		ReadTimeout:           d.ReadTimeout,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		ReadBufferSize:        16 << 10,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
	})
	s.app.Use(s.requestID, s.logRequests, s.recoverPanics)
	s.routes()
	return s, nil
}

// App returns the Fiber application, for tests and for Listen.
func (s *Server) App() *fiber.App { return s.app }

// Listen serves HTTP on addr until Shutdown is called.
func (s *Server) Listen(addr string) error { return s.app.Listen(addr) }

// Shutdown stops accepting connections and waits for in-flight requests to
// finish, at most until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.app.ShutdownWithContext(ctx)
}

func (s *Server) routes() {
	s.app.Get("/health", s.health)
	s.app.Get("/healthz", s.healthz)

	s.registerWebAuthRoutes(s.app)
	s.registerDashboardJobRoutes(s.app)
	s.registerAccountPages(s.app)
	s.registerCVImportPages(s.app)

	api := s.app.Group("/api", s.apiCORS)
	s.registerAuthRoutes(api)
	s.registerPublicAPIRoutes(api)
	authed := api.Group("", s.requireAPIUser)
	s.registerJobRoutes(authed)
	s.registerProfileRoutes(authed)
	s.registerProfileImportRoutes(authed)
	s.registerAnalysisRoutes(authed)
	api.All("/*", func(c *fiber.Ctx) error {
		return fiber.NewError(fiber.StatusNotFound, "no such API route: "+c.Method()+" "+c.Path())
	})
}
