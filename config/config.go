// Package config reads Vega's configuration from environment variables into one
// typed struct and validates it, with messages that say what to fix.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Mode says whether Vega runs for one household (selfhosted) or as a hosted
// service with per-user quotas (cloud).
type Mode string

// The modes Vega knows.
const (
	ModeSelfHosted Mode = "selfhosted"
	ModeCloud      Mode = "cloud"
)

// Config is Vega's whole configuration. Load fills it from the environment.
type Config struct {
	// Addr is the address the HTTP server listens on (VEGA_ADDR).
	Addr string
	// DataDir holds the SQLite database and the generated secret (VEGA_DATA_DIR).
	DataDir string
	// DatabaseURL names the database (VEGA_DATABASE_URL); empty means the
	// SQLite file vega.db in DataDir.
	DatabaseURL string
	// DatabaseMaxConns bounds the connections one Vega server opens to
	// PostgreSQL, reads and writes together (VEGA_DATABASE_MAX_CONNS). With
	// several servers, their sum must stay under the server's
	// max_connections. SQLite ignores it.
	DatabaseMaxConns int
	// Secret signs tokens (VEGA_SECRET or VEGA_SECRET_FILE); when unset a
	// random one is generated once and kept in DataDir.
	Secret string
	// BaseURL is the public address of the server, used in links and OAuth
	// callbacks (VEGA_BASE_URL).
	BaseURL string
	// Mode is selfhosted or cloud (VEGA_MODE).
	Mode Mode
	// LogLevel is debug, info, warn or error (VEGA_LOG_LEVEL).
	LogLevel slog.Level
	// LogFormat is text or json (VEGA_LOG_FORMAT).
	LogFormat string
	// BodyLimit bounds every request body in bytes (VEGA_BODY_LIMIT_MB).
	BodyLimit int
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// after SIGINT or SIGTERM (VEGA_SHUTDOWN_TIMEOUT).
	ShutdownTimeout time.Duration

	// RegistrationOpen says whether anyone may create an account
	// (VEGA_REGISTRATION=open, the default) or only an admin at the console
	// (closed).
	RegistrationOpen bool
	// BcryptCost is the bcrypt work factor for new password hashes
	// (VEGA_BCRYPT_COST, 10 to 16, default 12).
	BcryptCost int
	// AccessTokenTTL is the lifetime of an API access token (JWT)
	// (VEGA_ACCESS_TOKEN_TTL, default 15m).
	AccessTokenTTL time.Duration
	// RefreshTokenTTL is the lifetime of a refresh token and of a dashboard
	// session (VEGA_REFRESH_TOKEN_TTL, default 720h, that is 30 days; "30d"
	// is accepted too).
	RefreshTokenTTL time.Duration
	// AdminUsername and AdminPassword, when both set, name an admin account
	// created at start-up if no user of that name exists
	// (VEGA_ADMIN_USERNAME, VEGA_ADMIN_PASSWORD or VEGA_ADMIN_PASSWORD_FILE).
	AdminUsername string
	AdminPassword string

	// OAuth sign-in (see config/oauth.go). A provider is offered when its
	// client id is set. Google: GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET
	// (or VEGA_GOOGLE_*); GitHub: GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET
	// (or VEGA_GITHUB_*); any OpenID Connect issuer: VEGA_OIDC_ISSUER,
	// VEGA_OIDC_CLIENT_ID, VEGA_OIDC_CLIENT_SECRET, VEGA_OIDC_NAME.
	GoogleClientID, GoogleClientSecret string
	GitHubClientID, GitHubClientSecret string
	OIDCIssuer, OIDCClientID           string
	OIDCClientSecret, OIDCName         string
	// GoogleIssuer, GitHubURL and GitHubAPIURL override the providers'
	// addresses; they are not read from the environment and are empty
	// (Google's and GitHub's real addresses) except in tests, which point
	// them at a fake provider.
	GoogleIssuer, GitHubURL, GitHubAPIURL string
	// ExtensionIDs limits the browser extensions allowed to call /api from
	// their pages (CORS) to these ids (VEGA_EXTENSION_IDS, comma-separated);
	// empty allows every chrome-extension:// and moz-extension:// origin.
	ExtensionIDs []string
	// TrustedProxies are the reverse proxies and load balancers whose
	// X-Forwarded-For header names the client (VEGA_TRUSTED_PROXIES:
	// comma-separated addresses or CIDR prefixes). Empty: the TCP peer is
	// the client.
	TrustedProxies []netip.Prefix

	// AIBaseURL is the base URL of an OpenAI-compatible chat-completions API
	// (VEGA_AI_BASE_URL, such as https://api.openai.com/v1 or
	// http://localhost:11434/v1 for Ollama). Empty, with no AIAPIKey, means
	// the built-in analyser and generators, which need no network.
	AIBaseURL string
	// AIAPIKey is sent as a bearer token to AIBaseURL (VEGA_AI_API_KEY or
	// VEGA_AI_API_KEY_FILE); local servers need none. A key without a base
	// URL means OpenAI's API.
	AIAPIKey string
	// AIModel is the model asked for (VEGA_AI_MODEL); required with a base URL.
	AIModel string
	// AITimeout bounds one AI call, retries included (VEGA_AI_TIMEOUT,
	// default 60s); when it runs out the built-in result is used.
	AITimeout time.Duration
	// DocumentRetention is how long generated documents are kept
	// (VEGA_DOCUMENT_RETENTION, default 90 days; 0 keeps them).
	DocumentRetention time.Duration
	// QuotaAnalysis, QuotaCoverLetter and QuotaCV are the monthly limits per
	// user in cloud mode (VEGA_QUOTA_ANALYSIS, VEGA_QUOTA_COVER_LETTER,
	// VEGA_QUOTA_CV); 0 means no limit. Self-hosted mode has no limits.
	QuotaAnalysis    int
	QuotaCoverLetter int
	QuotaCV          int
}

// AIEnabled reports whether an OpenAI-compatible API is configured.
func (c Config) AIEnabled() bool { return c.AIBaseURL != "" }

// Var describes one environment variable for the README and `vega --help`.
type Var struct {
	Name, Default, Help string
}

// Vars lists every environment variable Load reads.
var Vars = []Var{
	{"VEGA_ADDR", ":8765", "Address to listen on; 8765 is the port the browser extension expects."},
	{"VEGA_DATA_DIR", "./data", "Directory for the SQLite database and the generated secret."},
	{"VEGA_DATABASE_URL", "sqlite file <data dir>/vega.db", "Database to use: a SQLite file path or sqlite:// URL, or PostgreSQL as postgres://user:password@host:5432/dbname?sslmode=disable (several Vega servers may share it)."},
	{"VEGA_DATABASE_MAX_CONNS", "24", "PostgreSQL only: connections one Vega server opens (two thirds for writes); keep the sum over all servers under PostgreSQL's max_connections."},
	{"VEGA_SECRET", "generated into <data dir>/secret (mode 0600)", "Secret that signs tokens; at least 32 characters. VEGA_SECRET_FILE reads it from a file."},
	{"VEGA_BASE_URL", "http://localhost<addr>", "Public URL of the server, used for links and OAuth callbacks."},
	{"VEGA_MODE", "selfhosted", "selfhosted, or cloud (AI quotas per user)."},
	{"VEGA_LOG_LEVEL", "info", "debug, info, warn or error."},
	{"VEGA_LOG_FORMAT", "text", "text or json."},
	{"VEGA_BODY_LIMIT_MB", "12", "Largest request body accepted, in MiB (a captured page is at most 10 MiB of HTML)."},
	{"VEGA_SHUTDOWN_TIMEOUT", "15s", "How long in-flight requests may take to finish on SIGINT/SIGTERM."},
	{"VEGA_REGISTRATION", "open", "open: anyone can create an account (the first one becomes admin); closed: only `vega user create`."},
	{"VEGA_BCRYPT_COST", "12", "bcrypt work factor for password hashes, 10 to 16."},
	{"VEGA_ACCESS_TOKEN_TTL", "15m", "Lifetime of an API access token, 1m to 24h."},
	{"VEGA_REFRESH_TOKEN_TTL", "720h (30 days)", "Lifetime of a refresh token and of a dashboard session, 1h to 365d (for example 720h or 30d)."},
	{"VEGA_ADMIN_USERNAME", "none", "With VEGA_ADMIN_PASSWORD: create this admin account at start-up if it does not exist."},
	{"VEGA_ADMIN_PASSWORD", "none", "Password of the VEGA_ADMIN_USERNAME account (8 to 72 bytes). VEGA_ADMIN_PASSWORD_FILE reads it from a file."},
	{"GOOGLE_CLIENT_ID", "none", "With GOOGLE_CLIENT_SECRET: offer \"Sign in with Google\" (also read as VEGA_GOOGLE_CLIENT_ID). Callback: <base URL>/auth/google/callback."},
	{"GOOGLE_CLIENT_SECRET", "none", "Client secret of the Google OAuth client (also VEGA_GOOGLE_CLIENT_SECRET)."},
	{"GITHUB_CLIENT_ID", "none", "With GITHUB_CLIENT_SECRET: offer \"Sign in with GitHub\" (also VEGA_GITHUB_CLIENT_ID). Callback: <base URL>/auth/github/callback."},
	{"GITHUB_CLIENT_SECRET", "none", "Client secret of the GitHub OAuth app (also VEGA_GITHUB_CLIENT_SECRET)."},
	{"VEGA_OIDC_ISSUER", "none", "With VEGA_OIDC_CLIENT_ID: offer sign-in with this OpenID Connect issuer, found by discovery. Callback: <base URL>/auth/oidc/callback."},
	{"VEGA_OIDC_CLIENT_ID", "none", "Client id registered at VEGA_OIDC_ISSUER."},
	{"VEGA_OIDC_CLIENT_SECRET", "none", "Client secret registered at VEGA_OIDC_ISSUER; empty for a public client (PKCE only)."},
	{"VEGA_OIDC_NAME", "Single sign-on", "Name of the VEGA_OIDC_ISSUER provider on the sign-in button."},
	{"VEGA_TRUSTED_PROXIES", "none", "Comma-separated addresses or CIDR prefixes of your reverse proxies or load balancers: a request from one of them is attributed to the right-most address in X-Forwarded-For that is not a proxy (for logs, sessions and per-address limits). Unset: the TCP peer is the client."},
	{"VEGA_EXTENSION_IDS", "any", "Comma-separated browser extension ids allowed to call the API and to receive OAuth sign-in codes: Chrome's 32-letter id; for Firefox both its moz-extension UUID (API) and the <hash> of its https://<hash>.extensions.allizom.org/ sign-in redirect. Unset allows any extension."},
	{"VEGA_AI_BASE_URL", "none (built-in analysis)", "Base URL of an OpenAI-compatible chat-completions API: OpenAI, Ollama (http://localhost:11434/v1), LM Studio, vLLM, OpenRouter, Gemini. Unset: the built-in analyser and generators (no network)."},
	{"VEGA_AI_API_KEY", "none", "API key sent as a bearer token; set alone, it means https://api.openai.com/v1. VEGA_AI_API_KEY_FILE reads it from a file."},
	{"VEGA_AI_MODEL", "gpt-4o-mini with OpenAI's URL; required otherwise", "Model name to ask the AI API for."},
	{"VEGA_AI_TIMEOUT", "60s", "Longest an AI call may take, retries included (1s to 10m); then the built-in result is used."},
	{"VEGA_DOCUMENT_RETENTION", "90d", "How long generated cover letters and CVs are kept (for example 90d or 720h); 0 keeps them."},
	{"VEGA_QUOTA_ANALYSIS", "100", "Cloud mode: job analyses per user per calendar month (UTC); 0 means no limit."},
	{"VEGA_QUOTA_COVER_LETTER", "20", "Cloud mode: cover letters per user per calendar month (UTC); 0 means no limit."},
	{"VEGA_QUOTA_CV", "20", "Cloud mode: CVs per user per calendar month (UTC); 0 means no limit."},
}

// Load reads the configuration through getenv (os.Getenv in production) and
// validates it. It does not touch the file system; see EnsureSecret.
func Load(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	c := Config{
		Addr:        get("VEGA_ADDR", ":8765"),
		DataDir:     get("VEGA_DATA_DIR", "./data"),
		DatabaseURL: get("VEGA_DATABASE_URL", ""),
		Secret:      getenv("VEGA_SECRET"),
		BaseURL:     strings.TrimRight(get("VEGA_BASE_URL", ""), "/"),
		Mode:        Mode(strings.ToLower(get("VEGA_MODE", string(ModeSelfHosted)))),
		LogFormat:   strings.ToLower(get("VEGA_LOG_FORMAT", "text")),
	}

	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("VEGA_ADDR=%q is not a listen address: use host:port or :port, for example :8765", c.Addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("VEGA_ADDR=%q has no valid port (0-65535)", c.Addr)
	}

	if f := getenv("VEGA_SECRET_FILE"); f != "" && c.Secret == "" {
		b, err := os.ReadFile(f)
		if err != nil {
			bad("VEGA_SECRET_FILE=%q cannot be read: %v", f, err)
		}
		c.Secret = strings.TrimSpace(string(b))
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		bad("VEGA_SECRET is %d characters long; use at least 32 (for example: openssl rand -hex 32), or unset it to have one generated", len(c.Secret))
	}

	if c.BaseURL == "" {
		host, port, _ := net.SplitHostPort(c.Addr)
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("VEGA_BASE_URL=%q must be an absolute http:// or https:// URL, for example https://vega.example.com", c.BaseURL)
	}

	switch c.Mode {
	case ModeSelfHosted, ModeCloud:
	default:
		bad("VEGA_MODE=%q is not known: use selfhosted or cloud", c.Mode)
	}

	switch strings.ToLower(get("VEGA_LOG_LEVEL", "info")) {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("VEGA_LOG_LEVEL=%q is not known: use debug, info, warn or error", getenv("VEGA_LOG_LEVEL"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("VEGA_LOG_FORMAT=%q is not known: use text or json", c.LogFormat)
	}

	mb, err := strconv.Atoi(get("VEGA_BODY_LIMIT_MB", "12"))
	if err != nil || mb < 1 || mb > 1024 {
		bad("VEGA_BODY_LIMIT_MB=%q must be a whole number of MiB between 1 and 1024", getenv("VEGA_BODY_LIMIT_MB"))
	}
	c.BodyLimit = mb << 20

	c.ShutdownTimeout, err = time.ParseDuration(get("VEGA_SHUTDOWN_TIMEOUT", "15s"))
	if err != nil || c.ShutdownTimeout <= 0 {
		bad("VEGA_SHUTDOWN_TIMEOUT=%q must be a positive duration such as 15s", getenv("VEGA_SHUTDOWN_TIMEOUT"))
	}

	switch reg := strings.ToLower(get("VEGA_REGISTRATION", "open")); reg {
	case "open":
		c.RegistrationOpen = true
	case "closed":
		c.RegistrationOpen = false
	default:
		bad("VEGA_REGISTRATION=%q is not known: use open or closed", getenv("VEGA_REGISTRATION"))
	}

	c.DatabaseMaxConns, err = strconv.Atoi(get("VEGA_DATABASE_MAX_CONNS", "24"))
	if err != nil || c.DatabaseMaxConns < 2 || c.DatabaseMaxConns > 1000 {
		bad("VEGA_DATABASE_MAX_CONNS=%q must be a whole number from 2 to 1000", getenv("VEGA_DATABASE_MAX_CONNS"))
	}

	c.BcryptCost, err = strconv.Atoi(get("VEGA_BCRYPT_COST", "12"))
	if err != nil || c.BcryptCost < 10 || c.BcryptCost > 16 {
		bad("VEGA_BCRYPT_COST=%q must be a whole number from 10 to 16 (12 is a good default; each step doubles the work)", getenv("VEGA_BCRYPT_COST"))
	}

	c.AccessTokenTTL, err = time.ParseDuration(get("VEGA_ACCESS_TOKEN_TTL", "15m"))
	if err != nil || c.AccessTokenTTL < time.Minute || c.AccessTokenTTL > 24*time.Hour {
		bad("VEGA_ACCESS_TOKEN_TTL=%q must be a duration from 1m to 24h, such as 15m", getenv("VEGA_ACCESS_TOKEN_TTL"))
	}
	c.RefreshTokenTTL, err = parseLongDuration(get("VEGA_REFRESH_TOKEN_TTL", "720h"))
	if err != nil || c.RefreshTokenTTL < time.Hour || c.RefreshTokenTTL > 365*24*time.Hour {
		bad("VEGA_REFRESH_TOKEN_TTL=%q must be a duration from 1h to 365d, such as 720h or 30d", getenv("VEGA_REFRESH_TOKEN_TTL"))
	} else if err == nil && c.AccessTokenTTL > c.RefreshTokenTTL {
		bad("VEGA_ACCESS_TOKEN_TTL (%s) must not be longer than VEGA_REFRESH_TOKEN_TTL (%s)", c.AccessTokenTTL, c.RefreshTokenTTL)
	}

	c.AdminUsername = strings.TrimSpace(getenv("VEGA_ADMIN_USERNAME"))
	c.AdminPassword = getenv("VEGA_ADMIN_PASSWORD")
	if f := getenv("VEGA_ADMIN_PASSWORD_FILE"); f != "" && c.AdminPassword == "" {
		b, err := os.ReadFile(f)
		if err != nil {
			bad("VEGA_ADMIN_PASSWORD_FILE=%q cannot be read: %v", f, err)
		}
		c.AdminPassword = strings.TrimRight(string(b), "\r\n")
	}
	switch {
	case c.AdminUsername != "" && c.AdminPassword == "":
		bad("VEGA_ADMIN_USERNAME is set but VEGA_ADMIN_PASSWORD is not: set both to create an admin at start-up, or neither")
	case c.AdminUsername == "" && c.AdminPassword != "":
		bad("VEGA_ADMIN_PASSWORD is set but VEGA_ADMIN_USERNAME is not: set both to create an admin at start-up, or neither")
	case c.AdminPassword != "" && (len(c.AdminPassword) < 8 || len(c.AdminPassword) > 72):
		bad("VEGA_ADMIN_PASSWORD is %d bytes long; it must be 8 to 72 bytes", len(c.AdminPassword))
	}

	for _, id := range strings.Split(getenv("VEGA_EXTENSION_IDS"), ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if !validExtensionID(id) {
			bad("VEGA_EXTENSION_IDS: %q is not an extension id: use Chrome's 32-letter id or Firefox's internal UUID, separated by commas", id)
			continue
		}
		c.ExtensionIDs = append(c.ExtensionIDs, strings.ToLower(id))
	}

	for _, p := range strings.Split(getenv("VEGA_TRUSTED_PROXIES"), ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				bad("VEGA_TRUSTED_PROXIES: %q is neither an IP address nor a CIDR prefix such as 10.0.0.0/8", p)
				continue
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, prefix.Masked())
	}

	c.AIBaseURL = strings.TrimRight(get("VEGA_AI_BASE_URL", ""), "/")
	c.AIAPIKey = strings.TrimSpace(getenv("VEGA_AI_API_KEY"))
	if f := getenv("VEGA_AI_API_KEY_FILE"); f != "" && c.AIAPIKey == "" {
		b, err := os.ReadFile(f)
		if err != nil {
			bad("VEGA_AI_API_KEY_FILE=%q cannot be read: %v", f, err)
		}
		c.AIAPIKey = strings.TrimSpace(string(b))
	}
	c.AIModel = get("VEGA_AI_MODEL", "")
	if c.AIBaseURL == "" && c.AIAPIKey != "" {
		c.AIBaseURL = "https://api.openai.com/v1"
		if c.AIModel == "" {
			c.AIModel = "gpt-4o-mini"
		}
	}
	if c.AIBaseURL != "" {
		if u, err := url.Parse(c.AIBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("VEGA_AI_BASE_URL=%q must be an absolute http:// or https:// URL, for example http://localhost:11434/v1", c.AIBaseURL)
		}
		if c.AIModel == "" {
			bad("VEGA_AI_BASE_URL is set but VEGA_AI_MODEL is not: name the model to use, for example llama3.1 or gpt-4o-mini")
		}
	}
	c.AITimeout, err = time.ParseDuration(get("VEGA_AI_TIMEOUT", "60s"))
	if err != nil || c.AITimeout < time.Second || c.AITimeout > 10*time.Minute {
		bad("VEGA_AI_TIMEOUT=%q must be a duration from 1s to 10m, such as 60s", getenv("VEGA_AI_TIMEOUT"))
	}
	if r := get("VEGA_DOCUMENT_RETENTION", "90d"); r == "0" {
		c.DocumentRetention = 0
	} else if c.DocumentRetention, err = parseLongDuration(r); err != nil || c.DocumentRetention < 0 ||
		(c.DocumentRetention > 0 && c.DocumentRetention < time.Hour) {
		bad("VEGA_DOCUMENT_RETENTION=%q must be 0 (keep documents) or a duration of at least 1h, such as 90d or 720h", getenv("VEGA_DOCUMENT_RETENTION"))
	}
	for _, q := range []struct {
		name, def string
		dst       *int
	}{
		{"VEGA_QUOTA_ANALYSIS", "100", &c.QuotaAnalysis},
		{"VEGA_QUOTA_COVER_LETTER", "20", &c.QuotaCoverLetter},
		{"VEGA_QUOTA_CV", "20", &c.QuotaCV},
	} {
		n, err := strconv.Atoi(get(q.name, q.def))
		if err != nil || n < 0 || n > 1_000_000 {
			bad("%s=%q must be a whole number from 0 (no limit) to 1000000", q.name, getenv(q.name))
		}
		*q.dst = n
	}

	c.loadOAuth(getenv, bad)

	if c.DatabaseURL != "" {
		if _, err := c.Database(); err != nil {
			bad("%v", err)
		}
	}

	if len(problems) > 0 {
		return c, errors.New("configuration: " + strings.Join(problems, "; "))
	}
	return c, nil
}

// validExtensionID reports whether id looks like a browser extension's id
// as it appears in its origin: letters, digits and "-", 1 to 64 of them.
func validExtensionID(id string) bool {
	if len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// parseLongDuration parses a Go duration ("720h") or a whole number of days
// ("30d").
func parseLongDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100000 {
			return 0, fmt.Errorf("bad number of days %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// Database names the database the configuration chooses: exactly one of
// its fields is set.
type Database struct {
	// Path is the SQLite file (the default: vega.db in DataDir).
	Path string
	// URL is a PostgreSQL connection URL (postgres:// or postgresql://).
	URL string
}

// Postgres reports whether d is a PostgreSQL database.
func (d Database) Postgres() bool { return d.URL != "" }

// String names d for messages, without a password.
func (d Database) String() string {
	if d.URL == "" {
		return d.Path
	}
	u, err := url.Parse(d.URL)
	if err != nil {
		return "PostgreSQL"
	}
	return u.Redacted()
}

// Database returns the database VEGA_DATABASE_URL names: a PostgreSQL URL,
// a SQLite file path or sqlite:// URL, or (unset) vega.db in DataDir.
func (c Config) Database() (Database, error) {
	u := c.DatabaseURL
	switch {
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		p, err := url.Parse(u)
		if err != nil || p.Host == "" || strings.Trim(p.Path, "/") == "" {
			return Database{}, fmt.Errorf("VEGA_DATABASE_URL: a PostgreSQL URL needs a host and a database name: postgres://user:password@host:5432/vega?sslmode=disable")
		}
		return Database{URL: u}, nil
	case strings.HasPrefix(u, "sqlite://"):
		return Database{Path: strings.TrimPrefix(u, "sqlite://")}, nil
	case strings.HasPrefix(u, "sqlite:"):
		return Database{Path: strings.TrimPrefix(u, "sqlite:")}, nil
	case strings.HasPrefix(u, "file:"):
		return Database{Path: strings.TrimPrefix(u, "file:")}, nil
	case strings.Contains(u, "://"):
		scheme, _, _ := strings.Cut(u, "://")
		return Database{}, fmt.Errorf("VEGA_DATABASE_URL: unknown scheme %q; use postgres://user:password@host/dbname, a file path or sqlite:///path/to/vega.db", scheme)
	case u == "":
		return Database{Path: filepath.Join(c.DataDir, "vega.db")}, nil
	default:
		return Database{Path: u}, nil
	}
}

// SQLitePath returns the file path of the SQLite database the configuration
// names, or an error when it names PostgreSQL.
func (c Config) SQLitePath() (string, error) {
	d, err := c.Database()
	if err != nil {
		return "", err
	}
	if d.Postgres() {
		return "", fmt.Errorf("VEGA_DATABASE_URL names a PostgreSQL database, not a SQLite file")
	}
	return d.Path, nil
}

// EnsureSecret fills c.Secret when it is empty: it reads DataDir/secret, or
// generates 32 random bytes and writes them there with mode 0600.
func (c *Config) EnsureSecret() error {
	if c.Secret != "" {
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory %s: %w", c.DataDir, err)
	}
	path := filepath.Join(c.DataDir, "secret")
	if b, err := os.ReadFile(path); err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < 32 {
			return fmt.Errorf("%s holds a secret shorter than 32 characters: delete it to have a new one generated", path)
		}
		c.Secret = s
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read secret %s: %w", path, err)
	}
	s, err := GenerateSecret()
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write secret %s: %w", path, err)
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("write secret %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write secret %s: %w", path, err)
	}
	c.Secret = s
	return nil
}

// GenerateSecret returns a new random secret: 32 bytes, hex-encoded.
func GenerateSecret() (string, error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("generate secret: %w", err)
	}
	return hex.EncodeToString(buf), nil
}

// Logger builds the slog logger the configuration asks for.
func (c Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
