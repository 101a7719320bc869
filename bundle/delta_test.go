package bundle_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/verify"
)

// TestAssembleDelta is the kiosk's case: it holds bundle 7, the hub has
// bundle 8 in which one segment changed and one was added; the kiosk
// fetches only those two and gets bundle 8 byte for byte.
func TestAssembleDelta(t *testing.T) {
	spec := testSpec(t, 7)
	oldData := mustSign(t, spec)
	spec.Sequence = 8
	spec.Revocations[1].Hashes = randomHashes(20, 25)
	spec.Revocations = append(spec.Revocations, bundle.RevocationSegment{Type: verify.HashSignature, Hashes: randomHashes(21, 7)})
	newData := mustSign(t, spec)

	have, err := bundle.Segments(oldData)
	if err != nil {
		t.Fatal(err)
	}
	hub, err := bundle.Segments(newData)
	if err != nil {
		t.Fatal(err)
	}
	head, err := bundle.Head(newData)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(newData, head) || len(head) >= len(newData) {
		t.Fatalf("head of %d bytes is not a prefix of the %d-byte bundle", len(head), len(newData))
	}
	lookup := func(sum [32]byte) ([]byte, bool) { s, ok := have[sum]; return s, ok }
	data, missing, err := bundle.Assemble(head, lookup)
	if err != nil || data != nil {
		t.Fatalf("Assemble with segments missing = %d bytes, %v", len(data), err)
	}
	info, err := bundle.ReadInfo(newData)
	if err != nil {
		t.Fatal(err)
	}
	want := [][32]byte{info.Segments[1].SHA256, info.Segments[4].SHA256}
	if diff := cmp.Diff(want, missing); diff != "" {
		t.Fatalf("missing (-want +got):\n%s", diff)
	}
	for _, sum := range missing {
		have[sum] = hub[sum]
	}
	data, missing, err = bundle.Assemble(head, lookup)
	if err != nil || len(missing) != 0 {
		t.Fatalf("Assemble = missing %d, %v", len(missing), err)
	}
	if !bytes.Equal(data, newData) {
		t.Fatal("assembled bundle differs from the hub's")
	}
	cur, err := bundle.Load(oldData, pinned, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := bundle.Load(data, pinned, cur, t0); err != nil || b.Sequence() != 8 {
		t.Fatalf("Load of the assembled bundle: %v", err)
	}
}

func TestAssembleNoSegments(t *testing.T) {
	spec := testSpec(t, 2)
	spec.Revocations = nil
	data := mustSign(t, spec)
	head, err := bundle.Head(data)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := bundle.Segments(data)
	if err != nil || len(parts) != 1 {
		t.Fatalf("Segments = %d parts, %v; want the policy alone", len(parts), err)
	}
	_, missing, err := bundle.Assemble(head, func([32]byte) ([]byte, bool) { return nil, false })
	if err != nil || len(missing) != 1 {
		t.Fatalf("Assemble without parts: missing %d, %v; want the policy", len(missing), err)
	}
	got, missing, err := bundle.Assemble(head, func(s [32]byte) ([]byte, bool) { b, ok := parts[s]; return b, ok })
	if err != nil || len(missing) != 0 || !bytes.Equal(got, data) {
		t.Fatalf("Assemble = %d bytes, missing %d, %v", len(got), len(missing), err)
	}
}

// TestAssembleDuplicateSegment: two identical revocation lists make two
// segments of one name; the kiosk is asked for it once.
func TestAssembleDuplicateSegment(t *testing.T) {
	spec := testSpec(t, 2)
	spec.Revocations = append(spec.Revocations, spec.Revocations[0])
	data := mustSign(t, spec)
	head, err := bundle.Head(data)
	if err != nil {
		t.Fatal(err)
	}
	_, missing, err := bundle.Assemble(head, func([32]byte) ([]byte, bool) { return nil, false })
	if err != nil || len(missing) != 5 {
		t.Fatalf("missing %d, %v; want the policy and 4 distinct segments of 5", len(missing), err)
	}
	segs, err := bundle.Segments(data)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := bundle.Assemble(head, func(s [32]byte) ([]byte, bool) { b, ok := segs[s]; return b, ok })
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Assemble: %v", err)
	}
}

func TestAssembleErrors(t *testing.T) {
	data := mustSign(t, testSpec(t, 3))
	head, err := bundle.Head(data)
	if err != nil {
		t.Fatal(err)
	}
	segs, err := bundle.Segments(data)
	if err != nil {
		t.Fatal(err)
	}
	all := func(s [32]byte) ([]byte, bool) { b, ok := segs[s]; return b, ok }
	wrong := func(s [32]byte) ([]byte, bool) {
		b := slices.Clone(segs[s])
		b[0] ^= 1
		return b, true
	}
	short := func(s [32]byte) ([]byte, bool) { return segs[s][16:], true }
	for _, c := range []struct {
		name    string
		head    []byte
		segment func([32]byte) ([]byte, bool)
		want    error
	}{
		{"head cut short", head[:len(head)-1], all, bundle.ErrTruncated},
		{"head of 3 bytes", head[:3], all, bundle.ErrTruncated},
		{"head with trailing bytes", append(slices.Clone(head), 1, 2), all, bundle.ErrCorrupt},
		{"full bundle as head", data, all, bundle.ErrCorrupt},
		{"not a bundle", []byte("GIF89a and so on"), all, bundle.ErrCorrupt},
		{"damaged segment", head, wrong, bundle.ErrCorrupt},
		{"short segment", head, short, bundle.ErrCorrupt},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := bundle.Assemble(c.head, c.segment)
			if !errors.Is(err, c.want) || got != nil {
				t.Fatalf("Assemble = %d bytes, %v; want %v", len(got), err, c.want)
			}
		})
	}
}

func TestHeadAndSegmentsRefuseDamage(t *testing.T) {
	data := mustSign(t, testSpec(t, 3))
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"truncated", data[:len(data)-16], bundle.ErrTruncated},
		{"trailing", append(slices.Clone(data), 0), bundle.ErrCorrupt},
		{"empty", nil, bundle.ErrTruncated},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := bundle.Head(c.data); !errors.Is(err, c.want) {
				t.Errorf("Head: %v, want %v", err, c.want)
			}
			if _, err := bundle.Segments(c.data); !errors.Is(err, c.want) {
				t.Errorf("Segments: %v, want %v", err, c.want)
			}
		})
	}
	// A flipped bit in the last segment: the head is fine, the segment is
	// not served under the manifest's name.
	d := slices.Clone(data)
	d[len(d)-1] ^= 1
	if _, err := bundle.Segments(d); !errors.Is(err, bundle.ErrCorrupt) {
		t.Errorf("Segments of a damaged segment: %v", err)
	}
	segs, err := bundle.Segments(data)
	if err != nil {
		t.Fatal(err)
	}
	for sum, s := range segs {
		if sha256.Sum256(s) != sum {
			t.Errorf("segment %x is named wrongly", sum[:4])
		}
	}
}

// FuzzAssembleBundle: any head, with segments from a real bundle, never
// panics, and what it assembles is its head followed by whole segments.
func FuzzAssembleBundle(f *testing.F) {
	data := mustSign(f, testSpec(f, 3))
	head, err := bundle.Head(data)
	if err != nil {
		f.Fatal(err)
	}
	segs, err := bundle.Segments(data)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(head)
	f.Add(head[:20])
	for _, i := range []int{5, 9, 30, len(head) - 70} {
		d := slices.Clone(head)
		d[i] ^= 0xff
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, missing, err := bundle.Assemble(in, func(s [32]byte) ([]byte, bool) { b, ok := segs[s]; return b, ok })
		if err != nil && (got != nil || missing != nil) {
			t.Fatalf("error %v with a result", err)
		}
		if got != nil && !bytes.HasPrefix(got, in) {
			t.Fatal("result does not start with the head")
		}
		_, _ = bundle.Load(got, pinned, nil, t0.Add(time.Hour))
	})
}

// TestDeltaPartsAreIndependent: a new rule set resends the policy and no
// revocation segment; a new revocation batch resends that segment and not
// the policy.
func TestDeltaPartsAreIndependent(t *testing.T) {
	old := mustSign(t, testSpec(t, 2))
	have, err := bundle.Segments(old)
	if err != nil {
		t.Fatal(err)
	}
	missingFor := func(spec *bundle.Spec) [][32]byte {
		t.Helper()
		head, err := bundle.Head(mustSign(t, spec))
		if err != nil {
			t.Fatal(err)
		}
		_, missing, err := bundle.Assemble(head, func(s [32]byte) ([]byte, bool) { b, ok := have[s]; return b, ok })
		if err != nil {
			t.Fatal(err)
		}
		return missing
	}
	rulesChanged := testSpec(t, 3)
	rulesChanged.Policy = presets.Must("eu-3g")
	info, _ := bundle.ReadInfo(mustSign(t, rulesChanged))
	if m := missingFor(rulesChanged); len(m) != 1 || m[0] != info.PolicySHA256 {
		t.Errorf("new rules: missing %d parts, want only the policy", len(m))
	}
	revsChanged := testSpec(t, 3)
	revsChanged.Revocations[3].Hashes = randomHashes(9, 41)
	if m := missingFor(revsChanged); len(m) != 1 {
		t.Errorf("new revocations: missing %d parts, want only the changed segment", len(m))
	} else if _, ok := have[m[0]]; ok {
		t.Errorf("the part asked for is one the kiosk has")
	}
}

func TestCheckHead(t *testing.T) {
	data := mustSign(t, testSpec(t, 3))
	head, err := bundle.Head(data)
	if err != nil {
		t.Fatal(err)
	}
	current, err := bundle.Load(mustSign(t, testSpec(t, 2)), pinned, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	newer, err := bundle.Load(mustSign(t, testSpec(t, 4)), pinned, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	_, other, _ := ed25519.GenerateKey(nil)
	for _, c := range []struct {
		name    string
		key     ed25519.PublicKey
		current *bundle.Bundle
		max     uint64
		want    error
	}{
		{"good", pinned, current, 1 << 30, nil},
		{"another key", other.Public().(ed25519.PublicKey), current, 1 << 30, bundle.ErrSignature},
		{"not newer", pinned, newer, 1 << 30, bundle.ErrRollback},
		{"too large", pinned, current, uint64(len(data)) - 1, bundle.ErrCorrupt},
		{"just fits", pinned, current, uint64(len(data)), nil},
		{"cut short", pinned, current, 1 << 30, bundle.ErrTruncated},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := head
			if c.name == "cut short" {
				h = head[:20]
			}
			err := bundle.CheckHead(h, c.key, c.current, c.max)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}
