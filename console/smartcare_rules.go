package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/smartcare"
)

// A tenant's SmartCare complaint scenes and mass-fault rules, as
// `aiccd admin smartcare scene list` and `rule list` show them, with the
// check of a reflection rule that `aiccd admin smartcare rule check` makes.

type smartCareRulesData struct {
	Tenant    string
	Scenes    []smartcare.Scene
	SceneCode string // the rules' filter
	AfterID   int64
	Rules     []smartcare.FaultRule
	Next      int64 // the AfterID of the next page, if any
	Check     string
	Checked   bool
	Normal    string // the checked rule's normal form
	CheckErr  string
}

func (c *Console) smartCareRules(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := smartCareRulesData{Tenant: r.PathValue("tenant"), SceneCode: strings.TrimSpace(q.Get("scene_code")), Check: q.Get("rule")}
	if _, err := c.Tenants.Get(ctx, d.Tenant); err != nil {
		return err
	}
	d.AfterID, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	var err error
	if d.Scenes, err = c.SmartCare.Scenes(ctx, d.Tenant); err != nil {
		return err
	}
	if d.Rules, err = c.SmartCare.Rules(ctx, d.Tenant, smartcare.RuleFilter{SceneCode: d.SceneCode, AfterID: d.AfterID, Limit: pageSize}); err != nil {
		return err
	}
	if len(d.Rules) == pageSize {
		d.Next = d.Rules[len(d.Rules)-1].ID
	}
	if q.Has("rule") {
		d.Checked = true
		if rule, err := smartcare.ParseReflectionRule(d.Check); err != nil {
			d.CheckErr = sentence(aiccd.MessageOf(err, "the rule is not valid"))
		} else {
			d.Normal = rule.String()
		}
	}
	return c.render(w, r, http.StatusOK, "smartcare_rules", view{Title: "SmartCare rules · " + d.Tenant, Nav: "tenants", Data: d})
}
