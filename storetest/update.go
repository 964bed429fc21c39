package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/tenant"
)

// replaceWith is a change that stores v whatever was stored.
func replaceWith[T any](v T) func(T) (T, error) {
	return func(T) (T, error) { return v, nil }
}

// slowly wraps a change so that it takes a while between the read and the
// write: a store that let another update in between would lose one.
func slowly[T any](change func(T) T) func(T) (T, error) {
	return func(v T) (T, error) {
		time.Sleep(5 * time.Millisecond)
		return change(v), nil
	}
}

// testConcurrentUpdates holds every store's updates to keeping both of two
// concurrent changes of different fields of one row: a rotation racing a
// disable must neither re-enable the key nor bring the old secret back.
func testConcurrentUpdates(t *testing.T, db *database.DB) {
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if err := db.Tenants.Create(ctx, tenant.Tenant{ID: "race", CreatedAt: at, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	const rounds = 10

	t.Run("app key rotated while disabled", func(t *testing.T) {
		k := credential.AppKey{Key: "race-key", TenantID: "race", Name: "crm", SecretHash: []byte("old"), Enabled: true, CreatedAt: at, UpdatedAt: at}
		if err := db.Credentials.CreateAppKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		for round := range rounds {
			if _, err := db.Credentials.UpdateAppKey(ctx, k.Key, replaceWith(k)); err != nil {
				t.Fatal(err)
			}
			rotated := []byte{byte(round)}
			rotate := slowly(func(k credential.AppKey) credential.AppKey {
				k.SecretHash = rotated
				return k
			})
			disable := slowly(func(k credential.AppKey) credential.AppKey {
				k.Enabled = false
				return k
			})
			if outcomes := race(2, func(i int) error {
				_, err := db.Credentials.UpdateAppKey(ctx, k.Key, []func(credential.AppKey) (credential.AppKey, error){rotate, disable}[i])
				return err
			}); outcomes[nil] != 2 {
				t.Fatalf("round %d: %v", round, outcomes)
			}
			got, err := db.Credentials.AppKey(ctx, k.Key)
			if err != nil || got.Enabled || !bytes.Equal(got.SecretHash, rotated) {
				t.Fatalf("round %d: after a rotation and a disable at once: enabled %t, secret %q, %v; want disabled with the new secret",
					round, got.Enabled, got.SecretHash, err)
			}
		}
	})

	t.Run("rule changed in two fields at once", func(t *testing.T) {
		r := newRule(t, 7001, "race", "DATA", "LAC_TAC=1", at, time.Time{})
		if err := db.SmartCare.CreateRules(ctx, []smartcare.FaultRule{r}); err != nil {
			t.Fatal(err)
		}
		for round := range rounds {
			if _, err := db.SmartCare.UpdateRule(ctx, "race", r.ID, replaceWith(r)); err != nil {
				t.Fatal(err)
			}
			until := at.Add(time.Duration(round+1) * time.Hour)
			end := slowly(func(r smartcare.FaultRule) smartcare.FaultRule {
				r.ActiveUntil = until
				return r
			})
			describe := slowly(func(r smartcare.FaultRule) smartcare.FaultRule {
				r.Description = "cell site outage"
				return r
			})
			if outcomes := race(2, func(i int) error {
				_, err := db.SmartCare.UpdateRule(ctx, "race", r.ID, []func(smartcare.FaultRule) (smartcare.FaultRule, error){end, describe}[i])
				return err
			}); outcomes[nil] != 2 {
				t.Fatalf("round %d: %v", round, outcomes)
			}
			got, err := db.SmartCare.GetRule(ctx, "race", r.ID)
			if err != nil || !got.ActiveUntil.Equal(until) || got.Description != "cell site outage" {
				t.Fatalf("round %d: after two changes at once: until %s, description %q, %v; want both",
					round, got.ActiveUntil, got.Description, err)
			}
		}
	})
}
