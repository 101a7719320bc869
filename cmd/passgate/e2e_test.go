package main_test

// An end-to-end test of the kiosk screen: the real binary in tmux, in demo
// mode, driven by keys as staff and a keyboard-wedge scanner would, and
// the register checked afterwards with passgate register export.

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

func tmux(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("tmux", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// waitFor polls the pane until it shows want, and returns it.
func waitFor(t *testing.T, session, want string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var screen string
	for time.Now().Before(deadline) {
		screen = tmux(t, "capture-pane", "-p", "-t", session)
		if strings.Contains(screen, want) {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%q not on screen after %v:\n%s", want, timeout, screen)
	return ""
}

func TestScreenInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("PASSGATE_REQUIRE_SHARED") == "1" {
			t.Fatal("tmux is not installed (.ci/run installs it)")
		}
		t.Skip("tmux is not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "passgate")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	reg := filepath.Join(dir, "register.db")
	session := "passgate-e2e-" + filepath.Base(dir)
	tmux(t, "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
		"env", "LANG=en_US.UTF-8", "TERM=xterm-256color", bin, "--demo", "--db", reg, "--lang", "en")
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", session).Run() })

	// The demo's replay shows a valid pass first, then a too-old test.
	waitFor(t, session, "DEMO", 10*time.Second)
	waitFor(t, session, "ADMIT", 20*time.Second)
	waitFor(t, session, "REFUSED", 30*time.Second)

	// A keyboard-wedge scanner types a revoked pass and Enter.
	revoked, err := os.ReadFile("../../testdata/passes/revoked-uci.txt")
	if err != nil {
		t.Fatal(err)
	}
	tmux(t, "send-keys", "-t", session, "-l", strings.TrimSpace(string(revoked)))
	tmux(t, "send-keys", "-t", session, "Enter")
	waitFor(t, session, "revoked", 10*time.Second)

	// A manual entry: paper certificate, staff demo, PIN 0000.
	time.Sleep(6 * time.Second) // let the banner clear
	for _, keys := range [][]string{{"m"}, {"Enter"}, {"-l", "demo"}, {"Enter"}, {"-l", "0000"}, {"Enter"}} {
		tmux(t, append([]string{"send-keys", "-t", session}, keys...)...)
		time.Sleep(200 * time.Millisecond)
	}
	waitFor(t, session, "ADMIT", 10*time.Second)

	// Quitting needs the PIN.
	time.Sleep(6 * time.Second)
	for _, keys := range [][]string{{"q"}, {"-l", "demo"}, {"Enter"}, {"-l", "0000"}, {"Enter"}} {
		tmux(t, append([]string{"send-keys", "-t", session}, keys...)...)
		time.Sleep(200 * time.Millisecond)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if exec.Command("tmux", "has-session", "-t", session).Run() != nil {
			break // the program ended, and the session with it
		}
		time.Sleep(100 * time.Millisecond)
	}
	if exec.Command("tmux", "has-session", "-t", session).Run() == nil {
		t.Fatalf("still running after quit with the PIN:\n%s", tmux(t, "capture-pane", "-p", "-t", session))
	}

	out, err := exec.Command(bin, "register", "export", "--db", reg, "--since", "2021-01-01", "--format", "jsonl").Output()
	if err != nil {
		t.Fatalf("register export: %v", err)
	}
	methods := map[string]int{}
	var admittedByCamera, refusedByCamera, revokedByWedge, manualByDemo bool
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var e struct {
			Method, Outcome, Reason, Staff string
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		methods[e.Method]++
		admittedByCamera = admittedByCamera || e.Method == "camera" && e.Outcome == "admitted"
		refusedByCamera = refusedByCamera || e.Method == "camera" && e.Outcome == "refused"
		revokedByWedge = revokedByWedge || e.Method == "scanner-device" && e.Reason == "revoked"
		manualByDemo = manualByDemo || e.Method == "manual" && e.Staff == "demo" && e.Outcome == "admitted"
	}
	if !admittedByCamera || !refusedByCamera || !revokedByWedge || !manualByDemo {
		t.Fatalf("register: %v (camera admit %v, camera refuse %v, wedge revoked %v, manual %v)\n%s",
			methods, admittedByCamera, refusedByCamera, revokedByWedge, manualByDemo, out)
	}
	t.Logf("register after the session: %v", methods)
}
