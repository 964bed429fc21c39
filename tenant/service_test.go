package tenant_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/masterkey"
	"github.com/aiccd/aiccd/tenant"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

type counter struct{ n atomic.Int64 }

func (c *counter) NextID() int64 { return 1000 + c.n.Add(1) }

var (
	testKey, _  = masterkey.New(bytes.Repeat([]byte{7}, masterkey.Size))
	otherKey, _ = masterkey.New(bytes.Repeat([]byte{8}, masterkey.Size))
)

type fixture struct {
	svc   *tenant.Service
	store tenant.Store
	clock *clock
}

// engines runs fn with a service over a fresh database of each engine;
// demo, when true, puts the service in demo mode.
func engines(t *testing.T, fn func(t *testing.T, f fixture), demo ...bool) {
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		db := dbtest.Open(t, dsn)
		c := &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
		svc := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: c, Keys: testKey, IDs: &counter{}, Demo: len(demo) > 0 && demo[0]})
		fn(t, fixture{svc: svc, store: db.Tenants, clock: c})
	})
}

var huawei = tenant.Profile{Company: "Huawei Tech Corp", ContactName: "zhaolei", Email: "sunkai@huawei.com", Mobile: "15312340991"}

func TestProfileIsSealedAndOpened(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		created, err := f.svc.CreateFrom(ctx, tenant.Draft{ID: "acme", Name: "Acme", VDN: "150", Profile: huawei})
		if err != nil {
			t.Fatal(err)
		}
		if created.Kind != tenant.KindFormal || created.Status != tenant.StatusActive || !created.CreatedAt.Equal(f.clock.Now()) {
			t.Fatalf("defaults: %+v", created)
		}
		stored, err := f.store.Get(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{huawei.Company, huawei.ContactName, huawei.Email, huawei.Mobile} {
			if bytes.Contains(stored.SealedProfile, []byte(v)) || bytes.Contains(stored.MobileIndex, []byte(v)) {
				t.Fatalf("%q is stored in the clear", v)
			}
		}
		got, err := f.svc.Get(ctx, "acme")
		if err != nil || got.Profile != huawei {
			t.Fatalf("Get = %+v, %v", got.Profile, err)
		}
		list, err := f.svc.List(ctx)
		if err != nil || len(list) != 1 || !list[0].Profile.IsZero() || list[0].HasProfile() {
			t.Fatalf("List must not open profiles: %+v, %v", list, err)
		}
		// Another master key, or the sealed profile moved to another
		// tenant, does not open.
		other := tenant.NewService(tenant.Options{Store: f.store, Clock: f.clock, Keys: otherKey})
		if _, err := other.Get(ctx, "acme"); aiccd.KindOf(err) != aiccd.KindInternal {
			t.Fatalf("Get with another key: %v", err)
		}
		if _, err := f.svc.CreateFrom(ctx, tenant.Draft{ID: "moved"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.Update(ctx, "moved", func(moved tenant.Tenant) (tenant.Tenant, error) {
			moved.SealedProfile = stored.SealedProfile
			return moved, nil
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Get(ctx, "moved"); aiccd.KindOf(err) != aiccd.KindInternal {
			t.Fatalf("a profile sealed for acme opened as moved's: %v", err)
		}
		// Without keys there is no profile to store.
		nokeys := tenant.NewService(tenant.Options{Store: f.store, Clock: f.clock})
		if _, err := nokeys.CreateFrom(ctx, tenant.Draft{ID: "x", Profile: huawei}); aiccd.KindOf(err) != aiccd.KindInternal {
			t.Fatalf("profile without keys: %v", err)
		}
		if _, err := nokeys.Create(ctx, "plain", "Plain"); err != nil {
			t.Fatalf("a tenant without a profile needs no keys: %v", err)
		}
	})
}

func TestPersonalDataIsNeverPrinted(t *testing.T) {
	t.Parallel()
	tn := tenant.Tenant{ID: "acme", Profile: huawei}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("tenant", "tenant", tn, "profile", huawei)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("tenant", "tenant", tn, "profile", huawei)
	out := fmt.Sprintf("%v %+v %#v %s", tn, tn, huawei, huawei) + logged.String()
	for _, v := range []string{huawei.Company, huawei.ContactName, huawei.Email, huawei.Mobile} {
		if strings.Contains(out, v) {
			t.Fatalf("%q printed:\n%s", v, out)
		}
	}
}

func TestPrepareRefusals(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	svc := tenant.NewService(tenant.Options{Clock: c, Keys: testKey})
	secret := "do-not-echo-me"
	for _, tc := range []struct {
		name string
		d    tenant.Draft
		code string
		want string
	}{
		{"bad ID", tenant.Draft{ID: "Bad ID"}, "", "tenant ID"},
		{"bad kind", tenant.Draft{ID: "a", Kind: "gold"}, "", "neither formal nor trial"},
		{"trial status for a formal tenant", tenant.Draft{ID: "a", Status: tenant.StatusTrial}, "", "formal tenant cannot be in space status 5"},
		{"formal status for a trial", tenant.Draft{ID: "a", Kind: tenant.KindTrial, Status: tenant.StatusActive}, "", "trial tenant cannot"},
		{"formal with an expiry", tenant.Draft{ID: "a", TrialExpiresAt: c.now}, "", "formal tenant has no trial expiry"},
		{"trial expiring before creation", tenant.Draft{ID: "a", Kind: tenant.KindTrial, CreatedAt: c.now, TrialExpiresAt: c.now.Add(-time.Hour)}, "", "cannot expire before"},
		{"vdn", tenant.Draft{ID: "a", VDN: "15a"}, "", "vdn"},
		{"created after 9999", tenant.Draft{ID: "a", CreatedAt: time.UnixMilli(1 << 62)}, "", "outside the years 1970 to 9999"},
		{"portal", tenant.Draft{ID: "a", PortalURL: "ftp://x"}, "", "portal URL"},
		{"email", tenant.Draft{ID: "a", Profile: tenant.Profile{Email: secret}}, tenant.CodeInvalidEmail, "email"},
		{"mobile", tenant.Draft{ID: "a", Profile: tenant.Profile{Mobile: secret}}, tenant.CodeInvalidMobile, "mobile"},
		{"company", tenant.Draft{ID: "a", Profile: tenant.Profile{Company: secret + strings.Repeat("x", 200)}}, tenant.CodeInvalidCompany, "longer than 128"},
		{"contact", tenant.Draft{ID: "a", Profile: tenant.Profile{ContactName: secret + "\x00"}}, tenant.CodeInvalidContact, "control character"},
	} {
		_, err := svc.Prepare(tc.d)
		if aiccd.KindOf(err) != aiccd.KindInvalid || aiccd.CodeOf(err) != tc.code || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v (code %q), want %q", tc.name, err, aiccd.CodeOf(err), tc.want)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the message %q shows the value", tc.name, err)
		}
	}
	// Normalisation: trimmed, spaces and dashes out of the mobile number.
	got, err := svc.Prepare(tenant.Draft{ID: "a", Profile: tenant.Profile{Company: " 华为 ", Mobile: "153-1234 0991", Email: " a@b.cn "}})
	if err != nil || got.Profile != (tenant.Profile{Company: "华为", Mobile: "15312340991", Email: "a@b.cn"}) {
		t.Fatalf("normalised %+v, %v", got.Profile, err)
	}
}

func TestValidEmail(t *testing.T) {
	t.Parallel()
	for e, want := range map[string]bool{
		"sunkai@huawei.com": true, "a.b+c@x.y.cn": true, "用户@例子.中国": true, "a@b-c.com": true,
		"": false, "a": false, "@x.com": false, "a@": false, "a@x": false, "a b@x.com": false, "a@x..com": false,
		"<a@x.com>": false, "Name <a@x.com>": false, ".a@x.com": false, "a..b@x.com": false, "a@-x.com": false,
		strings.Repeat("a", 65) + "@x.com": false,
	} {
		if got := tenant.ValidEmail(e); got != want {
			t.Errorf("ValidEmail(%q) = %v", e, got)
		}
	}
}

func TestTrialExpiresByTheClock(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		trial, err := f.svc.CreateFrom(ctx, tenant.Draft{ID: "tr", Kind: tenant.KindTrial, TrialExpiresAt: f.clock.Now().Add(time.Hour)})
		if err != nil || trial.Status != tenant.StatusTrial {
			t.Fatalf("%+v, %v", trial, err)
		}
		status := func() tenant.SpaceStatus {
			t.Helper()
			got, err := f.svc.Get(ctx, "tr")
			if err != nil {
				t.Fatal(err)
			}
			return got.Status
		}
		f.clock.Add(time.Hour - time.Millisecond)
		if s := status(); s != tenant.StatusTrial {
			t.Fatalf("before expiry: %s", s)
		}
		f.clock.Add(time.Millisecond)
		if s := status(); s != tenant.StatusTrialExpired {
			t.Fatalf("at expiry: %s", s)
		}
		if list, _ := f.svc.List(ctx); list[0].Status != tenant.StatusTrialExpired {
			t.Fatalf("List: %s", list[0].Status)
		}
		// Reopening it needs a later expiry.
		reopen := tenant.StatusTrial
		if _, err := f.svc.Update(ctx, "tr", tenant.Patch{Status: &reopen}); aiccd.KindOf(err) != aiccd.KindConflict {
			t.Fatalf("reopened without a later expiry: %v", err)
		}
		later := f.clock.Now().Add(24 * time.Hour)
		if got, err := f.svc.Update(ctx, "tr", tenant.Patch{TrialExpiresAt: &later}); err != nil || got.Status != tenant.StatusTrial {
			t.Fatalf("extended: %+v, %v", got, err)
		}
		// The frozen trial never expires by the clock; every other one does,
		// demo mode or not.
		if _, err := f.svc.CreateFrom(ctx, tenant.Draft{ID: "other", Kind: tenant.KindTrial, TrialExpiresAt: f.clock.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		frozen := tenant.NewService(tenant.Options{Store: f.store, Clock: f.clock, Keys: testKey, Demo: true, FrozenTrial: "tr"})
		f.clock.Add(48 * time.Hour)
		if got, _ := frozen.Get(ctx, "tr"); got.Status != tenant.StatusTrial {
			t.Fatalf("the frozen trial: %s", got.Status)
		}
		if got, _ := frozen.Get(ctx, "other"); got.Status != tenant.StatusTrialExpired {
			t.Fatalf("another trial beside the frozen one: %s", got.Status)
		}
		if list, _ := frozen.List(ctx); list[0].Status != tenant.StatusTrialExpired || list[1].Status != tenant.StatusTrial {
			t.Fatalf("List beside the frozen trial: %s, %s", list[0].Status, list[1].Status)
		}
		if _, err := frozen.Update(ctx, "other", tenant.Patch{Status: &reopen}); aiccd.KindOf(err) != aiccd.KindConflict {
			t.Fatalf("reopened another trial past its expiry beside the frozen one: %v", err)
		}
		if s := status(); s != tenant.StatusTrialExpired {
			t.Fatalf("after the extension ran out: %s", s)
		}
	})
}

// TestCheckInService admits formal tenants in service and trials within
// their period, and refuses every other status, a trial the clock expired
// and a missing tenant, with one Unauthorized answer.
func TestCheckInService(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		expires := f.clock.Now().Add(time.Hour)
		for _, d := range []tenant.Draft{
			{ID: "creating", Status: tenant.StatusCreating},
			{ID: "active", Status: tenant.StatusActive, Profile: huawei},
			{ID: "suspended", Status: tenant.StatusSuspended},
			{ID: "released", Status: tenant.StatusReleased},
			{ID: "trial", Kind: tenant.KindTrial, TrialExpiresAt: expires},
			{ID: "frozen", Kind: tenant.KindTrial, TrialExpiresAt: expires},
			{ID: "expired", Kind: tenant.KindTrial, Status: tenant.StatusTrialExpired, TrialExpiresAt: expires},
			{ID: "released-trial", Kind: tenant.KindTrial, Status: tenant.StatusReleased, TrialExpiresAt: expires},
		} {
			if _, err := f.svc.CreateFrom(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.Add(time.Hour)
		// A service with another master key reads no profile: the check
		// opens none.
		svc := tenant.NewService(tenant.Options{Store: f.store, Clock: f.clock, Keys: otherKey, FrozenTrial: "frozen"})
		for id, admitted := range map[string]bool{
			"creating": false, "active": true, "suspended": false, "released": false, "trial": false,
			"frozen": true, "expired": false, "released-trial": false, "nobody": false,
		} {
			err := svc.CheckInService(ctx, id)
			if admitted && err != nil || !admitted && (aiccd.KindOf(err) != aiccd.KindUnauthorized || aiccd.CodeOf(err) != tenant.CodeNotInService) {
				t.Errorf("CheckInService(%s) = %v", id, err)
			}
		}
		// The trial ran out by the clock; extended, it is back in service.
		later := f.clock.Now().Add(time.Hour)
		if _, err := svc.Update(ctx, "trial", tenant.Patch{TrialExpiresAt: &later}); err != nil {
			t.Fatal(err)
		}
		if err := svc.CheckInService(ctx, "trial"); err != nil {
			t.Fatalf("an extended trial: %v", err)
		}
	})
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		if _, err := f.svc.CreateFrom(ctx, tenant.Draft{ID: "formal", Profile: huawei}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateFrom(ctx, tenant.Draft{ID: "trial", Kind: tenant.KindTrial}); err != nil {
			t.Fatal(err)
		}
		st := func(s tenant.SpaceStatus) *tenant.SpaceStatus { return &s }
		str := func(s string) *string { return &s }

		// Formal: 2 -> 3 -> 2 -> 4, and 4 is final.
		for _, step := range []struct {
			to tenant.SpaceStatus
			ok bool
		}{{tenant.StatusSuspended, true}, {tenant.StatusCreating, false}, {tenant.StatusActive, true},
			{tenant.StatusTrial, false}, {tenant.StatusReleased, true}, {tenant.StatusActive, false}} {
			_, err := f.svc.Update(ctx, "formal", tenant.Patch{Status: st(step.to)})
			if (err == nil) != step.ok {
				t.Fatalf("formal to %s: %v", step.to, err)
			}
		}
		// A profile field changes alone; the others stay.
		got, err := f.svc.Update(ctx, "formal", tenant.Patch{Mobile: str("13212347077"), Name: str("Huawei")})
		want := huawei
		want.Mobile = "13212347077"
		if err != nil || got.Profile != want || got.Name != "Huawei" {
			t.Fatalf("Update: %+v %+v, %v", got, got.Profile, err)
		}
		if reread, _ := f.svc.Get(ctx, "formal"); reread.Profile != want {
			t.Fatalf("stored profile %+v", reread.Profile)
		}
		if _, err := f.svc.Update(ctx, "formal", tenant.Patch{Email: str("not an address")}); aiccd.CodeOf(err) != tenant.CodeInvalidEmail {
			t.Fatalf("invalid email in an update: %v", err)
		}
		expiry := f.clock.Now()
		if _, err := f.svc.Update(ctx, "formal", tenant.Patch{TrialExpiresAt: &expiry}); aiccd.KindOf(err) != aiccd.KindInvalid {
			t.Fatalf("trial expiry of a formal tenant: %v", err)
		}
		if _, err := f.svc.Expire(ctx, "formal"); aiccd.KindOf(err) != aiccd.KindConflict {
			t.Fatalf("expire a formal tenant: %v", err)
		}
		if _, err := f.svc.Convert(ctx, "formal"); aiccd.KindOf(err) != aiccd.KindConflict {
			t.Fatalf("convert a formal tenant: %v", err)
		}

		// Trial: expire, then convert.
		f.clock.Add(time.Minute)
		exp, err := f.svc.Expire(ctx, "trial")
		if err != nil || exp.Status != tenant.StatusTrialExpired || !exp.TrialExpiresAt.Equal(f.clock.Now()) {
			t.Fatalf("Expire: %+v, %v", exp, err)
		}
		if again, err := f.svc.Expire(ctx, "trial"); err != nil || !again.TrialExpiresAt.Equal(exp.TrialExpiresAt) {
			t.Fatalf("Expire twice: %+v, %v", again, err)
		}
		conv, err := f.svc.Convert(ctx, "trial")
		if err != nil || conv.Kind != tenant.KindFormal || conv.Status != tenant.StatusActive || !conv.TrialExpiresAt.IsZero() {
			t.Fatalf("Convert: %+v, %v", conv, err)
		}
		if _, err := f.svc.Get(ctx, "nobody"); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Fatalf("Get(missing): %v", err)
		}
		if _, err := f.svc.Expire(ctx, "nobody"); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Fatalf("Expire(missing): %v", err)
		}

		// A tenant written to the store with an ID only reads as formal and
		// active, and can be changed.
		at := f.clock.Now()
		if err := f.store.Create(ctx, tenant.Tenant{ID: "bare", CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
		if got, err := f.svc.Update(ctx, "bare", tenant.Patch{Name: str("Bare")}); err != nil || got.Kind != tenant.KindFormal || got.Status != tenant.StatusActive {
			t.Fatalf("bare tenant: %+v, %v", got, err)
		}

		// A released trial cannot be converted.
		f.svc.CreateFrom(ctx, tenant.Draft{ID: "gone", Kind: tenant.KindTrial})
		if _, err := f.svc.Update(ctx, "gone", tenant.Patch{Status: st(tenant.StatusReleased)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Convert(ctx, "gone"); aiccd.KindOf(err) != aiccd.KindConflict {
			t.Fatalf("convert a released trial: %v", err)
		}
	})
}

func TestFillProfileNeverOverwrites(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		if _, err := f.svc.Create(ctx, "demo-trial", "Demo trial tenant"); err != nil {
			t.Fatal(err)
		}
		created := time.UnixMilli(1681203525000).UTC()
		d := tenant.Draft{ID: "demo-trial", Kind: tenant.KindTrial, Status: tenant.StatusTrial, VDN: "7", CreatedAt: created,
			TrialExpiresAt: time.UnixMilli(1684650886000), Profile: tenant.Profile{Mobile: "13212347077", Email: "wanfang@huawei.com"}}
		got, filled, err := f.svc.FillProfile(ctx, d)
		if err != nil || !filled || got.Kind != tenant.KindTrial || !got.CreatedAt.Equal(created) || got.Name != "Demo trial tenant" || got.VDN != "7" {
			t.Fatalf("FillProfile: %+v, %v, %v", got, filled, err)
		}
		// An integrator changes the e-mail address; filling again keeps it.
		other := "ops@example.com"
		if _, err := f.svc.Update(ctx, "demo-trial", tenant.Patch{Email: &other}); err != nil {
			t.Fatal(err)
		}
		got, filled, err = f.svc.FillProfile(ctx, d)
		if err != nil || filled || got.Profile.Email != other {
			t.Fatalf("second FillProfile: %+v, %v, %v", got.Profile, filled, err)
		}

		// A tenant an integrator suspended before any profile was set
		// keeps its kind and status; only the empty fields are filled.
		if _, err := f.svc.Create(ctx, "demo", "Demo"); err != nil {
			t.Fatal(err)
		}
		suspended := tenant.StatusSuspended
		if _, err := f.svc.Update(ctx, "demo", tenant.Patch{Status: &suspended}); err != nil {
			t.Fatal(err)
		}
		got, filled, err = f.svc.FillProfile(ctx, tenant.Draft{ID: "demo", VDN: "150", CreatedAt: created, Profile: huawei})
		if err != nil || !filled || got.Status != suspended || got.CreatedAt.Equal(created) || got.VDN != "150" || got.Profile != huawei {
			t.Fatalf("FillProfile of a changed tenant: %+v %+v, %v, %v", got, got.Profile, filled, err)
		}
	})
}

func TestResources(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		f.svc.Create(ctx, "acme", "")
		now := f.clock.Now()
		day := 24 * time.Hour
		for _, d := range []tenant.ResourceDraft{
			{Type: "agent", Spec: "voice-agent-standard", Quantity: 10, StartAt: now.Add(-10 * day), EndAt: now.Add(10 * day)},
			{Type: "agent", Quantity: 1, StartAt: now.Add(-10 * day), EndAt: now.Add(-day)},
			{Type: "call-minutes", Quantity: 1000, StartAt: now.Add(day), EndAt: now.Add(30 * day)},
		} {
			if _, err := f.svc.AddResource(ctx, "acme", d); err != nil {
				t.Fatal(err)
			}
		}
		rs, total, err := f.svc.Resources(ctx, "acme", tenant.ResourceQuery{})
		if err != nil || total != 3 || len(rs) != 3 {
			t.Fatalf("%+v %d %v", rs, total, err)
		}
		if rs[0].ID != "1001" || rs[0].Status != tenant.ResourceActive || rs[1].Status != tenant.ResourceExpired || rs[2].Status != tenant.ResourcePending {
			t.Fatalf("statuses: %+v", rs)
		}
		if err := f.svc.CancelResource(ctx, "acme", "1001"); err != nil {
			t.Fatal(err)
		}
		if rs, _, _ := f.svc.Resources(ctx, "acme", tenant.ResourceQuery{Limit: 1}); rs[0].Status != tenant.ResourceCancelled {
			t.Fatalf("after cancel: %+v", rs[0])
		}
		if err := f.svc.CancelResource(ctx, "acme", "1001"); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Fatalf("cancel twice: %v", err)
		}
		for _, tc := range []struct {
			name string
			d    tenant.ResourceDraft
		}{
			{"no type", tenant.ResourceDraft{Quantity: 1, StartAt: now, EndAt: now.Add(day)}},
			{"zero quantity", tenant.ResourceDraft{Type: "agent", StartAt: now, EndAt: now.Add(day)}},
			{"ends before it starts", tenant.ResourceDraft{Type: "agent", Quantity: 1, StartAt: now, EndAt: now}},
			{"no dates", tenant.ResourceDraft{Type: "agent", Quantity: 1}},
			{"bad ID", tenant.ResourceDraft{ID: "a b", Type: "agent", Quantity: 1, StartAt: now, EndAt: now.Add(day)}},
		} {
			if _, err := f.svc.AddResource(ctx, "acme", tc.d); aiccd.KindOf(err) != aiccd.KindInvalid {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if _, err := f.svc.AddResource(ctx, "nobody", tenant.ResourceDraft{Type: "agent", Quantity: 1, StartAt: now, EndAt: now.Add(day)}); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Fatalf("resource of a missing tenant: %v", err)
		}
		for _, q := range []tenant.ResourceQuery{{Limit: 100}, {Limit: -1}, {Offset: -1}, {From: now, To: now.Add(-time.Millisecond)}} {
			if _, _, err := f.svc.Resources(ctx, "acme", q); aiccd.KindOf(err) != aiccd.KindInvalid {
				t.Errorf("query %+v: %v", q, err)
			}
		}
	})
}

func TestApply(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		app := tenant.Application{Company: "Wanfang Software", Phone: "13212347077", Email: "wanfang@huawei.com"}
		code, expires, err := f.svc.IssueVerificationCode(ctx, "132-1234-7077", 0)
		if err != nil || len(code) != 6 || !expires.Equal(f.clock.Now().Add(tenant.DefaultVerificationTTL)) {
			t.Fatalf("IssueVerificationCode = %q, %v, %v", code, expires, err)
		}
		wrong := app
		wrong.VerifyCode = fmt.Sprintf("%06d", (atoi(code)+1)%1_000_000)
		if _, err := f.svc.Apply(ctx, wrong); aiccd.CodeOf(err) != tenant.CodeBadVerificationCode {
			t.Fatalf("wrong code: %v", err)
		}
		app.VerifyCode = code
		tr, err := f.svc.Apply(ctx, app)
		if err != nil {
			t.Fatal(err)
		}
		if tr.ID != "trial-1001" || tr.Kind != tenant.KindTrial || tr.Status != tenant.StatusTrial ||
			!tr.TrialExpiresAt.Equal(f.clock.Now().Add(tenant.DefaultTrialPeriod)) || tr.Profile.Company != "Wanfang Software" {
			t.Fatalf("applied: %+v %+v", tr, tr.Profile)
		}
		if _, err := f.svc.Apply(ctx, app); aiccd.CodeOf(err) != tenant.CodeBadVerificationCode {
			t.Fatalf("a code used twice: %v", err)
		}

		// Duplicates, each with a fresh code for the phone.
		withCode := func(a tenant.Application) tenant.Application {
			a.VerifyCode, _, _ = f.svc.IssueVerificationCode(ctx, a.Phone, time.Minute)
			return a
		}
		dupPhone := app
		dupPhone.Email = "other@huawei.com"
		if _, err := f.svc.Apply(ctx, withCode(dupPhone)); aiccd.CodeOf(err) != tenant.CodeMobileTaken {
			t.Fatalf("duplicate phone: %v", err)
		}
		dupEmail := app
		dupEmail.Phone, dupEmail.Email = "13800000000", "WANFANG@huawei.com"
		if _, err := f.svc.Apply(ctx, withCode(dupEmail)); aiccd.CodeOf(err) != tenant.CodeEmailTaken {
			t.Fatalf("duplicate email (in another case): %v", err)
		}

		for _, tc := range []struct {
			name string
			a    tenant.Application
			code string
		}{
			{"no company", tenant.Application{Phone: "13800000001", Email: "a@b.cn"}, tenant.CodeInvalidCompany},
			{"control character in company", tenant.Application{Company: "a\tb", Phone: "13800000001", Email: "a@b.cn"}, tenant.CodeInvalidCompany},
			{"no phone", tenant.Application{Company: "c", Email: "a@b.cn"}, tenant.CodeInvalidMobile},
			{"bad phone", tenant.Application{Company: "c", Phone: "call me", Email: "a@b.cn"}, tenant.CodeInvalidMobile},
			{"no email", tenant.Application{Company: "c", Phone: "13800000001"}, tenant.CodeInvalidEmail},
			{"bad email", tenant.Application{Company: "c", Phone: "13800000001", Email: "a@b"}, tenant.CodeInvalidEmail},
			{"demo code outside demo mode", tenant.Application{Company: "c", Phone: "13800000001", Email: "a@b.cn", VerifyCode: tenant.DemoVerificationCode}, tenant.CodeBadVerificationCode},
			{"malformed code", tenant.Application{Company: "c", Phone: "13800000001", Email: "a@b.cn", VerifyCode: "12345x"}, tenant.CodeBadVerificationCode},
		} {
			if _, err := f.svc.Apply(ctx, tc.a); aiccd.CodeOf(err) != tc.code {
				t.Errorf("%s: %v, want code %s", tc.name, err, tc.code)
			}
		}

		// Five wrong attempts use the code up; so does its expiry.
		a := withCode(tenant.Application{Company: "c", Phone: "13900000000", Email: "c@d.cn"})
		good := a.VerifyCode
		for range 5 {
			a.VerifyCode = fmt.Sprintf("%06d", (atoi(good)+7)%1_000_000)
			f.svc.Apply(ctx, a)
		}
		a.VerifyCode = good
		if _, err := f.svc.Apply(ctx, a); aiccd.CodeOf(err) != tenant.CodeBadVerificationCode {
			t.Fatalf("the code survived 5 wrong attempts: %v", err)
		}
		a = withCode(a)
		f.clock.Add(time.Minute)
		if _, err := f.svc.Apply(ctx, a); aiccd.CodeOf(err) != tenant.CodeBadVerificationCode {
			t.Fatalf("an expired code was accepted: %v", err)
		}
	})
}

func TestApplyInDemoMode(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, f fixture) {
		tr, err := f.svc.Apply(context.Background(), tenant.Application{Company: "演示公司", Phone: "+8613700000000", Email: "demo@example.cn", VerifyCode: tenant.DemoVerificationCode})
		if err != nil || tr.Profile.Mobile != "+8613700000000" {
			t.Fatalf("%+v, %v", tr, err)
		}
	}, true)
}

func TestApplyRaceCreatesOneTenant(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, f fixture) {
		var wg sync.WaitGroup
		var created atomic.Int32
		for i := range 8 {
			wg.Go(func() {
				_, err := f.svc.Apply(context.Background(), tenant.Application{Company: "c", Phone: "13600000000",
					Email: fmt.Sprintf("u%d@x.cn", i), VerifyCode: tenant.DemoVerificationCode})
				if err == nil {
					created.Add(1)
				} else if !errors.Is(err, tenant.ErrMobileTaken) {
					t.Errorf("apply: %v", err)
				}
			})
		}
		wg.Wait()
		if created.Load() != 1 {
			t.Fatalf("%d tenants created for one phone number", created.Load())
		}
	}, true)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
