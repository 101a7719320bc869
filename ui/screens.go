package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/internal/words"
)

// The parts of the screen, as strings; view.go puts them together.

// spread puts left and right on one line of width w.
func spread(left, right string, w int) string {
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return ansi.Truncate(left+" "+right, w, "…")
	}
	return left + strings.Repeat(" ", gap) + right
}

// header: venue and clock, then the trust, upload and link status.
func (m *Model) header() string {
	s, c := m.styles, m.cat
	left := " " + s.venue.Render(m.o.Venue)
	if m.o.Demo {
		left = " " + s.demo.Render(c.T("ui.demo")) + left
	}
	clockOK := m.o.Clock == nil || m.o.Clock().Trusted
	clock := m.times().Clock(m.now)
	if !clockOK {
		clock = s.bad.Render(c.T("clock.wrong")+": "+c.T("clock.fix")) + " " + clock
	}
	line1 := spread(left, clock+" ", m.width)

	var parts []string
	b := m.o.Trust()
	switch {
	case b == nil:
		parts = append(parts, s.bad.Render(c.T("ui.trust_none")))
	case !clockOK: // its age by a wrong clock would be a lie ("fresh" at 1970)
		parts = append(parts, s.warn.Render(c.T("clock.trust_unknown")))
	case m.now.After(b.ValidUntil().Add(expiredAfter)):
		parts = append(parts, s.bad.Render(c.T("ui.trust_expired", m.duration(m.now.Sub(b.ValidUntil())))))
	case b.Expired(m.now):
		parts = append(parts, s.warn.Render(c.T("ui.trust_stale", m.duration(m.now.Sub(b.Info().IssuedAt)))))
	default:
		parts = append(parts, s.ok.Render(c.T("ui.trust_age", m.duration(m.now.Sub(b.Info().IssuedAt)))))
	}
	if st := m.sync; st != nil {
		parts = append(parts, c.T("ui.waiting", st.Waiting))
		if st.Online {
			parts = append(parts, s.ok.Render(c.T("ui.online")))
		} else {
			parts = append(parts, s.warn.Render(c.T("ui.offline")))
		}
	} else {
		parts = append(parts, s.dim.Render(c.T("ui.no_hub")))
	}
	line2 := spread(" "+strings.Join(parts, " · "), m.cameraText()+" ", m.width)
	return s.header.Width(m.width).Render(line1 + "\n" + line2)
}

func (m *Model) cameraText() string {
	c := m.cat
	if m.kioskErr != nil {
		return m.styles.bad.Render(c.T("ui.camera_stopped"))
	}
	if m.camera == nil {
		return m.styles.dim.Render(c.T("ui.camera_connecting"))
	}
	switch m.camera.State {
	case camera.Streaming:
		return m.styles.ok.Render(c.T("ui.camera_on"))
	case camera.Lost:
		return m.styles.bad.Render(c.T("ui.camera_lost"))
	case camera.Stopped:
		return m.styles.bad.Render(c.T("ui.camera_stopped"))
	}
	return m.styles.dim.Render(c.T("ui.camera_connecting"))
}

// duration says how long, roughly: minutes, hours or days.
func (m *Model) duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return m.cat.T("ui.age.seconds", max(0, int(d.Seconds()+0.5)))
	case d < time.Hour:
		return m.cat.T("ui.age.minutes", int(d.Minutes()))
	case d < 48*time.Hour:
		return m.cat.T("ui.age.hours", int(d.Hours()))
	}
	return m.cat.T("ui.age.days", int(d.Hours()/24))
}

// footer: the counts and the scanner line, then the keys.
func (m *Model) footer() string {
	s, c := m.styles, m.cat
	counts := " " + c.T("ui.counts", m.counts.Admitted, m.counts.Refused, m.counts.Manual)
	var typed string
	if l := m.wedge.line; m.wedge.scanning() {
		typed = c.T("ui.typed", ansi.TruncateLeft(l, max(0, len(l)-24), "…")) + " "
	}
	var keys []string
	add := func(k, label string) { keys = append(keys, s.key.Render(k)+" "+c.T(label)) }
	help := "?"
	if m.focused() != nil {
		help = "f1"
	}
	switch {
	case m.help:
		add("esc", "ui.key.scan")
	case m.state == manual:
		add("↑↓", "ui.key.choose")
		add("enter", "ui.key.next")
		if m.form.purpose == forManual {
			add("ctrl+r", "ui.key.refuse")
		}
		add("esc", "ui.key.cancel")
		add(help, "ui.key.help")
	case m.state == admin:
		add("↑↓", "ui.key.choose")
		add("enter", "ui.key.select")
		add("esc", "ui.key.back")
		add(help, "ui.key.help")
	case m.state == recentView || m.state == statsView:
		add("r", "ui.recent.key")
		add("s", "ui.stats.key")
		add("esc", "ui.key.scan")
		add(help, "ui.key.help")
	case m.state == result && m.under != scanning:
		add("esc", "ui.key.scan")
		add(help, "ui.key.help")
		keys = append(keys, s.dim.Render(c.T("ui.form_waits")))
	default:
		add("m", "ui.key.manual")
		add("a", "ui.key.admin")
		add("p", "ui.key.preview")
		add("l", "ui.key.lang")
		add("r", "ui.recent.key")
		add("s", "ui.stats.key")
		add("q", "ui.key.quit")
		add(help, "ui.key.help")
	}
	return s.footer.Render(spread(counts, typed, m.width) + "\n" + ansi.Truncate(" "+strings.Join(keys, "  "), m.width, "…"))
}

// scanningBody: the preview, when on and there is room, above the
// instructions.
func (m *Model) scanningBody(w, h int) string {
	prompt := lipgloss.NewStyle().Bold(true).Render(m.cat.T("ui.scan_prompt"))
	if m.preview && m.thumb != nil && w >= 40 && h >= 10 {
		cols, rows := m.thumb.fit(w-4, h-2)
		pic := m.thumb.render(cols, rows, m.styles.outline)
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, lipgloss.JoinVertical(lipgloss.Center, pic, "", prompt))
	}
	lines := []string{prompt}
	if m.preview && m.thumb == nil {
		lines = append(lines, "", m.styles.dim.Render(m.cat.T("ui.no_preview")))
	}
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, lipgloss.JoinVertical(lipgloss.Center, lines...))
}

// banner: the verdict over the whole body, for reading from two metres:
// a ✓, ✗ or + shape and the verdict word in block letters (so colour is
// never the only signal), the verdict in both languages, the holder's
// name in bold, the reason in one sentence, then the details.
func (m *Model) banner(w, h int) string {
	o, c, s := m.outcome, m.cat, m.styles
	style, title, word, symbol, mark := s.refuse, c.T("ui.refuse"), c.T("ui.big.refuse"), crossMark, "✗"
	switch {
	case o.Admitted:
		style, title, word, symbol, mark = s.admit, c.T("ui.admit"), c.T("ui.big.admit"), checkMark, "✓"
	case len(o.Needs) > 0:
		style, title, word, symbol, mark = s.wait, c.T("ui.wait"), c.T("ui.big.wait"), plusMark, "+"
	}
	lines := []string{title}
	if o.Verdict != nil && o.Verdict.Pass != nil {
		lines = append(lines, lipgloss.NewStyle().Bold(true).Render(words.Name(o.Verdict.Pass)))
	}
	switch {
	case o.Duplicate && o.OtherDoor != "":
		lines = append(lines, c.T("ui.duplicate_other_door", o.OtherDoor))
	case o.Duplicate:
		lines = append(lines, c.T("ui.duplicate"))
	case o.Manual != nil:
		lines = append(lines, c.T("ui.manual_by", c.T("ui.manual_reason."+o.Manual.Reason), o.Manual.Staff))
		if o.Manual.Note != "" {
			lines = append(lines, o.Manual.Note)
		}
	case o.Reason == checkin.ReasonNoTrust:
		lines = append(lines, c.T("ui.no_trust"))
	case !o.Admitted && o.Verdict != nil:
		lines = append(lines, words.Refusal(c, o.Verdict))
	}
	if o.Verdict != nil && o.Verdict.Pass != nil {
		p := o.Verdict.Pass
		tm := m.times()
		lines = append(lines, "", fmt.Sprintf("%s: %s", c.T("label.dob"), tm.DateText(p.DateOfBirth)), tm.Facts(p))
	}
	var warnings []string
	if o.Stale || o.Reason == checkin.ReasonNoTrust {
		warnings = append(warnings, c.T("ui.stale"))
	}
	if o.RecordErr != nil {
		warnings = append(warnings, c.T("ui.not_recorded"))
	}
	for _, wn := range warnings {
		lines = append(lines, "", s.caution.Render(wn))
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w-2, "…")
	}
	// The block letters take what the text leaves: a blank line above
	// and below them.
	big, ok := bigVerdict(symbol, word, w-2, h-len(lines)-2)
	if !ok {
		big = []string{lipgloss.NewStyle().Bold(true).Render(mark + "  " + word)}
	}
	body := append(append(big, ""), lines...)
	return style.Width(w).Height(h).Align(lipgloss.Center, lipgloss.Center).Render(strings.Join(body, "\n"))
}

// expiredAfter is how long past its valid-until a bundle is shown as
// stale (amber) before the header calls it expired (red): staff should
// then check passes by hand.
const expiredAfter = 7 * 24 * time.Hour

// times writes times in the screen's language and the kiosk's zone.
func (m *Model) times() words.Times {
	loc := m.o.Location
	if loc == nil {
		loc = m.now.Location()
	}
	return words.NewTimes(m.cat, loc)
}
