package server

import (
	"io"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/config"
)

func TestClientIP(t *testing.T) {
	// app.Test connects from 0.0.0.0, so that is the peer here.
	lb := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32"), netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name    string
		proxies []netip.Prefix
		xff     []string
		want    string
	}{
		{"no proxies configured: the header is ignored", nil, []string{"203.0.113.7"}, "0.0.0.0"},
		{"peer is not a trusted proxy", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, []string{"203.0.113.7"}, "0.0.0.0"},
		{"one proxy", lb, []string{"203.0.113.7"}, "203.0.113.7"},
		{"client-written addresses left of the real one are ignored", lb, []string{"198.51.100.1, 203.0.113.7"}, "203.0.113.7"},
		{"a chain of our proxies is skipped", lb, []string{"203.0.113.7, 10.1.2.3, 10.9.9.9"}, "203.0.113.7"},
		{"several headers are one list", lb, []string{"198.51.100.1", "203.0.113.7, 10.1.2.3"}, "203.0.113.7"},
		{"IPv6 client", lb, []string{"2001:db8::1"}, "2001:db8::1"},
		{"IPv4-mapped client", lb, []string{"::ffff:203.0.113.7"}, "203.0.113.7"},
		{"a malformed hop: the peer", lb, []string{"203.0.113.7, garbage"}, "0.0.0.0"},
		{"no header: the peer", lb, nil, "0.0.0.0"},
		{"only proxies: the peer", lb, []string{"10.0.0.1"}, "0.0.0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{deps: Deps{Config: config.Config{TrustedProxies: tt.proxies}}}
			app := fiber.New()
			app.Get("/", func(c *fiber.Ctx) error { return c.SendString(s.clientIP(c)) })
			req := httptest.NewRequest("GET", "/", nil)
			for _, h := range tt.xff {
				req.Header.Add("X-Forwarded-For", h)
			}
			resp, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if string(body) != tt.want {
				t.Errorf("clientIP = %q, want %q", body, tt.want)
			}
		})
	}
}
