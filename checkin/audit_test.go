package checkin_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/pin"
	"github.com/passgate/passgate/store"
)

// TestAudit: every kind of staff action is recorded once, as an audit
// event, pending for the hub, in the register's export; no guest count
// has it.
func TestAudit(t *testing.T) {
	c := &clock{noon}
	db := openStore(t, c)
	d := newDesk(t, fixtureBundle(t), db, c)
	hash, err := pin.Hash("4321", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pins := d.AuditPINs(pin.NewGuard(map[string]string{"kim": hash}, pin.Limits{Tries: 2, GlobalTries: 10, Wait: 30 * time.Second}))

	if ok, _, err := pins.Check("kim", "4321", noon); !ok || err != nil {
		t.Fatalf("right PIN: %v, %v", ok, err)
	}
	if ok, retry, _ := pins.Check("kim", "0000", noon); ok || retry != 0 {
		t.Fatalf("first wrong PIN: ok %v, wait %v", ok, retry)
	}
	if ok, retry, _ := pins.Check("kim", "0001", noon); ok || retry != 30*time.Second {
		t.Fatalf("second wrong PIN: ok %v, wait %v; want a 30 s lockout", ok, retry)
	}
	if _, _, err := pins.Check("kim", "4321", noon.Add(time.Second)); !errors.Is(err, pin.ErrLocked) {
		t.Fatalf("during the lockout: %v, want ErrLocked", err)
	}
	if _, _, err := pins.Check("park", "1", noon.Add(2*time.Second)); !errors.Is(err, pin.ErrUnknownStaff) {
		t.Fatalf("unknown staff: %v", err)
	}
	type want struct{ code, staff, note string }
	wants := []want{
		{checkin.AuditPINFailed, "kim", ""},
		{checkin.AuditPINLockout, "kim", "wait 30s"},
		{checkin.AuditPINFailed, "", "unknown staff id"},
	}
	for _, a := range []want{
		{checkin.AuditAdminOpen, "kim", ""},
		{checkin.PolicySet("2g"), "kim", ""},
		{checkin.PolicySet(""), "kim", ""},
		{checkin.AuditCameraSet, "kim", "/dev/video2"},
		{checkin.Purged(120), "kim", ""},
		{checkin.AuditQuit, "", ""}, // quitting with no PINs configured
	} {
		c.t = c.t.Add(time.Minute)
		e, err := d.Audit(a.code, a.staff, a.note)
		if err != nil || e.ID == "" || e.Method != entry.Audit {
			t.Fatalf("Audit(%q): %+v, %v", a.code, e, err)
		}
		wants = append(wants, a)
	}

	pending, err := db.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != len(wants) {
		t.Fatalf("%d entries pending, want the %d events once each: %+v", len(pending), len(wants), pending)
	}
	for i, e := range pending {
		w := wants[i]
		if e.Method != entry.Audit || e.Outcome != entry.Event || e.Reason != w.code || e.Staff != w.staff || e.Note != w.note ||
			e.Venue != "cafe" || e.Kiosk != "door" || e.Holder != "" || e.Contact != nil {
			t.Errorf("event %d: %+v, want %+v", i, e, w)
		}
	}
	if got := []string{pending[4].Reason, pending[5].Reason, pending[7].Reason}; strings.Join(got, " ") != "policy-set:2g policy-set:bundle purge:120" {
		t.Errorf("codes with a value: %q", got)
	}

	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Audit != len(wants) || st.Total != len(wants) || st.All.Total != 0 || st.Today.Total != 0 {
		t.Errorf("register stats: audit %d, held %d, guests %d (today %d); want %d, %d, 0, 0",
			st.Audit, st.Total, st.All.Total, st.Today.Total, len(wants), len(wants))
	}
	if n := d.Counts(); n.Admitted+n.Refused+n.Manual != 0 {
		t.Errorf("the footer counts audit events as guests: %+v", n)
	}

	var out bytes.Buffer
	if n, err := db.Export(&out, time.Time{}, "csv"); err != nil || n != len(wants) {
		t.Fatalf("Export: %d, %v", n, err)
	}
	for _, w := range []string{"audit,event,pin-lockout", "audit,event,purge:120", "/dev/video2"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("export lacks %q:\n%s", w, out.String())
		}
	}
}

// TestAuditRefused: an event that makes no valid entry is refused with a
// reason, and nothing is stored; without a register nothing is recorded.
func TestAuditRefused(t *testing.T) {
	c := &clock{noon}
	db := openStore(t, c)
	d := newDesk(t, fixtureBundle(t), db, c)
	for _, code := range []string{"", strings.Repeat("x", entry.MaxField+1)} {
		if _, err := d.Audit(code, "kim", ""); !errors.Is(err, checkin.ErrAudit) || !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Audit(%.10q…): %v, want ErrAudit and store.ErrInvalid", code, err)
		}
	}
	if _, err := d.Audit(checkin.AuditQuit, "kim", strings.Repeat("n", entry.MaxNote+1)); !errors.Is(err, checkin.ErrAudit) {
		t.Errorf("a note too long: %v", err)
	}
	if st, err := db.Stats(); err != nil || st.Total != 0 {
		t.Errorf("refused events stored: %+v, %v", st, err)
	}

	// An unknown staff id (a PIN typed in the wrong field, say) is not
	// kept, however long; the try is, and the lockout it starts.
	pins := d.AuditPINs(pin.NewGuard(nil, pin.Limits{GlobalTries: 2, Wait: time.Minute}))
	for _, typed := range []string{"5678", strings.Repeat("김", 100)} {
		if _, _, err := pins.Check(typed, "1", noon); !errors.Is(err, pin.ErrUnknownStaff) {
			t.Fatal(err)
		}
	}
	pending, err := db.Pending(0)
	if err != nil || len(pending) != 2 || pending[0].Staff != "" || pending[0].Note != "unknown staff id" ||
		pending[1].Reason != checkin.AuditPINLockout || pending[1].Staff != "" || pending[1].Note != "unknown staff id, wait 1m0s" {
		t.Errorf("unknown staff ids: %+v, %v", pending, err)
	}
	for _, e := range pending {
		if strings.Contains(e.Staff+e.Note, "5678") || strings.Contains(e.Staff+e.Note, "김") {
			t.Errorf("what was typed as a staff id is in the register: %+v", e)
		}
	}

	bare := newDesk(t, fixtureBundle(t), nil, c)
	if e, err := bare.Audit(checkin.AuditQuit, "kim", ""); err != nil || e.ID != "" {
		t.Errorf("without a register: %+v, %v", e, err)
	}
}
