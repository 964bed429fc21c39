package smartcare

import (
	"strings"
	"time"

	"github.com/aiccd/aiccd"
)

// FaultRule is a mass fault the network operations side identified: which
// service it hits (ccmSceneCode), which subscriber records it explains
// (the reflection rule), and when it was active.
type FaultRule struct {
	ID          int64
	TenantID    string
	SceneCode   string
	Rule        Reflection
	ActiveFrom  time.Time
	ActiveUntil time.Time // zero while the fault is ongoing
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ActiveAt reports whether the fault was active at t: from ActiveFrom
// (inclusive) until ActiveUntil (exclusive), or open-ended while ongoing.
func (r FaultRule) ActiveAt(t time.Time) bool {
	return !t.Before(r.ActiveFrom) && (r.ActiveUntil.IsZero() || t.Before(r.ActiveUntil))
}

// Ongoing reports whether the fault has no end yet.
func (r FaultRule) Ongoing() bool { return r.ActiveUntil.IsZero() }

// RuleInput is what an administrator gives for a fault rule.
type RuleInput struct {
	SceneCode      string
	ReflectionRule string
	ActiveFrom     time.Time
	ActiveUntil    time.Time // zero while ongoing
	Description    string
}

// newRule validates in; the ID and times are set by the caller.
func newRule(tenantID string, in RuleInput) (FaultRule, error) {
	code, err := NormalizeSceneCode(in.SceneCode)
	if err != nil {
		return FaultRule{}, err
	}
	refl, err := ParseReflectionRule(in.ReflectionRule)
	if err != nil {
		return FaultRule{}, err
	}
	if in.ActiveFrom.IsZero() {
		return FaultRule{}, aiccd.Errorf(aiccd.KindInvalid, "activeFrom is missing: a fault rule needs the time the fault began")
	}
	from := aiccd.Millis(in.ActiveFrom)
	until := aiccd.Millis(in.ActiveUntil)
	if !in.ActiveUntil.IsZero() && !until.After(from) {
		return FaultRule{}, aiccd.Errorf(aiccd.KindInvalid, "activeUntil %s is not after activeFrom %s",
			until.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	desc := strings.TrimSpace(in.Description)
	if len(desc) > 1024 {
		return FaultRule{}, aiccd.Errorf(aiccd.KindInvalid, "description is longer than 1024 bytes")
	}
	return FaultRule{TenantID: tenantID, SceneCode: code, Rule: refl, ActiveFrom: from, ActiveUntil: until, Description: desc}, nil
}

// RuleFilter selects fault rules to list, ordered by ID.
type RuleFilter struct {
	SceneCode string // "" for every scene code
	AfterID   int64  // keyset paging: rules with a greater ID
	Limit     int    // 1 to 1000; 0 means 100
}

// RulePatch changes some fields of a rule; nil fields stay as they are.
type RulePatch struct {
	SceneCode      *string
	ReflectionRule *string
	ActiveFrom     *time.Time
	ActiveUntil    *time.Time // a zero time makes the fault ongoing again
	Description    *string
}

// Input is the input of a new rule with the fields p sets.
func (p RulePatch) Input() RuleInput { return p.apply(FaultRule{}) }

func (p RulePatch) apply(r FaultRule) RuleInput {
	in := RuleInput{
		SceneCode: r.SceneCode, ReflectionRule: r.Rule.String(),
		ActiveFrom: r.ActiveFrom, ActiveUntil: r.ActiveUntil, Description: r.Description,
	}
	if p.SceneCode != nil {
		in.SceneCode = *p.SceneCode
	}
	if p.ReflectionRule != nil {
		in.ReflectionRule = *p.ReflectionRule
	}
	if p.ActiveFrom != nil {
		in.ActiveFrom = *p.ActiveFrom
	}
	if p.ActiveUntil != nil {
		in.ActiveUntil = *p.ActiveUntil
	}
	if p.Description != nil {
		in.Description = *p.Description
	}
	return in
}
