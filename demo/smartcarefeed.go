package demo

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/aiccd/aiccd/smartcare"
)

// Feed generates a synthetic SmartCare dataset for load tests and for the
// correlation tests: an operator's xDR feed over many cells, with
// skewed subscriber activity (log-normal: the busiest thousandth of the
// subscribers make about thirteen times the average), mobility around a
// home cell, and a few mass faults whose
// sessions fail in the cells and times they hit. Its rules are those mass
// faults plus, on request, a history of older faults (the bulk of a real
// tenant's 100,000 rules). The same options and seed give the same data.
type Feed struct {
	o        FeedOptions
	cells    []feedCell
	subs     []string  // MSISDNs, busiest first
	home     []int     // home cell of each subscriber
	activity []float64 // cumulative activity weights of subs
	faults   []feedFault
	history  int
}

// FeedOptions shape a Feed. Zero values take the defaults in brackets.
type FeedOptions struct {
	Seed        uint64
	Records     int           // records to generate [1,000,000]
	Subscribers int           // distinct MSISDNs [Records/25, at least 10]
	Cells       int           // cells (SAI_CGI_ECGI), 16 per tracking area (LAC_TAC) [Subscribers/10, 16 to 20,000]
	Start       time.Time     // first event [2026-11-22T00:00:00Z]
	Span        time.Duration // the events spread over [24h]
	Faults      int           // mass faults active during the span [6]
	// HistoryRules adds rules of past faults, active before Start: they
	// make the rule set large without explaining any of the records.
	HistoryRules int
}

type feedCell struct{ tac, cgi string }

type feedFault struct {
	rule       smartcare.RuleInput
	scene      string
	cell       int    // -1: not cell-bound
	tac        string // for tracking-area faults
	cause      string // the failure cause the fault's sessions see
	from, till time.Time
}

// The failure causes of the synthetic network.
var (
	smsCause   = "DTAPSMS_CP:CP Error(17 Network Failure)"
	dataCause  = "GTPV2:Cause(73 No resources available)"
	voiceCause = "RANAP:Radio Network Layer Cause(46 Radio Connection With UE Lost)"
	// Background failures every network has, unrelated to mass faults.
	noiseCauses = []string{
		"DTAPSMS_RP:RP Cause(27 Destination out of service)",
		"GTPV2:Cause(64 Context Not Found)",
		"DTAPMM:Reject Cause(17 Network failure)",
		"SIP:Response(486 Busy Here)",
	}
)

// NewFeed plans a feed: cells, subscribers and faults. Records and Rules
// then generate the data.
func NewFeed(o FeedOptions) *Feed {
	if o.Records <= 0 {
		o.Records = 1_000_000
	}
	if o.Subscribers <= 0 {
		o.Subscribers = max(o.Records/25, 10)
	}
	if o.Cells <= 0 {
		o.Cells = min(max(o.Subscribers/10, 16), 20000)
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 24 * time.Hour
	}
	if o.Faults <= 0 {
		o.Faults = 6
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x5ca7ca7e))
	f := &Feed{o: o, history: o.HistoryRules}
	for i := range o.Cells {
		tac := fmt.Sprintf("52005%07X", 0x4B0000+i/16)
		f.cells = append(f.cells, feedCell{tac: tac, cgi: fmt.Sprintf("52005%07X", 0x4B20000+i)})
	}
	seen := map[string]bool{}
	for len(f.subs) < o.Subscribers {
		m := fmt.Sprintf("668%010d", rng.Int64N(1e10))
		if !seen[m] {
			seen[m] = true
			f.subs = append(f.subs, m)
			f.home = append(f.home, rng.IntN(o.Cells))
		}
	}
	weights := make([]float64, o.Subscribers)
	for i := range weights {
		weights[i] = math.Exp(rng.NormFloat64())
	}
	slices.SortFunc(weights, func(a, b float64) int { return cmp.Compare(b, a) })
	f.activity = make([]float64, o.Subscribers)
	total := 0.0
	for i, w := range weights {
		total += w
		f.activity[i] = total
	}
	for i := range o.Faults {
		// Each fault lasts 5% to 30% of the span, somewhere in it.
		length := time.Duration(float64(o.Span) * (0.05 + 0.25*rng.Float64()))
		from := o.Start.Add(time.Duration(rng.Int64N(int64(o.Span - length)))).Truncate(time.Second)
		till := from.Add(length)
		ff := feedFault{cell: -1, from: from, till: till}
		switch i % 3 {
		case 0: // a cell out of data service
			ff.scene, ff.cell, ff.cause = "DATA", f.busyCell(rng), dataCause
			c := f.cells[ff.cell]
			ff.rule = smartcare.RuleInput{SceneCode: "DATA", ReflectionRule: "LAC_TAC=" + c.tac + "&SAI_CGI_ECGI=" + c.cgi}
		case 1: // the SMS core failing everywhere
			ff.scene, ff.cause = "SMS", smsCause
			ff.rule = smartcare.RuleInput{SceneCode: "SMS", ReflectionRule: "FAILURE_CAUSE=" + smsCause}
		case 2: // voice calls dropping across a tracking area
			ff.scene, ff.cause = "VOICE", voiceCause
			ff.tac = f.cells[f.busyCell(rng)].tac
			ff.rule = smartcare.RuleInput{SceneCode: "VOICE", ReflectionRule: "FAILURE_CAUSE=" + voiceCause + "&LAC_TAC=" + ff.tac}
		}
		ff.rule.ActiveFrom, ff.rule.ActiveUntil = from, till
		if i%4 == 3 { // still ongoing when the feed ends
			ff.rule.ActiveUntil = time.Time{}
			ff.till = o.Start.Add(o.Span + time.Hour)
		}
		ff.rule.Description = fmt.Sprintf("synthetic mass fault %d", i+1)
		f.faults = append(f.faults, ff)
	}
	return f
}

// busyCell picks a cell that the skewed subscribers favour, so that
// faults hit records.
func (f *Feed) busyCell(rng *rand.Rand) int {
	return f.home[min(int(rng.ExpFloat64()*float64(len(f.subs))/20), len(f.subs)-1)]
}

// Options returns the options with their defaults filled in.
func (f *Feed) Options() FeedOptions { return f.o }

// MSISDNs returns the subscribers, busiest first.
func (f *Feed) MSISDNs() []string { return f.subs }

// Scenes returns the complaint scenes the feed's faults are meant for.
func (f *Feed) Scenes() []smartcare.SceneInput {
	return []smartcare.SceneInput{
		{ID: "1", Name: "SMS and mobile data", SceneCodes: []string{"SMS", "DATA"}},
		{ID: "2", Name: "voice", SceneCodes: []string{"VOICE"}},
		{ID: "3", Name: "everything", SceneCodes: []string{"SMS", "DATA", "VOICE"}},
	}
}

// Rules yields the mass faults active during the span, then
// HistoryRules rules of faults that ended before it.
func (f *Feed) Rules() iter.Seq[smartcare.RuleInput] {
	return func(yield func(smartcare.RuleInput) bool) {
		for _, ff := range f.faults {
			if !yield(ff.rule) {
				return
			}
		}
		rng := rand.New(rand.NewPCG(f.o.Seed, 0x41570e))
		for i := range f.history {
			// Past faults: one starting every five minutes over the
			// preceding year (distinct starts keep the rules distinct),
			// each lasting up to four hours, all over before Start.
			from := f.o.Start.AddDate(-1, 0, 0).Add(time.Duration(i%100_000) * 5 * time.Minute).Add(time.Duration(i/100_000) * time.Second)
			till := from.Add(time.Duration(10+rng.IntN(240)) * time.Minute)
			if !till.Before(f.o.Start) {
				till = f.o.Start.Add(-time.Second)
			}
			c := f.cells[rng.IntN(len(f.cells))]
			var r smartcare.RuleInput
			switch i % 4 {
			case 0, 1:
				r = smartcare.RuleInput{SceneCode: "DATA", ReflectionRule: "LAC_TAC=" + c.tac + "&SAI_CGI_ECGI=" + c.cgi}
			case 2:
				r = smartcare.RuleInput{SceneCode: "VOICE", ReflectionRule: "FAILURE_CAUSE=" + voiceCause + "&LAC_TAC=" + c.tac}
			case 3:
				r = smartcare.RuleInput{SceneCode: "SMS", ReflectionRule: "FAILURE_CAUSE=" + noiseCauses[rng.IntN(len(noiseCauses))] + "&SAI_CGI_ECGI=" + c.cgi}
			}
			r.ActiveFrom, r.ActiveUntil = from, till
			r.Description = fmt.Sprintf("past fault %d", i+1)
			if !yield(r) {
				return
			}
		}
	}
}

// Records yields the records in time order.
func (f *Feed) Records() iter.Seq[smartcare.Record] {
	return func(yield func(smartcare.Record) bool) {
		rng := rand.New(rand.NewPCG(f.o.Seed, 0x7ec0)) // records draw from their own stream
		total := f.activity[len(f.activity)-1]
		step := f.o.Span / time.Duration(f.o.Records)
		for i := range f.o.Records {
			at := f.o.Start.Add(time.Duration(i)*step + time.Duration(rng.Int64N(int64(max(step, time.Millisecond))))).Truncate(time.Millisecond)
			s, _ := slices.BinarySearch(f.activity, rng.Float64()*total)
			s = min(s, len(f.subs)-1)
			cell := f.home[s]
			if rng.IntN(5) == 0 { // on the move: a nearby cell
				cell = (cell + rng.IntN(33) - 16 + len(f.cells)) % len(f.cells)
			}
			c := f.cells[cell]
			var scene string
			switch p := rng.IntN(100); {
			case p < 60:
				scene = "DATA"
			case p < 85:
				scene = "SMS"
			default:
				scene = "VOICE"
			}
			dims := smartcare.Dimensions{}
			if scene == "DATA" {
				apn := "internet"
				if rng.IntN(10) == 0 {
					apn = "ims"
				}
				dims = append(dims, smartcare.Dimension{Key: "APN", Value: apn})
			}
			cause := ""
			if rng.IntN(50) == 0 {
				cause = noiseCauses[rng.IntN(len(noiseCauses))]
			}
			for _, ff := range f.faults {
				if ff.scene == scene && !at.Before(ff.from) && at.Before(ff.till) &&
					(ff.cell == cell || ff.tac == c.tac || ff.cell < 0 && ff.tac == "") && rng.IntN(4) > 0 {
					cause = ff.cause
				}
			}
			if cause != "" {
				dims = append(dims, smartcare.Dimension{Key: "FAILURE_CAUSE", Value: cause})
			}
			rat := "4G"
			switch p := rng.IntN(10); {
			case p < 2:
				rat = "5G"
			case p < 3:
				rat = "3G"
			}
			dims = append(dims,
				smartcare.Dimension{Key: "LAC_TAC", Value: c.tac},
				smartcare.Dimension{Key: "RAT", Value: rat},
				smartcare.Dimension{Key: "SAI_CGI_ECGI", Value: c.cgi},
			)
			if !yield(smartcare.Record{MSISDN: f.subs[s], EventTime: at, SceneCode: scene, Dimensions: dims}) {
				return
			}
		}
	}
}
