package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
)

func TestPurge(t *testing.T) {
	db := mustOpenDB(t)
	m := newMaker(20)
	cutoff := testNow.Add(-store.DefaultRetention)
	oldAcked := m.many(t, 30, cutoff.Add(-10*24*time.Hour), time.Hour)   // 30 hours, all before the cutoff
	oldPending := m.many(t, 7, cutoff.Add(-2*24*time.Hour), time.Minute) // never acknowledged
	edge := m.at(t, cutoff, entry.Admitted, entry.Camera)                // exactly at the cutoff: kept
	recent := m.many(t, 12, testNow.Add(-2*time.Hour), 10*time.Minute)
	for _, batch := range [][]entry.Entry{oldAcked, oldPending, {edge}, recent} {
		if err := db.RecordAll(batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Ack(append(append(ids(oldAcked), edge.ID), ids(recent[:6])...)); err != nil {
		t.Fatal(err)
	}

	purged, kept, err := db.Purge(cutoff)
	if err != nil {
		t.Fatal(err)
	}
	if purged != 30 || kept != 7 {
		t.Errorf("Purge: purged %d, kept %d unsynced; want 30 and 7", purged, kept)
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 20 || st.All.Total != 50 || st.Pending != 13 {
		t.Errorf("after purge: total %d (counted %d), pending %d; want 20 in the register, 50 counted, 13 pending", st.Total, st.All.Total, st.Pending)
	}
	if !st.Oldest.Equal(oldPending[0].Time) {
		t.Errorf("oldest %v, want the oldest unsynced entry %v", st.Oldest, oldPending[0].Time)
	}

	// Again: nothing more goes; the unsynced ones are still reported.
	if purged, kept, err = db.Purge(cutoff); err != nil || purged != 0 || kept != 7 {
		t.Errorf("second Purge: %d, %d, %v; want 0, 7", purged, kept, err)
	}
	// Once the hub has them, they go.
	if err := db.Ack(ids(oldPending)); err != nil {
		t.Fatal(err)
	}
	if purged, kept, err = db.Purge(cutoff); err != nil || purged != 7 || kept != 0 {
		t.Errorf("Purge after the ack: %d, %d, %v; want 7, 0", purged, kept, err)
	}
	// Everything acknowledged and old enough goes, the rest stays.
	if purged, kept, err = db.Purge(testNow.Add(time.Hour)); err != nil || purged != 7 || kept != 6 {
		t.Errorf("Purge of all: %d, %d, %v; want 7 (edge and six acked) and 6", purged, kept, err)
	}
	pending, err := db.Pending(0)
	if err != nil || len(pending) != 6 {
		t.Errorf("pending after purging all: %d, %v; want 6", len(pending), err)
	}
	st, err = db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 6 || st.All.Total != 50 || st.Today.Total != 12 {
		t.Errorf("after purging all: %+v, want 6 entries left, 50 guests counted, 12 of them today", st)
	}
}

// TestPurgeMany crosses the transactions Purge splits its work into.
func TestPurgeMany(t *testing.T) {
	db := mustOpenDB(t)
	m := newMaker(21)
	old := m.many(t, 12_345, testNow.Add(-40*24*time.Hour), time.Second)
	if err := db.RecordAll(old); err != nil {
		t.Fatal(err)
	}
	// Every tenth stays unsynced.
	var acked []string
	for i, e := range old {
		if i%10 != 0 {
			acked = append(acked, e.ID)
		}
	}
	if err := db.Ack(acked); err != nil {
		t.Fatal(err)
	}
	purged, kept, err := db.Purge(testNow.Add(-store.DefaultRetention))
	if err != nil {
		t.Fatal(err)
	}
	if purged != len(acked) || kept != 1235 {
		t.Errorf("Purge: %d purged, %d kept; want %d and 1235", purged, kept, len(acked))
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 1235 || st.Pending != 1235 {
		t.Errorf("stats: %d entries, %d pending; want 1235 each", st.Total, st.Pending)
	}
}

// TestUnsyncedNeverPurged purges at every cutoff up to far in the future
// without acknowledging anything: nothing may go.
func TestUnsyncedNeverPurged(t *testing.T) {
	db := mustOpenDB(t)
	es := newMaker(22).many(t, 200, testNow.Add(-100*24*time.Hour), 12*time.Hour)
	if err := db.RecordAll(es); err != nil {
		t.Fatal(err)
	}
	for _, before := range []time.Time{testNow.Add(-50 * 24 * time.Hour), testNow, testNow.AddDate(100, 0, 0), time.Unix(1<<40, 0)} {
		purged, kept, err := db.Purge(before)
		if err != nil || purged != 0 {
			t.Errorf("Purge(%v): purged %d, %v", before, purged, err)
		}
		if want := countBefore(es, before); kept != want {
			t.Errorf("Purge(%v): kept %d unsynced, want %d", before, kept, want)
		}
	}
	if st, err := db.Stats(); err != nil || st.Total != 200 || st.Pending != 200 {
		t.Errorf("stats: %+v, %v", st, err)
	}
}

func countBefore(es []entry.Entry, t time.Time) int {
	n := 0
	for _, e := range es {
		if e.Time.Before(t) {
			n++
		}
	}
	return n
}

func TestStats(t *testing.T) {
	db := mustOpenDB(t)
	if st, err := db.Stats(); err != nil || st.Total != 0 || !st.Oldest.IsZero() || !st.OldestPending.IsZero() || st.Today.Total != 0 {
		t.Fatalf("empty register: %+v, %v", st, err)
	}
	m := newMaker(23)
	midnight := time.Date(2021, 12, 13, 0, 0, 0, 0, seoul) // 15:00 UTC the day before
	var all []entry.Entry
	add := func(at time.Time, o entry.Outcome, meth entry.Method) {
		e := m.at(t, at, o, meth)
		if err := db.Record(e); err != nil {
			t.Fatal(err)
		}
		all = append(all, e)
	}
	add(midnight.Add(-time.Minute), entry.Admitted, entry.Camera) // yesterday in Seoul
	add(midnight.Add(-time.Second), entry.Refused, entry.Manual)
	add(midnight, entry.Admitted, entry.Camera) // today from here
	add(midnight.Add(9*time.Hour), entry.Admitted, entry.ScannerDevice)
	add(midnight.Add(11*time.Hour), entry.Refused, entry.Camera)
	add(midnight.Add(12*time.Hour), entry.Admitted, entry.Manual)
	add(midnight.Add(24*time.Hour-time.Nanosecond), entry.Admitted, entry.Camera)
	add(midnight.Add(24*time.Hour), entry.Admitted, entry.Camera) // tomorrow (a wrong clock)
	if err := db.Ack(ids(all[:3])); err != nil {
		t.Fatal(err)
	}

	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	today := store.Counts{Total: 5,
		Outcome: map[entry.Outcome]int{entry.Admitted: 4, entry.Refused: 1},
		Method:  map[entry.Method]int{entry.Camera: 3, entry.ScannerDevice: 1, entry.Manual: 1},
		Reason:  map[string]int{"expired": 1, "paper-certificate": 1}}
	want := store.Stats{
		Total: 8, Pending: 5,
		Oldest: all[0].Time, Newest: all[7].Time, OldestPending: all[3].Time,
		Today: today,
		Week:  today, // testNow is a Monday: the week is today
		All: store.Counts{Total: 8,
			Outcome: map[entry.Outcome]int{entry.Admitted: 6, entry.Refused: 2},
			Method:  map[entry.Method]int{entry.Camera: 5, entry.ScannerDevice: 1, entry.Manual: 2},
			Reason:  map[string]int{"expired": 1, "paper-certificate": 2}},
	}
	one := func(o entry.Outcome, meth entry.Method, reason string) store.Counts {
		c := store.Counts{Total: 1, Outcome: map[entry.Outcome]int{o: 1}, Method: map[entry.Method]int{meth: 1}}
		if reason != "" {
			c.Reason = map[string]int{reason: 1}
		}
		return c
	}
	want.Hours[0] = one(entry.Admitted, entry.Camera, "")
	want.Hours[9] = one(entry.Admitted, entry.ScannerDevice, "")
	want.Hours[11] = one(entry.Refused, entry.Camera, "expired")
	want.Hours[12] = one(entry.Admitted, entry.Manual, "paper-certificate")
	want.Hours[23] = one(entry.Admitted, entry.Camera, "")
	if diff := cmpStats(want, st); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}

	// Purging yesterday's (acknowledged) entries takes them out of the
	// register, not out of the counts: All still has them.
	if purged, kept, err := db.Purge(midnight); err != nil || purged != 2 || kept != 0 {
		t.Fatalf("Purge: %d, %d, %v", purged, kept, err)
	}
	st, err = db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want.Total, want.Oldest = 6, all[2].Time
	if diff := cmpStats(want, st); diff != "" {
		t.Errorf("Stats after purge (-want +got):\n%s", diff)
	}
}

// TestDamagedRecord: an entry whose stored JSON does not read is reported
// as ErrCorrupt by every reader, and nothing panics.
func TestDamagedRecord(t *testing.T) {
	o := testOptions(t)
	db := mustOpen(t, o)
	es := newMaker(24).many(t, 5, testNow, time.Second)
	if err := db.RecordAll(es); err != nil {
		t.Fatal(err)
	}
	db.Close()
	scribbleEntry(t, o.Path, es[0].ID, []byte("{not json"))

	db = mustOpen(t, o)
	if _, err := db.Pending(0); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("Pending: %v, want ErrCorrupt", err)
	}
	if _, err := db.Stats(); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("Stats: %v, want ErrCorrupt", err)
	}
	if _, err := db.Export(discard{}, testNow.Add(-time.Hour), "jsonl"); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("Export: %v, want ErrCorrupt", err)
	}
	if _, _, err := db.Purge(testNow.Add(time.Hour)); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("Purge: %v, want ErrCorrupt", err)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestCountsSurvivePurge: the figures staff and owners read (today, this
// week, all, by outcome, method and reason) are the same before and after
// every acknowledged entry is purged, and after the register is opened
// again; only Total, the entries held, goes down.
func TestCountsSurvivePurge(t *testing.T) {
	o := testOptions(t)
	thursday := time.Date(2021, 12, 16, 18, 0, 0, 0, seoul)
	o.Now = func() time.Time { return thursday }
	db := mustOpen(t, o)
	m := newMaker(31)
	var es []entry.Entry
	es = append(es, m.many(t, 9, time.Date(2021, 12, 11, 10, 0, 0, 0, seoul), time.Hour)...)   // last week (Saturday)
	es = append(es, m.many(t, 8, time.Date(2021, 12, 13, 0, 30, 0, 0, seoul), 3*time.Hour)...) // Monday
	es = append(es, m.many(t, 7, time.Date(2021, 12, 16, 9, 0, 0, 0, seoul), time.Hour)...)    // today
	if err := db.RecordAll(es); err != nil {
		t.Fatal(err)
	}
	if err := db.Ack(ids(es)); err != nil {
		t.Fatal(err)
	}
	before, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if before.Total != 24 || before.All.Total != 24 || before.Week.Total != 15 || before.Today.Total != 7 {
		t.Fatalf("before purge: total %d, all %d, week %d, today %d; want 24, 24, 15, 7",
			before.Total, before.All.Total, before.Week.Total, before.Today.Total)
	}
	if before.Week.Reason["expired"] == 0 || before.Today.Outcome[entry.Refused] == 0 {
		t.Fatalf("the test's entries should hold refusals: %+v", before.Week)
	}
	purged, kept, err := db.Purge(thursday.Add(time.Hour)) // everything acknowledged goes
	if err != nil || purged != 24 || kept != 0 {
		t.Fatalf("Purge: %d, %d, %v; want 24, 0", purged, kept, err)
	}
	after, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if after.Total != 0 {
		t.Errorf("after purge: %d entries held, want 0", after.Total)
	}
	want := before
	want.Total, want.Oldest, want.Newest = 0, time.Time{}, time.Time{}
	if diff := cmpStats(want, after); diff != "" {
		t.Errorf("counts changed by purge (-before +after):\n%s", diff)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = mustOpen(t, o)
	again, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmpStats(want, again); diff != "" {
		t.Errorf("counts after reopening (-want +got):\n%s", diff)
	}
}

// TestAuditCountedApart: audit events are held, pending and purged like
// guests' entries, but no guest count has them.
func TestAuditCountedApart(t *testing.T) {
	db := mustOpenDB(t)
	m := newMaker(32)
	guest := m.at(t, testNow.Add(-time.Hour), entry.Admitted, entry.Camera)
	var events []entry.Entry
	for i, code := range []string{"pin-failed", "pin-lockout", "admin-open", "purge:3"} {
		id, err := m.ids.New(testNow.Add(time.Duration(i-30) * time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, entry.Entry{ID: id, Time: testNow.Add(time.Duration(i-30) * time.Minute).UTC(),
			Venue: "venue-1", Kiosk: "kiosk-1", Method: entry.Audit, Outcome: entry.Event, Reason: code, Staff: "staff-7"})
	}
	if err := db.RecordAll(append([]entry.Entry{guest}, events...)); err != nil {
		t.Fatal(err)
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	one := store.Counts{Total: 1, Outcome: map[entry.Outcome]int{entry.Admitted: 1}, Method: map[entry.Method]int{entry.Camera: 1}}
	if st.Total != 5 || st.Pending != 5 || st.Audit != 4 {
		t.Errorf("held %d, pending %d, audit %d; want 5, 5, 4", st.Total, st.Pending, st.Audit)
	}
	for name, c := range map[string]store.Counts{"today": st.Today, "week": st.Week, "all": st.All, "11:00": st.Hours[11]} {
		if diff := cmp.Diff(one, c, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s counts audit events as guests (-want +got):\n%s", name, diff)
		}
	}
	if err := db.Ack(ids(events)); err != nil {
		t.Fatal(err)
	}
	if purged, _, err := db.Purge(testNow); err != nil || purged != 4 {
		t.Fatalf("Purge: %d, %v; want the 4 acknowledged events", purged, err)
	}
	if st, err = db.Stats(); err != nil || st.Total != 1 || st.Pending != 1 || st.Audit != 4 || st.All.Total != 1 {
		t.Errorf("after purging the events: %+v, %v", st, err)
	}
}
