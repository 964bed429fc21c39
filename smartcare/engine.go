package smartcare

import (
	"cmp"
	"slices"
	"time"
)

// The correlation engine answers: which mass faults explain this
// subscriber's records? A rule explains a record when the record's
// ccmSceneCode is the rule's, the rule was active at the record's time,
// and every condition of the rule equals the record's dimension.
//
// A tenant may hold 100,000 rules, so the engine never tries them all.
// ruleIndex files each rule under one of its conditions, its anchor,
// together with its scene code. A record can only match a rule whose
// anchor equals one of the record's own dimensions, so a record with d
// dimensions costs d map look-ups plus the full check of the few rules
// filed there. The anchor is the condition the fewest rules share
// (SAI_CGI_ECGI=… rather than RAT=4G), which keeps those lists short.

// MaxEvidence bounds the records kept as evidence of one matched rule.
const MaxEvidence = 100

// ruleIndex is an immutable index of one tenant's fault rules.
type ruleIndex struct {
	byAnchor map[anchor][]*FaultRule
	size     int
}

type anchor struct{ scene, key, value string }

func newRuleIndex(rules []FaultRule) *ruleIndex {
	freq := make(map[anchor]int, len(rules))
	for i := range rules {
		for _, c := range rules[i].Rule.Conditions {
			freq[anchor{rules[i].SceneCode, c.Key, c.Value}]++
		}
	}
	ix := &ruleIndex{byAnchor: make(map[anchor][]*FaultRule, len(rules)), size: len(rules)}
	for i := range rules {
		r := &rules[i]
		var best anchor
		bestN := -1
		for _, c := range r.Rule.Conditions {
			a := anchor{r.SceneCode, c.Key, c.Value}
			if n := freq[a]; bestN < 0 || n < bestN {
				best, bestN = a, n
			}
		}
		if bestN < 0 {
			continue // a rule without conditions cannot be stored
		}
		ix.byAnchor[best] = append(ix.byAnchor[best], r)
	}
	return ix
}

// RuleMatch is one answered fault: a ccmSceneCode and reflection rule
// that explains at least one of the subscriber's records. Stored rules
// with the same scene code and rule text (the same fault recorded for
// several periods) are answered once.
type RuleMatch struct {
	SceneCode      string
	ReflectionRule string
	FirstSeen      time.Time // the earliest matching record
	RuleIDs        []int64   // the stored rules that matched, ascending
	Records        []Record  // the matching records, earliest first, at most MaxEvidence
}

// correlate matches records against the index. Only records inside
// [from, to] whose scene code scene covers take part. Matches are ordered
// by their earliest record, then by rule ID.
func (ix *ruleIndex) correlate(records []Record, scene Scene, from, to time.Time) []RuleMatch {
	records = slices.Clone(records)
	slices.SortStableFunc(records, func(a, b Record) int { return a.EventTime.Compare(b.EventTime) })

	type key struct{ scene, rule string }
	var matches []RuleMatch
	pos := map[key]int{}
	for ri, rec := range records {
		if rec.EventTime.Before(from) || rec.EventTime.After(to) || !scene.Covers(rec.SceneCode) {
			continue
		}
		for _, d := range rec.Dimensions {
			for _, rule := range ix.byAnchor[anchor{rec.SceneCode, d.Key, d.Value}] {
				if !rule.ActiveAt(rec.EventTime) || !rule.Rule.Matches(rec.Dimensions) {
					continue
				}
				k := key{rule.SceneCode, rule.Rule.String()}
				i, seen := pos[k]
				if !seen {
					i = len(matches)
					pos[k] = i
					matches = append(matches, RuleMatch{SceneCode: k.scene, ReflectionRule: k.rule, FirstSeen: rec.EventTime})
				}
				m := &matches[i]
				if !slices.Contains(m.RuleIDs, rule.ID) {
					m.RuleIDs = append(m.RuleIDs, rule.ID)
				}
				// Two stored rules with the same text may both match this
				// record: keep it once.
				if n := len(m.Records); len(m.Records) < MaxEvidence && (n == 0 || !sameRecord(m.Records[n-1], records[ri])) {
					m.Records = append(m.Records, rec)
				}
			}
		}
	}
	for i := range matches {
		slices.Sort(matches[i].RuleIDs)
	}
	slices.SortStableFunc(matches, func(a, b RuleMatch) int {
		if c := a.FirstSeen.Compare(b.FirstSeen); c != 0 {
			return c
		}
		return cmp.Compare(a.RuleIDs[0], b.RuleIDs[0])
	})
	return matches
}

// sameRecord reports whether a and b are the same record value.
// Evidences reports whether rec is among the match's evidence records.
func (m RuleMatch) Evidences(rec Record) bool {
	return slices.ContainsFunc(m.Records, func(ev Record) bool { return sameRecord(ev, rec) })
}

func sameRecord(a, b Record) bool {
	return a.MSISDN == b.MSISDN && a.EventTime.Equal(b.EventTime) && a.SceneCode == b.SceneCode &&
		slices.Equal(a.Dimensions, b.Dimensions)
}
