package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// The statistics screen: today's guests by hour as a small bar chart, by
// outcome and by reason, for staff and owners. The figures come from the
// register's counters (Options.Figures), read in a Cmd when the screen
// opens: they stay right after a restart and after old entries are
// purged.

// Tally is a count of entries by outcome.
type Tally struct {
	Admitted, Refused int
	// Manual counts the manual entries among them.
	Manual int
}

// Figures are the register's counters for the statistics screen.
type Figures struct {
	// Today is the current day in the kiosk's zone; Hours splits it by
	// the hour it began in (Hours[9] is 09:00 to 10:00).
	Today Tally
	Hours [24]Tally
	// Reasons counts today's entries by reason code (refusals' and
	// manual entries').
	Reasons map[string]int
}

// figuresMsg is the register's answer for the statistics screen.
type figuresMsg struct {
	f   Figures
	err error
}

// figures reads the register's counters (a read transaction).
func figures(f func() (Figures, error)) tea.Cmd {
	return func() tea.Msg {
		fg, err := f()
		return figuresMsg{f: fg, err: err}
	}
}

// openStats shows the statistics screen and asks for the figures.
func (m *Model) openStats() tea.Cmd {
	m.setScreen(statsView)
	m.figures, m.figuresErr, m.figuresBusy = nil, nil, m.o.Figures != nil
	if m.o.Figures == nil {
		return nil
	}
	return figures(m.o.Figures)
}

func (m *Model) onFigures(msg figuresMsg) {
	m.figuresBusy = false
	if msg.err != nil {
		m.o.Log.Error("register figures failed", "err", msg.err)
		m.figuresErr = msg.err
		return
	}
	m.figures = &msg.f
}

// chartRows is the height of the bar chart, in lines of eighths.
const chartRows = 4

// bars are the eighths of a cell, from none to full.
var bars = []rune(" ▁▂▃▄▅▆▇█")

// chart draws the hours as columns two cells apart, with the hours
// below: every sixth one is labelled.
func chart(hours [24]Tally) []string {
	top := 0
	for _, t := range hours {
		top = max(top, t.Admitted+t.Refused)
	}
	rows := make([]string, chartRows)
	for r := range chartRows {
		var b strings.Builder
		for _, t := range hours {
			n := t.Admitted + t.Refused
			// The eighths this hour fills, of chartRows*8; any guest shows.
			eighths := 0
			if top > 0 && n > 0 {
				eighths = max(1, n*chartRows*8/top)
			}
			fill := min(8, max(0, eighths-(chartRows-1-r)*8))
			b.WriteRune(bars[fill])
			b.WriteRune(' ')
		}
		rows[r] = strings.TrimRight(b.String(), " ")
	}
	axis := []byte(strings.Repeat(" ", 48))
	for h := 0; h < 24; h += 6 {
		copy(axis[2*h:], fmt.Sprintf("%02d", h))
	}
	copy(axis[46:], "23")
	return append(rows, string(axis))
}

// statsBody is the statistics screen.
func (m *Model) statsBody(w, h int) string {
	c, s := m.cat, m.styles
	lines := []string{s.title.Render(c.T("ui.stats.title")), ""}
	switch {
	case m.o.Figures == nil:
		lines = append(lines, "  "+c.T("ui.admin.no_stats"))
		return m.box(w, h, lines)
	case m.figuresErr != nil:
		lines = append(lines, "  "+s.errMsg.Render(c.T("ui.stats.failed", m.figuresErr)))
		return m.box(w, h, lines)
	case m.figures == nil:
		lines = append(lines, "  "+waitingInfo)
		return m.box(w, h, lines)
	}
	f := m.figures
	lines = append(lines, "  "+s.prompt.Render(c.T("ui.stats.by_hour")))
	for _, l := range chart(f.Hours) {
		lines = append(lines, "  "+l)
	}
	lines = append(lines, "",
		"  "+c.T("ui.stats.outcome", f.Today.Admitted+f.Today.Refused, f.Today.Admitted, f.Today.Refused),
		"  "+c.T("ui.stats.manual", f.Today.Manual))
	type count struct {
		code string
		n    int
	}
	var reasons []count
	for code, n := range f.Reasons {
		if n > 0 {
			reasons = append(reasons, count{code, n})
		}
	}
	slices.SortFunc(reasons, func(a, b count) int { return cmp.Or(b.n-a.n, strings.Compare(a.code, b.code)) })
	lines = append(lines, "", "  "+s.prompt.Render(c.T("ui.stats.by_reason")))
	if len(reasons) == 0 {
		lines = append(lines, "    "+s.dim.Render(c.T("ui.stats.no_reasons")))
	}
	// What the screen cannot hold is summed up on the last line.
	room := max(1, h-len(lines))
	for i, r := range reasons {
		if i == room-1 && len(reasons) > room {
			rest := 0
			for _, o := range reasons[i:] {
				rest += o.n
			}
			lines = append(lines, fmt.Sprintf("    %4d  %s", rest, c.T("ui.stats.other_reasons", len(reasons)-i)))
			break
		}
		lines = append(lines, fmt.Sprintf("    %4d  %s", r.n, m.reasonText(r.code)))
	}
	return m.box(w, h, lines)
}
