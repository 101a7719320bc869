package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
)

// TestWedgeWhileAdminOpen: a pass typed on the wedge while the admin menu
// is open reaches the register and shows; the menu comes back after.
func TestWedgeWhileAdminOpen(t *testing.T) {
	reg := &register{}
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t), withRegister(reg))
	openAdmin(t, m, itemStats)
	cursor := m.adminMenu.cursor
	press(m, pass(t, "vaccination-valid"), "enter")
	if n := reg.count(entry.ScannerDevice); n != 1 {
		t.Fatalf("%d scanner entries in the register, want 1", n)
	}
	if m.state != result || m.under != admin || !m.outcome.Admitted || !strings.Contains(screenText(m), "ADMIT") {
		t.Fatalf("state %v under %v:\n%s", m.state, m.under, screenText(m))
	}
	exec(m, update(m, clearMsg{seq: m.seq}))
	if m.state != admin || m.adminMenu.cursor != cursor || m.adminMenu.staff != "kim" {
		t.Fatalf("after the verdict: state %v cursor %d", m.state, m.adminMenu.cursor)
	}
}

// TestWedgeInTextField: a scanner typing into the manual form's staff
// field is a scan, not text: the pass is recorded, the field keeps what
// staff typed.
func TestWedgeInTextField(t *testing.T) {
	reg := &register{}
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t), withRegister(reg))
	press(m, "m", "enter", "kim")
	later(m, time.Second)
	press(m, pass(t, "revoked-uci"), "enter")
	if n := reg.count(entry.ScannerDevice); n != 1 {
		t.Fatalf("%d scanner entries in the register, want 1", n)
	}
	if m.state != result || m.under != manual || m.outcome.Reason != "revoked" {
		t.Fatalf("state %v under %v outcome %+v", m.state, m.under, m.outcome)
	}
	if m.form.staff != "kim" || m.form.field != fieldStaff {
		t.Fatalf("the form's staff field is %q (field %v), want kim", m.form.staff, m.form.field)
	}
	later(m, coverMin)
	press(m, "backspace") // a key for the form brings it back, and goes into it
	if m.state != manual || m.form.staff != "ki" || !strings.Contains(screenText(m), "ki_") {
		t.Fatalf("backspace: state %v\n%s", m.state, screenText(m))
	}

	// "HC1:" typed by hand, at a person's pace, is text.
	press(m, "backspace", "backspace")
	for _, r := range "HC1:" {
		later(m, 300*time.Millisecond)
		press(m, string(r))
	}
	if m.form.staff != "HC1:" || m.wedge.line != "" {
		t.Fatalf("slow HC1: staff %q line %q", m.form.staff, m.wedge.line)
	}
}

// TestCameraVerdictOverForm: a camera verdict while the manual form is
// open is shown, and the form's contents survive it.
func TestCameraVerdictOverForm(t *testing.T) {
	reg := &register{}
	m := newModel(t, "ko", 100, 30, noon, fixtureBundle(t), withRegister(reg))
	press(m, "m", "down", "down", "down", "enter", "신분증 확인", "enter", "kim", "enter", "12")
	before := m.form
	scan(t, m, "vaccination-valid")
	if n := reg.count(entry.Camera); n != 1 {
		t.Fatalf("%d camera entries, want 1", n)
	}
	s := screenText(m)
	if m.state != result || !strings.Contains(s, "입장 가능") || strings.Contains(s, "신분증 확인") {
		t.Fatalf("the verdict is not shown over the form:\n%s", s)
	}
	press(m, "3", "4", "enter") // typed for the form under the verdict: kept for it
	if m.state != result || m.form.pin != "12" {
		t.Fatalf("a key within %v took the verdict away: state %v pin %d long", coverMin, m.state, len(m.form.pin))
	}
	before.pin = "1234"
	m.o.PINs = nil // hold the form at its PIN: no check yet
	exec(m, update(m, clearMsg{seq: m.seq}))
	if m.state != manual || !sameForm(m.form, before) || !strings.Contains(screenText(m), "신분증 확인") {
		t.Fatalf("the form did not come back as it was, with 34: state %v form %+v\n%s", m.state, m.form, screenText(m))
	}
	m.o.PINs = &fakePINs{}
	press(m, "enter")
	if m.state != result || m.outcome.Method != entry.Manual || reg.count(entry.Manual) != 1 {
		t.Fatalf("the manual entry after the verdict: state %v outcome %+v", m.state, m.outcome)
	}
	if e := reg.entries[len(reg.entries)-1]; e.Staff != "kim" || e.Note != "신분증 확인" {
		t.Errorf("the manual entry is by %q with note %q", e.Staff, e.Note)
	}
}

// TestKeyAfterCoverMin: a key for the form after the verdict has been up
// coverMin brings the form back at once, with the key in it; a scanner
// line typed meanwhile is a scan, not text.
func TestKeyAfterCoverMin(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	press(m, "m", "enter", "ki")
	scan(t, m, "revoked-uci")
	later(m, time.Second)
	press(m, pass(t, "vaccination-valid"), "enter") // a second guest, on the wedge
	if m.state != result || !m.outcome.Admitted || m.under != manual || len(m.pending) != 0 {
		t.Fatalf("wedge under a verdict: state %v under %v pending %d", m.state, m.under, len(m.pending))
	}
	later(m, time.Second)
	press(m, "m") // text: the staff id field has the focus
	if m.state != result {
		t.Fatalf("a key within %v took the verdict away", coverMin)
	}
	later(m, coverMin)
	press(m, "x")
	if m.state != manual || m.form.staff != "kimx" {
		t.Fatalf("after %v: state %v staff %q, want the form with kimx", coverMin, m.state, m.form.staff)
	}
}

// TestIdleCloses: the admin menu and the manual form close by themselves
// after IdleAfter without a key (on the injected clock), and the menu then
// asks for the PIN again; a key restarts the wait.
func TestIdleCloses(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	if m.o.IdleAfter != time.Minute {
		t.Fatalf("default idle time %v, want 1m", m.o.IdleAfter)
	}
	openAdmin(t, m, itemStats)
	later(m, 59*time.Second)
	update(m, tickMsg{})
	if m.state != admin {
		t.Fatal("closed before the idle time")
	}
	press(m, "down")
	later(m, 59*time.Second)
	update(m, tickMsg{})
	if m.state != admin {
		t.Fatal("a key did not restart the idle time")
	}
	later(m, time.Second)
	update(m, tickMsg{})
	if m.state != scanning {
		t.Fatalf("admin menu still open after the idle time: state %v", m.state)
	}
	press(m, "a")
	if m.state != manual || m.form.purpose != forAdmin {
		t.Fatalf("reopening the menu did not ask for the PIN: state %v", m.state)
	}

	m.o.IdleAfter = 30 * time.Second
	press(m, "esc", "m", "down", "enter", "kim")
	scan(t, m, "revoked-uci") // idle time passes under a verdict
	later(m, 31*time.Second)
	update(m, tickMsg{})
	exec(m, update(m, clearMsg{seq: m.seq}))
	if m.state != scanning {
		t.Fatalf("manual form still open after the idle time: state %v", m.state)
	}
}

// TestIdleWaitsForTheKiosk: a menu waiting for the kiosk's answer is not
// closed under it.
func TestIdleWaitsForTheKiosk(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	openAdmin(t, m, itemStats)
	m.adminMenu.busy = true
	later(m, time.Hour)
	update(m, tickMsg{})
	if m.state != admin {
		t.Fatal("closed while busy")
	}
	update(m, statsMsg{text: "entries 1"}) // staff get the idle time to read it
	update(m, tickMsg{})
	if m.state != admin {
		t.Fatal("closed as the answer came")
	}
	later(m, time.Minute)
	update(m, tickMsg{})
	if m.state != scanning {
		t.Fatal("not closed an idle time after the answer")
	}
}

// sameForm: what staff typed and chose is the same.
func sameForm(a, b form) bool {
	return a.purpose == b.purpose && a.field == b.field && a.reason == b.reason && a.refused == b.refused &&
		a.note == b.note && a.name == b.name && a.dob == b.dob && a.staff == b.staff && a.pin == b.pin
}

// TestIdleIgnoresScanner: passes typed by a wedge scanner are guests, not
// staff at the menu: the menu closes on time all the same.
func TestIdleIgnoresScanner(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	openAdmin(t, m, itemStats)
	later(m, 50*time.Second)
	press(m, pass(t, "vaccination-valid"), "enter")
	exec(m, update(m, clearMsg{seq: m.seq}))
	later(m, 10*time.Second)
	update(m, tickMsg{})
	if m.state != scanning {
		t.Fatalf("a scanned pass kept the admin menu open: state %v", m.state)
	}
}
