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
	case cameraSetMsg:
		m.onCameraSet(msg)
		return m, nil
	case tea.PasteMsg:
		if m.state == scanning || m.state == result {
			m.line += strings.ReplaceAll(msg.Content, "\n", "")
		}
		return m, nil
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
	return tick(time.Second)
}

// onOutcome shows a verdict, unless staff are busy with a form or the menu.
func (m *Model) onOutcome(out checkin.Outcome) tea.Cmd {
	if m.o.OnOutcome != nil {
		m.o.OnOutcome(out)
	}
	m.refresh()
	m.outcome = &out
	if m.state != scanning && m.state != result {
		return nil
	}
	m.state = result
	m.seq++
	after := m.o.ClearAfter
	if len(out.Needs) > 0 { // the desk waits for the second pass: so does the screen
		after = max(after, out.NeedsUntil.Sub(out.Time))
	}
	return clearAfter(after, m.seq)
}

func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	switch m.state {
	case manual:
		return m.onFormKey(k)
	case admin:
		return m.onAdminKey(k)
	}
	return m.onScanKey(k)
}

// onScanKey: the scanning and result screens. Printable keys go to the
// scanner line; the letters act as commands while the line is empty.
func (m *Model) onScanKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Interrupt):
		return m.quit()
	case key.Matches(k, m.keys.Enter):
		line := m.line
		m.line = ""
		if checkin.IsPayload(line) {
			return typeLine(m.o.Kiosk, line)
		}
		return nil
	case key.Matches(k, m.keys.Back):
		m.line = ""
		if m.state == result {
			m.state = scanning
		}
		return nil
	case key.Matches(k, m.keys.Delete):
		if m.line != "" {
			m.line = m.line[:len(m.line)-1]
		}
		return nil
	}
	if m.line == "" {
		switch {
		case key.Matches(k, m.keys.Preview):
			m.preview = !m.preview
			return nil
		case key.Matches(k, m.keys.Lang):
			m.switchLang()
			return nil
		case key.Matches(k, m.keys.Manual):
			return m.openForm(forManual)
		case key.Matches(k, m.keys.Admin):
			return m.openForm(forAdmin)
		case key.Matches(k, m.keys.Quit):
			return m.quit()
		}
	}
	if k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
		m.line += k.Text
	}
	return nil
}

// quit ends the program, through the PIN form in kiosk mode.
func (m *Model) quit() tea.Cmd {
	if m.o.Locked && m.o.PINs != nil {
		return m.openForm(forQuit)
	}
	m.o.Log.Info("quitting")
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
	m.state = manual
	return nil
}

func (m *Model) onFormKey(k tea.KeyPressMsg) tea.Cmd {
	f := &m.form
	if f.busy {
		return nil
	}
	switch {
	case key.Matches(k, m.keys.Back):
		m.state = scanning
	case key.Matches(k, m.keys.Interrupt):
		if m.form.purpose != forQuit {
			return m.quit()
		}
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
	if m.state != manual || msg.purpose != f.purpose {
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
		m.state, m.adminMenu = admin, adminMenu{staff: msg.staff}
	case forQuit:
		m.o.Log.Info("quitting", "staff", msg.staff)
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
	m.state = scanning
	return m.onOutcome(msg.out)
}
