package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// View draws the screen: header, body by state, footer, exactly the
// terminal's size.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "passgate"
	if m.quitting {
		return v
	}
	v.SetContent(m.render())
	return v
}

// render is the screen's content; tests compare it with golden files.
func (m *Model) render() string {
	w, h := m.width, m.height
	if m.tooSmall() {
		return fit(m.smallBody(), max(1, w), max(1, h))
	}
	body := max(0, h-4)
	var mid string
	switch {
	case m.help:
		mid = m.helpBody(w, body)
	case m.state == result:
		if m.outcome != nil {
			mid = m.banner(w, body)
			break
		}
		mid = m.scanningBody(w, body)
	case m.state == manual:
		mid = m.formBody(w, body)
	case m.state == admin:
		mid = m.adminBody(w, body)
	case m.state == recentView:
		mid = m.recentBody(w, body)
	case m.state == statsView:
		mid = m.statsBody(w, body)
	case m.cameraTrouble():
		mid = m.troubleBody(w, body)
	default:
		mid = m.scanningBody(w, body)
	}
	return fit(m.header()+"\n"+fit(mid, w, body)+"\n"+m.footer(), w, h)
}

// fit cuts or pads s to exactly h lines of at most w cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}
