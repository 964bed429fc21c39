package httpapi

import (
	"net/http"

	"github.com/aiccd/aiccd"
)

// WriteBadGateway answers r, which a proxy in front of another server
// could not forward, with 502 as the platform's side answers a backend
// that does not: the OMA pages' sentence for 502 on their paths, and the
// app gateway's APIG.0202 in front of every other API (CC-Management,
// SmartCare, partner, IAM), the request ID the client sent included.
func WriteBadGateway(w http.ResponseWriter, r *http.Request) {
	if familyOf(r.URL.Path) == familyOMA {
		writeText(w, http.StatusBadGateway, "The business fails.")
		return
	}
	c := gatewayCodes[aiccd.KindInternal] // the backend failed
	writeJSON(w, http.StatusBadGateway, apigError{Code: c.code, Msg: c.msg, RequestID: clipRequestID(r.Header.Get("X-Request-Id"))})
}

// clipRequestID keeps a client's request ID that is safe to echo.
func clipRequestID(id string) string {
	if len(id) > 64 {
		return ""
	}
	for _, c := range []byte(id) {
		if c <= ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return ""
		}
	}
	return id
}
