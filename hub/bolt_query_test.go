package hub_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// TestIndexBuiltOnOpen: a data directory written before the venue index
// existed gets it when opened: the queries find its entries.
func TestIndexBuiltOnOpen(t *testing.T) {
	st, dir := mustOpenBolt(t)
	es := makeEntries(t, "venue-1", "kiosk-1", 1, 500)
	if _, err := st.PutEntries(ctx, hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}, es); err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := bolt.Open(filepath.Join(dir, hub.BoltFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("entries_by_venue")) }); err != nil {
		t.Fatalf("the index bucket: %v", err)
	}
	db.Close()

	st = mustReopen(t, dir)
	var got []string
	q := hub.Query{Venue: "venue-1", From: t0, To: t0.Add(time.Hour)}
	if err := st.QueryEntries(ctx, q, func(e entry.Entry) error { got = append(got, e.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := ids(es); !slices.Equal(got, want) {
		t.Errorf("after the index was built: %d entries, want %d", len(got), len(want))
	}
}

// BenchmarkBoltQuery1M is the venue-window query (a venue's entries in 2
// hours) on the bbolt store holding a million entries: 1000 venues, 10
// days, half of each day's entries at lunch; set PASSGATE_BENCH_1M=1 (it
// loads for minutes first). PostgreSQL's figure over 10 million is
// BenchmarkQuery10M in hub/pgstore.
func BenchmarkBoltQuery1M(b *testing.B) {
	if os.Getenv("PASSGATE_BENCH_1M") != "1" {
		b.Skip("loads a million entries: set PASSGATE_BENCH_1M=1 to run it")
	}
	const venues, days, n = 1000, 10, 1_000_000
	// One loader: a batch need not wait for others to share its commit.
	st, err := hub.OpenBolt(b.TempDir(), &hub.BoltOptions{BatchDelay: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	start := time.Date(2021, 12, 3, 0, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(1, 1))
	gen := entry.NewIDs(rand.NewChaCha8([32]byte{9}))
	batches := map[int][]entry.Entry{}
	flush := func(v int) {
		k := hub.Kiosk{ID: fmt.Sprintf("venue-%04d-k", v), Venue: fmt.Sprintf("venue-%04d", v)}
		if _, err := st.PutEntries(ctx, k, batches[v]); err != nil {
			b.Fatal(err)
		}
		batches[v] = batches[v][:0]
	}
	// In time order, as kiosks push them; a batch per venue of up to 1000.
	for i := range n {
		day := start.AddDate(0, 0, i*days/n)
		at := day.Add(time.Duration(r.IntN(86400_000)) * time.Millisecond)
		if i%2 == 0 {
			at = day.Add(2*time.Hour + time.Duration(r.IntN(3*3600_000))*time.Millisecond)
		}
		v := r.IntN(venues)
		id, err := gen.New(at)
		if err != nil {
			b.Fatal(err)
		}
		batches[v] = append(batches[v], entry.Entry{ID: id, Time: at, Venue: fmt.Sprintf("venue-%04d", v), Kiosk: fmt.Sprintf("venue-%04d-k", v),
			Method: entry.Camera, Outcome: entry.Admitted, Format: "eu-dcc", Type: "v", Country: "KR", Holder: fmt.Sprintf("%064x", i)})
		if len(batches[v]) == entry.MaxBatch {
			flush(v)
		}
	}
	for v := range batches {
		if len(batches[v]) > 0 {
			flush(v)
		}
	}
	var took []time.Duration
	entries := 0
	for b.Loop() {
		from := start.AddDate(0, 0, r.IntN(days)).Add(time.Hour + time.Duration(r.IntN(180))*time.Minute)
		q := hub.Query{Venue: fmt.Sprintf("venue-%04d", r.IntN(venues)), From: from, To: from.Add(2 * time.Hour)}
		t := time.Now()
		if err := st.QueryEntries(ctx, q, func(entry.Entry) error { entries++; return nil }); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t))
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(took[len(took)/2]), "ms-median")
	b.ReportMetric(ms(took[len(took)*95/100]), "ms-p95")
	b.ReportMetric(float64(entries)/float64(len(took)), "entries/op")
}
