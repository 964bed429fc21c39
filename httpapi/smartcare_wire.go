package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/smartcare"
)

// The SmartCare family's wire format: the request bodies, the answers
// {returnCode, description, data} in the page's field names, the return
// code of each outcome and the page's sentence for it. The smartcare
// package decides the outcome (found or not, a task's status, why a
// request is refused); this file numbers and spells it.

// The return codes of the SmartCare API family. 0 to 102 are Table 4 of the
// queryfaultyuser page; 6 and 7 are aiccd's, for the asynchronous
// delimitation endpoints the page does not cover (docs/compatibility.md).
const (
	returnFound         = 0   // query succeeded, data found
	returnNoData        = 1   // query succeeded, nothing found
	returnInvalidMSISDN = 2   // msisdn is not 5 to 15 digits
	returnInvalidTime   = 3   // faultTime is not epoch ms, lies in the future, or before the retention
	returnUnknownScene  = 4   // complaintScene names no scene of the tenant
	returnDACError      = 5   // the subscriber record store failed
	returnTaskPending   = 6   // a delimitation task is queued or running
	returnUnknownTask   = 7   // no delimitation task has this ID
	returnOther         = 97  // other errors
	returnParamInvalid  = 101 // a mandatory field is missing or a value is malformed
	returnInternalError = 102 // a fault of aiccd
)

// errorReturnCodes are the return codes of the smartcare package's error
// codes.
var errorReturnCodes = map[string]int{
	smartcare.CodeInvalidMSISDN:      returnInvalidMSISDN,
	smartcare.CodeInvalidTime:        returnInvalidTime,
	smartcare.CodeUnknownScene:       returnUnknownScene,
	smartcare.CodeRecordsUnavailable: returnDACError,
	smartcare.CodeUnknownTask:        returnUnknownTask,
	smartcare.CodeTooManyRecords:     returnOther,
	smartcare.CodeInvalidRule:        returnParamInvalid,
}

// returnCodeOf is the return code that answers an error of code and
// kind: the one of a smartcare code, or else one that follows from the
// kind (Invalid 101, Unavailable 5, NotFound and Conflict 97, anything
// else 102).
func returnCodeOf(code string, kind aiccd.Kind) int {
	if rc, ok := errorReturnCodes[code]; ok {
		return rc
	}
	switch kind {
	case aiccd.KindInvalid:
		return returnParamInvalid
	case aiccd.KindUnavailable:
		return returnDACError
	case aiccd.KindNotFound, aiccd.KindConflict:
		return returnOther
	default:
		return returnInternalError
	}
}

// resultReturnCode is queryfaultyuser's return code for an answer: 0
// (found) or 1 (none found).
func resultReturnCode(r smartcare.FaultyUserResult) int {
	if r.Found() {
		return returnFound
	}
	return returnNoData
}

// taskReturnCode is 0 for an accepted submission; for a poll 0 (finished,
// faults found), 1 (finished, none found), 6 (queued or running) or 5
// (failed: the store kept failing).
func taskReturnCode(v smartcare.TaskView) int {
	if v.Submitted() {
		return returnFound
	}
	switch v.Task.Status {
	case smartcare.TaskFinished:
		if v.Found() {
			return returnFound
		}
		return returnNoData
	case smartcare.TaskFailed:
		return returnDACError
	default:
		return returnTaskPending
	}
}

// flexString is a request field the page types as a string, accepted as a
// JSON number too: complaint systems send faultTime and backtraceDuration
// either way.
type flexString string

// UnmarshalJSON is given one valid JSON value (encoding/json checks the
// whole body first): a string of printable ASCII without escapes, or a
// number, is taken as written, without a second decoder; other strings are
// decoded.
func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
	case b[0] == '"':
		if plain := b[1 : len(b)-1]; plainASCII(plain) {
			*f = flexString(plain)
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	case bytes.Equal(b, []byte("null")):
		*f = ""
		return nil
	case b[0] == '-' || b[0] >= '0' && b[0] <= '9':
		*f = flexString(b)
		return nil
	}
	return &json.UnmarshalTypeError{Value: "non-string", Type: stringType}
}

// plainASCII reports whether b holds only printable ASCII characters
// and no backslash: a JSON string's content that means itself.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e || c == '\\' {
			return false
		}
	}
	return true
}

var stringType = reflect.TypeFor[string]()

// faultyUserBody is the body of queryfaultyuser and submitquickdelimit.
type faultyUserBody struct {
	MSISDN            flexString `json:"msisdn"`
	FaultTime         flexString `json:"faultTime"`
	ComplaintScene    flexString `json:"complaintScene"`
	BacktraceDuration flexString `json:"backtraceDuration"`
	SessionID         flexString `json:"sessionID"`
	QueryFlag         flexString `json:"queryFlag"`
}

func (b faultyUserBody) request() smartcare.FaultyUserRequest {
	return smartcare.FaultyUserRequest{
		MSISDN: string(b.MSISDN), FaultTime: string(b.FaultTime), ComplaintScene: string(b.ComplaintScene),
		BacktraceDuration: string(b.BacktraceDuration), SessionID: string(b.SessionID), QueryFlag: string(b.QueryFlag),
	}
}

// taskBody is the body of queryquickresult and querydeepresult.
type taskBody struct {
	TaskID flexString `json:"taskId"`
}

// smartCareAnswer is every SmartCare answer: returnCode, description and
// data, which the page makes mandatory.
type smartCareAnswer struct {
	ReturnCode  int    `json:"returnCode"`
	Description string `json:"description"`
	Data        any    `json:"data"`
}

// scError is a SmartCare answer without data: data is mandatory in the
// page's table, so it is there, empty.
type scError struct {
	ReturnCode  int    `json:"returnCode"`
	Description string `json:"description"`
	Data        []any  `json:"data"`
}

var noData = []any{}

// smartCareTexts are the SmartCare page's sentences for the statuses it
// lists beside 200; they are the CC-Management page's.
var smartCareTexts = map[int]string{
	http.StatusBadRequest:          ccTexts[http.StatusBadRequest],
	http.StatusUnauthorized:        ccTexts[http.StatusUnauthorized],
	http.StatusNotFound:            ccTexts[http.StatusNotFound],
	http.StatusInternalServerError: ccTexts[http.StatusInternalServerError],
}

var scDescriptions = map[int]string{
	returnFound:         "Query succeeded. Data is found in the query result.",
	returnNoData:        "Query succeeded. No data is found in the query result.",
	returnInvalidMSISDN: "Invalid MSISDN.",
	returnInvalidTime:   "Invalid fault time.",
	returnUnknownScene:  "The scenario does not exist.",
	returnDACError:      "DAC query error.",
	returnTaskPending:   "The delimitation task is being processed. Query again later.",
	returnUnknownTask:   "The delimitation task does not exist.",
	returnOther:         "Other errors.",
	returnParamInvalid:  "Parameter verification failed.",
	returnInternalError: "AICC internal system error.",
}

// SmartCareDescription is the page's response description of a return
// code, the whole description an answer carries: why a request was
// refused is the error's message, for the log and the request journal.
func SmartCareDescription(returnCode int) string {
	if d, ok := scDescriptions[returnCode]; ok {
		return d
	}
	return scDescriptions[returnOther]
}

// FaultyUserAnswer is queryfaultyuser's response body for the outcome of
// smartcare.Service.QueryFaultyUser, exactly as the API sends it: the CLI
// and the console show it beside their own views. A refusal has the
// page's sentence only; the caller shows the error's message itself.
func FaultyUserAnswer(res smartcare.FaultyUserResult, err error) any {
	if err != nil {
		rc := returnCodeOf(aiccd.CodeOf(err), aiccd.KindOf(err))
		return smartCareAnswer{ReturnCode: rc, Description: SmartCareDescription(rc), Data: []faultyUserData{}}
	}
	rc := resultReturnCode(res)
	return smartCareAnswer{ReturnCode: rc, Description: SmartCareDescription(rc), Data: faultyUserDataOf(res)}
}

// faultyUserData is an element of queryfaultyuser's data array, in the
// page's field names and the order of its example. ttid, in the page's
// table but not its example, is the time of the subscriber's earliest
// record that a fault explains.
type faultyUserData struct {
	Rules  []matchedRule `json:"rules"`
	MSISDN string        `json:"msisdn"`
	TTID   string        `json:"ttid,omitempty"`
}

// matchedRule is an element of the rules array of the page's example,
// with exactly its two fields; the page has ttid only on the data
// element.
type matchedRule struct {
	ReflectionRule string `json:"reflectionRule"`
	CCMSceneCode   string `json:"ccmSceneCode"`
}

// faultyUserDataOf is the data array: one element for the subscriber when
// a fault was found, empty otherwise.
func faultyUserDataOf(r smartcare.FaultyUserResult) []faultyUserData {
	if len(r.Matches) == 0 {
		return []faultyUserData{}
	}
	return []faultyUserData{{
		Rules:  matchedRules(r.Matches),
		MSISDN: r.MSISDN,
		TTID:   formatTTID(r.Matches[0].FirstSeen, r.Location()),
	}}
}

func matchedRules(ms []smartcare.RuleMatch) []matchedRule {
	out := make([]matchedRule, len(ms))
	for i, m := range ms {
		out[i] = matchedRule{ReflectionRule: m.ReflectionRule, CCMSceneCode: m.SceneCode}
	}
	return out
}

// formatTTID writes a time as the page's ttid, in the tenant's zone.
func formatTTID(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(smartcare.TTIDLayout)
}

// taskAnswer is the answer of submitquickdelimit and queryquickresult.
func taskAnswer(v smartcare.TaskView) smartCareAnswer {
	rc := taskReturnCode(v)
	desc := SmartCareDescription(rc)
	if v.Submitted() {
		desc = "The delimitation task is accepted."
	}
	return smartCareAnswer{ReturnCode: rc, Description: desc, Data: taskDataOf(v)}
}

// deepAnswer is the answer of querydeepresult.
func deepAnswer(v smartcare.TaskView) smartCareAnswer {
	rc := taskReturnCode(v)
	return smartCareAnswer{ReturnCode: rc, Description: SmartCareDescription(rc), Data: deepDataOf(v)}
}

// taskData is the data element of submitquickdelimit and
// queryquickresult (R: matchedRule) and of querydeepresult (R: deepRule,
// each rule with its evidence).
type taskData[R any] struct {
	TaskID         string               `json:"taskId"`
	Status         smartcare.TaskStatus `json:"status"`
	MSISDN         string               `json:"msisdn"`
	FaultTime      string               `json:"faultTime"`
	ComplaintScene string               `json:"complaintScene"`
	SessionID      string               `json:"sessionID,omitempty"`
	TTID           string               `json:"ttid,omitempty"`
	Rules          []R                  `json:"rules"`
}

// taskElement is the data array of a task's answer: the task, with the
// rules it matched once finished.
func taskElement[R any](v smartcare.TaskView, rules []R) []taskData[R] {
	t := v.Task
	d := taskData[R]{
		TaskID: smartcare.FormatID(t.ID), Status: t.Status, MSISDN: t.MSISDN,
		FaultTime: strconv.FormatInt(t.FaultTime.UnixMilli(), 10), ComplaintScene: t.SceneID, SessionID: t.SessionID,
		Rules: rules,
	}
	if len(t.Matches) > 0 {
		d.TTID = formatTTID(t.Matches[0].FirstSeen, v.Location())
	}
	return []taskData[R]{d}
}

// taskDataOf is the data array of submitquickdelimit and
// queryquickresult.
func taskDataOf(v smartcare.TaskView) []taskData[matchedRule] {
	return taskElement(v, matchedRules(v.Task.Matches))
}

// deepRule is a matched rule with its evidence.
type deepRule struct {
	ReflectionRule string           `json:"reflectionRule"`
	CCMSceneCode   string           `json:"ccmSceneCode"`
	TTID           string           `json:"ttid"`
	RuleIDs        []string         `json:"ruleIds"`
	Records        []evidenceRecord `json:"records"`
}

// evidenceRecord is a subscriber record a rule explains.
type evidenceRecord struct {
	EventTime    string            `json:"eventTime"` // yyyy-MM-dd HH:mm:ss in the tenant's zone
	CCMSceneCode string            `json:"ccmSceneCode"`
	Dimensions   map[string]string `json:"dimensions"`
}

// deepDataOf is the data array of querydeepresult.
func deepDataOf(v smartcare.TaskView) []taskData[deepRule] {
	t, loc := v.Task, v.Location()
	rules := make([]deepRule, len(t.Matches))
	for i, m := range t.Matches {
		dr := deepRule{
			ReflectionRule: m.ReflectionRule, CCMSceneCode: m.SceneCode, TTID: formatTTID(m.FirstSeen, loc),
			RuleIDs: make([]string, len(m.RuleIDs)), Records: make([]evidenceRecord, len(m.Records)),
		}
		for j, id := range m.RuleIDs {
			dr.RuleIDs[j] = smartcare.FormatID(id)
		}
		for j, r := range m.Records {
			dims := make(map[string]string, len(r.Dimensions))
			for _, x := range r.Dimensions {
				dims[x.Key] = x.Value
			}
			dr.Records[j] = evidenceRecord{EventTime: formatTTID(r.EventTime, loc), CCMSceneCode: r.SceneCode, Dimensions: dims}
		}
		rules[i] = dr
	}
	return taskElement(v, rules)
}
