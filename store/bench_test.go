package store_test

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/store"
)

// The registers of the benchmarks live where t.TempDir and os.MkdirTemp
// put them: under $TMPDIR, else /tmp. Run with TMPDIR on the kiosk's disk
// to measure that disk (fsync on tmpfs costs nothing).

// BenchmarkRecord records one entry at a time, each fsync'd, and reports
// the median and the 99th percentile of the time Record took.
func BenchmarkRecord(b *testing.B) {
	db := mustOpen(b, store.Options{Path: filepath.Join(b.TempDir(), "register.db")})
	es := newMaker(100).many(b, b.N, testNow, time.Millisecond)
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if err := db.Record(es[i]); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(ms(took[len(took)/2]), "median-ms")
	b.ReportMetric(ms(took[len(took)*99/100]), "p99-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// largeN is a register of 28 days of a busy venue: 1.5 million entries,
// of which the last largePending are not yet acknowledged.
const (
	largeN       = 1_500_000
	largePending = 10_000
)

var large struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// largeRegister builds the large register once per test binary run, with
// one transaction per 10,000 entries.
func largeRegister(b *testing.B) string {
	b.Helper()
	large.once.Do(func() {
		start := time.Now()
		large.dir, large.err = os.MkdirTemp("", "passgate-bench-")
		if large.err != nil {
			return
		}
		large.path = filepath.Join(large.dir, "register.db")
		db, err := store.Open(store.Options{Path: large.path})
		if err != nil {
			large.err = err
			return
		}
		defer db.Close()
		m := newMaker(101)
		step := store.DefaultRetention / largeN
		first := testNow.Add(-store.DefaultRetention)
		const batch = 10_000
		for i := 0; i < largeN; i += batch {
			es := m.many(b, batch, first.Add(time.Duration(i)*step), step)
			if large.err = db.RecordAll(es); large.err != nil {
				return
			}
			if i+batch <= largeN-largePending {
				if large.err = db.Ack(ids(es)); large.err != nil {
					return
				}
			}
		}
		st, _ := os.Stat(large.path)
		b.Logf("built a register of %d entries (%d MB) in %v", largeN, st.Size()>>20, time.Since(start).Round(time.Millisecond))
	})
	if large.err != nil {
		b.Fatal(large.err)
	}
	return large.path
}

func cleanupBench() {
	if large.dir != "" {
		os.RemoveAll(large.dir)
	}
}

// BenchmarkOpenLarge opens the large register: the read-only check of the
// whole file, then the open for writing.
func BenchmarkOpenLarge(b *testing.B) {
	path := largeRegister(b)
	b.ResetTimer()
	for range b.N {
		db, err := store.Open(store.Options{Path: path})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

func openLarge(b *testing.B) *store.DB {
	b.Helper()
	return mustOpen(b, store.Options{Path: largeRegister(b), Now: func() time.Time { return testNow }, Location: seoul})
}

// BenchmarkStatsLarge reads the counters of the large register.
func BenchmarkStatsLarge(b *testing.B) {
	db := openLarge(b)
	b.ResetTimer()
	for range b.N {
		st, err := db.Stats()
		if err != nil {
			b.Fatal(err)
		}
		if st.Total != largeN || st.Pending != largePending {
			b.Fatalf("stats: total %d pending %d", st.Total, st.Pending)
		}
	}
}

// BenchmarkPendingLarge reads the next batch to upload from the large
// register.
func BenchmarkPendingLarge(b *testing.B) {
	db := openLarge(b)
	b.ResetTimer()
	for range b.N {
		es, err := db.Pending(1000)
		if err != nil {
			b.Fatal(err)
		}
		if len(es) != 1000 {
			b.Fatalf("%d pending", len(es))
		}
	}
}
