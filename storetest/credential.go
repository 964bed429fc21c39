package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/tenant"
)

func testCredentials(t *testing.T, db *database.DB) {
	ctx := context.Background()
	s := db.Credentials
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if err := db.Tenants.Create(ctx, tenant.Tenant{ID: "t1", CreatedAt: at, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}

	t.Run("app keys", func(t *testing.T) {
		k := credential.AppKey{Key: "key1", TenantID: "t1", Name: "crm", SecretHash: []byte{1, 2, 3}, Enabled: true, CreatedAt: at, UpdatedAt: at}
		if err := s.CreateAppKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAppKey(ctx, k); !errors.Is(err, aiccd.ErrConflict) {
			t.Fatalf("duplicate app key: %v", err)
		}
		orphan := k
		orphan.Key, orphan.TenantID = "key2", "no-such-tenant"
		if err := s.CreateAppKey(ctx, orphan); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("app key of a missing tenant: %v", err)
		}
		k.Enabled, k.SecretHash, k.UpdatedAt = false, []byte{9}, at.Add(time.Minute)
		if _, err := s.UpdateAppKey(ctx, "key1", replaceWith(k)); err != nil {
			t.Fatal(err)
		}
		got, err := s.AppKey(ctx, "key1")
		if err != nil || got.Enabled || !bytes.Equal(got.SecretHash, []byte{9}) || !got.UpdatedAt.Equal(k.UpdatedAt) || got.Name != "crm" {
			t.Fatalf("AppKey = %+v, %v", got, err)
		}
		if _, err := s.UpdateAppKey(ctx, "missing", replaceWith(k)); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("update of a missing key: %v", err)
		}
		if ks, err := s.AppKeys(ctx, "t1"); err != nil || len(ks) != 1 {
			t.Fatalf("AppKeys(t1) = %v, %v", ks, err)
		}
		if ks, err := s.AppKeys(ctx, "other"); err != nil || len(ks) != 0 {
			t.Fatalf("AppKeys(other) = %v, %v", ks, err)
		}
	})

	t.Run("tokens", func(t *testing.T) {
		hash := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
		for i, name := range []string{"a", "b", "c"} {
			tok := credential.Token{Hash: hash(name), Kind: credential.TokenMall, TenantID: "t1", Subject: "t1",
				CreatedAt: at.Add(time.Duration(i) * time.Second), ExpiresAt: at.Add(time.Hour)}
			if err := s.CreateToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		iam := credential.Token{Hash: hash("iam"), Kind: credential.TokenIAM, Subject: "u1", CreatedAt: at, ExpiresAt: at.Add(-time.Hour * 2)}
		if err := s.CreateToken(ctx, iam); err != nil {
			t.Fatal(err)
		}
		got, err := s.Token(ctx, hash("iam"))
		if err != nil || got.TenantID != "" || got.Subject != "u1" || got.RevokedAt != nil {
			t.Fatalf("Token = %+v, %v", got, err)
		}
		if list, err := s.Tokens(ctx, credential.TokenMall, "t1"); err != nil || len(list) != 3 {
			t.Fatalf("Tokens = %d, %v", len(list), err)
		}
		prefix := hex.EncodeToString(hash("b"))[:10]
		revoked, err := s.RevokeTokens(ctx, credential.TokenMall, "t1", prefix, at)
		if err != nil || len(revoked) != 1 || !bytes.Equal(revoked[0], hash("b")) {
			t.Fatalf("RevokeTokens(prefix) = %v, %v", revoked, err)
		}
		if got, _ := s.Token(ctx, hash("b")); got.RevokedAt == nil || !got.RevokedAt.Equal(at) {
			t.Fatalf("token b not revoked: %+v", got)
		}
		revoked, err = s.RevokeTokens(ctx, credential.TokenMall, "t1", "", at)
		if err != nil || len(revoked) != 2 {
			t.Fatalf("RevokeTokens(all) revoked %d, %v; want the 2 left", len(revoked), err)
		}
		n, err := s.DeleteExpiredTokens(ctx, at.Add(-time.Hour), 10)
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpiredTokens = %d, %v", n, err)
		}
		if _, err := s.Token(ctx, hash("iam")); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("expired token left: %v", err)
		}
	})

	t.Run("accounts, users and access keys", func(t *testing.T) {
		a := credential.Account{ID: "p1", Name: "partner-one", IsPartner: true, Enabled: true, CreatedAt: at, UpdatedAt: at}
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		dup := a
		dup.ID = "p2"
		if err := s.CreateAccount(ctx, dup); !errors.Is(err, aiccd.ErrConflict) {
			t.Fatalf("duplicate account name: %v", err)
		}
		if got, err := s.AccountByName(ctx, "partner-one"); err != nil || got != a {
			t.Fatalf("AccountByName = %+v, %v", got, err)
		}
		a.IsPartner = false
		if _, err := s.UpdateAccount(ctx, "p1", replaceWith(a)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Account(ctx, "p1"); got.IsPartner {
			t.Fatal("UpdateAccount did not store is_partner")
		}

		u := credential.IAMUser{ID: "u1", AccountID: "p1", Name: "admin", PasswordHash: "$argon2id$x", Enabled: true, CreatedAt: at, UpdatedAt: at}
		if err := s.CreateIAMUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		u2 := u
		u2.ID = "u2"
		if err := s.CreateIAMUser(ctx, u2); !errors.Is(err, aiccd.ErrConflict) {
			t.Fatalf("duplicate user name in an account: %v", err)
		}
		if got, err := s.IAMUserByName(ctx, "p1", "admin"); err != nil || got != u {
			t.Fatalf("IAMUserByName = %+v, %v", got, err)
		}
		u.Enabled, u.PasswordHash = false, "$argon2id$y"
		if _, err := s.UpdateIAMUser(ctx, "u1", replaceWith(u)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.IAMUser(ctx, "u1"); got.Enabled || got.PasswordHash != "$argon2id$y" {
			t.Fatalf("UpdateIAMUser not stored: %+v", got)
		}

		k := credential.AccessKey{AK: "AK1", AccountID: "p1", SealedSK: []byte("sealed"), Description: "ci", Enabled: true, CreatedAt: at, UpdatedAt: at}
		if err := s.CreateAccessKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		orphan := k
		orphan.AK, orphan.AccountID = "AK2", "nobody"
		if err := s.CreateAccessKey(ctx, orphan); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("AK of a missing account: %v", err)
		}
		k.Enabled = false
		if _, err := s.UpdateAccessKey(ctx, "AK1", replaceWith(k)); err != nil {
			t.Fatal(err)
		}
		if ks, err := s.AccessKeys(ctx, "p1"); err != nil || len(ks) != 1 || ks[0].Enabled || string(ks[0].SealedSK) != "sealed" {
			t.Fatalf("AccessKeys = %+v, %v", ks, err)
		}
	})

	t.Run("taken names", func(t *testing.T) {
		// After the subtest above: account partner-one with its user admin.
		for _, a := range []credential.Account{
			{ID: "p3", Name: "Acme-Partner", Enabled: true, CreatedAt: at, UpdatedAt: at},
			{ID: "p4", Name: "\u212Aelvin", Enabled: true, CreatedAt: at, UpdatedAt: at}, // KELVIN SIGN, not the letter K
			{ID: "p5", Name: "ÄRGER", Enabled: true, CreatedAt: at, UpdatedAt: at},
		} {
			if err := s.CreateAccount(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		u := credential.IAMUser{ID: "u3", AccountID: "p3", Name: "Ops.Team", PasswordHash: "$argon2id$x", Enabled: true, CreatedAt: at, UpdatedAt: at}
		if err := s.CreateIAMUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := s.TakenNames(ctx, []string{"acme-partner", "partner-one", "admin", "ops.team", "p3", "kelvin", "ärger", "nobody"})
		slices.Sort(got)
		// Account IDs are not names; only ASCII letters are folded, alike
		// on both engines.
		if want := []string{"acme-partner", "admin", "ops.team", "partner-one"}; err != nil || !slices.Equal(got, want) {
			t.Fatalf("TakenNames = %q, %v; want %q", got, err, want)
		}
		if got, err := s.TakenNames(ctx, []string{"Äarger", "Ärger"}); err != nil || !slices.Equal(got, []string{"Ärger"}) {
			t.Fatalf("TakenNames of a non-ASCII name = %q, %v", got, err)
		}
		if got, err := s.TakenNames(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("TakenNames(nil) = %q, %v", got, err)
		}
	})

	t.Run("settings", func(t *testing.T) {
		if _, err := s.Setting(ctx, "k"); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("missing setting: %v", err)
		}
		s.PutSettingIfAbsent(ctx, "k", "first")
		s.PutSettingIfAbsent(ctx, "k", "second")
		if v, err := s.Setting(ctx, "k"); err != nil || v != "first" {
			t.Fatalf("Setting = %q, %v", v, err)
		}
	})
}
