package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
)

// register is a fake register: it keeps what the desk records.
type register struct {
	mu      sync.Mutex
	entries []entry.Entry
}

func (r *register) Record(e entry.Entry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = append(r.entries, e)
	return nil
}

func (r *register) count(method entry.Method) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.entries {
		if e.Method == method {
			n++
		}
	}
	return n
}

// withRegister gives the model's desk a register.
func withRegister(r *register) func(*checkin.Options) {
	return func(o *checkin.Options) {
		o.Register, o.Secret = r, []byte("0123456789abcdef0123456789abcdef")
	}
}

// later moves the model's clock on by d.
func later(m *Model, d time.Duration) { *fakesOf[m].clock = fakesOf[m].clock.Add(d) }

// TestStrayKeysNeverStick is the report: "?" then m, a, q. Each
// key does what the footer says, and none becomes scanner text.
func TestStrayKeysNeverStick(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	press(m, "?")
	if !m.help || !strings.Contains(screenText(m), "Keys on this screen") {
		t.Fatalf("? did not open the help:\n%s", screenText(m))
	}
	press(m, "m")
	if m.help || m.state != manual || m.form.purpose != forManual || m.wedge.line != "" {
		t.Fatalf("m after ?: help %v state %v line %q", m.help, m.state, m.wedge.line)
	}
	press(m, "esc", "a")
	if m.state != manual || m.form.purpose != forAdmin {
		t.Fatalf("a: state %v purpose %v", m.state, m.form.purpose)
	}
	press(m, "esc", "q")
	if m.state != manual || m.form.purpose != forQuit {
		t.Fatalf("q: state %v purpose %v", m.state, m.form.purpose)
	}
	if strings.Contains(screenText(m), "scanner:") {
		t.Fatalf("a scanner line on screen:\n%s", screenText(m))
	}
	press(m, "esc")

	// An "H" (a pass's first letter) typed by hand, then a key at a
	// person's pace: the H is forgotten, the key acts.
	press(m, "H")
	later(m, time.Second)
	press(m, "m")
	if m.state != manual || m.wedge.line != "" {
		t.Fatalf("H then m a second later: state %v line %q", m.state, m.wedge.line)
	}
	press(m, "esc")
	// At a scanner's pace, "Hm" is no pass either: m acts at once.
	press(m, "Hm")
	if m.state != manual || m.wedge.line != "" {
		t.Fatalf("Hm: state %v line %q", m.state, m.wedge.line)
	}
}

// TestStaffKeysInMenus: the staff keys work where no text field has the
// focus (the admin menu, the manual form's reason list), and are text in
// a field.
func TestStaffKeysInMenus(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	openAdmin(t, m, itemLang)
	press(m, "l")
	if m.cat.Lang != "ko" || m.state != admin {
		t.Fatalf("l in the admin menu: lang %s state %v", m.cat.Lang, m.state)
	}
	press(m, "m")
	if m.state != manual || m.form.purpose != forManual {
		t.Fatalf("m in the admin menu: state %v", m.state)
	}
	press(m, "p") // the reason list has the focus
	if m.preview {
		t.Fatal("p on the reason list did not switch the preview off")
	}
	press(m, "enter", "map") // the staff id field: letters are text
	if m.form.staff != "map" || m.preview || m.state != manual {
		t.Fatalf("typing in a field: staff %q preview %v state %v", m.form.staff, m.preview, m.state)
	}
	press(m, "?")
	if m.help || m.form.staff != "map?" {
		t.Fatalf("? in a field: help %v staff %q", m.help, m.form.staff)
	}
	press(m, "f1")
	if !m.help || !strings.Contains(screenText(m), "이 화면의 키") || !strings.Contains(screenText(m), "입장/거부") {
		t.Fatalf("f1 in a field: no help of the form\n%s", screenText(m))
	}
	press(m, "f1")
	if m.help || m.state != manual || m.form.staff != "map?" {
		t.Fatalf("f1 again: help %v state %v staff %q", m.help, m.state, m.form.staff)
	}
}

// TestEscAlwaysScans: from every screen, Esc goes back to scanning.
func TestEscAlwaysScans(t *testing.T) {
	for name, open := range map[string]func(t *testing.T, m *Model){
		"help":        func(t *testing.T, m *Model) { press(m, "?") },
		"manual":      func(t *testing.T, m *Model) { press(m, "m", "enter", "kim") },
		"pin":         func(t *testing.T, m *Model) { press(m, "a", "ki") },
		"admin":       func(t *testing.T, m *Model) { openAdmin(t, m, itemStats) },
		"admin help":  func(t *testing.T, m *Model) { openAdmin(t, m, itemStats); press(m, "?") },
		"camera list": func(t *testing.T, m *Model) { openAdmin(t, m, itemCamera); press(m, "enter") },
		"verdict":     func(t *testing.T, m *Model) { scan(t, m, "revoked-uci") },
		"verdict over form": func(t *testing.T, m *Model) {
			press(m, "m")
			scan(t, m, "vaccination-valid")
		},
		"scanner line": func(t *testing.T, m *Model) { press(m, "HC1:NCF") },
	} {
		t.Run(name, func(t *testing.T) {
			m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
			open(t, m)
			if m.state == scanning && !m.help && m.wedge.line == "" {
				t.Fatal("nothing opened")
			}
			press(m, "esc")
			if m.state != scanning || m.under != scanning || m.help || m.wedge.line != "" {
				t.Fatalf("after esc: state %v under %v help %v line %q", m.state, m.under, m.help, m.wedge.line)
			}
			press(m, "m") // and the keys work again
			if m.state != manual {
				t.Fatalf("m after esc: state %v", m.state)
			}
		})
	}
}

// TestHelpPerScreen: the help lists the keys of the screen under it, in
// its language.
func TestHelpPerScreen(t *testing.T) {
	for _, c := range []struct {
		lang, want, not string
		open            func(t *testing.T, m *Model)
	}{
		{"en", "manual entry", "admit/refuse", func(t *testing.T, m *Model) {}},
		{"ko", "수기 입장", "입장/거부", func(t *testing.T, m *Model) {}},
		{"en", "admit/refuse", "", func(t *testing.T, m *Model) { press(m, "m") }},
		{"ko", "입력 칸을 선택하지 않았을 때", "", func(t *testing.T, m *Model) { press(m, "m") }},
		{"en", "select", "admit/refuse", func(t *testing.T, m *Model) { openAdmin(t, m, itemStats) }},
	} {
		m := newModel(t, c.lang, 80, 24, noon, fixtureBundle(t))
		c.open(t, m)
		press(m, "f1")
		s := screenText(m)
		if !strings.Contains(s, c.want) || c.not != "" && strings.Contains(s, c.not) {
			t.Errorf("%s help: want %q, not %q:\n%s", c.lang, c.want, c.not, s)
		}
	}
}

// TestPaste: a pass pasted (a terminal may hand a scanner's line over so)
// is a scan in any screen; other pasted text goes into the focused field
// only.
func TestPaste(t *testing.T) {
	reg := &register{}
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t), withRegister(reg))
	openAdmin(t, m, itemStats)
	exec(m, update(m, tea.PasteMsg{Content: pass(t, "revoked-uci") + "\n"}))
	if reg.count(entry.ScannerDevice) != 1 || m.state != result || m.under != admin {
		t.Fatalf("pasted pass: %d entries, state %v under %v", reg.count(entry.ScannerDevice), m.state, m.under)
	}
	press(m, "esc", "m", "enter")
	exec(m, update(m, tea.PasteMsg{Content: "kim"}))
	if m.form.staff != "kim" {
		t.Fatalf("pasted staff id: %q", m.form.staff)
	}
	press(m, "esc")
	exec(m, update(m, tea.PasteMsg{Content: "mmm"}))
	if m.state != scanning || m.wedge.line != "" {
		t.Fatalf("pasted text on the scanning screen: state %v line %q", m.state, m.wedge.line)
	}
}
