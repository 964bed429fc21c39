package partner_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/partner"
)

// countingStore counts the directory look-ups of checks.
type countingStore struct {
	partner.Store
	lookups atomic.Int64
}

func (s *countingStore) EmailUsed(ctx context.Context, key []byte) (bool, error) {
	s.lookups.Add(1)
	return s.Store.EmailUsed(ctx, key)
}

func (s *countingStore) MobileAccounts(ctx context.Context, key []byte) (int, error) {
	s.lookups.Add(1)
	return s.Store.MobileAccounts(ctx, key)
}

// TestChecksFromMemory: a service that follows the change feed answers
// repeated checks of e-mail addresses and mobile numbers from memory,
// and sees customers created and deleted by another service on the same
// database (another replica, the admin CLI, an import) once its feed has
// confirmed an instant after their commit.
func TestChecksFromMemory(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		other, db := newService(t, dsn)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		hub := changefeed.NewHub(nil)
		done := make(chan struct{})
		go func() { db.Feed.Follow(ctx, hub); close(done) }()
		defer func() { cancel(); <-done }()
		for deadline := time.Now().Add(10 * time.Second); !hub.Live(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the feed did not start within 10 s")
			}
		}
		clock := aiccd.ClockFunc(func() time.Time { return testNow })
		store := &countingStore{Store: db.Customers}
		s := partner.NewService(partner.Options{Store: store, Clock: clock, Sealer: testKey, Blinder: testKey, MobileLimit: 2, Feed: hub,
			Accounts: credential.NewService(credential.Options{Store: db.Credentials, Clock: clock, Sealer: testKey})})

		check := func(typ, value string, want partner.Result) {
			t.Helper()
			got, err := s.Check(ctx, typ, value)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("check %s %s: %+v, want %+v", typ, value, got, want)
			}
		}
		free, full := partner.Result{}, partner.Result{Used: true, LimitReached: true}
		for range 3 {
			check("email", "dan@example.com", free)
			check("mobile", "0086-13600000000", partner.Result{Remaining: 2})
		}
		// The feed may lapse on a loaded machine, which reads through.
		if n := store.lookups.Load(); n > 4 {
			t.Errorf("6 checks of 2 values: %d look-ups, want 2", n)
		}

		c, err := other.Create(ctx, "p1", partner.NewCustomer{Name: "dan-brown", Email: "dan@example.com", Mobile: "0086-13600000000"})
		if err != nil {
			t.Fatal(err)
		}
		hub.Sync(ctx)
		check("email", "DAN@example.com", full)
		check("mobile", "0086-13600000000", partner.Result{Used: true, Remaining: 1})
		if _, err := other.Create(ctx, "p1", partner.NewCustomer{Name: "eve-brown", Mobile: "0086-13600000000"}); err != nil {
			t.Fatal(err)
		}
		hub.Sync(ctx)
		check("mobile", "0086-13600000000", partner.Result{Used: true, LimitReached: true})

		if _, err := other.Delete(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		hub.Sync(ctx)
		check("email", "dan@example.com", free)
		check("mobile", "0086-13600000000", partner.Result{Used: true, Remaining: 1})
	})
}
