package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKeysInTmux is the front desk of issue 12 in the real binary at
// 80×24: a stray "?" opens the help and m, a, q then do what the footer
// says (no "scanner: ?m…" capturing the keyboard); a pass typed on the
// wedge while the admin menu is open reaches the register; the verdict is
// in block letters.
func TestKeysInTmux(t *testing.T) {
	dir := t.TempDir()
	bin := buildInTmux(t, dir)
	reg := filepath.Join(dir, "register.db")
	session := "passgate-e2e-keys-" + filepath.Base(dir)
	tmux(t, "new-session", "-d", "-s", session, "-x", "80", "-y", "24",
		"env", "LANG=en_US.UTF-8", "TERM=xterm-256color", bin, "--demo", "--db", reg, "--lang", "en")
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", session).Run() })
	keys := func(k ...string) {
		tmux(t, append([]string{"send-keys", "-t", session}, k...)...)
		time.Sleep(300 * time.Millisecond) // a person's pace
	}

	screen := waitFor(t, session, "ADMIT ·", 15*time.Second)
	if !strings.Contains(screen, "██") {
		t.Errorf("the verdict is not in block letters:\n%s", screen)
	}
	keys("?")
	waitFor(t, session, "Keys on this screen", 5*time.Second)
	keys("m")
	screen = waitFor(t, session, "Manual entry", 10*time.Second)
	if strings.Contains(screen, "scanner:") {
		t.Errorf("a stray key became scanner text:\n%s", screen)
	}
	keys("Escape")
	keys("a")
	waitFor(t, session, "Staff PIN: admin menu", 10*time.Second)
	keys("-l", "demo")
	keys("Enter")
	keys("-l", "0000")
	keys("Enter")
	waitFor(t, session, "Register stats", 15*time.Second) // the menu, between the demo's guests

	recovery, err := os.ReadFile("../../testdata/passes/recovery-valid.txt")
	if err != nil {
		t.Fatal(err)
	}
	tmux(t, "send-keys", "-t", session, "-l", strings.TrimSpace(string(recovery)))
	tmux(t, "send-keys", "-t", session, "Enter")
	waitFor(t, session, "recovery", 10*time.Second)

	keys("Escape")
	keys("q")
	keys("-l", "demo")
	keys("Enter")
	keys("-l", "0000")
	keys("Enter")
	if !ended(session) {
		t.Fatalf("still running after quit with the PIN:\n%s", tmux(t, "capture-pane", "-p", "-t", session))
	}
	out, err := exec.Command(bin, "register", "export", "--db", reg, "--since", "2021-01-01", "--format", "jsonl").Output()
	if err != nil {
		t.Fatalf("register export: %v", err)
	}
	var wedged bool
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var e struct{ Method, Type, Outcome string }
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		wedged = wedged || e.Method == "scanner-device" && e.Type == "r" && e.Outcome == "admitted"
	}
	if !wedged {
		t.Errorf("the recovery pass typed while the admin menu was open is not in the register:\n%s", out)
	}
}
