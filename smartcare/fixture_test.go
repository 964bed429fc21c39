package smartcare_test

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/tenant"
)

// testNow is the clock of the service tests: long after the page's example
// (2024), which only keeps working because the demo tenant keeps its
// records for ever.
var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

var discard = slog.New(slog.DiscardHandler)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// counter hands out IDs 1, 2, 3, …; replicas in a test share one, as
// replicas in production use different snowflake nodes.
type counter struct{ n atomic.Int64 }

func (c *counter) NextID() int64 { return c.n.Add(1) }

// fixture is a migrated database on one engine with the demo dataset
// loaded and a SmartCare service over it.
type fixture struct {
	dsn     string
	db      *database.DB
	clock   *testClock
	ids     *counter
	tenants *tenant.Service
	svc     *smartcare.Service
}

func newFixture(t testing.TB, dsn string) *fixture {
	t.Helper()
	f := &fixture{dsn: dsn, db: dbtest.Open(t, dsn), clock: &testClock{t: testNow}, ids: &counter{}}
	f.tenants = tenant.NewService(tenant.Options{Store: f.db.Tenants, Clock: f.clock})
	f.svc = smartcare.NewService(smartcare.Options{Store: f.db.SmartCare, Tenants: f.tenants, Clock: f.clock, IDs: f.ids})
	for _, id := range []string{demo.TenantID, demo.TrialTenantID} {
		if _, err := f.tenants.Create(context.Background(), id, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := demo.LoadSmartCare(context.Background(), f.svc, discard); err != nil {
		t.Fatal(err)
	}
	return f
}

// replica opens a second connection pool on the same database with its own
// service: another aiccd process sharing the database.
func (f *fixture) replica(t testing.TB) *smartcare.Service {
	t.Helper()
	db, err := database.Open(context.Background(), f.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: tenant.NewService(tenant.Options{Store: db.Tenants, Clock: f.clock}), Clock: f.clock, IDs: f.ids})
}

// followingReplica is a replica that follows the database's change feed,
// as a serving process does: its queries read only the records while the
// feed vouches for its rules. Its hub's Sync waits until it has received
// every change committed before.
func (f *fixture) followingReplica(t testing.TB) (*smartcare.Service, *changefeed.Hub) {
	t.Helper()
	db, err := database.Open(context.Background(), f.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	hub := dbtest.Follow(t, db)
	return smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: tenant.NewService(tenant.Options{Store: db.Tenants, Clock: f.clock}), Clock: f.clock, IDs: f.ids, Feed: hub}), hub
}

// newTenant creates a tenant with settings and scenes.
func (f *fixture) newTenant(t testing.TB, id string, st smartcare.Settings, scenes ...smartcare.SceneInput) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.tenants.Create(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateSettings(ctx, id, smartcare.SettingsPatch{
		DefaultBacktrace: &st.DefaultBacktrace, TimeZone: &st.TimeZone, RetentionDays: &st.RetentionDays,
	}); err != nil {
		t.Fatal(err)
	}
	for _, sc := range scenes {
		if _, err := f.svc.CreateScene(ctx, id, sc); err != nil {
			t.Fatal(err)
		}
	}
}

// exampleRequest is the request of the page's example.
func exampleRequest() smartcare.FaultyUserRequest {
	return smartcare.FaultyUserRequest{
		MSISDN: "6680512100869", FaultTime: "1721283133000", ComplaintScene: "1",
		BacktraceDuration: "3600", SessionID: "20240709", QueryFlag: "1",
	}
}

// outcome is what a query came to, as the tests compare it: "found" or
// "none" for an answer, else why it was refused (smartcare.Refusal).
func outcome(res smartcare.FaultyUserResult, err error) string {
	switch {
	case err != nil:
		return smartcare.Refusal(err)
	case res.Found():
		return "found"
	default:
		return "none"
	}
}

// state is where a task's answer stands, as the tests compare it:
// "submitted"; "pending" while queued or running; "found" or "none" once
// finished; "failed".
func state(v smartcare.TaskView) string {
	switch {
	case v.Submitted():
		return "submitted"
	case v.Found():
		return "found"
	}
	switch v.Task.Status {
	case smartcare.TaskQueued, smartcare.TaskRunning:
		return "pending"
	case smartcare.TaskFinished:
		return "none"
	default:
		return string(v.Task.Status)
	}
}
