package config

import (
	"strings"
	"testing"
)

func TestOAuthProvidersFromTheEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		problem string // a fragment of the error; "" when valid
		check   func(t *testing.T, c Config)
	}{
		{name: "none configured", check: func(t *testing.T, c Config) {
			if c.GoogleClientID != "" || c.GitHubClientID != "" || c.OIDCIssuer != "" {
				t.Fatalf("providers configured from nothing: %+v", c)
			}
		}},
		{name: "google and github with their usual names", env: map[string]string{
			"GOOGLE_CLIENT_ID": "g-id", "GOOGLE_CLIENT_SECRET": "g-secret", "GITHUB_CLIENT_ID": "gh-id", "GITHUB_CLIENT_SECRET": "gh-secret",
		}, check: func(t *testing.T, c Config) {
			if c.GoogleClientID != "g-id" || c.GoogleClientSecret != "g-secret" || c.GitHubClientID != "gh-id" || c.GitHubClientSecret != "gh-secret" {
				t.Fatalf("config = %+v", c)
			}
		}},
		{name: "VEGA_ prefixed names", env: map[string]string{"VEGA_GOOGLE_CLIENT_ID": "g-id", "VEGA_GOOGLE_CLIENT_SECRET": "g-secret"},
			check: func(t *testing.T, c Config) {
				if c.GoogleClientID != "g-id" || c.GoogleClientSecret != "g-secret" {
					t.Fatalf("config = %+v", c)
				}
			}},
		{name: "id without secret", env: map[string]string{"GITHUB_CLIENT_ID": "x"}, problem: "GITHUB_CLIENT_SECRET is not"},
		{name: "secret without id", env: map[string]string{"GOOGLE_CLIENT_SECRET": "x"}, problem: "GOOGLE_CLIENT_ID is not"},
		{name: "oidc issuer with defaults", env: map[string]string{"VEGA_OIDC_ISSUER": "https://auth.example.com/realms/main/", "VEGA_OIDC_CLIENT_ID": "vega"},
			check: func(t *testing.T, c Config) {
				if c.OIDCIssuer != "https://auth.example.com/realms/main" || c.OIDCClientID != "vega" || c.OIDCName != "Single sign-on" {
					t.Fatalf("config = %+v", c)
				}
			}},
		{name: "oidc issuer without client id", env: map[string]string{"VEGA_OIDC_ISSUER": "https://auth.example.com"}, problem: "VEGA_OIDC_CLIENT_ID is not"},
		{name: "oidc client without issuer", env: map[string]string{"VEGA_OIDC_CLIENT_ID": "vega"}, problem: "VEGA_OIDC_ISSUER is not"},
		{name: "oidc issuer over plain http", env: map[string]string{"VEGA_OIDC_ISSUER": "http://auth.example.com", "VEGA_OIDC_CLIENT_ID": "v"}, problem: "https://"},
		{name: "oidc issuer on localhost over http", env: map[string]string{"VEGA_OIDC_ISSUER": "http://localhost:8080/realms/dev", "VEGA_OIDC_CLIENT_ID": "v", "VEGA_OIDC_NAME": "Keycloak"},
			check: func(t *testing.T, c Config) {
				if c.OIDCName != "Keycloak" {
					t.Fatalf("config = %+v", c)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(func(k string) string { return tt.env[k] })
			if tt.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tt.problem) {
					t.Fatalf("Load = %v, want a problem mentioning %q", err, tt.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}
