package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/partner"
)

func testCustomers(t *testing.T, db *database.DB) {
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	for _, id := range []string{"dir-p1", "dir-p2"} {
		if err := db.Credentials.CreateAccount(ctx, credential.Account{ID: id, Name: id, IsPartner: true, Enabled: true, CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	s := db.Customers
	const limit = 3
	rec := func(id, partnerID, name string, email, mobile string) partner.Record {
		r := partner.Record{ID: id, PartnerID: partnerID, Name: name, NameKey: partner.NameKey(name), CreatedAt: at}
		if email != "" {
			r.EmailKey, r.SealedEmail = []byte("E:"+email), []byte("sealed "+email)
		}
		if mobile != "" {
			r.MobileKey, r.SealedMobile = []byte("M:"+mobile), []byte("sealed "+mobile)
		}
		return r
	}
	mobileAccounts := func(mobile string) int {
		t.Helper()
		n, err := s.MobileAccounts(ctx, []byte("M:"+mobile))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("create and read back", func(t *testing.T) {
		want := rec("c01", "dir-p1", "Alice-01", "alice@example.com", "0086-1")
		want.PasswordHash = "$argon2id$…"
		if err := s.Create(ctx, want, limit); err != nil {
			t.Fatal(err)
		}
		// Customers without an e-mail address or mobile number do not
		// collide on the unique index.
		for _, r := range []partner.Record{rec("c02", "dir-p1", "bob-02", "", ""), rec("c03", "dir-p2", "carol-03", "", "")} {
			if err := s.Create(ctx, r, limit); err != nil {
				t.Fatalf("%s: %v", r.Name, err)
			}
		}
		for name, get := range map[string]func() (partner.Record, error){
			"Get":       func() (partner.Record, error) { return s.Get(ctx, "c01") },
			"GetByName": func() (partner.Record, error) { return s.GetByName(ctx, "alice-01") },
		} {
			got, err := get()
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s = %+v, %v; want %+v", name, got, err, want)
			}
		}
		got, err := s.Get(ctx, "c02")
		if err != nil || got.EmailKey != nil || got.SealedMobile != nil || got.PasswordHash != "" {
			t.Fatalf("a customer without personal data reads back as %+v, %v", got, err)
		}
		if _, err := s.Get(ctx, "nobody"); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
		}
		if _, err := s.GetByName(ctx, "nobody"); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("GetByName(missing) = %v, want ErrNotFound", err)
		}
	})

	t.Run("lookups", func(t *testing.T) {
		for _, tc := range []struct {
			what string
			got  func() (bool, error)
			want bool
		}{
			{"used name", func() (bool, error) { return s.NameUsed(ctx, "alice-01") }, true},
			{"free name", func() (bool, error) { return s.NameUsed(ctx, "alice-02") }, false},
			{"used email", func() (bool, error) { return s.EmailUsed(ctx, []byte("E:alice@example.com")) }, true},
			{"free email", func() (bool, error) { return s.EmailUsed(ctx, []byte("E:bob@example.com")) }, false},
		} {
			if got, err := tc.got(); err != nil || got != tc.want {
				t.Errorf("%s: %v, %v; want %v", tc.what, got, err, tc.want)
			}
		}
		if n := mobileAccounts("0086-1"); n != 1 {
			t.Fatalf("MobileAccounts = %d, want 1", n)
		}
		if n := mobileAccounts("0086-2"); n != 0 {
			t.Fatalf("MobileAccounts(unused) = %d, want 0", n)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		for _, tc := range []struct {
			what string
			r    partner.Record
			want error
		}{
			{"same name in another case", rec("c10", "dir-p2", "ALICE-01", "", "0086-1"), partner.ErrNameUsed},
			{"same e-mail address", rec("c11", "dir-p2", "alice-11", "alice@example.com", "0086-1"), partner.ErrEmailUsed},
			{"unknown partner", rec("c12", "dir-p9", "alice-12", "", "0086-1"), aiccd.ErrNotFound},
			{"same ID", rec("c01", "dir-p1", "alice-13", "", ""), aiccd.ErrConflict},
		} {
			if err := s.Create(ctx, tc.r, limit); !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.what, err, tc.want)
			}
		}
		if !errors.Is(partner.ErrNameUsed, aiccd.ErrConflict) || aiccd.KindOf(partner.ErrMobileLimit) != aiccd.KindConflict {
			t.Fatal("the partner conflicts are not aiccd conflicts")
		}
		// A refused creation gives its mobile number's place back.
		if n := mobileAccounts("0086-1"); n != 1 {
			t.Fatalf("after refusals MobileAccounts = %d, want 1", n)
		}
	})

	t.Run("mobile limit", func(t *testing.T) {
		for i := 2; i <= limit; i++ {
			if err := s.Create(ctx, rec(fmt.Sprintf("m%02d", i), "dir-p1", fmt.Sprintf("mobile-%02d", i), "", "0086-1"), limit); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Create(ctx, rec("m99", "dir-p1", "mobile-99", "", "0086-1"), limit); !errors.Is(err, partner.ErrMobileLimit) {
			t.Fatalf("creation over the limit: %v, want ErrMobileLimit", err)
		}
		if used, _ := s.NameUsed(ctx, "mobile-99"); used {
			t.Fatal("the refused customer was stored")
		}
		// A higher limit admits more.
		if err := s.Create(ctx, rec("m99", "dir-p1", "mobile-99", "", "0086-1"), limit+1); err != nil {
			t.Fatal(err)
		}
		if n := mobileAccounts("0086-1"); n != limit+1 {
			t.Fatalf("MobileAccounts = %d, want %d", n, limit+1)
		}
	})

	t.Run("batch is all or none", func(t *testing.T) {
		batch := []partner.Record{rec("b01", "dir-p2", "batch-01", "b1@example.com", "0086-3"), rec("b02", "dir-p2", "batch-02", "", "0086-3"),
			rec("b03", "dir-p2", "bob-02", "", "0086-3")}
		if err := s.CreateBatch(ctx, batch, limit); !errors.Is(err, partner.ErrNameUsed) {
			t.Fatalf("batch with a used name: %v", err)
		}
		if used, _ := s.NameUsed(ctx, "batch-01"); used || mobileAccounts("0086-3") != 0 {
			t.Fatal("a failed batch left rows or mobile places behind")
		}
		batch = append(batch[:2], rec("b03", "dir-p2", "batch-03", "", "0086-3"), rec("b04", "dir-p2", "batch-04", "", "0086-3"))
		if err := s.CreateBatch(ctx, batch, limit); !errors.Is(err, partner.ErrMobileLimit) {
			t.Fatalf("batch over a mobile limit: %v", err)
		}
		if err := s.CreateBatch(ctx, batch[:3], limit); err != nil {
			t.Fatal(err)
		}
		if n := mobileAccounts("0086-3"); n != 3 {
			t.Fatalf("MobileAccounts = %d, want 3", n)
		}
	})

	t.Run("list", func(t *testing.T) {
		names := func(rs []partner.Record) []string {
			var out []string
			for _, r := range rs {
				out = append(out, r.Name)
			}
			return out
		}
		page, err := s.List(ctx, "dir-p2", "", 2)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(page); !reflect.DeepEqual(got, []string{"batch-01", "batch-02"}) {
			t.Fatalf("first page %v", got)
		}
		page, _ = s.List(ctx, "dir-p2", page[1].NameKey, 10)
		if got := names(page); !reflect.DeepEqual(got, []string{"batch-03", "carol-03"}) {
			t.Fatalf("second page %v", got)
		}
		all, _ := s.List(ctx, "", "", 1000)
		if len(all) != 9 || all[0].Name != "Alice-01" {
			t.Fatalf("every partner's: %v", names(all))
		}
	})

	t.Run("delete", func(t *testing.T) {
		if err := s.Delete(ctx, "c01"); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, "c01"); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("second delete: %v, want ErrNotFound", err)
		}
		if used, _ := s.NameUsed(ctx, "alice-01"); used {
			t.Fatal("a deleted customer's name is still used")
		}
		if used, _ := s.EmailUsed(ctx, []byte("E:alice@example.com")); used {
			t.Fatal("a deleted customer's e-mail address is still used")
		}
		if n := mobileAccounts("0086-1"); n != limit {
			t.Fatalf("after a delete MobileAccounts = %d, want %d", n, limit)
		}
		for _, id := range []string{"b01", "b02", "b03"} {
			if err := s.Delete(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if n := mobileAccounts("0086-3"); n != 0 {
			t.Fatalf("after deleting every account MobileAccounts = %d", n)
		}
		if err := s.Create(ctx, rec("b05", "dir-p2", "batch-05", "", "0086-3"), limit); err != nil || mobileAccounts("0086-3") != 1 {
			t.Fatalf("a number freed completely is not counted afresh: %v", err)
		}
	})

	t.Run("concurrent creations", func(t *testing.T) {
		// 50 creations of one name: exactly one wins.
		outcomes := race(50, func(i int) error {
			return s.Create(ctx, rec(fmt.Sprintf("same-%02d", i), "dir-p1", "Same-Name", "", ""), limit)
		})
		if outcomes[nil] != 1 || outcomes[partner.ErrNameUsed] != 49 {
			t.Fatalf("50 creations of one name: %v", outcomes)
		}
		// 20 creations sharing one mobile number: exactly limit win.
		outcomes = race(20, func(i int) error {
			return s.Create(ctx, rec(fmt.Sprintf("share-%02d", i), "dir-p1", fmt.Sprintf("share-%02d", i), "", "0086-4"), limit)
		})
		if outcomes[nil] != limit || outcomes[partner.ErrMobileLimit] != 20-limit || mobileAccounts("0086-4") != limit {
			t.Fatalf("20 creations on one mobile number, limit %d: %v, count %d", limit, outcomes, mobileAccounts("0086-4"))
		}
	})
}

// race runs n calls of fn at once and counts their outcomes.
func race(n int, fn func(i int) error) map[error]int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	outcomes := map[error]int{}
	for i := range n {
		wg.Go(func() {
			<-start
			err := fn(i)
			for _, known := range []error{partner.ErrNameUsed, partner.ErrEmailUsed, partner.ErrMobileLimit} {
				if errors.Is(err, known) {
					err = known
				}
			}
			mu.Lock()
			outcomes[err]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return outcomes
}
