// Package masterkey holds the key that seals recoverable secrets at rest
// (AK/SK secret keys, personal data): AES-256-GCM with a key from the
// configuration, or from a key file generated on first start with mode
// 0600. Every replica sharing a database must use the same key; a check
// value stored in the database catches a mismatch before any secret is
// written with the wrong key.
package masterkey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/aiccd/aiccd"
)

// Size is the key length in bytes.
const Size = 32

// Key seals and opens values with AES-256-GCM.
type Key struct {
	aead  cipher.AEAD
	raw   []byte
	blind []byte // the HMAC key of blind indexes, derived from raw
	// blinds holds HMACs keyed with blind, reset for each use: keying one
	// anew hashes the key twice, a third of a short value's digest.
	blinds sync.Pool
}

var (
	_ aiccd.Sealer  = (*Key)(nil)
	_ aiccd.Blinder = (*Key)(nil)
)

// Parse reads a key given as base64 (standard or URL alphabet) or hex.
func Parse(s string) (*Key, error) {
	s = strings.TrimSpace(s)
	for _, dec := range []func(string) ([]byte, error){
		base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString, hex.DecodeString,
	} {
		if b, err := dec(s); err == nil && len(b) == Size {
			return New(b)
		}
	}
	return nil, fmt.Errorf("master key: want %d bytes in base64 or hex", Size)
}

// New returns a Key of raw, which must be Size bytes.
func New(raw []byte) (*Key, error) {
	if len(raw) != Size {
		return nil, fmt.Errorf("master key: want %d bytes, got %d", Size, len(raw))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &Key{aead: aead, raw: append([]byte(nil), raw...), blind: derive(raw, "aiccd blind index v1")}
	k.blinds.New = func() any { return hmac.New(sha256.New, k.blind) }
	return k, nil
}

// LoadOrCreate reads the key file at path, or creates it with a new random
// key (mode 0600, directory created) when it does not exist.
func LoadOrCreate(path string) (k *Key, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := Parse(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		return k, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	raw := make([]byte, Size)
	rand.Read(raw)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another process won the race
			return LoadOrCreate(path)
		}
		return nil, false, err
	}
	_, werr := f.WriteString(base64.StdEncoding.EncodeToString(raw) + "\n")
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return nil, false, err
	}
	k, err = New(raw)
	return k, true, err
}

// Seal encrypts plaintext bound to aad: nonce || ciphertext || tag.
func (k *Key) Seal(plaintext, aad []byte) ([]byte, error) {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	rand.Read(nonce)
	return k.aead.Seal(nonce, nonce, plaintext, aad), nil
}

// Open decrypts a value sealed with the same key and aad.
func (k *Key) Open(sealed, aad []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n+k.aead.Overhead() {
		return nil, errors.New("master key: sealed value too short")
	}
	return k.aead.Open(nil, sealed[:n], sealed[n:], aad)
}

// Blind returns the HMAC-SHA256 of value under a key derived from the
// master key for blind indexes, separated by purpose: a digest to look up
// and keep unique a value that is stored sealed.
func (k *Key) Blind(purpose string, value []byte) []byte {
	mac := k.blinds.Get().(hash.Hash)
	defer k.blinds.Put(mac)
	mac.Reset()
	mac.Write([]byte(purpose))
	mac.Write([]byte{0})
	mac.Write(value)
	return mac.Sum(nil)
}

// Derive returns a 32-byte key for one purpose, derived from the master
// key: a use that needs a key of its own (sealing and signing gateway
// tokens) never holds the master key itself, and no two purposes share a
// key.
func (k *Key) Derive(purpose string) []byte { return derive(k.raw, purpose) }

// derive returns a subkey of raw for one use, so that no two uses share
// a key.
func derive(raw []byte, use string) []byte {
	mac := hmac.New(sha256.New, raw)
	mac.Write([]byte(use))
	return mac.Sum(nil)
}

// Check is a value derived from the key that identifies it without
// revealing it; the database keeps the check of the key its secrets were
// sealed with.
func (k *Key) Check() string {
	mac := hmac.New(sha256.New, k.raw)
	mac.Write([]byte("aiccd master key check v1"))
	return hex.EncodeToString(mac.Sum(nil))[:32]
}
