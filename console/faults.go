package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/fault"
)

// Fault rules, through fault.Service as the admin API and CLI set them.

type faultData struct {
	Faults []fault.Fault
	Form   faultForm
	Off    bool
}

// faultForm is the form of a new rule, as typed.
type faultForm struct {
	TenantID, AppKey, Endpoint, LatencyMS, Status, Code, Remaining, Percent string
	Reset                                                                   bool
}

func (c *Console) faultList(w http.ResponseWriter, r *http.Request) error {
	return c.renderFaults(w, r, http.StatusOK, faultForm{Remaining: "1", Percent: "100"}, flash{})
}

func (c *Console) renderFaults(w http.ResponseWriter, r *http.Request, status int, f faultForm, fl flash) error {
	d := faultData{Form: f, Off: c.Faults == nil}
	if c.Faults != nil {
		var err error
		if d.Faults, err = c.Faults.List(r.Context()); err != nil {
			return err
		}
	}
	return c.render(w, r, status, "faults", view{Title: "Fault injection", Nav: "faults", Flash: fl, Data: d})
}

func (c *Console) faultCreate(w http.ResponseWriter, r *http.Request) error {
	if c.Faults == nil {
		return errNoPage
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	form := faultForm{TenantID: v("tenant_id"), AppKey: v("app_key"), Endpoint: v("endpoint"), LatencyMS: v("latency_ms"),
		Status: v("status"), Code: v("code"), Remaining: v("remaining"), Percent: v("percent"), Reset: v("reset") == "true"}
	f, err := form.fault()
	if err == nil {
		f, err = c.Faults.Create(r.Context(), f)
	}
	if err != nil {
		if k := aiccd.KindOf(err); k == aiccd.KindInternal || k == aiccd.KindUnavailable {
			return err
		}
		return c.renderFaults(w, r, statuses[aiccd.KindOf(err)], form, flash{Message: sentence(aiccd.MessageOf(err, "")), Error: true})
	}
	if err := c.audit(r, "fault.create", strconv.FormatInt(f.ID, 10), faultScope(f)+": "+f.String()); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"faults", "Fault rule "+strconv.FormatInt(f.ID, 10)+" added.")
}

// fault reads the form's numbers; fault.Validate judges the rule.
func (f faultForm) fault() (fault.Fault, error) {
	out := fault.Fault{TenantID: f.TenantID, AppKey: f.AppKey, Endpoint: f.Endpoint, Code: f.Code, Reset: f.Reset}
	for _, n := range []struct {
		name, text string
		dst        *int
	}{{"latency", f.LatencyMS, &out.LatencyMS}, {"status", f.Status, &out.Status},
		{"count", f.Remaining, &out.Remaining}, {"percent", f.Percent, &out.Percent}} {
		if n.text == "" {
			continue
		}
		v, err := strconv.Atoi(n.text)
		if err != nil {
			return out, aiccd.Errorf(aiccd.KindInvalid, "%s %q is not a whole number", n.name, n.text)
		}
		*n.dst = v
	}
	return out, nil
}

func faultScope(f fault.Fault) string {
	var parts []string
	if f.TenantID != "" {
		parts = append(parts, "tenant="+f.TenantID)
	}
	if f.AppKey != "" {
		parts = append(parts, "app_key="+f.AppKey)
	}
	if f.Endpoint != "" {
		parts = append(parts, "endpoint="+f.Endpoint)
	}
	return strings.Join(parts, " ")
}

func (c *Console) faultDelete(w http.ResponseWriter, r *http.Request) error {
	if c.Faults == nil {
		return errNoPage
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNoPage
	}
	if err := c.Faults.Delete(r.Context(), id); err != nil {
		return err
	}
	if err := c.audit(r, "fault.delete", r.PathValue("id"), ""); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"faults", "Fault rule "+r.PathValue("id")+" deleted.")
}
