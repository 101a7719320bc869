package storetest

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

var (
	kiosk1 = hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}
	kiosk2 = hub.Kiosk{ID: "kiosk-2", Venue: "venue-2"}
	kiosk3 = hub.Kiosk{ID: "kiosk-3", Venue: "venue-1"} // kiosk-1's venue
)

var entryTests = []test{
	// A batch is stored as sent, every field, and acknowledged in order.
	{"Stored", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 400)
		res := put(t, st, kiosk1, es)
		want := hub.PutResult{Acked: ids(es), New: len(es)}
		if diff := cmp.Diff(want, res, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("PutEntries (-want +got):\n%s", diff)
		}
		got := export(t, st, time.Time{})
		if diff := cmp.Diff(es, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("exported (-sent +stored):\n%s", diff)
		}
		for _, e := range got {
			utc(t, "entry "+e.ID+"'s time", e.Time)
		}
	}},
	// A batch sent again (the kiosk missed the ack) is acknowledged again
	// and stored once (its times in another zone are the same times). An
	// id held, sent again with other content, is rejected with the reason
	// and does not replace what is held.
	{"Resent", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 1000)
		put(t, st, kiosk1, es)
		for range 2 {
			res := put(t, st, kiosk1, es)
			if diff := cmp.Diff(hub.PutResult{Acked: ids(es)}, res, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("resent batch (-want +got):\n%s", diff)
			}
		}
		zoned := slices.Clone(es[10:20])
		for i := range zoned {
			zoned[i].Time = zoned[i].Time.In(time.FixedZone("KST", 9*3600))
		}
		if res := put(t, st, kiosk1, zoned); !slices.Equal(res.Acked, ids(zoned)) || len(res.Rejected) != 0 || res.New != 0 {
			t.Errorf("resent with times in KST: %+v", res)
		}
		changed := slices.Clone(es[:4])
		changed[0].Outcome, changed[0].Reason = entry.Refused, "revoked"
		changed[1].Time = changed[1].Time.Add(time.Nanosecond)
		changed[2].Note += "."
		changed[3].Contact = []byte{1, 2, 3}
		res := put(t, st, kiosk1, append(changed, es[5]))
		if !slices.Equal(res.Acked, ids(es[5:6])) || res.New != 0 || len(res.Rejected) != len(changed) {
			t.Errorf("ids held, other content, and one the same: %+v", res)
		}
		for i, r := range res.Rejected {
			if want := changed[min(i, len(changed)-1)].ID; r.ID != want || !strings.Contains(r.Error, "other content") {
				t.Errorf("rejected %s: %q, want %s as other content", r.ID, r.Error, want)
			}
		}
		if diff := cmp.Diff(es, export(t, st, time.Time{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("stored after resends (-first sent +stored):\n%s", diff)
		}
	}},
	// Old and new in one batch, in no id order, one entry twice: all
	// acknowledged in the order given (the twice one twice), the new ones
	// stored once.
	{"Mixed", func(t *testing.T, st hub.Store, _ *clock) {
		old := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 1000)
		put(t, st, kiosk1, old)
		more := makeEntries(t, kiosk1.Venue, kiosk1.ID, 2, t0, time.Second, 499) // the same seconds: ids interleave
		var mixed []entry.Entry
		for i := range more {
			mixed = append(mixed, more[i], old[2*i+1])
		}
		mixed = append(mixed, more[0])
		res := put(t, st, kiosk1, mixed)
		if diff := cmp.Diff(hub.PutResult{Acked: ids(mixed), New: 499}, res, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("mixed batch (-want +got):\n%s", diff)
		}
		if n := len(export(t, st, time.Time{})); n != 1499 {
			t.Errorf("%d stored, want 1499", n)
		}
	}},
	// Ids held for another kiosk's entries are rejected one by one, in the
	// order given; the rest of the batch is stored, and what the other
	// kiosk holds stays as it was.
	{"OtherKiosk", func(t *testing.T, st hub.Store, _ *clock) {
		held := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 10)
		put(t, st, kiosk1, held)
		own := makeEntries(t, kiosk2.Venue, kiosk2.ID, 2, t0, time.Second, 6)
		steal := func(k hub.Kiosk, e entry.Entry) entry.Entry { e.Venue, e.Kiosk = k.Venue, k.ID; return e }
		batch := []entry.Entry{own[0], steal(kiosk2, held[3]), own[1], own[2], steal(kiosk2, held[7]), steal(kiosk2, held[0]), own[3], own[4], own[5]}
		res := put(t, st, kiosk2, batch)
		if !slices.Equal(res.Acked, ids(own)) || res.New != len(own) {
			t.Errorf("acked %v (%d new), want kiosk-2's own %v", res.Acked, res.New, ids(own))
		}
		var rejected []string
		for _, r := range res.Rejected {
			rejected = append(rejected, r.ID)
			if r.Error == "" {
				t.Errorf("%s rejected without a reason", r.ID)
			}
		}
		if want := []string{held[3].ID, held[7].ID, held[0].ID}; !slices.Equal(rejected, want) {
			t.Errorf("rejected %v, want %v", rejected, want)
		}
		// A kiosk of the same venue has no more claim.
		res = put(t, st, kiosk3, []entry.Entry{steal(kiosk3, held[5])})
		if len(res.Acked) != 0 || len(res.Rejected) != 1 || res.New != 0 {
			t.Errorf("kiosk-3 of kiosk-1's venue sending kiosk-1's id: %+v", res)
		}
		// The owner's resend is still acknowledged.
		if res := put(t, st, kiosk1, held[:5]); len(res.Acked) != 5 || len(res.Rejected) != 0 {
			t.Errorf("kiosk-1 resending its own: %+v", res)
		}
		want := append(slices.Clone(held), own...)
		slices.SortFunc(want, func(a, b entry.Entry) int { return strings.Compare(a.ID, b.ID) })
		if diff := cmp.Diff(want, export(t, st, time.Time{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("stored (-want +got):\n%s", diff)
		}
	}},
	// Kiosks pushing overlapping batches at once: every call acknowledges
	// all it was given, and each entry is stored, and counted new, once.
	{"Concurrent", func(t *testing.T, st hub.Store, _ *clock) {
		pool := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 2000)
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			news int
		)
		for g := range 8 {
			wg.Go(func() {
				for b := range 4 {
					start := g*125 + b*250
					batch := pool[start : start+250]
					res, err := st.PutEntries(ctx, kiosk1, batch)
					if err != nil || !slices.Equal(res.Acked, ids(batch)) || len(res.Rejected) != 0 {
						t.Errorf("PutEntries of %d..%d: %d acked, %v, %v", start, start+250, len(res.Acked), res.Rejected, err)
					}
					mu.Lock()
					news += res.New
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		const union = 7*125 + 4*250 // pool[:1875]
		if news != union {
			t.Errorf("%d counted new, want %d", news, union)
		}
		if diff := cmp.Diff(pool[:union], export(t, st, time.Time{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("stored (-sent +stored):\n%s", diff)
		}
	}},
	// Two kiosks sending the same ids at once (one of them a forger): each
	// id goes to one of them, whole, and is rejected for the other.
	{"Race", func(t *testing.T, st hub.Store, _ *clock) {
		a := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 600)
		b := slices.Clone(a)
		for i := range b {
			b[i].Venue, b[i].Kiosk = kiosk2.Venue, kiosk2.ID
		}
		results := make([][]hub.PutResult, 2)
		var wg sync.WaitGroup
		for i, side := range [][]entry.Entry{a, b} {
			k := []hub.Kiosk{kiosk1, kiosk2}[i]
			wg.Go(func() {
				for j := 0; j < len(side); j += 100 {
					res, err := st.PutEntries(ctx, k, side[j:j+100])
					if err != nil {
						t.Errorf("PutEntries of %s: %v", k.ID, err)
					}
					results[i] = append(results[i], res)
				}
			})
		}
		wg.Wait()
		owner := map[string]string{}
		for _, e := range export(t, st, time.Time{}) {
			owner[e.ID] = e.Kiosk
		}
		news := 0
		for i, rs := range results {
			k := []hub.Kiosk{kiosk1, kiosk2}[i]
			for _, res := range rs {
				news += res.New
				for _, id := range res.Acked {
					if owner[id] != k.ID {
						t.Errorf("%s acknowledged to %s, stored as %s's", id, k.ID, owner[id])
					}
				}
				for _, r := range res.Rejected {
					if owner[r.ID] == k.ID {
						t.Errorf("%s rejected for %s, its owner", r.ID, k.ID)
					}
				}
				if len(res.Acked)+len(res.Rejected) != 100 {
					t.Errorf("%s: %d acked and %d rejected of 100", k.ID, len(res.Acked), len(res.Rejected))
				}
			}
		}
		if len(owner) != len(a) || news != len(a) {
			t.Errorf("%d stored, %d counted new, want %d", len(owner), news, len(a))
		}
	}},
	{"Empty", func(t *testing.T, st hub.Store, _ *clock) {
		for _, es := range [][]entry.Entry{nil, {}} {
			res, err := st.PutEntries(ctx, kiosk1, es)
			if err != nil || len(res.Acked) != 0 || len(res.Rejected) != 0 || res.New != 0 {
				t.Errorf("PutEntries(%#v) = %+v, %v", es, res, err)
			}
		}
	}},
	// A request given up on acknowledges and stores nothing.
	{"Canceled", func(t *testing.T, st hub.Store, _ *clock) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 10)
		if res, err := st.PutEntries(c, kiosk1, es); err == nil || len(res.Acked) != 0 {
			t.Errorf("PutEntries with a canceled context: %d acked, %v", len(res.Acked), err)
		}
		if n := len(export(t, st, time.Time{})); n != 0 {
			t.Errorf("%d stored by a canceled PutEntries", n)
		}
	}},
}

var exportTests = []test{
	// Entries of several kiosks over the same hour, sent in no order,
	// come out in id order, each once.
	{"Order", func(t *testing.T, st hub.Store, _ *clock) {
		var all []entry.Entry
		r := rand.New(rand.NewPCG(5, 5))
		for i, k := range []hub.Kiosk{kiosk1, kiosk2, kiosk3} {
			es := makeEntries(t, k.Venue, k.ID, uint64(i+1), t0, 9*time.Second, 400)
			all = append(all, es...)
			r.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })
			for j := 0; j < len(es); j += 150 {
				put(t, st, k, es[j:min(j+150, len(es))])
			}
		}
		slices.SortFunc(all, func(a, b entry.Entry) int { return strings.Compare(a.ID, b.ID) })
		if diff := cmp.Diff(all, export(t, st, time.Time{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("exported (-want +got):\n%s", diff)
		}
	}},
	// since is the time of the id, to the millisecond, and inclusive.
	{"Since", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 100)
		put(t, st, kiosk1, es)
		at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
		for _, c := range []struct {
			since time.Time
			first int
		}{
			{time.Time{}, 0},
			{time.Unix(0, 0), 0},
			{at(-1), 0},
			{at(40), 40},
			{at(40).Add(-time.Millisecond), 40},
			{at(40).Add(time.Millisecond), 41},
			{at(99), 99},
			{at(99).Add(time.Millisecond), 100},
			{at(100000), 100},
		} {
			if got := ids(export(t, st, c.since)); !slices.Equal(got, ids(es[c.first:])) {
				t.Errorf("since %s: %d entries from %v, want %d from entry %d", c.since, len(got), got[:min(1, len(got))], len(es)-c.first, c.first)
			}
		}
	}},
	// fn's error stops the export and is returned.
	{"Stop", func(t *testing.T, st hub.Store, _ *clock) {
		put(t, st, kiosk1, makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 30))
		stop := errors.New("disk full")
		calls := 0
		err := st.ExportEntries(ctx, time.Time{}, func(entry.Entry) error {
			calls++
			if calls == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 3 {
			t.Errorf("ExportEntries with fn failing on the 3rd: %d calls, %v", calls, err)
		}
	}},
	{"Empty", func(t *testing.T, st hub.Store, _ *clock) {
		err := st.ExportEntries(ctx, time.Time{}, func(e entry.Entry) error {
			t.Errorf("an empty store exported %s", e.ID)
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}},
	// More entries than a store reads at once (bbolt: 10,000).
	{"Many", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, 100*time.Millisecond, 25_000)
		putAll(t, st, kiosk1, es)
		if got := ids(export(t, st, time.Time{})); !slices.Equal(got, ids(es)) {
			t.Errorf("exported %d of %d", len(got), len(es))
		}
		if got := ids(export(t, st, es[4321].Time.Truncate(time.Millisecond))); !slices.Equal(got, ids(es[4321:])) {
			t.Errorf("exported %d since entry 4321, want %d", len(got), len(es)-4321)
		}
	}},
}

var purgeTests = []test{
	// Entries an hour apart over four days: a purge removes those whose id
	// was made before the cutoff (not at it), whole days and part of one.
	{"Before", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0.Add(-50*time.Hour), time.Hour, 96)
		put(t, st, kiosk1, es)
		cut := es[60].Time.Truncate(time.Millisecond) // entry 60's id time
		if n, err := st.PurgeEntries(ctx, cut); err != nil || n != 60 {
			t.Fatalf("PurgeEntries: %d, %v; want 60", n, err)
		}
		if got := ids(export(t, st, time.Time{})); !slices.Equal(got, ids(es[60:])) {
			t.Errorf("left %d from %v, want the 36 from entry 60", len(got), got[:min(1, len(got))])
		}
		if n, err := st.PurgeEntries(ctx, cut); err != nil || n != 0 {
			t.Errorf("PurgeEntries again: %d, %v", n, err)
		}
		if n, err := st.PurgeEntries(ctx, time.Time{}); err != nil || n != 0 {
			t.Errorf("PurgeEntries before the zero time: %d, %v", n, err)
		}
		if n, err := st.PurgeEntries(ctx, es[95].Time.Add(time.Hour)); err != nil || n != 36 {
			t.Errorf("PurgeEntries of the rest: %d, %v", n, err)
		}
		if n := len(export(t, st, time.Time{})); n != 0 {
			t.Errorf("%d left", n)
		}
	}},
	// More entries than a store deletes at once (bbolt: 10,000).
	{"Many", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, 100*time.Millisecond, 25_000)
		putAll(t, st, kiosk1, es)
		if n, err := st.PurgeEntries(ctx, es[20_000].Time.Truncate(time.Millisecond)); err != nil || n != 20_000 {
			t.Fatalf("PurgeEntries: %d, %v; want 20000", n, err)
		}
		if got := ids(export(t, st, time.Time{})); !slices.Equal(got, ids(es[20_000:])) {
			t.Errorf("%d left, want 5000", len(got))
		}
	}},
}

var closeTests = []test{
	// Close releases the store; after it, nothing is acknowledged, and a
	// second Close (the test's cleanup) does no harm.
	{"ThenNothing", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 5)
		put(t, st, kiosk1, es[:1])
		if err := st.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if res, err := st.PutEntries(ctx, kiosk1, es[1:]); err == nil || len(res.Acked) != 0 {
			t.Errorf("PutEntries after Close: %d acked, %v", len(res.Acked), err)
		}
		if _, err := st.AddKiosk(ctx, "venue-1", "kiosk-9"); err == nil {
			t.Error("AddKiosk after Close")
		}
	}},
}
