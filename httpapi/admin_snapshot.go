package httpapi

import (
	"net/http"
)

// The admin API of tenant resets: deleting a tenant with everything it
// owns, and snapshots of its state that a test suite restores before each
// test.

func (s *Server) adminDeleteTenant(w http.ResponseWriter, r *http.Request) error {
	if err := s.snapshots.DeleteTenant(r.Context(), r.PathValue("tenant")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) adminListSnapshots(w http.ResponseWriter, r *http.Request) error {
	out, err := s.snapshots.List(r.Context(), r.PathValue("tenant"))
	return replyList(w, out, err)
}

func (s *Server) adminCreateSnapshot(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeAdminJSON(r, &req); err != nil {
		return err
	}
	out, err := s.snapshots.Create(r.Context(), r.PathValue("tenant"), req.Name)
	return reply(w, http.StatusCreated, out, err)
}

func (s *Server) adminDeleteSnapshot(w http.ResponseWriter, r *http.Request) error {
	if err := s.snapshots.Delete(r.Context(), r.PathValue("tenant"), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) adminRestoreSnapshot(w http.ResponseWriter, r *http.Request) error {
	out, err := s.snapshots.Restore(r.Context(), r.PathValue("tenant"), r.PathValue("name"))
	return reply(w, http.StatusOK, out, err)
}
