package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The mechanics of the client against stub servers: token caching and
// renewal, retries, error parsing and tolerant decoding. Its behaviour
// against aiccd itself is tested in server_test.go and in the e2e suite.

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// gatewayStub issues tokens that live ttl seconds and answers
// queryAccessCodeList to the token it issued last, APIG.0307 to older
// ones.
type gatewayStub struct {
	issued   atomic.Int32
	calls    atomic.Int32
	current  atomic.Value // string
	delay    time.Duration
	expireAt atomic.Int32 // make the n-th call's token expired
}

func (g *gatewayStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", "stub-request")
	switch r.URL.Path {
	case "/apigovernance/api/oauth/tokenByAkSk":
		time.Sleep(g.delay)
		n := g.issued.Add(1)
		tok := fmt.Sprintf("token-%d", n)
		g.current.Store(tok)
		ttl := r.Header.Get("X-Token-Expire")
		if ttl == "" {
			ttl = "3600"
		}
		fmt.Fprintf(w, `{"AccessToken":%q,"ApplyType":"Bearer","CreateTime":"1700000000","Expires":%q,"Scope":"demo","AppKey":"k","UserID":"Anonymous"}`, tok, ttl)
	default:
		n := g.calls.Add(1)
		cur, _ := g.current.Load().(string)
		if r.Header.Get("Authorization") != "Bearer "+cur || n == g.expireAt.Load() {
			w.WriteHeader(401)
			io.WriteString(w, `{"error_code":"APIG.0307","error_msg":"The access token has expired.","request_id":"stub"}`)
			return
		}
		if r.Header.Get("X-APP-Key") != "k" {
			w.WriteHeader(401)
			io.WriteString(w, `{"error_code":"APIG.0301","error_msg":"X-APP-Key.","request_id":"stub"}`)
			return
		}
		io.WriteString(w, `{"returnCode":"0","data":{"total":0,"calledRouteList":[]},"description":"success"}`)
	}
}

func newStubClient(t *testing.T, h http.Handler, opts ...Option) *Client {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	c, err := New(ts.URL, append([]Option{WithRetry(Retry{Attempts: 3, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGatewayTokenIsCachedAndRenewedBeforeExpiry(t *testing.T) {
	g := &gatewayStub{}
	clock := &fakeClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	c := newStubClient(t, g, WithAppKey("k", "s"), WithTokenLifetime(100*time.Second), WithClock(clock.Now))
	ctx := context.Background()
	for range 3 {
		if _, err := c.QueryAccessCodeList(ctx, AccessCodeQuery{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := g.issued.Load(); n != 1 {
		t.Fatalf("%d tokens for three calls, want 1", n)
	}
	// A 100 s token is renewed in its last tenth.
	clock.Add(89 * time.Second)
	c.QueryAccessCodeList(ctx, AccessCodeQuery{})
	if n := g.issued.Load(); n != 1 {
		t.Fatalf("renewed %d times 11 s before expiry", n-1)
	}
	clock.Add(2 * time.Second)
	if _, err := c.QueryAccessCodeList(ctx, AccessCodeQuery{}); err != nil {
		t.Fatal(err)
	}
	if n := g.issued.Load(); n != 2 {
		t.Fatalf("%d tokens, want a renewal 9 s before expiry", n)
	}
}

func TestGatewayTokenRenewedOnceWhenRefused(t *testing.T) {
	g := &gatewayStub{}
	g.expireAt.Store(2)
	c := newStubClient(t, g, WithAppKey("k", "s"))
	ctx := context.Background()
	for range 2 {
		if _, err := c.QueryAccessCodeList(ctx, AccessCodeQuery{}); err != nil {
			t.Fatalf("a token refused as expired was not renewed: %v", err)
		}
	}
	if n, calls := g.issued.Load(), g.calls.Load(); n != 2 || calls != 3 {
		t.Fatalf("%d tokens and %d calls, want 2 and 3", n, calls)
	}
	// A token refused again after renewal is the caller's problem.
	bad := newStubClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "tokenByAkSk") {
			io.WriteString(w, `{"AccessToken":"t","Expires":"3600"}`)
			return
		}
		w.WriteHeader(401)
		io.WriteString(w, `{"error_code":"APIG.0301","error_msg":"The access token is invalid.","request_id":"r1"}`)
	}), WithAppKey("k", "s"))
	_, err := bad.QueryAccessCodeList(ctx, AccessCodeQuery{})
	if !IsCode(err, "APIG.0301") || StatusOf(err) != 401 {
		t.Fatalf("err = %v", err)
	}
	if e, _ := errors.AsType[*APIError](err); e.Family != FamilyGateway || e.RequestID != "r1" {
		t.Fatalf("error %+v", e)
	}
}

func TestConcurrentCallsShareOneTokenRequest(t *testing.T) {
	g := &gatewayStub{delay: 50 * time.Millisecond}
	c := newStubClient(t, g, WithAppKey("k", "s"))
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := c.QueryAccessCodeList(context.Background(), AccessCodeQuery{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := g.issued.Load(); n != 1 {
		t.Fatalf("%d token requests for 20 concurrent calls", n)
	}
}

// flaky answers 503 (or drops the connection) fails times, then 200.
func flaky(fails int, drop bool, hits *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(hits.Add(1)) <= fails {
			if drop {
				conn, _, _ := http.NewResponseController(w).Hijack()
				conn.Close()
				return
			}
			w.WriteHeader(503)
			io.WriteString(w, `{"returnCode":"500","description":"down"}`)
			return
		}
		if strings.HasSuffix(r.URL.Path, "tokenByAkSk") {
			io.WriteString(w, `{"AccessToken":"t","Expires":"3600"}`)
			return
		}
		io.WriteString(w, `{"returnCode":"000","description":"success","tenantId":"trial-1","expiryDate":1}`)
	})
}

func TestSafeCallsAreRetried(t *testing.T) {
	for _, drop := range []bool{false, true} {
		var hits atomic.Int32
		c := newStubClient(t, flaky(2, drop, &hits))
		if _, err := c.TokenByAkSk(context.Background(), "k", "s", 0); err != nil {
			t.Fatalf("drop=%v: %v", drop, err)
		}
		if hits.Load() != 3 {
			t.Fatalf("drop=%v: %d tries, want 3", drop, hits.Load())
		}
		hits.Store(0)
		c = newStubClient(t, flaky(5, drop, &hits))
		if _, err := c.TokenByAkSk(context.Background(), "k", "s", 0); err == nil || hits.Load() != 3 {
			t.Fatalf("drop=%v: %v after %d tries, want a failure after 3", drop, err, hits.Load())
		}
	}
}

func TestUnsafeCallsAreSentOnce(t *testing.T) {
	var hits atomic.Int32
	// The first hit is the token request, the second applyTenant.
	c := newStubClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "tokenByAkSk") {
			io.WriteString(w, `{"AccessToken":"t","Expires":"3600"}`)
			return
		}
		hits.Add(1)
		w.WriteHeader(502)
		io.WriteString(w, `{"error_code":"APIG.0202","error_msg":"Backend unavailable.","request_id":"x"}`)
	}), WithAppKey("k", "s"))
	_, err := c.ApplyTenant(context.Background(), TrialApplication{})
	if !IsCode(err, "APIG.0202") || hits.Load() != 1 {
		t.Fatalf("applyTenant: %v after %d tries, want APIG.0202 after 1", err, hits.Load())
	}
}

func TestContextEndsRetries(t *testing.T) {
	var hits atomic.Int32
	c := newStubClient(t, flaky(100, false, &hits), WithRetry(Retry{Attempts: 100, Backoff: time.Hour, MaxBackoff: time.Hour}))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.TokenByAkSk(ctx, "k", "s", 0)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("%v after %s", err, time.Since(start))
	}
}

func TestErrorsOfEveryFamily(t *testing.T) {
	for _, tc := range []struct {
		status         int
		body, fallback string
		family         Family
		code, message  string
	}{
		{401, `{"error_code":"APIG.0301","error_msg":"Incorrect.","request_id":"abc"}`, "cc", FamilyGateway, "APIG.0301", "Incorrect."},
		{403, `{"error_code":"CBC.0151","error_msg":"Access denied."}`, "partner", FamilyPartner, "CBC.0151", "Access denied."},
		{200, `{"returnCode":4,"description":"The scenario does not exist."}`, "smartcare", FamilySmartCare, "4", "The scenario does not exist."},
		{200, `{"returnCode":"4","description":"As the page's table types it."}`, "smartcare", FamilySmartCare, "4", "As the page's table types it."},
		{400, `{"returnCode":"400","description":"offset: 101 is over the maximum of 100."}`, "cc", FamilyCC, "400", "offset: 101 is over the maximum of 100."},
		{400, `{"returnCode":"400","description":"Limit 100 is not from 1 to 99."}`, "oma", FamilyCC, "400", "Limit 100 is not from 1 to 99."},
		{401, "Unauthorized operation. Check whether related services are authorized.", "oma", FamilyOMA, "", "Unauthorized operation. Check whether related services are authorized."},
		{401, `{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`, "iam", FamilyIAM, "", "The username or password is wrong."},
		{404, `{"error":{"code":"not_found","message":"No such tenant.","request_id":"abc"}}`, "admin", FamilyAdmin, "not_found", "No such tenant."},
		{502, ``, "oma", FamilyOMA, "", "Bad Gateway"},
	} {
		e := parseError(&answer{status: tc.status, header: http.Header{"X-Request-Id": {"abc"}}, body: []byte(tc.body)}, Family(tc.fallback))
		if e.Family != tc.family || e.Code != tc.code || e.Message != tc.message || e.RequestID != "abc" || e.Status != tc.status {
			t.Errorf("%s: %+v", tc.body, e)
		}
		if !strings.Contains(e.Error(), fmt.Sprint(tc.status)) {
			t.Errorf("Error() = %q", e.Error())
		}
	}
}

// TestToleratesTheInconsistencies reads answers in the forms the vendor's
// pages disagree on (docs/compatibility.md).
func TestToleratesTheInconsistencies(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/rest/oma/softwareconsole/tenant/querytenantbasic", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Auth-Token") != "mall" {
			w.WriteHeader(401)
			return
		}
		// The page's header spelling, and the date as a string.
		w.Header().Set("Content-Type", "application/json%3Bcharset=UTF-8")
		io.WriteString(w, `{"mobilePhone":"153****0991","vdn":"150","createDate":"1681203525000","tenantSpaceStatus":"2"}`)
	})
	mux.HandleFunc("/apigovernance/api/oauth/tokenByAkSk", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"AccessToken":"t","ApplyType":"Bearer","CreateTime":1700000000,"Expires":3600}`)
	})
	mux.HandleFunc("/apiaccess/CC-Management/v1/smartcare/queryfaultyuser", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(b), `"queryFlag":"1"`) {
			io.WriteString(w, `{"returnCode":101,"description":"queryFlag"}`)
			return
		}
		// The table's String, without data or ttid.
		io.WriteString(w, `{"returnCode":"1","description":"Query succeeded. No data is found in the query result."}`)
	})
	c := newStubClient(t, mux, WithMallToken("mall"), WithAppKey("k", "s"))
	ctx := context.Background()
	tb, err := c.QueryTenantBasic(ctx)
	if err != nil || tb.CreateDate != 1681203525000 || tb.CreateDate.Time().Year() != 2023 || tb.VDN != "150" {
		t.Fatalf("querytenantbasic: %+v %v", tb, err)
	}
	tok, err := c.TokenByAkSk(ctx, "k", "s", time.Minute)
	if err != nil || tok.CreateTime != "1700000000" || tok.Expires != "3600" {
		t.Fatalf("token with numbers: %+v %v", tok, err)
	}
	res, err := c.QueryFaultyUser(ctx, FaultyUserQuery{MSISDN: "6680512100869", FaultTime: "1", ComplaintScene: "1"})
	if err != nil || res.ReturnCode != ReturnNoData || res.Found() {
		t.Fatalf("queryfaultyuser: %+v %v", res, err)
	}
	c2 := newStubClient(t, mux, WithMallToken("wrong"))
	if _, err := c2.QueryTenantBasic(ctx); StatusOf(err) != 401 {
		t.Fatalf("wrong mall token: %v", err)
	}
	if _, err := c2.QueryAccessCodeList(ctx, AccessCodeQuery{}); !errors.Is(err, errNoCredentials) {
		t.Fatalf("a gateway call without an app key: %v", err)
	}
}

func TestNewRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "localhost:8080", "ftp://x", "http://"} {
		if _, err := New(u); err == nil {
			t.Errorf("New(%q) succeeded", u)
		}
	}
	if _, err := New("http://x", WithTokenLifetime(2*time.Hour)); err == nil {
		t.Error("a token lifetime over an hour was accepted")
	}
}
