package main_test

// An end-to-end test of the kiosk screen: the real binary in tmux, in demo
// mode, driven by keys as staff and a keyboard-wedge scanner would, and
// the register checked afterwards with passgate register export.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
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

// buildInTmux builds passgate into dir for a test that runs it in tmux
// (skipped without tmux, failed in CI).
func buildInTmux(t *testing.T, dir string) string {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("PASSGATE_REQUIRE_SHARED") == "1" {
			t.Fatal("tmux is not installed (.ci/run installs it)")
		}
		t.Skip("tmux is not installed")
	}
	bin := filepath.Join(dir, "passgate")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// ended waits up to 10 s for the program in session to end, and with it the
// session; it reports whether it did.
func ended(session string) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if exec.Command("tmux", "has-session", "-t", session).Run() != nil {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

func TestScreenInTmux(t *testing.T) {
	dir := t.TempDir()
	bin := buildInTmux(t, dir)
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
	if !ended(session) {
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

// configuredKiosk makes, with the project's own passctl, what a venue
// would install: a test PKI issued now, a signed bundle, a configuration
// file whose camera is a replay of two passes held up to it (a negative
// PCR test sampled an hour ago: admitted; a vaccination from 2024: refused
// as too old), and returns the configuration's path and the register's.
func configuredKiosk(t *testing.T, dir string) (cfg, reg string) {
	t.Helper()
	passctl := filepath.Join(dir, "passctl")
	if out, err := exec.Command("go", "build", "-o", passctl, "../passctl").CombinedOutput(); err != nil {
		t.Fatalf("build passctl: %v\n%s", err, out)
	}
	replay := filepath.Join(dir, "replay")
	if err := os.MkdirAll(replay, 0o700); err != nil {
		t.Fatal(err)
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	sampled := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	for _, args := range [][]string{
		{"cert", "csca", "-out", p("ca"), "-country", "KR"},
		{"cert", "dsc", "-ca", p("ca"), "-out", p("dsc"), "-alg", "ES256", "-types", "v,t,r"},
		{"keygen", "-out", p("signing")},
		{"bundle", "build", "-key", p("signing.key"), "-seq", "1", "-cert", p("dsc.crt"), "-preset", "kr-2021-12", "-out", p("bundle.bin")},
		{"issue", "-dsc", p("dsc"), "-type", "test", "-family", "홍", "-given", "길동", "-dob", "1990-03-01",
			"-sampled", sampled, "-out", p("test.txt"), "-png", filepath.Join(replay, "a-test.png")},
		{"issue", "-dsc", p("dsc"), "-type", "vaccination", "-family", "Kim", "-given", "Minji", "-dob", "1985-01-01",
			"-date", "2024-01-01", "-out", p("vacc.txt"), "-png", filepath.Join(replay, "b-vaccination.png")},
	} {
		if out, err := exec.Command(passctl, args...).CombinedOutput(); err != nil {
			t.Fatalf("passctl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	reg = p("register.db")
	cfg = p("config.toml")
	doc := `[venue]
id = "cafe"
name = "Café Replay"
[kiosk]
id = "door-1"
language = "en"
[trust]
bundle_key = "signing.pub"
bundle_file = "bundle.bin"
[register]
path = "register.db"
[camera]
replay = "replay"
loop = true
fps = 1
[sound]
enabled = false
[log]
file = "kiosk.log"
`
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg, reg
}

// guests reads the register through passgate register export.
func guests(t *testing.T, bin, cfg string) []map[string]any {
	t.Helper()
	out, err := exec.Command(bin, "register", "export", "--config", cfg, "--since", "2021-01-01", "--format", "jsonl").Output()
	if err != nil {
		t.Fatalf("register export: %v", err)
	}
	var es []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		es = append(es, e)
	}
	return es
}

// judged checks that the register holds the replay's two guests, by
// camera: the test admitted, the old vaccination refused.
func judged(t *testing.T, es []map[string]any) {
	t.Helper()
	var admitted, refused bool
	for _, e := range es {
		admitted = admitted || e["method"] == "camera" && e["outcome"] == "admitted" && e["venue"] == "cafe" && e["kiosk"] == "door-1"
		refused = refused || e["method"] == "camera" && e["outcome"] == "refused" && strings.HasPrefix(fmt.Sprint(e["reason"]), "rule-failed:")
	}
	if !admitted || !refused {
		t.Fatalf("register: admitted by camera %v, refused by camera %v:\n%v", admitted, refused, es)
	}
}

// TestConfiguredReplayInTmux runs a configured kiosk whose camera is a
// replay set in its configuration file: once in the screen (in tmux), once
// headless; both judge the guests the replay shows.
func TestConfiguredReplayInTmux(t *testing.T) {
	dir := t.TempDir()
	bin := buildInTmux(t, dir)
	cfg, _ := configuredKiosk(t, dir)

	session := "passgate-e2e-cfg-" + filepath.Base(dir)
	tmux(t, "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
		"env", "LANG=en_US.UTF-8", "TERM=xterm-256color", bin, "--config", cfg)
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", session).Run() })
	waitFor(t, session, "Café Replay", 10*time.Second)
	waitFor(t, session, "ADMIT", 20*time.Second)
	waitFor(t, session, "REFUSED", 20*time.Second)
	tmux(t, "send-keys", "-t", session, "q")
	if !ended(session) {
		t.Fatalf("still running after q:\n%s", tmux(t, "capture-pane", "-p", "-t", session))
	}
	judged(t, guests(t, bin, cfg))
	if log, _ := os.ReadFile(filepath.Join(dir, "kiosk.log")); !bytes.Contains(log, []byte("screen started")) {
		t.Errorf("the kiosk's log (the configuration's [log] file) lacks the screen:\n%s", log)
	}

	// The same configuration headless, on a register of its own (--db
	// wins over [register] path): one JSON line per guest.
	other := filepath.Join(dir, "headless.db")
	out, err := exec.Command(bin, "--headless", "--config", cfg, "--db", other, "--no-stdin", "--for", "10s").Output() // the replay loops: room for a busy machine
	if err != nil {
		t.Fatalf("headless: %v\n%s", err, out)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("headless line %q: %v", l, err)
		}
		lines = append(lines, r)
	}
	var admitted, refused bool
	for _, r := range lines {
		admitted = admitted || r["method"] == "camera" && r["admitted"] == true && r["recorded"] == true
		refused = refused || r["method"] == "camera" && r["admitted"] == false && r["reason"] == "rule-failed"
	}
	if !admitted || !refused {
		t.Fatalf("headless: admitted %v, refused %v:\n%s", admitted, refused, out)
	}
	export, err := exec.Command(bin, "register", "stats", "--config", cfg, "--db", other, "--json").Output()
	if err != nil || !bytes.Contains(export, []byte(`"total": 2`)) {
		t.Errorf("headless register: %v\n%s", err, export)
	}
}

// TestPairInTmux: a venue on 2G+ (policy_preset = "2g-plus"); a guest
// holds up a vaccination (no booster), the screen asks for the test, the
// guest holds up the test, the pair is admitted. Both are in the register:
// the vaccination waiting (companion-needed), then the admission.
func TestPairInTmux(t *testing.T) {
	dir := t.TempDir()
	bin := buildInTmux(t, dir)
	passctl := filepath.Join(dir, "passctl")
	if out, err := exec.Command("go", "build", "-o", passctl, "../passctl").CombinedOutput(); err != nil {
		t.Fatalf("build passctl: %v\n%s", err, out)
	}
	replay := filepath.Join(dir, "replay")
	if err := os.MkdirAll(replay, 0o700); err != nil {
		t.Fatal(err)
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	now := time.Now().UTC()
	holder := []string{"-family", "홍", "-given", "길동", "-family-std", "HONG", "-given-std", "GILDONG", "-dob", "1990-03-01"}
	steps := [][]string{
		{"cert", "csca", "-out", p("ca"), "-country", "KR"},
		{"cert", "dsc", "-ca", p("ca"), "-out", p("dsc"), "-alg", "ES256", "-types", "v,t,r"},
		{"keygen", "-out", p("signing")},
		{"bundle", "build", "-key", p("signing.key"), "-seq", "1", "-cert", p("dsc.crt"), "-preset", "2g-plus", "-out", p("bundle.bin")},
		append([]string{"issue", "-dsc", p("dsc"), "-type", "vaccination", "-dose", "2", "-doses", "2",
			"-date", now.AddDate(0, -2, 0).Format(time.DateOnly), "-out", p("vacc.txt"), "-png", filepath.Join(replay, "a-vaccination.png")}, holder...),
		append([]string{"issue", "-dsc", p("dsc"), "-type", "test", "-sampled", now.Add(-time.Hour).Format(time.RFC3339),
			"-out", p("test.txt"), "-png", filepath.Join(replay, "c-test.png")}, holder...),
	}
	for _, args := range steps {
		if out, err := exec.Command(passctl, args...).CombinedOutput(); err != nil {
			t.Fatalf("passctl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	// The guest holds the vaccination up for three frames, then the test.
	img, err := os.ReadFile(filepath.Join(replay, "a-vaccination.png"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"b1", "b2"} {
		if err := os.WriteFile(filepath.Join(replay, n+"-vaccination.png"), img, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := p("config.toml")
	doc := "[venue]\nid = \"bar\"\nname = \"Bar 2G+\"\n[kiosk]\nid = \"door-1\"\nlanguage = \"en\"\n" +
		"[trust]\nbundle_key = \"signing.pub\"\nbundle_file = \"bundle.bin\"\npolicy_preset = \"2g-plus\"\n" +
		"[register]\npath = \"register.db\"\n[camera]\nreplay = \"replay\"\nfps = 1\n[sound]\nenabled = false\n"
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	session := "passgate-e2e-pair-" + filepath.Base(dir)
	tmux(t, "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
		"env", "LANG=en_US.UTF-8", "TERM=xterm-256color", bin, "--config", cfg)
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", session).Run() })
	screen := waitFor(t, session, "ONE MORE PASS", 20*time.Second)
	if !strings.Contains(screen, "Now show the test certificate.") {
		t.Errorf("the waiting screen does not say what is needed:\n%s", screen)
	}
	screen = waitFor(t, session, "ADMIT", 20*time.Second)
	if !strings.Contains(screen, "Comirnaty") || !strings.Contains(screen, "PCR/NAAT test") {
		t.Errorf("the pair's screen lacks one of the passes:\n%s", screen)
	}
	tmux(t, "send-keys", "-t", session, "q")
	if !ended(session) {
		t.Fatalf("still running after q:\n%s", tmux(t, "capture-pane", "-p", "-t", session))
	}
	var waited, admitted bool
	for _, e := range guests(t, bin, cfg) {
		waited = waited || e["outcome"] == "refused" && e["reason"] == "companion-needed:GR-EU-0002"
		admitted = admitted || e["outcome"] == "admitted" && e["type"] == "v"
	}
	if !waited || !admitted {
		t.Errorf("register: waited %v, admitted %v: %v", waited, admitted, guests(t, bin, cfg))
	}
}
