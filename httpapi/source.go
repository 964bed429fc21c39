package httpapi

import (
	"net/http"
	"net/netip"
	"strings"
)

// sourceAddress is the address lockouts and per-source limits count a
// request under: the TCP peer's IP address, an IPv6 address by its /64,
// which one host usually holds whole. X-Forwarded-For is not read: aiccd
// has no setting naming proxies to trust, and anyone can send the header.
func sourceAddress(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	if ap.Addr().Is4() {
		// An IPv4 address parses only in its canonical form: the host
		// part of RemoteAddr is its String, without a copy.
		return r.RemoteAddr[:strings.LastIndexByte(r.RemoteAddr, ':')]
	}
	a := ap.Addr().Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
