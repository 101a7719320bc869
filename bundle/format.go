package bundle

import (
	"bytes"
	"crypto/ecdh"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/passgate/passgate/rules"
	"github.com/passgate/passgate/verify"
)

// The bundle file, version 2 (all integers big-endian):
//
//	magic     4 bytes   "PGTB"
//	version   2 bytes   2
//	length    4 bytes   length of the manifest
//	manifest  length    CBOR (core deterministic encoding), see manifest
//	signature 64 bytes  Ed25519 over everything before it (magic to manifest)
//	policy              the entry policy (rules.Policy's JSON: CertLogic
//	                    rules, value sets, the country applied), size bytes
//	segments            the revocation segments the manifest lists, in its
//	                    order, each count×16 bytes of sorted hashes
//
// Only the manifest is signed; it names the policy and every segment by
// SHA-256, so the signature covers them too. The policy and the segments
// are content-addressed so that a kiosk holding a previous bundle can be
// sent only the parts it lacks: a new revocation batch does not resend the
// rules, a rule change does not resend the revocations. Version 1 carried
// a Go policy struct inside the manifest; this build refuses it
// (ErrVersion).
const (
	bundleMagic   = "PGTB"
	bundleVersion = 2
	headerLen     = 4 + 2 + 4
	sigLen        = 64
)

// manifest is the signed part of a bundle.
type manifest struct {
	Sequence   uint64        `cbor:"1,keyasint"`
	IssuedAt   int64         `cbor:"2,keyasint"` // Unix seconds
	ValidUntil int64         `cbor:"3,keyasint"` // Unix seconds
	Keys       []wireKey     `cbor:"4,keyasint"`
	Segments   []wireSegment `cbor:"5,keyasint"`
	Policy     wireBlob      `cbor:"6,keyasint"` // the entry policy, first after the signature
	Authority  []byte        `cbor:"7,keyasint,omitempty"`
}

// wireKey is a Key: the certificate when there is one, else the PKIX public
// key. Times are Unix seconds, 0 for unbounded.
type wireKey struct {
	_         struct{} `cbor:",toarray"`
	KID       []byte
	Country   string
	Cert      []byte
	Public    []byte
	Types     verify.PassType
	NotBefore int64
	NotAfter  int64
}

// wireBlob names a part of the bundle that is not a revocation segment.
type wireBlob struct {
	_      struct{} `cbor:",toarray"`
	Size   uint64
	SHA256 []byte
}

type wireSegment struct {
	_      struct{} `cbor:",toarray"`
	Type   verify.HashType
	Count  uint64
	SHA256 []byte
}

var (
	manifestEnc = func() cbor.EncMode {
		em, err := cbor.CoreDetEncOptions().EncMode()
		if err != nil {
			panic(err)
		}
		return em
	}()
	manifestDec = func() cbor.DecMode {
		dm, err := cbor.DecOptions{
			DupMapKey:         cbor.DupMapKeyEnforcedAPF,
			IndefLength:       cbor.IndefLengthForbidden,
			MaxNestedLevels:   8,
			MaxArrayElements:  1 << 20,
			ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		}.DecMode()
		if err != nil {
			panic(err)
		}
		return dm
	}()
)

// container is a bundle file cut into its parts; nothing is checked beyond
// the lengths.
type container struct {
	signed   []byte // magic to manifest: what the signature covers
	manifest []byte
	sig      []byte
	body     []byte // after the signature: the policy, then the segments
}

func splitBundle(data []byte) (*container, error) {
	if len(data) < len(bundleMagic) {
		if bytes.HasPrefix([]byte(bundleMagic), data) {
			return nil, fmt.Errorf("%w: %d bytes", ErrTruncated, len(data))
		}
		return nil, fmt.Errorf("%w: not a passgate bundle", ErrCorrupt)
	}
	if string(data[:4]) != bundleMagic {
		return nil, fmt.Errorf("%w: not a passgate bundle (magic %q)", ErrCorrupt, data[:4])
	}
	if len(data) < headerLen {
		return nil, fmt.Errorf("%w: %d bytes, header needs %d", ErrTruncated, len(data), headerLen)
	}
	if v := binary.BigEndian.Uint16(data[4:]); v != bundleVersion {
		return nil, fmt.Errorf("%w: format version %d, this build reads %d", ErrVersion, v, bundleVersion)
	}
	// Compare in uint64 so a length near 4 GiB cannot wrap, and before any
	// allocation: the lengths are only believed once the data holds them.
	mlen := uint64(binary.BigEndian.Uint32(data[6:]))
	if need := uint64(headerLen) + mlen + sigLen; uint64(len(data)) < need {
		return nil, fmt.Errorf("%w: manifest and signature need %d bytes, have %d", ErrTruncated, need, len(data))
	}
	end := headerLen + int(mlen)
	return &container{
		signed:   data[:end],
		manifest: data[headerLen:end],
		sig:      data[end : end+sigLen],
		body:     data[end+sigLen:],
	}, nil
}

// decodeManifest reads the manifest into a Info and the segments'
// bytes, sliced from c.body without copying. It checks the structure
// and lengths, not the segment hashes.
func decodeManifest(c *container) (*Info, [][]byte, error) {
	var m manifest
	if err := manifestDec.Unmarshal(c.manifest, &m); err != nil {
		return nil, nil, fmt.Errorf("%w: manifest: %w", ErrCorrupt, err)
	}
	info := &Info{
		Version:    bundleVersion,
		Sequence:   m.Sequence,
		IssuedAt:   time.Unix(m.IssuedAt, 0).UTC(),
		ValidUntil: time.Unix(m.ValidUntil, 0).UTC(),
	}
	rest := c.body
	if len(m.Policy.SHA256) != sha256.Size {
		return nil, nil, fmt.Errorf("%w: policy: digest of %d bytes", ErrCorrupt, len(m.Policy.SHA256))
	}
	if m.Policy.Size > uint64(len(rest)) {
		return nil, nil, fmt.Errorf("%w: policy of %d bytes, %d bytes left", ErrTruncated, m.Policy.Size, len(rest))
	}
	pb := rest[:m.Policy.Size]
	rest = rest[m.Policy.Size:]
	if sha256.Sum256(pb) != [32]byte(m.Policy.SHA256) {
		return nil, nil, fmt.Errorf("%w: policy: SHA-256 differs from the manifest", ErrCorrupt)
	}
	var err error
	if info.Policy, err = rules.ParsePolicy(pb); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	info.PolicySHA256 = [32]byte(m.Policy.SHA256)
	info.PolicySize = len(pb)
	if len(m.Authority) > 0 {
		if info.Authority, err = ecdh.X25519().NewPublicKey(m.Authority); err != nil {
			return nil, nil, fmt.Errorf("%w: authority key: %w", ErrCorrupt, err)
		}
	}
	info.Keys = make([]*verify.Key, 0, len(m.Keys))
	for i, wk := range m.Keys {
		k, err := wk.key()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: key %d (kid %x, %s): %w", ErrCorrupt, i, wk.KID, wk.Country, err)
		}
		info.Keys = append(info.Keys, k)
	}
	segs := make([][]byte, 0, len(m.Segments))
	for i, ws := range m.Segments {
		if ws.Type < verify.HashUCI || ws.Type > verify.HashSignature {
			return nil, nil, fmt.Errorf("%w: segment %d: unknown hash type %d", ErrCorrupt, i, ws.Type)
		}
		if len(ws.SHA256) != sha256.Size {
			return nil, nil, fmt.Errorf("%w: segment %d: digest of %d bytes", ErrCorrupt, i, len(ws.SHA256))
		}
		if ws.Count > uint64(len(rest))/16 {
			return nil, nil, fmt.Errorf("%w: segment %d: %d entries, %d bytes left", ErrTruncated, i, ws.Count, len(rest))
		}
		n := int(ws.Count) * 16
		segs = append(segs, rest[:n:n])
		rest = rest[n:]
		info.Segments = append(info.Segments, Segment{Type: ws.Type, Count: int(ws.Count), SHA256: [32]byte(ws.SHA256)})
	}
	if len(rest) != 0 {
		return nil, nil, fmt.Errorf("%w: %d bytes after the last segment", ErrCorrupt, len(rest))
	}
	return info, segs, nil
}

func (wk *wireKey) key() (*verify.Key, error) {
	var k *verify.Key
	switch {
	case len(wk.Cert) > 0:
		var err error
		if k, err = verify.KeyFromCertificate(wk.Cert); err != nil {
			return nil, err
		}
	case len(wk.Public) > 0:
		pub, err := x509.ParsePKIXPublicKey(wk.Public)
		if err != nil {
			return nil, fmt.Errorf("public key: %w", err)
		}
		k = &verify.Key{Public: pub}
		if err := verify.SupportedKey(pub); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("neither certificate nor public key")
	}
	// The signed manifest decides kid, country, types and dates, so an
	// authority can narrow what a certificate allows.
	k.KID = wk.KID
	k.Country = wk.Country
	k.Types = wk.Types & verify.AllTypes
	k.NotBefore, k.NotAfter = unixOrZero(wk.NotBefore), unixOrZero(wk.NotAfter)
	return k, nil
}

func wireOf(k *verify.Key) (wireKey, error) {
	wk := wireKey{KID: k.KID, Country: k.Country, Types: k.Types,
		NotBefore: zeroOrUnix(k.NotBefore), NotAfter: zeroOrUnix(k.NotAfter)}
	if len(k.KID) == 0 {
		return wk, fmt.Errorf("key without kid")
	}
	if len(k.Cert) > 0 {
		wk.Cert = k.Cert
		return wk, nil
	}
	if err := verify.SupportedKey(k.Public); err != nil {
		return wk, err
	}
	der, err := x509.MarshalPKIXPublicKey(k.Public)
	if err != nil {
		return wk, fmt.Errorf("public key of kid %x: %w", k.KID, err)
	}
	wk.Public = der
	return wk, nil
}

func unixOrZero(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func zeroOrUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
