package credential

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"sync"
	"time"

	"github.com/aiccd/aiccd"
)

// A gateway token (tokenByAkSk's AccessToken) is not stored: it carries
// what verifying it needs, so that issuing one writes nothing. It is 32
// bytes, base64url without padding (43 characters, as the gateway's
// tokens):
//
//	block  16 bytes  AES-256 of: version (1), app key ID (4, big-endian),
//	                 issue time in Unix milliseconds (6), lifetime in
//	                 seconds (2), random (3)
//	tag    16 bytes  HMAC-SHA256 of block, app key and the key's secret
//	                 hash, truncated
//
// Both keys are derived from the master key (the Sealer), so every replica
// verifies every other's tokens and nothing else can make one: the block keeps the key ID and times unreadable, the
// tag unforgeable. The tag covers the app key's current secret hash, so
// rotating the secret revokes every token issued before, and it covers the
// app key itself, so a token never passes for another key's. Disabling a
// key refuses its tokens through the key's enabled flag, which every
// replica learns of through the change feed.
// tokenKeyPurpose is the purpose of the master key's derived key for
// gateway tokens (masterkey.Key.Derive).
const tokenKeyPurpose = "aiccd gateway tokens v1"

// keyDeriver is a Sealer that derives keys for other purposes, as the
// master key does.
type keyDeriver interface {
	Derive(purpose string) []byte
}

const (
	gatewayTokenVersion = 1
	gatewayTokenBytes   = 32
	// GatewayTokenLength is the length of a gateway token's text.
	GatewayTokenLength = 43
)

// gatewayTokenKeys seal and sign gateway tokens.
type gatewayTokenKeys struct {
	block cipher.Block
	macs  sync.Pool // of hash.Hash, HMAC-SHA256 under the signing key
}

// newGatewayTokenKeys derives the keys of gateway tokens from sealer, or
// returns nil when it derives none (a service that never sees a gateway
// token: admin tests, the demo's loader).
func newGatewayTokenKeys(sealer aiccd.Sealer) *gatewayTokenKeys {
	d, ok := sealer.(keyDeriver)
	if !ok {
		return nil
	}
	tokenKey := d.Derive(tokenKeyPurpose)
	sub := func(use string) []byte {
		m := hmac.New(sha256.New, tokenKey)
		m.Write([]byte(use))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(sub("aiccd gateway token encryption"))
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	signing := sub("aiccd gateway token signature")
	return &gatewayTokenKeys{block: block, macs: sync.Pool{New: func() any { return hmac.New(sha256.New, signing) }}}
}

// gatewayClaims is what a token says.
type gatewayClaims struct {
	keyID    int64
	issuedAt int64 // Unix milliseconds
	lifetime time.Duration
}

// expiresAt returns when the token expires, in Unix milliseconds.
func (c gatewayClaims) expiresAt() int64 { return c.issuedAt + c.lifetime.Milliseconds() }

// issue returns the token of k for claims.
func (g *gatewayTokenKeys) issue(k AppKey, c gatewayClaims) string {
	var raw [gatewayTokenBytes]byte
	var plain [aes.BlockSize]byte
	plain[0] = gatewayTokenVersion
	binary.BigEndian.PutUint32(plain[1:5], uint32(c.keyID))
	putUint48(plain[5:11], uint64(c.issuedAt))
	binary.BigEndian.PutUint16(plain[11:13], uint16(c.lifetime/time.Second))
	rand.Read(plain[13:])
	g.block.Encrypt(raw[:16], plain[:])
	g.tag(raw[16:], raw[:16], k)
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

// open reads a token's claims without checking its tag, which needs the
// app key the claims name; ok is false when the text is no token.
func (g *gatewayTokenKeys) open(token string) (raw [gatewayTokenBytes]byte, c gatewayClaims, ok bool) {
	if len(token) != GatewayTokenLength {
		return raw, c, false
	}
	if n, err := base64.RawURLEncoding.Decode(raw[:], []byte(token)); err != nil || n != gatewayTokenBytes {
		return raw, c, false
	}
	var plain [aes.BlockSize]byte
	g.block.Decrypt(plain[:], raw[:16])
	if plain[0] != gatewayTokenVersion {
		return raw, c, false
	}
	c = gatewayClaims{
		keyID:    int64(binary.BigEndian.Uint32(plain[1:5])),
		issuedAt: int64(uint48(plain[5:11])),
		lifetime: time.Duration(binary.BigEndian.Uint16(plain[11:13])) * time.Second,
	}
	return raw, c, true
}

// signedBy reports whether the token raw was issued for k as it is now.
func (g *gatewayTokenKeys) signedBy(raw [gatewayTokenBytes]byte, k AppKey) bool {
	var want [16]byte
	g.tag(want[:], raw[:16], k)
	return subtle.ConstantTimeCompare(want[:], raw[16:]) == 1
}

// tag writes the tag of block for k into dst (16 bytes).
func (g *gatewayTokenKeys) tag(dst, block []byte, k AppKey) {
	m := g.macs.Get().(hash.Hash)
	m.Reset()
	m.Write(block)
	var n [2]byte
	binary.BigEndian.PutUint16(n[:], uint16(len(k.Key)))
	m.Write(n[:]) // the key's length first: no two (key, hash) pairs write the same bytes
	m.Write([]byte(k.Key))
	m.Write(k.SecretHash)
	var sum [sha256.Size]byte
	copy(dst, m.Sum(sum[:0]))
	g.macs.Put(m)
}

func putUint48(b []byte, v uint64) {
	for i := 5; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

func uint48(b []byte) uint64 {
	var v uint64
	for _, c := range b[:6] {
		v = v<<8 | uint64(c)
	}
	return v
}
