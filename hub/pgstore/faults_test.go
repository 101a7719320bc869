package pgstore_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/pgstore"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

// calls are the store's methods that reach the database, each returning
// its error.
func calls(st hub.Store, k hub.Kiosk, token string, es []entry.Entry) map[string]func() error {
	return map[string]func() error{
		"PutEntries": func() error { _, err := st.PutEntries(ctx, k, es); return err },
		"ExportEntries": func() error {
			return st.ExportEntries(ctx, time.Time{}, func(entry.Entry) error { return nil })
		},
		"PurgeEntries": func() error { _, err := st.PurgeEntries(ctx, t0.AddDate(0, 0, -28)); return err },
		"AddKiosk":     func() error { _, err := st.AddKiosk(ctx, "venue-1", "kiosk-new"); return err },
		"Kiosks":       func() error { _, err := st.Kiosks(ctx); return err },
		"RevokeKiosk":  func() error { return st.RevokeKiosk(ctx, "kiosk-none") },
		"Authenticate": func() error { _, err := st.Authenticate(ctx, token); return err },
		"PutBundle":    func() error { return st.PutBundle(ctx, []byte("bundle"), 9) },
	}
}

// TestDatabaseDown: with the cluster stopped every method that needs the
// database fails with ErrUnavailable, and the cached bundle is still
// served; started again, the store works without being reopened.
func TestDatabaseDown(t *testing.T) {
	srv := pgtest.Cluster(t)
	url := srv.Database(t)
	st := mustOpen(t, url)
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutBundle(ctx, []byte("bundle 1"), 1); err != nil {
		t.Fatal(err)
	}
	k := hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}
	es := makeEntries(t, "venue-1", "kiosk-1", 1, t0, time.Second, 10)
	if err := srv.Stop("immediate"); err != nil {
		t.Fatal(err)
	}
	for name, call := range calls(st, k, token, es) {
		if err := call(); !errors.Is(err, pgstore.ErrUnavailable) {
			t.Errorf("%s with the database down: %v", name, err)
		}
	}
	if !serves(st, 1, []byte("bundle 1")) {
		t.Error("the cached bundle is not served with the database down")
	}
	if _, err := pgstore.Open(ctx, url, nil); !errors.Is(err, pgstore.ErrUnavailable) {
		t.Errorf("Open with the database down: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	var last error
	if !eventually(10*time.Second, func() bool { _, last = st.PutEntries(ctx, k, es); return last == nil }) {
		t.Fatalf("the store does not recover once the database is back: %v", last)
	}
	if n := len(exported(t, st)); n != 10 {
		t.Errorf("%d entries, want 10", n)
	}
}

// TestRestartMidRun: kiosks push while the cluster is restarted in
// immediate mode (a crash). Every error in between wraps ErrUnavailable;
// every push gets through in the end; what was acknowledged is stored,
// once; and the listener comes back: a bundle put through another replica
// afterwards is served.
func TestRestartMidRun(t *testing.T) {
	srv := pgtest.Cluster(t)
	url := srv.Database(t)
	st, other := mustOpen(t, url), mustOpen(t, url)
	const kiosks, batches = 4, 40
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		acked   = map[string]bool{}
		refused int
		faults  = map[string]int{}
	)
	for i := range kiosks {
		k := hub.Kiosk{ID: "kiosk-" + string(rune('a'+i)), Venue: "venue-1"}
		es := makeEntries(t, "venue-1", k.ID, uint64(i), t0, time.Second, batches*100)
		wg.Go(func() {
			for b := range batches {
				batch := es[b*100 : (b+1)*100]
				for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
					res, err := st.PutEntries(ctx, k, batch)
					if err == nil {
						mu.Lock()
						for _, id := range res.Acked {
							acked[id] = true
						}
						refused += len(res.Rejected)
						mu.Unlock()
						break
					}
					mu.Lock()
					if errors.Is(err, pgstore.ErrUnavailable) {
						faults["unavailable"]++
					} else {
						faults[err.Error()]++
					}
					mu.Unlock()
					if time.Now().After(deadline) {
						t.Errorf("kiosk %s batch %d never got through: %v", k.ID, b, err)
						return
					}
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	if err := srv.Restart("immediate"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for msg, n := range faults {
		if msg != "unavailable" {
			t.Errorf("%d times an error not ErrUnavailable: %s", n, msg)
		}
	}
	t.Logf("%d ErrUnavailable during the restart", faults["unavailable"])
	got := exported(t, st)
	if len(got) != kiosks*batches*100 || len(acked) != len(got) || refused != 0 {
		t.Fatalf("%d stored, %d acknowledged, %d refused; want %d, all acknowledged", len(got), len(acked), refused, kiosks*batches*100)
	}
	for _, e := range got {
		if !acked[e.ID] {
			t.Fatalf("entry %s stored, never acknowledged", e.ID)
		}
	}
	if err := other.PutBundle(ctx, []byte("after the restart"), 7); err != nil {
		t.Fatal(err)
	}
	if !eventually(12*time.Second, func() bool { return serves(st, 7, []byte("after the restart")) }) {
		t.Error("the bundle put after the restart is not served by the other replica")
	}
}

// TestReadOnly: a database that refuses writes (a standby, or
// default_transaction_read_only) makes writes ErrUnavailable, and reads
// still work.
func TestReadOnly(t *testing.T) {
	url := pgtest.Database(t)
	st := mustOpen(t, url)
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	c := conn(t, url)
	if _, err := c.Exec(ctx, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_read_only = on', current_database()); END $$`); err != nil {
		t.Fatal(err)
	}
	// New sessions take the setting: end the store's.
	if _, err := c.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	k := hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}
	es := makeEntries(t, "venue-1", "kiosk-1", 1, t0, time.Second, 10)
	for name, call := range calls(st, k, token, es) {
		err := call()
		for i := 0; i < 20 && err != nil && !errors.Is(err, pgstore.ErrUnavailable); i++ {
			err = call() // a dead pooled connection first, perhaps
		}
		switch name {
		case "PutEntries", "PurgeEntries", "AddKiosk", "RevokeKiosk", "PutBundle":
			if !errors.Is(err, pgstore.ErrUnavailable) {
				t.Errorf("%s on a read-only database: %v", name, err)
			}
		}
	}
	if !eventually(5*time.Second, func() bool { _, err := st.Authenticate(ctx, token); return err == nil }) {
		t.Error("Authenticate fails on a read-only database")
	}
}
