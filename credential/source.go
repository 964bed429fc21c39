package credential

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

type sourceKey struct{}

// WithSource returns ctx carrying the source address of the request being
// authenticated, as the adapter that received it names it (the HTTP API:
// the TCP peer's IP address, IPv6 addresses by their /64). Lockouts count
// per credential and source, and some rate limits per source.
func WithSource(ctx context.Context, source string) context.Context {
	return context.WithValue(ctx, sourceKey{}, source)
}

// sourceFrom returns the source WithSource put in ctx; callers that did
// not say share one.
func sourceFrom(ctx context.Context) string {
	if s, _ := ctx.Value(sourceKey{}).(string); s != "" {
		return s
	}
	return "unknown"
}

// maxKeyName is longer than the name of any credential aiccd issues (an
// IAM user's is an account ID and a user name of 64 bytes each).
const maxKeyName = 130

// guardKey names a credential in the Guard: its kind and name, a name
// longer than any real credential's replaced by its digest, so that the
// Guard's keys stay small whatever a client sends.
func guardKey(kind, name string) string {
	if len(name) > maxKeyName {
		sum := sha256.Sum256([]byte(name))
		name = "#" + hex.EncodeToString(sum[:16])
	}
	return kind + ":" + name
}

// fromSource names a credential used from the source in ctx.
func fromSource(ctx context.Context, key string) string { return key + "@" + sourceFrom(ctx) }
