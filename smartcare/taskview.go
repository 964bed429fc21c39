package smartcare

import (
	"strconv"
	"time"
)

// view is t as answered to its tenant, whose zone is loc.
func (s *Service) view(t Task, loc *time.Location) TaskView {
	return TaskView{Task: t, location: loc}
}

// TaskView is a task as the delimitation endpoints answer it.
type TaskView struct {
	Task      Task
	location  *time.Location
	submitted bool // the answer to submitquickdelimit
}

// ReturnCode is 0 for an accepted submission; for a poll 0 (finished,
// faults found), 1 (finished, none found), 6 (queued or running) or 5
// (failed: the store kept failing).
func (v TaskView) ReturnCode() int {
	if v.submitted {
		return ReturnFound
	}
	switch v.Task.Status {
	case TaskFinished:
		if len(v.Task.Matches) > 0 {
			return ReturnFound
		}
		return ReturnNoData
	case TaskFailed:
		return ReturnDACError
	default:
		return ReturnTaskPending
	}
}

// Description is the description of ReturnCode.
func (v TaskView) Description() string {
	if v.submitted {
		return "The delimitation task is accepted."
	}
	return Description(v.ReturnCode())
}

// TaskData is the data element of submitquickdelimit and
// queryquickresult.
type TaskData struct {
	TaskID         string        `json:"taskId"`
	Status         TaskStatus    `json:"status"`
	MSISDN         string        `json:"msisdn"`
	FaultTime      string        `json:"faultTime"`
	ComplaintScene string        `json:"complaintScene"`
	SessionID      string        `json:"sessionID,omitempty"`
	TTID           string        `json:"ttid,omitempty"`
	Rules          []MatchedRule `json:"rules"`
}

// Data is the data array of submitquickdelimit and queryquickresult: the
// task, with its rules once finished.
func (v TaskView) Data() []TaskData {
	t := v.Task
	d := TaskData{
		TaskID: FormatID(t.ID), Status: t.Status, MSISDN: t.MSISDN,
		FaultTime: strconv.FormatInt(t.FaultTime.UnixMilli(), 10), ComplaintScene: t.SceneID, SessionID: t.SessionID,
		Rules: matchedRules(t.Matches),
	}
	if len(t.Matches) > 0 {
		d.TTID = formatTTID(t.Matches[0].FirstSeen, v.location)
	}
	return []TaskData{d}
}

// DeepData is the data element of querydeepresult.
type DeepData struct {
	TaskID         string     `json:"taskId"`
	Status         TaskStatus `json:"status"`
	MSISDN         string     `json:"msisdn"`
	FaultTime      string     `json:"faultTime"`
	ComplaintScene string     `json:"complaintScene"`
	SessionID      string     `json:"sessionID,omitempty"`
	TTID           string     `json:"ttid,omitempty"`
	Rules          []DeepRule `json:"rules"`
}

// DeepRule is a matched rule with its evidence.
type DeepRule struct {
	ReflectionRule string           `json:"reflectionRule"`
	CCMSceneCode   string           `json:"ccmSceneCode"`
	TTID           string           `json:"ttid"`
	RuleIDs        []string         `json:"ruleIds"`
	Records        []EvidenceRecord `json:"records"`
}

// EvidenceRecord is a subscriber record a rule explains.
type EvidenceRecord struct {
	EventTime    string            `json:"eventTime"` // yyyy-MM-dd HH:mm:ss in the tenant's zone
	CCMSceneCode string            `json:"ccmSceneCode"`
	Dimensions   map[string]string `json:"dimensions"`
}

// DeepData is the data array of querydeepresult.
func (v TaskView) DeepData() []DeepData {
	t := v.Task
	d := DeepData{
		TaskID: FormatID(t.ID), Status: t.Status, MSISDN: t.MSISDN,
		FaultTime: strconv.FormatInt(t.FaultTime.UnixMilli(), 10), ComplaintScene: t.SceneID, SessionID: t.SessionID,
		Rules: make([]DeepRule, len(t.Matches)),
	}
	for i, m := range t.Matches {
		dr := DeepRule{
			ReflectionRule: m.ReflectionRule, CCMSceneCode: m.SceneCode, TTID: formatTTID(m.FirstSeen, v.location),
			RuleIDs: make([]string, len(m.RuleIDs)), Records: make([]EvidenceRecord, len(m.Records)),
		}
		for j, id := range m.RuleIDs {
			dr.RuleIDs[j] = FormatID(id)
		}
		for j, r := range m.Records {
			dims := make(map[string]string, len(r.Dimensions))
			for _, x := range r.Dimensions {
				dims[x.Key] = x.Value
			}
			dr.Records[j] = EvidenceRecord{EventTime: formatTTID(r.EventTime, v.location), CCMSceneCode: r.SceneCode, Dimensions: dims}
		}
		d.Rules[i] = dr
	}
	if len(t.Matches) > 0 {
		d.TTID = formatTTID(t.Matches[0].FirstSeen, v.location)
	}
	return []DeepData{d}
}
