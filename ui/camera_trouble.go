package ui

import (
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/passgate/passgate/camera"
)

// cameraTrouble reports whether the camera is lost or cannot be opened:
// the scanning screen then says what is wrong and what to try instead of
// asking for a QR code the camera cannot see.
func (m *Model) cameraTrouble() bool {
	if m.kioskErr != nil {
		return true
	}
	return m.camera != nil && (m.camera.State == camera.Lost || m.camera.State == camera.Stopped)
}

// troubleBody is the camera-trouble screen: what is wrong, what to try,
// and that the barcode scanner and manual entry still work.
func (m *Model) troubleBody(w, h int) string {
	c, s := m.cat, m.styles
	lines := []string{s.bad.Render(c.T("ui.trouble.title")), ""}
	var why error
	device := ""
	if m.camera != nil {
		why, device = m.camera.Err, m.camera.Device
	}
	if m.kioskErr != nil {
		why = m.kioskErr
	}
	switch {
	case device != "" && why != nil:
		lines = append(lines, "  "+c.T("ui.trouble.device_err", device, why))
	case device != "":
		lines = append(lines, "  "+c.T("ui.trouble.device", device))
	case why != nil:
		lines = append(lines, "  "+c.T("ui.trouble.err", why))
	}
	if m.camera != nil && m.camera.State == camera.Lost {
		lines = append(lines, "  "+s.dim.Render(c.T("ui.trouble.retrying")))
	}
	lines = append(lines, "", "  "+s.prompt.Render(c.T("ui.trouble.try")),
		"   1. "+c.T("ui.trouble.plug"),
		"   2. "+c.T("ui.trouble.devices"),
		"   3. "+c.T("ui.trouble.group"),
		"      "+c.T("ui.trouble.group_how"),
		"   4. "+c.T("ui.trouble.other"),
		"", "  "+s.ok.Render(c.T("ui.trouble.still")),
		"  "+c.T("ui.trouble.manual"))
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w-2, "…")
	}
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, lipgloss.JoinVertical(lipgloss.Left, lines...))
}
