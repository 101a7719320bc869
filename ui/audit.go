package ui

// audit tells Options.Audit of a staff action, when it is set.
func (m *Model) audit(event, staff, detail string) {
	if m.o.Audit != nil {
		m.o.Audit(event, staff, detail)
	}
}
