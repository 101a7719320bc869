package bundle_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/verify"
)

// FuzzLoadBundle feeds arbitrary bytes to Load and ReadInfo,
// seeded with a real signed bundle and damaged copies of it. Whatever the
// input: no panic, no bundle with an error other than ErrExpired, and
// memory bounded by the input (lengths are believed only when the data
// holds them).
func FuzzLoadBundle(f *testing.F) {
	data := mustSign(f, testSpec(f, 3))
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add(data[:12])
	for _, i := range []int{5, 9, 30, len(data) - 70, len(data) - 1} {
		d := slices.Clone(data)
		d[i] ^= 0xff
		f.Add(d)
	}
	f.Add([]byte("PGTB\x00\x01\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, in []byte) {
		b, err := bundle.Load(in, pinned, nil, t0)
		switch {
		case err == nil && b == nil:
			t.Fatal("no bundle and no error")
		case err != nil && !errors.Is(err, bundle.ErrExpired) && b != nil:
			t.Fatalf("a bundle with error %v", err)
		}
		if b != nil {
			for _, ht := range verify.HashTypes() {
				b.Revoked(ht, [16]byte{})
			}
		}
		if info, err := bundle.ReadInfo(in); err == nil {
			info.KeysPerCountry()
			info.Revocations()
		}
	})
}
