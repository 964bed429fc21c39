package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/smartcare"
)

// A tenant's SmartCare settings, as `aiccd admin smartcare settings` and
// the admin API's /smartcare/settings show and change them: the default
// backtrace, the time zone of ttid values and the retention of records.

type smartCareSettingsData struct {
	Tenant   string
	Settings smartcare.Settings
	Custom   bool // set by an administrator, not the defaults
	Form     settingsForm
}

// settingsForm is the settings as typed.
type settingsForm struct {
	Backtrace, TimeZone, RetentionDays string
}

func formOf(s smartcare.Settings) settingsForm {
	return settingsForm{Backtrace: strconv.Itoa(int(s.DefaultBacktrace / time.Second)), TimeZone: s.TimeZone,
		RetentionDays: strconv.Itoa(s.RetentionDays)}
}

func (c *Console) smartCareSettings(w http.ResponseWriter, r *http.Request) error {
	return c.renderSmartCareSettings(w, r, http.StatusOK, nil)
}

func (c *Console) renderSmartCareSettings(w http.ResponseWriter, r *http.Request, status int, typed *settingsForm, fl ...flash) error {
	ctx := r.Context()
	d := smartCareSettingsData{Tenant: r.PathValue("tenant")}
	var err error
	if d.Settings, err = c.SmartCare.Settings(ctx, d.Tenant); err != nil {
		return err
	}
	if d.Custom, err = c.SmartCare.HasSettings(ctx, d.Tenant); err != nil {
		return err
	}
	d.Form = formOf(d.Settings)
	if typed != nil {
		d.Form = *typed
	}
	v := view{Title: "SmartCare settings · " + d.Tenant, Nav: "tenants", Data: d}
	if len(fl) > 0 {
		v.Flash = fl[0]
	}
	return c.render(w, r, status, "smartcare_settings", v)
}

// smartCareSettingsUpdate changes the settings the form changes.
func (c *Console) smartCareSettingsUpdate(w http.ResponseWriter, r *http.Request) error {
	tenantID := r.PathValue("tenant")
	f := settingsForm{Backtrace: strings.TrimSpace(r.PostFormValue("backtrace")), TimeZone: strings.TrimSpace(r.PostFormValue("time_zone")),
		RetentionDays: strings.TrimSpace(r.PostFormValue("retention_days"))}
	p, err := f.patch()
	var next smartcare.Settings
	if err == nil {
		next, err = c.SmartCare.UpdateSettings(r.Context(), tenantID, p)
	}
	if err != nil {
		if !clientError(err) || aiccd.KindOf(err) == aiccd.KindNotFound {
			return err
		}
		return c.renderSmartCareSettings(w, r, statuses[aiccd.KindOf(err)], &f, errorFlash(err))
	}
	detail := fmt.Sprintf("backtrace=%ds time_zone=%s retention_days=%d", int(next.DefaultBacktrace/time.Second), next.TimeZone, next.RetentionDays)
	if err := c.audit(r, "smartcare.settings", tenantID, detail); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"tenants/"+url.PathEscape(tenantID)+"/smartcare/settings", "SmartCare settings saved.")
}

func (f settingsForm) patch() (smartcare.SettingsPatch, error) {
	var p smartcare.SettingsPatch
	secs, err := strconv.Atoi(f.Backtrace)
	if err != nil {
		return p, aiccd.Errorf(aiccd.KindInvalid, "the default backtrace is a whole number of seconds from %d to %d",
			int(smartcare.MinBacktrace/time.Second), int(smartcare.MaxBacktrace/time.Second))
	}
	days, err := strconv.Atoi(f.RetentionDays)
	if err != nil {
		return p, aiccd.Errorf(aiccd.KindInvalid, "the retention is a whole number of days from 0 (for ever) to %d", smartcare.MaxRetentionDays)
	}
	backtrace, zone := time.Duration(secs)*time.Second, f.TimeZone
	p.DefaultBacktrace, p.TimeZone, p.RetentionDays = &backtrace, &zone, &days
	return p, nil
}
