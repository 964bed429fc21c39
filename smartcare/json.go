package smartcare

import (
	"bytes"
	"encoding/json"
	"time"
)

// The JSON forms of scenes, rules, settings and records, shared by the
// admin API and the CLI's -o json, in the snake_case of every admin
// object. (The record feed, NDJSON lines in the vendor's field names, is
// a file format of its own: see RecordParser and AppendRecordJSON.)

// marshal is json.Marshal without HTML escapes: reflection rules hold
// "&", which the admin API and the CLI write as it is, not as \u0026
// (an encoder's own setting does not reach into a MarshalJSON).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// MarshalJSON writes {id, name, ccm_scene_codes, created_at, updated_at}.
func (s Scene) MarshalJSON() ([]byte, error) {
	return marshal(struct {
		ID         string    `json:"id"`
		Name       string    `json:"name"`
		SceneCodes []string  `json:"ccm_scene_codes"`
		CreatedAt  time.Time `json:"created_at"`
		UpdatedAt  time.Time `json:"updated_at"`
	}{s.ID, s.Name, s.SceneCodes, s.CreatedAt, s.UpdatedAt})
}

// MarshalJSON writes {id, ccm_scene_code, reflection_rule, active_from,
// active_until (absent while ongoing), description}; the ID is a string,
// as 64-bit IDs are in every admin object.
func (r FaultRule) MarshalJSON() ([]byte, error) {
	v := struct {
		ID             string     `json:"id"`
		SceneCode      string     `json:"ccm_scene_code"`
		ReflectionRule string     `json:"reflection_rule"`
		ActiveFrom     time.Time  `json:"active_from"`
		ActiveUntil    *time.Time `json:"active_until,omitempty"`
		Description    string     `json:"description,omitempty"`
	}{ID: FormatID(r.ID), SceneCode: r.SceneCode, ReflectionRule: r.Rule.String(), ActiveFrom: r.ActiveFrom, Description: r.Description}
	if !r.Ongoing() {
		v.ActiveUntil = &r.ActiveUntil
	}
	return marshal(v)
}

// MarshalJSON writes {default_backtrace_seconds, time_zone, retention_days}.
func (s Settings) MarshalJSON() ([]byte, error) {
	return marshal(struct {
		DefaultBacktraceSeconds int64  `json:"default_backtrace_seconds"`
		TimeZone                string `json:"time_zone"`
		RetentionDays           int    `json:"retention_days"`
	}{int64(s.DefaultBacktrace.Seconds()), s.TimeZone, s.RetentionDays})
}

// MarshalJSON writes {msisdn, event_time, ccm_scene_code, dimensions{}},
// event_time in RFC 3339 as every admin time.
func (r Record) MarshalJSON() ([]byte, error) {
	dims := make(map[string]string, len(r.Dimensions))
	for _, d := range r.Dimensions {
		dims[d.Key] = d.Value
	}
	return marshal(struct {
		MSISDN     string            `json:"msisdn"`
		EventTime  time.Time         `json:"event_time"`
		SceneCode  string            `json:"ccm_scene_code"`
		Dimensions map[string]string `json:"dimensions"`
	}{r.MSISDN, r.EventTime.UTC(), r.SceneCode, dims})
}
