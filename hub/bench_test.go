package hub_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/testkit/entrygen"
)

// clients is how many kiosks push or pull at once in the benchmarks.
const clients = 50

// benchClient keeps a connection per kiosk, as kiosks do.
// Its connections close at the end of the benchmark, before the server.
func benchClient(b *testing.B) *http.Client {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}}
	b.Cleanup(c.CloseIdleConnections)
	return c
}

// BenchmarkIngest is the hub taking 1000-entry batches from 50 kiosks at
// once over loopback HTTP, into bbolt with fsync. One op is one batch; the
// figure that matters is entries/s. The batches are those of hub/pgstore's
// BenchmarkIngest (entrygen.Lunch: every batch over the same hour, so ids
// of different kiosks interleave, as at lunchtime), for the ratio of the
// two stores. They are encoded before the clock starts: real kiosks spend
// their own CPU on that, not the hub's. It also reports the bytes of the
// bbolt file per entry.
//
//	go test -run XXX -bench Ingest -benchtime 300x ./hub
func BenchmarkIngest(b *testing.B) {
	st, dir := mustOpenBolt(b)
	s := mustServe(b, st, hub.Options{})
	tokens := make([]string, clients)
	for i := range tokens {
		var err error
		if tokens[i], err = st.AddKiosk(ctx, "venue-1", entrygen.Kiosk(i, clients)); err != nil {
			b.Fatal(err)
		}
	}
	batches, err := entrygen.Lunch(b.N, clients, entry.MaxBatch, "venue-1", t0)
	if err != nil {
		b.Fatal(err)
	}
	bodies := make([][]byte, b.N)
	for i, es := range batches {
		if bodies[i], err = json.Marshal(entry.Batch{Entries: es}); err != nil {
			b.Fatal(err)
		}
	}
	c := benchClient(b)
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		fail atomic.Value
	)
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime()
	for range clients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < b.N; i = int(next.Add(1) - 1) {
				req, _ := http.NewRequest("POST", s.URL()+"/v1/entries", bytes.NewReader(bodies[i]))
				req.Header.Set("Authorization", "Bearer "+tokens[i%clients])
				resp, err := c.Do(req)
				if err != nil {
					fail.Store(err)
					return
				}
				var ack entry.Ack
				err = json.NewDecoder(resp.Body).Decode(&ack)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || err != nil || len(ack.Acked) != entry.MaxBatch {
					fail.Store(fmt.Errorf("batch %d: %s, %d acked, %v", i, resp.Status, len(ack.Acked), err))
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cpuTime()-cpu
	b.StopTimer()
	if err := fail.Load(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N*entry.MaxBatch)/elapsed.Seconds(), "entries/s")
	// CPU of hub and clients together, both on this machine.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*entry.MaxBatch), "cpu-µs/entry")
	if n := count(b, st); n != b.N*entry.MaxBatch {
		b.Fatalf("%d entries stored, want %d", n, b.N*entry.MaxBatch)
	}
	fi, err := os.Stat(filepath.Join(dir, hub.BoltFile))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/float64(b.N*entry.MaxBatch), "bytes/entry")
}

// BenchmarkBundleNotModified is the fleet polling for a new bundle when
// there is none: 50 kiosks at once, each request answered 304.
func BenchmarkBundleNotModified(b *testing.B) {
	st, _ := mustOpenBolt(b)
	s := mustServe(b, st, hub.Options{MaxInFlight: 2 * clients})
	data := signBundle(b, 1, hashes(1, 100_000)) // 1.6 MB of revocations
	if _, err := hub.Publish(ctx, st, data, pinned, t0); err != nil {
		b.Fatal(err)
	}
	resp, _ := get(b, s.URL()+"/v1/bundle")
	etag := resp.Header.Get("ETag")
	c := benchClient(b)
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		fail atomic.Value
	)
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				req, _ := http.NewRequest("GET", s.URL()+"/v1/bundle", nil)
				req.Header.Set("If-None-Match", etag)
				resp, err := c.Do(req)
				if err != nil {
					fail.Store(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotModified {
					fail.Store(fmt.Errorf("%s", resp.Status))
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
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "304s/s")
}
