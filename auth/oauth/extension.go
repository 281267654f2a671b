package oauth

import (
	"errors"
	"net/url"
	"slices"
	"strings"
)

// Browser extensions receive the end of a web-auth flow
// (chrome.identity.launchWebAuthFlow, browser.identity.launchWebAuthFlow)
// at an https address the browser intercepts and never loads:
//
//	Chrome, Edge:  https://<extension id>.chromiumapp.org/...
//	Firefox:       https://<id>.extensions.allizom.org/...
//
// where Firefox's <id> is the subdomain of identity.getRedirectURL(), a
// hash of the add-on's id. ExtensionRedirect accepts only such addresses,
// so a one-time code can never be sent to an arbitrary site.
var extensionRedirectDomains = []string{".chromiumapp.org", ".extensions.allizom.org"}

// ErrBadRedirect is returned by ExtensionRedirect for an address that is not
// an allowed extension's redirect URL.
var ErrBadRedirect = errors.New("redirect_uri must be the browser extension's identity redirect URL (https://<id>.chromiumapp.org/ or https://<id>.extensions.allizom.org/)")

// maxRedirectLen bounds a redirect_uri.
const maxRedirectLen = 512

// ExtensionRedirect parses raw and checks that it is an extension's
// web-auth redirect URL: https, no user, port or fragment, host
// <id>.chromiumapp.org or <id>.extensions.allizom.org with <id> made of
// letters and digits. When allowed is not empty, <id> must be in it
// (compared without letter case). It returns the URL, or ErrBadRedirect.
func ExtensionRedirect(raw string, allowed []string) (*url.URL, error) {
	if raw == "" || len(raw) > maxRedirectLen {
		return nil, ErrBadRedirect
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" || u.Fragment != "" || u.Opaque != "" ||
		strings.Contains(raw, "#") {
		return nil, ErrBadRedirect
	}
	host := strings.ToLower(u.Hostname())
	var id string
	for _, d := range extensionRedirectDomains {
		if s, ok := strings.CutSuffix(host, d); ok {
			id = s
			break
		}
	}
	if id == "" || len(id) > 64 {
		return nil, ErrBadRedirect
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return nil, ErrBadRedirect
		}
	}
	if len(allowed) > 0 && !slices.ContainsFunc(allowed, func(a string) bool { return strings.EqualFold(a, id) }) {
		return nil, ErrBadRedirect
	}
	u.Host = host
	return u, nil
}

// WithQuery returns u with the query parameters of add set, keeping the
// others.
func WithQuery(u *url.URL, add url.Values) string {
	c := *u
	q := c.Query()
	for k, v := range add {
		q[k] = v
	}
	c.RawQuery = q.Encode()
	return c.String()
}
