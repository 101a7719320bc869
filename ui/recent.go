package ui

import (
	"strings"
	"time"
	"unicode"

	"charm.land/lipgloss/v2"

	"github.com/passgate/passgate/checkin"
)

// The recent-guests list: the last verdicts at this door, for staff
// asked "did my friend get in?". It keeps the first letters of a name
// only, never the name, the date of birth or the certificate: the screen
// faces the queue.

// recentMax is how many verdicts the list keeps.
const recentMax = 20

// guest is one line of the recent-guests list.
type guest struct {
	at       time.Time
	admitted bool
	waiting  bool // a 2G+ pass waiting for its companion
	repeat   bool // shown again within the window
	manual   bool
	reason   string
	initials string
}

// remember puts a verdict at the top of the list.
func (m *Model) remember(o checkin.Outcome) {
	g := guest{at: o.Time, admitted: o.Admitted, waiting: len(o.Needs) > 0, repeat: o.Duplicate, reason: o.Reason,
		manual: o.Manual != nil}
	switch {
	case o.Verdict != nil && o.Verdict.Pass != nil:
		p := o.Verdict.Pass
		family, given := p.FamilyName, p.GivenName
		if family == "" && given == "" {
			family, given = p.FamilyNameStd, p.GivenNameStd
		}
		g.initials = initials(family, given)
	case o.Manual != nil && o.Manual.Name != "":
		f := strings.Fields(o.Manual.Name)
		g.initials = initials(f[0], strings.Join(f[1:], " "))
	}
	if g.at.IsZero() {
		g.at = m.o.Now()
	}
	m.recent = append([]guest{g}, m.recent...)
	if len(m.recent) > recentMax {
		m.recent = m.recent[:recentMax]
	}
}

// initials are the first letters of a name, family name first: "김·" for
// a Hangul (or other CJK) name, whose family name is one letter that
// many share; "M. A." for Müller Anna. The "<" fillers of a
// standardised name separate words.
func initials(family, given string) string {
	first := func(s string) (rune, bool) {
		for _, r := range s {
			if unicode.IsLetter(r) {
				return r, true
			}
		}
		return 0, false
	}
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r == '<' || unicode.IsSpace(r) })
	}
	if r, ok := first(family); ok && isCJKRune(r) {
		return string(r) + "·"
	}
	var out []string
	for _, w := range append(split(family), split(given)...) {
		if r, ok := first(w); ok {
			out = append(out, string(unicode.ToUpper(r))+".")
		}
		if len(out) == 2 {
			break
		}
	}
	return strings.Join(out, " ")
}

func isCJKRune(r rune) bool {
	return unicode.In(r, unicode.Hangul, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// reasonText is a reason code in words: a refusal's, a manual entry's,
// else the code itself.
func (m *Model) reasonText(code string) string {
	c := m.cat
	for _, k := range []string{"reason." + code, "ui.manual_reason." + code, "ui.reason." + code} {
		if c.Has(k) {
			return c.T(k)
		}
	}
	return code
}

// recentBody is the list, newest first.
func (m *Model) recentBody(w, h int) string {
	c, s := m.cat, m.styles
	lines := []string{s.title.Render(c.T("ui.recent.title")), ""}
	if len(m.recent) == 0 {
		lines = append(lines, "  "+s.dim.Render(c.T("ui.recent.none")))
	}
	tm := m.times()
	// The title, a blank line and the note below take four lines.
	room := max(1, h-4)
	for i, g := range m.recent {
		if i == room {
			break
		}
		mark, word := "✗", c.T("ui.recent.refused")
		switch {
		case g.waiting:
			mark, word = "+", c.T("ui.recent.waiting")
		case g.admitted:
			mark, word = "✓", c.T("ui.recent.admitted")
		}
		clock := tm.In(g.at).Format("15:04:05")
		name := g.initials
		if name == "" {
			name = "—"
		}
		why := ""
		switch {
		case g.repeat:
			why = c.T("ui.recent.repeat")
		case g.manual:
			why = c.T("ui.recent.manual", m.reasonText(g.reason))
		case g.reason != "" && !g.admitted:
			why = m.reasonText(g.reason)
		}
		line := "  " + clock + "  " + mark + " " + padCells(word, 10) + " " + padCells(name, 6) + " " + why
		lines = append(lines, line)
	}
	lines = append(lines, "", "  "+s.dim.Render(c.T("ui.recent.privacy")))
	return m.box(w, h, lines)
}

// padCells pads s with spaces to n cells (Hangul takes two).
func padCells(s string, n int) string {
	for w := lipgloss.Width(s); w < n; w++ {
		s += " "
	}
	return s
}
