package bundle_test

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/passgate/passgate/bundle"
)

// randomHashes returns n distinct random hashes from a seeded source.
func randomHashes(seed uint64, n int) [][16]byte {
	r := rand.New(rand.NewPCG(seed, 1))
	seen := make(map[[16]byte]bool, n)
	out := make([][16]byte, 0, n)
	for len(out) < n {
		var h [16]byte
		for i := 0; i < 16; i += 8 {
			v := r.Uint64()
			for j := range 8 {
				h[i+j] = byte(v >> (8 * j))
			}
		}
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

func sortedBytes(hs [][16]byte) []byte {
	s := slices.Clone(hs)
	slices.SortFunc(s, func(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) })
	var out []byte
	for _, h := range s {
		out = append(out, h[:]...)
	}
	return out
}

func TestRevSetAgainstMap(t *testing.T) {
	edges := [][16]byte{{}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0x80}}
	for _, n := range []int{0, 1, 2, 15, 16, 17, 1000, 100_000} {
		hs := randomHashes(uint64(n), n)
		// A few entries sharing their first 8 bytes, so the search must
		// look at the second half.
		if n >= 16 {
			hs[1] = hs[0]
			hs[1][15] ^= 1
		}
		s, err := bundle.NewRevSet(sortedBytes(hs))
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if s.Len() != n {
			t.Errorf("n=%d: Len() = %d", n, s.Len())
		}
		in := make(map[[16]byte]bool, n)
		for _, h := range hs {
			in[h] = true
			if !s.Contains(h) {
				t.Fatalf("n=%d: member %x not found", n, h)
			}
		}
		probes := append(randomHashes(uint64(n)+1000, 2000), edges...)
		for _, h := range hs[:min(n, 200)] {
			for _, d := range []int{0, 7, 15} { // neighbours of members
				m := h
				m[d] ^= 0x01
				probes = append(probes, m)
			}
		}
		for _, h := range probes {
			if got := s.Contains(h); got != in[h] {
				t.Fatalf("n=%d: Contains(%x) = %v, want %v", n, h, got, in[h])
			}
		}
	}
}

func TestRevSetEdgeMembers(t *testing.T) {
	hs := append(randomHashes(7, 100), [16]byte{}, [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	s, err := bundle.NewRevSet(sortedBytes(hs))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hs {
		if !s.Contains(h) {
			t.Errorf("member %x not found", h)
		}
	}
}

func TestRevSetRejectsBadInput(t *testing.T) {
	good := sortedBytes(randomHashes(3, 50))
	swapped := slices.Clone(good)
	copy(swapped[16*10:], good[16*11:16*12])
	copy(swapped[16*11:], good[16*10:16*11])
	dup := slices.Clone(good)
	copy(dup[16*21:], dup[16*20:16*21])
	for name, b := range map[string][]byte{
		"unsorted":  swapped,
		"duplicate": dup,
		"ragged":    good[:len(good)-3],
	} {
		if _, err := bundle.NewRevSet(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
