package credential_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/masterkey"
)

// readOnlyStore refuses every write: what a service does over it writes
// nothing.
type readOnlyStore struct{ credential.Store }

var errWrite = errors.New("a write")

func (readOnlyStore) CreateToken(context.Context, credential.Token) error { return errWrite }
func (readOnlyStore) UpdateAppKey(context.Context, string, func(credential.AppKey) (credential.AppKey, error)) (credential.AppKey, error) {
	return credential.AppKey{}, errWrite
}
func (readOnlyStore) RevokeTokens(context.Context, credential.TokenKind, string, string, time.Time) ([][]byte, error) {
	return nil, errWrite
}
func (readOnlyStore) DeleteExpiredTokens(context.Context, time.Time, int) (int, error) {
	return 0, errWrite
}

// TestGatewayTokensAreNotStored: issuing and verifying a gateway token
// writes nothing, and a replica that never saw the token verifies it.
func TestGatewayTokensAreNotStored(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, db, c := setup(t, dsn)
		k, secret, err := s.CreateAppKey(ctx, "t1", "crm")
		if err != nil {
			t.Fatal(err)
		}
		replica := credential.NewService(credential.Options{
			Store: readOnlyStore{db.Credentials}, Clock: c, Sealer: testKey,
			Guard: credential.NewMemoryGuard(c, 1000, nil),
		})
		tok, err := replica.IssueGatewayToken(ctx, k.Key, secret, time.Minute, anyTenant)
		if err != nil {
			t.Fatalf("issuing a token wrote: %v", err)
		}
		if len(tok.AccessToken) != credential.GatewayTokenLength {
			t.Fatalf("token %q has %d characters, want %d", tok.AccessToken, len(tok.AccessToken), credential.GatewayTokenLength)
		}
		if raw, err := base64.RawURLEncoding.DecodeString(tok.AccessToken); err != nil || len(raw) != 32 {
			t.Fatalf("token %q is not base64url of 32 bytes: %v", tok.AccessToken, err)
		}
		p, err := s.VerifyGatewayToken(ctx, tok.AccessToken)
		if err != nil || p.AppKey != k.Key || p.TenantID != "t1" {
			t.Fatalf("a token of another replica: %+v, %v", p, err)
		}
		again, _ := replica.IssueGatewayToken(ctx, k.Key, secret, time.Minute, anyTenant)
		if again.AccessToken == tok.AccessToken {
			t.Fatal("two tokens issued at once are equal")
		}
	})
}

// TestGatewayTokensAreUnforgeable: no change to a token, and no token made
// with another master key or for another app key, is accepted.
func TestGatewayTokensAreUnforgeable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db, c := setup(t, dbtest.SQLiteURL(t))
	k1, secret1, _ := s.CreateAppKey(ctx, "t1", "one")
	k2, secret2, _ := s.CreateAppKey(ctx, "t1", "two")
	tok1, _ := s.IssueGatewayToken(ctx, k1.Key, secret1, time.Hour, anyTenant)
	tok2, _ := s.IssueGatewayToken(ctx, k2.Key, secret2, time.Hour, anyTenant)
	refused := func(what, token string) {
		t.Helper()
		p, err := s.VerifyGatewayToken(ctx, token)
		if aiccd.KindOf(err) != aiccd.KindUnauthorized {
			t.Errorf("%s: accepted as %+v (%v)", what, p, err)
		}
	}

	raw1, _ := base64.RawURLEncoding.DecodeString(tok1.AccessToken)
	for i := range raw1 {
		for _, bit := range []byte{1, 0x80} {
			forged := bytes.Clone(raw1)
			forged[i] ^= bit
			refused("a token with a flipped bit", base64.RawURLEncoding.EncodeToString(forged))
		}
	}
	raw2, _ := base64.RawURLEncoding.DecodeString(tok2.AccessToken)
	refused("key one's block with key two's tag", base64.RawURLEncoding.EncodeToString(append(raw1[:16:16], raw2[16:]...)))
	refused("key two's block with key one's tag", base64.RawURLEncoding.EncodeToString(append(raw2[:16:16], raw1[16:]...)))
	refused("a token with padding", tok1.AccessToken+"=")
	refused("a token cut short", tok1.AccessToken[:42])

	otherKey, _ := masterkey.New(bytes.Repeat([]byte{43}, masterkey.Size))
	other := credential.NewService(credential.Options{
		Store: db.Credentials, Clock: c, Sealer: otherKey,
		Guard: credential.NewMemoryGuard(c, 1000, nil),
	})
	foreign, err := other.IssueGatewayToken(ctx, k1.Key, secret1, time.Hour, anyTenant)
	if err != nil {
		t.Fatal(err)
	}
	refused("a token made with another master key", foreign.AccessToken)

	if _, err := s.VerifyGatewayToken(ctx, tok1.AccessToken); err != nil {
		t.Fatalf("the original token: %v", err)
	}
}

// FuzzVerifyGatewayToken: whatever a client sends as a Bearer token, the
// verifier answers without a panic, and accepts only a token it issued.
func FuzzVerifyGatewayToken(f *testing.F) {
	ctx := context.Background()
	s, _, _ := setup(f, dbtest.SQLiteURL(f))
	k, secret, _ := s.CreateAppKey(ctx, "t1", "crm")
	tok, _ := s.IssueGatewayToken(ctx, k.Key, secret, time.Hour, anyTenant)
	f.Add(tok.AccessToken)
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("")
	f.Add("not a token")
	f.Fuzz(func(t *testing.T, token string) {
		p, err := s.VerifyGatewayToken(ctx, token)
		if err == nil && token != tok.AccessToken {
			t.Fatalf("%q accepted as %+v", token, p)
		}
		if err != nil && aiccd.KindOf(err) != aiccd.KindUnauthorized {
			t.Fatalf("%q: %v", token, err)
		}
	})
}
