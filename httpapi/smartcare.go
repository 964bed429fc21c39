package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/smartcare"
)

// The SmartCare family: queryfaultyuser and the asynchronous delimitation
// endpoints, behind the app gateway with a mandatory X-APP-Key. Every
// business outcome is HTTP 200 with a numeric returnCode.

// flexString is a request field the page types as a string, accepted as a
// JSON number too: complaint systems send faultTime and backtraceDuration
// either way.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: stringType}
	}
	*f = flexString(n.String())
	return nil
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

// smartCareAnswer is every SmartCare answer: returnCode, description and
// data, which the page makes mandatory.
type smartCareAnswer struct {
	ReturnCode  int    `json:"returnCode"`
	Description string `json:"description"`
	Data        any    `json:"data"`
}

// queryFaultyUser answers whether a subscriber is affected by a known mass
// fault: POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser.
func (s *Server) queryFaultyUser(w http.ResponseWriter, r *http.Request) error {
	var body faultyUserBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	res, err := s.smartcare.QueryFaultyUser(r.Context(), gatewayPrincipalFrom(r.Context()).TenantID, body.request())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, smartCareAnswer{ReturnCode: res.ReturnCode(), Description: res.Description(), Data: res.Data()})
	return nil
}

// submitQuickDelimit queues a delimitation and answers its task ID:
// POST /apiaccess/CC-Management/v1/smartcare/submitquickdelimit.
func (s *Server) submitQuickDelimit(w http.ResponseWriter, r *http.Request) error {
	var body faultyUserBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	v, err := s.smartcare.SubmitQuickDelimit(r.Context(), gatewayPrincipalFrom(r.Context()).TenantID, body.request())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, smartCareAnswer{ReturnCode: v.ReturnCode(), Description: v.Description(), Data: v.Data()})
	return nil
}

type taskBody struct {
	TaskID flexString `json:"taskId"`
}

var errTaskIDMissing = aiccd.Errorf(aiccd.KindInvalid, "taskId is mandatory and missing").WithCode(smartcare.CodeParamInvalid)

// queryQuickResult polls a delimitation task:
// POST /apiaccess/CC-Management/v1/smartcare/queryquickresult.
func (s *Server) queryQuickResult(w http.ResponseWriter, r *http.Request) error {
	var body taskBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.TaskID == "" {
		return errTaskIDMissing
	}
	v, err := s.smartcare.QueryQuickResult(r.Context(), gatewayPrincipalFrom(r.Context()).TenantID, string(body.TaskID))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, smartCareAnswer{ReturnCode: v.ReturnCode(), Description: v.Description(), Data: v.Data()})
	return nil
}

// queryDeepResult answers the per-record evidence behind a finished
// delimitation: POST /apiaccess/CC-Management/v1/smartcare/querydeepresult.
func (s *Server) queryDeepResult(w http.ResponseWriter, r *http.Request) error {
	var body taskBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.TaskID == "" {
		return errTaskIDMissing
	}
	v, err := s.smartcare.QueryDeepResult(r.Context(), gatewayPrincipalFrom(r.Context()).TenantID, string(body.TaskID))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, smartCareAnswer{ReturnCode: v.ReturnCode(), Description: v.Description(), Data: v.DeepData()})
	return nil
}
