package pgstore_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

// clients is how many kiosks push at once.
const clients = 50

// lunchBatches makes n batches of 1000 entries for the kiosks in turn,
// every batch spread over the same hour from t0: ids of different kiosks,
// and of one kiosk's successive batches, interleave, as at a lunchtime
// when every kiosk pushes what it recorded in the last minutes.
func lunchBatches(b *testing.B, n int) [][]entry.Entry {
	out := make([][]entry.Entry, n)
	for i := range out {
		kiosk := fmt.Sprintf("kiosk-%d", i%clients)
		ids := entry.NewIDs(rand.NewChaCha8([32]byte{byte(i), byte(i >> 8), byte(i >> 16), 2}))
		r := rand.New(rand.NewPCG(uint64(i), 3))
		es := make([]entry.Entry, entry.MaxBatch)
		for j := range es {
			at := t0.Add(time.Duration(j)*(time.Hour/entry.MaxBatch) + time.Duration(r.Int64N(int64(time.Hour/entry.MaxBatch))))
			id, err := ids.New(at)
			if err != nil {
				b.Fatal(err)
			}
			es[j] = entry.Entry{ID: id, Time: at, Venue: "venue-1", Kiosk: kiosk, Method: entry.Camera, Outcome: entry.Admitted,
				Format: "eu-dcc", Type: "v", Country: "KR", Holder: fmt.Sprintf("%064x", r.Uint64())}
		}
		out[i] = es
	}
	return out
}

// BenchmarkIngest is the hub taking 1000-entry batches from 50 kiosks at
// once into PostgreSQL, every batch covering the same hour. One op is one
// batch; the figure that matters is entries/s. http goes through the
// hub's server over loopback, as the bbolt benchmark in package hub does
// (bodies encoded before the clock starts: kiosks spend their own CPU on
// that); store calls PutEntries directly.
//
// pgtest's throwaway cluster runs with fsync off; for the figure of a
// real server, point PASSGATE_POSTGRES_URL at one:
//
//	PASSGATE_POSTGRES_URL=postgres:///postgres?host=/run/postgresql \
//	  go test -run '^$' -bench Ingest -benchtime 300x ./hub/pgstore
func BenchmarkIngest(b *testing.B) {
	b.Run("http", func(b *testing.B) {
		st := mustOpen(b, pgtest.Database(b))
		s, err := hub.NewServer(st, hub.Options{Addr: "127.0.0.1:0", MaxInFlight: 2 * clients})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Open(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		tokens := make([]string, clients)
		for i := range tokens {
			if tokens[i], err = st.AddKiosk(ctx, "venue-1", fmt.Sprintf("kiosk-%d", i)); err != nil {
				b.Fatal(err)
			}
		}
		batches := lunchBatches(b, b.N)
		bodies := make([][]byte, b.N)
		for i, es := range batches {
			if bodies[i], err = json.Marshal(entry.Batch{Entries: es}); err != nil {
				b.Fatal(err)
			}
		}
		c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}}
		b.Cleanup(c.CloseIdleConnections)
		ingest(b, func(i int) error {
			req, _ := http.NewRequest("POST", s.URL()+"/v1/entries", bytes.NewReader(bodies[i]))
			req.Header.Set("Authorization", "Bearer "+tokens[i%clients])
			resp, err := c.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			var ack entry.Ack
			err = json.NewDecoder(resp.Body).Decode(&ack)
			if resp.StatusCode != http.StatusOK || err != nil || len(ack.Acked) != entry.MaxBatch {
				return fmt.Errorf("batch %d: %s, %d acked, %v", i, resp.Status, len(ack.Acked), err)
			}
			return nil
		})
		if n := len(exported(b, st)); n != b.N*entry.MaxBatch {
			b.Fatalf("%d entries stored, want %d", n, b.N*entry.MaxBatch)
		}
	})
	b.Run("store", func(b *testing.B) {
		st := mustOpen(b, pgtest.Database(b))
		batches := lunchBatches(b, b.N)
		ingest(b, func(i int) error {
			k := hub.Kiosk{ID: batches[i][0].Kiosk, Venue: "venue-1"}
			res, err := st.PutEntries(ctx, k, batches[i])
			if err == nil && res.New != entry.MaxBatch {
				err = fmt.Errorf("batch %d: %d new", i, res.New)
			}
			return err
		})
	})
}

// ingest runs push(0) … push(b.N-1) from clients goroutines and reports
// entries/s.
func ingest(b *testing.B, push func(i int) error) {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		fail atomic.Value
	)
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < b.N; i = int(next.Add(1) - 1) {
				if err := push(i); err != nil {
					fail.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := fail.Load(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N*entry.MaxBatch)/elapsed.Seconds(), "entries/s")
}
