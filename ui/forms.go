package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/passgate/passgate/checkin"
)

// formBody draws the manual form or a PIN prompt.
func (m *Model) formBody(w, h int) string {
	f, c, s := &m.form, m.cat, m.styles
	var lines []string
	title := map[purpose]string{forManual: "ui.form.manual_title", forAdmin: "ui.form.admin_title", forQuit: "ui.form.quit_title"}[f.purpose]
	lines = append(lines, s.title.Render(c.T(title)), "")
	field := func(fl field, label, value string) string {
		mark := "  "
		if f.field == fl {
			mark = "▸ "
			value = s.input.Render(value + "_")
		}
		return mark + s.prompt.Render(c.T(label)) + " " + value
	}
	if f.purpose == forManual {
		lines = append(lines, "  "+s.prompt.Render(c.T("ui.form.reason")))
		for i, r := range checkin.ManualReasons() {
			item := "    " + c.T("ui.manual_reason."+r)
			if i == f.reason {
				item = "  " + s.selected.Render("› "+c.T("ui.manual_reason."+r)+" ")
			}
			lines = append(lines, item)
		}
		if f.reasonCode() == checkin.ReasonOther {
			lines = append(lines, field(fieldNote, "ui.form.note", f.note))
		}
		if f.contact {
			lines = append(lines, field(fieldName, "ui.form.name", f.name), field(fieldDOB, "ui.form.dob", f.dob))
		}
		decision := c.T("ui.form.admitted")
		if f.refused {
			decision = c.T("ui.form.refused")
		}
		lines = append(lines, "  "+s.prompt.Render(c.T("ui.form.decision"))+" "+decision)
	}
	lines = append(lines,
		field(fieldStaff, "ui.form.staff", f.staff),
		field(fieldPIN, "ui.form.pin", strings.Repeat("•", len([]rune(f.pin)))))
	if m.o.DemoStaff != "" {
		lines = append(lines, "", s.dim.Render(c.T("ui.form.demo_staff", m.o.DemoStaff)))
	}
	if f.busy {
		lines = append(lines, "", s.dim.Render(c.T("ui.form.checking")))
	}
	if f.msg != "" {
		lines = append(lines, "", s.errMsg.Render(c.T(f.msg, f.args...)))
	}
	return m.box(w, h, lines)
}

// adminBody draws the admin menu, or its camera list.
func (m *Model) adminBody(w, h int) string {
	a, c, s := &m.adminMenu, m.cat, m.styles
	lines := []string{s.title.Render(c.T("ui.admin.title")), ""}
	choice := func(selected bool, label string) string {
		if selected {
			return "  " + s.selected.Render("› "+label+" ")
		}
		return "    " + label
	}
	if a.picking {
		lines = append(lines, "  "+s.prompt.Render(c.T("ui.admin.camera_choose")))
		for i, dev := range a.cams {
			lines = append(lines, choice(i == a.camCursor, dev))
		}
		return m.box(w, h, lines)
	}
	for i, it := range m.adminItems() {
		var label string
		switch it {
		case itemLang:
			label = c.T("ui.admin.lang", c.T("ui.lang_name"))
		case itemCamera:
			label = c.T("ui.admin.camera")
		case itemPolicy:
			label = c.T("ui.admin.policy", m.policyName())
		case itemSync:
			label = c.T("ui.admin.sync")
		case itemPurge:
			label = c.T("ui.admin.purge")
		case itemStats:
			label = c.T("ui.admin.stats")
		case itemQuit:
			label = c.T("ui.admin.quit")
		case itemBack:
			label = c.T("ui.admin.back")
		}
		lines = append(lines, choice(i == a.cursor, label))
	}
	if a.info != "" {
		lines = append(lines, "")
		for _, l := range strings.Split(strings.TrimRight(a.info, "\n"), "\n") {
			if a.infoErr {
				l = s.errMsg.Render(l)
			}
			lines = append(lines, "  "+l)
		}
	}
	return m.box(w, h, lines)
}

// box places lines, left-aligned as a block, in the middle of w×h.
func (m *Model) box(w, h int, lines []string) string {
	widest := 0
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w-2, "…")
		widest = max(widest, lipgloss.Width(lines[i]))
	}
	for i, l := range lines {
		lines[i] = l + strings.Repeat(" ", widest-lipgloss.Width(l))
	}
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, strings.Join(lines, "\n"))
}
