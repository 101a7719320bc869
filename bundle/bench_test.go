package bundle_test

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/verify"
)

// bench10M is a signed bundle of 10 million UCI revocations, made once per
// test binary: its making (sorting 10M hashes) takes seconds.
var bench10M = sync.OnceValues(func() ([]byte, [][16]byte) {
	const n = 10_000_000
	r := rand.New(rand.NewPCG(2021, 12))
	hs := make([][16]byte, n)
	for i := range hs {
		a, b := r.Uint64(), r.Uint64()
		for j := range 8 {
			hs[i][j], hs[i][8+j] = byte(a>>(8*j)), byte(b>>(8*j))
		}
	}
	spec := &bundle.Spec{Sequence: 1, IssuedAt: t0, ValidUntil: t0.Add(72 * time.Hour),
		Revocations: []bundle.RevocationSegment{{Type: verify.HashUCI, Hashes: hs}},
		Policy:      presets.Must(presets.Default)}
	data, err := bundle.Sign(spec, seedKey)
	if err != nil {
		panic(err)
	}
	// A million probes, so lookups miss the CPU caches as at the door.
	return data, hs[:1<<20]
})

// BenchmarkLoadBundle10M loads (signature, segment hash, order check, index)
// a bundle of 10 million revocations and reports the memory the loaded
// bundle holds per entry, the file's bytes included.
func BenchmarkLoadBundle10M(b *testing.B) {
	data, _ := bench10M()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var bd *bundle.Bundle
	for b.Loop() {
		var err error
		if bd, err = bundle.Load(data, pinned, nil, t0); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := float64(bd.Info().Revocations()[verify.HashUCI])
	// HeapAlloc before already holds data; add it back as the bundle keeps it.
	b.ReportMetric((float64(after.HeapAlloc)-float64(before.HeapAlloc)+float64(len(data)))/n, "bytes/entry")
	runtime.KeepAlive(bd)
}

// BenchmarkRevoked10M looks up members and non-members of a 10M set, a
// million different ones each, so the figures include cache misses.
func BenchmarkRevoked10M(b *testing.B) {
	data, members := bench10M()
	bd, err := bundle.Load(data, pinned, nil, t0)
	if err != nil {
		b.Fatal(err)
	}
	misses := randomHashes(77, 1<<20)
	for _, c := range []struct {
		name  string
		probe [][16]byte
		want  bool
	}{{"hit", members, true}, {"miss", misses, false}} {
		b.Run(c.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if bd.Revoked(verify.HashUCI, c.probe[i%len(c.probe)]) != c.want {
					b.Fatalf("Revoked(%x) != %v", c.probe[i%len(c.probe)], c.want)
				}
				i++
			}
		})
	}
}
