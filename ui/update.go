package ui

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
)

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case pinMsg, manualMsg, purgeMsg, statsMsg, camerasMsg, cameraSetMsg, syncMsg, figuresMsg:
		m.touched = m.o.Now() // an answer to read: the idle time starts again
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, nil
	case tickMsg:
		return m, m.onTick()
	case streamMsg:
		return m, m.onStream(msg)
	case outcomeMsg:
		return m, m.onOutcome(msg.out)
	case previewMsg:
		m.thumb = msg.t
		return m, nil
	case cameraMsg:
		st := camera.Status(msg)
		m.camera = &st
		return m, nil
	case kioskDoneMsg:
		m.kioskErr = msg.err
		return m, nil
	case clearMsg:
		if m.state == result && msg.seq == m.seq {
			if m.under != scanning {
				return m, m.uncover() // the form or menu comes back
			}
			m.state = scanning
		}
		return m, nil
	case pinMsg:
		return m, m.onPIN(msg)
	case manualMsg:
		return m, m.onManual(msg)
	case purgeMsg:
		m.onPurge(msg)
		return m, nil
	case statsMsg:
		m.adminMenu.busy, m.adminMenu.info = false, msg.text
		return m, nil
	case camerasMsg:
		m.onCameras(msg)
		return m, nil
	case syncMsg:
		m.onSync(msg)
		return m, nil
	case figuresMsg:
		m.onFigures(msg)
		return m, nil
	case cameraSetMsg:
		m.onCameraSet(msg)
		return m, nil
	case tea.PasteMsg:
		return m, m.onPaste(msg.Content)
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	}
	return m, nil
}

// onStream handles a message of the kiosk's stream and waits for the next
// one, unless the kiosk has ended (it sends nothing more).
func (m *Model) onStream(s streamMsg) tea.Cmd {
	_, cmd := m.Update(s.msg)
	if _, ended := s.msg.(kioskDoneMsg); ended {
		return cmd
	}
	return tea.Batch(cmd, m.next())
}

// next re-issues the wait for the kiosk's stream, from onStream only (the
// stream is fed in one at a time).
func (m *Model) next() tea.Cmd {
	if m.events == nil {
		return nil
	}
	return waitFor(m.events)
}

func (m *Model) onTick() tea.Cmd {
	m.refresh()
	m.dropStale(m.now)
	m.closeIdle(m.now)
	return tick(time.Second)
}

// closeIdle closes the admin menu or a form nobody touched for
// IdleAfter: left open at an unattended door, anyone could use it. What
// is being asked of the kiosk (a PIN check, a purge) finishes first.
func (m *Model) closeIdle(now time.Time) {
	s := m.screen()
	if s == scanning || s == result || m.form.busy && s == manual || m.adminMenu.busy && s == admin {
		return
	}
	if now.Sub(m.touched) < m.o.IdleAfter {
		return
	}
	what := map[state]string{admin: "admin menu", recentView: "recent guests", statsView: "statistics"}[s]
	if s == manual {
		what = m.form.purpose.String() + " form"
	}
	m.o.Log.Info("closed after idle time", "screen", what, "idle", m.o.IdleAfter)
	m.help, m.pending = false, nil
	if m.state == result {
		m.under = scanning
		return
	}
	m.state = scanning
}

// coverMin is how long a verdict over a form stays before a key meant for
// the form brings the form back: the guest gets a look at it.
const coverMin = 2 * time.Second

// maxPending bounds the keys kept for a form under a verdict.
const maxPending = 128

// cover keeps a key meant for the form or menu under the verdict; after
// coverMin it brings the form back with it.
func (m *Model) cover(k tea.KeyPressMsg, now time.Time) tea.Cmd {
	if len(m.pending) < maxPending {
		m.pending = append(m.pending, k)
	}
	if now.Sub(m.shownAt) >= coverMin {
		return m.uncover()
	}
	return nil
}

// uncover ends the verdict over a form or menu: it comes back as it was,
// and the keys typed for it meanwhile go into it.
func (m *Model) uncover() tea.Cmd {
	if m.state == result && m.under != scanning {
		m.state, m.under = m.under, scanning
	}
	keys := m.pending
	m.pending = nil
	var cmds []tea.Cmd
	for _, k := range keys {
		switch m.state {
		case manual:
			cmds = append(cmds, m.onFormKey(k))
		case admin:
			cmds = append(cmds, m.onAdminKey(k))
		}
	}
	return tea.Batch(cmds...)
}

// screen is what staff were doing: the state, or the form or menu a
// verdict shows over.
func (m *Model) screen() state {
	if m.state == result && m.under != scanning {
		return m.under
	}
	return m.state
}

// setScreen moves to s, under the verdict when one is showing over a
// form.
func (m *Model) setScreen(s state) {
	if m.state == result && m.under != scanning {
		m.under = s
		return
	}
	m.state = s
}

// toScanning is Esc: whatever is open closes, and the screen scans.
func (m *Model) toScanning() {
	m.state, m.under, m.help, m.pending = scanning, scanning, false, nil
	m.wedge.reset()
}

// onOutcome shows a verdict, over whatever is open: a form or the menu
// comes back, as it was, when the verdict ends.
func (m *Model) onOutcome(out checkin.Outcome) tea.Cmd {
	if m.o.OnOutcome != nil {
		m.o.OnOutcome(out)
	}
	m.refresh()
	m.remember(out)
	m.outcome = &out
	if m.state != scanning && m.state != result {
		m.under = m.state
	}
	m.state, m.help, m.shownAt = result, false, m.o.Now()
	m.seq++
	after := m.o.ClearAfter
	if len(out.Needs) > 0 { // the desk waits for the second pass: so does the screen
		after = max(after, out.NeedsUntil.Sub(out.Time))
	}
	return clearAfter(after, m.seq)
}

// onKey: a scanner's line first, then the keys that work everywhere
// (Esc, ctrl+c, help), then the staff keys unless a text field has the
// focus, then the screen's own keys.
func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	now := m.o.Now()
	if cmd, took := m.onWedgeKey(k, now); took {
		return cmd // a scanner is no one at the desk: the idle time runs on
	}
	m.touched = now
	typing := m.focused() != nil
	switch {
	case key.Matches(k, m.keys.Back):
		m.toScanning()
		return nil
	case key.Matches(k, m.keys.Interrupt):
		if m.screen() == manual && m.form.purpose == forQuit {
			return nil // the PIN form of quitting is what ctrl+c leads to
		}
		return m.quit()
	case key.Matches(k, m.keys.Help) && (!typing || k.Text == ""): // F1 while typing
		m.help = !m.help
		return nil
	}
	m.help = false // any other key closes the help, and does what it does
	if !typing {
		if cmd, ok := m.onStaffKey(k); ok {
			return cmd
		}
	}
	switch m.state {
	case manual:
		return m.onFormKey(k)
	case admin:
		return m.onAdminKey(k)
	case result:
		if m.under == scanning {
			return nil
		}
		return m.cover(k, now)
	}
	return nil
}

// onStaffKey: the keys of the scanning screen, which work wherever no text
// field has the focus.
func (m *Model) onStaffKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(k, m.keys.Preview):
		m.preview = !m.preview
	case key.Matches(k, m.keys.Lang):
		m.switchLang()
	case key.Matches(k, m.keys.Manual):
		if m.screen() == manual && m.form.purpose == forManual {
			return m.uncover(), true // the form staff were filling in
		}
		return m.openForm(forManual), true
	case key.Matches(k, m.keys.Admin):
		if m.screen() == admin {
			return m.uncover(), true
		}
		return m.openForm(forAdmin), true
	case key.Matches(k, m.keys.Recent):
		switch {
		case m.state == recentView: // the key again: back to scanning
			m.state = scanning
			return nil, true
		case m.screen() == recentView:
			return m.uncover(), true
		}
		m.setScreen(recentView)
	case key.Matches(k, m.keys.Stats):
		switch {
		case m.state == statsView: // the key again: back to scanning
			m.state = scanning
			return nil, true
		case m.screen() == statsView:
			return m.uncover(), true
		}
		return m.openStats(), true
	case key.Matches(k, m.keys.Quit):
		return m.quit(), true
	default:
		return nil, false
	}
	return nil, true
}

// quit ends the program, through the PIN form in kiosk mode.
func (m *Model) quit() tea.Cmd {
	if m.o.Locked && m.o.PINs != nil {
		return m.openForm(forQuit)
	}
	m.o.Log.Info("quitting")
	m.audit(checkin.AuditQuit, "", "")
	m.quitting = true
	return tea.Quit
}

func (m *Model) switchLang() {
	if m.cat.Lang == "ko" {
		m.cat = m.cats["en"]
	} else {
		m.cat = m.cats["ko"]
	}
}

// openForm starts the manual form or a PIN prompt; without PINs there is
// no staff to check, so the forms are unavailable.
func (m *Model) openForm(p purpose) tea.Cmd {
	m.form = newForm(p)
	if b := m.o.Trust(); p == forManual && b != nil && b.Policy().ContactTracing {
		m.form.contact = true
	}
	if m.o.PINs == nil {
		m.form.msg = "ui.form.no_pins"
	}
	m.state, m.under, m.pending = manual, scanning, nil
	return nil
}

func (m *Model) onFormKey(k tea.KeyPressMsg) tea.Cmd {
	f := &m.form
	if f.busy {
		return nil
	}
	switch {
	case key.Matches(k, m.keys.Up):
		f.move(-1)
	case key.Matches(k, m.keys.Down):
		f.move(1)
	case key.Matches(k, m.keys.Delete):
		f.erase()
	case key.Matches(k, m.keys.Toggle):
		if f.purpose == forManual {
			f.refused = !f.refused
		}
	case key.Matches(k, m.keys.Enter):
		if m.o.PINs == nil || !f.next() {
			return nil
		}
		f.busy = true
		return checkPIN(m.o.PINs, f.purpose, strings.TrimSpace(f.staff), f.pin, m.o.Now())
	default:
		if k.Text != "" && f.field != fieldReason {
			f.typed(k.Text)
		}
	}
	return nil
}

// onPIN goes on after the guard answered: the PIN is forgotten either way.
func (m *Model) onPIN(msg pinMsg) tea.Cmd {
	f := &m.form
	f.busy, f.pin = false, ""
	if !msg.ok {
		// The staff id and the wait, never the PIN.
		args := []any{"staff", msg.staff, "for", msg.purpose}
		if msg.retry > 0 {
			args = append(args, "wait", msg.retry)
		}
		m.o.Log.Warn("staff PIN refused", args...)
	}
	if m.screen() != manual || msg.purpose != f.purpose {
		return nil
	}
	if !msg.ok {
		f.field = fieldPIN
		switch {
		case msg.retry > 0:
			f.msg, f.args = "ui.form.pin_wait", []any{m.duration(msg.retry)}
		default:
			f.msg, f.args = "ui.form.pin_wrong", nil
		}
		return nil
	}
	switch msg.purpose {
	case forManual:
		f.busy = true
		return submitManual(m.o.Kiosk.Desk, f.manual())
	case forAdmin:
		m.o.Log.Info("admin menu opened", "staff", msg.staff)
		m.audit(checkin.AuditAdminOpen, msg.staff, "")
		m.adminMenu, m.touched = adminMenu{staff: msg.staff}, m.o.Now()
		m.setScreen(admin)
	case forQuit:
		m.o.Log.Info("quitting", "staff", msg.staff)
		m.audit(checkin.AuditQuit, msg.staff, "")
		m.quitting = true
		return tea.Quit
	}
	return nil
}

// onManual shows the desk's answer to a manual entry. The log gets who
// and why, never the holder's name, date of birth or the note.
func (m *Model) onManual(msg manualMsg) tea.Cmd {
	m.form.busy = false
	e := msg.entry
	if msg.err != nil {
		m.o.Log.Error("manual entry failed", "staff", e.Staff, "reason", e.Reason, "err", msg.err)
		m.form.msg, m.form.args = "ui.form.failed", []any{errors.Unwrap(msg.err)}
		if errors.Unwrap(msg.err) == nil {
			m.form.args = []any{msg.err}
		}
		m.form.field = fieldReason
		return nil
	}
	args := []any{"staff", e.Staff, "reason", e.Reason, "admitted", msg.out.Admitted, "recorded", msg.out.Recorded}
	if msg.out.RecordErr != nil {
		m.o.Log.Error("manual entry", append(args, "err", msg.out.RecordErr)...)
	} else {
		m.o.Log.Info("manual entry", args...)
	}
	m.state, m.under, m.pending = scanning, scanning, nil
	return m.onOutcome(msg.out)
}
