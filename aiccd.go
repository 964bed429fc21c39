// Package aiccd holds what every part of aiccd shares: the domain error
// type, and the clock and ID abstractions that let tests control time and
// identity. Domain packages (tenant, credential, partner, accesscode,
// smartcare) build on it; adapters (sqlite, postgres, httpapi) translate
// to and from it.
//
// The packages of this module are the server's parts, importable because
// the domain lives at the module's root; only package client (and the
// examples) is meant for other programs, and only it keeps a
// compatibility promise (docs/architecture.md, "What is public").
package aiccd

import "time"

// Clock tells the time. Services take one instead of calling time.Now so that
// tests can drive token expiry, trial expiry, lockouts and fault windows.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the wall clock.
var SystemClock Clock = ClockFunc(time.Now)

// IDGenerator hands out unique 64-bit IDs, such as the snowflake-style
// access code IDs the CC pages show. Tests inject a predictable one.
type IDGenerator interface {
	NextID() int64
}

// Sealer encrypts secrets that must be recoverable, such as the SKs that
// verify AK/SK signatures, and personal data at rest. aad binds a sealed
// value to its context (the row it belongs to), so that a ciphertext
// copied into another row does not open.
type Sealer interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(sealed, aad []byte) ([]byte, error)
}

// Blinder derives a keyed digest of a value: equal values give equal
// digests, and without the key a digest reveals nothing of its value.
// Stores index sealed personal data (e-mail addresses, mobile numbers) by
// such digests, so that it can be looked up and kept unique without being
// stored in the clear. purpose separates the digests of different fields.
type Blinder interface {
	Blind(purpose string, value []byte) []byte
}

// Millis returns t in UTC, truncated to the millisecond: what both
// engines keep of a time, so that a time read back equals the one
// written.
func Millis(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
