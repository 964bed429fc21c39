package httpapi

import (
	"net/http"
	"strconv"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
)

// The access-code part of the admin API: a tenant's access codes and
// called routes, in the admin API's snake_case.

// defaultAdminPage is the page size of the admin list of access codes
// when the request names none.
const defaultAdminPage = 100

func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, aiccd.Errorf(aiccd.KindNotFound, "no %s has ID %q", what, r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) adminListAccessCodes(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	o := accesscode.ListOptions{After: q.Get("after"), Limit: defaultAdminPage,
		Filter: accesscode.Filter{AccessCode: q.Get("access_code"), Description: q.Get("description")}}
	if v := q.Get("media_type"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || !accesscode.MediaType(m).Valid() {
			return aiccd.Errorf(aiccd.KindInvalid, "media_type: %q is not one of 2, 5, 18, 19, 53", v)
		}
		o.MediaType = accesscode.MediaType(m)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return aiccd.Errorf(aiccd.KindInvalid, "limit: %q is not a number", v)
		}
		o.Limit = n
	}
	page, err := s.accessCodes.List(r.Context(), r.PathValue("tenant"), o)
	if err != nil {
		return err
	}
	items := page.Items
	if items == nil {
		items = []accesscode.AccessCode{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": page.Total, "items": items})
	return nil
}

func (s *Server) adminAddAccessCode(w http.ResponseWriter, r *http.Request) error {
	var d accesscode.Draft
	if err := decodeAdminJSON(r, &d); err != nil {
		return err
	}
	a, err := s.accessCodes.Add(r.Context(), r.PathValue("tenant"), d)
	return reply(w, http.StatusCreated, a, err)
}

func (s *Server) adminAccessCode(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "access code")
	if err != nil {
		return err
	}
	a, err := s.accessCodes.Get(r.Context(), r.PathValue("tenant"), id)
	return reply(w, http.StatusOK, a, err)
}

func (s *Server) adminUpdateAccessCode(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "access code")
	if err != nil {
		return err
	}
	var p accesscode.Patch
	if err := decodeAdminJSON(r, &p); err != nil {
		return err
	}
	a, err := s.accessCodes.Update(r.Context(), r.PathValue("tenant"), id, p)
	return reply(w, http.StatusOK, a, err)
}

func (s *Server) adminDeleteAccessCode(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "access code")
	if err != nil {
		return err
	}
	if err := s.accessCodes.Delete(r.Context(), r.PathValue("tenant"), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) adminListRoutes(w http.ResponseWriter, r *http.Request) error {
	q := accesscode.RouteQuery{Limit: accesscode.MaxLimit}
	q.AccessCode = r.URL.Query().Get("access_code")
	page, err := s.accessCodes.QueryRoutes(r.Context(), r.PathValue("tenant"), q)
	if err != nil {
		return err
	}
	items := page.Items
	if items == nil {
		items = []accesscode.Route{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": page.Total, "items": items})
	return nil
}

func (s *Server) adminAddRoute(w http.ResponseWriter, r *http.Request) error {
	var d accesscode.RouteDraft
	if err := decodeAdminJSON(r, &d); err != nil {
		return err
	}
	rt, err := s.accessCodes.AddRoute(r.Context(), r.PathValue("tenant"), d)
	return reply(w, http.StatusCreated, rt, err)
}

func (s *Server) adminRoute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "called route")
	if err != nil {
		return err
	}
	rt, err := s.accessCodes.GetRoute(r.Context(), r.PathValue("tenant"), id)
	return reply(w, http.StatusOK, rt, err)
}

func (s *Server) adminUpdateRoute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "called route")
	if err != nil {
		return err
	}
	var p accesscode.RoutePatch
	if err := decodeAdminJSON(r, &p); err != nil {
		return err
	}
	rt, err := s.accessCodes.UpdateRoute(r.Context(), r.PathValue("tenant"), id, p)
	return reply(w, http.StatusOK, rt, err)
}

func (s *Server) adminDeleteRoute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "called route")
	if err != nil {
		return err
	}
	if err := s.accessCodes.DeleteRoute(r.Context(), r.PathValue("tenant"), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
