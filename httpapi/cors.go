package httpapi

import (
	"net/http"
	"slices"
	"strings"
)

// Browser-based clients call the vendor endpoints across origins: with
// --cors-origins, aiccd answers their preflights and marks its answers as
// readable by the origins allowed. The admin API, the console and the
// operations endpoints stay same-origin: they are aiccd's own, and the
// admin token must not be sent from a page.

// corsAllowHeaders are the request headers the vendor pages and the
// vendor's SDK send: tokens (Authorization, X-Auth-Token, its
// X-Auth_Token spelling, X-APP-Key), the SDK's signature headers, the
// gateway's token lifetime, and the client's request ID.
var corsAllowHeaders = strings.Join([]string{
	"Authorization", "Content-Type", "X-APP-Key", "X-Auth-Token", "X-Auth_Token", "X-Sdk-Date", "X-Sdk-Content-Sha256",
	"X-Domain-Id", "X-Project-Id", "X-Token-Expire", "X-Request-Id",
}, ", ")

// corsExposeHeaders are the answer's headers a page's script may read:
// the request ID to quote, and the IAM token, which the platform returns
// in a header.
const corsExposeHeaders = "X-Request-Id, X-Subject-Token"

// corsMaxAge is how long, in seconds, a browser may reuse a preflight's
// answer.
const corsMaxAge = "600"

// corsPolicy is the set of origins allowed; nil allows none (CORS off).
type corsPolicy struct {
	any     bool // "*": every origin, for a sandbox
	origins []string
}

func newCORSPolicy(origins []string) *corsPolicy {
	if len(origins) == 0 {
		return nil
	}
	return &corsPolicy{any: slices.Contains(origins, "*"), origins: origins}
}

// allowOrigin is the Access-Control-Allow-Origin answered to origin, or
// "" when it is not allowed.
func (p *corsPolicy) allowOrigin(origin string) string {
	switch {
	case origin == "":
		return ""
	case p.any:
		return "*"
	case slices.Contains(p.origins, origin):
		return origin
	}
	return ""
}

// cors applies the policy to the vendor endpoints' requests: a preflight
// (OPTIONS with Access-Control-Request-Method) from an allowed origin to
// a path an endpoint serves is answered 204 with the path's methods and
// the headers the pages use; every other answer from an allowed origin
// carries Access-Control-Allow-Origin and the headers a script may read.
// Anything else goes on as without CORS (an OPTIONS to a vendor path
// answers 405 with Allow). Answers vary by Origin, for caches.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !journaledFamily(familyOf(r.URL.Path)) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		allow := s.corsPolicy.allowOrigin(r.Header.Get("Origin"))
		if allow == "" {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if methods := s.methodsOf(r); len(methods) > 0 {
				h.Add("Vary", "Access-Control-Request-Method")
				h.Add("Vary", "Access-Control-Request-Headers")
				h.Set("Access-Control-Allow-Origin", allow)
				h.Set("Access-Control-Allow-Methods", strings.Join(methods, ", "))
				h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
				h.Set("Access-Control-Max-Age", corsMaxAge)
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		h.Set("Access-Control-Allow-Origin", allow)
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		next.ServeHTTP(w, r)
	})
}

// methodsOf returns the methods the endpoints at r's path answer, OPTIONS
// aside: none for a path no endpoint serves.
func (s *Server) methodsOf(r *http.Request) []string {
	if !cleanPath(r.URL.Path) {
		return nil
	}
	var methods []string
	for _, m := range probeMethods {
		if m == http.MethodOptions || m == http.MethodHead {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && !catchAll[pattern] {
			methods = append(methods, m)
		}
	}
	return methods
}
