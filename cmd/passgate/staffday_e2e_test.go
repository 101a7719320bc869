package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/config"
)

// TestStaffDayInTmux is a day at the front desk (issue 12, D11) in the
// real binary at 80×24, configured as a venue would (configuredKiosk)
// with staff PINs, kiosk mode and the shortest idle time (10 s): a stray
// key then m opens the manual form; a pass typed fast on a wedge scanner
// while the form is open is judged, shown over the form and recorded, and
// the form comes back with what was typed; the admin menu, left open,
// closes by itself; the statistics screen counts the day from the
// register; the recent-guests list shows first letters only; a window
// made too small says so; quitting needs the PIN.
func TestStaffDayInTmux(t *testing.T) {
	dir := t.TempDir()
	bin := buildInTmux(t, dir)
	cfg, reg := configuredKiosk(t, dir)
	staffDay(t, dir, cfg)

	// A third guest, Lee Sora, whose pass the wedge scanner types.
	sampled := time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
	lee := filepath.Join(dir, "lee.txt")
	if out, err := exec.Command(filepath.Join(dir, "passctl"), "issue", "-dsc", filepath.Join(dir, "dsc"), "-type", "test",
		"-family", "Lee", "-given", "Sora", "-dob", "1992-07-15", "-sampled", sampled, "-out", lee).CombinedOutput(); err != nil {
		t.Fatalf("passctl issue: %v\n%s", err, out)
	}
	leePass, err := os.ReadFile(lee)
	if err != nil {
		t.Fatal(err)
	}

	session := "passgate-e2e-day-" + filepath.Base(dir)
	tmux(t, "new-session", "-d", "-s", session, "-x", "80", "-y", "24",
		"env", "LANG=en_US.UTF-8", "TERM=xterm-256color", bin, "--config", cfg)
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", session).Run() })
	keys := func(k ...string) {
		tmux(t, append([]string{"send-keys", "-t", session}, k...)...)
		time.Sleep(300 * time.Millisecond) // a person's pace
	}
	pin := func() {
		keys("-l", config.DemoStaff)
		keys("Enter")
		keys("-l", "0000")
		keys("Enter")
	}
	gone := func(what string, timeout time.Duration) string {
		t.Helper()
		deadline := time.Now().Add(timeout)
		var screen string
		for time.Now().Before(deadline) {
			if screen = tmux(t, "capture-pane", "-p", "-t", session); !strings.Contains(screen, what) {
				return screen
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("%q still on screen after %v:\n%s", what, timeout, screen)
		return ""
	}

	// The replay's two guests come first (admitted, then refused).
	waitFor(t, session, "REFUSED", 20*time.Second)
	keys("Escape")

	// A stray key, then m: the manual form, no scanner text.
	keys("x")
	keys("m")
	screen := waitFor(t, session, "Manual entry", 5*time.Second)
	if strings.Contains(screen, "scanner:") {
		t.Errorf("a stray key became scanner text:\n%s", screen)
	}
	keys("Down") // exemption: the form has something to come back with
	// A pass typed fast by a wedge scanner while the form is open.
	tmux(t, "send-keys", "-t", session, "-l", strings.TrimSpace(string(leePass)))
	tmux(t, "send-keys", "-t", session, "Enter")
	screen = waitFor(t, session, "Lee Sora", 10*time.Second)
	if !strings.Contains(screen, "the form comes back after this") {
		t.Errorf("the verdict over the form does not say the form comes back:\n%s", screen)
	}
	screen = waitFor(t, session, "Manual entry", 10*time.Second) // the banner ends: the form is back
	if !strings.Contains(screen, "› medical exemption") {
		t.Errorf("the form came back without its choice:\n%s", screen)
	}
	keys("Escape")

	// The admin menu, left open, closes by itself after idle_timeout.
	keys("a")
	waitFor(t, session, "Staff PIN: admin menu", 5*time.Second)
	pin()
	waitFor(t, session, "Register stats", 15*time.Second)
	opened := time.Now()
	gone("Register stats", 20*time.Second)
	if idle := time.Since(opened); idle < 8*time.Second {
		t.Errorf("the admin menu closed after %v, before the 10 s idle time", idle)
	}

	// The statistics screen, from the register: three guests today, two
	// admitted (the replay's test and Lee's), one refused.
	keys("s")
	screen = waitFor(t, session, "Today at this door", 5*time.Second)
	screen = waitFor(t, session, "guests:", 5*time.Second)
	for _, want := range []string{"3 guests: 2 admitted · 1 refused", "Guests by hour", "By reason"} {
		if !strings.Contains(screen, want) {
			t.Errorf("statistics: no %q:\n%s", want, screen)
		}
	}
	keys("Escape")

	// The recent guests: first letters only.
	keys("r")
	screen = waitFor(t, session, "Recent guests", 5*time.Second)
	for _, want := range []string{"L. S.", "✓ admitted", "✗ refused"} {
		if !strings.Contains(screen, want) {
			t.Errorf("recent guests: no %q:\n%s", want, screen)
		}
	}
	for _, secret := range []string{"Sora", "1992", "길동", "Minji"} {
		if strings.Contains(screen, secret) {
			t.Errorf("recent guests show %q:\n%s", secret, screen)
		}
	}
	keys("Escape")

	// Too small a window says so; made big again, the screen is back.
	tmux(t, "resize-window", "-t", session, "-x", "70", "-y", "20")
	waitFor(t, session, "Make the window at least 80×24", 5*time.Second)
	tmux(t, "resize-window", "-t", session, "-x", "80", "-y", "24")
	waitFor(t, session, "q quit", 5*time.Second)

	// Quitting needs the PIN.
	keys("q")
	pin()
	if !ended(session) {
		t.Fatalf("still running after quit with the PIN:\n%s", tmux(t, "capture-pane", "-p", "-t", session))
	}
	out, err := exec.Command(bin, "register", "export", "--db", reg, "--since", "2021-01-01", "--format", "jsonl").Output()
	if err != nil {
		t.Fatalf("register export: %v", err)
	}
	if n := strings.Count(string(out), `"method":"scanner-device"`); n != 1 {
		t.Errorf("%d wedge entries in the register, want Lee's one:\n%s", n, out)
	}
	// The staff's actions are audit events in the register (D6): the
	// admin menu opened once, quitting with the PIN.
	for _, ev := range []string{"admin-open", "quit"} {
		want := `"method":"audit","outcome":"event","reason":"` + ev + `","staff":"` + config.Demo().Staff[0].ID + `"`
		if n := strings.Count(string(out), want); n != 1 {
			t.Errorf("%d %s events in the register, want 1:\n%s", n, ev, out)
		}
	}
}

// staffDay makes configuredKiosk's kiosk a staffed one: the replay plays
// once, kiosk mode, the shortest idle time, the demo's staff id and PIN.
func staffDay(t *testing.T, dir, cfg string) {
	t.Helper()
	doc, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(doc), "[kiosk]\n", "[kiosk]\nidle_timeout = \"10s\"\nkiosk_mode = true\n", 1)
	s = strings.Replace(s, "loop = true\n", "loop = false\n", 1)
	st := config.Demo().Staff[0]
	s += fmt.Sprintf("\n[[staff]]\nid = %q\nname = %q\npin_hash = %q\n", st.ID, st.Name, st.PINHash)
	if !strings.Contains(s, "idle_timeout") || !strings.Contains(s, "loop = false") {
		t.Fatalf("the configuration changed: no [kiosk] or loop line to edit:\n%s", doc)
	}
	if err := os.WriteFile(cfg, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
