package storetest

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// query returns what QueryEntries gives for q, failing the test on an
// error or a time not in UTC.
func query(t *testing.T, st hub.Store, q hub.Query) []entry.Entry {
	t.Helper()
	var out []entry.Entry
	if err := st.QueryEntries(ctx, q, func(e entry.Entry) error { out = append(out, e); return nil }); err != nil {
		t.Fatalf("QueryEntries(%+v): %v", q, err)
	}
	for _, e := range out {
		utc(t, "entry "+e.ID+"'s time", e.Time)
	}
	return out
}

// selected is what a query must give of es: those of q's venue (and
// holder) in the window, by time, then id.
func selected(q hub.Query, es ...[]entry.Entry) []entry.Entry {
	var out []entry.Entry
	for _, e := range slices.Concat(es...) {
		if e.Venue == q.Venue && (q.Holder == "" || e.Holder == q.Holder) && !e.Time.Before(q.From) && e.Time.Before(q.To) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, byTime)
	return out
}

func byTime(a, b entry.Entry) int { return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.ID, b.ID)) }

// sameEntries fails the test unless got is want, every field, in order.
func sameEntries(t *testing.T, what string, want, got []entry.Entry) {
	t.Helper()
	if diff := gocmp.Diff(ids(want), ids(got)); diff != "" {
		t.Errorf("%s: %d entries, want %d (-want +got ids):\n%s", what, len(got), len(want), diff)
		return
	}
	if diff := gocmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

// counts returns HourlyCounts, failing the test on an error or an hour
// not in UTC.
func counts(t *testing.T, st hub.Store, venue string, from, to time.Time) []hub.HourCount {
	t.Helper()
	cs, err := st.HourlyCounts(ctx, venue, from, to)
	if err != nil {
		t.Fatalf("HourlyCounts(%q, %s, %s): %v", venue, from, to, err)
	}
	for _, c := range cs {
		utc(t, "hour", c.Hour)
	}
	return cs
}

// countsOf is what HourlyCounts must give of es.
func countsOf(venue string, from, to time.Time, es ...[]entry.Entry) []hub.HourCount {
	type vh struct {
		venue string
		hour  time.Time
	}
	n := map[vh]int{}
	for _, e := range slices.Concat(es...) {
		if (venue == "" || e.Venue == venue) && !e.Time.Before(from) && e.Time.Before(to) {
			n[vh{e.Venue, e.Time.UTC().Truncate(time.Hour)}]++
		}
	}
	var out []hub.HourCount
	for k, c := range n {
		out = append(out, hub.HourCount{Venue: k.venue, Hour: k.hour, Entries: c})
	}
	slices.SortFunc(out, func(a, b hub.HourCount) int {
		return cmp.Or(strings.Compare(a.Venue, b.Venue), a.Hour.Compare(b.Hour))
	})
	return out
}

var errStop = errors.New("stop")

var queryTests = []test{
	// A window is [From, To), to the nanosecond, in any zone, across a
	// day's end (in UTC: a partition's bound).
	{"Window", func(t *testing.T, st hub.Store, _ *clock) {
		// 23:00 UTC on the 12th to 02:53 on the 13th, every 7 s.
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0.Add(-4*time.Hour), 7*time.Second, 2000)
		putAll(t, st, kiosk1, es)
		ns := time.Nanosecond
		for _, w := range []struct {
			name     string
			from, to time.Time
			want     []entry.Entry
		}{
			{"at an entry's time", es[300].Time, es[1700].Time, es[300:1700]},
			{"a nanosecond after", es[300].Time.Add(ns), es[1700].Time.Add(ns), es[301:1701]},
			{"a nanosecond before", es[300].Time.Add(-ns), es[1700].Time.Add(-ns), es[300:1700]},
			{"in Seoul's zone", es[10].Time.In(kst), es[20].Time.In(kst), es[10:20]},
			{"all", t0.Add(-5 * time.Hour), t0.Add(time.Hour), es},
			{"one entry", es[999].Time, es[999].Time.Add(ns), es[999:1000]},
			{"before all", t0.Add(-6 * time.Hour), es[0].Time, nil},
			{"after all", es[1999].Time.Add(ns), t0.Add(time.Hour), nil},
			{"empty", es[500].Time, es[500].Time, nil},
			{"reversed", es[600].Time, es[500].Time, nil},
		} {
			q := hub.Query{Venue: kiosk1.Venue, From: w.from, To: w.to}
			sameEntries(t, w.name, w.want, query(t, st, q))
		}
	}},
	// A venue's entries are those of all its kiosks, and only its own: not
	// those of a venue whose id starts with it.
	{"Venues", func(t *testing.T, st hub.Store, _ *clock) {
		k10 := hub.Kiosk{ID: "kiosk-10", Venue: "venue-10"}
		kv := hub.Kiosk{ID: "kiosk-v", Venue: "venue"}
		from := t0.Add(-30 * time.Minute)
		var all [][]entry.Entry
		for i, k := range []hub.Kiosk{kiosk1, kiosk2, kiosk3, k10, kv} {
			es := makeEntries(t, k.Venue, k.ID, uint64(10+i), from.Add(time.Duration(i)*time.Second), time.Duration(5+i)*time.Second, 300)
			putAll(t, st, k, es)
			all = append(all, es)
		}
		for _, venue := range []string{"venue-1", "venue-2", "venue-10", "venue", "venue-3", "venue-"} {
			q := hub.Query{Venue: venue, From: from, To: t0.Add(time.Hour)}
			sameEntries(t, "venue "+venue, selected(q, all...), query(t, st, q))
		}
		if n := len(query(t, st, hub.Query{Venue: "venue-1", From: from, To: t0.Add(time.Hour)})); n != 600 {
			t.Errorf("venue-1 (kiosk-1 and kiosk-3): %d entries, want 600", n)
		}
	}},
	// A holder's entries: at every kiosk of the venue, in the window, not
	// at another venue.
	{"Holder", func(t *testing.T, st hub.Store, _ *clock) {
		es1 := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, 10*time.Second, 200)
		es3 := makeEntries(t, kiosk3.Venue, kiosk3.ID, 3, t0.Add(3*time.Second), 10*time.Second, 200)
		es2 := makeEntries(t, kiosk2.Venue, kiosk2.ID, 2, t0, 10*time.Second, 200)
		const h = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
		for _, e := range []*entry.Entry{&es1[5], &es1[150], &es1[151], &es3[7], &es3[160], &es2[9]} {
			e.Holder = h
		}
		putAll(t, st, kiosk1, es1)
		putAll(t, st, kiosk3, es3)
		putAll(t, st, kiosk2, es2)
		for _, q := range []hub.Query{
			{Venue: "venue-1", Holder: h, From: t0, To: t0.Add(time.Hour)},
			{Venue: "venue-1", Holder: h, From: es1[100].Time, To: es3[160].Time},
			{Venue: "venue-2", Holder: h, From: t0, To: t0.Add(time.Hour)},
			{Venue: "venue-1", Holder: h[:63], From: t0, To: t0.Add(time.Hour)},
			{Venue: "venue-1", Holder: es1[20].Holder, From: t0, To: t0.Add(time.Hour)},
		} {
			want := selected(q, es1, es2, es3)
			sameEntries(t, q.Venue+" holder "+q.Holder, want, query(t, st, q))
		}
		if n := len(query(t, st, hub.Query{Venue: "venue-1", Holder: h, From: t0, To: t0.Add(time.Hour)})); n != 5 {
			t.Errorf("holder at venue-1: %d entries, want 5", n)
		}
	}},
	// By the entries' own time, then id: not by id, nor as they were
	// pushed.
	{"Order", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 60)
		for i := range es {
			// Ids made a second apart, times in the other order (a kiosk
			// whose clock was set back), two of them equal.
			es[i].Time = t0.Add(time.Duration(len(es)-i)*time.Second + 500*time.Millisecond).UTC()
		}
		es[31].Time = es[30].Time
		es3 := makeEntries(t, kiosk3.Venue, kiosk3.ID, 3, t0.Add(1500*time.Millisecond), 2*time.Second, 30)
		putAll(t, st, kiosk1, es[30:])
		putAll(t, st, kiosk3, es3)
		putAll(t, st, kiosk1, es[:30])
		q := hub.Query{Venue: kiosk1.Venue, From: t0, To: t0.Add(2 * time.Minute)}
		got := query(t, st, q)
		sameEntries(t, "venue-1", selected(q, es, es3), got)
		if !slices.IsSortedFunc(got, byTime) {
			t.Error("not in time order")
		}
	}},
	// More entries than a store reads at once (10,000), each once, in
	// order; fn's error stops the query, at once.
	{"Many", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, 100*time.Millisecond, 25_000)
		putAll(t, st, kiosk1, es)
		q := hub.Query{Venue: kiosk1.Venue, From: t0, To: t0.Add(time.Hour)}
		sameEntries(t, "all", es, query(t, st, q))
		calls := 0
		err := st.QueryEntries(ctx, q, func(entry.Entry) error {
			if calls++; calls == 10_005 {
				return errStop
			}
			return nil
		})
		if !errors.Is(err, errStop) || calls != 10_005 {
			t.Errorf("fn stopped at the 10,005th: QueryEntries returned %v after %d calls", err, calls)
		}
	}},
	// Counts per venue per hour, UTC hours, only the window's: of one venue,
	// and of all, by venue then hour.
	{"Counts", func(t *testing.T, st hub.Store, _ *clock) {
		es1 := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0.Add(-90*time.Minute), 9*time.Second, 1200)
		es2 := makeEntries(t, kiosk2.Venue, kiosk2.ID, 2, t0.Add(-30*time.Minute), 20*time.Second, 180)
		es3 := makeEntries(t, kiosk3.Venue, kiosk3.ID, 3, t0, 13*time.Second, 100)
		putAll(t, st, kiosk1, es1)
		putAll(t, st, kiosk2, es2)
		putAll(t, st, kiosk3, es3)
		for _, w := range []struct{ from, to time.Time }{
			{t0.Add(-time.Hour), t0.Add(time.Hour)},
			{t0.Add(-77 * time.Minute), es1[1000].Time},
			{es1[10].Time, es1[10].Time.Add(time.Nanosecond)},
			{t0.Add(-3 * time.Hour), t0.Add(3 * time.Hour)},
			{t0.Add(5 * time.Hour), t0.Add(6 * time.Hour)},
		} {
			from, to := w.from.In(kst), w.to.In(kst)
			for _, venue := range []string{"venue-1", "venue-2", "", "venue-3"} {
				want := countsOf(venue, from, to, es1, es2, es3)
				if diff := gocmp.Diff(want, counts(t, st, venue, from, to), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("HourlyCounts(%q, %s, %s) (-want +got):\n%s", venue, from, to, diff)
				}
			}
		}
		if cs := counts(t, st, "venue-1", t0, t0); len(cs) != 0 {
			t.Errorf("an empty window: %v", cs)
		}
	}},
	// Purged entries are gone from the queries and the counts.
	{"Purged", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0.Add(-50*time.Hour), 30*time.Minute, 100)
		put(t, st, kiosk1, es)
		cut := es[60].Time.Truncate(time.Millisecond)
		if n, err := st.PurgeEntries(ctx, cut); err != nil || n != 60 {
			t.Fatalf("PurgeEntries: %d, %v; want 60", n, err)
		}
		from, to := t0.Add(-60*time.Hour), t0.Add(10*time.Hour)
		sameEntries(t, "after the purge", es[60:], query(t, st, hub.Query{Venue: kiosk1.Venue, From: from, To: to}))
		if diff := gocmp.Diff(countsOf("", from, to, es[60:]), counts(t, st, "", from, to), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("HourlyCounts after the purge (-want +got):\n%s", diff)
		}
		if _, err := st.PurgeEntries(ctx, to); err != nil {
			t.Fatal(err)
		}
		if got := query(t, st, hub.Query{Venue: kiosk1.Venue, From: from, To: to}); len(got) != 0 {
			t.Errorf("%d entries after purging all", len(got))
		}
		if cs := counts(t, st, "", from, to); len(cs) != 0 {
			t.Errorf("counts after purging all: %v", cs)
		}
	}},
	// A resent batch, or one with other content, is in the queries once,
	// as first sent; another kiosk's use of the ids is in none.
	{"Resent", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Second, 500)
		put(t, st, kiosk1, es)
		put(t, st, kiosk1, es)
		changed := slices.Clone(es[:50])
		for i := range changed {
			changed[i].Time = changed[i].Time.Add(time.Second)
			changed[i].Outcome, changed[i].Reason = entry.Refused, "revoked"
		}
		put(t, st, kiosk1, changed)
		stolen := makeEntries(t, kiosk2.Venue, kiosk2.ID, 1, t0, time.Second, 500) // the same ids
		if res := put(t, st, kiosk2, stolen); len(res.Rejected) != 500 {
			t.Fatalf("kiosk-2 sent kiosk-1's ids: %d rejected", len(res.Rejected))
		}
		from, to := t0.Add(-time.Hour), t0.Add(time.Hour)
		sameEntries(t, "venue-1", es, query(t, st, hub.Query{Venue: kiosk1.Venue, From: from, To: to}))
		if got := query(t, st, hub.Query{Venue: kiosk2.Venue, From: from, To: to}); len(got) != 0 {
			t.Errorf("venue-2 has %d entries, all refused", len(got))
		}
		if diff := gocmp.Diff(countsOf("", from, to, es), counts(t, st, "", from, to), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("HourlyCounts (-want +got):\n%s", diff)
		}
	}},
	// Audit events (staff actions) are entries of the venue, in its
	// queries, but not check-ins: HourlyCounts leaves them out.
	{"Audit", func(t *testing.T, st hub.Store, _ *clock) {
		es := makeEntries(t, kiosk1.Venue, kiosk1.ID, 1, t0, time.Minute, 10)
		for i := range es {
			if i%2 == 0 {
				e := &es[i]
				*e = entry.Entry{ID: e.ID, Time: e.Time, Venue: e.Venue, Kiosk: e.Kiosk,
					Method: entry.Audit, Outcome: entry.Event, Reason: "admin-open", Staff: "staff-1"}
			}
		}
		var guests []entry.Entry
		for _, e := range es {
			if e.Method != entry.Audit {
				guests = append(guests, e)
			}
		}
		put(t, st, kiosk1, es)
		from, to := t0.Add(-time.Hour), t0.Add(time.Hour)
		sameEntries(t, "venue-1", es, query(t, st, hub.Query{Venue: kiosk1.Venue, From: from, To: to}))
		for _, venue := range []string{"", kiosk1.Venue} {
			if diff := gocmp.Diff(countsOf(venue, from, to, guests), counts(t, st, venue, from, to), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("HourlyCounts(%q) with audit events (-want +got):\n%s", venue, diff)
			}
		}
	}},
}
