package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/passgate/passgate/entry"
)

func TestManualEntryWithPIN(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	pins := m.o.PINs.(*fakePINs)
	press(m, "m", "enter", "kim", "enter", "9999", "enter")
	if m.state != manual || !strings.Contains(ansi.Strip(m.render()), "try again in 30 s") {
		t.Fatalf("wrong PIN: state %v\n%s", m.state, ansi.Strip(m.render()))
	}
	if m.form.pin != "" {
		t.Error("the wrong PIN is kept")
	}
	press(m, "1234", "enter")
	if pins.tries != 2 || m.state != result || m.outcome == nil || m.outcome.Method != entry.Manual ||
		m.outcome.Manual.Staff != "kim" || !m.outcome.Admitted {
		t.Fatalf("state %v outcome %+v", m.state, m.outcome)
	}
	if m.counts.Manual != 1 {
		t.Errorf("counts %+v", m.counts)
	}
}

func TestWedge(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	press(m, "hello", "enter") // not a pass: ignored; 'h' is no command
	if m.state != scanning || m.wedge.line != "" {
		t.Fatalf("state %v line %q", m.state, m.wedge.line)
	}
	press(m, pass(t, "revoked-uci"))
	if !strings.HasPrefix(m.wedge.line, "HC1:") {
		t.Fatalf("line %q", m.wedge.line)
	}
	press(m, "enter")
	if m.state != result || m.outcome.Method != entry.ScannerDevice || m.outcome.Reason != "revoked" {
		t.Fatalf("state %v outcome %+v", m.state, m.outcome)
	}
}

func TestBannerClears(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	scan(t, m, "vaccination-valid")
	first := m.seq
	scan(t, m, "revoked-uci")
	update(m, clearMsg{seq: first})
	if m.state != result {
		t.Fatal("an older timer cleared a newer verdict")
	}
	update(m, clearMsg{seq: m.seq})
	if m.state != scanning {
		t.Fatal("verdict not cleared")
	}
}

func TestQuitNeedsPIN(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	press(m, "q")
	if m.quitting || m.state != manual || m.form.purpose != forQuit {
		t.Fatalf("quit without PIN: state %v", m.state)
	}
	press(m, "ctrl+c")
	if m.quitting {
		t.Fatal("ctrl+c in the PIN form quit")
	}
	press(m, "kim", "enter", "1234")
	cmd := update(m, tea.KeyPressMsg{Code: tea.KeyEnter})
	msg := cmd()
	update(m, msg)
	if !m.quitting {
		t.Fatal("right PIN did not quit")
	}
}

func TestLanguageAndPreviewKeys(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	press(m, "l")
	if m.cat.Lang != "ko" {
		t.Fatal("l did not switch to Korean")
	}
	press(m, "p")
	if m.preview || strings.Contains(m.render(), "▀") {
		t.Fatal("p did not hide the preview")
	}
	small := newModel(t, "en", 80, 12, noon, fixtureBundle(t))
	if strings.Contains(small.render(), "▀") {
		t.Fatal("preview shown on a tiny terminal")
	}
}

// TestColours: bluish green for admit, dark red for refuse (admitColour,
// refuseColour), and the preview in grey
// half blocks with the code outlined.
func TestColours(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	if s := m.render(); !strings.Contains(s, "\x1b[38;2;0;224;0m") || !strings.Contains(s, "▀") {
		t.Error("no outlined preview")
	}
	scan(t, m, "vaccination-valid")
	if s := m.render(); !strings.Contains(s, "48;2;53;196;154") {
		t.Error("admit banner not green")
	}
	scan(t, m, "revoked-uci")
	if s := m.render(); !strings.Contains(s, "48;2;139;26;16") {
		t.Error("refuse banner not red")
	}
}
