package admin_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/admin"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/snowflake"
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

func newService(t *testing.T) (*admin.Service, *clock) {
	db := dbtest.Open(t, dbtest.SQLiteURL(t))
	c := &clock{now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	creds := credential.NewService(credential.Options{
		Store: db.Credentials, Clock: c, Guard: credential.NewMemoryGuard(c, 1000, nil),
	})
	ids, err := snowflake.New(1, c)
	if err != nil {
		t.Fatal(err)
	}
	return admin.NewService(admin.Options{Store: db.Console, Clock: c, IDs: ids, Passwords: creds}), c
}

func TestSignInAndSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := newService(t)
	if _, err := s.CreateUser(ctx, "ann", admin.RoleOperator, "short"); aiccd.KindOf(err) != aiccd.KindInvalid {
		t.Fatalf("a password against the policy: %v", err)
	}
	if _, err := s.CreateUser(ctx, "ann", "root", "Str0ng-pass"); aiccd.KindOf(err) != aiccd.KindInvalid {
		t.Fatalf("an unknown role: %v", err)
	}
	if _, err := s.CreateUser(ctx, "ann smith", admin.RoleOperator, "Str0ng-pass"); aiccd.KindOf(err) != aiccd.KindInvalid {
		t.Fatalf("a name with a space: %v", err)
	}
	if _, err := s.CreateUser(ctx, "ann", admin.RoleOperator, "Str0ng-pass"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "ann", admin.RoleViewer, "Str0ng-pass"); aiccd.KindOf(err) != aiccd.KindConflict {
		t.Fatalf("the same name twice: %v", err)
	}

	for _, try := range []struct{ name, pw string }{{"ann", "wrong-pass1"}, {"nobody", "Str0ng-pass"}} {
		if _, _, err := s.SignIn(ctx, try.name, try.pw); aiccd.KindOf(err) != aiccd.KindUnauthorized {
			t.Fatalf("sign in as %s: %v", try.name, err)
		}
	}
	sess, token, err := s.SignIn(ctx, "ann", "Str0ng-pass")
	if err != nil {
		t.Fatal(err)
	}
	if sess.TokenHash == token || sess.TokenHash != admin.HashToken(token) || sess.Role != admin.RoleOperator {
		t.Fatalf("session %+v for token %q", sess, token)
	}
	if got, err := s.Authenticate(ctx, token); err != nil || got.UserName != "ann" {
		t.Fatalf("Authenticate = %+v, %v", got, err)
	}
	if _, err := s.Authenticate(ctx, token+"x"); !errors.Is(err, admin.ErrNoSession) {
		t.Fatalf("a wrong token: %v", err)
	}
	// Used every 20 minutes, the session outlives its idle time of 30
	// minutes, up to its lifetime of 12 hours from sign-in.
	for range 12*3 - 1 {
		c.Add(20 * time.Minute)
		got, err := s.Authenticate(ctx, token)
		if err != nil {
			t.Fatalf("a session in use, at %s: %v", c.Now(), err)
		}
		if _, err := s.Touch(ctx, got); err != nil {
			t.Fatal(err)
		}
	}
	c.Add(20 * time.Minute)
	if _, err := s.Authenticate(ctx, token); !errors.Is(err, admin.ErrNoSession) {
		t.Fatalf("a session past its lifetime: %v", err)
	}
	// Unused for 30 minutes, a session ends.
	_, token, err = s.SignIn(ctx, "ann", "Str0ng-pass")
	if err != nil {
		t.Fatal(err)
	}
	c.Add(admin.SessionIdle - time.Second)
	if _, err := s.Authenticate(ctx, token); err != nil {
		t.Fatalf("a session idle for less than its idle time: %v", err)
	}
	c.Add(time.Second)
	if _, err := s.Authenticate(ctx, token); !errors.Is(err, admin.ErrNoSession) {
		t.Fatalf("an idle session: %v", err)
	}

	_, token, err = s.SignIn(ctx, "ann", "Str0ng-pass")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SignOut(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, token); !errors.Is(err, admin.ErrNoSession) {
		t.Fatalf("a signed-out session: %v", err)
	}
	_, token, _ = s.SignIn(ctx, "ann", "Str0ng-pass")
	if err := s.DeleteUser(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, token); !errors.Is(err, admin.ErrNoSession) {
		t.Fatalf("the session of a deleted user: %v", err)
	}
}

// Console sign-ins are locked out after repeated failures, as IAM logins
// are: the lockout is the credential service's.
func TestSignInLockout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newService(t)
	if _, err := s.CreateUser(ctx, "ann", admin.RoleViewer, "Str0ng-pass"); err != nil {
		t.Fatal(err)
	}
	var err error
	for range 10 {
		if _, _, err = s.SignIn(ctx, "ann", "wrong-pass1"); aiccd.KindOf(err) == aiccd.KindRateLimited {
			break
		}
	}
	if aiccd.CodeOf(err) != credential.CodeLocked {
		t.Fatalf("after repeated failures: %v, want a lockout", err)
	}
	if _, _, err := s.SignIn(ctx, "ann", "Str0ng-pass"); aiccd.CodeOf(err) != credential.CodeLocked {
		t.Fatalf("the right password while locked out: %v", err)
	}
}

func TestAuditIsNewestFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := newService(t)
	for _, action := range []string{"tenant.create", "appkey.create"} {
		if err := s.Record(ctx, admin.AuditEntry{Actor: "ann", Action: action, Target: "t1"}); err != nil {
			t.Fatal(err)
		}
		c.Add(time.Second)
	}
	es, err := s.Audit(ctx, admin.AuditQuery{})
	if err != nil || len(es) != 2 || es[0].Action != "appkey.create" || es[0].ID <= es[1].ID || !es[0].At.After(es[1].At) {
		t.Fatalf("Audit = %+v, %v", es, err)
	}
}
