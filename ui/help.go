package ui

// helpBody is the help overlay: the keys of the screen under it, in the
// screen's language.
func (m *Model) helpBody(w, h int) string {
	c, s := m.cat, m.styles
	lines := []string{s.title.Render(c.T("ui.help.title")), ""}
	row := func(k, label string) {
		lines = append(lines, "  "+s.key.Render(padRight(k, 7))+" "+c.T(label))
	}
	staff := func() {
		row("m", "ui.key.manual")
		row("a", "ui.key.admin")
		row("p", "ui.key.preview")
		row("l", "ui.help.lang")
		row("r", "ui.recent.help")
		row("s", "ui.stats.help")
		row("q", "ui.key.quit")
	}
	switch m.screen() {
	case manual:
		row("↑ ↓", "ui.key.choose")
		row("enter", "ui.key.next")
		if m.form.purpose == forManual {
			row("ctrl+r", "ui.key.refuse")
		}
		lines = append(lines, "", "  "+c.T("ui.help.not_typing"))
		staff()
	case admin:
		row("↑ ↓", "ui.key.choose")
		row("enter", "ui.key.select")
		staff()
	default:
		staff()
	}
	row("esc", "ui.help.esc")
	row("? f1", "ui.help.help")
	lines = append(lines, "", "  "+s.dim.Render(c.T("ui.help.wedge")), "  "+s.dim.Render(c.T("ui.help.close")))
	return m.box(w, h, lines)
}

// padRight pads s with spaces to n cells (keys are ASCII or arrows, one
// cell each).
func padRight(s string, n int) string {
	for i := len([]rune(s)); i < n; i++ {
		s += " "
	}
	return s
}
