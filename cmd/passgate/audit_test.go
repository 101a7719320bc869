package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
)

// TestRegisterExportAudit: `passgate register export` has the desk's
// audit events beside the guests, in JSON lines and CSV, and `register
// stats` counts the guests only.
func TestRegisterExportAudit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "register.db")
	db, err := store.Open(store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)
	d, err := checkin.New(checkin.Options{Venue: "venue-1", Kiosk: "kiosk-1", Trust: func() *bundle.Bundle { return nil },
		Register: db, Secret: []byte("0123456789abcdef"), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if out := d.Scan(checkin.Scan{Payload: "HC1:x", Method: entry.Camera}); !out.Recorded {
		t.Fatalf("guest: %+v", out)
	}
	codes := []string{checkin.AuditAdminOpen, checkin.PolicySet("2g"), checkin.AuditCameraSet, checkin.Purged(3), checkin.AuditQuit}
	for _, c := range codes {
		now = now.Add(time.Minute)
		if _, err := d.Audit(c, "staff-1", ""); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	code, out, errOut := runIn(t, "en_US.UTF-8", "register", "export", "--db", path, "--since", "2021-12-13", "--format", "jsonl")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []string
	for l := range strings.Lines(out) {
		var e entry.Entry
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.Check() != nil {
			t.Fatalf("line %q: %v %v", l, err, e.Check())
		}
		if e.Method == entry.Audit {
			if e.Outcome != entry.Event || e.Staff != "staff-1" {
				t.Errorf("event %+v", e)
			}
			got = append(got, e.Reason)
		}
	}
	if strings.Join(got, " ") != strings.Join(codes, " ") {
		t.Errorf("exported events %q, want %q", got, codes)
	}
	code, out, _ = runIn(t, "en_US.UTF-8", "register", "export", "--db", path, "--since", "2021-12-13", "--format", "csv")
	if code != ExitOK || !bytes.Contains([]byte(out), []byte(",audit,event,purge:3,")) {
		t.Errorf("csv export: exit %d\n%s", code, out)
	}
	code, out, _ = runIn(t, "en_US.UTF-8", "register", "stats", "--db", path, "--json")
	var st struct {
		Total int          `json:"total"`
		All   store.Counts `json:"all"`
		Audit int          `json:"audit"`
	}
	if err := json.Unmarshal([]byte(out), &st); code != ExitOK || err != nil || st.Total != 1+len(codes) || st.All.Total != 1 || st.Audit != len(codes) {
		t.Errorf("stats: exit %d, %+v, %v\n%s", code, st, err, out)
	}
	for lang, want := range map[string]string{"en_US.UTF-8": "Staff actions recorded (audit events): 5", "ko_KR.UTF-8": "기록된 직원 조작 (감사 이벤트): 5건"} {
		code, out, _ = runIn(t, lang, "register", "stats", "--db", path)
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("%s stats: exit %d, lacks %q:\n%s", lang, code, want, out)
		}
	}
}
