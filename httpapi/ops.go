package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/aiccd/aiccd/openapi"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type status struct {
	Status string `json:"status"`
}

// healthz says the process is up. It touches nothing else, so that a
// database outage does not get a healthy process restarted.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, status{"ok"})
	return nil
}

// readyz says whether this replica can serve: its database answers.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if s.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, status{"shutting down"})
		return nil
	}
	if s.db == nil {
		writeJSON(w, http.StatusOK, status{"ok"})
		return nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.logger.WarnContext(ctx, "not ready", "request_id", requestIDFrom(ctx), "err", err)
		writeJSON(w, http.StatusServiceUnavailable, status{"database unavailable"})
		return nil
	}
	writeJSON(w, http.StatusOK, status{"ok"})
	return nil
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})
}

// openAPIJSON serves aiccd's OpenAPI document as JSON.
func (s *Server) openAPIJSON(w http.ResponseWriter, _ *http.Request) error {
	writeDocument(w, contentTypeJSON, openapi.JSON())
	return nil
}

// openAPIYAML serves aiccd's OpenAPI document as written.
func (s *Server) openAPIYAML(w http.ResponseWriter, _ *http.Request) error {
	writeDocument(w, "application/yaml", openapi.YAML())
	return nil
}

func writeDocument(w http.ResponseWriter, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}
