package credential_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/tenant"
)

func from(source string) context.Context {
	return credential.WithSource(context.Background(), source)
}

// TestLockoutPerSource: failures from one address lock the credential for
// that address only; its owner elsewhere goes on working until failures
// in a row from many addresses reach the slower limit of the credential
// itself.
func TestLockoutPerSource(t *testing.T) {
	t.Parallel()
	s, _, c := setup(t, dbtest.SQLiteURL(t))
	k, secret, _ := s.CreateAppKey(context.Background(), "t1", "crm")
	token := func(source, secret string) error {
		_, err := s.IssueGatewayToken(from(source), k.Key, secret, time.Minute, anyTenant)
		return err
	}
	for range credential.SourceLockout.MaxFailures {
		token("198.51.100.1", "wrong")
	}
	if err := token("198.51.100.1", secret); aiccd.CodeOf(err) != credential.CodeLocked {
		t.Fatalf("the right secret from the address that failed: %v, want locked", err)
	}
	if err := token("192.0.2.1", secret); err != nil {
		t.Fatalf("the owner, from another address: %v", err)
	}
	// Failures in a row from enough addresses (the owner's success above
	// started the count over) lock the key for every address.
	sources := credential.PrincipalLockout.MaxFailures / credential.SourceLockout.MaxFailures
	for i := range sources {
		for range credential.SourceLockout.MaxFailures {
			token(fmt.Sprint("203.0.113.", 1+i), "wrong")
		}
	}
	if err := token("192.0.2.1", secret); aiccd.CodeOf(err) != credential.CodeLocked {
		t.Fatalf("after %d failures from %d addresses: %v, want locked", credential.PrincipalLockout.MaxFailures, sources, err)
	}
	c.Add(credential.PrincipalLockout.Duration)
	if err := token("192.0.2.1", secret); err != nil {
		t.Fatalf("after the lock ran out: %v", err)
	}
}

// TestIAMUserHasOneLockout: failures naming the user's domain by ID and
// by name count towards one lockout.
func TestIAMUserHasOneLockout(t *testing.T) {
	t.Parallel()
	s, _, _ := setup(t, dbtest.SQLiteURL(t))
	ctx := context.Background()
	if _, err := s.CreateAccount(ctx, "p1", "partner-one", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateIAMUser(ctx, "p1", "admin", "Str0ng-pass"); err != nil {
		t.Fatal(err)
	}
	byID := credential.PasswordAuth{UserName: "admin", UserDomainID: "p1", Password: "Wr0ng-pass", ScopeDomainID: "p1"}
	byName := credential.PasswordAuth{UserName: "admin", UserDomainName: "partner-one", Password: "Wr0ng-pass", ScopeDomainName: "partner-one"}
	for i := range credential.SourceLockout.MaxFailures {
		auth := byID
		if i%2 == 1 {
			auth = byName
		}
		if _, err := s.IssueIAMToken(ctx, auth); aiccd.KindOf(err) != aiccd.KindUnauthorized {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	for _, auth := range []credential.PasswordAuth{byID, byName} {
		auth.Password = "Str0ng-pass"
		if _, err := s.IssueIAMToken(ctx, auth); aiccd.CodeOf(err) != credential.CodeLocked {
			t.Fatalf("the right password after five failures under two names of the domain: %v, want locked", err)
		}
	}
}

// TestTokenByAkSkRateLimit: --rate-limit applies to the tokens of each app
// key, and to the token requests of each source address.
func TestTokenByAkSkRateLimit(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, dbtest.SQLiteURL(t))
	c := &clock{now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	if _, err := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: c}).Create(context.Background(), "t1", "Tenant One"); err != nil {
		t.Fatal(err)
	}
	s := credential.NewService(credential.Options{
		Store: db.Credentials, Clock: c, Sealer: testKey,
		Guard: credential.NewMemoryGuard(c, 1000, nil), RateLimit: credential.RateLimit{Rate: 1, Burst: 1},
	})
	k, secret, _ := s.CreateAppKey(context.Background(), "t1", "crm")
	k2, secret2, _ := s.CreateAppKey(context.Background(), "t1", "erp")
	if _, err := s.IssueGatewayToken(from("192.0.2.1"), k.Key, secret, time.Minute, anyTenant); err != nil {
		t.Fatal(err)
	}
	_, err := s.IssueGatewayToken(from("192.0.2.2"), k.Key, secret, time.Minute, anyTenant)
	if aiccd.CodeOf(err) != credential.CodeThrottled {
		t.Fatalf("a second token of one app key within the second, from another address: %v, want throttled", err)
	}
	_, err = s.IssueGatewayToken(from("192.0.2.1"), k2.Key, secret2, time.Minute, anyTenant)
	if aiccd.CodeOf(err) != credential.CodeThrottled {
		t.Fatalf("a second token request from one address within the second: %v, want throttled", err)
	}
	c.Add(time.Second)
	if _, err := s.IssueGatewayToken(from("192.0.2.1"), k2.Key, secret2, time.Minute, anyTenant); err != nil {
		t.Fatalf("a second later: %v", err)
	}
}

// TestPasswordAttemptLimits: password attempts, whatever their outcome,
// are limited per source address and per user before any password is
// checked, for unknown users alike.
func TestPasswordAttemptLimits(t *testing.T) {
	t.Parallel()
	s, _, c := setup(t, dbtest.SQLiteURL(t))
	if _, err := s.CreateAccount(context.Background(), "p1", "partner-one", true); err != nil {
		t.Fatal(err)
	}
	attempt := func(source, user string) error {
		_, err := s.IssueIAMToken(from(source), credential.PasswordAuth{
			UserName: user, UserDomainID: "p1", Password: "Wr0ng-pass", ScopeDomainID: "p1"})
		return err
	}
	// One address trying many names.
	for i := range credential.PasswordAttemptsPerSource.Burst {
		if err := attempt("198.51.100.1", fmt.Sprint("user", i)); aiccd.KindOf(err) != aiccd.KindUnauthorized {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if err := attempt("198.51.100.1", "another"); aiccd.CodeOf(err) != credential.CodeThrottled {
		t.Fatalf("over the attempts of one address: %v, want throttled", err)
	}
	// Many addresses trying one name (a new address for each, so that no
	// address reaches its lockout).
	for i := range credential.PasswordAttemptsPerUser.Burst {
		if err := attempt(fmt.Sprint("203.0.113.", i), "target"); aiccd.KindOf(err) != aiccd.KindUnauthorized {
			t.Fatalf("attempt %d on one user: %v", i, err)
		}
	}
	if err := attempt("192.0.2.1", "target"); aiccd.CodeOf(err) != credential.CodeThrottled {
		t.Fatalf("over the attempts on one user: %v, want throttled", err)
	}
	c.Add(time.Second)
	if err := attempt("192.0.2.1", "target"); aiccd.KindOf(err) != aiccd.KindUnauthorized {
		t.Fatalf("a second later: %v", err)
	}
}
