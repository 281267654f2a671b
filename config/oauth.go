package config

import (
	"net/url"
	"strings"
)

// firstEnv returns the first of names set in the environment, trimmed.
func firstEnv(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// loadOAuth reads the OAuth providers' settings into c, reporting problems
// through bad: a client id without its secret (or the reverse), and an
// OpenID Connect issuer that is not an absolute https URL (http is allowed
// for localhost only, for a development issuer).
func (c *Config) loadOAuth(getenv func(string) string, bad func(string, ...any)) {
	c.GoogleClientID = firstEnv(getenv, "GOOGLE_CLIENT_ID", "VEGA_GOOGLE_CLIENT_ID")
	c.GoogleClientSecret = firstEnv(getenv, "GOOGLE_CLIENT_SECRET", "VEGA_GOOGLE_CLIENT_SECRET")
	c.GitHubClientID = firstEnv(getenv, "GITHUB_CLIENT_ID", "VEGA_GITHUB_CLIENT_ID")
	c.GitHubClientSecret = firstEnv(getenv, "GITHUB_CLIENT_SECRET", "VEGA_GITHUB_CLIENT_SECRET")
	c.OIDCIssuer = strings.TrimRight(firstEnv(getenv, "VEGA_OIDC_ISSUER"), "/")
	c.OIDCClientID = firstEnv(getenv, "VEGA_OIDC_CLIENT_ID")
	c.OIDCClientSecret = firstEnv(getenv, "VEGA_OIDC_CLIENT_SECRET")
	c.OIDCName = firstEnv(getenv, "VEGA_OIDC_NAME")

	pairs := []struct{ id, secret, idVar, secretVar string }{
		{c.GoogleClientID, c.GoogleClientSecret, "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"},
		{c.GitHubClientID, c.GitHubClientSecret, "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"},
	}
	for _, p := range pairs {
		switch {
		case p.id != "" && p.secret == "":
			bad("%s is set but %s is not: set both to offer this sign-in, or neither", p.idVar, p.secretVar)
		case p.id == "" && p.secret != "":
			bad("%s is set but %s is not: set both to offer this sign-in, or neither", p.secretVar, p.idVar)
		}
	}
	switch {
	case c.OIDCIssuer != "" && c.OIDCClientID == "":
		bad("VEGA_OIDC_ISSUER is set but VEGA_OIDC_CLIENT_ID is not: set both to offer OpenID Connect sign-in, or neither")
	case c.OIDCIssuer == "" && (c.OIDCClientID != "" || c.OIDCClientSecret != ""):
		bad("VEGA_OIDC_CLIENT_ID or VEGA_OIDC_CLIENT_SECRET is set but VEGA_OIDC_ISSUER is not: name the issuer, for example https://auth.example.com/realms/main")
	case c.OIDCIssuer != "":
		u, err := url.Parse(c.OIDCIssuer)
		local := err == nil && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1")
		if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || !(u.Scheme == "https" || u.Scheme == "http" && local) {
			bad("VEGA_OIDC_ISSUER=%q must be the issuer's https:// URL, without query or fragment, for example https://auth.example.com/realms/main", c.OIDCIssuer)
		}
	}
	if c.OIDCName == "" {
		c.OIDCName = "Single sign-on"
	}
}
