package smartcare_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/smartcare"
)

// The oracle answers queryfaultyuser by brute force: every rule against
// every record of the subscriber, conditions compared by splitting the
// rule text itself. It shares nothing with the engine but the data, so
// when both agree on thousands of random queries, the index, the anchors,
// the window arithmetic, the retention cut, the cache invalidation and
// both stores are right.

type oracleRule struct {
	id          int64
	scene, text string
	from, until time.Time // until zero: ongoing
}

type oracle struct {
	now       time.Time
	settings  smartcare.Settings
	scenes    map[string][]string
	rules     map[int64]oracleRule
	bySubject map[string][]smartcare.Record
}

type oracleMatch struct {
	scene, text, ttid string
}

func (o *oracle) answer(req smartcare.FaultyUserRequest) (string, []oracleMatch) {
	ms, _ := strconv.ParseInt(req.FaultTime, 10, 64)
	fault := time.UnixMilli(ms).UTC()
	if fault.After(o.now.Add(5 * time.Minute)) {
		return smartcare.CodeInvalidTime, nil
	}
	horizon := o.now.AddDate(0, 0, -o.settings.RetentionDays)
	if o.settings.RetentionDays > 0 && fault.Before(horizon) {
		return smartcare.CodeInvalidTime, nil
	}
	codes, ok := o.scenes[req.ComplaintScene]
	if !ok {
		return smartcare.CodeUnknownScene, nil
	}
	back := o.settings.DefaultBacktrace
	if req.BacktraceDuration != "" {
		n, _ := strconv.ParseInt(req.BacktraceDuration, 10, 64)
		back = time.Duration(min(n, 86400)) * time.Second
	}
	lo := fault.Add(-back)
	if o.settings.RetentionDays > 0 && lo.Before(horizon) {
		lo = horizon
	}
	type found struct {
		first time.Time
		minID int64
	}
	hits := map[[2]string]found{}
	for _, rec := range o.bySubject[req.MSISDN] {
		if rec.EventTime.Before(lo) || rec.EventTime.After(fault) || !slices.Contains(codes, rec.SceneCode) {
			continue
		}
		for _, r := range o.rules {
			if r.scene != rec.SceneCode || rec.EventTime.Before(r.from) || !r.until.IsZero() && !rec.EventTime.Before(r.until) {
				continue
			}
			all := true
			for _, cond := range strings.Split(r.text, "&") {
				k, v, _ := strings.Cut(cond, "=")
				got, ok := "", false
				for _, d := range rec.Dimensions {
					if d.Key == k {
						got, ok = d.Value, true
					}
				}
				if !ok || got != v {
					all = false
					break
				}
			}
			if !all {
				continue
			}
			key := [2]string{r.scene, r.text}
			h, seen := hits[key]
			if !seen || rec.EventTime.Before(h.first) {
				h.first = rec.EventTime
			}
			if !seen || r.id < h.minID {
				h.minID = r.id
			}
			hits[key] = h
		}
	}
	if len(hits) == 0 {
		return "none", nil
	}
	type row struct {
		key [2]string
		found
	}
	var rows []row
	for k, h := range hits {
		rows = append(rows, row{k, h})
	}
	slices.SortFunc(rows, func(a, b row) int {
		if c := a.first.Compare(b.first); c != 0 {
			return c
		}
		return cmp.Compare(a.minID, b.minID)
	})
	out := make([]oracleMatch, len(rows))
	for i, r := range rows {
		out[i] = oracleMatch{r.key[0], r.key[1], r.first.In(time.UTC).Format(smartcare.TTIDLayout)}
	}
	return "found", out
}

// randomRule makes a rule from some dimensions of a random record, so that
// it matches that record and others like it, active around it.
func randomRule(rng *rand.Rand, recs []smartcare.Record) smartcare.RuleInput {
	rec := recs[rng.IntN(len(recs))]
	dims := slices.Clone(rec.Dimensions)
	rng.Shuffle(len(dims), func(i, j int) { dims[i], dims[j] = dims[j], dims[i] })
	var conds []string
	for _, d := range dims[:1+rng.IntN(min(3, len(dims)))] {
		conds = append(conds, d.Key+"="+d.Value)
	}
	scene := rec.SceneCode
	if rng.IntN(5) == 0 {
		scene = []string{"SMS", "DATA", "VOICE"}[rng.IntN(3)]
	}
	from := rec.EventTime.Add(-time.Duration(rng.Int64N(int64(6 * time.Hour)))).Truncate(time.Second)
	r := smartcare.RuleInput{SceneCode: scene, ReflectionRule: strings.Join(conds, "&"), ActiveFrom: from}
	if rng.IntN(5) > 0 {
		r.ActiveUntil = from.Add(10*time.Minute + time.Duration(rng.Int64N(int64(12*time.Hour)))).Truncate(time.Second)
	}
	return r
}

func TestEngineAgreesWithBruteForceOracle(t *testing.T) {
	t.Parallel()
	queries := 2000
	if testing.Short() {
		queries = 300
	}
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		settings := smartcare.Settings{DefaultBacktrace: 2 * time.Hour, TimeZone: "UTC", RetentionDays: 2}
		feed := demo.NewFeed(demo.FeedOptions{
			Seed: 42, Records: 20000, Subscribers: 300, Cells: 48, Faults: 9, HistoryRules: 200,
			Start: testNow.AddDate(0, 0, -3), Span: 72 * time.Hour,
		})
		f.newTenant(t, "oracle", settings, feed.Scenes()...)
		o := &oracle{now: testNow, settings: settings, scenes: map[string][]string{}, rules: map[int64]oracleRule{}, bySubject: map[string][]smartcare.Record{}}
		for _, sc := range feed.Scenes() {
			o.scenes[sc.ID] = sc.SceneCodes
		}

		var recs []smartcare.Record
		for r := range feed.Records() {
			recs = append(recs, r)
			o.bySubject[r.MSISDN] = append(o.bySubject[r.MSISDN], r)
		}
		for i := 0; i < len(recs); i += 5000 {
			if err := f.svc.AppendRecords(ctx, "oracle", recs[i:min(i+5000, len(recs))]); err != nil {
				t.Fatal(err)
			}
		}

		rng := rand.New(rand.NewPCG(7, 7))
		identity := map[string]bool{}
		var batch []smartcare.FaultRule
		add := func(in smartcare.RuleInput) {
			r, err := f.svc.NewRule("oracle", in)
			if err != nil {
				t.Fatal(err)
			}
			key := r.SceneCode + "|" + r.Rule.String() + "|" + r.ActiveFrom.String()
			if identity[key] {
				return
			}
			identity[key] = true
			batch = append(batch, r)
			o.rules[r.ID] = oracleRule{id: r.ID, scene: r.SceneCode, text: r.Rule.String(), from: r.ActiveFrom, until: r.ActiveUntil}
		}
		for r := range feed.Rules() {
			add(r)
		}
		for range 1200 {
			in := randomRule(rng, recs)
			add(in)
			if rng.IntN(10) == 0 { // the same fault again, later
				in.ActiveFrom = in.ActiveFrom.Add(13 * time.Hour)
				in.ActiveUntil = time.Time{}
				add(in)
			}
		}
		if err := f.svc.CreateRules(ctx, "oracle", batch); err != nil {
			t.Fatal(err)
		}

		// Queries go round three replicas while a fourth changes rules and
		// scenes between them. The third follows the change feed and
		// answers from the rules in memory; before it is asked after a
		// change, it is given the time to receive the change.
		following, hub := f.followingReplica(t)
		replicas := []*smartcare.Service{f.svc, f.replica(t), following}
		admin := f.replica(t)
		subjects := feed.MSISDNs()
		start, end := feed.Options().Start, feed.Options().Start.Add(feed.Options().Span)
		var found, none, refused int
		for i := range queries {
			if i%100 == 99 {
				mutate(t, rng, admin, o, recs)
				hub.Sync(ctx)
			}
			if i%50 == 49 {
				// New records of a subscriber whose window the following
				// replica holds in memory.
				req := appendRecords(t, rng, admin, o, recs, following)
				hub.Sync(ctx)
				o.check(t, i, following, req)
			}
			req := smartcare.FaultyUserRequest{QueryFlag: "1", SessionID: strconv.Itoa(i)}
			switch p := rng.IntN(20); {
			case p == 0:
				req.MSISDN = fmt.Sprintf("99%08d", rng.IntN(1e8)) // nobody
			default:
				req.MSISDN = subjects[rng.IntN(len(subjects))]
			}
			// Mostly within the retention, some before it or in the future.
			fault := testNow.Add(-time.Duration(rng.Int64N(int64(2 * 24 * time.Hour))))
			if rng.IntN(5) == 0 {
				fault = start.Add(-12*time.Hour + time.Duration(rng.Int64N(int64(end.Sub(start)+24*time.Hour))))
			}
			req.FaultTime = strconv.FormatInt(fault.UnixMilli(), 10)
			req.ComplaintScene = []string{"1", "1", "2", "3", "3", "9"}[rng.IntN(6)]
			switch p := rng.IntN(10); {
			case p < 2:
			case p < 3:
				req.BacktraceDuration = strconv.Itoa(86400 + rng.IntN(100000)) // clamped
			default:
				req.BacktraceDuration = strconv.Itoa(60 + rng.IntN(86400-60+1))
			}

			// The following replica is asked twice: the second answer
			// comes from the subscriber's records in memory.
			svc := replicas[i%3]
			if svc == following {
				o.check(t, i, svc, req)
			}
			wantCode := o.check(t, i, svc, req)
			switch wantCode {
			case "found":
				found++
			case "none":
				none++
			default:
				refused++
			}
		}
		// The test only means something if every outcome occurred often.
		if found < queries/10 || none < queries/10 || refused < queries/20 {
			t.Fatalf("outcomes too lopsided: %d found, %d none, %d refused", found, none, refused)
		}
		t.Logf("%d queries: %d found, %d none found, %d refused (invalid time or unknown scene)", queries, found, none, refused)
	})
}

// mutate changes the tenant through admin, and the oracle with it: a rule
// deleted, a rule added, or scene 3's codes changed.
func mutate(t *testing.T, rng *rand.Rand, admin *smartcare.Service, o *oracle, recs []smartcare.Record) {
	t.Helper()
	ctx := context.Background()
	switch rng.IntN(3) {
	case 0:
		ids := make([]int64, 0, len(o.rules))
		for id := range o.rules {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		id := ids[rng.IntN(len(ids))]
		if err := admin.DeleteRule(ctx, "oracle", id); err != nil {
			t.Fatal(err)
		}
		delete(o.rules, id)
	case 1:
		r, err := admin.CreateRule(ctx, "oracle", randomRule(rng, recs))
		if err != nil {
			t.Fatal(err)
		}
		o.rules[r.ID] = oracleRule{id: r.ID, scene: r.SceneCode, text: r.Rule.String(), from: r.ActiveFrom, until: r.ActiveUntil}
	case 2:
		codes := []string{"DATA", "SMS", "VOICE"}[:1+rng.IntN(3)]
		sc, err := admin.UpdateScene(ctx, "oracle", "3", smartcare.ScenePatch{SceneCodes: codes})
		if err != nil {
			t.Fatal(err)
		}
		o.scenes["3"] = sc.SceneCodes
	}
}

// check asks svc and the oracle req and fails t unless they agree. It
// returns the oracle's outcome.
func (o *oracle) check(t *testing.T, i int, svc *smartcare.Service, req smartcare.FaultyUserRequest) string {
	t.Helper()
	wantCode, want := o.answer(req)
	res, err := svc.QueryFaultyUser(context.Background(), "oracle", req)
	gotCode := outcome(res, err)
	var got []oracleMatch
	if err == nil {
		if gotCode == "found" {
			for _, m := range res.Matches {
				got = append(got, oracleMatch{m.SceneCode, m.ReflectionRule, m.FirstSeen.In(res.Location()).Format(smartcare.TTIDLayout)})
			}
			if res.MSISDN != req.MSISDN {
				t.Fatalf("query %d %+v: msisdn %s", i, req, res.MSISDN)
			}
		}
	}
	if gotCode != wantCode || !slices.Equal(got, want) {
		t.Fatalf("query %d %+v:\nengine %s %+v (%v)\noracle %s %+v", i, req, gotCode, got, err, wantCode, want)
	}
	return wantCode
}

// appendRecords adds records to a subscriber through admin, and to the
// oracle: copies of a random record at another time of the last two
// days, mostly a few, sometimes more than one window's records kept in
// memory. Before, it asks reader about the subscriber in a window that
// holds the new records, and returns that query.
func appendRecords(t *testing.T, rng *rand.Rand, admin *smartcare.Service, o *oracle, recs []smartcare.Record, reader *smartcare.Service) smartcare.FaultyUserRequest {
	t.Helper()
	n := 1 + rng.IntN(3)
	if rng.IntN(5) == 0 {
		n = 70
	}
	like := recs[rng.IntN(len(recs))]
	at := testNow.Add(-time.Duration(rng.Int64N(int64(2*24*time.Hour - time.Hour)))).Truncate(time.Millisecond)
	req := smartcare.FaultyUserRequest{MSISDN: like.MSISDN, FaultTime: strconv.FormatInt(at.Add(time.Duration(n)*time.Second).UnixMilli(), 10),
		ComplaintScene: "1", BacktraceDuration: "3600", SessionID: "append", QueryFlag: "1"}
	o.check(t, -1, reader, req)
	added := make([]smartcare.Record, n)
	for i := range added {
		added[i] = like
		added[i].EventTime = at.Add(time.Duration(i) * time.Second)
	}
	if err := admin.AppendRecords(context.Background(), "oracle", added); err != nil {
		t.Fatal(err)
	}
	o.bySubject[like.MSISDN] = append(o.bySubject[like.MSISDN], added...)
	return req
}
