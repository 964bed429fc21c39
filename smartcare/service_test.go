package smartcare_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/tenant"
)

// failingRecords is a store whose record look-ups fail, as a broken
// record database (the page's DAC) would, while settings, scenes and
// rules still load.
type failingRecords struct{ smartcare.Store }

func (failingRecords) Records(context.Context, string, string, time.Time, time.Time, int) ([]smartcare.Record, error) {
	return nil, errors.New("read tcp 10.0.0.7:5432: connection reset by peer")
}

func (failingRecords) VersionedRecords(context.Context, string, string, time.Time, time.Time, int) (smartcare.Versions, []smartcare.Record, error) {
	return smartcare.Versions{}, nil, errors.New("read tcp 10.0.0.7:5432: connection reset by peer")
}

// corruptSettings is a store whose stored time zone no longer exists.
type corruptSettings struct{ smartcare.Store }

func (c corruptSettings) LoadConfig(ctx context.Context, tenantID string) (smartcare.Config, error) {
	cfg, err := c.Store.LoadConfig(ctx, tenantID)
	cfg.Settings = &smartcare.Settings{DefaultBacktrace: time.Hour, TimeZone: "Nowhere/Atlantis"}
	return cfg, err
}

func TestQueryFaultyUserOutcomes(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		// A tenant that keeps records for 30 days.
		f.newTenant(t, "acme", smartcare.Settings{DefaultBacktrace: time.Hour, TimeZone: "UTC", RetentionDays: 30},
			smartcare.SceneInput{ID: "1", SceneCodes: []string{"DATA"}})
		ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

		limited := smartcare.NewService(smartcare.Options{Store: f.db.SmartCare, Tenants: f.tenants, Clock: f.clock, IDs: f.ids})
		smartcare.SetMaxQueryRecords(limited, 1)

		for _, tc := range []struct {
			name   string
			svc    *smartcare.Service
			tenant string
			edit   func(*smartcare.FaultyUserRequest)
			want   string // outcome
		}{
			{"found", f.svc, demo.TenantID, func(*smartcare.FaultyUserRequest) {}, "found"},
			{"healthy subscriber", f.svc, demo.TenantID, func(r *smartcare.FaultyUserRequest) { r.MSISDN = demo.HealthyMSISDN }, "none"},
			{"nothing in the last minute", f.svc, demo.TenantID, func(r *smartcare.FaultyUserRequest) { r.BacktraceDuration = "60" }, "none"},
			{"unknown subscriber", f.svc, demo.TenantID, func(r *smartcare.FaultyUserRequest) { r.MSISDN = "66800000000" }, "none"},
			{"invalid msisdn", f.svc, demo.TenantID, func(r *smartcare.FaultyUserRequest) { r.MSISDN = "66-805-121" }, smartcare.CodeInvalidMSISDN},
			{"not epoch milliseconds", f.svc, demo.TenantID, func(r *smartcare.FaultyUserRequest) { r.FaultTime = "18/07/2024" }, smartcare.CodeInvalidTime},
			{"future", f.svc, demo.TenantID, func(r *smartcare.FaultyUserRequest) { r.FaultTime = ms(testNow.Add(10 * time.Minute)) }, smartcare.CodeInvalidTime},
			{"within the clock tolerance", f.svc, "acme", func(r *smartcare.FaultyUserRequest) { r.FaultTime = ms(testNow.Add(time.Minute)) }, "none"},
			{"older than retention", f.svc, "acme", func(r *smartcare.FaultyUserRequest) { r.FaultTime = ms(testNow.AddDate(0, 0, -31)) }, smartcare.CodeInvalidTime},
			{"unknown scene", f.svc, demo.TenantID, func(r *smartcare.FaultyUserRequest) { r.ComplaintScene = "9" }, smartcare.CodeUnknownScene},
			{"scene of another tenant", f.svc, "demo-trial", func(r *smartcare.FaultyUserRequest) { r.FaultTime = ms(testNow) }, smartcare.CodeUnknownScene},
			{"record store fails", smartcare.NewService(smartcare.Options{Store: failingRecords{f.db.SmartCare}, Tenants: f.tenants, Clock: f.clock, IDs: f.ids}), demo.TenantID, func(*smartcare.FaultyUserRequest) {}, smartcare.CodeRecordsUnavailable},
			{"too many records", limited, demo.TenantID, func(*smartcare.FaultyUserRequest) {}, smartcare.CodeTooManyRecords},
			{"queryFlag", f.svc, demo.TenantID, func(r *smartcare.FaultyUserRequest) { r.QueryFlag = "0" }, "invalid"},
			{"missing faultTime", f.svc, demo.TenantID, func(r *smartcare.FaultyUserRequest) { r.FaultTime = "" }, "invalid"},
			{"backtrace below 60", f.svc, demo.TenantID, func(r *smartcare.FaultyUserRequest) { r.BacktraceDuration = "59" }, "invalid"},
			{"backtrace not a number", f.svc, demo.TenantID, func(r *smartcare.FaultyUserRequest) { r.BacktraceDuration = "one hour" }, "invalid"},
			{"unusable stored settings", smartcare.NewService(smartcare.Options{Store: corruptSettings{f.db.SmartCare}, Tenants: f.tenants, Clock: f.clock, IDs: f.ids}), demo.TenantID, func(*smartcare.FaultyUserRequest) {}, "internal"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req := exampleRequest()
				tc.edit(&req)
				res, err := tc.svc.QueryFaultyUser(ctx, tc.tenant, req)
				if got := outcome(res, err); got != tc.want {
					t.Fatalf("%s (%v), want %s", got, err, tc.want)
				}
				if err != nil {
					if tc.want != "internal" && aiccd.MessageOf(err, "") == "" {
						t.Fatalf("no reason for %s: %v", tc.want, err)
					}
					if (aiccd.KindOf(err) == aiccd.KindInternal) != (tc.want == "internal") {
						t.Fatalf("kind %s for %s", aiccd.KindOf(err), tc.want)
					}
				}
			})
		}
	})
}

func TestQueryFaultyUserFailsWithDACErrorWhenTheDatabaseCloses(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		db, err := database.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		svc := smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: tenant.NewService(tenant.Options{Store: db.Tenants, Clock: f.clock}), Clock: f.clock, IDs: f.ids})
		// Warm the cache first: the failure must come from the store, not
		// from a cold start.
		if res, err := svc.QueryFaultyUser(ctx, demo.TenantID, exampleRequest()); err != nil || !res.Found() {
			t.Fatalf("before closing: %v", err)
		}
		db.Close()
		_, err = svc.QueryFaultyUser(ctx, demo.TenantID, exampleRequest())
		if aiccd.CodeOf(err) != smartcare.CodeRecordsUnavailable || aiccd.KindOf(err) != aiccd.KindUnavailable {
			t.Fatalf("after closing the database: %v (code %q), want %s", err, aiccd.CodeOf(err), smartcare.CodeRecordsUnavailable)
		}
		if msg := aiccd.MessageOf(err, ""); strings.Contains(msg, "closed") {
			t.Fatalf("the driver's text leaks into the message: %q", msg)
		}
	})
}

func TestBacktraceClamping(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		f.newTenant(t, "clamp", smartcare.Settings{DefaultBacktrace: time.Hour, TimeZone: "UTC"},
			smartcare.SceneInput{ID: "1", SceneCodes: []string{"DATA"}})
		fault := testNow.Add(-time.Hour)
		if _, err := f.svc.CreateRule(ctx, "clamp", smartcare.RuleInput{SceneCode: "DATA", ReflectionRule: "LAC_TAC=L1", ActiveFrom: fault.AddDate(0, 0, -3)}); err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, back := range []time.Duration{86401 * time.Second, 86400 * time.Second, 3601 * time.Second, 3600 * time.Second} {
			lines = append(lines, `{"msisdn":"5551234","eventTime":`+strconv.FormatInt(fault.Add(-back).UnixMilli(), 10)+`,"ccmSceneCode":"DATA","dimensions":{"LAC_TAC":"L1"}}`)
		}
		if rep, err := f.svc.IngestNDJSON(ctx, "clamp", strings.NewReader(strings.Join(lines, "\n"))); err != nil || rep.Imported != 4 {
			t.Fatalf("ingest: %+v, %v", rep, err)
		}
		ttid := func(backtrace string) string {
			t.Helper()
			res, err := f.svc.QueryFaultyUser(ctx, "clamp", smartcare.FaultyUserRequest{
				MSISDN: "5551234", FaultTime: strconv.FormatInt(fault.UnixMilli(), 10), ComplaintScene: "1",
				BacktraceDuration: backtrace, QueryFlag: "1",
			})
			if err != nil {
				t.Fatalf("backtrace %q: %v", backtrace, err)
			}
			if !res.Found() {
				return "none"
			}
			return res.Matches[0].FirstSeen.In(res.Location()).Format(smartcare.TTIDLayout)
		}
		at := func(back time.Duration) string { return fault.Add(-back).Format(smartcare.TTIDLayout) }
		for _, tc := range []struct{ backtrace, want string }{
			{"86400", at(86400 * time.Second)},
			{"86401", at(86400 * time.Second)}, // clamped: the record 86401 s back stays out
			{"999999999999", at(86400 * time.Second)},
			{"3601", at(3601 * time.Second)},
			{"", at(3600 * time.Second)}, // the tenant's default, an hour
			{"60", "none"},
		} {
			if got := ttid(tc.backtrace); got != tc.want {
				t.Errorf("backtraceDuration %q: ttid %s, want %s", tc.backtrace, got, tc.want)
			}
		}
		// A new tenant default applies at once, also on another replica.
		other := f.replica(t)
		ttid("")
		two := 2 * time.Hour
		if _, err := other.UpdateSettings(ctx, "clamp", smartcare.SettingsPatch{DefaultBacktrace: &two}); err != nil {
			t.Fatal(err)
		}
		if got := ttid(""); got != at(3601*time.Second) {
			t.Errorf("after the default became 7200 s: ttid %s", got)
		}
	})
}

func TestReplicasSeeEachOthersChanges(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		a, b := f.svc, f.replica(t)
		// rules are b's matches: scene code and the earliest record's
		// time in the zone of the data element's ttid.
		type match struct{ CCMSceneCode, TTID string }
		rules := func() []match {
			t.Helper()
			res, err := b.QueryFaultyUser(ctx, demo.TenantID, exampleRequest())
			if err != nil {
				t.Fatal(err)
			}
			if !res.Found() {
				return nil
			}
			var out []match
			for _, m := range res.Matches {
				out = append(out, match{m.SceneCode, m.FirstSeen.In(res.Location()).Format(smartcare.TTIDLayout)})
			}
			return out
		}
		if got := rules(); len(got) != 2 {
			t.Fatalf("replica b answers %+v", got)
		}
		list, err := a.Rules(ctx, demo.TenantID, smartcare.RuleFilter{SceneCode: "DATA"})
		if err != nil || len(list) != 1 {
			t.Fatalf("rules: %+v, %v", list, err)
		}
		if err := a.DeleteRule(ctx, demo.TenantID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if got := rules(); len(got) != 1 || got[0].CCMSceneCode != "SMS" {
			t.Fatalf("after a deleted the DATA rule, b answers %+v", got)
		}
		// A rule for the VOICE record: the scene does not cover VOICE
		// until a changes it.
		if _, err := a.CreateRule(ctx, demo.TenantID, smartcare.RuleInput{SceneCode: "VOICE", ReflectionRule: "RAT=4G", ActiveFrom: time.Date(2024, 7, 18, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		if got := rules(); len(got) != 1 {
			t.Fatalf("a VOICE rule changed the answer of scene 1: %+v", got)
		}
		if _, err := a.UpdateScene(ctx, demo.TenantID, "1", smartcare.ScenePatch{SceneCodes: []string{"SMS", "DATA", "VOICE"}}); err != nil {
			t.Fatal(err)
		}
		if got := rules(); len(got) != 2 || got[1].CCMSceneCode != "VOICE" || got[1].TTID != "2024-07-18 12:55:30" {
			t.Fatalf("after a added VOICE to scene 1, b answers %+v", got)
		}
		utc := "UTC"
		if _, err := a.UpdateSettings(ctx, demo.TenantID, smartcare.SettingsPatch{TimeZone: &utc}); err != nil {
			t.Fatal(err)
		}
		if got := rules(); got[0].TTID != "2024-07-18 05:20:41" {
			t.Fatalf("after a switched to UTC, b's ttid is %s", got[0].TTID)
		}
		if err := a.DeleteScene(ctx, demo.TenantID, "1"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.QueryFaultyUser(ctx, demo.TenantID, exampleRequest()); aiccd.CodeOf(err) != smartcare.CodeUnknownScene {
			t.Fatalf("after a deleted scene 1, b answers %v", err)
		}
	})
}

func TestRuleAdministration(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		from := time.Date(2024, 7, 18, 0, 0, 0, 0, time.UTC)
		_, err := f.svc.CreateRule(ctx, demo.TenantID, smartcare.RuleInput{SceneCode: "DATA", ReflectionRule: "LAC_TAC=1&&RAT=4G", ActiveFrom: from})
		if aiccd.KindOf(err) != aiccd.KindInvalid || !strings.Contains(err.Error(), `condition 2 "": is empty`) {
			t.Fatalf("malformed rule: %v", err)
		}
		// The demo's SMS rule again: a conflict that names it.
		_, err = f.svc.CreateRule(ctx, demo.TenantID, smartcare.RuleInput{SceneCode: "sms",
			ReflectionRule: " failure_cause = DTAPSMS_CP:CP Error(17 Network Failure)", ActiveFrom: time.Date(2024, 7, 18, 4, 30, 0, 0, time.UTC)})
		if aiccd.KindOf(err) != aiccd.KindConflict || !strings.Contains(err.Error(), "already exists") {
			t.Fatalf("duplicate rule: %v", err)
		}
		r, err := f.svc.CreateRule(ctx, demo.TenantID, smartcare.RuleInput{SceneCode: "data", ReflectionRule: "sai_cgi_ecgi=X&lac_tac=Y", ActiveFrom: from})
		if err != nil || r.Rule.String() != "LAC_TAC=Y&SAI_CGI_ECGI=X" || r.SceneCode != "DATA" || !r.Ongoing() {
			t.Fatalf("created %+v, %v", r, err)
		}
		until := from.Add(time.Hour)
		up, err := f.svc.UpdateRule(ctx, demo.TenantID, r.ID, smartcare.RulePatch{ActiveUntil: &until})
		if err != nil || up.Ongoing() || up.Rule.String() != r.Rule.String() {
			t.Fatalf("updated %+v, %v", up, err)
		}
		before := from.Add(-time.Hour)
		if _, err := f.svc.UpdateRule(ctx, demo.TenantID, r.ID, smartcare.RulePatch{ActiveUntil: &before}); aiccd.KindOf(err) != aiccd.KindInvalid {
			t.Fatalf("an end before the start: %v", err)
		}
		if _, err := f.svc.UpdateRule(ctx, demo.TenantID, 424242, smartcare.RulePatch{}); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Fatalf("update of a missing rule: %v", err)
		}
		if _, err := f.svc.CreateRule(ctx, "nobody", smartcare.RuleInput{SceneCode: "DATA", ReflectionRule: "A=1", ActiveFrom: from}); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Fatalf("a rule for a missing tenant: %v", err)
		}
		if _, err := f.svc.Rules(ctx, demo.TenantID, smartcare.RuleFilter{Limit: 5000}); aiccd.KindOf(err) != aiccd.KindInvalid {
			t.Fatalf("limit 5000: %v", err)
		}
		if _, err := f.svc.CreateScene(ctx, demo.TenantID, smartcare.SceneInput{ID: "1", SceneCodes: []string{"SMS"}}); aiccd.KindOf(err) != aiccd.KindConflict {
			t.Fatalf("duplicate scene: %v", err)
		}
		if _, err := f.svc.CreateScene(ctx, demo.TenantID, smartcare.SceneInput{ID: "2", SceneCodes: nil}); aiccd.KindOf(err) != aiccd.KindInvalid {
			t.Fatalf("a scene without codes: %v", err)
		}
		if _, err := f.svc.UpdateScene(ctx, demo.TenantID, "7", smartcare.ScenePatch{SceneCodes: []string{"SMS"}}); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Fatalf("update of a missing scene: %v", err)
		}
		st, err := f.svc.Settings(ctx, demo.TenantID)
		if err != nil || st.RetentionDays != 0 || st.TimeZone != "Asia/Bangkok" || st.DefaultBacktrace != time.Hour {
			t.Fatalf("demo settings %+v, %v", st, err)
		}
		if st, err := f.svc.Settings(ctx, "demo-trial"); err != nil || st != smartcare.DefaultSettings() {
			t.Fatalf("settings never set: %+v, %v", st, err)
		}
		bad := "Mars/Base"
		if _, err := f.svc.UpdateSettings(ctx, demo.TenantID, smartcare.SettingsPatch{TimeZone: &bad}); aiccd.KindOf(err) != aiccd.KindInvalid {
			t.Fatalf("unknown zone: %v", err)
		}
	})
}

func TestDemoLoadIsIdempotent(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		// An integrator changes the demo tenant's time zone; loading again
		// keeps it and adds nothing twice.
		utc := "UTC"
		if _, err := f.svc.UpdateSettings(ctx, demo.TenantID, smartcare.SettingsPatch{TimeZone: &utc}); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadSmartCare(ctx, f.svc, discard); err != nil {
			t.Fatal(err)
		}
		st, _ := f.svc.Settings(ctx, demo.TenantID)
		rules, _ := f.svc.Rules(ctx, demo.TenantID, smartcare.RuleFilter{})
		recs, _ := f.svc.Records(ctx, demo.TenantID, demo.FaultyMSISDN, testNow.AddDate(-3, 0, 0), testNow.AddDate(-2, 0, 0))
		all, _ := f.svc.Records(ctx, demo.TenantID, demo.FaultyMSISDN, time.Date(2024, 7, 18, 0, 0, 0, 0, time.UTC), time.Date(2024, 7, 19, 0, 0, 0, 0, time.UTC))
		if st.TimeZone != "UTC" || len(rules) != 2 || len(recs) != 0 || len(all) != 4 {
			t.Fatalf("after a second load: zone %s, %d rules, %d records", st.TimeZone, len(rules), len(all))
		}
	})
}

// Two administrators changing different fields of one rule at once both
// keep their change.
func TestConcurrentRuleUpdatesKeepBoth(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		from := time.Date(2024, 7, 18, 0, 0, 0, 0, time.UTC)
		for round := range 20 {
			r, err := f.svc.CreateRule(ctx, demo.TenantID, smartcare.RuleInput{SceneCode: "DATA",
				ReflectionRule: fmt.Sprintf("LAC_TAC=R%d", round), ActiveFrom: from})
			if err != nil {
				t.Fatal(err)
			}
			until, description := from.Add(time.Hour), "cell site outage"
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, 2)
			wg.Go(func() {
				<-start
				_, errs[0] = f.svc.UpdateRule(ctx, demo.TenantID, r.ID, smartcare.RulePatch{ActiveUntil: &until})
			})
			wg.Go(func() {
				<-start
				_, errs[1] = f.svc.UpdateRule(ctx, demo.TenantID, r.ID, smartcare.RulePatch{Description: &description})
			})
			close(start)
			wg.Wait()
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("round %d: %v, %v", round, errs[0], errs[1])
			}
			got, err := f.svc.Rule(ctx, demo.TenantID, r.ID)
			if err != nil || !got.ActiveUntil.Equal(until) || got.Description != description {
				t.Fatalf("round %d: until %s, description %q, %v; want both changes", round, got.ActiveUntil, got.Description, err)
			}
		}
	})
}
