package pgstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

// TestPartitions: a batch makes the partitions of the days it covers, one
// per UTC day; a purge drops the days before its cutoff whole and deletes
// in the cutoff's day only what came before it; a late entry of a purged
// day makes its partition again, and the next purge takes it.
func TestPartitions(t *testing.T) {
	url := pgtest.Database(t)
	st := mustOpen(t, url)
	c := conn(t, url)
	k := hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}
	// 100 entries every 72 minutes from 10 December 00:00 UTC: five days,
	// 20 a day.
	start := time.Date(2021, 12, 10, 0, 0, 0, 0, time.UTC)
	es := makeEntries(t, "venue-1", "kiosk-1", 1, start, 72*time.Minute, 100)
	if res, err := st.PutEntries(ctx, k, es); err != nil || res.New != 100 {
		t.Fatalf("PutEntries: %+v, %v", res, err)
	}
	days := []string{"entries_20211210", "entries_20211211", "entries_20211212", "entries_20211213", "entries_20211214"}
	if diff := cmp.Diff(days, partitions(t, c)); diff != "" {
		t.Fatalf("partitions (-want +got):\n%s", diff)
	}
	var n int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM entries_20211212`).Scan(&n); err != nil || n != 20 {
		t.Errorf("entries_20211212 holds %d (%v), want 20", n, err)
	}

	// Cut at 12 December 12:00: two days go whole, 10 of the third.
	cut := time.Date(2021, 12, 12, 12, 0, 0, 0, time.UTC)
	if n, err := st.PurgeEntries(ctx, cut); err != nil || n != 50 {
		t.Fatalf("purge: %d, %v; want 50", n, err)
	}
	if diff := cmp.Diff(days[2:], partitions(t, c)); diff != "" {
		t.Errorf("partitions after purge (-want +got):\n%s", diff)
	}
	if got := exported(t, st); len(got) != 50 || got[0].ID != es[50].ID {
		t.Errorf("%d left, the first %s; want 50 from %s", len(got), got[0].ID, es[50].ID)
	}
	var purged int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relname LIKE 'entries%' AND relkind = 'r' AND NOT relispartition`).Scan(&purged); err != nil || purged != 0 {
		t.Errorf("%d tables of entries outside the partitions (%v)", purged, err)
	}
	if n, err := st.PurgeEntries(ctx, cut); err != nil || n != 0 {
		t.Errorf("purge again: %d, %v", n, err)
	}

	// A kiosk that was offline pushes an entry of 10 December now, through
	// a replica that knew the partition (it made it) and one that did not.
	other := mustOpen(t, url)
	late := makeEntries(t, "venue-1", "kiosk-1", 2, start.Add(time.Hour), time.Hour, 2)
	for i, s := range []hub.Store{st, other} {
		if res, err := s.PutEntries(ctx, k, late[i:i+1]); err != nil || res.New != 1 {
			t.Fatalf("late entry through replica %d: %+v, %v", i, res, err)
		}
	}
	if got := partitions(t, c); !slices.Contains(got, "entries_20211210") {
		t.Errorf("no partition made again for the late entry: %v", got)
	}
	if n, err := other.PurgeEntries(ctx, cut); err != nil || n != 2 {
		t.Errorf("purge of the late entries: %d, %v", n, err)
	}
	// And the replica whose cache still says the day exists stores into
	// it again after the other's purge.
	if res, err := st.PutEntries(ctx, k, late); err != nil || res.New != 2 {
		t.Errorf("after another replica's purge: %+v, %v", res, err)
	}
	if n := len(exported(t, st)); n != 52 {
		t.Errorf("%d entries, want 52", n)
	}
}

// TestPurgeLeftovers: a purge that stopped after detaching a day (here,
// a table left as one would be) is finished by the next: counted and
// dropped.
func TestPurgeLeftovers(t *testing.T) {
	url := pgtest.Database(t)
	st := mustOpen(t, url)
	c := conn(t, url)
	es := makeEntries(t, "venue-1", "kiosk-1", 1, t0.AddDate(0, 0, -3), time.Minute, 30)
	if _, err := st.PutEntries(ctx, hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}, es); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `ALTER TABLE entries DETACH PARTITION entries_20211210`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `ALTER TABLE entries_20211210 RENAME TO entries_purged_20211210_x`); err != nil {
		t.Fatal(err)
	}
	if n, err := st.PurgeEntries(ctx, t0); err != nil || n != 30 {
		t.Errorf("purge: %d, %v; want the 30 of the leftover", n, err)
	}
	var left int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relname LIKE 'entries_purged%'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d leftovers after purge (%v)", left, err)
	}
	// Entries of that day can be stored again.
	if res, err := st.PutEntries(ctx, hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}, es[:1]); err != nil || res.New != 1 {
		t.Errorf("after: %+v, %v", res, err)
	}
}
