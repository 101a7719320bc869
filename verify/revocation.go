package verify

import (
	"crypto/sha256"
	"fmt"
)

// HashType is one of the EU revocation hash types.
type HashType uint8

// The EU DCC revocation hash types.
const (
	// HashUCI is SHA-256 of the UVCI.
	HashUCI HashType = iota + 1
	// HashCountryUCI is SHA-256 of the issuing country code followed by the UVCI.
	HashCountryUCI
	// HashSignature is SHA-256 of the COSE signature: for ES256 only its first
	// half (r), for PS256 all of it.
	HashSignature
)

// HashTypes lists the hash types in order (a fixed array: nobody can change
// the list).
func HashTypes() [3]HashType { return [3]HashType{HashUCI, HashCountryUCI, HashSignature} }

// String gives the names the EU gateway uses.
func (h HashType) String() string {
	switch h {
	case HashUCI:
		return "UCI"
	case HashCountryUCI:
		return "COUNTRYCODEUCI"
	case HashSignature:
		return "SIGNATURE"
	}
	return fmt.Sprintf("HashType(%d)", uint8(h))
}

// ParseHashType reads a gateway hash type name.
func ParseHashType(s string) (HashType, error) {
	for _, h := range HashTypes() {
		if h.String() == s {
			return h, nil
		}
	}
	return 0, fmt.Errorf("unknown revocation hash type %q (want UCI, COUNTRYCODEUCI or SIGNATURE)", s)
}

// RevocationHash computes the 128-bit truncated hash of one type for a
// decoded pass. ok is false when the pass lacks what the type hashes.
func (u *Unverified) RevocationHash(t HashType) (h [16]byte, ok bool) {
	var sum [32]byte
	switch t {
	case HashUCI, HashCountryUCI:
		if u.DCC == nil {
			return h, false
		}
		uvci, co := u.DCC.entry()
		if uvci == "" {
			return h, false
		}
		if t == HashCountryUCI {
			uvci = co + uvci
		}
		sum = sha256.Sum256([]byte(uvci))
	case HashSignature:
		sig := u.Signature
		if u.Alg == AlgES256 {
			sig = sig[:len(sig)/2]
		}
		sum = sha256.Sum256(sig)
	default:
		return h, false
	}
	copy(h[:], sum[:16])
	return h, true
}
