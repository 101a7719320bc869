package ui

import (
	"strings"
	"testing"

	"github.com/passgate/passgate/checkin"
)

// auditTo records what m tells Options.Audit.
func auditTo(m *Model) *[]string {
	var got []string
	m.o.Audit = func(event, staff, detail string) {
		got = append(got, strings.TrimSpace(event+" "+staff+" "+detail))
	}
	return &got
}

// TestAudit: each staff action is told to Options.Audit once, with the
// staff id, in the order done; a manual entry is an entry of its own and
// no event.
func TestAudit(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, tracingBundle(t))
	got := auditTo(m)
	press(m, "m", "enter", "홍 길동", "enter", "1990-03-01", "enter", "kim", "enter", "1234", "enter")
	if m.outcome == nil || m.outcome.Manual == nil {
		t.Fatalf("no manual entry: state %v", m.state)
	}
	openAdmin(t, m, itemPolicy)
	press(m, "enter", "esc")
	openAdmin(t, m, itemCamera)
	press(m, "enter", "enter", "esc")
	openAdmin(t, m, itemPurge)
	press(m, "enter", "esc")
	openAdmin(t, m, itemQuit)
	press(m, "enter")
	want := []string{
		checkin.AuditAdminOpen + " kim",
		checkin.PolicySet(policyChoices()[1]) + " kim",
		checkin.AuditAdminOpen + " kim",
		checkin.AuditCameraSet + " kim video0;video0",
		checkin.AuditAdminOpen + " kim",
		checkin.Purged(7) + " kim kept 2 not yet at the hub",
		checkin.AuditAdminOpen + " kim",
		checkin.AuditQuit + " kim",
	}
	if strings.Join(*got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit events:\n%s\nwant:\n%s", strings.Join(*got, "\n"), strings.Join(want, "\n"))
	}
	for _, secret := range []string{"홍", "1990", "1234"} {
		if strings.Contains(strings.Join(*got, " "), secret) {
			t.Errorf("an audit event has %q", secret)
		}
	}
}

// TestAuditQuitUnlocked: quitting outside kiosk mode, with no PIN asked,
// is an event with no staff id.
func TestAuditQuitUnlocked(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	m.o.Locked = false
	got := auditTo(m)
	press(m, "q")
	if !m.quitting || strings.Join(*got, "|") != checkin.AuditQuit {
		t.Errorf("quitting %v, events %q; want one %q", m.quitting, *got, checkin.AuditQuit)
	}
}
