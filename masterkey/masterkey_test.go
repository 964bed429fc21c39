package masterkey

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestSealOpen(t *testing.T) {
	k, err := New(bytes.Repeat([]byte{7}, Size))
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := k.Seal([]byte("secret"), []byte("ak:A1"))
	if bytes.Contains(sealed, []byte("secret")) {
		t.Fatal("plaintext visible in sealed value")
	}
	if got, err := k.Open(sealed, []byte("ak:A1")); err != nil || string(got) != "secret" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := k.Open(sealed, []byte("ak:A2")); err == nil {
		t.Fatal("opened with another aad")
	}
	other, _ := New(bytes.Repeat([]byte{8}, Size))
	if _, err := other.Open(sealed, []byte("ak:A1")); err == nil {
		t.Fatal("opened with another key")
	}
	if k.Check() == other.Check() {
		t.Fatal("two keys share a check value")
	}
}

func TestLoadOrCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "master.key")
	k1, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", info.Mode().Perm())
	}
	k2, created, err := LoadOrCreate(path)
	if err != nil || created || k1.Check() != k2.Check() {
		t.Fatalf("reload: %v %v", created, err)
	}
}

func TestParse(t *testing.T) {
	raw := bytes.Repeat([]byte{1}, Size)
	for _, s := range []string{base64.StdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw), "0101010101010101010101010101010101010101010101010101010101010101"} {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "short", base64.StdEncoding.EncodeToString(raw[:16])} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
}

func TestBlind(t *testing.T) {
	k, _ := New(bytes.Repeat([]byte{7}, Size))
	other, _ := New(bytes.Repeat([]byte{8}, Size))
	a := k.Blind("customer.email", []byte("a@example.com"))
	if len(a) != 32 || !bytes.Equal(a, k.Blind("customer.email", []byte("a@example.com"))) {
		t.Fatalf("Blind is not a stable 32-byte digest: %x", a)
	}
	for name, b := range map[string][]byte{
		"another value":   k.Blind("customer.email", []byte("b@example.com")),
		"another purpose": k.Blind("customer.mobile", []byte("a@example.com")),
		"another key":     other.Blind("customer.email", []byte("a@example.com")),
		// The separator keeps purpose and value apart.
		"shifted boundary": k.Blind("customer.emaila", []byte("@example.com")),
	} {
		if bytes.Equal(a, b) {
			t.Errorf("%s gives the same digest", name)
		}
	}
	if bytes.Contains(a, []byte("example")) {
		t.Fatal("the digest shows the value")
	}
	// Each digest is the HMAC of purpose, NUL, value, whatever the
	// digests computed before it, from any goroutine.
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				value := []byte(fmt.Sprint(g, "-", i))
				mac := hmac.New(sha256.New, k.blind)
				mac.Write([]byte("customer.mobile\x00"))
				mac.Write(value)
				if got := k.Blind("customer.mobile", value); !bytes.Equal(got, mac.Sum(nil)) {
					t.Errorf("Blind of %s: %x, want %x", value, got, mac.Sum(nil))
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestDeriveSeparatesPurposes(t *testing.T) {
	k, _ := New(bytes.Repeat([]byte{7}, Size))
	other, _ := New(bytes.Repeat([]byte{8}, Size))
	a, b := k.Derive("purpose a"), k.Derive("purpose b")
	if len(a) != 32 || bytes.Equal(a, b) || !bytes.Equal(a, k.Derive("purpose a")) || bytes.Equal(a, other.Derive("purpose a")) {
		t.Fatalf("Derive: %x %x", a, b)
	}
	if bytes.Equal(a, k.raw) || bytes.Equal(a, k.blind) {
		t.Fatal("a derived key is the master key or the blind index key")
	}
}
