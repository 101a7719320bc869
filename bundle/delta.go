package bundle

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"math"
)

// Delta sync of bundles. A bundle's manifest names its policy and each
// revocation segment by its SHA-256, and a part that did not change from
// one bundle to the next keeps its name. So a hub can serve a bundle in two parts, its head
// (header, manifest and signature: small) and its segments by name, and a
// kiosk fetches the head, takes the segments it already holds from its
// current bundle, fetches the others, and puts the bundle back together
// byte for byte. Nothing here checks a signature: the assembled bundle goes
// through Load like any other.

// Head returns the head of a bundle: its header, manifest and
// signature, without the segments. It checks that the bundle is well formed
// (lengths, manifest, segment sizes) but not its signature. The result is a
// copy.
func Head(data []byte) ([]byte, error) {
	c, err := splitBundle(data)
	if err != nil {
		return nil, fmt.Errorf("bundle head: %w", err)
	}
	if _, _, err := decodeManifest(c); err != nil {
		return nil, fmt.Errorf("bundle head: %w", err)
	}
	n := len(c.signed) + sigLen
	return append([]byte(nil), data[:n]...), nil
}

// Segments returns the parts of a bundle after its head by their SHA-256:
// the policy and the revocation segments. It checks each against the name
// the manifest gives it, so a damaged
// bundle is never served in parts under names it does not have; it does not
// check the signature. The segments are slices of data, not copies.
func Segments(data []byte) (map[[32]byte][]byte, error) {
	c, err := splitBundle(data)
	if err != nil {
		return nil, fmt.Errorf("bundle segments: %w", err)
	}
	info, segs, err := decodeManifest(c)
	if err != nil {
		return nil, fmt.Errorf("bundle segments: %w", err)
	}
	m := make(map[[32]byte][]byte, len(segs)+1)
	m[info.PolicySHA256] = c.body[:info.PolicySize:info.PolicySize]
	for i, s := range segs {
		meta := info.Segments[i]
		if sha256.Sum256(s) != meta.SHA256 {
			return nil, fmt.Errorf("bundle segments: %w: segment %d (%s, %d entries): SHA-256 differs from the manifest", ErrCorrupt, i, meta.Type, meta.Count)
		}
		m[meta.SHA256] = s
	}
	return m, nil
}

// Assemble puts a bundle back together from its head (see Head)
// and its parts (the policy and the segments), which segment returns by
// SHA-256 (false when the caller does not have it).
//
// When every segment is there, it returns the bundle, byte for byte the one
// the head was cut from. Otherwise data is nil and missing lists the
// segments to fetch, each once, in manifest order; err is nil. A segment
// whose bytes do not match its name is an error wrapping ErrCorrupt,
// a head that is cut short one wrapping ErrTruncated. The signature is
// not checked: pass the result to Load.
func Assemble(head []byte, segment func(sum [32]byte) ([]byte, bool)) (data []byte, missing [][32]byte, err error) {
	c, err := splitBundle(head)
	if err != nil {
		return nil, nil, fmt.Errorf("assemble bundle: %w", err)
	}
	if len(c.body) != 0 {
		return nil, nil, fmt.Errorf("assemble bundle: %w: %d bytes after the head's signature", ErrCorrupt, len(c.body))
	}
	var m manifest
	if err := manifestDec.Unmarshal(c.manifest, &m); err != nil {
		return nil, nil, fmt.Errorf("assemble bundle: %w: manifest: %w", ErrCorrupt, err)
	}
	if len(m.Policy.SHA256) != sha256.Size {
		return nil, nil, fmt.Errorf("assemble bundle: %w: policy: digest of %d bytes", ErrCorrupt, len(m.Policy.SHA256))
	}
	parts := make([][]byte, 1+len(m.Segments))
	seen := make(map[[32]byte]bool, 1+len(m.Segments))
	size := uint64(len(head))
	psum := [32]byte(m.Policy.SHA256)
	if p, ok := segment(psum); !ok {
		missing = append(missing, psum)
		seen[psum] = true
	} else if uint64(len(p)) != m.Policy.Size || sha256.Sum256(p) != psum {
		return nil, nil, fmt.Errorf("assemble bundle: %w: policy (sha256 %x): the bytes given do not match the manifest", ErrCorrupt, psum[:8])
	} else {
		parts[0] = p
		size += uint64(len(p))
	}
	for i, ws := range m.Segments {
		if len(ws.SHA256) != sha256.Size {
			return nil, nil, fmt.Errorf("assemble bundle: %w: segment %d: digest of %d bytes", ErrCorrupt, i, len(ws.SHA256))
		}
		if ws.Count > math.MaxInt/16 {
			return nil, nil, fmt.Errorf("assemble bundle: %w: segment %d: %d entries", ErrCorrupt, i, ws.Count)
		}
		sum := [32]byte(ws.SHA256)
		s, ok := segment(sum)
		if !ok {
			if !seen[sum] {
				missing = append(missing, sum)
			}
			seen[sum] = true
			continue
		}
		if uint64(len(s)) != ws.Count*16 || sha256.Sum256(s) != sum {
			return nil, nil, fmt.Errorf("assemble bundle: %w: segment %d (sha256 %x): the bytes given do not match the manifest", ErrCorrupt, i, sum[:8])
		}
		parts[1+i] = s
		size += uint64(len(s))
	}
	if len(missing) > 0 {
		return nil, missing, nil
	}
	if size > math.MaxInt {
		return nil, nil, fmt.Errorf("assemble bundle: %w: %d bytes", ErrCorrupt, size)
	}
	data = make([]byte, 0, int(size))
	data = append(data, head...)
	for _, p := range parts {
		data = append(data, p...)
	}
	return data, nil, nil
}

// MaxParts bounds the parts (policy and segments) a head may name; a
// bundle of 10 million revocations needs a few hundred segments.
const MaxParts = 4096

// CheckHead checks a head (see Head) before any of its parts is fetched,
// so a hub cannot make a kiosk download for nothing: the signature with
// the pinned key, the sequence above current's (when current is not nil),
// at most MaxParts parts and at most maxBytes in all. The parts are
// checked later, by Assemble and Load.
func CheckHead(head []byte, pinned ed25519.PublicKey, current *Bundle, maxBytes uint64) error {
	if len(pinned) != ed25519.PublicKeySize {
		return fmt.Errorf("bundle head: %w: pinned key has %d bytes", ErrSignature, len(pinned))
	}
	c, err := splitBundle(head)
	if err != nil {
		return fmt.Errorf("bundle head: %w", err)
	}
	if !ed25519.Verify(pinned, c.signed, c.sig) {
		return fmt.Errorf("bundle head: %w with the pinned key", ErrSignature)
	}
	var m manifest
	if err := manifestDec.Unmarshal(c.manifest, &m); err != nil {
		return fmt.Errorf("bundle head: %w: manifest: %w", ErrCorrupt, err)
	}
	if current != nil && m.Sequence <= current.info.Sequence {
		return fmt.Errorf("bundle head: %w: sequence %d, current %d", ErrRollback, m.Sequence, current.info.Sequence)
	}
	if n := 1 + len(m.Segments); n > MaxParts {
		return fmt.Errorf("bundle head: %w: %d parts, at most %d", ErrCorrupt, n, MaxParts)
	}
	size := uint64(len(head)) + m.Policy.Size
	for _, s := range m.Segments {
		if s.Count > maxBytes/16 {
			return fmt.Errorf("bundle head: %w: a segment of %d entries", ErrCorrupt, s.Count)
		}
		size += s.Count * 16
	}
	if size > maxBytes {
		return fmt.Errorf("bundle head: %w: %d bytes in all, at most %d", ErrCorrupt, size, maxBytes)
	}
	return nil
}
