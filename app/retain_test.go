package app

import (
	"context"
	"crypto/rand"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
)

// TestRetain: a running kiosk purges the entries past retention that the
// hub holds, at start and then every day, and keeps one not uploaded.
func TestRetain(t *testing.T) {
	now := time.Date(2022, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := store.Open(store.Options{Path: filepath.Join(t.TempDir(), "r.db"), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids := entry.NewIDs(rand.Reader)
	record := func(at time.Time, ack bool) {
		t.Helper()
		id, err := ids.New(at)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Record(entry.Entry{ID: id, Time: at, Venue: "v", Kiosk: "k", Method: entry.Camera, Outcome: entry.Admitted}); err != nil {
			t.Fatal(err)
		}
		if ack {
			if err := db.Ack([]string{id}); err != nil {
				t.Fatal(err)
			}
		}
	}
	record(now.AddDate(0, 0, -40), true)  // past 28 days, uploaded: goes
	record(now.AddDate(0, 0, -40), false) // past 28 days, not uploaded: stays
	record(now.AddDate(0, 0, -20), true)  // inside: stays
	record(now.AddDate(0, 0, -27), true)  // goes on the second day's run

	cfg := config.Defaults()
	a := &App{Config: cfg, Register: db, Now: clock, Log: slog.New(slog.DiscardHandler)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	days := make(chan time.Time)
	waited := make(chan time.Duration, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.retain(ctx, func(d time.Duration) <-chan time.Time { waited <- d; return days })
	}()
	total := func() int {
		st, err := db.Stats()
		if err != nil {
			t.Fatal(err)
		}
		return st.Total
	}
	if d := <-waited; d != 24*time.Hour || total() != 3 {
		t.Fatalf("after the first run: waits %s, %d entries, want 3", d, total())
	}
	now = now.AddDate(0, 0, 2)
	days <- now
	<-waited
	if total() != 2 {
		t.Fatalf("after a day: %d entries, want 2 (the one not uploaded, the recent one)", total())
	}
	cancel()
	<-done
}
