package credential_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/masterkey"
	"github.com/aiccd/aiccd/tenant"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

var testKey, _ = masterkey.New(bytes.Repeat([]byte{42}, masterkey.Size))

// newService returns a service over db that keeps its read models as a
// serving replica does.
func newService(t testing.TB, db *database.DB, c aiccd.Clock) *credential.Service {
	return credential.NewService(credential.Options{
		Store: db.Credentials, Clock: c, Sealer: testKey, Feed: dbtest.Follow(t, db),
		Guard: credential.NewMemoryGuard(c, 1000, nil),
	})
}

// setup returns a service over a fresh database with tenant t1.
func setup(t testing.TB, dsn string) (*credential.Service, *database.DB, *clock) {
	t.Helper()
	db := dbtest.Open(t, dsn)
	c := &clock{now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	if _, err := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: c}).Create(context.Background(), "t1", "Tenant One"); err != nil {
		t.Fatal(err)
	}
	return newService(t, db, c), db, c
}

// anyTenant admits every tenant: the tests of issuance that are not about
// the tenant's standing.
func anyTenant(context.Context, string) error { return nil }

func wantKind(t *testing.T, what string, err error, kind aiccd.Kind) {
	t.Helper()
	if aiccd.KindOf(err) != kind || err == nil {
		t.Fatalf("%s: got %v (%s), want %s", what, err, aiccd.KindOf(err), kind)
	}
}

func TestGatewayTokens(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, _, c := setup(t, dsn)
		k, secret, err := s.CreateAppKey(ctx, "t1", "crm")
		if err != nil {
			t.Fatal(err)
		}
		if len(k.Key) != 32 || len(secret) < 43 {
			t.Fatalf("key %q secret %q", k.Key, secret)
		}
		if _, _, err := s.CreateAppKey(ctx, "nobody", "x"); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Fatalf("app key of a missing tenant: %v", err)
		}

		tok, err := s.IssueGatewayToken(ctx, k.Key, secret, 10*time.Minute, anyTenant)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.VerifyGatewayToken(ctx, tok.AccessToken)
		if err != nil || p.TenantID != "t1" || p.AppKey != k.Key {
			t.Fatalf("Verify = %+v, %v", p, err)
		}

		wrongSecret := func() error { _, err := s.IssueGatewayToken(ctx, k.Key, "wrong", time.Minute, anyTenant); return err }
		unknownKey := func() error {
			_, err := s.IssueGatewayToken(ctx, "no-such-key", secret, time.Minute, anyTenant)
			return err
		}
		e1, e2 := wrongSecret(), unknownKey()
		wantKind(t, "wrong secret", e1, aiccd.KindUnauthorized)
		if aiccd.MessageOf(e1, "") != aiccd.MessageOf(e2, "") || aiccd.KindOf(e2) != aiccd.KindUnauthorized {
			t.Fatalf("unknown key and wrong secret are told apart: %v / %v", e1, e2)
		}
		for _, ttl := range []time.Duration{0, 3601 * time.Second} {
			_, err := s.IssueGatewayToken(ctx, k.Key, secret, ttl, anyTenant)
			wantKind(t, "ttl "+ttl.String(), err, aiccd.KindInvalid)
		}

		_, err = s.VerifyGatewayToken(ctx, "not-a-token")
		wantKind(t, "unknown token", err, aiccd.KindUnauthorized)

		c.Add(10 * time.Minute)
		_, err = s.VerifyGatewayToken(ctx, tok.AccessToken)
		if aiccd.CodeOf(err) != credential.CodeTokenExpired {
			t.Fatalf("expired token: %v", err)
		}

		tok, _ = s.IssueGatewayToken(ctx, k.Key, secret, time.Hour, anyTenant)
		if _, err := s.SetAppKeyEnabled(ctx, k.Key, false); err != nil {
			t.Fatal(err)
		}
		_, err = s.VerifyGatewayToken(ctx, tok.AccessToken)
		wantKind(t, "token of a disabled key", err, aiccd.KindUnauthorized)
		_, err = s.IssueGatewayToken(ctx, k.Key, secret, time.Hour, anyTenant)
		wantKind(t, "disabled key", err, aiccd.KindUnauthorized)

		s.SetAppKeyEnabled(ctx, k.Key, true)
		tok, _ = s.IssueGatewayToken(ctx, k.Key, secret, time.Hour, anyTenant)
		_, newSecret, err := s.RotateAppKey(ctx, k.Key)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.VerifyGatewayToken(ctx, tok.AccessToken)
		wantKind(t, "token from before a rotation", err, aiccd.KindUnauthorized)
		_, err = s.IssueGatewayToken(ctx, k.Key, secret, time.Hour, anyTenant)
		wantKind(t, "old secret after rotation", err, aiccd.KindUnauthorized)
		if _, err := s.IssueGatewayToken(ctx, k.Key, newSecret, time.Hour, anyTenant); err != nil {
			t.Fatalf("new secret: %v", err)
		}
	})
}

func TestLockout(t *testing.T) {
	t.Parallel()
	s, _, c := setup(t, dbtest.SQLiteURL(t))
	ctx := context.Background()
	k, secret, _ := s.CreateAppKey(ctx, "t1", "crm")
	for range credential.SourceLockout.MaxFailures {
		s.IssueGatewayToken(ctx, k.Key, "wrong", time.Minute, anyTenant)
	}
	_, err := s.IssueGatewayToken(ctx, k.Key, secret, time.Minute, anyTenant)
	if aiccd.CodeOf(err) != credential.CodeLocked {
		t.Fatalf("right secret while locked: %v", err)
	}
	for range credential.SourceLockout.MaxFailures {
		s.IssueGatewayToken(ctx, "unknown-key", "wrong", time.Minute, anyTenant)
	}
	_, err = s.IssueGatewayToken(ctx, "unknown-key", "wrong", time.Minute, anyTenant)
	if aiccd.CodeOf(err) != credential.CodeLocked {
		t.Fatalf("an unknown key is not locked like a known one: %v", err)
	}
	c.Add(credential.SourceLockout.Duration)
	if _, err := s.IssueGatewayToken(ctx, k.Key, secret, time.Minute, anyTenant); err != nil {
		t.Fatalf("after the lock ran out: %v", err)
	}
	// Failures are consecutive: a success in between starts the count over.
	for range credential.SourceLockout.MaxFailures - 1 {
		s.IssueGatewayToken(ctx, k.Key, "wrong", time.Minute, anyTenant)
	}
	s.IssueGatewayToken(ctx, k.Key, secret, time.Minute, anyTenant)
	s.IssueGatewayToken(ctx, k.Key, "wrong", time.Minute, anyTenant)
	if _, err := s.IssueGatewayToken(ctx, k.Key, secret, time.Minute, anyTenant); err != nil {
		t.Fatalf("failures were not reset by a success: %v", err)
	}
}

// TestIssueAdmitsTheTenant refuses a token to a tenant that is not in
// service, with the tenant's own answer, without counting a failed
// authentication: the secret was right.
func TestIssueAdmitsTheTenant(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, db, c := setup(t, dsn)
		tenants := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: c})
		k, secret, err := s.CreateAppKey(ctx, "t1", "crm")
		if err != nil {
			t.Fatal(err)
		}
		suspended := tenant.StatusSuspended
		if _, err := tenants.Update(ctx, "t1", tenant.Patch{Status: &suspended}); err != nil {
			t.Fatal(err)
		}
		for range credential.SourceLockout.MaxFailures + 1 {
			_, err := s.IssueGatewayToken(ctx, k.Key, secret, time.Minute, tenants.CheckInService)
			if aiccd.CodeOf(err) != tenant.CodeNotInService {
				t.Fatalf("a suspended tenant's key: %v", err)
			}
		}
		if _, err := s.IssueGatewayToken(ctx, k.Key, "wrong", time.Minute, tenants.CheckInService); aiccd.CodeOf(err) == tenant.CodeNotInService {
			t.Fatalf("a wrong secret learnt the tenant's standing: %v", err)
		}
		active := tenant.StatusActive
		if _, err := tenants.Update(ctx, "t1", tenant.Patch{Status: &active}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueGatewayToken(ctx, k.Key, secret, time.Minute, tenants.CheckInService); err != nil {
			t.Fatalf("reactivated, after the refusals: %v", err)
		}
	})
}

func TestMallTokens(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, _, c := setup(t, dsn)
		tok, value, err := s.IssueMallToken(ctx, "t1", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if id, err := s.VerifyMallToken(ctx, value); err != nil || id != "t1" {
			t.Fatalf("Verify = %q, %v", id, err)
		}
		if _, err := s.IssueMallTokenValue(ctx, "t1", "fixed-token-1", time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueMallTokenValue(ctx, "nobody", "fixed-token-2", time.Hour); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Fatalf("token of a missing tenant: %v", err)
		}
		// A mall token is not a gateway token and the reverse.
		_, err = s.VerifyGatewayToken(ctx, value)
		wantKind(t, "mall token as Bearer", err, aiccd.KindUnauthorized)

		if n, err := s.RevokeMallTokens(ctx, "t1", "zz%_zzzz"); err == nil || n != 0 {
			t.Fatalf("a pattern was accepted as a token ID: %d %v", n, err)
		}
		n, err := s.RevokeMallTokens(ctx, "t1", tok.ID())
		if err != nil || n != 1 {
			t.Fatalf("revoke by ID: %d, %v", n, err)
		}
		_, err = s.VerifyMallToken(ctx, value)
		wantKind(t, "revoked mall token", err, aiccd.KindUnauthorized)
		if _, err := s.VerifyMallToken(ctx, "fixed-token-1"); err != nil {
			t.Fatalf("the other token was revoked too: %v", err)
		}
		c.Add(time.Hour)
		if _, err := s.VerifyMallToken(ctx, "fixed-token-1"); aiccd.CodeOf(err) != credential.CodeTokenExpired {
			t.Fatalf("expired mall token: %v", err)
		}
	})
}

func TestIAMTokens(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, _, c := setup(t, dsn)
		if _, err := s.CreateAccount(ctx, "p1", "partner-one", true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateIAMUser(ctx, "p1", "admin", "weak"); aiccd.KindOf(err) != aiccd.KindInvalid {
			t.Fatalf("weak password accepted: %v", err)
		}
		if _, err := s.CreateIAMUser(ctx, "p1", "admin", "Str0ng-pass"); err != nil {
			t.Fatal(err)
		}
		auth := credential.PasswordAuth{UserName: "admin", UserDomainName: "partner-one", Password: "Str0ng-pass", ScopeDomainName: "partner-one"}
		tok, err := s.IssueIAMToken(ctx, auth)
		if err != nil {
			t.Fatal(err)
		}
		if !tok.ExpiresAt.Equal(tok.IssuedAt.Add(24 * time.Hour)) {
			t.Fatalf("lifetime %s", tok.ExpiresAt.Sub(tok.IssuedAt))
		}
		p, err := s.VerifyIAMToken(ctx, tok.Token)
		if err != nil || p.AccountID != "p1" || !p.IsPartner || p.UserName != "admin" {
			t.Fatalf("Verify = %+v, %v", p, err)
		}

		bad := auth
		bad.Password = "Wr0ng-pass"
		_, e1 := s.IssueIAMToken(ctx, bad)
		bad = auth
		bad.UserName = "nobody"
		_, e2 := s.IssueIAMToken(ctx, bad)
		wantKind(t, "wrong password", e1, aiccd.KindUnauthorized)
		if aiccd.MessageOf(e1, "") != aiccd.MessageOf(e2, "") {
			t.Fatalf("unknown user and wrong password are told apart: %v / %v", e1, e2)
		}
		other := auth
		other.ScopeDomainName = "someone-else"
		_, err = s.IssueIAMToken(ctx, other)
		wantKind(t, "scope of another domain", err, aiccd.KindForbidden)

		if _, err := s.UpdateIAMUser(ctx, "p1", "admin", false, ""); err != nil {
			t.Fatal(err)
		}
		_, err = s.VerifyIAMToken(ctx, tok.Token)
		wantKind(t, "token of a disabled user", err, aiccd.KindUnauthorized)
		_, err = s.IssueIAMToken(ctx, auth)
		wantKind(t, "disabled user", err, aiccd.KindUnauthorized)

		s.UpdateIAMUser(ctx, "p1", "admin", true, "")
		tok, _ = s.IssueIAMToken(ctx, auth)
		c.Add(24 * time.Hour)
		if _, err := s.VerifyIAMToken(ctx, tok.Token); aiccd.CodeOf(err) != credential.CodeTokenExpired {
			t.Fatalf("token after 24 h: %v", err)
		}
	})
}

func signed(t testing.TB, ak, sk string, at time.Time, body string) (credential.SignedRequest, string) {
	t.Helper()
	h := http.Header{"X-Sdk-Date": {at.UTC().Format(credential.SDKDateLayout)}, "X-Domain-Id": {"p1"}}
	sum := sha256.Sum256([]byte(body))
	r := credential.SignedRequest{
		Method: "POST", EscapedPath: "/v1.0/p1/partner/customer-mgr/check-user", Host: "aiccd.test",
		Header: func(n string) []string { return h.Values(n) }, BodySHA256: hex.EncodeToString(sum[:]),
	}
	headers := []string{"host", "x-domain-id", "x-sdk-date"}
	sig, err := credential.Sign(r, headers, []byte(sk))
	if err != nil {
		t.Fatal(err)
	}
	return r, "SDK-HMAC-SHA256 Access=" + ak + ", SignedHeaders=" + strings.Join(headers, ";") + ", Signature=" + sig
}

func TestSignatures(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, db, c := setup(t, dsn)
		s.CreateAccount(ctx, "p1", "partner-one", true)
		k, sk, err := s.CreateAccessKey(ctx, "p1", "ci")
		if err != nil {
			t.Fatal(err)
		}
		if len(k.AK) != 20 || len(sk) != 40 {
			t.Fatalf("AK %q SK %q", k.AK, sk)
		}
		stored, _ := db.Credentials.AccessKey(ctx, k.AK)
		if bytes.Contains(stored.SealedSK, []byte(sk)) {
			t.Fatal("the SK is stored in the clear")
		}

		r, auth := signed(t, k.AK, sk, c.Now(), `{"searchType":"name"}`)
		p, err := s.VerifySignature(ctx, r, auth)
		if err != nil || p.AccountID != "p1" || p.AccessKey != k.AK || !p.IsPartner {
			t.Fatalf("Verify = %+v, %v", p, err)
		}
		r2, auth2 := signed(t, "UNKNOWNAK0000000000A", sk, c.Now(), `{}`)
		_, e1 := s.VerifySignature(ctx, r2, auth2)
		r3, auth3 := signed(t, k.AK, "wrong-secret", c.Now(), `{}`)
		_, e2 := s.VerifySignature(ctx, r3, auth3)
		wantKind(t, "unknown AK", e1, aiccd.KindUnauthorized)
		if aiccd.MessageOf(e1, "") != aiccd.MessageOf(e2, "") {
			t.Fatalf("unknown AK and wrong SK are told apart: %v / %v", e1, e2)
		}

		if _, err := s.SetAccessKeyEnabled(ctx, k.AK, false); err != nil {
			t.Fatal(err)
		}
		_, err = s.VerifySignature(ctx, r, auth)
		wantKind(t, "disabled AK", err, aiccd.KindUnauthorized)

		newKey, newSK, err := s.RotateAccessKey(ctx, k.AK)
		if err != nil || newKey.AK == k.AK {
			t.Fatal(err)
		}
		r, auth = signed(t, newKey.AK, newSK, c.Now(), `{}`)
		if _, err := s.VerifySignature(ctx, r, auth); err != nil {
			t.Fatalf("rotated key: %v", err)
		}
		if _, err := s.UpdateAccount(ctx, "p1", true, false); err != nil {
			t.Fatal(err)
		}
		_, err = s.VerifySignature(ctx, r, auth)
		wantKind(t, "AK of a disabled account", err, aiccd.KindUnauthorized)
	})
}

func TestMasterKeyCheck(t *testing.T) {
	t.Parallel()
	s, _, _ := setup(t, dbtest.SQLiteURL(t))
	ctx := context.Background()
	if err := s.CheckMasterKey(ctx, testKey.Check()); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckMasterKey(ctx, testKey.Check()); err != nil {
		t.Fatal(err)
	}
	other, _ := masterkey.New(bytes.Repeat([]byte{1}, masterkey.Size))
	if err := s.CheckMasterKey(ctx, other.Check()); err == nil {
		t.Fatal("a different master key was accepted")
	}
}

// TestRevocationReachesOtherReplicas runs two services on one database,
// each following its change feed: a key disabled through one is refused
// by the other within the feed's Lease, although the other had the token
// in memory. It does not run in parallel: its bound is wall-clock time,
// which the package's other tests (argon2id hashes) would stretch.
func TestRevocationReachesOtherReplicas(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a, db, c := setup(t, dsn)
		b := newService(t, db, c)

		k, secret, _ := a.CreateAppKey(ctx, "t1", "crm")
		tok, _ := a.IssueGatewayToken(ctx, k.Key, secret, time.Hour, anyTenant)
		if _, err := b.VerifyGatewayToken(ctx, tok.AccessToken); err != nil {
			t.Fatal(err)
		}
		if _, err := a.SetAppKeyEnabled(ctx, k.Key, false); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for {
			_, err := b.VerifyGatewayToken(ctx, tok.AccessToken)
			if aiccd.KindOf(err) == aiccd.KindUnauthorized {
				t.Logf("refused by the other replica after %s", time.Since(start).Round(time.Millisecond))
				return
			}
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Fatal(err)
			}
			if time.Since(start) > changefeed.Lease+20*time.Millisecond {
				t.Fatalf("the other replica still accepts the token %s after the key was disabled", time.Since(start))
			}
			time.Sleep(time.Millisecond)
		}
	})
}

func setupB(b *testing.B) (*credential.Service, *database.DB, *clock) {
	return setup(b, dbtest.SQLiteURL(b))
}

// A rotation racing a disable keeps both changes: the key stays disabled,
// and once enabled again only the new secret obtains tokens.
func TestRotationRacingADisableKeepsBoth(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, _, _ := setup(t, dsn)
		for round := range 20 {
			k, _, err := s.CreateAppKey(ctx, "t1", "crm")
			if err != nil {
				t.Fatal(err)
			}
			var secret string
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, 2)
			wg.Go(func() {
				<-start
				_, secret, errs[0] = s.RotateAppKey(ctx, k.Key)
			})
			wg.Go(func() {
				<-start
				_, errs[1] = s.SetAppKeyEnabled(ctx, k.Key, false)
			})
			close(start)
			wg.Wait()
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("round %d: rotate %v, disable %v", round, errs[0], errs[1])
			}
			if _, err := s.IssueGatewayToken(ctx, k.Key, secret, time.Minute, anyTenant); aiccd.KindOf(err) != aiccd.KindUnauthorized {
				t.Fatalf("round %d: the disabled key issued a token (%v): the rotation re-enabled it", round, err)
			}
			if _, err := s.SetAppKeyEnabled(ctx, k.Key, true); err != nil {
				t.Fatal(err)
			}
			if _, err := s.IssueGatewayToken(ctx, k.Key, secret, time.Minute, anyTenant); err != nil {
				t.Fatalf("round %d: the rotated secret is refused (%v): the disable brought the old one back", round, err)
			}
		}
	})
}
