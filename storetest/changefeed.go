package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/partner"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/tenant"
)

// errGivenUp is a change that decides to change nothing.
var errGivenUp = errors.New("given up")

// changeLog records the changes a hub delivers.
type changeLog struct {
	mu      sync.Mutex
	changes []changefeed.Change
}

func (l *changeLog) take() []changefeed.Change {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.changes
	l.changes = nil
	return out
}

// testChangeFeed holds every engine to the feed's contract: each write
// that changes what a replica may keep in memory is delivered as a change
// naming the entity, once the write has committed; creations, which a
// replica's memory cannot hold yet, and writes that change nothing kept
// are not, except for the read models that hold answers about what does
// not exist yet (registration checks, small tenants' access codes).
func testChangeFeed(t *testing.T, db *database.DB) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hub := changefeed.NewHub(nil)
	log := &changeLog{}
	for _, kind := range []changefeed.Kind{changefeed.Tenant, changefeed.AppKey, changefeed.Token, changefeed.Account,
		changefeed.IAMUser, changefeed.AccessKey, changefeed.Fault, changefeed.SmartCare,
		changefeed.CustomerEmail, changefeed.CustomerMobile, changefeed.AccessCodes} {
		hub.Subscribe(kind, func(key string) {
			log.mu.Lock()
			log.changes = append(log.changes, changefeed.Change{Kind: kind, Key: key})
			log.mu.Unlock()
		})
	}
	done := make(chan struct{})
	go func() { db.Feed.Follow(ctx, hub); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	for !hub.Live() {
		if time.Now().After(deadline) {
			t.Fatal("the feed did not start within 10 s")
		}
		time.Sleep(time.Millisecond)
	}

	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	// expect runs a write and checks the changes it was followed by.
	expect := func(what string, write func() error, want ...changefeed.Change) {
		t.Helper()
		if err := write(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		hub.Sync(ctx)
		got := log.take()
		if !slices.Equal(got, want) {
			t.Errorf("%s: changes %v, want %v", what, got, want)
		}
	}
	change := func(kind changefeed.Kind, key string) changefeed.Change {
		return changefeed.Change{Kind: kind, Key: key}
	}

	tn := tenant.Tenant{ID: "feed-t", Kind: tenant.KindFormal, Status: tenant.StatusActive, CreatedAt: at, UpdatedAt: at}
	expect("tenant created", func() error { return db.Tenants.Create(ctx, tn) })
	expect("tenant updated", func() error {
		_, err := db.Tenants.Update(ctx, "feed-t", func(t tenant.Tenant) (tenant.Tenant, error) {
			t.Status = tenant.StatusSuspended
			return t, nil
		})
		return err
	}, change(changefeed.Tenant, "feed-t"))
	expect("tenant update given up", func() error {
		_, err := db.Tenants.Update(ctx, "feed-t", func(t tenant.Tenant) (tenant.Tenant, error) { return t, errGivenUp })
		if err == errGivenUp {
			return nil
		}
		return err
	})

	key := credential.AppKey{Key: "feed-key", TenantID: "feed-t", SecretHash: []byte{1}, Enabled: true, CreatedAt: at, UpdatedAt: at}
	expect("app key created", func() error { return db.Credentials.CreateAppKey(ctx, key) })
	expect("app key disabled", func() error {
		_, err := db.Credentials.UpdateAppKey(ctx, "feed-key", func(k credential.AppKey) (credential.AppKey, error) {
			k.Enabled = false
			return k, nil
		})
		return err
	}, change(changefeed.AppKey, "feed-key"))

	hash := sha256.Sum256([]byte("feed-token"))
	tok := credential.Token{Hash: hash[:], Kind: credential.TokenMall, TenantID: "feed-t", Subject: "feed-t", CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
	expect("token issued", func() error { return db.Credentials.CreateToken(ctx, tok) })
	expect("token revoked", func() error {
		_, err := db.Credentials.RevokeTokens(ctx, credential.TokenMall, "feed-t", "", at)
		return err
	}, change(changefeed.Token, hex.EncodeToString(hash[:])))
	expect("expired token purged", func() error {
		_, err := db.Credentials.DeleteExpiredTokens(ctx, at.Add(2*time.Hour), 10)
		return err
	})

	acc := credential.Account{ID: "feed-acc", Name: "feed-acc", Enabled: true, CreatedAt: at, UpdatedAt: at}
	user := credential.IAMUser{ID: "feed-user", AccountID: "feed-acc", Name: "feed", PasswordHash: "x", Enabled: true, CreatedAt: at, UpdatedAt: at}
	ak := credential.AccessKey{AK: "FEEDAK", AccountID: "feed-acc", SealedSK: []byte("s"), Enabled: true, CreatedAt: at, UpdatedAt: at}
	expect("account, user and AK created", func() error {
		if err := db.Credentials.CreateAccount(ctx, acc); err != nil {
			return err
		}
		if err := db.Credentials.CreateIAMUser(ctx, user); err != nil {
			return err
		}
		return db.Credentials.CreateAccessKey(ctx, ak)
	})
	expect("account updated", func() error {
		_, err := db.Credentials.UpdateAccount(ctx, "feed-acc", func(a credential.Account) (credential.Account, error) {
			a.IsPartner = true
			return a, nil
		})
		return err
	}, change(changefeed.Account, "feed-acc"))
	expect("IAM user disabled", func() error {
		_, err := db.Credentials.UpdateIAMUser(ctx, "feed-user", func(u credential.IAMUser) (credential.IAMUser, error) {
			u.Enabled = false
			return u, nil
		})
		return err
	}, change(changefeed.IAMUser, "feed-user"))
	expect("AK disabled", func() error {
		_, err := db.Credentials.UpdateAccessKey(ctx, "FEEDAK", func(k credential.AccessKey) (credential.AccessKey, error) {
			k.Enabled = false
			return k, nil
		})
		return err
	}, change(changefeed.AccessKey, "FEEDAK"))

	f := fault.Fault{ID: 77, TenantID: "feed-t", Status: 500, Remaining: 2, Percent: 100, CreatedAt: at}
	expect("fault rule created", func() error { return db.Faults.CreateFault(ctx, f) }, change(changefeed.Fault, "77"))
	expect("fault rule counted down", func() error { _, err := db.Faults.ClaimFault(ctx, 77); return err })
	expect("fault rule spent", func() error { _, err := db.Faults.ClaimFault(ctx, 77); return err }, change(changefeed.Fault, "77"))
	expect("fault rule deleted", func() error { return db.Faults.DeleteFault(ctx, 77) }, change(changefeed.Fault, "77"))

	settings := func(days int) func() error {
		return func() error {
			_, err := db.SmartCare.UpdateSettings(ctx, "feed-t", at, func(s smartcare.Settings) (smartcare.Settings, error) {
				s.RetentionDays = days
				return s, nil
			})
			return err
		}
	}
	expect("SmartCare settings set", settings(1), change(changefeed.SmartCare, "feed-t"))
	expect("SmartCare settings changed", settings(2), change(changefeed.SmartCare, "feed-t"))
	rule := newRule(t, 78, "feed-t", "DATA", "CELL=1", at, time.Time{})
	expect("SmartCare rule created", func() error { return db.SmartCare.CreateRules(ctx, []smartcare.FaultRule{rule}) },
		change(changefeed.SmartCare, "feed-t"))
	expect("SmartCare records appended", func() error {
		return db.SmartCare.AppendRecords(ctx, "feed-t", []smartcare.Record{{MSISDN: "1", EventTime: at, SceneCode: "DATA"}})
	})

	// The directory's and the access codes' read models hold answers about
	// what does not exist yet: creations are changes too. A write may name
	// its entity more than once (SQLite keeps each trigger's row); the set
	// of names is the contract.
	expectNamed := func(what string, write func() error, want ...changefeed.Change) {
		t.Helper()
		if err := write(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		hub.Sync(ctx)
		got := log.take()
		cmp := func(a, b changefeed.Change) int {
			if a.Kind != b.Kind {
				return strings.Compare(string(a.Kind), string(b.Kind))
			}
			return strings.Compare(a.Key, b.Key)
		}
		slices.SortFunc(got, cmp)
		got = slices.Compact(got)
		slices.SortFunc(want, cmp)
		if !slices.Equal(got, want) {
			t.Errorf("%s: changes %v, want %v", what, got, want)
		}
	}
	email, mobile := []byte{0xe1, 0x01}, []byte{0x40, 0x02}
	cust := partner.Record{ID: "feed-c1", PartnerID: "feed-acc", Name: "Feed", NameKey: "feed", EmailKey: email, SealedEmail: []byte("e"),
		MobileKey: mobile, SealedMobile: []byte("m"), CreatedAt: at}
	expectNamed("customer created", func() error { return db.Customers.Create(ctx, cust, 5) },
		change(changefeed.CustomerEmail, "e101"), change(changefeed.CustomerMobile, "4002"))
	second := partner.Record{ID: "feed-c2", PartnerID: "feed-acc", Name: "Feed2", NameKey: "feed2", MobileKey: mobile, SealedMobile: []byte("m"), CreatedAt: at}
	expectNamed("customer created on a used mobile number", func() error { return db.Customers.Create(ctx, second, 5) },
		change(changefeed.CustomerMobile, "4002"))
	expectNamed("customer without e-mail address or mobile number created", func() error {
		return db.Customers.Create(ctx, partner.Record{ID: "feed-c3", PartnerID: "feed-acc", Name: "Feed3", NameKey: "feed3", CreatedAt: at}, 5)
	})
	expectNamed("customer deleted", func() error { return db.Customers.Delete(ctx, "feed-c1") },
		change(changefeed.CustomerEmail, "e101"), change(changefeed.CustomerMobile, "4002"))
	expectNamed("last customer of a mobile number deleted", func() error { return db.Customers.Delete(ctx, "feed-c2") },
		change(changefeed.CustomerMobile, "4002"))

	code := accesscode.AccessCode{ID: 7_900_079, TenantID: "feed-t", Code: "4000", MediaType: accesscode.MediaAudioVideo, CallAttr: 3, CreatedAt: at, UpdatedAt: at}
	expectNamed("access code created", func() error { return db.AccessCodes.Create(ctx, code) }, change(changefeed.AccessCodes, "feed-t"))
	expectNamed("access codes imported", func() error {
		return db.AccessCodes.CreateBatch(ctx, "feed-t", []accesscode.AccessCode{
			{ID: 7_900_080, TenantID: "feed-t", Code: "4001", MediaType: accesscode.MediaAudioVideo, CallAttr: 3, CreatedAt: at, UpdatedAt: at},
			{ID: 7_900_081, TenantID: "feed-t", Code: "4002", MediaType: accesscode.MediaVideo, CallAttr: 3, CreatedAt: at, UpdatedAt: at},
		})
	}, change(changefeed.AccessCodes, "feed-t"))
	expectNamed("access code described", func() error {
		_, err := db.AccessCodes.Update(ctx, "feed-t", 7_900_079, func(a accesscode.AccessCode) (accesscode.AccessCode, error) {
			d := "hotline"
			a.Description = &d
			return a, nil
		})
		return err
	}, change(changefeed.AccessCodes, "feed-t"))
	expectNamed("access code deleted", func() error { return db.AccessCodes.Delete(ctx, "feed-t", 7_900_080) }, change(changefeed.AccessCodes, "feed-t"))
}
