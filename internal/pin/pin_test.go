package pin_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/pin"
)

func TestHashVerify(t *testing.T) {
	h, err := pin.Hash("4821", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q: want argon2id PHC with m=19456,t=2,p=1", h)
	}
	if err := pin.Validate(h); err != nil {
		t.Errorf("Validate(own hash): %v", err)
	}
	if !pin.Verify(h, "4821") {
		t.Error("right PIN refused")
	}
	for _, wrong := range []string{"4822", "482", "48210", "", " 4821"} {
		if pin.Verify(h, wrong) {
			t.Errorf("wrong PIN %q accepted", wrong)
		}
	}
	h2, _ := pin.Hash("4821", rand.Reader)
	if h2 == h {
		t.Error("two hashes of one PIN are equal: salt not random")
	}
}

// TestKnownHash pins the format: a hash made once must keep verifying.
func TestKnownHash(t *testing.T) {
	h, err := pin.Hash("1234", bytes.NewReader(make([]byte, 16)))
	if err != nil {
		t.Fatal(err)
	}
	const want = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$"
	if !strings.HasPrefix(h, want) {
		t.Fatalf("hash %q, want prefix %q", h, want)
	}
	if !pin.Verify(h, "1234") {
		t.Error("deterministic hash does not verify")
	}
}

func TestHashRejects(t *testing.T) {
	for _, p := range []string{"", "123", strings.Repeat("9", pin.MaxLen+1)} {
		if _, err := pin.Hash(p, rand.Reader); err == nil {
			t.Errorf("Hash(%q): no error", p)
		}
	}
	if _, err := pin.Hash("1234", bytes.NewReader(nil)); err == nil {
		t.Error("Hash with an empty random source: no error")
	}
}

func TestValidateBad(t *testing.T) {
	good, _ := pin.Hash("1234", rand.Reader)
	parts := strings.Split(good, "$")
	for name, h := range map[string]string{
		"empty":       "",
		"bcrypt":      "$2y$10$abcdefghijklmnopqrstuuOvWxYz0123456789abcdefghijklmno",
		"argon2i":     strings.Replace(good, "argon2id", "argon2i", 1),
		"version":     strings.Replace(good, "v=19", "v=16", 1),
		"huge memory": strings.Replace(good, "m=19456", "m=4194304", 1),
		"zero passes": strings.Replace(good, "t=2", "t=0", 1),
		"params junk": strings.Replace(good, "p=1", "p=1x", 1),
		"salt":        strings.Join([]string{"", parts[1], parts[2], parts[3], "!!", parts[5]}, "$"),
		"short key":   strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
		"extra part":  good + "$x",
	} {
		if err := pin.Validate(h); !errors.Is(err, pin.ErrBadHash) {
			t.Errorf("%s: Validate(%q) = %v, want ErrBadHash", name, h, err)
		}
		if pin.Verify(h, "1234") {
			t.Errorf("%s: Verify accepted a bad hash", name)
		}
	}
}
