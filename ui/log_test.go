package ui

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// logTo gives m a text logger writing to the returned buffer.
func logTo(m *Model) *bytes.Buffer {
	var buf bytes.Buffer
	m.o.Log = slog.New(slog.NewTextHandler(&buf, nil))
	return &buf
}

// TestLog: staff actions are logged with the staff id, and neither the
// holder's name and date of birth nor a PIN ever is.
func TestLog(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, tracingBundle(t))
	buf := logTo(m)
	press(m, "m", "enter", "홍 길동", "enter", "1990-03-01", "enter", "kim", "enter", "9876", "enter")
	press(m, "1234", "enter")
	if m.state != result || m.outcome == nil || m.outcome.Manual == nil {
		t.Fatalf("no manual entry: state %v", m.state)
	}
	openAdmin(t, m, itemPolicy)
	press(m, "enter", "esc")
	openAdmin(t, m, itemCamera)
	press(m, "enter", "enter", "esc")
	openAdmin(t, m, itemPurge)
	press(m, "enter", "esc")
	openAdmin(t, m, itemSync)
	press(m, "enter", "esc")
	openAdmin(t, m, itemQuit)
	press(m, "enter")
	got := buf.String()
	for _, want := range []string{
		`msg="staff PIN refused" staff=kim for=manual wait=30s`,
		`msg="manual entry" staff=kim reason=paper-certificate admitted=true recorded=false`,
		`msg="admin menu opened" staff=kim`,
		`msg="policy changed" staff=kim policy=` + policyChoices()[1],
		`msg="camera switched" staff=kim device=video0;video0`,
		`msg="register purged" staff=kim purged=7 kept=2`,
		`msg="sync requested" staff=kim`,
		`msg=quitting staff=kim`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %s", want)
		}
	}
	for _, secret := range []string{"홍", "길동", "1990", "9876", "1234"} {
		if strings.Contains(got, secret) {
			t.Errorf("log has %q", secret)
		}
	}
	if t.Failed() {
		t.Logf("log:\n%s", got)
	}
}
