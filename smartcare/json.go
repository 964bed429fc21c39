package smartcare

import (
	"encoding/json"
	"time"
)

// The JSON forms of scenes, rules and settings, shared by the admin API
// and the CLI's -o json, in the camelCase of the SmartCare family.

// MarshalJSON writes {id, name, ccmSceneCodes, createdAt, updatedAt}.
func (s Scene) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID         string    `json:"id"`
		Name       string    `json:"name"`
		SceneCodes []string  `json:"ccmSceneCodes"`
		CreatedAt  time.Time `json:"createdAt"`
		UpdatedAt  time.Time `json:"updatedAt"`
	}{s.ID, s.Name, s.SceneCodes, s.CreatedAt, s.UpdatedAt})
}

// MarshalJSON writes {id, ccmSceneCode, reflectionRule, activeFrom,
// activeUntil (absent while ongoing), description}; the ID is a string, as
// 64-bit IDs are in the vendor's APIs.
func (r FaultRule) MarshalJSON() ([]byte, error) {
	v := struct {
		ID             string     `json:"id"`
		SceneCode      string     `json:"ccmSceneCode"`
		ReflectionRule string     `json:"reflectionRule"`
		ActiveFrom     time.Time  `json:"activeFrom"`
		ActiveUntil    *time.Time `json:"activeUntil,omitempty"`
		Description    string     `json:"description,omitempty"`
	}{ID: FormatID(r.ID), SceneCode: r.SceneCode, ReflectionRule: r.Rule.String(), ActiveFrom: r.ActiveFrom, Description: r.Description}
	if !r.Ongoing() {
		v.ActiveUntil = &r.ActiveUntil
	}
	return json.Marshal(v)
}

// MarshalJSON writes {defaultBacktraceSeconds, timeZone, retentionDays}.
func (s Settings) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		DefaultBacktraceSeconds int64  `json:"defaultBacktraceSeconds"`
		TimeZone                string `json:"timeZone"`
		RetentionDays           int    `json:"retentionDays"`
	}{int64(s.DefaultBacktrace.Seconds()), s.TimeZone, s.RetentionDays})
}

// MarshalJSON writes the record as the NDJSON feed carries it:
// {msisdn, eventTime (epoch milliseconds), ccmSceneCode, dimensions{}}.
func (r Record) MarshalJSON() ([]byte, error) {
	b := AppendRecordJSON(nil, r)
	return b[:len(b)-1], nil // without the line's newline
}
