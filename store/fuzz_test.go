package store_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
)

// FuzzRecord records entries made of arbitrary fields: Record must never
// panic, must return ErrInvalid exactly when Check fails, and what it
// stores must be counted.
func FuzzRecord(f *testing.F) {
	good := newMaker(40).at(f, testNow, entry.Admitted, entry.Camera)
	f.Add(good.ID, testNow.UnixNano(), "venue-1", "kiosk-1", "camera", "admitted", "", "", "", []byte(nil))
	f.Add(good.ID, testNow.UnixNano(), "venue-1", "kiosk-1", "manual", "refused", "expired", "staff-1", "note", []byte{1})
	f.Add("not an id", int64(0), "", "", "telepathy", "maybe", "", "", "", []byte(nil))
	f.Add("7ZZZZZZZZZZZZZZZZZZZZZZZZZ", int64(-1), "v", "k", "scanner-device", "admitted", "", "", strings.Repeat("n", 600), []byte(nil))
	// The same entry twice, once without contact and once with an empty
	// one, and a reason that is not UTF-8: both store the same JSON.
	f.Add(good.ID, testNow.UnixNano(), "venue-1", "kiosk-1", "camera", "admitted", "", "", "", []byte{})
	f.Add(good.ID, testNow.UnixNano(), "venue-1", "kiosk-1", "camera", "refused", "ex\xbb", "", "", []byte(nil))
	f.Add(good.ID, testNow.UnixNano(), "venue-1", "kiosk-1", "camera", "refused", "ex\xbc", "", "", []byte(nil))
	// Audit events: a valid one, and ones Check refuses (a guest's
	// outcome, a contact, no event code, the event outcome on a guest).
	audit := newMaker(41).at(f, testNow, entry.Admitted, entry.Camera)
	f.Add(audit.ID, testNow.UnixNano(), "venue-1", "kiosk-1", "audit", "event", "pin-lockout", "staff-1", "30s", []byte(nil))
	f.Add(audit.ID, testNow.UnixNano(), "venue-1", "kiosk-1", "audit", "admitted", "quit", "", "", []byte(nil))
	f.Add(audit.ID, testNow.UnixNano(), "venue-1", "kiosk-1", "audit", "event", "purge:3", "staff-1", "", []byte{1})
	f.Add(audit.ID, testNow.UnixNano(), "venue-1", "kiosk-1", "audit", "event", "", "staff-1", "", []byte(nil))
	f.Add(audit.ID, testNow.UnixNano(), "venue-1", "kiosk-1", "camera", "event", "", "", "", []byte(nil))
	db := mustOpen(f, testOptions(f))
	// recorded is the JSON of each entry recorded: Record is idempotent
	// on what it stores, so two entries with the same JSON are the same.
	recorded := map[string]string{}
	f.Fuzz(func(t *testing.T, id string, nanos int64, venue, kiosk, method, outcome, reason, staff, note string, contact []byte) {
		e := entry.Entry{ID: id, Time: time.Unix(0, nanos).UTC(), Venue: venue, Kiosk: kiosk,
			Method: entry.Method(method), Outcome: entry.Outcome(outcome), Reason: reason, Staff: staff, Note: note, Contact: contact}
		before, err := db.Stats()
		if err != nil {
			t.Fatal(err)
		}
		err = db.Record(e)
		raw, merr := json.Marshal(e)
		if merr != nil {
			t.Fatal(merr)
		}
		prev, seen := recorded[e.ID]
		switch {
		case e.Check() != nil:
			if !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("Record of an entry failing Check: %v", err)
			}
			return
		case seen && prev != string(raw):
			if !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("Record of another entry with id %s: %v", e.ID, err)
			}
			return
		case err != nil:
			t.Fatalf("Record of a valid entry: %v", err)
		}
		after, err := db.Stats()
		if err != nil {
			t.Fatal(err)
		}
		// An audit event is held like a guest's entry but counted apart.
		audit := e.Method == entry.Audit
		if want := before.Total + btoi(!seen); after.Total != want {
			t.Fatalf("after Record: %d entries, want %d", after.Total, want)
		}
		if want := before.All.Total + btoi(!seen && !audit); after.All.Total != want {
			t.Fatalf("after Record: %d guests counted, want %d", after.All.Total, want)
		}
		if want := before.Audit + btoi(!seen && audit); after.Audit != want {
			t.Fatalf("after Record: %d audit events counted, want %d", after.Audit, want)
		}
		recorded[e.ID] = string(raw)
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRecordRandom records random entries, a third of them broken: the
// broken ones are refused, the others come back whole and counted.
func TestRecordRandom(t *testing.T) {
	db := mustOpenDB(t)
	m := newMaker(41)
	r := rand.New(rand.NewPCG(41, 41))
	outcomes := []entry.Outcome{entry.Admitted, entry.Refused}
	methods := []entry.Method{entry.Camera, entry.ScannerDevice, entry.Manual}
	breakers := []func(*entry.Entry){
		func(e *entry.Entry) { e.ID = e.ID[:25] },
		func(e *entry.Entry) { e.Time = time.Time{} },
		func(e *entry.Entry) { e.Kiosk = "" },
		func(e *entry.Entry) { e.Method = "" },
		func(e *entry.Entry) { e.Outcome = "" },
		func(e *entry.Entry) { e.Method, e.Staff = entry.Manual, "" },
		func(e *entry.Entry) { e.Note = strings.Repeat("x", entry.MaxNote+1) },
		func(e *entry.Entry) { e.Country = strings.Repeat("x", entry.MaxField+1) },
	}
	var kept []entry.Entry
	want := store.Counts{}
	at := testNow.Add(-48 * time.Hour)
	for range 600 {
		at = at.Add(time.Duration(r.Int64N(int64(10 * time.Minute))))
		e := m.at(t, at, outcomes[r.IntN(2)], methods[r.IntN(3)])
		if r.IntN(4) == 0 {
			e.Contact = make([]byte, r.IntN(entry.MaxContact))
		}
		broken := r.IntN(3) == 0
		if broken {
			breakers[r.IntN(len(breakers))](&e)
		}
		err := db.Record(e)
		if broken != (err != nil) || (broken && !errors.Is(err, store.ErrInvalid)) {
			t.Fatalf("Record (broken %v): %v", broken, err)
		}
		if !broken {
			kept = append(kept, e)
			want.Total++
			addTo(&want.Outcome, e.Outcome)
			addTo(&want.Method, e.Method)
			if e.Reason != "" {
				addTo(&want.Reason, e.Reason)
			}
		}
	}
	got, err := db.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(kept, func(a, b entry.Entry) int { return strings.Compare(a.ID, b.ID) })
	if diff := cmp.Diff(kept, got); diff != "" {
		t.Errorf("entries read back (-want +got):\n%s", diff)
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, st.All); diff != "" || st.Total != len(kept) || st.Pending != len(kept) {
		t.Errorf("counts (-want +got):\n%s\ntotal %d pending %d, want %d", diff, st.Total, st.Pending, len(kept))
	}
}

func addTo[K comparable](m *map[K]int, k K) {
	if *m == nil {
		*m = map[K]int{}
	}
	(*m)[k]++
}
