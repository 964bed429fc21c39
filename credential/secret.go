package credential

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// newToken returns an opaque token of 256 random bits, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is how generated secrets and tokens are stored: they carry
// 256 bits of entropy, so a fast hash cannot be brute-forced and keeps
// verification cheap.
func hashSecret(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// tokenKey is the in-memory cache key of a token: its hash, computed
// without allocating.
func tokenKey(token string) [32]byte {
	var buf [96]byte
	if len(token) <= len(buf) {
		return sha256.Sum256(append(buf[:0], token...))
	}
	return sha256.Sum256([]byte(token))
}

// tokenID is the public short ID of a token hash.
func tokenID(hash []byte) string { return hex.EncodeToString(hash)[:16] }

// equalHash compares two hashes in constant time.
func equalHash(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

const alnumUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n characters drawn uniformly from alphabet.
func randomString(alphabet string, n int) string {
	out := make([]byte, n)
	limit := 256 - 256%len(alphabet) // reject bytes that would bias the draw
	var b [1]byte
	for i := 0; i < n; {
		rand.Read(b[:])
		if int(b[0]) < limit {
			out[i] = alphabet[int(b[0])%len(alphabet)]
			i++
		}
	}
	return string(out)
}

// newAppKey returns an app key in the gateway's form: 32 lower-case hex.
func newAppKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newAccessKey returns an AK and SK in the cloud's form: 20 upper-case
// letters and digits, and 40 letters and digits (238 bits).
func newAccessKey() (ak, sk string) {
	return randomString(alnumUpper, 20), randomString(alnum, 40)
}
