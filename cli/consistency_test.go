package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/client"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/postgres"
	"github.com/aiccd/aiccd/tenant"
	"github.com/jackc/pgx/v5"
)

// The consistency suite: what a server keeps in memory never outlives a
// write made elsewhere by more than reflectWithin, measured under read
// load. Server A and server B share one database; B is read, and the
// writes are made by another handle on the database (the admin CLI, on
// SQLite, where another process is the usual writer) or through A's admin
// API (on PostgreSQL, where A and B are replicas).

// reflectWithin bounds how long after a write's commit the other server
// may still answer as before it.
const reflectWithin = 100 * time.Millisecond

const consistencyAdminToken = "consistency-admin-token-0123"

// cluster is two servers on one database.
type cluster struct {
	t      *testing.T
	dsn    string
	a, b   string // base URLs
	admin  *client.Admin
	viaCLI bool         // writes through the admin CLI rather than A's admin API
	db     *database.DB // the test's own handle, to see when a write has committed
	http   *http.Client
}

func newCluster(t *testing.T, dsn string, viaCLI bool) *cluster {
	t.Helper()
	a, _, stopA := startServer(t, "--database", dsn, "--demo", "--admin-token", consistencyAdminToken)
	t.Cleanup(func() { stopA() })
	b, _, stopB := startServer(t, "--database", dsn, "--admin-token", consistencyAdminToken)
	t.Cleanup(func() { stopB() })
	c, err := client.New(a, client.WithAdminToken(consistencyAdminToken))
	if err != nil {
		t.Fatal(err)
	}
	return &cluster{t: t, dsn: dsn, a: a, b: b, admin: c.Admin(), viaCLI: viaCLI, db: dbtest.Open(t, dsn),
		http: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
}

// must takes a call's results and returns its value, failing the test
// given to it on the call's error: must(f())(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// call sends a request to base and returns the status and body.
func (c *cluster) call(base, method, path, body string, header map[string]string) (int, string) {
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		c.t.Error(err)
		return 0, ""
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// write makes a change through the admin CLI or A's admin API.
func (c *cluster) write(cliArgs []string, api func(ctx context.Context) error) func() {
	return func() {
		c.t.Helper()
		if c.viaCLI {
			if _, stderr, err := runCLI(c.t, c.dsn, append([]string{"admin"}, cliArgs...)...); err != nil {
				c.t.Fatalf("aiccd admin %s: %v\n%s", strings.Join(cliArgs, " "), err, stderr)
			}
			return
		}
		if err := api(context.Background()); err != nil {
			c.t.Fatal(err)
		}
	}
}

// gatewayToken obtains a Bearer token of an app key from server A.
func (c *cluster) gatewayToken(key, secret string) string {
	c.t.Helper()
	code, body := c.call(c.a, "POST", "/apigovernance/api/oauth/tokenByAkSk", fmt.Sprintf(`{"app_key":%q,"app_secret":%q}`, key, secret), nil)
	_, rest, ok := strings.Cut(body, `"AccessToken":"`)
	token, _, _ := strings.Cut(rest, `"`)
	if code != 200 || !ok {
		c.t.Fatalf("tokenByAkSk: %d %s", code, body)
	}
	return token
}

// sample is one answer of server B under load.
type sample struct {
	start   time.Time
	changed bool
}

// expectReflected loads server B with probe from four clients, makes the
// write, and fails unless every request B received from reflectWithin
// after the write's commit on was answered as after it. probe reports
// whether an answer reflects the write, and fails the test on an answer
// that is neither the old one nor the new. committed reads the database
// directly; the commit is taken to be when it first reports the write,
// polled every millisecond, or when the write returned, whichever came
// first.
func (c *cluster) expectReflected(what string, probe func() bool, committed func(ctx context.Context) bool, write func()) {
	c.t.Helper()
	ctx := context.Background()
	if probe() || committed(ctx) {
		c.t.Fatalf("%s: server B or the database shows the write before it was made", what)
	}
	var (
		mu      sync.Mutex
		samples []sample
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				changed := probe()
				mu.Lock()
				samples = append(samples, sample{start, changed})
				mu.Unlock()
			}
		})
	}
	time.Sleep(20 * time.Millisecond)
	seen := make(chan time.Time, 1)
	watching, stopWatching := context.WithCancel(ctx)
	go func() {
		for watching.Err() == nil {
			if committed(watching) {
				seen <- time.Now()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	write()
	from := time.Now()
	select {
	case at := <-seen:
		if at.Before(from) {
			from = at
		}
	case <-time.After(time.Second):
		c.t.Errorf("%s: the write is not in the database a second after it returned", what)
	}
	stopWatching()
	// Keep the load on until a few requests made reflectWithin after the
	// commit have been answered: under the race detector on a busy
	// machine one request may take a few hundred milliseconds.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		late := 0
		for _, s := range samples {
			if s.start.Sub(from) >= reflectWithin {
				late++
			}
		}
		mu.Unlock()
		if late >= 8 {
			break
		}
	}
	close(stop)
	wg.Wait()

	lastStale, firstFresh := -time.Hour, time.Hour
	var after, staleAfter int
	for _, s := range samples {
		since := s.start.Sub(from)
		if s.changed {
			firstFresh = min(firstFresh, since)
		} else {
			lastStale = max(lastStale, since)
		}
		if since >= reflectWithin {
			after++
			if !s.changed {
				staleAfter++
			}
		}
	}
	if after == 0 {
		c.t.Fatalf("%s: no request of the load was answered %s after the write", what, reflectWithin)
	}
	if staleAfter > 0 {
		c.t.Errorf("%s: %d of %d requests made %s or more after the write's commit were answered as before it (the last %s after)",
			what, staleAfter, after, reflectWithin, lastStale.Round(time.Millisecond))
		return
	}
	c.t.Logf("%s: %d requests; relative to the commit, the last answered as before it was made at %s, the first as after it at %s",
		what, len(samples), lastStale.Round(100*time.Microsecond), firstFresh.Round(100*time.Microsecond))
}

// TestWritesReachTheOtherServer holds the change feed to its promise on
// each kind of cached entity: refused or reflected by the other server
// within reflectWithin of the write, under concurrent reads. Like every
// test bounded by the clock, it runs alone: the package's parallel tests
// start after it.
func TestWritesReachTheOtherServer(t *testing.T) {
	t.Run(string(database.SQLite), func(t *testing.T) {
		testWritesReachTheOtherServer(t, newCluster(t, dbtest.SQLiteURL(t), true))
	})
	t.Run(string(database.Postgres), func(t *testing.T) {
		testWritesReachTheOtherServer(t, newCluster(t, dbtest.PostgresURL(t), false))
	})
}

func testWritesReachTheOtherServer(t *testing.T, c *cluster) {
	ctx := context.Background()
	admin, db := c.admin, c.db
	status := func(base, token string) (int, string) {
		return c.call(base, "GET", "/rest/oma/softwareconsole/tenant/querytenantbasic", "", map[string]string{"X-Auth-Token": token})
	}
	gateway := func(token, appKey string) int {
		code, _ := c.call(c.b, "POST", "/apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList",
			`{"accessCode":"9911411"}`, map[string]string{"Authorization": "Bearer " + token, "X-APP-Key": appKey})
		return code
	}
	// refused is a probe of a credential that the write revokes: 401, or
	// 429 once the refusals of a signature lock its AK out.
	refused := func(what string, code int) bool {
		if code != 200 && code != 401 && code != 429 {
			t.Errorf("%s: server B answered %d", what, code)
		}
		return code != 200
	}

	// A suspended tenant.
	must(admin.CreateTenant(ctx, client.TenantDraft{ID: "cons-suspend", Name: "suspend"}))(t)
	mall := must(admin.IssueMallToken(ctx, "cons-suspend", time.Hour))(t)
	suspended := "3"
	c.expectReflected("tenant suspended", func() bool {
		code, body := status(c.b, mall.Token)
		if code == 401 {
			return true // a suspended tenant may be refused outright
		}
		if code != 200 {
			t.Errorf("querytenantbasic: %d %s", code, body)
		}
		return strings.Contains(body, `"tenantSpaceStatus":"3"`)
	}, func(ctx context.Context) bool {
		tn, err := db.Tenants.Get(ctx, "cons-suspend")
		return err == nil && tn.Status == tenant.StatusSuspended
	}, c.write([]string{"tenant", "update", "cons-suspend", "--status", "suspended"}, func(ctx context.Context) error {
		_, err := admin.UpdateTenant(ctx, "cons-suspend", client.TenantPatch{SpaceStatus: &suspended})
		return err
	}))

	// A disabled app key, and a rotated one.
	for _, how := range []string{"disable", "rotate"} {
		k := must(admin.CreateAppKey(ctx, demo.TenantID, "cons-"+how))(t)
		token := c.gatewayToken(k.AppKey, k.AppSecret)
		stored := must(db.Credentials.AppKey(ctx, k.AppKey))(t)
		c.expectReflected("app key "+how+"d", func() bool {
			return refused("app key "+how, gateway(token, k.AppKey))
		}, func(ctx context.Context) bool {
			now, err := db.Credentials.AppKey(ctx, k.AppKey)
			return err == nil && (!now.Enabled || !bytes.Equal(now.SecretHash, stored.SecretHash))
		}, c.write([]string{"appkey", how, k.AppKey}, func(ctx context.Context) error {
			var err error
			if how == "disable" {
				_, err = admin.SetAppKeyEnabled(ctx, k.AppKey, false)
			} else {
				_, err = admin.RotateAppKey(ctx, k.AppKey)
			}
			return err
		}))
	}

	// A revoked mall token.
	revoked := must(admin.IssueMallToken(ctx, demo.TenantID, time.Hour))(t)
	hash := sha256.Sum256([]byte(revoked.Token))
	c.expectReflected("mall token revoked", func() bool {
		code, _ := status(c.b, revoked.Token)
		return refused("mall token", code)
	}, func(ctx context.Context) bool {
		tok, err := db.Credentials.Token(ctx, hash[:])
		return err == nil && tok.RevokedAt != nil
	}, c.write([]string{"malltoken", "revoke", "--tenant", demo.TenantID, revoked.ID}, func(ctx context.Context) error {
		return admin.RevokeMallToken(ctx, demo.TenantID, revoked.ID)
	}))

	// A disabled IAM user, and a disabled AK.
	must(admin.CreateAccount(ctx, "cons-partner", "cons-partner", true))(t)
	must(admin.CreateIAMUser(ctx, "cons-partner", "cons-user", "Cons-pass-0123"))(t)
	ak := must(admin.CreateAccessKey(ctx, "cons-partner", "consistency"))(t)
	iamToken := c.iamToken("cons-partner", "cons-user", "Cons-pass-0123")
	checkUser := `{"searchType":"mobile","searchKey":"0086-13700000000"}`
	// A customer created: checks of its mobile number and e-mail address,
	// answered from memory, see it. Customers are created by partners'
	// imports and the admin CLI, which write the database directly.
	checked := func(body string) bool {
		code, resp := c.call(c.b, "POST", "/v1.0/cons-partner/partner/customer-mgr/check-user", body, map[string]string{"X-Auth-Token": iamToken})
		if code != 200 {
			t.Errorf("check-user: %d %s", code, resp)
		}
		return strings.Contains(resp, `"status":"1"`)
	}
	customerCreated := func(ctx context.Context) bool {
		_, err := db.Customers.GetByName(ctx, "cons-customer")
		return err == nil
	}
	createCustomer := func() {
		if _, stderr, err := runCLI(t, c.dsn, "admin", "customer", "create", "--partner", "cons-partner", "--name", "cons-customer",
			"--mobile", "0086-13912345678", "--email", "cons-customer@example.com"); err != nil {
			t.Fatalf("aiccd admin customer create: %v\n%s", err, stderr)
		}
	}
	c.expectReflected("customer created: its mobile number", func() bool {
		return checked(`{"searchType":"mobile","searchKey":"0086-13912345678"}`)
	}, customerCreated, createCustomer)
	emailCheck := `{"searchType":"email","searchKey":"cons-customer@example.com"}`
	if !checked(emailCheck) {
		t.Error("check-user: the created customer's e-mail address is free on server B")
	}
	c.expectReflected("customer deleted: its e-mail address", func() bool { return !checked(emailCheck) }, func(ctx context.Context) bool {
		return !customerCreated(ctx)
	}, func() {
		if _, stderr, err := runCLI(t, c.dsn, "admin", "customer", "delete", "cons-customer"); err != nil {
			t.Fatalf("aiccd admin customer delete: %v\n%s", err, stderr)
		}
	})

	c.expectReflected("IAM user disabled", func() bool {
		code, _ := c.call(c.b, "POST", "/v1.0/cons-partner/partner/customer-mgr/check-user", checkUser, map[string]string{"X-Auth-Token": iamToken})
		return refused("IAM token", code)
	}, func(ctx context.Context) bool {
		u, err := db.Credentials.IAMUserByName(ctx, "cons-partner", "cons-user")
		return err == nil && !u.Enabled
	}, c.write([]string{"iamuser", "update", "cons-user", "--account", "cons-partner", "--enabled=false"}, func(ctx context.Context) error {
		_, err := admin.UpdateIAMUser(ctx, "cons-partner", "cons-user", false, "")
		return err
	}))
	signed := c.signed(c.b, "/v1.0/cons-partner/partner/customer-mgr/check-user", checkUser, ak.AK, ak.SK)
	c.expectReflected("AK disabled", func() bool {
		code, _ := c.call(c.b, "POST", "/v1.0/cons-partner/partner/customer-mgr/check-user", checkUser, signed)
		return refused("AK/SK", code)
	}, func(ctx context.Context) bool {
		k, err := db.Credentials.AccessKey(ctx, ak.AK)
		return err == nil && !k.Enabled
	}, c.write([]string{"aksk", "disable", ak.AK}, func(ctx context.Context) error {
		_, err := admin.SetAccessKeyEnabled(ctx, ak.AK, false)
		return err
	}))

	// A changed SmartCare rule: the subscriber's fault no longer explains
	// the complaint.
	now := time.Now().UTC().Truncate(time.Second)
	must(admin.CreateTenant(ctx, client.TenantDraft{ID: "cons-sc", Name: "smartcare"}))(t)
	must(admin.CreateScene(ctx, "cons-sc", "1", "data", "DATA"))(t)
	rule := must(admin.CreateRule(ctx, "cons-sc", client.RuleInput{CCMSceneCode: "DATA", ReflectionRule: "CELL=1", ActiveFrom: now.Add(-2 * time.Hour)}))(t)
	ruleID := must(strconv.ParseInt(rule.ID, 10, 64))(t)
	must(admin.IngestRecords(ctx, "cons-sc", []client.Record{{MSISDN: "6680512100869", EventTime: now.Add(-time.Hour),
		CCMSceneCode: "DATA", Dimensions: map[string]string{"CELL": "1"}}}))(t)
	scKey := must(admin.CreateAppKey(ctx, "cons-sc", "smartcare"))(t)
	scToken := c.gatewayToken(scKey.AppKey, scKey.AppSecret)
	query := fmt.Sprintf(`{"msisdn":"6680512100869","faultTime":"%d","complaintScene":"1","backtraceDuration":"7200","sessionID":"1","queryFlag":"1"}`,
		now.Add(-30*time.Minute).UnixMilli())
	// found is B's answer to query: a mass fault explains the
	// subscriber's records (0) or none does (1).
	found := func() bool {
		code, body := c.call(c.b, "POST", "/apiaccess/CC-Management/v1/smartcare/queryfaultyuser", query,
			map[string]string{"Authorization": "Bearer " + scToken, "X-APP-Key": scKey.AppKey})
		if code != 200 || !strings.Contains(body, `"returnCode":0`) && !strings.Contains(body, `"returnCode":1`) {
			t.Errorf("queryfaultyuser: %d %s", code, body)
		}
		return strings.Contains(body, `"returnCode":0`)
	}
	other := "CELL=2"
	c.expectReflected("SmartCare rule changed", func() bool { return !found() }, func(ctx context.Context) bool {
		r, err := db.SmartCare.GetRule(ctx, "cons-sc", ruleID)
		return err == nil && r.Rule.String() == other
	}, c.write([]string{"smartcare", "rule", "update", rule.ID, "--tenant", "cons-sc", "--rule", other}, func(ctx context.Context) error {
		_, err := admin.UpdateRule(ctx, "cons-sc", rule.ID, client.RulePatch{ReflectionRule: &other})
		return err
	}))

	// New subscriber records: B holds the subscriber's records of the
	// window in memory (the query above asked for them), and an import
	// through another process or the admin API adds one the new rule
	// matches.
	c.expectReflected("subscriber records imported", found, func(ctx context.Context) bool {
		recs, err := db.SmartCare.Records(ctx, "cons-sc", "6680512100869", now.Add(-2*time.Hour), now, 10)
		return err == nil && len(recs) == 2
	}, func() {
		at := now.Add(-45 * time.Minute)
		if c.viaCLI {
			path := filepath.Join(t.TempDir(), "records.ndjson")
			line := fmt.Sprintf(`{"msisdn":"6680512100869","eventTime":%d,"ccmSceneCode":"DATA","dimensions":{"CELL":"2"}}`+"\n", at.UnixMilli())
			if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, stderr, err := runCLI(t, c.dsn, "import", "records", "--tenant", "cons-sc", path); err != nil {
				t.Fatalf("aiccd import records: %v\n%s", err, stderr)
			}
			return
		}
		must(admin.IngestRecords(ctx, "cons-sc", []client.Record{{MSISDN: "6680512100869", EventTime: at,
			CCMSceneCode: "DATA", Dimensions: map[string]string{"CELL": "2"}}}))(t)
	})

	// A deleted access code: the tenant's codes are searched in memory.
	must(admin.CreateTenant(ctx, client.TenantDraft{ID: "cons-codes", Name: "codes"}))(t)
	codeKey := must(admin.CreateAppKey(ctx, "cons-codes", "codes"))(t)
	codeToken := c.gatewayToken(codeKey.AppKey, codeKey.AppSecret)
	code := must(admin.AddAccessCode(ctx, "cons-codes", client.AccessCodeDraft{AccessCode: "5550001", MediaType: 5, CallAttr: 3}))(t)
	codeID := must(strconv.ParseInt(code.ID, 10, 64))(t)
	c.expectReflected("access code deleted", func() bool {
		status, body := c.call(c.b, "POST", "/apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList",
			`{"accessCode":"5550001"}`, map[string]string{"Authorization": "Bearer " + codeToken, "X-APP-Key": codeKey.AppKey})
		switch {
		case status == 200 && strings.Contains(body, `"total":1`):
			return false
		case status == 200 && strings.Contains(body, `"total":0`):
			return true
		}
		t.Errorf("queryAccessCodeList: %d %s", status, body)
		return false
	}, func(ctx context.Context) bool {
		_, err := db.AccessCodes.Get(ctx, "cons-codes", codeID)
		return errors.Is(err, aiccd.ErrNotFound)
	}, c.write([]string{"accesscode", "delete", code.ID, "--tenant", "cons-codes"}, func(ctx context.Context) error {
		return admin.DeleteAccessCode(ctx, "cons-codes", code.ID)
	}))

	// A new fault rule.
	must(admin.CreateTenant(ctx, client.TenantDraft{ID: "cons-fault", Name: "fault"}))(t)
	fKey := must(admin.CreateAppKey(ctx, "cons-fault", "fault"))(t)
	fToken := c.gatewayToken(fKey.AppKey, fKey.AppSecret)
	c.expectReflected("fault rule added", func() bool {
		code := gateway(fToken, fKey.AppKey)
		if code != 200 && code != 503 {
			t.Errorf("fault probe: %d", code)
		}
		return code == 503
	}, func(ctx context.Context) bool {
		fs, err := db.Faults.Faults(ctx)
		return err == nil && slices.ContainsFunc(fs, func(f fault.Fault) bool { return f.TenantID == "cons-fault" })
	}, c.write([]string{"fault", "add", "--tenant", "cons-fault", "--status", "503", "--count", "-1"}, func(ctx context.Context) error {
		_, err := admin.CreateFault(ctx, client.Fault{TenantID: "cons-fault", Status: 503, Remaining: -1})
		return err
	}))
}

// iamToken obtains an IAM token from server A.
func (c *cluster) iamToken(domain, user, password string) string {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.a+"/v3/auth/tokens", strings.NewReader(fmt.Sprintf(
		`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},"scope":{"domain":{"name":%q}}}}`,
		user, password, domain, domain)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	token := resp.Header.Get("X-Subject-Token")
	if resp.StatusCode != 201 || token == "" {
		c.t.Fatalf("IAM token: %d", resp.StatusCode)
	}
	return token
}

// signed returns the headers of a POST of body to base+path signed with
// an AK/SK pair; the signature may be replayed while X-Sdk-Date is
// recent.
func (c *cluster) signed(base, path, body, ak, sk string) map[string]string {
	c.t.Helper()
	req, _ := http.NewRequest("POST", base+path, bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	if err := (&client.Signer{AK: ak, SK: sk}).Sign(req, []byte(body), time.Now()); err != nil {
		c.t.Fatal(err)
	}
	return map[string]string{"X-Sdk-Date": req.Header.Get("X-Sdk-Date"), "Authorization": req.Header.Get("Authorization")}
}

// TestFeedLossServesNothingStale kills every LISTEN connection of the
// database's change feed while a server is read under load, and changes a
// tenant at once, before the feeds can have resubscribed: the change must
// be reflected within reflectWithin all the same (the read models read
// through while their feed is down, and start empty when it is back,
// although the notification of the change was never delivered), and the
// next change after the feeds are back too.
func TestFeedLossServesNothingStale(t *testing.T) {
	dsn := dbtest.PostgresURL(t)
	c := newCluster(t, dsn, false)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	feeds := func() []int {
		rows, _ := conn.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
			postgres.FeedApplicationName)
		pids, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			t.Fatal(err)
		}
		return pids
	}
	// Each server subscribes as it starts, not before it answers.
	before := feeds()
	for wait := time.Now().Add(10 * time.Second); len(before) != 2 && time.Now().Before(wait); before = feeds() {
		time.Sleep(10 * time.Millisecond)
	}
	if len(before) != 2 {
		t.Fatalf("%d LISTEN connections, want one per server", len(before))
	}

	must(c.admin.CreateTenant(ctx, client.TenantDraft{ID: "cons-loss", Name: "loss"}))(t)
	mall := must(c.admin.IssueMallToken(ctx, "cons-loss", time.Hour))(t)
	inStatus := func(want string) func() bool {
		return func() bool {
			code, body := c.call(c.b, "GET", "/rest/oma/softwareconsole/tenant/querytenantbasic", "", map[string]string{"X-Auth-Token": mall.Token})
			if code == 401 {
				return want != "2" // a tenant not in service may be refused outright
			}
			return strings.Contains(body, `"tenantSpaceStatus":"`+want+`"`)
		}
	}
	setStatus := func(status string) func() {
		return func() { must(c.admin.UpdateTenant(ctx, "cons-loss", client.TenantPatch{SpaceStatus: &status}))(t) }
	}
	stored := func(status tenant.SpaceStatus) func(context.Context) bool {
		return func(ctx context.Context) bool {
			tn, err := c.db.Tenants.Get(ctx, "cons-loss")
			return err == nil && tn.Status == status
		}
	}
	c.expectReflected("tenant suspended while the feeds are down", inStatus("3"), stored(tenant.StatusSuspended), func() {
		for _, pid := range before {
			if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
				t.Fatal(err)
			}
		}
		setStatus("3")()
	})

	deadline := time.Now().Add(10 * time.Second)
	for {
		after := feeds()
		if len(after) == 2 && !slices.ContainsFunc(after, func(pid int) bool { return slices.Contains(before, pid) }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the feeds did not resubscribe: LISTEN connections %v, before %v", after, before)
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, metrics := c.call(c.b, "GET", "/metrics", "", nil)
	if !strings.Contains(metrics, "aiccd_changefeed_breaks_total 1") {
		t.Errorf("server B's metrics do not count the break:\n%s", grepLines(metrics, "aiccd_changefeed"))
	}
	c.expectReflected("tenant reactivated after the feeds are back", inStatus("2"), stored(tenant.StatusActive), setStatus("2"))
}

func grepLines(s, substr string) string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
