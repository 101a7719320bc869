package bundle

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/passgate/passgate/rules"
	"github.com/passgate/passgate/verify"
)

// Errors of Load. Each is wrapped with the detail; tell them apart with
// errors.Is.
var (
	// ErrSignature: the manifest's Ed25519 signature does not verify
	// with the pinned key (a forged or damaged bundle, or the wrong key).
	ErrSignature = errors.New("trust bundle signature does not verify")
	// ErrRollback: the bundle's sequence number is not above the
	// current bundle's, so it is older or a replay; keep the current one.
	ErrRollback = errors.New("trust bundle is not newer than the current one")
	// ErrExpired: the bundle is verified and returned, but its
	// valid-until has passed. It is still the best trust a kiosk has, so the
	// kiosk uses it and shows its trust as stale; a caller that wants only
	// fresh bundles treats it as a failure.
	ErrExpired = errors.New("trust bundle has expired")
	// ErrTruncated: the data ends before the bundle does (an
	// interrupted download).
	ErrTruncated = errors.New("trust bundle is truncated")
	// ErrVersion: the bundle is in a format version this build cannot
	// read; a newer kiosk is needed.
	ErrVersion = errors.New("trust bundle format version unknown")
	// ErrCorrupt: the bundle is not well formed: not a bundle at all,
	// a part whose SHA-256 differs from the manifest's, unsorted
	// revocations, an unreadable key, a policy whose rules do not
	// validate, trailing bytes.
	ErrCorrupt = errors.New("trust bundle is corrupt")
)

// Bundle is a verified, signed trust bundle: issuer keys, revocations, the
// entry policy and the health authority's key. It is a TrustSet. A Bundle is
// immutable and safe for concurrent use; it refers to the bytes it was loaded
// from, which must not change afterwards.
type Bundle struct {
	info Info
	kids map[string][]*verify.Key
	revs [verify.HashSignature + 1][]*RevSet
}

// Info is what a bundle says about itself. From ReadInfo it is
// unverified and good for display only.
type Info struct {
	Version    int       // format version
	Sequence   uint64    // only goes up from one bundle to the next
	IssuedAt   time.Time // whole seconds, UTC
	ValidUntil time.Time // after it the kiosk calls its trust stale
	Keys       []*verify.Key
	Segments   []Segment
	// Policy is the entry policy (rules, value sets, country); never nil
	// in a bundle that loaded. PolicySHA256 and PolicySize name its part
	// of the bundle for delta sync.
	Policy       *rules.Policy
	PolicySHA256 [32]byte
	PolicySize   int
	// Authority is the health authority's X25519 key, to which contact
	// details are sealed; nil when the bundle has none.
	Authority *ecdh.PublicKey
}

// Segment is a content-addressed run of sorted revocation hashes of one type.
type Segment struct {
	Type   verify.HashType
	Count  int      // entries
	SHA256 [32]byte // of the segment's bytes: its name for delta sync
}

// KeysPerCountry counts the keys by country.
func (i *Info) KeysPerCountry() map[string]int {
	m := map[string]int{}
	for _, k := range i.Keys {
		m[k.Country]++
	}
	return m
}

// Revocations counts the entries per hash type, summed over segments (an
// entry in two segments counts twice).
func (i *Info) Revocations() map[verify.HashType]int {
	m := map[verify.HashType]int{}
	for _, s := range i.Segments {
		m[s.Type] += s.Count
	}
	return m
}

// ReadInfo reads what a bundle says about itself WITHOUT checking its
// signature or segments: for `passctl bundle inspect` without a key. Never
// trust its result.
func ReadInfo(data []byte) (*Info, error) {
	c, err := splitBundle(data)
	if err != nil {
		return nil, err
	}
	info, _, err := decodeManifest(c)
	return info, err
}

// Load checks and loads a signed bundle. pinned is the bundle-signing
// key the kiosk trusts; current, when not nil, is the bundle in use, which
// the new one must supersede (higher sequence). now decides expiry only.
//
// The order of checks makes rejection cheap: lengths, the signature, the
// sequence, then the segment hashes and order. On ErrExpired the
// bundle is returned too (see there); on any other error it is nil. data is
// not copied: the revocations stay in it.
func Load(data []byte, pinned ed25519.PublicKey, current *Bundle, now time.Time) (*Bundle, error) {
	if len(pinned) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: pinned key has %d bytes, want %d", ErrSignature, len(pinned), ed25519.PublicKeySize)
	}
	c, err := splitBundle(data)
	if err != nil {
		return nil, fmt.Errorf("load trust bundle: %w", err)
	}
	if !ed25519.Verify(pinned, c.signed, c.sig) {
		return nil, fmt.Errorf("load trust bundle: %w with the pinned key", ErrSignature)
	}
	info, segs, err := decodeManifest(c)
	if err != nil {
		return nil, fmt.Errorf("load trust bundle: %w", err)
	}
	if current != nil && info.Sequence <= current.info.Sequence {
		return nil, fmt.Errorf("load trust bundle: %w: sequence %d, current %d", ErrRollback, info.Sequence, current.info.Sequence)
	}
	b := &Bundle{info: *info, kids: make(map[string][]*verify.Key, len(info.Keys))}
	for _, k := range info.Keys {
		b.kids[string(k.KID)] = append(b.kids[string(k.KID)], k)
	}
	sets, err := loadSegments(info.Segments, segs)
	if err != nil {
		return nil, fmt.Errorf("load trust bundle: %w", err)
	}
	for i, s := range sets {
		t := info.Segments[i].Type
		b.revs[t] = append(b.revs[t], s)
	}
	if now.After(info.ValidUntil) {
		return b, fmt.Errorf("trust bundle %d: %w: valid until %s", info.Sequence, ErrExpired, info.ValidUntil.Format(time.RFC3339))
	}
	return b, nil
}

// loadSegments checks each segment's hash and order and indexes it, the
// segments in parallel: at 10 million entries this is most of the load.
func loadSegments(meta []Segment, segs [][]byte) ([]*RevSet, error) {
	sets := make([]*RevSet, len(segs))
	errs := make([]error, len(segs))
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for range min(runtime.GOMAXPROCS(0), len(segs)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(segs); i = int(next.Add(1) - 1) {
				sum := sha256.Sum256(segs[i])
				if subtle.ConstantTimeCompare(sum[:], meta[i].SHA256[:]) != 1 {
					errs[i] = fmt.Errorf("%w: segment %d (%s, %d entries): SHA-256 differs from the manifest", ErrCorrupt, i, meta[i].Type, meta[i].Count)
					continue
				}
				s, err := NewRevSet(segs[i])
				if err != nil {
					errs[i] = fmt.Errorf("%w: segment %d: %w", ErrCorrupt, i, err)
					continue
				}
				sets[i] = s
			}
		})
	}
	wg.Wait()
	return sets, errors.Join(errs...)
}

// Lookup returns the keys with this kid.
func (b *Bundle) Lookup(kid []byte) []*verify.Key { return b.kids[string(kid)] }

// Revoked reports whether the hash is in any segment of its type.
func (b *Bundle) Revoked(t verify.HashType, h [16]byte) bool {
	if int(t) >= len(b.revs) {
		return false
	}
	for _, s := range b.revs[t] {
		if s.Contains(h) {
			return true
		}
	}
	return false
}

// Policy returns the bundle's entry policy. It is shared: do not change it.
func (b *Bundle) Policy() *rules.Policy { return b.info.Policy }

// Sequence returns the bundle's sequence number.
func (b *Bundle) Sequence() uint64 { return b.info.Sequence }

// ValidUntil returns the time after which the bundle is stale.
func (b *Bundle) ValidUntil() time.Time { return b.info.ValidUntil }

// Expired reports whether the bundle is stale at now.
func (b *Bundle) Expired(now time.Time) bool { return now.After(b.info.ValidUntil) }

// Authority returns the health authority's X25519 key, or nil.
func (b *Bundle) Authority() *ecdh.PublicKey { return b.info.Authority }

// Info returns what the bundle holds, for display. The keys are shared with
// the bundle: do not change them.
func (b *Bundle) Info() *Info {
	i := b.info
	i.Keys = slices.Clone(i.Keys)
	i.Segments = slices.Clone(i.Segments)
	return &i
}

// ParseKey reads a pinned bundle-signing key: PEM ("PUBLIC KEY",
// PKIX) or base64 of either the raw 32-byte key (what `passctl keygen`
// prints) or its PKIX DER. Reading a file is the caller's part.
func ParseKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	var der []byte
	if strings.HasPrefix(s, "-----BEGIN") {
		blk, _ := pem.Decode([]byte(s))
		if blk == nil || blk.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("bundle key: want a PEM PUBLIC KEY block")
		}
		der = blk.Bytes
	} else {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			if b, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
				return nil, fmt.Errorf("bundle key: neither PEM nor base64: %w", err)
			}
		}
		if len(b) == ed25519.PublicKeySize {
			return ed25519.PublicKey(b), nil
		}
		der = b
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("bundle key: %w", err)
	}
	k, ok := pub.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("bundle key: %T, want an Ed25519 key", pub)
	}
	return k, nil
}
