package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/signal"
	"syscall"
	"time"

	"github.com/vega-ai/vega/config"
	"github.com/vega-ai/vega/migrations"
	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/server"
)

// loadConfig reads and validates the configuration, with flags that mirror
// the most used variables.
func loadConfig(env func(string) string) (config.Config, error) {
	cfg, err := config.Load(env)
	if err != nil {
		return cfg, &exitError{code: 2, msg: err.Error()}
	}
	return cfg, nil
}

// openStore opens the configured database (SQLite or PostgreSQL), applying
// migrations unless skip.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger, skip bool) (*models.DB, error) {
	target, err := cfg.Database()
	if err != nil {
		return nil, &exitError{code: 2, msg: err.Error()}
	}
	opts := models.Options{Path: target.Path, URL: target.URL, SkipMigrations: skip, Logger: log}
	if target.Postgres() {
		opts.WriteConns = max(1, cfg.DatabaseMaxConns*2/3)
		opts.ReadConns = max(1, cfg.DatabaseMaxConns-opts.WriteConns)
	}
	db, err := models.Open(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", target, err)
	}
	return db, nil
}

// ensureSecret fills cfg.Secret when VEGA_SECRET is unset. On SQLite it is
// generated into the data directory; on PostgreSQL it is generated once into
// the database (settings), so every Vega server sharing the database signs
// and checks tokens with the same key.
func ensureSecret(ctx context.Context, cfg *config.Config, db *models.DB, store *models.Store) error {
	if cfg.Secret != "" {
		return nil
	}
	if db.Dialect() != migrations.Postgres {
		return cfg.EnsureSecret()
	}
	secret, err := store.SettingOrInit(ctx, models.SettingSecret, config.GenerateSecret)
	if err != nil {
		return fmt.Errorf("token-signing secret: %w", err)
	}
	cfg.Secret = secret
	return nil
}

func runServe(ctx context.Context, env func(string) string, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "address to listen on (overrides VEGA_ADDR)")
	dataDir := fs.String("data-dir", "", "data directory (overrides VEGA_DATA_DIR)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: vega serve [--addr :8765] [--data-dir ./data]\n\nStarts the server on the configured database, applying migrations first.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("%v", err)
	}
	envWithFlags := func(k string) string {
		switch {
		case k == "VEGA_ADDR" && *addr != "":
			return *addr
		case k == "VEGA_DATA_DIR" && *dataDir != "":
			return *dataDir
		}
		return env(k)
	}
	cfg, err := loadConfig(envWithFlags)
	if err != nil {
		return err
	}
	log := cfg.Logger(stderr)
	slog.SetDefault(log)

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	db, err := openStore(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("close database", "err", err)
		} else {
			log.Info("database closed")
		}
	}()
	store := models.NewStore(db)
	if err := ensureSecret(ctx, &cfg, db, store); err != nil {
		return err
	}
	if cfg.AdminUsername != "" {
		admin, created, err := server.EnsureAdmin(ctx, store, cfg.AdminUsername, cfg.AdminPassword, cfg.BcryptCost)
		switch {
		case err != nil:
			return fmt.Errorf("create the admin account from VEGA_ADMIN_USERNAME: %w", err)
		case created:
			log.Info("created admin account from VEGA_ADMIN_USERNAME", "username", admin.Username, "user_id", admin.ID)
		case !admin.IsAdmin():
			log.Warn("VEGA_ADMIN_USERNAME names an existing account that is not an admin; left unchanged (use `vega user set-role`)", "username", admin.Username)
		}
	}
	srv, err := server.New(server.Deps{Config: cfg, DB: db, Store: store, Logger: log})
	if err != nil {
		return err
	}

	// Expired generated documents are deleted every hour until shutdown.
	cleanupCtx, stopCleanup := context.WithCancel(ctx)
	cleanupDone := make(chan struct{})
	go func() { defer close(cleanupDone); srv.RunDocumentCleanup(cleanupCtx, time.Hour) }()
	defer func() { stopCleanup(); <-cleanupDone }()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another Vega already running? set VEGA_ADDR to another port)", cfg.Addr, err)
	}
	log.Info("vega listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "mode", cfg.Mode)
	fmt.Fprintf(stdout, "Vega is running at %s\n", cfg.BaseURL)

	errc := make(chan error, 1)
	go func() { errc <- srv.App().Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("shutdown did not finish cleanly", "err", err)
	}
	<-errc
	return nil
}
