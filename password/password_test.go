package password

import (
	"strings"
	"testing"
)

func TestHashAndCheck(t *testing.T) {
	t.Parallel()
	h := Hash("Demo-partner-pw1")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id in PHC form", h)
	}
	if h == Hash("Demo-partner-pw1") {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	if !Check(h, "Demo-partner-pw1") || Check(h, "Demo-partner-pw2") || Check(h, "") {
		t.Fatal("Check does not tell the right password from wrong ones")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", h[:len(h)-2] + "!!", strings.Replace(h, "v=19", "v=18", 1),
		strings.Replace(h, "t=2", "t=0", 1), strings.Replace(h, "p=1", "p=0", 1)} {
		if Check(bad, "Demo-partner-pw1") {
			t.Errorf("Check accepted the malformed hash %q", bad)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"Abcdefg1", true},
		{"abcdefg1", true},               // lower case and digits
		{"abcdefgh", false},              // one class
		{"Abcdef1", false},               // 7 characters
		{strings.Repeat("aB", 64), true}, // 128 characters
		{strings.Repeat("aB", 64) + "c", false},
		{"пароль12", true}, // characters, not bytes
	} {
		if err := Validate(tc.pw); (err == nil) != tc.ok {
			t.Errorf("Validate(%q) = %v, want ok=%v", tc.pw, err, tc.ok)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	f.Add(Hash("x"))
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$")
	f.Add("$argon2id$v=19$m=19456,t=0,p=0$AAAA$AAAA")
	f.Fuzz(func(t *testing.T, hash string) {
		h, ok := parsePHC(hash)
		if ok && (h.time < 1 || h.threads < 1 || h.memory > 1<<20 || len(h.key) < 16) {
			t.Fatalf("parsePHC(%q) accepted parameters argon2 cannot use: %+v", hash, h)
		}
	})
}
