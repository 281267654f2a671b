package server

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// clientIP returns the address of the client that sent the request, for
// logs, sessions and per-address rate limits.
//
// Without trusted proxies (VEGA_TRUSTED_PROXIES) it is the TCP peer. When
// the peer is a trusted proxy, it is the right-most address of
// X-Forwarded-For that is not itself a trusted proxy: each proxy appends the
// address it received the request from, so that one was written by a proxy
// we trust, while everything to its left was written by the client and
// cannot be believed. (Fiber's own c.IP with ProxyHeader returns the
// left-most address, which any client can choose.)
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP().String()
	proxies := s.deps.Config.TrustedProxies
	if len(proxies) == 0 || !trusted(proxies, peer) {
		return peer
	}
	hops := c.Request().Header.PeekAll(fiber.HeaderXForwardedFor)
	var addrs []string
	for _, h := range hops {
		for _, a := range strings.Split(string(h), ",") {
			addrs = append(addrs, strings.TrimSpace(a))
		}
	}
	for i := len(addrs) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(addrs[i])
		if err != nil {
			// A malformed hop: what lies left of it cannot be trusted, and
			// the last good hop was a proxy; answer with the peer.
			return peer
		}
		if !trusted(proxies, addr.Unmap().String()) {
			return addr.Unmap().String()
		}
	}
	return peer // every hop is a proxy of ours
}

// trusted reports whether the address ip is inside one of the prefixes.
func trusted(prefixes []netip.Prefix, ip string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
