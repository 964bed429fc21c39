package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/journal"
	"github.com/aiccd/aiccd/masterkey"
	"github.com/aiccd/aiccd/partner"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/snapshot"
	"github.com/aiccd/aiccd/tenant"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

const testAdminToken = "test-admin-token-0123456789"

var testMasterKey, _ = masterkey.New(bytes.Repeat([]byte{3}, masterkey.Size))

// testIDs hands out 1001, 1002, … so that generated IDs are predictable.
type testIDs struct{ n atomic.Int64 }

func (g *testIDs) NextID() int64 { return 1000 + g.n.Add(1) }

// env is a server with every service over one database, loaded with the
// demo dataset, and a clock the test controls. Like serve --demo, its
// tenant service is in demo mode. Its read models follow the change feed
// only once the test calls follow: until then every request reads the
// database, so that a test may change it under the server.
type env struct {
	t         testing.TB
	db        *database.DB
	feed      *changefeed.Hub
	clock     *testClock
	srv       *Server
	creds     *credential.Service
	customers *partner.Service
	tenants   *tenant.Service
}

// newEnv builds a server over the database at dsn, which, if it does not
// hold the demo dataset yet, it loads: tests take their dsn from demoData,
// which has it loaded already.
func newEnv(t testing.TB, dsn string) *env {
	t.Helper()
	return newEnvOn(t, dbtest.Open(t, dsn))
}

// demoIDs are the ID generators the services draw from: the tenant and
// fault services share one, SmartCare and the access codes have their own.
type demoIDs struct{ shared, care, codes testIDs }

// services are an env's services, before the server.
type services struct {
	hub    *changefeed.Hub
	demo   demo.Services
	faults *fault.Service
}

func newServices(db *database.DB, clock aiccd.Clock, ids *demoIDs) services {
	hub := changefeed.NewHub(nil)
	tenants := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: clock, Keys: testMasterKey, IDs: &ids.shared, Demo: true, FrozenTrial: demo.TrialTenantID, Feed: hub})
	creds := credential.NewService(credential.Options{
		Store: db.Credentials, Clock: clock, Sealer: testMasterKey, Feed: hub,
		Guard: credential.NewMemoryGuard(clock, 1000, nil),
	})
	customers := partner.NewService(partner.Options{
		Store: db.Customers, Accounts: creds, Clock: clock, Sealer: testMasterKey, Blinder: testMasterKey, MobileLimit: partner.DefaultMobileLimit, Feed: hub,
	})
	care := smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: tenants, Clock: clock, IDs: &ids.care, Feed: hub})
	codes := accesscode.NewService(accesscode.Options{Store: db.AccessCodes, Clock: clock, IDs: &ids.codes, Feed: hub})
	return services{
		hub:    hub,
		demo:   demo.Services{Tenants: tenants, Credentials: creds, Customers: customers, SmartCare: care, AccessCodes: codes},
		faults: fault.NewService(fault.Options{Store: db.Faults, Clock: clock, IDs: &ids.shared, Feed: hub, Endpoints: FaultEndpoints()}),
	}
}

// demoData is the demo dataset loaded through the services as newEnv
// would load it, once per test binary and engine (the master key is
// fixed); demoIDsUsed are the IDs the loading drew from each generator,
// which a test's generators skip, as they would had it loaded the data.
var (
	demoData = dbtest.NewSeeded(func(ctx context.Context, dsn string) error {
		db, err := database.Open(ctx, dsn)
		if err != nil {
			return err
		}
		ids := &demoIDs{}
		svc := newServices(db, &testClock{now: time.Now().UTC().Truncate(time.Second)}, ids)
		err = demo.Load(ctx, svc.demo, nilLogger())
		if err := errors.Join(err, db.Close()); err != nil {
			return err
		}
		used := [3]int64{ids.shared.n.Load(), ids.care.n.Load(), ids.codes.n.Load()}
		if prev := demoIDsUsed.Swap(&used); prev != nil && *prev != used {
			return fmt.Errorf("loading the demo drew IDs %v on one engine and %v on the other", *prev, used)
		}
		return nil
	})
	demoIDsUsed atomic.Pointer[[3]int64]
)

// newEnvOn builds a server over db; several envs on one database act as
// replicas.
func newEnvOn(t testing.TB, db *database.DB) *env {
	t.Helper()
	c := &testClock{now: time.Now().UTC().Truncate(time.Second)}
	clock := aiccd.Clock(c)
	ids := &demoIDs{}
	svc := newServices(db, clock, ids)
	ctx := context.Background()
	switch _, err := svc.demo.Tenants.Get(ctx, demo.TenantID); {
	case err == nil:
		used := demoIDsUsed.Load()
		if used == nil {
			t.Fatal("the database holds the demo dataset, but not from demoData")
		}
		ids.shared.n.Store(used[0])
		ids.care.n.Store(used[1])
		ids.codes.n.Store(used[2])
	case errors.Is(err, aiccd.ErrNotFound):
		if err := demo.Load(ctx, svc.demo, nilLogger()); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatal(err)
	}
	j := journal.New(journal.Options{Store: db.Journal, Size: 50, Logger: nilLogger(), Blinder: testMasterKey})
	d := svc.demo
	srv := New(Options{
		DB: db, Clock: clock, MaxBodyBytes: 64 << 10, MaxHeaderBytes: 16 << 10, AdminToken: testAdminToken,
		Tenants: d.Tenants, Credentials: d.Credentials, Feed: svc.hub, Faults: svc.faults, Journal: j, JournalBodies: true,
		Customers: d.Customers, SmartCare: d.SmartCare, AccessCodes: d.AccessCodes, Snapshots: snapshot.NewService(snapshot.Options{Store: db.Snapshots, Clock: clock, Feed: svc.hub}),
	})
	return &env{t: t, db: db, feed: svc.hub, clock: c, srv: srv, creds: d.Credentials, customers: d.Customers, tenants: d.Tenants}
}

// follow has the server's read models follow the database's change feed
// until the test ends, as aiccd serve does.
func (e *env) follow() {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.db.Feed.Follow(ctx, e.feed); close(done) }()
	e.t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(10 * time.Second)
	for !e.feed.Live() {
		if time.Now().After(deadline) {
			e.t.Fatal("the change feed did not start within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// request is one request of a test.
type request struct {
	method, path string
	body         string
	header       map[string]string
}

func (e *env) do(req request) *httptest.ResponseRecorder {
	e.t.Helper()
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	r := httptest.NewRequest(req.method, req.path, body)
	r.Header.Set("X-Request-Id", "test-request-id")
	if req.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range req.header {
		r.Header.Set(k, v) // canonicalised, as the server's parser does
	}
	return e.serve(r)
}

// serve answers r with the server and checks the answer against the
// OpenAPI document.
func (e *env) serve(r *http.Request) *httptest.ResponseRecorder {
	e.t.Helper()
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	checkAnswer(e.t, r, w)
	return w
}

// decode reads a JSON response body into a map.
func decode(t testing.TB, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, w.Body)
	}
	return m
}

// gatewayToken obtains a Bearer token for the demo app key.
func (e *env) gatewayToken() string {
	e.t.Helper()
	w := e.do(request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk",
		body: `{"app_key":"` + demo.AppKey + `","app_secret":"` + demo.AppSecret + `"}`})
	if w.Code != http.StatusOK {
		e.t.Fatalf("tokenByAkSk: %d %s", w.Code, w.Body)
	}
	return decode(e.t, w)["AccessToken"].(string)
}

func nilLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
