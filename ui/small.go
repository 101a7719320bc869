package ui

import (
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The smallest terminal the screens are laid out for: below it the
// manual form's fields and the footer's keys would be cut without a
// word, so the screen asks for a bigger window instead. The keys still
// work (q quits, a pass is still read).
const minWidth, minHeight = 80, 24

// tooSmall reports whether the terminal is below minWidth×minHeight.
func (m *Model) tooSmall() bool { return m.width < minWidth || m.height < minHeight }

// smallBody asks for a bigger window, in the screen's language, with the
// size it has now.
func (m *Model) smallBody() string {
	c, s := m.cat, m.styles
	lines := []string{
		s.bad.Render(c.T("ui.small.title", minWidth, minHeight)),
		c.T("ui.small.now", m.width, m.height),
		"",
		s.key.Render("q") + " " + c.T("ui.key.quit") + "  " + s.key.Render("l") + " " + c.T("ui.key.lang"),
	}
	if m.state == result && m.outcome != nil {
		word := c.T("ui.refuse")
		switch {
		case m.outcome.Admitted:
			word = c.T("ui.admit")
		case len(m.outcome.Needs) > 0:
			word = c.T("ui.wait")
		}
		lines = append([]string{s.prompt.Render(word), ""}, lines...)
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, max(1, m.width), "…")
	}
	return lipgloss.Place(max(1, m.width), max(1, m.height), lipgloss.Center, lipgloss.Center,
		lipgloss.JoinVertical(lipgloss.Center, lines...))
}
