package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/verify"
)

// A keyboard-wedge scanner types a pass as keys, faster than anyone types,
// and ends it with Enter. The screen tells its line from staff typing by
// both: a line starts only with keys that spell the start of a pass
// ("HC1:") arriving within wedgeGap of each other, and once it is a pass
// it lasts until Enter, or until no key came for wedgeStale. A stray key
// therefore never captures the keyboard: anything that cannot begin a
// pass, or comes at a person's pace, is a key like any other.
const (
	wedgeGap   = 80 * time.Millisecond
	wedgeStale = time.Second
)

// wedge is the scanner line being typed.
type wedge struct {
	line string
	last time.Time // when its last key came
	// field is the focused text field's value before the line began:
	// the keys of "HC1" went into the field too, until they turned out
	// to be a scan.
	field string
	// pending is how many keys were kept for a form under a verdict
	// before the line began (its keys were kept too, until they turned
	// out to be a scan).
	pending int
}

// scanning: the line is a pass being typed (it goes on until Enter).
func (w *wedge) scanning() bool { return strings.HasPrefix(w.line, verify.Prefix) }

func (w *wedge) reset() { *w = wedge{} }

// onWedgeKey gives the key to the scanner line when it belongs there;
// took is false for a key the screen handles as usual (which may have
// gone into the line as well, while it could still be the start of a pass
// typed into a text field).
func (m *Model) onWedgeKey(k tea.KeyPressMsg, now time.Time) (cmd tea.Cmd, took bool) {
	w := &m.wedge
	if w.line != "" && (now.Sub(w.last) > wedgeStale || !w.scanning() && now.Sub(w.last) > wedgeGap) {
		w.reset() // a person's pace: not a scanner
	}
	if key.Matches(k, m.keys.Enter) {
		if w.scanning() {
			line := w.line
			w.reset()
			return typeLine(m.o.Kiosk, line), true
		}
		w.reset()
		return nil, false
	}
	if k.Text == "" || k.Mod&(tea.ModCtrl|tea.ModAlt) != 0 {
		return nil, false
	}
	field := m.focused()
	next := w.line + k.Text
	switch {
	case w.scanning() || strings.HasPrefix(next, verify.Prefix):
		if !w.scanning() && field != nil {
			*field = w.field // "HC1" was typed into the field: take it back
			m.pending = m.pending[:min(w.pending, len(m.pending))]
		}
		w.line, w.last = next, now
		return nil, true
	case strings.HasPrefix(verify.Prefix, next):
		if w.line == "" && field != nil {
			w.field, w.pending = *field, len(m.pending)
		}
		w.line, w.last = next, now
		return nil, field == nil
	}
	w.reset()
	return nil, false
}

// onPaste: a pasted pass is a scan (a terminal may hand a scanner's line
// over as a paste); other text goes into the focused field.
func (m *Model) onPaste(text string) tea.Cmd {
	m.touched = m.o.Now()
	if checkin.IsPayload(text) {
		m.wedge.reset()
		return typeLine(m.o.Kiosk, strings.TrimSpace(text))
	}
	if m.focused() != nil && m.state == manual && !m.form.busy {
		m.form.typed(strings.ReplaceAll(text, "\n", ""))
	}
	return nil
}

// dropStale forgets a line no key has added to for wedgeStale.
func (m *Model) dropStale(now time.Time) {
	if m.wedge.line != "" && now.Sub(m.wedge.last) > wedgeStale {
		m.wedge.reset()
	}
}

// focused is the text field with the focus (where letters are text, not
// keys), nil when there is none; under a verdict, the form's.
func (m *Model) focused() *string {
	if m.screen() != manual {
		return nil
	}
	return m.form.text()
}
