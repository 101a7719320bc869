package pgstore_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/pgstore"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

// serves tells whether st serves the bundle of sequence seq and data.
func serves(st hub.Store, seq uint64, data []byte) bool {
	b, err := st.CurrentBundle(ctx)
	return err == nil && b.Sequence == seq && bytes.Equal(b.Data, data)
}

// TestReplicasBundle: two stores on one database. A bundle put through
// one is served by the other within 2 s (NOTIFY); after the other's listen
// connection is killed, within the poll interval and a little; and once it
// listens again, within 2 s again.
func TestReplicasBundle(t *testing.T) {
	url := pgtest.Database(t)
	a, b := mustOpen(t, url), mustOpen(t, url)
	if _, err := b.CurrentBundle(ctx); !errors.Is(err, hub.ErrNotFound) {
		t.Fatalf("before any publish: %v", err)
	}
	put := func(seq uint64) []byte {
		t.Helper()
		data := bytes.Repeat([]byte{byte(seq)}, 1<<20)
		if err := a.PutBundle(ctx, data, seq); err != nil {
			t.Fatal(err)
		}
		if !serves(a, seq, data) {
			t.Fatalf("bundle %d not served by the replica that put it", seq)
		}
		return data
	}
	if !eventually(5*time.Second, func() bool { return pgstore.ListenPID(b) != 0 }) {
		t.Fatal("replica b never listened")
	}
	start := time.Now()
	if data := put(1); !eventually(2*time.Second, func() bool { return serves(b, 1, data) }) {
		t.Fatal("bundle 1 not served by the other replica within 2 s")
	}
	t.Logf("bundle 1 reached the other replica in %s", time.Since(start).Round(time.Millisecond))
	// The ETag is the bundle's SHA-256, the same on both.
	ba, _ := a.CurrentBundle(ctx)
	bb, _ := b.CurrentBundle(ctx)
	if ba.SHA256 != bb.SHA256 || !ba.Published.Equal(bb.Published) {
		t.Errorf("replicas differ: %x %s, %x %s", ba.SHA256, ba.Published, bb.SHA256, bb.Published)
	}

	pid := pgstore.ListenPID(b)
	c := conn(t, url)
	var killed bool
	if err := c.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, int64(pid)).Scan(&killed); err != nil || !killed {
		t.Fatalf("pg_terminate_backend(%d): %v %v", pid, killed, err)
	}
	start = time.Now()
	if data := put(2); !eventually(7*time.Second, func() bool { return serves(b, 2, data) }) {
		t.Fatal("bundle 2 not served by the other replica within 7 s of its listen connection killed")
	}
	t.Logf("bundle 2 reached the other replica in %s, its listen connection killed", time.Since(start).Round(time.Millisecond))
	if !eventually(10*time.Second, func() bool { p := pgstore.ListenPID(b); return p != 0 && p != pid }) {
		t.Fatal("replica b does not listen again")
	}
	if data := put(3); !eventually(2*time.Second, func() bool { return serves(b, 3, data) }) {
		t.Fatal("bundle 3 not served within 2 s once b listens again")
	}
	// The same sequence put again replaces the bundle, on both.
	data := []byte("bundle 3, again")
	if err := a.PutBundle(ctx, data, 3); err != nil {
		t.Fatal(err)
	}
	if !eventually(2*time.Second, func() bool { return serves(b, 3, data) }) {
		t.Error("bundle 3 replaced is not served by the other replica")
	}
	// A lower sequence is kept, not served.
	if err := a.PutBundle(ctx, []byte("old"), 2); err != nil {
		t.Fatal(err)
	}
	if !serves(a, 3, data) {
		t.Error("a lower sequence put replaced the current bundle")
	}
	// A new replica starts with the current bundle.
	if !serves(mustOpen(t, url), 3, data) {
		t.Error("a new replica does not serve the current bundle")
	}
}

// TestReplicasPoll: with no notification at all, a replica learns of a
// new bundle by its poll.
func TestReplicasPoll(t *testing.T) {
	url := pgtest.Database(t)
	a := mustOpen(t, url)
	b := mustOpenWith(t, url, pgstore.PollOnly(pgstore.Options{Now: at0}, 200*time.Millisecond))
	for seq := uint64(1); seq <= 2; seq++ {
		data := []byte(fmt.Sprint("bundle ", seq))
		if err := a.PutBundle(ctx, data, seq); err != nil {
			t.Fatal(err)
		}
		if !eventually(time.Second, func() bool { return serves(b, seq, data) }) {
			t.Fatalf("bundle %d not polled within a second", seq)
		}
	}
}

// TestConcurrentPut: kiosks push overlapping batches from several
// goroutines at once, through two replicas, and two kiosks race for the
// same ids. Every id ends with one owner; each push is acknowledged for
// the owner's and rejected for the other's; the entries stored are those
// that PutEntries counted new, each once.
func TestConcurrentPut(t *testing.T) {
	url := pgtest.Database(t)
	stores := []hub.Store{mustOpen(t, url), mustOpen(t, url)}
	mine := makeEntries(t, "venue-1", "kiosk-1", 1, t0, 100*time.Millisecond, 4000)
	// kiosk-2 sends kiosk-1's ids 1000-1999 as its own.
	theirs := slices.Clone(mine[1000:2000])
	for i := range theirs {
		theirs[i].Venue, theirs[i].Kiosk = "venue-2", "kiosk-2"
	}
	type push struct {
		k  hub.Kiosk
		es []entry.Entry
	}
	var pushes []push
	for g := range 13 { // windows of 1000, 250 apart: each entry in up to 4 batches
		pushes = append(pushes, push{hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}, mine[g*250 : g*250+1000]})
	}
	pushes = append(pushes, push{hub.Kiosk{ID: "kiosk-2", Venue: "venue-2"}, theirs}, push{hub.Kiosk{ID: "kiosk-2", Venue: "venue-2"}, theirs})
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		news    int
		acked   = map[string]map[string]bool{} // kiosk → ids acked to it
		refused = map[string]map[string]bool{}
	)
	for i, p := range pushes {
		wg.Go(func() {
			res, err := stores[i%2].PutEntries(ctx, p.k, p.es)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			news += res.New
			if len(res.Acked)+len(res.Rejected) != len(p.es) {
				t.Errorf("push %d: %d acked, %d rejected of %d", i, len(res.Acked), len(res.Rejected), len(p.es))
			}
			for _, id := range res.Acked {
				if acked[p.k.ID] == nil {
					acked[p.k.ID] = map[string]bool{}
				}
				acked[p.k.ID][id] = true
			}
			for _, r := range res.Rejected {
				if refused[p.k.ID] == nil {
					refused[p.k.ID] = map[string]bool{}
				}
				refused[p.k.ID][r.ID] = true
			}
		})
	}
	wg.Wait()
	got := exported(t, stores[0])
	if len(got) != len(mine) || news != len(mine) {
		t.Fatalf("%d stored, %d counted new; want %d", len(got), news, len(mine))
	}
	for _, e := range got {
		other := map[string]string{"kiosk-1": "kiosk-2", "kiosk-2": "kiosk-1"}[e.Kiosk]
		if !acked[e.Kiosk][e.ID] || acked[other][e.ID] || refused[e.Kiosk][e.ID] {
			t.Fatalf("entry %s stored for %s: acked to it %v, to %s %v, refused to it %v",
				e.ID, e.Kiosk, acked[e.Kiosk][e.ID], other, acked[other][e.ID], refused[e.Kiosk][e.ID])
		}
		if other == "kiosk-1" || (e.ID >= mine[1000].ID && e.ID <= mine[1999].ID) {
			if !refused[other][e.ID] {
				t.Fatalf("entry %s of %s not refused to %s", e.ID, e.Kiosk, other)
			}
		}
	}
	t.Logf("kiosk-2 won %d of the 1000 ids it raced for", len(acked["kiosk-2"]))
}
