package bundle

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
)

// RevSet is a set of 128-bit truncated revocation hashes, held as one byte
// slice of sorted 16-byte entries (no per-entry overhead) plus a prefix
// index: the top bits of a hash pick a small range of entries, and a binary
// search inside it decides. Revocation hashes are SHA-256 prefixes, so the
// ranges are even and a lookup costs a handful of comparisons.
//
// A RevSet is immutable and safe for concurrent use. It refers to the bytes
// it was made from: they must not change afterwards.
type RevSet struct {
	data []byte
	// index[p] is the number of entries whose top bits are below p, so the
	// entries with top bits p are data[16*index[p] : 16*index[p+1]].
	index []uint32
	shift uint // 64 minus the number of index bits
}

// maxIndexBits bounds the index at 4 MiB (2^20 uint32s): about 0.4 bytes per
// entry at 10 million entries.
const maxIndexBits = 20

// NewRevSet makes a set of the 16-byte entries in sorted, which must be in
// strictly ascending byte order (so sorted and free of duplicates); it checks
// that in the same pass that builds the index. sorted is not copied.
func NewRevSet(sorted []byte) (*RevSet, error) {
	if len(sorted)%16 != 0 {
		return nil, fmt.Errorf("revocation entries: %d bytes is not a multiple of 16", len(sorted))
	}
	n := len(sorted) / 16
	if uint64(n) > math.MaxUint32 {
		return nil, fmt.Errorf("revocation entries: %d is too many", n)
	}
	// About 8 to 16 entries per index slot: a short search, and an index
	// of at most half a byte per entry.
	nbits := 0
	if n >= 16 {
		nbits = min(bits.Len(uint(n))-4, maxIndexBits)
	}
	s := &RevSet{data: sorted, index: make([]uint32, 1<<nbits+1), shift: uint(64 - nbits)}
	var prevHi, prevLo uint64
	p := uint64(0) // next index slot to fill
	for i := 0; i < n; i++ {
		e := sorted[16*i : 16*i+16]
		hi, lo := binary.BigEndian.Uint64(e), binary.BigEndian.Uint64(e[8:])
		if i > 0 && (hi < prevHi || hi == prevHi && lo <= prevLo) {
			return nil, fmt.Errorf("revocation entry %d (%x) is not above the one before it: entries must be sorted and unique", i, e)
		}
		prevHi, prevLo = hi, lo
		for top := s.top(hi); p <= top; p++ {
			s.index[p] = uint32(i)
		}
	}
	for ; p < uint64(len(s.index)); p++ {
		s.index[p] = uint32(n)
	}
	return s, nil
}

// top returns the index slot of an entry whose first 8 bytes are hi.
func (s *RevSet) top(hi uint64) uint64 {
	if s.shift >= 64 {
		return 0
	}
	return hi >> s.shift
}

// Len returns the number of entries.
func (s *RevSet) Len() int { return len(s.data) / 16 }

// Contains reports whether h is in the set.
func (s *RevSet) Contains(h [16]byte) bool {
	hi, lo := binary.BigEndian.Uint64(h[:8]), binary.BigEndian.Uint64(h[8:])
	p := s.top(hi)
	i, j := int(s.index[p]), int(s.index[p+1])
	for i < j {
		m := int(uint(i+j) >> 1)
		e := s.data[16*m : 16*m+16]
		eh, el := binary.BigEndian.Uint64(e), binary.BigEndian.Uint64(e[8:])
		if eh < hi || eh == hi && el < lo {
			i = m + 1
		} else {
			j = m
		}
	}
	if i >= int(s.index[p+1]) {
		return false
	}
	e := s.data[16*i : 16*i+16]
	return binary.BigEndian.Uint64(e) == hi && binary.BigEndian.Uint64(e[8:]) == lo
}

// IndexBytes returns the memory the index takes beside the entries.
func (s *RevSet) IndexBytes() int { return 4 * len(s.index) }
