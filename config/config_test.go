package config

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8765" || c.DataDir != "./data" || c.Mode != ModeSelfHosted || c.LogLevel != slog.LevelInfo ||
		c.LogFormat != "text" || c.BaseURL != "http://localhost:8765" || c.ShutdownTimeout != 15*time.Second {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	p, err := c.SQLitePath()
	if err != nil || p != filepath.Join("data", "vega.db") {
		t.Fatalf("SQLitePath = %q, %v", p, err)
	}
}

func TestLoadRejectsBadValuesWithAHint(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"address without port", map[string]string{"VEGA_ADDR": "localhost"}, "VEGA_ADDR"},
		{"port out of range", map[string]string{"VEGA_ADDR": ":99999"}, "no valid port"},
		{"short secret", map[string]string{"VEGA_SECRET": "short"}, "at least 32"},
		{"unknown mode", map[string]string{"VEGA_MODE": "saas"}, "use selfhosted or cloud"},
		{"unknown log level", map[string]string{"VEGA_LOG_LEVEL": "loud"}, "use debug, info, warn or error"},
		{"unknown log format", map[string]string{"VEGA_LOG_FORMAT": "xml"}, "use text or json"},
		{"relative base url", map[string]string{"VEGA_BASE_URL": "vega.local"}, "absolute http"},
		{"body limit not a number", map[string]string{"VEGA_BODY_LIMIT_MB": "ten"}, "VEGA_BODY_LIMIT_MB"},
		{"bad shutdown timeout", map[string]string{"VEGA_SHUTDOWN_TIMEOUT": "-1s"}, "positive duration"},
		{"unknown database scheme", map[string]string{"VEGA_DATABASE_URL": "mysql://x"}, "unknown scheme"},
		{"missing secret file", map[string]string{"VEGA_SECRET_FILE": "/nonexistent/secret"}, "VEGA_SECRET_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	_, err := Load(env(map[string]string{"VEGA_MODE": "x", "VEGA_LOG_FORMAT": "y"}))
	if err == nil || !strings.Contains(err.Error(), "VEGA_MODE") || !strings.Contains(err.Error(), "VEGA_LOG_FORMAT") {
		t.Fatalf("want both problems reported, got %v", err)
	}
}

func TestSQLitePathForms(t *testing.T) {
	for in, want := range map[string]string{
		"/var/lib/vega.db":          "/var/lib/vega.db",
		"sqlite:///var/lib/vega.db": "/var/lib/vega.db",
		"file:/tmp/x.db":            "/tmp/x.db",
	} {
		c, err := Load(env(map[string]string{"VEGA_DATABASE_URL": in}))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := c.SQLitePath(); got != want {
			t.Errorf("SQLitePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnsureSecretGeneratesOnceWithPrivateMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	c := Config{DataDir: dir}
	if err := c.EnsureSecret(); err != nil {
		t.Fatal(err)
	}
	if len(c.Secret) < 32 {
		t.Fatalf("secret too short: %q", c.Secret)
	}
	st, err := os.Stat(filepath.Join(dir, "secret"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode = %v, want 0600", st.Mode().Perm())
	}
	again := Config{DataDir: dir}
	if err := again.EnsureSecret(); err != nil {
		t.Fatal(err)
	}
	if again.Secret != c.Secret {
		t.Fatal("a second start generated a different secret; tokens would be invalidated on every restart")
	}
}

func TestSecretFromFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "s")
	secret := strings.Repeat("k", 40)
	if err := os.WriteFile(f, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"VEGA_SECRET_FILE": f}))
	if err != nil || c.Secret != secret {
		t.Fatalf("secret from file = %q, %v", c.Secret, err)
	}
}

func TestLoadAccountDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.RegistrationOpen || c.BcryptCost != 12 || c.AccessTokenTTL != 15*time.Minute ||
		c.RefreshTokenTTL != 30*24*time.Hour || c.AdminUsername != "" || c.AdminPassword != "" {
		t.Fatalf("unexpected account defaults: open=%t cost=%d access=%s refresh=%s admin=%q",
			c.RegistrationOpen, c.BcryptCost, c.AccessTokenTTL, c.RefreshTokenTTL, c.AdminUsername)
	}
}

func TestLoadAccountSettings(t *testing.T) {
	c, err := Load(env(map[string]string{
		"VEGA_REGISTRATION":      "Closed",
		"VEGA_BCRYPT_COST":       "10",
		"VEGA_ACCESS_TOKEN_TTL":  "5m",
		"VEGA_REFRESH_TOKEN_TTL": "7d",
		"VEGA_ADMIN_USERNAME":    "root",
		"VEGA_ADMIN_PASSWORD":    "correct horse",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.RegistrationOpen || c.BcryptCost != 10 || c.AccessTokenTTL != 5*time.Minute ||
		c.RefreshTokenTTL != 7*24*time.Hour || c.AdminUsername != "root" || c.AdminPassword != "correct horse" {
		t.Fatalf("settings not read: %+v", c)
	}

	f := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(f, []byte("from a file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = Load(env(map[string]string{"VEGA_ADMIN_USERNAME": "root", "VEGA_ADMIN_PASSWORD_FILE": f}))
	if err != nil || c.AdminPassword != "from a file" {
		t.Fatalf("admin password from file = %q, %v", c.AdminPassword, err)
	}
}

func TestLoadRejectsBadAccountSettings(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"unknown registration", map[string]string{"VEGA_REGISTRATION": "invite"}, "use open or closed"},
		{"bcrypt cost too low", map[string]string{"VEGA_BCRYPT_COST": "4"}, "VEGA_BCRYPT_COST"},
		{"bcrypt cost too high", map[string]string{"VEGA_BCRYPT_COST": "20"}, "VEGA_BCRYPT_COST"},
		{"access ttl not a duration", map[string]string{"VEGA_ACCESS_TOKEN_TTL": "soon"}, "VEGA_ACCESS_TOKEN_TTL"},
		{"access ttl too long", map[string]string{"VEGA_ACCESS_TOKEN_TTL": "48h"}, "VEGA_ACCESS_TOKEN_TTL"},
		{"refresh ttl too short", map[string]string{"VEGA_REFRESH_TOKEN_TTL": "10m"}, "VEGA_REFRESH_TOKEN_TTL"},
		{"refresh ttl bad days", map[string]string{"VEGA_REFRESH_TOKEN_TTL": "xd"}, "VEGA_REFRESH_TOKEN_TTL"},
		{"access longer than refresh", map[string]string{"VEGA_ACCESS_TOKEN_TTL": "3h", "VEGA_REFRESH_TOKEN_TTL": "2h"}, "must not be longer"},
		{"admin name without password", map[string]string{"VEGA_ADMIN_USERNAME": "root"}, "VEGA_ADMIN_PASSWORD is not"},
		{"admin password without name", map[string]string{"VEGA_ADMIN_PASSWORD": "longenough"}, "VEGA_ADMIN_USERNAME is not"},
		{"admin password too short", map[string]string{"VEGA_ADMIN_USERNAME": "root", "VEGA_ADMIN_PASSWORD": "short"}, "8 to 72 bytes"},
		{"admin password too long", map[string]string{"VEGA_ADMIN_USERNAME": "root", "VEGA_ADMIN_PASSWORD": strings.Repeat("p", 73)}, "8 to 72 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestDatabaseForms(t *testing.T) {
	tests := []struct {
		in       string
		path     string
		url      string
		wantErr  string
		redacted string
	}{
		{in: "", path: "data/vega.db"},
		{in: "/var/lib/vega.db", path: "/var/lib/vega.db"},
		{in: "sqlite:///var/lib/vega.db", path: "/var/lib/vega.db"},
		{in: "postgres://vega:hunter2@db.internal:5432/vega?sslmode=require", url: "postgres://vega:hunter2@db.internal:5432/vega?sslmode=require",
			redacted: "postgres://vega:xxxxx@db.internal:5432/vega?sslmode=require"},
		{in: "postgresql://db/vega", url: "postgresql://db/vega", redacted: "postgresql://db/vega"},
		{in: "postgres://db.internal", wantErr: "needs a host and a database name"},
		{in: "postgres:///vega", wantErr: "needs a host and a database name"},
		{in: "mysql://db/vega", wantErr: `unknown scheme "mysql"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := Load(env(map[string]string{"VEGA_DATABASE_URL": tt.in, "VEGA_DATA_DIR": "data"}))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("Load = %v, want an error saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d, err := c.Database()
			if err != nil || d.Path != tt.path || d.URL != tt.url {
				t.Fatalf("Database() = %+v, %v; want path %q url %q", d, err, tt.path, tt.url)
			}
			if d.Postgres() != (tt.url != "") {
				t.Errorf("Postgres() = %v", d.Postgres())
			}
			if tt.redacted != "" && d.String() != tt.redacted {
				t.Errorf("String() = %q, want %q (no password)", d.String(), tt.redacted)
			}
			if _, err := c.SQLitePath(); (err != nil) != d.Postgres() {
				t.Errorf("SQLitePath error = %v on %+v", err, d)
			}
		})
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := Load(env(map[string]string{"VEGA_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.10 ,2001:db8::/32,::ffff:198.51.100.1"}))
	if err != nil {
		t.Fatal(err)
	}
	want := "[10.0.0.0/8 192.0.2.10/32 2001:db8::/32 198.51.100.1/32]"
	if got := fmt.Sprint(c.TrustedProxies); got != want {
		t.Errorf("TrustedProxies = %s, want %s", got, want)
	}
	if _, err := Load(env(map[string]string{"VEGA_TRUSTED_PROXIES": "10.0.0.0/8,lb.internal"})); err == nil || !strings.Contains(err.Error(), `"lb.internal"`) {
		t.Errorf("a host name = %v, want an error naming it", err)
	}
}
