package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/tenant"
)

func testSmartCare(t *testing.T, db *database.DB) {
	ctx := context.Background()
	at := time.Date(2024, 7, 18, 5, 0, 0, 0, time.UTC)
	for _, id := range []string{"sc-a", "sc-b", "queue-a", "queue-b", "queue-c"} {
		if err := db.Tenants.Create(ctx, tenant.Tenant{ID: id, CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("settings", func(t *testing.T) { testSmartCareSettings(t, db.SmartCare, at) })
	t.Run("scenes", func(t *testing.T) { testSmartCareScenes(t, db.SmartCare, at) })
	t.Run("rules", func(t *testing.T) { testSmartCareRules(t, db.SmartCare, at) })
	t.Run("records", func(t *testing.T) { testSmartCareRecords(t, db.SmartCare, at) })
	t.Run("retention", func(t *testing.T) { testSmartCareRetention(t, db.SmartCare, at) })
	t.Run("tasks", func(t *testing.T) { testSmartCareTasks(t, db.SmartCare, at) })
	t.Run("task quotas", func(t *testing.T) { testSmartCareTaskQuotas(t, db.SmartCare, at) })
	t.Run("task turns", func(t *testing.T) { testSmartCareTaskTurns(t, db.SmartCare, at) })
}

func versionsOf(t *testing.T, s smartcare.Store, tenantID string) smartcare.Versions {
	t.Helper()
	v, err := s.Versions(context.Background(), tenantID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func testSmartCareSettings(t *testing.T, s smartcare.Store, at time.Time) {
	ctx := context.Background()
	if _, err := s.GetSettings(ctx, "sc-a"); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("GetSettings before any = %v, want ErrNotFound", err)
	}
	if v := versionsOf(t, s, "nobody"); v != (smartcare.Versions{}) {
		t.Fatalf("versions of an unknown tenant %+v", v)
	}
	before := versionsOf(t, s, "sc-a")
	want := smartcare.Settings{DefaultBacktrace: 2 * time.Hour, TimeZone: "Asia/Bangkok", RetentionDays: 7}
	// The first update starts from the defaults.
	if got, err := s.UpdateSettings(ctx, "sc-a", at, func(cur smartcare.Settings) (smartcare.Settings, error) {
		if cur != smartcare.DefaultSettings() {
			t.Errorf("UpdateSettings before any passed %+v, want the defaults", cur)
		}
		return want, nil
	}); err != nil || got != want {
		t.Fatalf("UpdateSettings = %+v, %v", got, err)
	}
	want.RetentionDays = 0
	if _, err := s.UpdateSettings(ctx, "sc-a", at, func(cur smartcare.Settings) (smartcare.Settings, error) {
		cur.RetentionDays = 0
		return cur, nil
	}); err != nil {
		t.Fatal(err)
	}
	// A change that fails stores nothing and counts no version.
	refused := errors.New("refused")
	if _, err := s.UpdateSettings(ctx, "sc-a", at, func(smartcare.Settings) (smartcare.Settings, error) {
		return smartcare.Settings{}, refused
	}); !errors.Is(err, refused) {
		t.Fatalf("UpdateSettings with a failing change = %v, want its error", err)
	}
	got, err := s.GetSettings(ctx, "sc-a")
	if err != nil || got != want {
		t.Fatalf("GetSettings = %+v, %v; want %+v", got, err, want)
	}
	after := versionsOf(t, s, "sc-a")
	if after.Config != before.Config+2 || after.Rules != before.Rules {
		t.Fatalf("versions %+v -> %+v; want config +2", before, after)
	}
	c, err := s.LoadConfig(ctx, "sc-a")
	if err != nil || c.Settings == nil || *c.Settings != want || c.Version != after.Config {
		t.Fatalf("LoadConfig = %+v, %v", c, err)
	}
	if c, err := s.LoadConfig(ctx, "sc-b"); err != nil || c.Settings != nil || len(c.Scenes) != 0 {
		t.Fatalf("LoadConfig of a fresh tenant = %+v, %v", c, err)
	}
}

func testSmartCareScenes(t *testing.T, s smartcare.Store, at time.Time) {
	ctx := context.Background()
	one := smartcare.Scene{TenantID: "sc-a", ID: "1", Name: "SMS and data", SceneCodes: []string{"DATA", "SMS"}, CreatedAt: at, UpdatedAt: at}
	two := smartcare.Scene{TenantID: "sc-a", ID: "2", Name: "voice", SceneCodes: []string{"VOICE"}, CreatedAt: at, UpdatedAt: at}
	before := versionsOf(t, s, "sc-a")
	for _, sc := range []smartcare.Scene{two, one, {TenantID: "sc-b", ID: "1", SceneCodes: []string{"SMS"}, CreatedAt: at, UpdatedAt: at}} {
		if err := s.CreateScene(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateScene(ctx, one); !errors.Is(err, aiccd.ErrConflict) {
		t.Fatalf("CreateScene(duplicate) = %v, want ErrConflict", err)
	}
	if got, err := s.GetScene(ctx, "sc-a", "1"); err != nil || !sceneEqual(got, one) {
		t.Fatalf("GetScene = %+v, %v", got, err)
	}
	if _, err := s.GetScene(ctx, "sc-a", "9"); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("GetScene(missing) = %v", err)
	}
	one.Name, one.SceneCodes, one.UpdatedAt = "renamed", []string{"DATA"}, at.Add(time.Minute)
	if _, err := s.UpdateScene(ctx, "sc-a", "1", replaceWith(one)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateScene(ctx, "sc-a", "9", replaceWith(one)); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("UpdateScene(missing) = %v", err)
	}
	list, err := s.ListScenes(ctx, "sc-a")
	if err != nil || len(list) != 2 || !sceneEqual(list[0], one) || !sceneEqual(list[1], two) {
		t.Fatalf("ListScenes = %+v, %v", list, err)
	}
	if err := s.DeleteScene(ctx, "sc-a", "2"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteScene(ctx, "sc-a", "2"); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("DeleteScene(missing) = %v", err)
	}
	c, err := s.LoadConfig(ctx, "sc-a")
	if err != nil || len(c.Scenes) != 1 || !sceneEqual(c.Scenes[0], one) {
		t.Fatalf("LoadConfig scenes = %+v, %v", c.Scenes, err)
	}
	after := versionsOf(t, s, "sc-a")
	if after.Config != before.Config+4 || after.Rules != before.Rules {
		t.Fatalf("versions %+v -> %+v; want config +4 (2 creates, 1 update, 1 delete)", before, after)
	}
}

func sceneEqual(a, b smartcare.Scene) bool {
	return a.TenantID == b.TenantID && a.ID == b.ID && a.Name == b.Name && slices.Equal(a.SceneCodes, b.SceneCodes) &&
		a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func newRule(t *testing.T, id int64, tenantID, scene, text string, from, until time.Time) smartcare.FaultRule {
	t.Helper()
	refl, err := smartcare.ParseReflectionRule(text)
	if err != nil {
		t.Fatal(err)
	}
	return smartcare.FaultRule{ID: id, TenantID: tenantID, SceneCode: scene, Rule: refl, ActiveFrom: from, ActiveUntil: until,
		Description: "rule " + fmt.Sprint(id), CreatedAt: from, UpdatedAt: from}
}

func ruleEqual(a, b smartcare.FaultRule) bool {
	return a.ID == b.ID && a.TenantID == b.TenantID && a.SceneCode == b.SceneCode && a.Rule.String() == b.Rule.String() &&
		a.ActiveFrom.Equal(b.ActiveFrom) && a.ActiveUntil.Equal(b.ActiveUntil) && a.Description == b.Description &&
		a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func testSmartCareRules(t *testing.T, s smartcare.Store, at time.Time) {
	ctx := context.Background()
	before := versionsOf(t, s, "sc-a")
	r1 := newRule(t, 101, "sc-a", "SMS", "FAILURE_CAUSE=DTAPSMS_CP:CP Error(17 Network Failure)", at, at.Add(4*time.Hour))
	r2 := newRule(t, 102, "sc-a", "DATA", "LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007", at, time.Time{})
	r3 := newRule(t, 103, "sc-a", "DATA", "LAC_TAC=X", at, time.Time{})
	rb := newRule(t, 104, "sc-b", "DATA", "LAC_TAC=X", at, time.Time{})
	if err := s.CreateRules(ctx, []smartcare.FaultRule{r1, r2, r3}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRules(ctx, []smartcare.FaultRule{rb}); err != nil {
		t.Fatal(err)
	}
	// The same fault (scene, rule, start) twice is a conflict, and a
	// batch holding one stores nothing.
	dup := newRule(t, 105, "sc-a", "DATA", "LAC_TAC=X", at, at.Add(time.Hour))
	fresh := newRule(t, 106, "sc-a", "DATA", "LAC_TAC=Y", at, time.Time{})
	if err := s.CreateRules(ctx, []smartcare.FaultRule{fresh, dup}); !errors.Is(err, aiccd.ErrConflict) {
		t.Fatalf("CreateRules(duplicate) = %v, want ErrConflict", err)
	}
	if _, err := s.GetRule(ctx, "sc-a", 106); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("a failed batch left rule 106 behind: %v", err)
	}
	if got, err := s.GetRule(ctx, "sc-a", 102); err != nil || !ruleEqual(got, r2) {
		t.Fatalf("GetRule = %+v, %v; want %+v", got, err, r2)
	}
	if _, err := s.GetRule(ctx, "sc-b", 102); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("GetRule of another tenant's rule = %v", err)
	}
	r3.ActiveUntil, r3.UpdatedAt, r3.Rule = at.Add(time.Hour), at.Add(time.Minute), must(smartcare.ParseReflectionRule("LAC_TAC=Z"))
	if _, err := s.UpdateRule(ctx, "sc-a", r3.ID, replaceWith(r3)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateRule(ctx, "sc-a", 999, replaceWith(r3)); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("UpdateRule(missing) = %v", err)
	}
	page, err := s.ListRules(ctx, "sc-a", smartcare.RuleFilter{Limit: 2})
	if err != nil || len(page) != 2 || page[0].ID != 101 || page[1].ID != 102 {
		t.Fatalf("ListRules first page = %+v, %v", page, err)
	}
	page, err = s.ListRules(ctx, "sc-a", smartcare.RuleFilter{AfterID: 102, Limit: 2})
	if err != nil || len(page) != 1 || !ruleEqual(page[0], r3) {
		t.Fatalf("ListRules second page = %+v, %v", page, err)
	}
	page, err = s.ListRules(ctx, "sc-a", smartcare.RuleFilter{SceneCode: "SMS", Limit: 10})
	if err != nil || len(page) != 1 || !ruleEqual(page[0], r1) {
		t.Fatalf("ListRules SMS = %+v, %v", page, err)
	}
	if err := s.DeleteRule(ctx, "sc-a", 101); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRule(ctx, "sc-a", 101); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("DeleteRule(missing) = %v", err)
	}
	version, rules, err := s.LoadRules(ctx, "sc-a")
	if err != nil || len(rules) != 2 || !ruleEqual(rules[0], r2) || !ruleEqual(rules[1], r3) {
		t.Fatalf("LoadRules = %+v, %v", rules, err)
	}
	after := versionsOf(t, s, "sc-a")
	if version != after.Rules || after.Rules != before.Rules+3 || after.Config != before.Config {
		t.Fatalf("versions %+v -> %+v (loaded at %d); want rules +3 (1 batch, 1 update, 1 delete)", before, after, version)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func record(msisdn string, at time.Time, scene string, dims ...string) smartcare.Record {
	var d smartcare.Dimensions
	for i := 0; i < len(dims); i += 2 {
		d = append(d, smartcare.Dimension{Key: dims[i], Value: dims[i+1]})
	}
	return smartcare.Record{MSISDN: msisdn, EventTime: at, SceneCode: scene, Dimensions: d}
}

func recordsEqual(a, b []smartcare.Record) bool {
	return slices.EqualFunc(a, b, func(x, y smartcare.Record) bool {
		return x.MSISDN == y.MSISDN && x.EventTime.Equal(y.EventTime) && x.SceneCode == y.SceneCode && slices.Equal(x.Dimensions, y.Dimensions)
	})
}

func testSmartCareRecords(t *testing.T, s smartcare.Store, at time.Time) {
	ctx := context.Background()
	const m = "6680512100869"
	// Records across a day boundary, out of order, with a millisecond
	// instant and the page's special characters.
	midnight := time.Date(2024, 7, 19, 0, 0, 0, 0, time.UTC)
	recs := []smartcare.Record{
		record(m, midnight.Add(time.Minute), "DATA", "LAC_TAC", "L2"),
		record(m, at.Add(1234*time.Millisecond), "SMS", "FAILURE_CAUSE", "DTAPSMS_CP:CP Error(17 Network Failure)", "LAC_TAC", "5200504B2007"),
		record(m, midnight.Add(-time.Minute), "DATA", "APN", "internet", "LAC_TAC", "L1"),
		record("6680512100870", at.Add(time.Minute), "DATA", "LAC_TAC", "L1"),
		record(m, at, "VOICE"),
	}
	if err := s.AppendRecords(ctx, "sc-a", recs); err != nil {
		t.Fatal(err)
	}
	// Another tenant's records of the same subscriber stay apart.
	if err := s.AppendRecords(ctx, "sc-b", []smartcare.Record{record(m, at.Add(time.Second), "SMS", "LAC_TAC", "B")}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Records(ctx, "sc-a", m, at, midnight.Add(time.Minute), 10000)
	want := []smartcare.Record{recs[4], recs[1], recs[2], recs[0]}
	if err != nil || !recordsEqual(got, want) {
		t.Fatalf("Records =\n%+v, %v\nwant\n%+v", got, err, want)
	}
	// Both ends of the window are inclusive, to the millisecond.
	got, _ = s.Records(ctx, "sc-a", m, at.Add(1234*time.Millisecond), midnight.Add(-time.Minute), 10000)
	if !recordsEqual(got, []smartcare.Record{recs[1], recs[2]}) {
		t.Fatalf("inclusive window = %+v", got)
	}
	got, _ = s.Records(ctx, "sc-a", m, at.Add(1235*time.Millisecond), midnight.Add(-time.Minute-time.Millisecond), 10000)
	if len(got) != 0 {
		t.Fatalf("exclusive of the ends = %+v", got)
	}
	// A window with nothing, an empty window, an unknown subscriber.
	for _, w := range [][2]time.Time{{at.Add(-48 * time.Hour), at.Add(-24 * time.Hour)}, {at.Add(time.Hour), at}} {
		if got, err := s.Records(ctx, "sc-a", m, w[0], w[1], 10000); err != nil || len(got) != 0 {
			t.Fatalf("Records%v = %+v, %v", w, got, err)
		}
	}
	if got, err := s.Records(ctx, "sc-a", "111111", at, midnight, 10000); err != nil || len(got) != 0 {
		t.Fatalf("Records(unknown msisdn) = %+v, %v", got, err)
	}
	got, _ = s.Records(ctx, "sc-b", m, at, midnight, 10000)
	if len(got) != 1 || got[0].Dimensions[0].Value != "B" {
		t.Fatalf("tenant sc-b sees %+v", got)
	}
	// A record delivered twice is stored twice: the feed is kept as it was
	// delivered (docs/compatibility.md, "Subscriber records").
	if err := s.AppendRecords(ctx, "sc-b", []smartcare.Record{record(m, at.Add(time.Second), "SMS", "LAC_TAC", "B")}); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.Records(ctx, "sc-b", m, at, midnight, 10); len(got) != 2 || !recordsEqual(got[:1], got[1:]) {
		t.Fatalf("a record appended twice: %+v", got)
	}
	// A large batch goes in whole.
	big := make([]smartcare.Record, 1234)
	for i := range big {
		big[i] = record("5550001", at.Add(time.Duration(i)*time.Second), "DATA", "LAC_TAC", fmt.Sprint(i))
	}
	if err := s.AppendRecords(ctx, "sc-a", big); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Records(ctx, "sc-a", "5550001", at, at.Add(time.Hour), 10000); !recordsEqual(got, big) {
		t.Fatalf("large batch: %d records back, want %d", len(got), len(big))
	}
	if got, _ := s.Records(ctx, "sc-a", "5550001", at, at.Add(time.Hour), 10); !recordsEqual(got, big[:10]) {
		t.Fatalf("limit 10: %d records back", len(got))
	}
	// VersionedRecords is Versions and Records at once, empty windows and
	// tenants without versions included.
	if _, err := s.UpdateSettings(ctx, "sc-a", at, replaceWith(smartcare.Settings{DefaultBacktrace: time.Hour, TimeZone: "UTC", RetentionDays: 30})); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tenant, msisdn string
		from, to       time.Time
		limit          int
	}{
		{"sc-a", m, at, midnight.Add(time.Minute), 10000},
		{"sc-a", "5550001", at, at.Add(time.Hour), 10},
		{"sc-a", m, at.Add(time.Hour), at, 10},
		{"sc-b", m, at, midnight, 10},
	} {
		v, got, err := s.VersionedRecords(ctx, c.tenant, c.msisdn, c.from, c.to, c.limit)
		wantV := versionsOf(t, s, c.tenant)
		want, _ := s.Records(ctx, c.tenant, c.msisdn, c.from, c.to, c.limit)
		if err != nil || v != wantV || !recordsEqual(got, want) {
			t.Fatalf("VersionedRecords(%+v) = %+v, %d records, %v; want %+v, %d records", c, v, len(got), err, wantV, len(want))
		}
	}
	tenants, err := s.RecordTenants(ctx)
	if err != nil || !slices.Equal(tenants, []string{"sc-a", "sc-b"}) {
		t.Fatalf("RecordTenants = %v, %v", tenants, err)
	}
}

func testSmartCareRetention(t *testing.T, s smartcare.Store, at time.Time) {
	ctx := context.Background()
	const m = "777000111"
	day := func(d int, h float64) time.Time {
		return time.Date(2024, 8, 1+d, 0, 0, 0, 0, time.UTC).Add(time.Duration(h * float64(time.Hour)))
	}
	var recs []smartcare.Record
	for d := range 4 {
		for _, h := range []float64{0, 6, 12, 23.99} {
			recs = append(recs, record(m, day(d, h), "DATA", "LAC_TAC", "L"))
		}
	}
	if err := s.AppendRecords(ctx, "sc-a", recs); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendRecords(ctx, "sc-b", recs); err != nil {
		t.Fatal(err)
	}
	horizon := day(2, 12) // noon of the third day
	var total int64
	for range 10000 {
		n, err := s.DeleteRecordsBefore(ctx, "sc-a", horizon, 3)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		total += n
	}
	if total == 0 {
		t.Fatal("DeleteRecordsBefore reported nothing deleted")
	}
	got, _ := s.Records(ctx, "sc-a", m, day(0, 0), day(4, 0), 10000)
	// The first two days are gone; records at or after the horizon stay;
	// those of the third day before noon may stay.
	var kept []time.Time
	for _, r := range got {
		kept = append(kept, r.EventTime)
	}
	if len(got) == 0 || got[0].EventTime.Before(day(2, 0)) {
		t.Fatalf("records of days wholly before the horizon survived: %v", kept)
	}
	var after []smartcare.Record
	for _, r := range got {
		if !r.EventTime.Before(horizon) {
			after = append(after, r)
		}
	}
	if !recordsEqual(after, recs[len(recs)-6:]) {
		t.Fatalf("records at or after the horizon were deleted: %v", kept)
	}
	if got, _ := s.Records(ctx, "sc-b", m, day(0, 0), day(4, 0), 10000); len(got) != len(recs) {
		t.Fatalf("retention of sc-a deleted %d records of sc-b", len(recs)-len(got))
	}
	// New records of a day that retention emptied can come back.
	if err := s.AppendRecords(ctx, "sc-a", recs[:1]); err != nil {
		t.Fatalf("ingest after retention: %v", err)
	}
}

func testSmartCareTasks(t *testing.T, s smartcare.Store, at time.Time) {
	ctx := context.Background()
	task := func(id int64) smartcare.Task {
		return smartcare.Task{ID: id, TenantID: "sc-a", MSISDN: "6680512100869", FaultTime: at, SceneID: "1",
			From: at.Add(-time.Hour), To: at, SessionID: "s", Status: smartcare.TaskQueued, CreatedAt: at, UpdatedAt: at}
	}
	if _, err := s.ClaimTask(ctx, 1, at, at.Add(time.Minute)); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("ClaimTask on an empty queue = %v", err)
	}
	for _, id := range []int64{3, 1, 2} {
		if err := s.CreateTask(ctx, task(id), 10); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateTask(ctx, task(1), 10); !errors.Is(err, aiccd.ErrConflict) {
		t.Fatalf("CreateTask(duplicate) = %v", err)
	}
	got, err := s.GetTask(ctx, "sc-a", 2)
	if err != nil || got.Status != smartcare.TaskQueued || !got.From.Equal(at.Add(-time.Hour)) || got.SessionID != "s" {
		t.Fatalf("GetTask = %+v, %v", got, err)
	}
	if _, err := s.GetTask(ctx, "sc-b", 2); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("GetTask of another tenant = %v", err)
	}

	// Oldest first; a claimed task is not claimed again while its lease
	// runs.
	lease := at.Add(time.Minute)
	c1, err := s.ClaimTask(ctx, 1001, at, lease)
	if err != nil || c1.ID != 1 || c1.Status != smartcare.TaskRunning || c1.Attempts != 1 || !c1.LeaseUntil.Equal(lease) {
		t.Fatalf("first claim = %+v, %v", c1, err)
	}
	// Concurrent claims take different tasks.
	var wg sync.WaitGroup
	ids := make([]int64, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			c, err := s.ClaimTask(ctx, int64(2001+i), at, lease)
			ids[i], errs[i] = c.ID, err
		})
	}
	wg.Wait()
	claimOf2 := int64(2001 + slices.Index(ids, 2))
	slices.Sort(ids)
	if errors.Join(errs...) != nil || !slices.Equal(ids, []int64{2, 3}) {
		t.Fatalf("concurrent claims took %v (%v)", ids, errors.Join(errs...))
	}
	if _, err := s.ClaimTask(ctx, 3001, at, lease); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("claim with every task leased = %v", err)
	}

	// After the lease a task is taken over; the old claim can no longer
	// finish it.
	c1b, err := s.ClaimTask(ctx, 4001, lease, lease.Add(time.Minute))
	if err != nil || c1b.ID != 1 || c1b.Attempts != 2 {
		t.Fatalf("takeover = %+v, %v", c1b, err)
	}
	done := c1
	done.Status, done.UpdatedAt, done.FinishedAt, done.LeaseUntil = smartcare.TaskFinished, lease, lease, time.Time{}
	if err := s.FinishTask(ctx, done, 1001); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("FinishTask with a lost claim = %v", err)
	}
	done.Matches = []smartcare.RuleMatch{{
		SceneCode: "SMS", ReflectionRule: "LAC_TAC=1", FirstSeen: at.Add(-time.Minute), RuleIDs: []int64{7, 9},
		Records: []smartcare.Record{record("6680512100869", at.Add(-time.Minute), "SMS", "LAC_TAC", "1", "RAT", "4G")},
	}}
	if err := s.FinishTask(ctx, done, 4001); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetTask(ctx, "sc-a", 1)
	if err != nil || got.Status != smartcare.TaskFinished || !got.FinishedAt.Equal(lease) || len(got.Matches) != 1 ||
		!slices.Equal(got.Matches[0].RuleIDs, []int64{7, 9}) || !recordsEqual(got.Matches[0].Records, done.Matches[0].Records) {
		t.Fatalf("finished task = %+v, %v", got, err)
	}

	// A task put back with a back-off is not claimable before it.
	back, _ := s.GetTask(ctx, "sc-a", 2)
	back.Status, back.LeaseUntil = smartcare.TaskQueued, lease.Add(time.Hour)
	if err := s.FinishTask(ctx, back, claimOf2); err != nil {
		t.Fatal(err)
	}
	c, err := s.ClaimTask(ctx, 5001, lease.Add(2*time.Minute), lease.Add(3*time.Minute))
	if err != nil || c.ID != 3 {
		t.Fatalf("claim after the leases ran out = %+v, %v; want task 3 (task 2 is backing off)", c, err)
	}
	if c, err := s.ClaimTask(ctx, 5002, lease.Add(time.Hour), lease.Add(2*time.Hour)); err != nil || c.ID != 2 {
		t.Fatalf("claim after the back-off = %+v, %v", c, err)
	}

	if n, err := s.DeleteTasksBefore(ctx, lease); err != nil || n != 0 {
		t.Fatalf("DeleteTasksBefore(finish time) = %d, %v", n, err)
	}
	if n, err := s.DeleteTasksBefore(ctx, lease.Add(time.Millisecond)); err != nil || n != 1 {
		t.Fatalf("DeleteTasksBefore = %d, %v", n, err)
	}
	if _, err := s.GetTask(ctx, "sc-a", 1); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("deleted task: %v", err)
	}
}

// queuedTask is a queued task of tenantID.
func queuedTask(id int64, tenantID string, at time.Time) smartcare.Task {
	return smartcare.Task{ID: id, TenantID: tenantID, MSISDN: "6680512100869", FaultTime: at, SceneID: "1",
		From: at.Add(-time.Hour), To: at, Status: smartcare.TaskQueued, CreatedAt: at, UpdatedAt: at}
}

func testSmartCareTaskQuotas(t *testing.T, s smartcare.Store, at time.Time) {
	ctx := context.Background()
	for id := range int64(5) {
		if err := s.CreateTask(ctx, queuedTask(100+id, "queue-a", at), 5); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateTask(ctx, queuedTask(105, "queue-a", at), 5); !errors.Is(err, smartcare.ErrTaskQuota) {
		t.Fatalf("a task beyond the quota: %v, want ErrTaskQuota", err)
	}
	if _, err := s.GetTask(ctx, "queue-a", 105); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("the refused task was stored: %v", err)
	}
	if err := s.CreateTask(ctx, queuedTask(200, "queue-b", at), 5); err != nil {
		t.Fatalf("another tenant's task: %v", err)
	}
	// A task put back for a retry still counts; a finished one does not.
	c, err := s.ClaimTask(ctx, 1, at, at.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	c.Status, c.LeaseUntil = smartcare.TaskQueued, at.Add(time.Minute)
	if err := s.FinishTask(ctx, c, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTask(ctx, queuedTask(105, "queue-a", at), 5); !errors.Is(err, smartcare.ErrTaskQuota) {
		t.Fatalf("a task beyond the quota after a retry: %v, want ErrTaskQuota", err)
	}
	for claim := int64(2); ; claim++ {
		c, err := s.ClaimTask(ctx, claim, at.Add(time.Minute), at.Add(time.Hour))
		if errors.Is(err, aiccd.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		c.Status, c.FinishedAt, c.LeaseUntil = smartcare.TaskFinished, at, time.Time{}
		if err := s.FinishTask(ctx, c, claim); err != nil {
			t.Fatal(err)
		}
	}
	// Submissions at once: exactly the quota's worth is accepted.
	var refused atomic.Int64
	outcomes := race(40, func(i int) error {
		err := s.CreateTask(ctx, queuedTask(300+int64(i), "queue-a", at), 5)
		if errors.Is(err, smartcare.ErrTaskQuota) {
			refused.Add(1)
			return nil
		}
		return err
	})
	if outcomes[nil] != 40 || refused.Load() != 35 {
		t.Fatalf("40 submissions at once with a quota of 5: %d refused, outcomes %v; want 35 refused", refused.Load(), outcomes)
	}
}

// testSmartCareTaskTurns holds ClaimTask to taking tenants in turns: a
// tenant's one task is claimed within a claim or two of its submission
// however many tasks another tenant has queued before it.
func testSmartCareTaskTurns(t *testing.T, s smartcare.Store, at time.Time) {
	ctx := context.Background()
	// Drain what the quota test left.
	lease := at.Add(24 * time.Hour)
	for claim := int64(10_000); ; claim++ {
		if _, err := s.ClaimTask(ctx, claim, lease, lease.Add(time.Hour)); errors.Is(err, aiccd.ErrNotFound) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	now := lease.Add(time.Minute) // the drained tasks' leases run
	for id := range int64(200) {
		if err := s.CreateTask(ctx, queuedTask(1000+id, "queue-a", at), 1000); err != nil {
			t.Fatal(err)
		}
	}
	claim := int64(20_000)
	next := func() string {
		t.Helper()
		claim++
		c, err := s.ClaimTask(ctx, claim, now, now.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return c.TenantID
	}
	if got := next(); got != "queue-a" {
		t.Fatalf("first claim took %s's task", got)
	}
	// Newer than all of queue-a's, yet claimed next.
	for id, tenantID := range map[int64]string{5000: "queue-b", 5001: "queue-b", 5002: "queue-b", 6000: "queue-c"} {
		if err := s.CreateTask(ctx, queuedTask(id, tenantID, at), 1000); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for range 6 {
		got = append(got, next())
	}
	// queue-c was never served, queue-b before queue-a (in the quota
	// test); then the tenants with tasks left take turns.
	want := []string{"queue-c", "queue-b", "queue-a", "queue-b", "queue-a", "queue-b"}
	if !slices.Equal(got, want) {
		t.Fatalf("claims took the tasks of %v; want turns %v", got, want)
	}
	if got := next(); got != "queue-a" {
		t.Fatalf("with only queue-a left, a claim took %s's task", got)
	}
}
