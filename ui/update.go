package ui

import (
	"errors"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/verify"
)

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, nil
	case tickMsg:
		return m, m.onTick()
	case outcomeMsg:
		return m, tea.Batch(m.onOutcome(msg.out), m.next())
	case previewMsg:
		m.thumb = msg.t
		return m, m.next()
	case cameraMsg:
		st := camera.Status(msg)
		m.camera = &st
		return m, m.next()
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

// next re-issues the wait for the kiosk's stream, from the handlers of its
// messages only (the stream is fed in one at a time).
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
	return clearAfter(m.o.ClearAfter, m.seq)
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
		m.state, m.adminMenu = admin, adminMenu{}
	case forQuit:
		m.quitting = true
		return tea.Quit
	}
	return nil
}

func (m *Model) onManual(msg manualMsg) tea.Cmd {
	m.form.busy = false
	if msg.err != nil {
		m.form.msg, m.form.args = "ui.form.failed", []any{errors.Unwrap(msg.err)}
		if errors.Unwrap(msg.err) == nil {
			m.form.args = []any{msg.err}
		}
		m.form.field = fieldReason
		return nil
	}
	m.state = scanning
	return m.onOutcome(msg.out)
}

func (m *Model) onAdminKey(k tea.KeyPressMsg) tea.Cmd {
	a := &m.adminMenu
	if a.busy {
		return nil
	}
	if a.picking {
		m.onCameraKey(k)
		return nil
	}
	items := m.adminItems()
	switch {
	case key.Matches(k, m.keys.Back):
		m.state = scanning
	case key.Matches(k, m.keys.Up):
		a.cursor = (a.cursor + len(items) - 1) % len(items)
	case key.Matches(k, m.keys.Down):
		a.cursor = (a.cursor + 1) % len(items)
	case key.Matches(k, m.keys.Enter):
		a.info, a.infoErr = "", false
		switch items[a.cursor] {
		case itemLang:
			m.switchLang()
		case itemCamera:
			a.cams = m.o.Cameras()
			if len(a.cams) == 0 {
				a.info = m.cat.T("ui.admin.no_cameras")
				break
			}
			a.picking, a.camCursor = true, 0
		case itemPolicy:
			m.nextPolicy()
		case itemSync:
			m.o.SyncNow()
			a.info = m.cat.T("ui.admin.sync_requested")
		case itemPurge:
			a.busy, a.info = true, m.cat.T("ui.admin.purging")
			return purge(m.o.Purge)
		case itemStats:
			a.info = m.cat.T("ui.admin.no_stats")
			if m.o.Stats != nil {
				a.info = m.o.Stats()
			}
		case itemQuit:
			m.quitting = true
			return tea.Quit
		case itemBack:
			m.state = scanning
		}
	}
	return nil
}

// onCameraKey: the device list of "camera"; Enter takes the device, Esc
// goes back to the menu.
func (m *Model) onCameraKey(k tea.KeyPressMsg) {
	a := &m.adminMenu
	n := len(a.cams)
	switch {
	case key.Matches(k, m.keys.Back):
		a.picking = false
	case key.Matches(k, m.keys.Up):
		a.camCursor = (a.camCursor + n - 1) % n
	case key.Matches(k, m.keys.Down):
		a.camCursor = (a.camCursor + 1) % n
	case key.Matches(k, m.keys.Enter):
		dev := a.cams[a.camCursor]
		a.picking = false
		if err := m.o.SetCamera(dev); err != nil {
			a.info, a.infoErr = m.cat.T("ui.admin.camera_failed", dev, err), true
			return
		}
		a.info = m.cat.T("ui.admin.camera_set", dev)
	}
}

// nextPolicy moves the desk to the next preset: the bundle's policy, then
// each built-in preset in turn.
func (m *Model) nextPolicy() {
	choices := policyChoices()
	i := slices.Index(choices, m.policy) // -1 for a policy not among them
	name := choices[(i+1)%len(choices)]
	if name == "" {
		m.o.Kiosk.Desk.SetPolicy(nil)
	} else {
		p, err := verify.Preset(name)
		if err != nil {
			m.adminMenu.info, m.adminMenu.infoErr = err.Error(), true
			return
		}
		m.o.Kiosk.Desk.SetPolicy(&p)
	}
	m.policy = name
	m.adminMenu.info = m.cat.T("ui.admin.policy_set", m.policyName())
}

// policyName is the policy in use, for people.
func (m *Model) policyName() string {
	if m.policy == "" {
		return m.cat.T("ui.admin.policy_bundle")
	}
	return m.policy
}

// onPurge shows what the purge did.
func (m *Model) onPurge(msg purgeMsg) {
	a := &m.adminMenu
	a.busy = false
	if msg.err != nil {
		a.info, a.infoErr = m.cat.T("ui.admin.purge_failed", msg.err), true
		return
	}
	a.info = m.cat.T("ui.admin.purged", msg.purged, msg.kept)
}
