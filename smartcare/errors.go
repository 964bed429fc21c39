package smartcare

import (
	"context"
	"errors"

	"github.com/aiccd/aiccd"
)

// Error codes (aiccd.Error.Code) of the family's refusals, each naming
// why a request was not answered; httpapi answers each with the page's
// return code for it.
const (
	CodeInvalidMSISDN      = "smartcare.invalid_msisdn"      // msisdn is not 5 to 15 digits
	CodeInvalidTime        = "smartcare.invalid_time"        // faultTime is not epoch ms, lies in the future, or before the retention
	CodeUnknownScene       = "smartcare.unknown_scene"       // complaintScene names no scene of the tenant
	CodeRecordsUnavailable = "smartcare.records_unavailable" // the subscriber record store failed
	CodeUnknownTask        = "smartcare.unknown_task"        // no delimitation task has this ID
	CodeTooManyRecords     = "smartcare.too_many_records"    // more records in the window than a query correlates
	CodeInvalidRule        = "smartcare.rule"                // a reflection rule that does not parse
)

// fieldError is a request error of code: a field whose value is refused
// for a reason of its own. A field that is missing or malformed is a
// plain aiccd.KindInvalid.
func fieldError(code, format string, args ...any) error {
	return aiccd.Errorf(aiccd.KindInvalid, format, args...).WithCode(code)
}

// dacError marks a failure of the store while answering a query
// (CodeRecordsUnavailable, the page's "DAC query error"), whatever the
// driver said. A cancelled request stays a cancellation.
func dacError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	return &aiccd.Error{Kind: aiccd.KindUnavailable, Code: CodeRecordsUnavailable, Message: "the subscriber record store failed", Err: err}
}
