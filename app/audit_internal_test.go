package app

import (
	"context"
	"crypto/rand"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/pin"
	"github.com/passgate/passgate/internal/testkit/fixtures"
	"github.com/passgate/passgate/store"
	"github.com/passgate/passgate/ui"
)

// TestAudited: the screen's options get the desk's PIN wrapper and an
// Audit port; what they are told is in the register once flush returns,
// quitting's event included, in the order told.
func TestAudited(t *testing.T) {
	db, err := store.Open(store.Options{Path: filepath.Join(t.TempDir(), "register.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: "door", Trust: func() *bundle.Bundle { return nil },
		Register: db, Secret: []byte("0123456789abcdef"), Now: func() time.Time { return fixtures.Noon }})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := pin.Hash("1234", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	a := &App{Kiosk: &checkin.Kiosk{Desk: d}, PINs: pin.NewGuard(map[string]string{"kim": hash}, pin.Limits{})}
	var o ui.Options
	flush := a.audited(&o)
	if o.PINs == nil || o.Audit == nil {
		t.Fatal("no PIN wrapper or Audit port")
	}
	if ok, _, _ := o.PINs.Check("kim", "9999", fixtures.Noon); ok {
		t.Fatal("a wrong PIN passed")
	}
	o.Audit(checkin.AuditAdminOpen, "kim", "")
	o.Audit(checkin.Purged(4), "kim", "")
	o.Audit(checkin.AuditQuit, "kim", "")
	flush()
	es, err := db.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.Method != entry.Audit || e.Staff != "kim" {
			t.Errorf("entry %+v", e)
		}
		got = append(got, e.Reason)
	}
	want := []string{checkin.AuditPINFailed, checkin.AuditAdminOpen, "purge:4", checkin.AuditQuit}
	if len(got) != len(want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("events %q, want %q", got, want)
			break
		}
	}

	if flush := (&App{}).audited(&ui.Options{}); flush == nil {
		t.Error("no kiosk: flush is nil")
	}
}

// TestRetentionAudited: a purge by the retention is an audit event with
// no staff; a run that purges nothing records none.
func TestRetentionAudited(t *testing.T) {
	now := time.Date(2022, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := store.Open(store.Options{Path: filepath.Join(t.TempDir(), "r.db"), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := checkin.New(checkin.Options{Venue: "v", Kiosk: "k", Trust: func() *bundle.Bundle { return nil },
		Register: db, Secret: []byte("0123456789abcdef"), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	old := now.AddDate(0, 0, -40)
	id, err := entry.NewIDs(rand.Reader).New(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Record(entry.Entry{ID: id, Time: old, Venue: "v", Kiosk: "k", Method: entry.Camera, Outcome: entry.Admitted}); err != nil {
		t.Fatal(err)
	}
	if err := db.Ack([]string{id}); err != nil {
		t.Fatal(err)
	}
	a := &App{Config: config.Defaults(), Register: db, Kiosk: &checkin.Kiosk{Desk: d}, Now: clock, Log: slog.New(slog.DiscardHandler)}
	ctx, cancel := context.WithCancel(context.Background())
	runs := 0
	a.retain(ctx, func(time.Duration) <-chan time.Time {
		if runs++; runs == 2 {
			cancel()
		}
		c := make(chan time.Time, 1)
		c <- now
		return c
	})
	es, err := db.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Method != entry.Audit || es[0].Reason != "purge:1" || es[0].Staff != "" || es[0].Note != "retention" {
		t.Errorf("after two runs of the retention: %+v, want one purge:1 event", es)
	}
}
