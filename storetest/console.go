package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/admin"
	"github.com/aiccd/aiccd/database"
)

func testConsole(t *testing.T, db *database.DB) {
	ctx := context.Background()
	s := db.Console
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

	t.Run("users and sessions", func(t *testing.T) {
		ann := admin.User{Name: "ann", Role: admin.RoleOperator, PasswordHash: "$argon2id$ann", CreatedAt: at}
		bob := admin.User{Name: "Bob", Role: admin.RoleViewer, PasswordHash: "$argon2id$bob", CreatedAt: at}
		for _, u := range []admin.User{ann, bob} {
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateUser(ctx, ann); !errors.Is(err, aiccd.ErrConflict) {
			t.Fatalf("the same name twice: %v", err)
		}
		if got, err := s.User(ctx, "ann"); err != nil || got != ann {
			t.Fatalf("User = %+v, %v", got, err)
		}
		if _, err := s.User(ctx, "nobody"); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("unknown user: %v", err)
		}
		// Names are compared byte by byte, listed in byte order.
		if us, err := s.Users(ctx); err != nil || len(us) != 2 || us[0] != bob || us[1] != ann {
			t.Fatalf("Users = %+v, %v", us, err)
		}

		live := admin.Session{TokenHash: "h1", UserName: "ann", Role: admin.RoleOperator, CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
		old := admin.Session{TokenHash: "h2", UserName: "ann", Role: admin.RoleOperator, CreatedAt: at, ExpiresAt: at.Add(time.Minute)}
		bobs := admin.Session{TokenHash: "h3", UserName: "Bob", Role: admin.RoleViewer, CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
		for _, sess := range []admin.Session{live, old, bobs} {
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateSession(ctx, admin.Session{TokenHash: "h4", UserName: "nobody", Role: admin.RoleViewer,
			CreatedAt: at, ExpiresAt: at.Add(time.Hour)}); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("a session of an unknown user: %v", err)
		}
		if got, err := s.Session(ctx, "h1"); err != nil || got != live {
			t.Fatalf("Session = %+v, %v", got, err)
		}
		// Use pushes an expiry back; a session that is gone is not found.
		if err := s.ExtendSession(ctx, "h2", at.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Session(ctx, "h2"); err != nil || !got.ExpiresAt.Equal(at.Add(2*time.Minute)) {
			t.Fatalf("an extended session: %+v, %v", got, err)
		}
		if err := s.ExtendSession(ctx, "h9", at); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("extending a session that does not exist: %v", err)
		}
		if err := s.DeleteExpiredSessions(ctx, at.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, "h2"); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("an expired session after the clean-up: %v", err)
		}
		if err := s.DeleteSession(ctx, "h1"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSession(ctx, "h1"); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("a session signed out twice: %v", err)
		}
		// Deleting a user ends their sessions.
		if err := s.DeleteUser(ctx, "Bob"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, "h3"); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("the session of a deleted user: %v", err)
		}
		if err := s.DeleteUser(ctx, "Bob"); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("a user deleted twice: %v", err)
		}
	})

	t.Run("audit", func(t *testing.T) {
		var all []admin.AuditEntry
		for i, actor := range []string{"ann", "bob", "ann", "ann"} {
			e := admin.AuditEntry{ID: int64(10 + i), At: at.Add(time.Duration(i) * time.Second), Actor: actor,
				Action: "tenant.create", Target: "t1", Detail: "name=Acme", Source: "127.0.0.1"}
			if err := s.AddAudit(ctx, e); err != nil {
				t.Fatal(err)
			}
			all = append(all, e)
		}
		got, err := s.Audit(ctx, admin.AuditQuery{Limit: 10})
		if err != nil || len(got) != 4 || got[0] != all[3] || got[3] != all[0] {
			t.Fatalf("Audit = %+v, %v", got, err)
		}
		got, err = s.Audit(ctx, admin.AuditQuery{Actor: "ann", Before: 13, Limit: 1})
		if err != nil || len(got) != 1 || got[0] != all[2] {
			t.Fatalf("ann's before 13 = %+v, %v", got, err)
		}
	})
}
