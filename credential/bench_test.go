package credential_test

import (
	"context"
	"testing"
	"time"
)

// BenchmarkVerifyGatewayTokenCached is the hot path of every /apiaccess/
// request: a token verified before, served from memory.
func BenchmarkVerifyGatewayTokenCached(b *testing.B) {
	ctx := context.Background()
	s, _, _ := setupB(b)
	k, secret, _ := s.CreateAppKey(ctx, "t1", "bench")
	tok, err := s.IssueGatewayToken(ctx, k.Key, secret, time.Hour, anyTenant)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.VerifyGatewayToken(ctx, tok.AccessToken); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.VerifyGatewayToken(ctx, tok.AccessToken); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVerifySignature verifies an SDK-HMAC-SHA256 signed request of a
// known AK (its SK opened and cached).
func BenchmarkVerifySignature(b *testing.B) {
	ctx := context.Background()
	s, _, c := setupB(b)
	s.CreateAccount(ctx, "p1", "partner-one", true)
	k, sk, err := s.CreateAccessKey(ctx, "p1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	r, auth := signed(b, k.AK, sk, c.Now(), `{"searchType":"mobile","searchKey":"0086-13700000000"}`)
	if _, err := s.VerifySignature(ctx, r, auth); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.VerifySignature(ctx, r, auth); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssueGatewayToken is tokenByAkSk's work: the app key from
// memory, its secret hashed and compared, a token sealed and signed.
func BenchmarkIssueGatewayToken(b *testing.B) {
	ctx := context.Background()
	s, _, _ := setupB(b)
	k, secret, _ := s.CreateAppKey(ctx, "t1", "bench")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.IssueGatewayToken(ctx, k.Key, secret, time.Hour, anyTenant); err != nil {
			b.Fatal(err)
		}
	}
}
