package pgstore_test

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/internal/testkit/entrygen"
	"github.com/passgate/passgate/internal/testkit/pgtest"
	"github.com/passgate/passgate/verify"
)

// clients is how many kiosks push at once.
const clients = 50

// lunchBatches makes n batches of 1000 entries for the kiosks in turn,
// every batch spread over the same hour from t0 (entrygen.Lunch, the
// batches hub's bbolt benchmark sends too): ids of different kiosks, and
// of one kiosk's successive batches, interleave, as at a lunchtime when
// every kiosk pushes what it recorded in the last minutes.
func lunchBatches(b *testing.B, n int) [][]entry.Entry {
	out, err := entrygen.Lunch(n, clients, entry.MaxBatch, "venue-1", t0)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkIngest is the hub taking 1000-entry batches from 50 kiosks at
// once into PostgreSQL, every batch covering the same hour. One op is one
// batch; the figure that matters is entries/s. http goes through the
// hub's server over loopback, as the bbolt benchmark in package hub does
// (bodies encoded before the clock starts: kiosks spend their own CPU on
// that); replicas is the same through two servers, each with a store (a
// pool) of its own on the one database, as two passhub processes would
// be, the kiosks split between them; store calls PutEntries directly.
// Each also reports the bytes on disk per entry: tables and indexes of
// every partition of entries (pg_total_relation_size), over the rows.
//
// pgtest's throwaway cluster runs with fsync off; for the figure of a
// real server, point PASSGATE_POSTGRES_URL at one:
//
//	PASSGATE_POSTGRES_URL=postgres:///postgres?host=/run/postgresql \
//	  go test -run '^$' -bench Ingest -benchtime 300x ./hub/pgstore
func BenchmarkIngest(b *testing.B) {
	b.Run("http", func(b *testing.B) {
		url := pgtest.Database(b)
		st := mustOpen(b, url)
		ingestHTTP(b, url, st, []*hub.Server{benchServer(b, st)})
	})
	b.Run("replicas", func(b *testing.B) {
		url := pgtest.Database(b)
		st := mustOpen(b, url)
		ingestHTTP(b, url, st, []*hub.Server{benchServer(b, st), benchServer(b, mustOpen(b, url))})
	})
	b.Run("store", func(b *testing.B) {
		url := pgtest.Database(b)
		st := mustOpen(b, url)
		batches := lunchBatches(b, b.N)
		ingest(b, func(i int) error {
			k := hub.Kiosk{ID: batches[i][0].Kiosk, Venue: "venue-1"}
			res, err := st.PutEntries(ctx, k, batches[i])
			if err == nil && res.New != entry.MaxBatch {
				err = fmt.Errorf("batch %d: %d new", i, res.New)
			}
			return err
		})
		b.ReportMetric(bytesPerEntry(b, url, b.N*entry.MaxBatch), "bytes/entry")
	})
}

// benchServer serves st on a free loopback port, with room for every
// kiosk at once, until the end of the benchmark.
func benchServer(b *testing.B, st hub.Store) *hub.Server {
	s, err := hub.NewServer(st, hub.Options{Addr: "127.0.0.1:0", MaxInFlight: 2 * clients})
	if err != nil {
		b.Fatal(err)
	}
	s.Now = at0
	if err := s.Open(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// ingestHTTP pushes b.N lunchtime batches over HTTP, kiosk i to server
// i % len(servers), and checks that st, on the database at url, holds
// them all, each once.
func ingestHTTP(b *testing.B, url string, st hub.Store, servers []*hub.Server) {
	tokens := make([]string, clients)
	for i := range tokens {
		var err error
		if tokens[i], err = st.AddKiosk(ctx, "venue-1", entrygen.Kiosk(i, clients)); err != nil {
			b.Fatal(err)
		}
	}
	bodies := make([][]byte, b.N)
	for i, es := range lunchBatches(b, b.N) {
		var err error
		if bodies[i], err = json.Marshal(entry.Batch{Entries: es}); err != nil {
			b.Fatal(err)
		}
	}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}}
	b.Cleanup(c.CloseIdleConnections)
	ingest(b, func(i int) error {
		s := servers[(i%clients)%len(servers)]
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
	b.ReportMetric(bytesPerEntry(b, url, b.N*entry.MaxBatch), "bytes/entry")
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

// bytesPerEntry is the disk the entries take, tables and indexes (and
// TOAST) of every partition, over the rows; it fails the benchmark unless
// the rows are want, each id once.
func bytesPerEntry(b *testing.B, url string, want int) float64 {
	c := conn(b, url)
	var rows, ids int
	var size int64
	if err := c.QueryRow(ctx, "SELECT count(*), count(DISTINCT id) FROM entries").Scan(&rows, &ids); err != nil {
		b.Fatal(err)
	}
	if rows != want || ids != want {
		b.Fatalf("%d rows, %d ids stored, want %d", rows, ids, want)
	}
	if err := c.QueryRow(ctx, `SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0)::bigint
		FROM pg_inherits WHERE inhparent = 'entries'::regclass`).Scan(&size); err != nil {
		b.Fatal(err)
	}
	return float64(size) / float64(rows)
}

// BenchmarkBundleNotModified is the fleet polling for a new bundle when
// there is none, with PostgreSQL behind the hub: 50 kiosks at once, each
// request a conditional GET /v1/bundle answered 304. The bbolt figure is
// hub's benchmark of the same name.
func BenchmarkBundleNotModified(b *testing.B) {
	st := mustOpen(b, pgtest.Database(b))
	s := benchServer(b, st)
	data, pinned := benchBundle(b)
	if _, err := hub.Publish(ctx, st, data, pinned, t0); err != nil {
		b.Fatal(err)
	}
	resp, err := http.Get(s.URL() + "/v1/bundle")
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || etag == "" {
		b.Fatalf("GET /v1/bundle: %s, ETag %q", resp.Status, etag)
	}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}}
	b.Cleanup(c.CloseIdleConnections)
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

// benchBundle signs a bundle valid around t0 with 100,000 revocations
// (1.6 MB), as hub's bbolt benchmark publishes, and returns it with the
// key that checks it.
func benchBundle(b *testing.B) ([]byte, ed25519.PublicKey) {
	signer := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	auth, err := ecdh.X25519().NewPrivateKey(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		b.Fatal(err)
	}
	policy, err := presets.Load(presets.Default)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	revoked := make([][16]byte, 100_000)
	for i := range revoked {
		for j := range 16 {
			revoked[i][j] = byte(r.Uint32())
		}
	}
	data, err := bundle.Sign(&bundle.Spec{
		Sequence: 1, IssuedAt: t0.Add(-time.Hour), ValidUntil: t0.Add(72 * time.Hour),
		Policy: policy, Authority: auth.PublicKey(),
		Revocations: []bundle.RevocationSegment{{Type: verify.HashUCI, Hashes: revoked}},
	}, signer)
	if err != nil {
		b.Fatal(err)
	}
	return data, signer.Public().(ed25519.PublicKey)
}
