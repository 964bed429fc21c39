package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// SmartCareSettings are a tenant's SmartCare settings.
type SmartCareSettings struct {
	DefaultBacktraceSeconds int64  `json:"default_backtrace_seconds"`
	TimeZone                string `json:"time_zone"` // of ttid, IANA
	RetentionDays           int    `json:"retention_days"`
}

// SmartCareSettingsPatch changes the settings that are not nil.
type SmartCareSettingsPatch struct {
	DefaultBacktraceSeconds *int64  `json:"default_backtrace_seconds,omitempty"`
	TimeZone                *string `json:"time_zone,omitempty"`
	RetentionDays           *int    `json:"retention_days,omitempty"`
}

// GetSmartCareSettings reads a tenant's settings.
func (a *Admin) GetSmartCareSettings(ctx context.Context, tenantID string) (*SmartCareSettings, error) {
	return one[SmartCareSettings](ctx, a, http.MethodGet, "/tenants/"+seg(tenantID)+"/smartcare/settings", nil, http.StatusOK)
}

// UpdateSmartCareSettings changes a tenant's settings.
func (a *Admin) UpdateSmartCareSettings(ctx context.Context, tenantID string, p SmartCareSettingsPatch) (*SmartCareSettings, error) {
	return one[SmartCareSettings](ctx, a, http.MethodPatch, "/tenants/"+seg(tenantID)+"/smartcare/settings", p, http.StatusOK)
}

// Scene is a complaint scene: the complaintScene of queryfaultyuser and
// the ccmSceneCodes it covers.
type Scene struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	CCMSceneCodes []string  `json:"ccm_scene_codes"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

type sceneInput struct {
	ID            string   `json:"id,omitempty"`
	Name          string   `json:"name"`
	CCMSceneCodes []string `json:"ccm_scene_codes"`
}

// ListScenes lists a tenant's scenes.
func (a *Admin) ListScenes(ctx context.Context, tenantID string) ([]Scene, error) {
	return list[Scene](ctx, a, "/tenants/"+seg(tenantID)+"/smartcare/scenes", nil)
}

// CreateScene creates a scene.
func (a *Admin) CreateScene(ctx context.Context, tenantID, id, name string, sceneCodes ...string) (*Scene, error) {
	return one[Scene](ctx, a, http.MethodPost, "/tenants/"+seg(tenantID)+"/smartcare/scenes",
		sceneInput{ID: id, Name: name, CCMSceneCodes: sceneCodes}, http.StatusCreated)
}

// UpdateScene sets a scene's name and scene codes.
func (a *Admin) UpdateScene(ctx context.Context, tenantID, id, name string, sceneCodes ...string) (*Scene, error) {
	return one[Scene](ctx, a, http.MethodPatch, "/tenants/"+seg(tenantID)+"/smartcare/scenes/"+seg(id),
		sceneInput{Name: name, CCMSceneCodes: sceneCodes}, http.StatusOK)
}

// DeleteScene deletes a scene.
func (a *Admin) DeleteScene(ctx context.Context, tenantID, id string) error {
	return a.do(ctx, http.MethodDelete, "/tenants/"+seg(tenantID)+"/smartcare/scenes/"+seg(id), nil, nil, http.StatusNoContent, nil)
}

// Rule is a mass fault: records of CCMSceneCode whose dimensions satisfy
// ReflectionRule while it is active are affected by it.
type Rule struct {
	ID             string     `json:"id"`
	CCMSceneCode   string     `json:"ccm_scene_code"`
	ReflectionRule string     `json:"reflection_rule"`
	ActiveFrom     time.Time  `json:"active_from"`
	ActiveUntil    *time.Time `json:"active_until"` // nil while the fault is ongoing
	Description    string     `json:"description"`
}

// RuleInput is a rule to create; a zero ActiveUntil makes it ongoing.
type RuleInput struct {
	CCMSceneCode   string    `json:"ccm_scene_code"`
	ReflectionRule string    `json:"reflection_rule"`
	ActiveFrom     time.Time `json:"active_from"`
	ActiveUntil    time.Time `json:"active_until,omitzero"`
	Description    string    `json:"description,omitempty"`
}

// RulePatch changes the fields that are not nil. Times are RFC 3339 or
// epoch milliseconds; an ActiveUntil of "" makes the fault ongoing.
type RulePatch struct {
	CCMSceneCode   *string `json:"ccm_scene_code,omitempty"`
	ReflectionRule *string `json:"reflection_rule,omitempty"`
	ActiveFrom     *string `json:"active_from,omitempty"`
	ActiveUntil    *string `json:"active_until,omitempty"`
	Description    *string `json:"description,omitempty"`
}

// RuleFilter selects rules to list; zero values select all.
type RuleFilter struct {
	CCMSceneCode string
	After        string // the last rule ID of the previous page
	Limit        int
}

// ListRules lists a tenant's rules, by ID.
func (a *Admin) ListRules(ctx context.Context, tenantID string, f RuleFilter) ([]Rule, error) {
	q := url.Values{}
	if f.CCMSceneCode != "" {
		q.Set("ccm_scene_code", f.CCMSceneCode)
	}
	if f.After != "" {
		q.Set("after", f.After)
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	return list[Rule](ctx, a, "/tenants/"+seg(tenantID)+"/smartcare/rules", q)
}

// CreateRule creates a rule.
func (a *Admin) CreateRule(ctx context.Context, tenantID string, in RuleInput) (*Rule, error) {
	return one[Rule](ctx, a, http.MethodPost, "/tenants/"+seg(tenantID)+"/smartcare/rules", in, http.StatusCreated)
}

// GetRule reads a rule.
func (a *Admin) GetRule(ctx context.Context, tenantID, id string) (*Rule, error) {
	return one[Rule](ctx, a, http.MethodGet, "/tenants/"+seg(tenantID)+"/smartcare/rules/"+seg(id), nil, http.StatusOK)
}

// UpdateRule changes a rule.
func (a *Admin) UpdateRule(ctx context.Context, tenantID, id string, p RulePatch) (*Rule, error) {
	return one[Rule](ctx, a, http.MethodPatch, "/tenants/"+seg(tenantID)+"/smartcare/rules/"+seg(id), p, http.StatusOK)
}

// DeleteRule deletes a rule.
func (a *Admin) DeleteRule(ctx context.Context, tenantID, id string) error {
	return a.do(ctx, http.MethodDelete, "/tenants/"+seg(tenantID)+"/smartcare/rules/"+seg(id), nil, nil, http.StatusNoContent, nil)
}

// Record is a subscriber record of the SmartCare feed.
type Record struct {
	MSISDN       string            `json:"msisdn"`
	EventTime    time.Time         `json:"event_time"`
	CCMSceneCode string            `json:"ccm_scene_code"`
	Dimensions   map[string]string `json:"dimensions"`
}

// feedLine is a record as the feed carries it, in the vendor's field
// names: the lines IngestRecords sends.
type feedLine struct {
	MSISDN       string            `json:"msisdn"`
	EventTime    int64             `json:"eventTime"` // epoch milliseconds
	CCMSceneCode string            `json:"ccmSceneCode"`
	Dimensions   map[string]string `json:"dimensions,omitempty"`
}

// ListRecords reads a subscriber's records in [from, to] as queries see
// them.
func (a *Admin) ListRecords(ctx context.Context, tenantID, msisdn string, from, to time.Time) ([]Record, error) {
	q := url.Values{"msisdn": {msisdn}}
	if !from.IsZero() {
		q.Set("from", strconv.FormatInt(from.UnixMilli(), 10))
	}
	if !to.IsZero() {
		q.Set("to", strconv.FormatInt(to.UnixMilli(), 10))
	}
	return list[Record](ctx, a, "/tenants/"+seg(tenantID)+"/smartcare/records", q)
}

// IngestReport is what an ingest stored and refused.
type IngestReport struct {
	Imported       int64 `json:"imported"`
	Rejected       int64 `json:"rejected"`
	CommittedLines int64 `json:"committed_lines"`
	Errors         []struct {
		Line   int64  `json:"line"`
		Reason string `json:"reason"`
	} `json:"errors"`
}

// IngestRecords appends records to a tenant's feed, as NDJSON. Records
// the server refuses are reported by line, the others stored. For feeds
// of millions of records, `aiccd import records` is faster.
func (a *Admin) IngestRecords(ctx context.Context, tenantID string, recs []Record) (*IngestReport, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range recs {
		if err := enc.Encode(feedLine{r.MSISDN, r.EventTime.UnixMilli(), r.CCMSceneCode, r.Dimensions}); err != nil {
			return nil, err
		}
	}
	ans, err := a.c.send(ctx, call{method: http.MethodPost, path: "/admin/v1/tenants/" + seg(tenantID) + "/smartcare/records",
		raw: buf.Bytes(), contentType: "application/x-ndjson", auth: authAdmin, family: FamilyAdmin})
	if err != nil {
		return nil, err
	}
	if ans.status != http.StatusOK {
		return nil, parseError(ans, FamilyAdmin)
	}
	var out IngestReport
	if err := decodeJSON(ans, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
