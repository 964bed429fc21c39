package smartcare

import (
	"encoding/json"
	"time"
)

// EncodeMatches and DecodeMatches are the stored form of a finished
// task's matches, the same on every engine.
func EncodeMatches(ms []RuleMatch) (string, error) {
	out := make([]matchJSON, len(ms))
	for i, m := range ms {
		out[i] = matchJSON{Scene: m.SceneCode, Rule: m.ReflectionRule, First: m.FirstSeen.UnixMilli(), RuleIDs: m.RuleIDs}
		for _, r := range m.Records {
			out[i].Records = append(out[i].Records, recordOut{T: r.EventTime.UnixMilli(), Scene: r.SceneCode, Dims: r.Dimensions.Encode()})
		}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// DecodeMatches reads what EncodeMatches wrote for a task of msisdn.
func DecodeMatches(s, msisdn string) ([]RuleMatch, error) {
	if s == "" {
		return nil, nil
	}
	var in []matchJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, err
	}
	ms := make([]RuleMatch, len(in))
	for i, m := range in {
		ms[i] = RuleMatch{SceneCode: m.Scene, ReflectionRule: m.Rule, FirstSeen: time.UnixMilli(m.First).UTC(), RuleIDs: m.RuleIDs}
		for _, r := range m.Records {
			ms[i].Records = append(ms[i].Records, Record{MSISDN: msisdn, EventTime: time.UnixMilli(r.T).UTC(), SceneCode: r.Scene, Dimensions: DecodeDimensions(r.Dims)})
		}
	}
	return ms, nil
}

type matchJSON struct {
	Scene   string      `json:"scene"`
	Rule    string      `json:"rule"`
	First   int64       `json:"first"`
	RuleIDs []int64     `json:"ruleIds"`
	Records []recordOut `json:"records"`
}

type recordOut struct {
	T     int64  `json:"t"`
	Scene string `json:"scene"`
	Dims  string `json:"dims"`
}
