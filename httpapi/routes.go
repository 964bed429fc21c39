package httpapi

import (
	"net/http"
	"strings"
)

// routes is the table of contents of aiccd's HTTP interface: every endpoint
// it serves, one line each, grouped by API family.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()

	// Operations.
	mux.Handle("GET /healthz", s.api(s.healthz))
	mux.Handle("GET /readyz", s.api(s.readyz))
	mux.Handle("GET /metrics", s.metricsHandler())

	// Everything else answers 404 or 405 in the format of its family.
	for pattern := range catchAll {
		mux.Handle(pattern, s.api(s.unrouted(mux)))
	}
	return mux
}

// catchAll holds one method-less pattern per family prefix, and "/". The
// prefix without its slash is listed too, or the mux would redirect it.
var catchAll = func() map[string]bool {
	m := map[string]bool{"/": true}
	for _, p := range familyPrefixes {
		m[p.prefix] = true
		m[strings.TrimSuffix(p.prefix, "/")] = true
	}
	return m
}()

// probeMethods are the methods tried when telling 404 from 405.
var probeMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions,
}

// unrouted answers a request no endpoint matched: 405 with Allow when the
// path exists under another method, 404 otherwise.
func (s *Server) unrouted(mux *http.ServeMux) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var allow []string
		for _, m := range probeMethods {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && !catchAll[pattern] {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			return errNotFound
		}
		for _, m := range allow {
			w.Header().Add("Allow", m)
		}
		return errMethodNotAllowed
	}
}
