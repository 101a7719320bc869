package main

import (
	"context"
	"encoding/json"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// TestExportAudit: `passhub entries export` has the kiosks' audit events
// (staff actions) beside the guests, unchanged, in JSON lines and CSV.
func TestExportAudit(t *testing.T) {
	dir := t.TempDir()
	st, err := hub.OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := entry.NewIDs(mrand.NewChaCha8([32]byte{5}))
	var es []entry.Entry
	for i, code := range []string{"", "pin-failed", "pin-lockout", "admin-open", "policy-set:2g", "camera-set", "purge:12", "quit"} {
		at := t0.Add(time.Duration(i) * time.Minute)
		id, _ := ids.New(at)
		e := entry.Entry{ID: id, Time: at, Venue: "venue-1", Kiosk: "kiosk-1", Method: entry.Audit, Outcome: entry.Event,
			Reason: code, Staff: "staff-1"}
		if code == "" {
			e.Method, e.Outcome, e.Staff = entry.Camera, entry.Admitted, ""
		}
		if code == "camera-set" {
			e.Note = "/dev/video2"
		}
		es = append(es, e)
	}
	res, err := st.PutEntries(context.Background(), hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}, es)
	if err != nil || len(res.Rejected) != 0 {
		t.Fatalf("PutEntries: %+v, %v", res, err)
	}
	st.Close()

	code, out, errOut := passhub(t, "entries", "export", "--data", dir, "--since", "2021-12-13")
	if code != 0 || !strings.Contains(errOut, "Exported 8 entries") {
		t.Fatalf("export: %d %s %s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(es) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(es), out)
	}
	for i, l := range lines {
		var e entry.Entry
		if err := json.Unmarshal([]byte(l), &e); err != nil || !entry.Same(&e, &es[i]) {
			t.Errorf("line %d: %s (%v), want %+v", i, l, err, es[i])
		}
	}
	file := filepath.Join(t.TempDir(), "out.csv")
	if code, _, errOut := passhub(t, "entries", "export", "--data", dir, "--since", "2021-12-13", "--format", "csv", "--out", file); code != 0 {
		t.Fatalf("export csv: %d %s", code, errOut)
	}
	csv, _ := os.ReadFile(file)
	for _, want := range []string{",audit,event,pin-lockout,", ",audit,event,purge:12,", "/dev/video2"} {
		if !strings.Contains(string(csv), want) {
			t.Errorf("csv lacks %q:\n%s", want, csv)
		}
	}
}
