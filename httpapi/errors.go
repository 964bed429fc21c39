package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/partner"
	"github.com/aiccd/aiccd/tenant"
)

// Errors raised by the HTTP layer itself. Their Code tells the mapper the
// exact status where the kind alone is not enough.
var (
	errNotFound         = &aiccd.Error{Kind: aiccd.KindNotFound, Code: codeNoRoute, Message: "no such API"}
	errMethodNotAllowed = &aiccd.Error{Kind: aiccd.KindNotFound, Code: codeMethod, Message: "method not allowed"}
	errHeadersTooLarge  = &aiccd.Error{Kind: aiccd.KindTooLarge, Code: codeHeaders, Message: "request header fields too large"}
)

const (
	codeNoRoute = "http.no_route"
	codeMethod  = "http.method_not_allowed"
	codeHeaders = "http.headers_too_large"
	// codeNotJSON marks a request body that is not one JSON object.
	codeNotJSON = "http.not_json"
	// codePanic marks a handler that panicked: it gave no answer at all.
	codePanic = "http.panic"
)

// tooLarge is the error of a request body over limit bytes.
func tooLarge(limit int64) error {
	return aiccd.Errorf(aiccd.KindTooLarge, "Request entity too large: the limit is %d bytes.", limit)
}

// httpStatus is the status an error of kind has when its family has no
// reason to differ.
func httpStatus(kind aiccd.Kind, code string) int {
	switch code {
	case codeMethod:
		return http.StatusMethodNotAllowed
	case codeHeaders:
		return http.StatusRequestHeaderFieldsTooLarge
	}
	switch kind {
	case aiccd.KindInvalid:
		return http.StatusBadRequest
	case aiccd.KindUnauthorized:
		return http.StatusUnauthorized
	case aiccd.KindForbidden:
		return http.StatusForbidden
	case aiccd.KindNotFound:
		return http.StatusNotFound
	case aiccd.KindConflict:
		return http.StatusConflict
	case aiccd.KindRateLimited:
		return http.StatusTooManyRequests
	case aiccd.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case aiccd.KindUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// problem is an error reduced to what a family renderer may use: nothing in
// it is internal.
type problem struct {
	kind      aiccd.Kind
	code      string // aiccd.Error.Code, for family-specific codes
	status    int    // the default status for kind
	message   string // client-safe, as a sentence; "" when the error had none
	requestID string
}

// writeError is the one place errors become responses. It logs the error
// once (with its internal cause when it is aiccd's fault) and renders it in
// the wire format of the request's API family.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
		err = tooLarge(mbe.Limit)
	}
	kind := aiccd.KindOf(err)
	detail := aiccd.MessageOf(err, "")
	_, fieldFirst := errors.AsType[fieldLed](err)
	p := problem{
		kind:      kind,
		code:      aiccd.CodeOf(err),
		status:    httpStatus(kind, aiccd.CodeOf(err)),
		message:   sentence(detail, fieldFirst),
		requestID: requestIDFrom(r.Context()),
	}
	ctx := r.Context()
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		// The client went away; there is nobody to answer.
		s.logger.DebugContext(ctx, "client disconnected", "request_id", p.requestID, "err", err)
	case kind == aiccd.KindInternal || kind == aiccd.KindUnavailable:
		s.logger.ErrorContext(ctx, "request failed", "request_id", p.requestID, "kind", kind.String(), "err", err)
	default:
		s.logger.DebugContext(ctx, "request refused", "request_id", p.requestID, "kind", kind.String(), "err", err)
	}
	if rec, ok := w.(*recorder); ok {
		// The access log line and the journal say why, whatever the
		// family's answer says.
		rec.errKind, rec.errDetail = kind.String(), detail
	}
	renderers[familyOf(r.URL.Path)](w, r, p)
}

// sentence makes a domain message read like the vendors' messages: a
// capital first letter and a final full stop. A message that starts with
// a field name keeps the field's spelling: one that says so (fieldFirst),
// or whose first word is followed by a colon ("offset: 101 is …") or is
// written like a field name ("app_key", "auth.scope", "accessCode").
func sentence(msg string, fieldFirst bool) string {
	if msg == "" {
		return ""
	}
	if !fieldFirst && !startsWithFieldName(msg) {
		r, size := utf8.DecodeRuneInString(msg)
		msg = string(unicode.ToUpper(r)) + msg[size:]
	}
	if !strings.ContainsRune(".!?", rune(msg[len(msg)-1])) {
		msg += "."
	}
	return msg
}

// startsWithFieldName reports whether msg's first word is a field name by
// its form: followed by a colon, or holding "_", "." or an upper-case
// letter after its first character.
func startsWithFieldName(msg string) bool {
	word, _, _ := strings.Cut(msg, " ")
	if w, ok := strings.CutSuffix(word, ":"); ok {
		return w != "" && !strings.Contains(w, "\"")
	}
	word = strings.TrimRight(word, ".,;")
	return len(word) > 1 && strings.ContainsAny(word[1:], "_.ABCDEFGHIJKLMNOPQRSTUVWXYZ")
}

// renderers write a problem in each family's wire format.
var renderers = [...]func(http.ResponseWriter, *http.Request, problem){
	familyGateway:   renderGateway,
	familyOMA:       renderOMA,
	familyPartner:   renderPartner,
	familyIAM:       renderIAM,
	familyCC:        renderCC,
	familySmartCare: renderSmartCare,
	familyAdmin:     renderAdmin,
	familyOps:       renderAdmin,
	familyConsole:   renderConsole,
}

// gatewayCodes are the APIG codes of the app gateway, by kind.
var gatewayCodes = map[aiccd.Kind]struct{ code, msg string }{
	aiccd.KindInvalid:      {"APIG.0201", "Bad request."},
	aiccd.KindUnauthorized: {"APIG.0301", "Incorrect authentication information."},
	aiccd.KindForbidden:    {"APIG.0302", "Access denied."},
	aiccd.KindNotFound:     {"APIG.0101", "The API does not exist or has not been published in the environment."},
	aiccd.KindConflict:     {"APIG.0201", "Bad request."},
	aiccd.KindRateLimited:  {"APIG.0308", "The throttling threshold has been reached."},
	aiccd.KindTooLarge:     {"APIG.0201", "Request entity too large."},
	aiccd.KindUnavailable:  {"APIG.0202", "Backend unavailable."},
	aiccd.KindInternal:     {"APIG.0202", "Backend unavailable."},
}

// gatewayCodeOverrides are APIG codes finer than the kind's.
var gatewayCodeOverrides = map[string]string{
	credential.CodeTokenExpired: "APIG.0307",
}

func renderGateway(w http.ResponseWriter, _ *http.Request, p problem) {
	c := gatewayCodes[p.kind]
	if code, ok := gatewayCodeOverrides[p.code]; ok {
		c.code = code
	}
	status := p.status
	switch p.kind {
	case aiccd.KindInternal, aiccd.KindUnavailable:
		status = http.StatusBadGateway // the gateway reports its backend's failure
	case aiccd.KindConflict:
		status = http.StatusBadRequest
	}
	msg := c.msg
	switch {
	case p.code == codeMethod:
		msg = "The API request method does not exist."
	case p.code == tenant.CodeNotInService:
		// tokenByAkSk for a tenant whose service is not active: the
		// sentence its APIs would answer.
		msg = ccTexts[http.StatusUnauthorized]
	case p.message != "" && p.code != codeNoRoute:
		msg = p.message
	}
	writeJSON(w, status, apigError{Code: c.code, Msg: msg, RequestID: p.requestID})
}

type apigError struct {
	Code      string `json:"error_code"`
	Msg       string `json:"error_msg"`
	RequestID string `json:"request_id,omitempty"`
}

// omaTexts are the OMA pages' plain-string bodies by status.
var omaTexts = map[int]string{
	http.StatusBadRequest:            "Incorrect request. Check the request path and parameters.",
	http.StatusUnauthorized:          "Unauthorized operation. Check whether related services are authorized.",
	http.StatusForbidden:             "Unauthorized operation. Check whether related services are authorized.",
	http.StatusNotFound:              "The requested content is not found. Check the request path.",
	http.StatusMethodNotAllowed:      "The request method is not allowed. Check the request method.",
	http.StatusConflict:              "Incorrect request. Check the request path and parameters.",
	http.StatusRequestEntityTooLarge: "The request body is too large.",
	http.StatusTooManyRequests:       "Too many requests. Try again later.",
	http.StatusInternalServerError:   "Business failure. Check the values of parameters in the request.",
	http.StatusServiceUnavailable:    "Business failure. Check the values of parameters in the request.",
}

// Routes whose pages give their own error texts, statuses or codes (see
// docs/compatibility.md). The patterns are routes.go's.
const (
	patternQueryTenantBasic = "GET /rest/oma/softwareconsole/tenant/querytenantbasic"
	patternQueryTenantInfo  = "GET /rest/oma/softwareconsole/trialtenant/querytenantinfo"
	patternQueryResource    = "POST /rest/oma/softwareconsole/tenant/queryresource"
	patternApplyTenant      = "POST /apiaccess/rest/ipccprovision/v1/applyTry/applyTenant"
)

// omaRouteTexts are the plain strings each OMA page gives, by route and
// status; statuses a page does not list take the family's.
var omaRouteTexts = map[string]map[int]string{
	patternQueryTenantInfo: {
		http.StatusBadRequest:          "Incorrect request. Check the request path and parameters.",
		http.StatusUnauthorized:        "Unauthorized operation. Check whether related services are authorized.",
		http.StatusNotFound:            "The requested content is not found. Check the request path.",
		http.StatusInternalServerError: "Business failure. Check the values of parameters in the request.",
	},
	patternQueryTenantBasic: {
		http.StatusUnauthorized: "Unauthorized operation. 1. Check whether you have purchased services related to the AICC. " +
			"2. Sign in to the AICC as a system administrator and check whether the value of Business Software Mall " +
			"Official Website under is correct. 3. Check whether the request header parameter is correctly set.",
		http.StatusBadGateway: "The business fails.",
	},
}

func renderOMA(w http.ResponseWriter, r *http.Request, p problem) {
	status := p.status
	if status == http.StatusServiceUnavailable {
		status = http.StatusInternalServerError
	}
	switch r.Pattern {
	case patternQueryTenantBasic:
		// The page documents 502 for a failing business, not 500.
		if status == http.StatusInternalServerError {
			status = http.StatusBadGateway
		}
	case patternQueryResource:
		// Its answers carry returnCode and description; so do its
		// refusals of the request and its failures. Authentication and
		// throttling stay the family's plain strings.
		if status == http.StatusBadRequest || status == http.StatusConflict || status == http.StatusInternalServerError {
			if status == http.StatusConflict {
				status = http.StatusBadRequest
			}
			msg := omaTexts[status]
			if p.kind == aiccd.KindInvalid && p.message != "" {
				msg = p.message
			}
			writeJSON(w, status, ccError{ReturnCode: itoa(status), Description: msg})
			return
		}
	}
	text, ok := omaRouteTexts[r.Pattern][status]
	if !ok {
		text = omaTexts[status]
	}
	if text == "" {
		text = http.StatusText(status) + "."
	}
	writeText(w, status, text)
}

// Partner (CBC) codes.
const (
	cbcSuccess      = "CBC.0000"
	cbcInvalidInput = "CBC.0100" // check-user's invalid input, answered with HTTP 200
	cbcInvalid      = "CBC.0101"
	cbcNotPartner   = "CBC.5001"
	cbcDenied       = "CBC.0151"
	cbcInternal     = "CBC.0999"
)

// cbcTexts are the check-user page's descriptions of its codes.
var cbcTexts = map[string]string{
	cbcSuccess:      "Success.",
	cbcInvalidInput: "Invalid input parameter.",
	cbcNotPartner:   "You are not a partner yet.",
	cbcInternal:     "Other errors.",
	cbcDenied:       "Access denied.",
}

// Partner routes whose pages have error rules of their own.
const (
	routeCheckUser    = "POST /v1.0/{partner_id}/partner/customer-mgr/check-user"
	routeSubCustomers = "POST /v2/partners/sub-customers"
)

// subCustomerCodes are the codes the cloud's create-customer API gives a
// customer it refuses, by domain code. Other refusals are CBC.0101.
var subCustomerCodes = map[string]string{
	partner.CodeNameUsed:        "CBC.99000038", // the login name already exists
	partner.CodeNameInvalid:     "CBC.99000031", // the login name is malformed
	partner.CodeMobileInvalid:   "CBC.5017",     // the mobile number is malformed
	partner.CodeMobileLimit:     "CBC.99000030", // the mobile number has its most accounts
	partner.CodePasswordInvalid: "CBC.99000036", // the password breaks the policy
}

func renderPartner(w http.ResponseWriter, r *http.Request, p problem) {
	// Authentication, throttling, size and routing are the cloud gateway's
	// answers in front of the partner service, so they carry APIG codes.
	switch p.kind {
	case aiccd.KindUnauthorized, aiccd.KindRateLimited, aiccd.KindTooLarge:
		renderGateway(w, r, p)
		return
	case aiccd.KindNotFound:
		if p.code == codeNoRoute || p.code == codeMethod {
			renderGateway(w, r, p)
			return
		}
	}
	if p.code == credential.CodeNotPartner {
		writeJSON(w, http.StatusBadRequest, cbcError{Code: cbcNotPartner, Msg: cbcTexts[cbcNotPartner]})
		return
	}
	switch {
	case r.Pattern == routeCheckUser && p.kind == aiccd.KindInvalid:
		// The check-user page's table: invalid input is HTTP 200 CBC.0100.
		msg := cbcTexts[cbcInvalidInput]
		if p.message != "" {
			msg += " " + p.message
		}
		writeJSON(w, http.StatusOK, cbcError{Code: cbcInvalidInput, Msg: msg})
		return
	case r.Pattern == routeSubCustomers && subCustomerCodes[p.code] != "":
		writeJSON(w, http.StatusBadRequest, cbcError{Code: subCustomerCodes[p.code], Msg: p.message})
		return
	}
	status, code, msg := http.StatusBadRequest, cbcInvalid, p.message
	switch p.kind {
	case aiccd.KindInvalid, aiccd.KindConflict:
		if msg == "" {
			msg = "Invalid parameter."
		}
	case aiccd.KindForbidden, aiccd.KindNotFound:
		status, code = http.StatusForbidden, cbcDenied
		if msg == "" {
			msg = cbcTexts[cbcDenied]
		}
	default:
		status, code, msg = http.StatusInternalServerError, cbcInternal, cbcTexts[cbcInternal]
	}
	writeJSON(w, status, cbcError{Code: code, Msg: msg})
}

type cbcError struct {
	Code string `json:"error_code"`
	Msg  string `json:"error_msg"`
}

func renderIAM(w http.ResponseWriter, _ *http.Request, p problem) {
	msg := p.message
	if msg == "" || p.code == codeNoRoute {
		msg = http.StatusText(p.status)
	}
	var body struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Title   string `json:"title"`
		} `json:"error"`
	}
	body.Error.Code, body.Error.Message, body.Error.Title = p.status, msg, http.StatusText(p.status)
	writeJSON(w, p.status, body)
}

// ccTexts are the CC-Management pages' sentences by status. The SmartCare
// page gives the same ones for its 400, 401, 404 and 500.
var ccTexts = map[int]string{
	http.StatusBadRequest: "Incorrect request. Check the request path and parameters.",
	// What the service answers a tenant whose service is not active
	// (tenant.CodeNotInService), after the gateway accepted its token.
	http.StatusUnauthorized: "Unauthorized operation. 1. Check whether you have purchased related services. " +
		"2. Contact customer service to check the status of your account.",
	http.StatusForbidden:             "Authentication fails.",
	http.StatusNotFound:              "The requested content is not found. Check the request path.",
	http.StatusMethodNotAllowed:      "The request method is not allowed. Check the request method.",
	http.StatusConflict:              "Incorrect request. Check the request path and parameters.",
	http.StatusInternalServerError:   "Business failure. Check the values of parameters in the request.",
	http.StatusServiceUnavailable:    "Business failure. Check the values of parameters in the request.",
	http.StatusRequestEntityTooLarge: "Request entity too large.",
}

// answeredByGateway reports whether the app gateway in front of the CC and
// SmartCare services answers p: it authenticates and throttles before they
// see the request. A tenant whose service is not active passed the gateway
// and is refused by the service, with its page's 401.
func answeredByGateway(p problem) bool {
	return p.kind == aiccd.KindUnauthorized && p.code != tenant.CodeNotInService ||
		p.kind == aiccd.KindRateLimited || p.kind == aiccd.KindTooLarge
}

func renderCC(w http.ResponseWriter, r *http.Request, p problem) {
	if answeredByGateway(p) {
		renderGateway(w, r, p)
		return
	}
	if r.Pattern == patternApplyTenant && renderApplyTenant(w, p) {
		return
	}
	status := p.status
	if status == http.StatusServiceUnavailable {
		status = http.StatusInternalServerError
	}
	// The page's sentence for the status, and only that: what was wrong
	// (which field, why) is in the log and the journal (writeError).
	msg := ccTexts[status]
	if msg == "" {
		msg = http.StatusText(status) + "."
	}
	writeJSON(w, status, ccError{ReturnCode: itoa(status), Description: msg})
}

// applyTenant's return codes: "000" is success; refusals are HTTP 200
// with one of these, failures of aiccd HTTP 500 with "205".
const (
	applySuccess      = "000"
	applyBadCode      = "001"
	applyPhoneTaken   = "002"
	applyEmailTaken   = "003"
	applyBadPhone     = "004"
	applyBadEmail     = "005"
	applyBadCompany   = "006"
	applySystemFailed = "205"
)

var applyCodes = map[string]string{
	tenant.CodeBadVerificationCode: applyBadCode,
	tenant.CodeMobileTaken:         applyPhoneTaken,
	tenant.CodeEmailTaken:          applyEmailTaken,
	tenant.CodeInvalidMobile:       applyBadPhone,
	tenant.CodeInvalidEmail:        applyBadEmail,
	tenant.CodeInvalidCompany:      applyBadCompany,
}

// renderApplyTenant writes applyTenant's own refusals and failures, and
// reports false for the rest (a malformed body, an unknown method), which
// CC's usual answers serve.
func renderApplyTenant(w http.ResponseWriter, p problem) bool {
	if code, ok := applyCodes[p.code]; ok {
		writeJSON(w, http.StatusOK, ccError{ReturnCode: code, Description: p.message})
		return true
	}
	if p.kind == aiccd.KindInternal || p.kind == aiccd.KindUnavailable {
		writeJSON(w, http.StatusInternalServerError, ccError{ReturnCode: applySystemFailed,
			Description: "System error. The trial tenant could not be created; try again later."})
		return true
	}
	return false
}

type ccError struct {
	ReturnCode  string `json:"returnCode"`
	Description string `json:"description"`
}

func renderSmartCare(w http.ResponseWriter, r *http.Request, p problem) {
	if answeredByGateway(p) {
		renderGateway(w, r, p)
		return
	}
	// The service's own answers with an HTTP status, as the page lists
	// them beside Table 4: 400 for a body that is not a JSON object, which
	// no parameter can be read from; 401 for a tenant whose service is
	// not active; 500 for a request aiccd failed to answer at all (a
	// panic), as a platform service that throws answers; and 404 and 405
	// for unknown paths. Each carries the status as returnCode and the
	// page's sentence for it.
	status := 0
	switch {
	case p.code == tenant.CodeNotInService, p.kind == aiccd.KindNotFound && (p.code == codeNoRoute || p.code == codeMethod):
		status = p.status
	case p.code == codeNotJSON:
		status = http.StatusBadRequest
	case p.code == codePanic:
		status = http.StatusInternalServerError
	}
	if status != 0 {
		text, ok := smartCareTexts[status]
		if !ok {
			text = ccTexts[status]
		}
		writeJSON(w, status, scError{ReturnCode: status, Description: text, Data: noData})
		return
	}
	// Business outcomes are HTTP 200 with a return code and its sentence,
	// exactly as the page's Table 4 lists them (returnCodeOf). Why is
	// for the log and the journal (writeError), not the description.
	rc := returnCodeOf(p.code, p.kind)
	writeJSON(w, http.StatusOK, scError{ReturnCode: rc, Description: SmartCareDescription(rc), Data: noData})
}

func renderAdmin(w http.ResponseWriter, _ *http.Request, p problem) {
	msg := p.message
	if msg == "" {
		msg = http.StatusText(p.status)
	}
	var body struct {
		Error struct {
			Code      string `json:"code"`
			Message   string `json:"message"`
			RequestID string `json:"request_id"`
		} `json:"error"`
	}
	body.Error.Code, body.Error.Message, body.Error.RequestID = p.kind.String(), msg, p.requestID
	if p.code == codeMethod {
		body.Error.Code = "method_not_allowed"
	}
	writeJSON(w, p.status, body)
}

// renderConsole answers what reaches no console page (an oversized body,
// a path the router refuses) in plain text; the console renders its own
// errors as pages.
func renderConsole(w http.ResponseWriter, _ *http.Request, p problem) {
	msg := p.message
	if msg == "" || p.code == codeNoRoute {
		msg = http.StatusText(p.status) + "."
	}
	writeText(w, p.status, msg)
}

const forcedMessage = "Fault injected by the aiccd sandbox."

// renderForced answers with the status and family code a fault rule
// forces, in the request's family format. A zero status or empty code
// takes the family's usual value for a failure.
func renderForced(w http.ResponseWriter, r *http.Request, status int, code string) {
	orDefault := func(def int) int {
		if status == 0 {
			return def
		}
		return status
	}
	switch familyOf(r.URL.Path) {
	case familySmartCare:
		// A status the page lists (400, 401, 404, 500) forced without a
		// code answers as the page gives it; anything else carries a
		// return code of Table 4, 102 unless the rule names one.
		if text, ok := smartCareTexts[status]; ok && code == "" {
			writeJSON(w, status, scError{ReturnCode: status, Description: text, Data: noData})
			return
		}
		rc, err := strconv.Atoi(code)
		if err != nil {
			rc = returnInternalError
		}
		writeJSON(w, orDefault(http.StatusOK), scError{ReturnCode: rc, Description: SmartCareDescription(rc), Data: noData})
	case familyCC:
		// A bare status answers as the pages do for it; a code of the
		// rule's own has no sentence of theirs.
		st := orDefault(http.StatusInternalServerError)
		text, ok := ccTexts[st]
		if code != "" || !ok {
			text = forcedMessage
		}
		if code == "" {
			code = itoa(st)
		}
		writeJSON(w, st, ccError{ReturnCode: code, Description: text})
	case familyPartner:
		st := orDefault(http.StatusInternalServerError)
		if st == http.StatusUnauthorized && code == "" {
			// As aiccd answers a refused credential there: the gateway's.
			c := gatewayCodes[aiccd.KindUnauthorized]
			writeJSON(w, st, apigError{Code: c.code, Msg: c.msg, RequestID: requestIDFrom(r.Context())})
			return
		}
		if code == "" {
			code = cbcInternal
		}
		msg, ok := cbcTexts[code]
		if !ok {
			msg = forcedMessage
		}
		writeJSON(w, st, cbcError{Code: code, Msg: msg})
	case familyOMA:
		// As the endpoint answers that status itself: its page's sentence,
		// or queryresource's JSON refusal.
		st := orDefault(http.StatusInternalServerError)
		if r.Pattern == patternQueryResource && (st == http.StatusBadRequest || st == http.StatusInternalServerError) {
			if code == "" {
				code = itoa(st)
			}
			writeJSON(w, st, ccError{ReturnCode: code, Description: forcedMessage})
			return
		}
		text, ok := omaRouteTexts[r.Pattern][st]
		if !ok {
			text, ok = omaTexts[st]
		}
		if !ok {
			text = forcedMessage
		}
		writeText(w, st, text)
	default:
		if code == "" {
			code = "APIG.0202"
		}
		writeJSON(w, orDefault(http.StatusBadGateway), apigError{Code: code, Msg: forcedMessage, RequestID: requestIDFrom(r.Context())})
	}
}
