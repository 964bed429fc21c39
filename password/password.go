// Package password stores and checks human-chosen passwords: argon2id
// hashes in the PHC string format, and the cloud's password policy. IAM
// users (credential) and partner customers (partner) share it.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"

	"github.com/aiccd/aiccd"
	"golang.org/x/crypto/argon2"
)

// argon2id parameters: the OWASP baseline (19 MiB, 2 passes, 1 lane).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// cost is what Hash spends: the baseline, unless a test binary lowered it
// (LowerCostForTests).
var cost = struct{ time, memory uint32 }{argonTime, argonMemory}

// Hash returns the argon2id hash of password in PHC string format.
func Hash(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, cost.time, cost.memory, argonThreads, argonKeyLen)
	return phcString(cost.memory, cost.time, salt, key)
}

func phcString(memory, time uint32, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memory, time, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// Check reports whether password matches the PHC-format hash.
func Check(hash, password string) bool {
	h, ok := parsePHC(hash)
	if !ok {
		return false
	}
	got := argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1
}

// phc is a parsed argon2id hash.
type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parsePHC reads "$argon2id$v=19$m=…,t=…,p=…$salt$key". It refuses
// parameters argon2 would panic on, and costs far above the ones Hash
// uses, so that a damaged row cannot crash or stall a login.
func parsePHC(hash string) (phc, bool) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return phc{}, false
	}
	var h phc
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return phc{}, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.time, &h.threads); err != nil {
		return phc{}, false
	}
	if h.time < 1 || h.time > 16 || h.threads < 1 || h.memory < 8*uint32(h.threads) || h.memory > 1<<20 {
		return phc{}, false
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return phc{}, false
	}
	if h.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(h.key) < 16 {
		return phc{}, false
	}
	return h, true
}

// Validate applies the cloud's password policy: 8 to 128 characters with
// at least two of upper case, lower case, digits and special characters.
func Validate(p string) error {
	if n := len([]rune(p)); n < 8 || n > 128 {
		return aiccd.Errorf(aiccd.KindInvalid, "the password must have 8 to 128 characters")
	}
	var classes [4]bool
	for _, r := range p {
		switch {
		case unicode.IsUpper(r):
			classes[0] = true
		case unicode.IsLower(r):
			classes[1] = true
		case unicode.IsDigit(r):
			classes[2] = true
		default:
			classes[3] = true
		}
	}
	n := 0
	for _, c := range classes {
		if c {
			n++
		}
	}
	if n < 2 {
		return aiccd.Errorf(aiccd.KindInvalid, "the password must mix at least two of: upper case, lower case, digits, special characters")
	}
	return nil
}
