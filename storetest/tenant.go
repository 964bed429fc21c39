package storetest

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/tenant"
)

func testTenants(t *testing.T, db *database.DB) {
	ctx := context.Background()
	s := db.Tenants
	at := time.Date(2023, 4, 11, 8, 58, 45, 0, time.UTC)

	if _, err := s.Get(ctx, "nobody"); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
	}
	want := tenant.Tenant{
		ID: "acme", Name: "Acme 股份", Kind: tenant.KindTrial, Status: tenant.StatusTrial, VDN: "150",
		PortalURL: "https://example.com/portal?a=1&b=2", TrialExpiresAt: at.Add(40 * 24 * time.Hour),
		SealedProfile: []byte("sealed"), MobileIndex: []byte{1, 2}, EmailIndex: []byte{3, 4},
		CreatedAt: at, UpdatedAt: at.Add(time.Second),
	}
	if err := s.Create(ctx, want); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, want); !errors.Is(err, aiccd.ErrConflict) || aiccd.KindOf(err) != aiccd.KindConflict {
		t.Fatalf("Create(duplicate) = %v, want ErrConflict", err)
	}
	got, err := s.Get(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Get = %+v, want %+v", got, want)
	}
	// A tenant with nothing but an ID, as other domains' tests create them.
	if err := s.Create(ctx, tenant.Tenant{ID: "beta", CreatedAt: at, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "beta"); err != nil || got.SealedProfile != nil || !got.TrialExpiresAt.IsZero() {
		t.Fatalf("Get(beta) = %+v, %v", got, err)
	}
	// A batch is all or nothing.
	batch := []tenant.Tenant{{ID: "gamma", CreatedAt: at, UpdatedAt: at}, {ID: "acme", CreatedAt: at, UpdatedAt: at}}
	if err := s.CreateBatch(ctx, batch); !errors.Is(err, aiccd.ErrConflict) {
		t.Fatalf("CreateBatch with a duplicate = %v, want ErrConflict", err)
	}
	if _, err := s.Get(ctx, "gamma"); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("a failed batch left gamma behind: %v", err)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != "acme" || list[1].ID != "beta" {
		t.Fatalf("List = %+v, want acme then beta", list)
	}
	if list[0].SealedProfile != nil || list[0].Status != tenant.StatusTrial || list[0].VDN != "150" {
		t.Fatalf("List returned %+v; want the attributes without the sealed profile", list[0])
	}

	t.Run("update", func(t *testing.T) {
		u := got
		u.Kind, u.Status, u.TrialExpiresAt = tenant.KindFormal, tenant.StatusActive, time.Time{}
		u.SealedProfile, u.MobileIndex, u.EmailIndex = []byte("resealed"), nil, []byte{5}
		u.UpdatedAt = at.Add(time.Hour)
		stored, err := s.Update(ctx, "acme", func(cur tenant.Tenant) (tenant.Tenant, error) {
			if !reflect.DeepEqual(cur, got) {
				t.Errorf("Update passed %+v, want %+v", cur, got)
			}
			return u, nil
		})
		u.Revision++
		if err != nil || !reflect.DeepEqual(stored, u) {
			t.Fatalf("Update = %+v, %v; want %+v", stored, err, u)
		}
		after, err := s.Get(ctx, "acme")
		if err != nil || !reflect.DeepEqual(after, u) {
			t.Fatalf("after Update: %+v, %v; want %+v", after, err, u)
		}
		// A change that fails stores nothing, the revision included.
		refused := errors.New("refused")
		if _, err := s.Update(ctx, "acme", func(tenant.Tenant) (tenant.Tenant, error) { return got, refused }); !errors.Is(err, refused) {
			t.Fatalf("Update with a failing change = %v, want its error", err)
		}
		if after, err := s.Get(ctx, "acme"); err != nil || !reflect.DeepEqual(after, u) {
			t.Fatalf("after a failed Update: %+v, %v; want %+v", after, err, u)
		}
		if _, err := s.Update(ctx, "nobody", replaceWith(u)); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("Update(missing) = %v, want ErrNotFound", err)
		}
	})

	t.Run("unique contacts", func(t *testing.T) {
		mk := func(id string, mobile, email []byte) tenant.Tenant {
			return tenant.Tenant{ID: id, Kind: tenant.KindTrial, Status: tenant.StatusTrial, MobileIndex: mobile, EmailIndex: email,
				TrialExpiresAt: at.Add(time.Hour), CreatedAt: at, UpdatedAt: at}
		}
		if err := s.CreateWithUniqueContacts(ctx, mk("apply-1", []byte("m1"), []byte("e1"))); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateWithUniqueContacts(ctx, mk("apply-2", []byte("m1"), []byte("e2"))); !errors.Is(err, tenant.ErrMobileTaken) {
			t.Fatalf("same mobile: %v", err)
		}
		if err := s.CreateWithUniqueContacts(ctx, mk("apply-2", []byte("m2"), []byte("e1"))); !errors.Is(err, tenant.ErrEmailTaken) {
			t.Fatalf("same email: %v", err)
		}
		if err := s.CreateWithUniqueContacts(ctx, mk("apply-2", nil, nil)); err != nil {
			t.Fatalf("no contacts: %v", err)
		}
		if err := s.CreateWithUniqueContacts(ctx, mk("apply-2", []byte("m3"), nil)); !errors.Is(err, aiccd.ErrConflict) {
			t.Fatalf("duplicate ID: %v", err)
		}
		// Tenants created otherwise count too: acme's e-mail index is {5} now.
		if err := s.CreateWithUniqueContacts(ctx, mk("apply-3", nil, []byte{5})); !errors.Is(err, tenant.ErrEmailTaken) {
			t.Fatalf("email of a tenant created by Create: %v", err)
		}
	})

	t.Run("resources", func(t *testing.T) { testResources(t, s, at) })
	t.Run("verification codes", func(t *testing.T) { testVerificationCodes(t, s, at) })
}

func testResources(t *testing.T, s tenant.Store, at time.Time) {
	ctx := context.Background()
	day := 24 * time.Hour
	res := func(id, tenantID string, startDay, endDay int) tenant.Resource {
		return tenant.Resource{ID: id, TenantID: tenantID, Type: "agent", Spec: "voice 坐席", Quantity: 10,
			StartAt: at.Add(time.Duration(startDay) * day), EndAt: at.Add(time.Duration(endDay) * day), CreatedAt: at}
	}
	for _, r := range []tenant.Resource{res("r3", "acme", 20, 30), res("r1", "acme", 0, 10), res("r2", "acme", 5, 15), res("b1", "beta", 0, 100)} {
		if err := s.CreateResource(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateResource(ctx, res("r1", "acme", 0, 1)); !errors.Is(err, aiccd.ErrConflict) {
		t.Fatalf("duplicate resource: %v", err)
	}
	if err := s.CreateResource(ctx, res("x", "nobody", 0, 1)); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("resource of a missing tenant: %v", err)
	}
	ids := func(rs []tenant.Resource) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		q     tenant.ResourceQuery
		want  []string
		total int
	}{
		{"all, by start", tenant.ResourceQuery{Limit: 10}, []string{"r1", "r2", "r3"}, 3},
		{"paged", tenant.ResourceQuery{Limit: 1, Offset: 1}, []string{"r2"}, 3},
		{"past the end", tenant.ResourceQuery{Limit: 10, Offset: 5}, []string{}, 3},
		{"overlapping days 12 to 21", tenant.ResourceQuery{From: at.Add(12 * day), To: at.Add(21 * day), Limit: 10}, []string{"r2", "r3"}, 2},
		{"from day 10: r1 ended", tenant.ResourceQuery{From: at.Add(10 * day), Limit: 10}, []string{"r2", "r3"}, 2},
		{"to day 20: r3 starts then", tenant.ResourceQuery{To: at.Add(20 * day), Limit: 10}, []string{"r1", "r2", "r3"}, 3},
		{"to before day 20", tenant.ResourceQuery{To: at.Add(20*day - time.Millisecond), Limit: 10}, []string{"r1", "r2"}, 2},
	} {
		rs, total, err := s.Resources(ctx, "acme", tc.q)
		if err != nil || !reflect.DeepEqual(ids(rs), tc.want) || total != tc.total {
			t.Errorf("%s: %v (%d), %v; want %v (%d)", tc.name, ids(rs), total, err, tc.want, tc.total)
		}
	}
	rs, _, _ := s.Resources(ctx, "acme", tenant.ResourceQuery{Limit: 1})
	if want := res("r1", "acme", 0, 10); len(rs) != 1 || !reflect.DeepEqual(rs[0], want) {
		t.Fatalf("resource read back as %+v, want %+v", rs, want)
	}
	if err := s.CancelResource(ctx, "beta", "r1", at); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("cancel another tenant's resource: %v", err)
	}
	if err := s.CancelResource(ctx, "acme", "r1", at.Add(day)); err != nil {
		t.Fatal(err)
	}
	if err := s.CancelResource(ctx, "acme", "r1", at.Add(day)); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("cancel twice: %v", err)
	}
	rs, _, _ = s.Resources(ctx, "acme", tenant.ResourceQuery{Limit: 1})
	if !rs[0].CancelledAt.Equal(at.Add(day)) {
		t.Fatalf("cancelled at %v", rs[0].CancelledAt)
	}
}

func testVerificationCodes(t *testing.T, s tenant.Store, at time.Time) {
	ctx := context.Background()
	phone, good := []byte("phone"), []byte("good")
	put := func(hash []byte) {
		t.Helper()
		if err := s.PutVerificationCode(ctx, tenant.VerificationCode{PhoneIndex: phone, CodeHash: hash, CreatedAt: at, ExpiresAt: at.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	// attempt reports whether an attempt at now was counted and given
	// the code's hash.
	attempt := func(now time.Time) bool {
		t.Helper()
		hash, err := s.AttemptVerificationCode(ctx, phone, now, 3)
		if errors.Is(err, aiccd.ErrNotFound) {
			return false
		}
		if err != nil || !bytes.Equal(hash, good) {
			t.Fatalf("AttemptVerificationCode = %q, %v", hash, err)
		}
		return true
	}
	put(good)
	if attempt(at.Add(time.Minute)) {
		t.Fatal("an attempt at an expired code was counted")
	}
	if ok, err := s.UseVerificationCode(ctx, phone, []byte("bad")); ok || err != nil {
		t.Fatalf("UseVerificationCode(another hash) = %t, %v", ok, err)
	}
	for i, want := range []bool{true, false} {
		if ok, err := s.UseVerificationCode(ctx, phone, good); ok != want || err != nil {
			t.Fatalf("UseVerificationCode #%d = %t, %v; want the code used exactly once", i+1, ok, err)
		}
	}
	if attempt(at) {
		t.Fatal("an attempt at a used code was counted")
	}
	// Attempts are counted up to the limit; a new code starts over.
	put(good)
	for i := range 4 {
		if got := attempt(at); got != (i < 3) {
			t.Fatalf("attempt %d counted: %t", i+1, got)
		}
	}
	put(good)
	if !attempt(at) {
		t.Fatal("a new code kept the old one's attempts")
	}
	if _, err := s.AttemptVerificationCode(ctx, []byte("no code"), at, 3); !errors.Is(err, aiccd.ErrNotFound) {
		t.Fatalf("an attempt without a code: %v", err)
	}

	// A burst of attempts at once: only the limit's worth are counted,
	// so only they can ever be compared with the code.
	put(good)
	const burst = 300
	var mu sync.Mutex
	counted := 0
	outcomes := race(burst, func(int) error {
		_, err := s.AttemptVerificationCode(ctx, phone, at, 5)
		if err == nil {
			mu.Lock()
			counted++
			mu.Unlock()
		}
		if errors.Is(err, aiccd.ErrNotFound) {
			return nil
		}
		return err
	})
	if outcomes[nil] != burst || counted != 5 {
		t.Fatalf("a burst of %d attempts: %d counted, outcomes %v; want exactly 5", burst, counted, outcomes)
	}
}
