package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passgate/passgate/store"
)

// writeConfig writes a configuration that names the fixture bundle and
// the register reg, plus extra TOML.
func writeConfig(t *testing.T, reg, extra string) string {
	t.Helper()
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	cfg := filepath.Join(t.TempDir(), "config.toml")
	doc := fmt.Sprintf("[venue]\nid = \"cafe\"\n[kiosk]\nid = \"door\"\n[trust]\nbundle_key = %q\nbundle_file = %q\n[register]\npath = %q\n%s",
		abs(fixtureKey), abs(fixtureBundle), reg, extra)
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestSetupErrors: a command that lacks something says which key or flag
// to set, and exits 2; the same failure exits the same way in every mode.
func TestSetupErrors(t *testing.T) {
	reg := filepath.Join(t.TempDir(), "r.db")
	cfg := writeConfig(t, reg, "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sync", "--once"}, "passgate sync: no hub configured: set [hub] url in /etc/passgate/config.toml or pass --hub"},
		{[]string{"sync", "--once", "--config", cfg}, "no hub configured: set [hub] url in " + cfg + " or pass --hub"},
		{[]string{"--headless", "--replay", "../../testdata/passes", "--db", reg}, "no bundle-signing key: set [trust] bundle_key in /etc/passgate/config.toml or pass --bundle-key"},
		{[]string{"--headless", "--config", cfg, "--size", "12x"}, `--size ([camera] size) "12x": want WIDTHxHEIGHT`},
		{[]string{"--config", cfg, "--size", "12x"}, `--size ([camera] size) "12x": want WIDTHxHEIGHT`},
		{[]string{"--headless", "--config", cfg, "--replay", "no/such/dir"}, "--replay ([camera] replay)"},
		{[]string{"--headless", "--config", filepath.Join(t.TempDir(), "missing.toml")}, "reading the configuration"},
		{[]string{"watch", "--camera", "x", "--replay", "y"}, "give --camera or --replay, not both"},
		{[]string{"register", "stats", "--config", cfg, "--lang", "fr"}, `--lang ([kiosk] language) "fr"`},
		{[]string{"--headless", "--nope"}, "flag provided but not defined: -nope"},
	} {
		code, _, errOut := runIn(t, "en_US.UTF-8", c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", c.args, code, errOut, ExitUsage, c.want)
		}
	}
}

// TestRegisterReadsConfig: the register commands read the configuration's
// [register] path, and --db wins over it.
func TestRegisterReadsConfig(t *testing.T) {
	reg := fillRegister(t)
	cfg := writeConfig(t, reg, "")
	code, out, errOut := runIn(t, "en_US.UTF-8", "register", "stats", "--config", cfg, "--json")
	if code != ExitOK || !strings.Contains(out, `"total": 60`) || !strings.Contains(out, reg) {
		t.Fatalf("stats from [register] path: exit %d %s %s", code, out, errOut)
	}
	other := filepath.Join(t.TempDir(), "none.db")
	code, _, errOut = runIn(t, "en_US.UTF-8", "register", "stats", "--config", cfg, "--db", other)
	if code != 1 || !strings.Contains(errOut, "no register at "+other) {
		t.Errorf("--db over [register] path: exit %d, %s", code, errOut)
	}
	// purge keeps [register] retention_days unless --days is given.
	cfg14 := writeConfig(t, reg, "retention_days = 14\n")
	code, out, _ = runIn(t, "en_US.UTF-8", "register", "purge", "--config", cfg14)
	if code != ExitOK || !strings.Contains(out, "from before 29 Nov 2021 12:00 KST") {
		t.Errorf("purge with retention_days 14: exit %d\n%s", code, out)
	}
}

// TestHeadlessReplayFlag: --replay is the camera of a configured kiosk
// too (it was ignored with --config).
func TestHeadlessReplayFlag(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"vaccination-valid", "revoked-uci"} {
		b, err := os.ReadFile(filepath.Join("../../testdata/passes", name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name+".png"), b, 0o600)
	}
	reg := filepath.Join(t.TempDir(), "r.db")
	cfg := writeConfig(t, reg, "[camera]\ndevice = \"no-such-camera\"\n")
	code, out, errOut := run(t, "", "--headless", "--config", cfg, "--replay", dir, "--fps", "4", "--no-stdin")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var camera int
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct{ Method string }
		if json.Unmarshal([]byte(line), &r) == nil && r.Method == "camera" {
			camera++
		}
	}
	if camera != 2 {
		t.Fatalf("%d guests by camera, want 2:\n%s\n%s", camera, out, errOut)
	}
	db, err := store.Open(store.Options{Path: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if st, _ := db.Stats(); st.Total != 2 {
		t.Errorf("the configured register holds %d entries, want 2", st.Total)
	}
}

// TestHeadlessHolderOptIn: headless lines leave out who the guest is
// (name, date of birth, UVCI) unless --holder asks for them.
func TestHeadlessHolderOptIn(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("../../testdata/passes/vaccination-valid.png")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "a.png"), b, 0o600)
	for _, holder := range []bool{false, true} {
		cfg := writeConfig(t, filepath.Join(t.TempDir(), "r.db"), "[camera]\ndevice = \"no-such-camera\"\n")
		args := []string{"--headless", "--config", cfg, "--replay", dir, "--fps", "4", "--no-stdin"}
		if holder {
			args = append(args, "--holder")
		}
		code, out, errOut := run(t, "", args...)
		if code != ExitOK || !strings.Contains(out, `"method":"camera"`) {
			t.Fatalf("exit %d: %s %s", code, out, errOut)
		}
		shows := strings.Contains(out, "GILDONG") || strings.Contains(out, "1990-03-01") || strings.Contains(out, "URN:UVCI")
		if shows != holder {
			t.Errorf("--holder %v: the line shows the holder: %v\n%s", holder, shows, out)
		}
	}
}
