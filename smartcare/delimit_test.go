package smartcare_test

import (
	"context"
	"errors"
	"reflect"
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

func TestDelimitation(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)

		sub, err := f.svc.SubmitQuickDelimit(ctx, demo.TenantID, exampleRequest())
		if err != nil || state(sub) != "submitted" {
			t.Fatalf("submit: %+v, %v", sub, err)
		}
		d := sub.Task
		if d.Status != smartcare.TaskQueued || d.ID == 0 || d.MSISDN != demo.FaultyMSISDN || d.FaultTime.UnixMilli() != 1721283133000 ||
			d.SceneID != "1" || d.SessionID != "20240709" || len(d.Matches) != 0 {
			t.Fatalf("submitted task %+v", d)
		}
		taskID := smartcare.FormatID(d.ID)
		poll, err := f.svc.QueryQuickResult(ctx, demo.TenantID, taskID)
		if err != nil || state(poll) != "pending" {
			t.Fatalf("poll before processing: %s, %v", state(poll), err)
		}

		if n, err := f.svc.ProcessTasks(ctx, discard); err != nil || n != 1 {
			t.Fatalf("ProcessTasks = %d, %v", n, err)
		}
		poll, err = f.svc.QueryQuickResult(ctx, demo.TenantID, taskID)
		if err != nil || state(poll) != "found" {
			t.Fatalf("poll after processing: %s, %v", state(poll), err)
		}
		// The verdict is the synchronous query's.
		sync, err := f.svc.QueryFaultyUser(ctx, demo.TenantID, exampleRequest())
		if err != nil {
			t.Fatal(err)
		}
		got := poll.Task
		if poll.Submitted() || got.Status != smartcare.TaskFinished || !reflect.DeepEqual(got.Matches, sync.Matches) {
			t.Fatalf("quick result %+v, want the matches of %+v", got, sync.Matches)
		}

		// The evidence, as querydeepresult writes it, is httpapi's golden
		// file; here, that it is there.
		deep, err := f.svc.QueryDeepResult(ctx, demo.TenantID, taskID)
		if err != nil || state(deep) != "found" || len(deep.Task.Matches) != 2 || len(deep.Task.Matches[0].Records) == 0 {
			t.Fatalf("deep: %+v, %v", deep.Task.Matches, err)
		}

		unknown := smartcare.CodeUnknownTask
		for _, tc := range []struct{ id, refuse string }{{"", "invalid"}, {"424242", unknown}, {"not-a-number", unknown}, {"-1", unknown}} {
			if _, err := f.svc.QueryQuickResult(ctx, demo.TenantID, tc.id); smartcare.Refusal(err) != tc.refuse {
				t.Errorf("taskId %q: %v, want %s", tc.id, err, tc.refuse)
			}
		}
		// Another tenant cannot see the task.
		if _, err := f.svc.QueryDeepResult(ctx, "demo-trial", taskID); aiccd.CodeOf(err) != smartcare.CodeUnknownTask {
			t.Errorf("another tenant's task: %v", err)
		}
		// Submissions are validated like queries.
		bad := exampleRequest()
		bad.MSISDN = "12"
		if _, err := f.svc.SubmitQuickDelimit(ctx, demo.TenantID, bad); aiccd.CodeOf(err) != smartcare.CodeInvalidMSISDN {
			t.Errorf("invalid msisdn: %v", err)
		}
		bad = exampleRequest()
		bad.ComplaintScene = "x"
		if _, err := f.svc.SubmitQuickDelimit(ctx, demo.TenantID, bad); aiccd.CodeOf(err) != smartcare.CodeUnknownScene {
			t.Errorf("unknown scene: %v", err)
		}

		// A healthy subscriber's task finishes with none found.
		ok := exampleRequest()
		ok.MSISDN = demo.HealthyMSISDN
		sub, _ = f.svc.SubmitQuickDelimit(ctx, demo.TenantID, ok)
		f.svc.ProcessTasks(ctx, discard)
		if poll, _ := f.svc.QueryQuickResult(ctx, demo.TenantID, smartcare.FormatID(sub.Task.ID)); state(poll) != "none" || len(poll.Task.Matches) != 0 {
			t.Fatalf("healthy subscriber: %s %+v", state(poll), poll.Task)
		}
	})
}

func TestDelimitationTasksSurviveARestart(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		before, err := database.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		svc := smartcare.NewService(smartcare.Options{Store: before.SmartCare, Tenants: tenant.NewService(tenant.Options{Store: before.Tenants, Clock: f.clock}), Clock: f.clock, IDs: f.ids})
		sub, err := svc.SubmitQuickDelimit(ctx, demo.TenantID, exampleRequest())
		if err != nil {
			t.Fatal(err)
		}
		before.Close()

		after := f.replica(t)
		id := smartcare.FormatID(sub.Task.ID)
		if poll, err := after.QueryQuickResult(ctx, demo.TenantID, id); err != nil || state(poll) != "pending" {
			t.Fatalf("after the restart: %v", err)
		}
		if n, err := after.ProcessTasks(ctx, discard); err != nil || n != 1 {
			t.Fatalf("ProcessTasks = %d, %v", n, err)
		}
		if poll, err := after.QueryQuickResult(ctx, demo.TenantID, id); err != nil || state(poll) != "found" {
			t.Fatalf("after processing: %v", err)
		}
	})
}

func TestReplicasProcessEachTaskOnce(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		const tasks = 40
		ids := make([]string, tasks)
		for i := range ids {
			v, err := f.svc.SubmitQuickDelimit(ctx, demo.TenantID, exampleRequest())
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = smartcare.FormatID(v.Task.ID)
		}
		workers := []*smartcare.Service{f.svc, f.replica(t), f.replica(t)}
		var wg sync.WaitGroup
		done := make([]int, len(workers))
		errs := make([]error, len(workers))
		for i, w := range workers {
			wg.Go(func() { done[i], errs[i] = w.ProcessTasks(ctx, discard) })
		}
		wg.Wait()
		total := 0
		for i := range workers {
			if errs[i] != nil {
				t.Fatalf("worker %d: %v", i, errs[i])
			}
			total += done[i]
		}
		if total != tasks {
			t.Fatalf("the workers finished %v tasks, %d in all; want %d", done, total, tasks)
		}
		for _, id := range ids {
			v, err := f.svc.QueryQuickResult(ctx, demo.TenantID, id)
			if err != nil || state(v) != "found" || v.Task.Attempts != 1 {
				t.Fatalf("task %s: %s, %d attempts, %v", id, state(v), v.Task.Attempts, err)
			}
		}
	})
}

func TestDelimitationRetriesAndFailsOnAFailingStore(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		broken := smartcare.NewService(smartcare.Options{Store: failingRecords{f.db.SmartCare}, Tenants: f.tenants, Clock: f.clock, IDs: f.ids})
		sub, err := broken.SubmitQuickDelimit(ctx, demo.TenantID, exampleRequest())
		if err != nil {
			t.Fatal(err)
		}
		id := smartcare.FormatID(sub.Task.ID)
		for attempt := 1; attempt <= smartcare.TaskAttempts; attempt++ {
			if _, err := broken.ProcessTasks(ctx, discard); err != nil {
				t.Fatal(err)
			}
			v, _ := broken.QueryQuickResult(ctx, demo.TenantID, id)
			want := "pending"
			if attempt == smartcare.TaskAttempts {
				want = "failed"
			}
			if state(v) != want || v.Task.Attempts != attempt {
				t.Fatalf("after attempt %d: %s, %d attempts, status %s", attempt, state(v), v.Task.Attempts, v.Task.Status)
			}
			// Wait out the back-off.
			f.clock.Set(f.clock.Now().Add(time.Hour))
		}
	})
}

func TestRetention(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		f.newTenant(t, "ret", smartcare.Settings{DefaultBacktrace: time.Hour, TimeZone: "UTC", RetentionDays: 2})
		feed := demo.NewFeed(demo.FeedOptions{Seed: 1, Records: 4000, Start: testNow.AddDate(0, 0, -2).Truncate(24 * time.Hour), Span: 48 * time.Hour})
		var recs []smartcare.Record
		for r := range feed.Records() {
			recs = append(recs, r)
		}
		if err := f.svc.AppendRecords(ctx, "ret", recs); err != nil {
			t.Fatal(err)
		}
		// A day later the first day and a half are past the 2-day
		// retention; the demo tenant keeps everything.
		later := testNow.AddDate(0, 0, 1)
		horizon := later.AddDate(0, 0, -2)
		var young int
		for _, r := range recs {
			if !r.EventTime.Before(horizon) {
				young++
			}
		}
		visible := func() (old, kept int) {
			for _, m := range feed.MSISDNs() {
				rs, err := f.svc.Records(ctx, "ret", m, feed.Options().Start, later)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rs {
					if r.EventTime.Before(horizon) {
						old++
					} else {
						kept++
					}
				}
			}
			return old, kept
		}
		f.clock.Set(later)
		if old, kept := visible(); old != 0 || kept != young || young == 0 || young == len(recs) {
			t.Fatalf("before retention ran: %d old and %d young records visible, want 0 and %d of %d", old, kept, young, len(recs))
		}
		rep, err := f.svc.RunRetention(ctx)
		if err != nil || rep.Records == 0 {
			t.Fatalf("RunRetention = %+v, %v", rep, err)
		}
		if old, kept := visible(); old != 0 || kept != young {
			t.Fatalf("after retention: %d old, %d young records visible, want 0 and %d", old, kept, young)
		}
		// The expired day is gone from the store itself.
		for _, m := range feed.MSISDNs() {
			rs, _ := f.db.SmartCare.Records(ctx, "ret", m, feed.Options().Start, feed.Options().Start.Add(24*time.Hour-time.Millisecond), 1000)
			if len(rs) > 0 {
				t.Fatalf("%d records of the expired first day are still stored", len(rs))
			}
		}
		res, err := f.svc.QueryFaultyUser(ctx, demo.TenantID, exampleRequest())
		if err != nil || !res.Found() {
			t.Fatalf("the demo tenant lost its records: %v", err)
		}
		if rep, err := f.svc.RunRetention(ctx); err != nil || rep.Records != 0 {
			t.Fatalf("a second pass = %+v, %v", rep, err)
		}
	})
}

func TestIngestNDJSON(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		f.newTenant(t, "ing", smartcare.Settings{DefaultBacktrace: time.Hour, TimeZone: "UTC", RetentionDays: 30})
		in := `{"msisdn":"5551000","eventTime":"2026-11-23T11:00:00Z","ccmSceneCode":"data","dimensions":{"lac_tac":"L1"}}

{"msisdn":"5551000","eventTime":1795000000000}
{"msisdn":"555","eventTime":1795000000000,"ccmSceneCode":"SMS"}
{"msisdn":"5551000","eventTime":"2020-01-01T00:00:00Z","ccmSceneCode":"SMS"}
{"msisdn":"5551000","eventTime":"2026-11-24T12:00:00Z","ccmSceneCode":"SMS"}
not json
{"msisdn":"5551000","eventTime":"1795431600000","ccmSceneCode":"SMS","dimensions":{"FAILURE_CAUSE":"x\ty"}}
{"msisdn":"5551000","eventTime":1795431600000,"ccmSceneCode":"SMS","dimensions":{"RAT":"4G","APN":""}}
`
		rep, err := f.svc.IngestNDJSON(ctx, "ing", strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Imported != 2 || rep.Rejected != 6 || rep.CommittedLines != 9 || len(rep.Errors) != 6 {
			t.Fatalf("report %+v", rep)
		}
		for i, want := range []struct {
			line   int64
			reason string
		}{
			{3, "ccmSceneCode"}, {4, "msisdn"}, {5, "older than the tenant's retention"}, {6, "in the future"},
			{7, "not a record object"}, {8, "control character"},
		} {
			if rep.Errors[i].Line != want.line || !strings.Contains(rep.Errors[i].Reason, want.reason) {
				t.Errorf("error %d: %+v, want line %d about %q", i, rep.Errors[i], want.line, want.reason)
			}
		}
		recs, _ := f.svc.Records(ctx, "ing", "5551000", testNow.Add(-2*time.Hour), testNow)
		if len(recs) != 2 || recs[0].SceneCode != "DATA" || recs[0].Dimensions[0] != (smartcare.Dimension{Key: "LAC_TAC", Value: "L1"}) ||
			len(recs[1].Dimensions) != 1 {
			t.Fatalf("stored %+v", recs)
		}
		if _, err := f.svc.IngestNDJSON(ctx, "nobody", strings.NewReader(in)); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Fatalf("unknown tenant: %v", err)
		}
	})
}

// A tenant's queued and running tasks are bounded; the one beyond is
// refused as throttling, and the quota frees up as tasks finish.
func TestDelimitationQuota(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		f := newFixture(t, dsn)
		svc := smartcare.NewService(smartcare.Options{Store: f.db.SmartCare, Tenants: f.tenants, Clock: f.clock, IDs: f.ids, MaxQueuedTasks: 3})
		for range 3 {
			if _, err := svc.SubmitQuickDelimit(ctx, demo.TenantID, exampleRequest()); err != nil {
				t.Fatal(err)
			}
		}
		_, err := svc.SubmitQuickDelimit(ctx, demo.TenantID, exampleRequest())
		if aiccd.KindOf(err) != aiccd.KindRateLimited || !errors.Is(err, smartcare.ErrTaskQuota) {
			t.Fatalf("a fourth task with a quota of 3: %v, want ErrTaskQuota", err)
		}
		if n, err := svc.ProcessTasks(ctx, discard); err != nil || n != 3 {
			t.Fatalf("ProcessTasks = %d, %v", n, err)
		}
		if _, err := svc.SubmitQuickDelimit(ctx, demo.TenantID, exampleRequest()); err != nil {
			t.Fatalf("a task once the others finished: %v", err)
		}
	})
}
