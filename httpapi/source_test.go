package httpapi

import (
	"net/http/httptest"
	"testing"
)

func TestSourceAddress(t *testing.T) {
	t.Parallel()
	for remote, want := range map[string]string{
		"192.0.2.7:51234":            "192.0.2.7",
		"[::ffff:192.0.2.7]:51234":   "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2::9%eth0]:443": "2001:db8:1:2::/64",
		"not an address":             "not an address",
		"192.0.2.7":                  "192.0.2.7",
		"[2001:DB8:aaaa:bbbb::1]:80": "2001:db8:aaaa:bbbb::/64",
		"127.0.0.1:8080":             "127.0.0.1",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		if got := sourceAddress(r); got != want {
			t.Errorf("sourceAddress(%q) = %q, want %q", remote, got, want)
		}
	}
}
