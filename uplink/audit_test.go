package uplink_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/uplink"
)

// TestAuditEventsSync: the desk's audit events reach a real hub (hub.Bolt
// behind hub.Server) beside a guest's entry, are acknowledged, and held
// once each even when a second register (a kiosk restored from a backup
// taken before the ack) pushes them again; the hub's export has them.
func TestAuditEventsSync(t *testing.T) {
	h := newTestHub(t, 3, onFakeClock())
	tok := h.kiosk("cafe", "door")
	h.start()
	db := openRegister(t, filepath.Join(t.TempDir(), "register.db"))
	defer db.Close()
	now := t0
	d, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: "door", Trust: func() *bundle.Bundle { return nil },
		Register: db, Secret: []byte("0123456789abcdef"), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	guest := d.Scan(checkin.Scan{Payload: "HC1:not-a-pass", Method: entry.ScannerDevice})
	if !guest.Recorded {
		t.Fatalf("guest not recorded: %+v", guest)
	}
	codes := []string{checkin.AuditPINFailed, checkin.AuditPINLockout, checkin.AuditAdminOpen, checkin.PolicySet("3g"),
		checkin.AuditCameraSet, checkin.Purged(0), checkin.AuditQuit}
	for _, code := range codes {
		now = now.Add(time.Second)
		if _, err := d.Audit(code, "kim", ""); err != nil {
			t.Fatal(err)
		}
	}
	sent, err := db.Pending(0)
	if err != nil || len(sent) != 1+len(codes) {
		t.Fatalf("pending: %d, %v", len(sent), err)
	}

	pub, _ := keys(t)
	push := func(reg uplink.Register) uplink.Report {
		t.Helper()
		u, err := uplink.New(uplink.Options{Hub: h.url(), Token: tok, BundleKey: pub, Now: func() time.Time { return t0 }}, reg)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := u.Once(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if rep := push(db); rep.Pushed != len(sent) || len(rep.Rejected) != 0 || rep.StillQueued != 0 {
		t.Fatalf("first push: %+v, want %d pushed", rep, len(sent))
	}
	if st, _ := db.Stats(); st.Pending != 0 {
		t.Fatalf("%d still pending after the hub's ack", st.Pending)
	}

	again := openRegister(t, filepath.Join(t.TempDir(), "restored.db"))
	defer again.Close()
	if err := again.RecordAll(sent); err != nil {
		t.Fatal(err)
	}
	if rep := push(again); rep.Pushed != len(sent) || len(rep.Rejected) != 0 {
		t.Fatalf("second push of the same entries: %+v", rep)
	}
	if st, _ := again.Stats(); st.Pending != 0 {
		t.Fatalf("the second register still has %d pending: the hub did not acknowledge them", st.Pending)
	}

	n, ids := h.count()
	if n != len(sent) || len(ids) != len(sent) {
		t.Fatalf("the hub holds %d entries (%d ids), want %d once each", n, len(ids), len(sent))
	}
	var held []entry.Entry
	if err := h.store.ExportEntries(context.Background(), time.Time{}, func(e entry.Entry) error {
		held = append(held, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i := range sent {
		if !entry.Same(&sent[i], &held[i]) {
			t.Errorf("entry %d changed at the hub:\n sent %+v\n held %+v", i, sent[i], held[i])
		}
	}

	var csv bytes.Buffer
	if n, err := hub.Export(context.Background(), h.store, time.Time{}, hub.CSV, &csv); err != nil || n != len(sent) {
		t.Fatalf("hub export: %d, %v", n, err)
	}
	for _, code := range codes {
		if !strings.Contains(csv.String(), ",audit,event,"+code+",") {
			t.Errorf("hub export lacks the %s event:\n%s", code, csv.String())
		}
	}
}
