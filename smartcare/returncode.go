package smartcare

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/aiccd/aiccd"
)

// The return codes of the SmartCare API family. 0 to 102 are Table 4 of the
// queryfaultyuser page; 6 and 7 are aiccd's, for the asynchronous
// delimitation endpoints the page does not cover (docs/compatibility.md).
const (
	ReturnFound         = 0   // query succeeded, data found
	ReturnNoData        = 1   // query succeeded, nothing found
	ReturnInvalidMSISDN = 2   // msisdn is not 5 to 15 digits
	ReturnInvalidTime   = 3   // faultTime is not epoch ms, lies in the future, or before the retention
	ReturnUnknownScene  = 4   // complaintScene names no scene of the tenant
	ReturnDACError      = 5   // the subscriber record store failed
	ReturnTaskPending   = 6   // a delimitation task is queued or running
	ReturnUnknownTask   = 7   // no delimitation task has this ID
	ReturnOther         = 97  // other errors
	ReturnParamInvalid  = 101 // a mandatory field is missing or a value is malformed
	ReturnInternalError = 102 // a fault of aiccd
)

const codePrefix = "smartcare."

// Error codes (aiccd.Error.Code) of the family: "smartcare." and the return
// code, so that the HTTP renderer can answer the exact code.
var (
	CodeInvalidMSISDN = code(ReturnInvalidMSISDN)
	CodeInvalidTime   = code(ReturnInvalidTime)
	CodeUnknownScene  = code(ReturnUnknownScene)
	CodeDACError      = code(ReturnDACError)
	CodeUnknownTask   = code(ReturnUnknownTask)
	CodeOther         = code(ReturnOther)
	CodeParamInvalid  = code(ReturnParamInvalid)
	// CodeInvalidRule marks a reflection rule that does not parse; it is
	// a parameter verification failure (101) on the wire.
	CodeInvalidRule = "smartcare.rule"
)

func code(n int) string { return codePrefix + strconv.Itoa(n) }

// ReturnCodeOf is the return code that answers err: the code an error of
// this package carries, or else one that follows from its kind (Invalid
// 101, Unavailable 5, NotFound and Conflict 97, anything else 102).
func ReturnCodeOf(err error) int {
	if err == nil {
		return ReturnFound
	}
	c := aiccd.CodeOf(err)
	if c == CodeInvalidRule {
		return ReturnParamInvalid
	}
	if n, ok := strings.CutPrefix(c, codePrefix); ok {
		if v, err := strconv.Atoi(n); err == nil {
			return v
		}
	}
	switch aiccd.KindOf(err) {
	case aiccd.KindInvalid:
		return ReturnParamInvalid
	case aiccd.KindUnavailable:
		return ReturnDACError
	case aiccd.KindNotFound, aiccd.KindConflict:
		return ReturnOther
	default:
		return ReturnInternalError
	}
}

// fieldError is a request error answered with return code rc.
func fieldError(rc int, format string, args ...any) error {
	return aiccd.Errorf(aiccd.KindInvalid, format, args...).WithCode(code(rc))
}

// dacError marks a failure of the store while answering a query: the
// page's "DAC query error" (5), whatever the driver said. A cancelled
// request stays a cancellation.
func dacError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	return &aiccd.Error{Kind: aiccd.KindUnavailable, Code: CodeDACError, Message: "the subscriber record store failed", Err: err}
}
