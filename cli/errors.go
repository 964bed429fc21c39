package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aiccd/aiccd"
	"github.com/spf13/cobra"
)

// report writes err for whoever ran aiccd: "aiccd: " and its message, or,
// when cmd's output is JSON, the object the admin API answers errors with,
// {"error":{"code":…,"message":…}}, so that a script reads one format.
func report(w io.Writer, cmd *cobra.Command, err error) {
	if cmd != nil && outputFlag(cmd) == outputJSON {
		var body struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		body.Error.Code, body.Error.Message = errorCode(err), errorMessage(err)
		writeJSON(w, body)
		return
	}
	fmt.Fprintln(w, "aiccd:", errorMessage(err))
}

// errorCode is err's kind as the admin API names it (not_found,
// invalid, …), or "error" for a failure of the command line itself.
func errorCode(err error) string {
	if _, ok := errors.AsType[*aiccd.Error](err); ok {
		return aiccd.KindOf(err).String()
	}
	return "error"
}

// errorMessage is the text of err for a person. A mistake of the user's
// (an invalid value, a tenant that exists already or not at all) is told
// by its message alone: its cause is a store's or a driver's text
// ("UNIQUE constraint failed: tenants.id") that says nothing more to them.
// A failure of aiccd or its database keeps its whole chain, which whoever
// runs aiccd needs to fix it.
func errorMessage(err error) string {
	text := err.Error()
	e, ok := errors.AsType[*aiccd.Error](err)
	if !ok || e.Err == nil || e.Message == "" || e.Kind == aiccd.KindInternal || e.Kind == aiccd.KindUnavailable {
		return text
	}
	if inner := e.Error(); strings.HasSuffix(text, inner) {
		return strings.TrimSuffix(text, inner) + e.Message
	}
	return text
}
