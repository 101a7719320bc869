package ui

import tea "charm.land/bubbletea/v2"

// SyncReport is what one "sync now" round did, for the admin menu.
type SyncReport struct {
	// Pushed is how many entries the hub took; Waiting how many it has
	// not yet (refused or left for the next round).
	Pushed, Waiting int
	// Updated: a newer trust bundle was taken into use, Sequence.
	Updated  bool
	Sequence uint64
	// Err is why the round failed (the hub out of reach, say); what
	// went before it still counts.
	Err error
}

// syncMsg is the answer of a "sync now" round.
type syncMsg struct{ r SyncReport }

// syncRound runs one round with the hub (it may take seconds).
func syncRound(f func() SyncReport) tea.Cmd {
	return func() tea.Msg { return syncMsg{r: f()} }
}

// syncNow is the admin menu's "sync now": a round whose result the menu
// shows, or a request to the uplink when only that is offered.
func (m *Model) syncNow() tea.Cmd {
	a := &m.adminMenu
	m.o.Log.Info("sync requested", "staff", a.staff)
	if m.o.SyncRound == nil {
		m.o.SyncNow()
		a.info = m.cat.T("ui.admin.sync_requested")
		return nil
	}
	a.busy, a.info = true, m.cat.T("ui.sync.running")
	return syncRound(m.o.SyncRound)
}

// onSync shows what the round did: the entries pushed, the bundle, or
// the error in words.
func (m *Model) onSync(msg syncMsg) {
	a, c, r := &m.adminMenu, m.cat, msg.r
	a.busy = false
	bundle := c.T("ui.sync.bundle_same")
	if r.Updated {
		bundle = c.T("ui.sync.bundle_new", r.Sequence)
	}
	text := c.T("ui.sync.done", r.Pushed, r.Waiting) + " · " + bundle
	if r.Err != nil {
		m.o.Log.Warn("sync now failed", "staff", a.staff, "err", r.Err)
		a.info, a.infoErr = c.T("ui.sync.failed", r.Err)+" · "+c.T("ui.sync.done", r.Pushed, r.Waiting), true
		return
	}
	m.o.Log.Info("sync now done", "staff", a.staff, "pushed", r.Pushed, "waiting", r.Waiting, "bundle_updated", r.Updated)
	a.info, a.infoErr = text, false
}
