package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
)

func TestRecordPendingAck(t *testing.T) {
	db := mustOpenDB(t)
	es := newMaker(1).many(t, 10, testNow.Add(-time.Hour), time.Minute)
	for _, e := range es {
		if err := db.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(es, got); diff != "" {
		t.Fatalf("Pending(0) (-want +got):\n%s", diff)
	}
	got, err = db.Pending(3)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids(es[:3]), ids(got)); diff != "" {
		t.Fatalf("Pending(3) is not the oldest three (-want +got):\n%s", diff)
	}

	// Unknown ids, empty ids and ids acknowledged twice are ignored.
	ack := append(ids(es[:3]), "01ARZ3NDEKTSV4RRFFQ69G5FAV", "", es[0].ID)
	if err := db.Ack(ack); err != nil {
		t.Fatal(err)
	}
	if err := db.Ack(ids(es[1:2])); err != nil {
		t.Fatal(err)
	}
	got, err = db.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids(es[3:]), ids(got)); diff != "" {
		t.Fatalf("pending after ack (-want +got):\n%s", diff)
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 10 || st.Pending != 7 {
		t.Errorf("stats: total %d pending %d, want 10 and 7", st.Total, st.Pending)
	}
	if !st.OldestPending.Equal(es[3].Time) {
		t.Errorf("oldest pending %v, want %v", st.OldestPending, es[3].Time)
	}
	if err := db.Ack(nil); err != nil {
		t.Errorf("Ack(nil): %v", err)
	}
}

func TestRecordInvalid(t *testing.T) {
	db := mustOpenDB(t)
	good := newMaker(2).at(t, testNow, entry.Admitted, entry.Camera)
	for name, mod := range map[string]func(*entry.Entry){
		"no id":        func(e *entry.Entry) { e.ID = "" },
		"bad id":       func(e *entry.Entry) { e.ID = "not-a-ulid" },
		"no time":      func(e *entry.Entry) { e.Time = time.Time{} },
		"no venue":     func(e *entry.Entry) { e.Venue = "" },
		"method":       func(e *entry.Entry) { e.Method = "telepathy" },
		"outcome":      func(e *entry.Entry) { e.Outcome = "maybe" },
		"manual":       func(e *entry.Entry) { e.Method = entry.Manual },
		"long field":   func(e *entry.Entry) { e.Holder = strings.Repeat("h", entry.MaxField+1) },
		"long contact": func(e *entry.Entry) { e.Contact = make([]byte, entry.MaxContact+1) },
	} {
		t.Run(name, func(t *testing.T) {
			e := good
			mod(&e)
			err := db.Record(e)
			if !errors.Is(err, store.ErrInvalid) || !errors.Is(err, entry.ErrInvalid) {
				t.Errorf("Record: %v, want ErrInvalid", err)
			}
		})
	}
	// A batch with one bad entry stores nothing.
	m := newMaker(3)
	batch := m.many(t, 5, testNow, time.Second)
	batch[3].Venue = ""
	if err := db.RecordAll(batch); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("RecordAll: %v, want ErrInvalid", err)
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 0 || st.Pending != 0 || st.All.Total != 0 {
		t.Errorf("invalid entries left traces: %+v", st)
	}
}

func TestRecordTwice(t *testing.T) {
	db := mustOpenDB(t)
	e := newMaker(4).at(t, testNow, entry.Refused, entry.ScannerDevice)
	for range 2 {
		if err := db.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	other := e
	other.Outcome = entry.Admitted
	other.Reason = ""
	if err := db.Record(other); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("another entry with a recorded id: %v, want ErrInvalid", err)
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 1 || st.Pending != 1 || st.All.Outcome[entry.Refused] != 1 || st.All.Outcome[entry.Admitted] != 0 {
		t.Errorf("stats after recording twice: %+v", st)
	}
}

// TestRecordNormalises checks what comes back is what the hub will get:
// times in UTC.
func TestRecordNormalises(t *testing.T) {
	db := mustOpenDB(t)
	e := newMaker(5).at(t, testNow, entry.Admitted, entry.Camera)
	e.Time = testNow // in Seoul, with a monotonic reading
	if err := db.Record(e); err != nil {
		t.Fatal(err)
	}
	got, err := db.Pending(1)
	if err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	if got[0].Time.Location() != time.UTC || !got[0].Time.Equal(testNow) {
		t.Errorf("time %v, want %v in UTC", got[0].Time, testNow)
	}
}

func TestDurable(t *testing.T) {
	o := testOptions(t)
	db, err := store.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	es := newMaker(6).many(t, 20, testNow.Add(-time.Hour), time.Minute)
	for _, e := range es {
		if err := db.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Ack(ids(es[:5])); err != nil {
		t.Fatal(err)
	}
	secret, err := db.VenueSecret()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = mustOpen(t, o)
	got, err := db.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(es[5:], got); diff != "" {
		t.Errorf("pending after reopening (-want +got):\n%s", diff)
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 20 || st.Pending != 15 {
		t.Errorf("stats after reopening: total %d pending %d, want 20 and 15", st.Total, st.Pending)
	}
	again, err := db.VenueSecret()
	if err != nil || string(again) != string(secret) {
		t.Errorf("venue secret changed across reopening: %x, then %x (%v)", secret, again, err)
	}
}

// TestConcurrent records at the door while uplink reads, acknowledges and
// the screen asks for figures, as the kiosk does: the counts come out
// exact.
func TestConcurrent(t *testing.T) {
	db := mustOpenDB(t)
	es := newMaker(7).many(t, 400, testNow.Add(-time.Hour), time.Second)
	done := make(chan error, 3)
	go func() {
		for _, e := range es {
			if err := db.Record(e); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	acked := 0
	go func() {
		for acked < len(es) {
			batch, err := db.Pending(50)
			if err != nil {
				done <- err
				return
			}
			if err := db.Ack(ids(batch)); err != nil {
				done <- err
				return
			}
			acked += len(batch)
		}
		done <- nil
	}()
	go func() {
		for range 100 {
			if _, err := db.Stats(); err != nil {
				done <- err
				return
			}
			if _, err := db.Export(discard{}, time.Time{}, "csv"); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if acked != 400 || st.Total != 400 || st.Pending != 0 || st.Today.Total != 400 {
		t.Errorf("acked %d; stats %+v; want 400 acked and recorded, none pending", acked, st)
	}
}
