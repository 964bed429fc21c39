package client

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// The SmartCare APIs, behind the app gateway with a mandatory X-APP-Key
// (WithAppKey sends it). Every business outcome is HTTP 200 with a
// numeric returnCode; the methods return the outcomes their callers act
// on (found, not found, still running) and an *APIError of
// FamilySmartCare, Code the return code, for the others.

// ReturnCode is a SmartCare return code (the page's Table 4), read from a
// JSON number or string.
type ReturnCode int

// The return codes.
const (
	ReturnFound         ReturnCode = 0   // query succeeded, data found
	ReturnNoData        ReturnCode = 1   // query succeeded, no data found
	ReturnInvalidMSISDN ReturnCode = 2   // invalid MSISDN
	ReturnInvalidTime   ReturnCode = 3   // invalid fault time
	ReturnUnknownScene  ReturnCode = 4   // the scenario does not exist
	ReturnDACError      ReturnCode = 5   // DAC query error; worth retrying later
	ReturnTaskPending   ReturnCode = 6   // the delimitation task is being processed
	ReturnUnknownTask   ReturnCode = 7   // the delimitation task does not exist
	ReturnOther         ReturnCode = 97  // other errors
	ReturnParamInvalid  ReturnCode = 101 // parameter verification failed
	ReturnInternalError ReturnCode = 102 // AICC internal system error
)

// UnmarshalJSON accepts 0 and "0" alike.
func (r *ReturnCode) UnmarshalJSON(b []byte) error {
	s, _ := flexCode(b)
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("client: returnCode %s is not a number", s)
	}
	*r = ReturnCode(n)
	return nil
}

// FaultyUserQuery is the body of queryfaultyuser and submitquickdelimit,
// every value a string as the page types them.
type FaultyUserQuery struct {
	MSISDN            string `json:"msisdn"`
	FaultTime         string `json:"faultTime"` // epoch milliseconds; see EpochMillis
	ComplaintScene    string `json:"complaintScene"`
	BacktraceDuration string `json:"backtraceDuration,omitempty"` // seconds, 60 to 86400
	SessionID         string `json:"sessionID,omitempty"`
	QueryFlag         string `json:"queryFlag"` // fixed to "1"; sent as "1" when empty
}

// EpochMillis writes t as faultTime wants it.
func EpochMillis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// MatchedRule is a mass fault that explains the subscriber's records, as
// the page's example lists it.
type MatchedRule struct {
	ReflectionRule string `json:"reflectionRule"`
	CCMSceneCode   string `json:"ccmSceneCode"`
}

// FaultyUser is queryfaultyuser's data element.
type FaultyUser struct {
	Rules  []MatchedRule `json:"rules"`
	MSISDN string        `json:"msisdn"`
	// TTID is the fault occurrence time, yyyy-MM-dd HH:mm:ss: the page's
	// table lists it as optional, its example has none.
	TTID string `json:"ttid"`
}

// FaultyUserResult is queryfaultyuser's answer: ReturnFound with the
// subscriber's faults, or ReturnNoData.
type FaultyUserResult struct {
	ReturnCode  ReturnCode   `json:"returnCode"`
	Description string       `json:"description"`
	Data        []FaultyUser `json:"data"`
}

// Found reports whether the subscriber is affected by a known mass fault.
func (r *FaultyUserResult) Found() bool { return r.ReturnCode == ReturnFound && len(r.Data) > 0 }

// QueryFaultyUser asks whether a subscriber is affected by a known mass
// fault (POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser).
func (c *Client) QueryFaultyUser(ctx context.Context, q FaultyUserQuery) (*FaultyUserResult, error) {
	if q.QueryFlag == "" {
		q.QueryFlag = "1"
	}
	var out FaultyUserResult
	if err := c.smartCare(ctx, "queryfaultyuser", q, true, &out, ReturnFound, ReturnNoData); err != nil {
		return nil, err
	}
	return &out, nil
}

// DelimitTask is a delimitation task as submitquickdelimit and
// queryquickresult answer it.
type DelimitTask struct {
	TaskID         string        `json:"taskId"`
	Status         string        `json:"status"` // queued, running, finished, failed
	MSISDN         string        `json:"msisdn"`
	FaultTime      string        `json:"faultTime"`
	ComplaintScene string        `json:"complaintScene"`
	SessionID      string        `json:"sessionID"`
	TTID           string        `json:"ttid"`
	Rules          []MatchedRule `json:"rules"`
}

// SubmitQuickDelimit queues a delimitation of a complaint and returns the
// task to poll (POST /apiaccess/CC-Management/v1/smartcare/submitquickdelimit).
// It is never sent twice.
func (c *Client) SubmitQuickDelimit(ctx context.Context, q FaultyUserQuery) (*DelimitTask, error) {
	if q.QueryFlag == "" {
		q.QueryFlag = "1"
	}
	var out struct {
		Data []DelimitTask `json:"data"`
	}
	if err := c.smartCare(ctx, "submitquickdelimit", q, false, &out, ReturnFound); err != nil {
		return nil, err
	}
	if len(out.Data) != 1 {
		return nil, &APIError{Status: http.StatusOK, Family: FamilySmartCare, Code: "0", Message: "the answer holds no task"}
	}
	return &out.Data[0], nil
}

// TaskResult is queryquickresult's answer: ReturnFound or ReturnNoData
// once the task finished, ReturnTaskPending while it runs.
type TaskResult struct {
	ReturnCode  ReturnCode    `json:"returnCode"`
	Description string        `json:"description"`
	Data        []DelimitTask `json:"data"`
}

// Pending reports whether the task is still queued or running.
func (r *TaskResult) Pending() bool { return r.ReturnCode == ReturnTaskPending }

// QueryQuickResult polls a delimitation task
// (POST /apiaccess/CC-Management/v1/smartcare/queryquickresult).
func (c *Client) QueryQuickResult(ctx context.Context, taskID string) (*TaskResult, error) {
	var out TaskResult
	if err := c.smartCare(ctx, "queryquickresult", map[string]string{"taskId": taskID}, true, &out,
		ReturnFound, ReturnNoData, ReturnTaskPending); err != nil {
		return nil, err
	}
	return &out, nil
}

// WaitQuickResult polls a task every interval until it is no longer
// pending, or ctx is done.
func (c *Client) WaitQuickResult(ctx context.Context, taskID string, interval time.Duration) (*TaskResult, error) {
	for {
		r, err := c.QueryQuickResult(ctx, taskID)
		if err != nil || !r.Pending() {
			return r, err
		}
		if err := sleep(ctx, interval); err != nil {
			return nil, err
		}
	}
}

// EvidenceRecord is a subscriber record a fault explains.
type EvidenceRecord struct {
	EventTime    string            `json:"eventTime"` // yyyy-MM-dd HH:mm:ss in the tenant's zone
	CCMSceneCode string            `json:"ccmSceneCode"`
	Dimensions   map[string]string `json:"dimensions"`
}

// DeepRule is a matched fault with its evidence.
type DeepRule struct {
	ReflectionRule string           `json:"reflectionRule"`
	CCMSceneCode   string           `json:"ccmSceneCode"`
	TTID           string           `json:"ttid"`
	RuleIDs        []string         `json:"ruleIds"`
	Records        []EvidenceRecord `json:"records"`
}

// DeepTask is a delimitation task with the evidence of each match.
type DeepTask struct {
	TaskID         string     `json:"taskId"`
	Status         string     `json:"status"`
	MSISDN         string     `json:"msisdn"`
	FaultTime      string     `json:"faultTime"`
	ComplaintScene string     `json:"complaintScene"`
	SessionID      string     `json:"sessionID"`
	TTID           string     `json:"ttid"`
	Rules          []DeepRule `json:"rules"`
}

// DeepResult is querydeepresult's answer, with the return codes of
// queryquickresult.
type DeepResult struct {
	ReturnCode  ReturnCode `json:"returnCode"`
	Description string     `json:"description"`
	Data        []DeepTask `json:"data"`
}

// QueryDeepResult reads the evidence behind a delimitation
// (POST /apiaccess/CC-Management/v1/smartcare/querydeepresult).
func (c *Client) QueryDeepResult(ctx context.Context, taskID string) (*DeepResult, error) {
	var out DeepResult
	if err := c.smartCare(ctx, "querydeepresult", map[string]string{"taskId": taskID}, true, &out,
		ReturnFound, ReturnNoData, ReturnTaskPending); err != nil {
		return nil, err
	}
	return &out, nil
}

// smartCare sends a SmartCare call and decodes an answer whose return
// code is one of ok into out; other codes are errors.
func (c *Client) smartCare(ctx context.Context, endpoint string, body any, safe bool, out any, ok ...ReturnCode) error {
	a, err := c.send(ctx, call{method: http.MethodPost, path: "/apiaccess/CC-Management/v1/smartcare/" + endpoint,
		body: body, auth: authGateway, safe: safe, family: FamilySmartCare})
	if err != nil {
		return err
	}
	if a.status != http.StatusOK {
		return parseError(a, FamilySmartCare)
	}
	var head struct {
		ReturnCode  ReturnCode `json:"returnCode"`
		Description string     `json:"description"`
	}
	if err := decodeJSON(a, &head); err != nil {
		return err
	}
	for _, code := range ok {
		if head.ReturnCode == code {
			return decodeJSON(a, out)
		}
	}
	return parseError(a, FamilySmartCare)
}
