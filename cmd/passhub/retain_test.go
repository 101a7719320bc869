package main

import (
	"context"
	"crypto/rand"
	"log/slog"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// TestRetain: a running hub purges entries past its retention at start
// and then every day.
func TestRetain(t *testing.T) {
	now := time.Date(2022, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st, err := hub.OpenBolt(t.TempDir(), &hub.BoltOptions{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := st.AddKiosk(ctx, "cafe", "door"); err != nil {
		t.Fatal(err)
	}
	ids := entry.NewIDs(rand.Reader)
	var es []entry.Entry
	for _, age := range []int{40, 27, 20} {
		at := now.AddDate(0, 0, -age)
		id, err := ids.New(at)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, entry.Entry{ID: id, Time: at, Venue: "cafe", Kiosk: "door", Method: entry.Camera, Outcome: entry.Admitted})
	}
	if _, err := st.PutEntries(ctx, hub.Kiosk{ID: "door", Venue: "cafe"}, es); err != nil {
		t.Fatal(err)
	}
	held := func() int {
		n := 0
		if err := st.ExportEntries(ctx, time.Time{}, func(entry.Entry) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	days := make(chan time.Time)
	waited := make(chan time.Duration)
	done := make(chan struct{})
	go func() {
		defer close(done)
		retain(ctx, st, 28, clock, func(d time.Duration) <-chan time.Time { waited <- d; return days }, slog.New(slog.DiscardHandler))
	}()
	if d := <-waited; d != 24*time.Hour || held() != 2 {
		t.Fatalf("after the start: a wait of %s, %d entries held, want 2", d, held())
	}
	now = now.AddDate(0, 0, 2)
	days <- now
	<-waited
	if held() != 1 {
		t.Fatalf("a day later: %d entries held, want 1", held())
	}
	cancel()
	<-done
}
