package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
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

func newEnv(t testing.TB, dsn string) *env {
	t.Helper()
	return newEnvOn(t, dbtest.Open(t, dsn))
}

// newEnvOn builds a server over db; several envs on one database act as
// replicas.
func newEnvOn(t testing.TB, db *database.DB) *env {
	t.Helper()
	c := &testClock{now: time.Now().UTC().Truncate(time.Second)}
	clock := aiccd.Clock(c)
	ids := &testIDs{}
	hub := changefeed.NewHub(nil)
	tenants := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: clock, Keys: testMasterKey, IDs: ids, Demo: true, FrozenTrial: demo.TrialTenantID, Feed: hub})
	creds := credential.NewService(credential.Options{
		Store: db.Credentials, Clock: clock, Sealer: testMasterKey, Feed: hub,
		Guard: credential.NewMemoryGuard(clock, 1000, nil),
	})
	customers := partner.NewService(partner.Options{
		Store: db.Customers, Accounts: creds, Clock: clock, Sealer: testMasterKey, Blinder: testMasterKey, MobileLimit: partner.DefaultMobileLimit, Feed: hub,
	})
	care := smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: tenants, Clock: clock, IDs: &testIDs{}, Feed: hub})
	codes := accesscode.NewService(accesscode.Options{Store: db.AccessCodes, Clock: clock, IDs: &testIDs{}, Feed: hub})
	if err := demo.Load(context.Background(), demo.Services{Tenants: tenants, Credentials: creds, Customers: customers,
		SmartCare: care, AccessCodes: codes}, nilLogger()); err != nil {
		t.Fatal(err)
	}
	faults := fault.NewService(fault.Options{Store: db.Faults, Clock: clock, IDs: ids, Feed: hub, Endpoints: FaultEndpoints()})
	j := journal.New(journal.Options{Store: db.Journal, Size: 50, Logger: nilLogger(), Blinder: testMasterKey})
	srv := New(Options{
		DB: db, Clock: clock, MaxBodyBytes: 64 << 10, MaxHeaderBytes: 16 << 10, AdminToken: testAdminToken,
		Tenants: tenants, Credentials: creds, Feed: hub, Faults: faults, Journal: j, JournalBodies: true,
		Customers: customers, SmartCare: care, AccessCodes: codes, Snapshots: snapshot.NewService(snapshot.Options{Store: db.Snapshots, Clock: clock, Feed: hub}),
	})
	return &env{t: t, db: db, feed: hub, clock: c, srv: srv, creds: creds, customers: customers, tenants: tenants}
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
