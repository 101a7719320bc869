package bundle

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/passgate/passgate/rules"
	"github.com/passgate/passgate/verify"
)

// Spec is what Sign puts in a bundle.
type Spec struct {
	// Sequence must be above that of every bundle signed before with the
	// same key: kiosks refuse a bundle that is not newer than theirs.
	Sequence uint64
	// IssuedAt and ValidUntil are kept to the second.
	IssuedAt, ValidUntil time.Time
	Keys                 []*verify.Key
	// Revocations become one content-addressed segment each. A segment
	// that stays the same from one bundle to the next has the same SHA-256,
	// so it need not be sent again.
	Revocations []RevocationSegment
	// Policy is the entry policy: the CertLogic rules, the value sets they
	// need and the country whose rules the venue applies. Required.
	Policy *rules.Policy
	// Authority is the health authority's X25519 key; required when the
	// policy asks for contact tracing.
	Authority *ecdh.PublicKey
}

// RevocationSegment is a batch of revocation hashes of one type, in any
// order and possibly with duplicates: Sign sorts and de-duplicates a
// copy.
type RevocationSegment struct {
	Type   verify.HashType
	Hashes [][16]byte
}

// Sign encodes and signs a bundle with the bundle-signing key.
func Sign(spec *Spec, priv ed25519.PrivateKey) ([]byte, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("sign bundle: signing key has %d bytes, want %d", len(priv), ed25519.PrivateKeySize)
	}
	m, policy, segs, err := spec.manifest()
	if err != nil {
		return nil, fmt.Errorf("sign bundle: %w", err)
	}
	mb, err := manifestEnc.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("sign bundle: encode manifest: %w", err)
	}
	if uint64(len(mb)) > math.MaxUint32 {
		return nil, fmt.Errorf("sign bundle: manifest of %d bytes is too large", len(mb))
	}
	size := headerLen + len(mb) + sigLen + len(policy)
	for _, s := range segs {
		size += len(s)
	}
	out := make([]byte, 0, size)
	out = append(out, bundleMagic...)
	out = binary.BigEndian.AppendUint16(out, bundleVersion)
	out = binary.BigEndian.AppendUint32(out, uint32(len(mb)))
	out = append(out, mb...)
	out = append(out, ed25519.Sign(priv, out)...)
	out = append(out, policy...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return out, nil
}

// manifest checks the spec and returns its manifest, policy and segment
// bytes.
func (spec *Spec) manifest() (*manifest, []byte, [][]byte, error) {
	switch {
	case spec.Sequence == 0:
		return nil, nil, nil, errors.New("sequence must be at least 1")
	case !spec.ValidUntil.After(spec.IssuedAt):
		return nil, nil, nil, fmt.Errorf("valid until %s is not after issued at %s", spec.ValidUntil, spec.IssuedAt)
	case spec.Policy == nil:
		return nil, nil, nil, errors.New("no entry policy")
	case spec.Policy.ContactTracing && spec.Authority == nil:
		return nil, nil, nil, fmt.Errorf("policy %s asks for contact tracing but there is no authority key", spec.Policy.Name)
	}
	pj, err := spec.Policy.Marshal()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("policy %s: %w", spec.Policy.Name, err)
	}
	if _, err := rules.ParsePolicy(pj); err != nil { // a bundle kiosks cannot load helps nobody
		return nil, nil, nil, fmt.Errorf("policy %s: %w", spec.Policy.Name, err)
	}
	psum := sha256.Sum256(pj)
	m := &manifest{
		Sequence:   spec.Sequence,
		IssuedAt:   spec.IssuedAt.Unix(),
		ValidUntil: spec.ValidUntil.Unix(),
		Keys:       make([]wireKey, 0, len(spec.Keys)),
		Policy:     wireBlob{Size: uint64(len(pj)), SHA256: psum[:]},
	}
	if spec.Authority != nil {
		if spec.Authority.Curve() != ecdh.X25519() {
			return nil, nil, nil, errors.New("authority key is not an X25519 key")
		}
		m.Authority = spec.Authority.Bytes()
	}
	for i, k := range spec.Keys {
		wk, err := wireOf(k)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("key %d (kid %x, %s): %w", i, k.KID, k.Country, err)
		}
		m.Keys = append(m.Keys, wk)
	}
	segs := make([][]byte, 0, len(spec.Revocations))
	for i, r := range spec.Revocations {
		if r.Type < verify.HashUCI || r.Type > verify.HashSignature {
			return nil, nil, nil, fmt.Errorf("revocation segment %d: unknown hash type %d", i, r.Type)
		}
		b := sortedEntries(r.Hashes)
		sum := sha256.Sum256(b)
		m.Segments = append(m.Segments, wireSegment{Type: r.Type, Count: uint64(len(b) / 16), SHA256: sum[:]})
		segs = append(segs, b)
	}
	return m, pj, segs, nil
}

// sortedEntries returns the hashes sorted, without duplicates, as
// concatenated 16-byte entries.
func sortedEntries(hs [][16]byte) []byte {
	s := slices.Clone(hs)
	slices.SortFunc(s, func(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) })
	s = slices.Compact(s)
	out := make([]byte, 0, 16*len(s))
	for i := range s {
		out = append(out, s[i][:]...)
	}
	return out
}
