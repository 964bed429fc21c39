package httpapi

import (
	"net/http"
)

// The SmartCare family: queryfaultyuser and the asynchronous delimitation
// endpoints, behind the app gateway with a mandatory X-APP-Key. Every
// business outcome is HTTP 200 with a numeric returnCode.

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
	writeJSON(w, http.StatusOK, FaultyUserAnswer(res, nil))
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
	writeJSON(w, http.StatusOK, taskAnswer(v))
	return nil
}

// queryQuickResult polls a delimitation task:
// POST /apiaccess/CC-Management/v1/smartcare/queryquickresult.
func (s *Server) queryQuickResult(w http.ResponseWriter, r *http.Request) error {
	var body taskBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	v, err := s.smartcare.QueryQuickResult(r.Context(), gatewayPrincipalFrom(r.Context()).TenantID, string(body.TaskID))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, taskAnswer(v))
	return nil
}

// queryDeepResult answers the per-record evidence behind a finished
// delimitation: POST /apiaccess/CC-Management/v1/smartcare/querydeepresult.
func (s *Server) queryDeepResult(w http.ResponseWriter, r *http.Request) error {
	var body taskBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	v, err := s.smartcare.QueryDeepResult(r.Context(), gatewayPrincipalFrom(r.Context()).TenantID, string(body.TaskID))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, deepAnswer(v))
	return nil
}
