package ui

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/internal/presets"
)

// The admin menu's handlers. What asks the kiosk (stats, devices, camera
// switch, purge) runs in a Cmd, with the menu busy until the answer;
// every action is logged with the staff id that opened the menu.

func (m *Model) onAdminKey(k tea.KeyPressMsg) tea.Cmd {
	a := &m.adminMenu
	if a.busy {
		return nil
	}
	if a.picking {
		return m.onCameraKey(k)
	}
	items := m.adminItems()
	switch {
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
			a.busy, a.info = true, waitingInfo
			return listCameras(m.o.Cameras)
		case itemPolicy:
			m.nextPolicy()
		case itemSync:
			return m.syncNow()
		case itemPurge:
			a.busy, a.info = true, m.cat.T("ui.admin.purging")
			return purge(m.o.Purge)
		case itemStats:
			if m.o.Stats == nil {
				a.info = m.cat.T("ui.admin.no_stats")
				break
			}
			a.busy, a.info = true, waitingInfo
			return stats(m.o.Stats)
		case itemQuit:
			m.o.Log.Info("quitting", "staff", a.staff)
			m.audit(checkin.AuditQuit, a.staff, "")
			m.quitting = true
			return tea.Quit
		case itemBack:
			m.state = scanning
		}
	}
	return nil
}

// onCameraKey: the device list of "camera"; Enter takes the device (Esc,
// as everywhere, goes back to scanning).
func (m *Model) onCameraKey(k tea.KeyPressMsg) tea.Cmd {
	a := &m.adminMenu
	n := len(a.cams)
	switch {
	case key.Matches(k, m.keys.Up):
		a.camCursor = (a.camCursor + n - 1) % n
	case key.Matches(k, m.keys.Down):
		a.camCursor = (a.camCursor + 1) % n
	case key.Matches(k, m.keys.Enter):
		a.picking, a.busy, a.info, a.infoErr = false, true, waitingInfo, false
		return setCamera(m.o.SetCamera, a.cams[a.camCursor])
	}
	return nil
}

// onCameras shows the device list to choose from.
func (m *Model) onCameras(msg camerasMsg) {
	a := &m.adminMenu
	a.busy, a.info = false, ""
	a.cams = msg.devices
	if len(a.cams) == 0 {
		a.info = m.cat.T("ui.admin.no_cameras")
		return
	}
	a.picking, a.camCursor = true, 0
}

// onCameraSet shows whether the kiosk took the device.
func (m *Model) onCameraSet(msg cameraSetMsg) {
	a := &m.adminMenu
	a.busy = false
	if msg.err != nil {
		m.o.Log.Error("camera switch failed", "staff", a.staff, "device", msg.device, "err", msg.err)
		a.info, a.infoErr = m.cat.T("ui.admin.camera_failed", msg.device, msg.err), true
		return
	}
	m.o.Log.Info("camera switched", "staff", a.staff, "device", msg.device)
	m.audit(checkin.AuditCameraSet, a.staff, msg.device)
	a.info = m.cat.T("ui.admin.camera_set", msg.device)
}

// waitingInfo stands under the menu while the kiosk answers.
const waitingInfo = "…"

// nextPolicy moves the desk to the next preset: the bundle's policy, then
// each built-in preset in turn.
func (m *Model) nextPolicy() {
	choices := policyChoices()
	i := slices.Index(choices, m.policy) // -1 for a policy not among them
	name := choices[(i+1)%len(choices)]
	if name == "" {
		m.o.Kiosk.Desk.SetPolicy(nil)
	} else {
		p, err := presets.Load(name)
		if err != nil {
			m.o.Log.Error("policy change failed", "staff", m.adminMenu.staff, "policy", name, "err", err)
			m.adminMenu.info, m.adminMenu.infoErr = err.Error(), true
			return
		}
		m.o.Kiosk.Desk.SetPolicy(p)
	}
	policy := name
	if policy == "" {
		policy = "bundle" // the bundle's own
	}
	m.o.Log.Info("policy changed", "staff", m.adminMenu.staff, "policy", policy)
	m.audit(checkin.PolicySet(name), m.adminMenu.staff, "")
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
		m.o.Log.Error("purge failed", "staff", a.staff, "err", msg.err)
		a.info, a.infoErr = m.cat.T("ui.admin.purge_failed", msg.err), true
		return
	}
	m.o.Log.Info("register purged", "staff", a.staff, "purged", msg.purged, "kept", msg.kept)
	m.audit(checkin.Purged(msg.purged), a.staff, fmt.Sprintf("kept %d not yet at the hub", msg.kept))
	a.info = m.cat.T("ui.admin.purged", msg.purged, msg.kept)
}
