package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/smartcare"
)

// The SmartCare part of the admin API: settings, scenes, rules and the
// subscriber record feed of a tenant.

func (s *Server) adminSmartCareSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.smartcare.Settings(r.Context(), r.PathValue("tenant"))
	return reply(w, http.StatusOK, st, err)
}

func (s *Server) adminUpdateSmartCareSettings(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		DefaultBacktraceSeconds *int64  `json:"default_backtrace_seconds"`
		TimeZone                *string `json:"time_zone"`
		RetentionDays           *int    `json:"retention_days"`
	}
	if err := decodeAdminJSON(r, &req); err != nil {
		return err
	}
	p := smartcare.SettingsPatch{TimeZone: req.TimeZone, RetentionDays: req.RetentionDays}
	if req.DefaultBacktraceSeconds != nil {
		d := time.Duration(*req.DefaultBacktraceSeconds) * time.Second
		p.DefaultBacktrace = &d
	}
	st, err := s.smartcare.UpdateSettings(r.Context(), r.PathValue("tenant"), p)
	return reply(w, http.StatusOK, st, err)
}

// sceneBody is a new scene as the admin API takes it.
type sceneBody struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	SceneCodes []string `json:"ccm_scene_codes"`
}

// scenePatchBody changes the fields of a scene it gives.
type scenePatchBody struct {
	Name       *string  `json:"name"`
	SceneCodes []string `json:"ccm_scene_codes"`
}

func (s *Server) adminListScenes(w http.ResponseWriter, r *http.Request) error {
	scs, err := s.smartcare.Scenes(r.Context(), r.PathValue("tenant"))
	return replyList(w, scs, err)
}

func (s *Server) adminCreateScene(w http.ResponseWriter, r *http.Request) error {
	var b sceneBody
	if err := decodeAdminJSON(r, &b); err != nil {
		return err
	}
	sc, err := s.smartcare.CreateScene(r.Context(), r.PathValue("tenant"), smartcare.SceneInput{ID: b.ID, Name: b.Name, SceneCodes: b.SceneCodes})
	return reply(w, http.StatusCreated, sc, err)
}

func (s *Server) adminUpdateScene(w http.ResponseWriter, r *http.Request) error {
	var b scenePatchBody
	if err := decodeAdminJSON(r, &b); err != nil {
		return err
	}
	sc, err := s.smartcare.UpdateScene(r.Context(), r.PathValue("tenant"), r.PathValue("id"), smartcare.ScenePatch{Name: b.Name, SceneCodes: b.SceneCodes})
	return reply(w, http.StatusOK, sc, err)
}

func (s *Server) adminDeleteScene(w http.ResponseWriter, r *http.Request) error {
	if err := s.smartcare.DeleteScene(r.Context(), r.PathValue("tenant"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ruleBody is a rule as the admin API takes it; times are RFC 3339 or
// epoch milliseconds.
type ruleBody struct {
	SceneCode      *string `json:"ccm_scene_code"`
	ReflectionRule *string `json:"reflection_rule"`
	ActiveFrom     *string `json:"active_from"`
	ActiveUntil    *string `json:"active_until"` // "" makes a fault ongoing
	Description    *string `json:"description"`
}

func parseRuleTime(field string, v *string) (*time.Time, error) {
	if v == nil {
		return nil, nil
	}
	if *v == "" {
		return &time.Time{}, nil
	}
	t, err := smartcare.ParseTime(*v)
	if err != nil {
		return nil, aiccd.Errorf(aiccd.KindInvalid, "%s: %q is neither RFC 3339 nor epoch milliseconds", field, *v)
	}
	return &t, nil
}

func (b ruleBody) patch() (smartcare.RulePatch, error) {
	from, err := parseRuleTime("active_from", b.ActiveFrom)
	if err != nil {
		return smartcare.RulePatch{}, err
	}
	until, err := parseRuleTime("active_until", b.ActiveUntil)
	if err != nil {
		return smartcare.RulePatch{}, err
	}
	return smartcare.RulePatch{SceneCode: b.SceneCode, ReflectionRule: b.ReflectionRule, ActiveFrom: from, ActiveUntil: until, Description: b.Description}, nil
}

func (s *Server) adminListRules(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := smartcare.RuleFilter{SceneCode: q.Get("ccm_scene_code")}
	if v := q.Get("after"); v != "" {
		id, ok := smartcare.ParseID(v)
		if !ok {
			return aiccd.Errorf(aiccd.KindInvalid, "after: %q is not a rule ID", v)
		}
		f.AfterID = id
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return aiccd.Errorf(aiccd.KindInvalid, "limit: %q is not a number", v)
		}
		f.Limit = n
	}
	rules, err := s.smartcare.Rules(r.Context(), r.PathValue("tenant"), f)
	return replyList(w, rules, err)
}

func (s *Server) adminCreateRule(w http.ResponseWriter, r *http.Request) error {
	var b ruleBody
	if err := decodeAdminJSON(r, &b); err != nil {
		return err
	}
	p, err := b.patch()
	if err != nil {
		return err
	}
	rule, err := s.smartcare.CreateRule(r.Context(), r.PathValue("tenant"), p.Input())
	return reply(w, http.StatusCreated, rule, err)
}

func ruleID(r *http.Request) (int64, error) {
	id, ok := smartcare.ParseID(r.PathValue("id"))
	if !ok {
		return 0, aiccd.Errorf(aiccd.KindNotFound, "no rule has ID %q", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) adminRule(w http.ResponseWriter, r *http.Request) error {
	id, err := ruleID(r)
	if err != nil {
		return err
	}
	rule, err := s.smartcare.Rule(r.Context(), r.PathValue("tenant"), id)
	return reply(w, http.StatusOK, rule, err)
}

func (s *Server) adminUpdateRule(w http.ResponseWriter, r *http.Request) error {
	id, err := ruleID(r)
	if err != nil {
		return err
	}
	var b ruleBody
	if err := decodeAdminJSON(r, &b); err != nil {
		return err
	}
	p, err := b.patch()
	if err != nil {
		return err
	}
	rule, err := s.smartcare.UpdateRule(r.Context(), r.PathValue("tenant"), id, p)
	return reply(w, http.StatusOK, rule, err)
}

func (s *Server) adminDeleteRule(w http.ResponseWriter, r *http.Request) error {
	id, err := ruleID(r)
	if err != nil {
		return err
	}
	if err := s.smartcare.DeleteRule(r.Context(), r.PathValue("tenant"), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// adminIngestRecords streams NDJSON subscriber records into a tenant's
// feed; the body may be far larger than other requests' (see limitBody).
func (s *Server) adminIngestRecords(w http.ResponseWriter, r *http.Request) error {
	// A feed streams for as long as it has records: the server's read
	// timeout, meant for ordinary requests, does not apply.
	http.NewResponseController(w).SetReadDeadline(time.Time{})
	report, err := s.smartcare.IngestNDJSON(r.Context(), r.PathValue("tenant"), r.Body)
	return reply(w, http.StatusOK, report, err)
}

func (s *Server) adminListRecords(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	msisdn := q.Get("msisdn")
	if msisdn == "" {
		return aiccd.Errorf(aiccd.KindInvalid, "msisdn is required")
	}
	to := s.clock.Now()
	from := to.Add(-24 * time.Hour)
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(p.name); v != "" {
			t, err := smartcare.ParseTime(v)
			if err != nil {
				return aiccd.Errorf(aiccd.KindInvalid, "%s: %q is neither RFC 3339 nor epoch milliseconds", p.name, v)
			}
			*p.dst = t
		}
	}
	recs, err := s.smartcare.Records(r.Context(), r.PathValue("tenant"), msisdn, from, to)
	return replyList(w, recs, err)
}
