// Package pin hashes and checks the PINs staff type at the kiosk (manual
// entry, admin, quitting in kiosk mode), and slows down guessing. Hashes are
// argon2id in the PHC string format, so they can sit in the config file.
// It must not store PINs or log them, and it holds no global state: the
// clock is passed to Guard.Check.
package pin

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Parameters of new hashes: OWASP's smallest argon2id setting (19 MiB,
// two passes, one lane), which a Raspberry Pi checks in a fraction of a
// second. Verify reads the parameters from the hash, so raising them later
// does not invalidate existing hashes.
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	saltLen   = 16
	keyLen    = 32
)

// Limits on parameters read from a hash: a typo in the config must not make
// the kiosk allocate gigabytes or spin for minutes.
const (
	maxMemoryKiB = 256 * 1024
	maxPasses    = 16
	maxLanes     = 16
)

// PIN length accepted by Hash. PINs are typed on a kiosk keyboard; a
// length cap keeps pasted junk out.
const (
	MinLen = 4
	MaxLen = 64
)

// ErrBadHash means a string is not an argon2id PHC hash this package can
// check.
var ErrBadHash = errors.New("not an argon2id PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash)")

var b64 = base64.RawStdEncoding

// Hash returns the argon2id PHC string of pin, with a salt read from rand
// (crypto/rand.Reader in production).
func Hash(pin string, rand io.Reader) (string, error) {
	if n := len([]rune(pin)); n < MinLen || n > MaxLen {
		return "", fmt.Errorf("PIN has %d characters: want %d to %d", n, MinLen, MaxLen)
	}
	salt := make([]byte, saltLen)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return "", fmt.Errorf("reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(pin), salt, passes, memoryKiB, lanes, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, passes, lanes, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pin matches hash. A malformed hash matches
// nothing.
func Verify(hash, pin string) bool {
	h, err := parse(hash)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(pin), h.salt, h.passes, h.memory, h.lanes, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1
}

// Validate returns an error wrapping ErrBadHash if hash cannot be checked,
// so a bad config is reported when it is loaded, not when staff first type
// their PIN.
func Validate(hash string) error {
	_, err := parse(hash)
	return err
}

type phc struct {
	memory, passes uint32
	lanes          uint8
	salt, key      []byte
}

func parse(s string) (phc, error) {
	var h phc
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return h, ErrBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return h, fmt.Errorf("%w: version %q, want v=%d", ErrBadHash, parts[2], argon2.Version)
	}
	var m, t, p uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || n != 3 ||
		fmt.Sprintf("m=%d,t=%d,p=%d", m, t, p) != parts[3] {
		return h, fmt.Errorf("%w: parameters %q", ErrBadHash, parts[3])
	}
	if m < 8*p || m > maxMemoryKiB || t < 1 || t > maxPasses || p < 1 || p > maxLanes {
		return h, fmt.Errorf("%w: parameters %q out of range (m up to %d, t 1 to %d, p 1 to %d)",
			ErrBadHash, parts[3], maxMemoryKiB, maxPasses, maxLanes)
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return h, fmt.Errorf("%w: bad salt", ErrBadHash)
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return h, fmt.Errorf("%w: bad hash", ErrBadHash)
	}
	return phc{memory: m, passes: t, lanes: uint8(p), salt: salt, key: key}, nil
}
