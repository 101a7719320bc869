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

// TestHeadlessConfigured runs headless mode from a configuration file: the
// bundle and register it names, a keyboard-wedge scan on stdin.
func TestHeadlessConfigured(t *testing.T) {
	dir := t.TempDir()
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	reg := filepath.Join(dir, "register.db")
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`
[venue]
id = "cafe"
name = "Café Seoul"

[kiosk]
id = "door"

[trust]
bundle_key = %q
bundle_file = %q

[register]
path = %q

[camera]
device = "no-such-camera"
`, abs(fixtureKey), abs(fixtureBundle), reg)), 0o644)
	wedge, _ := os.ReadFile("../../testdata/passes/vaccination-valid.txt")
	// --db wins over [register] path.
	other := filepath.Join(dir, "other.db")
	code, out, errOut := run(t, string(wedge), "--headless", "--config", cfg, "--for", "2s", "--db", other)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var r struct {
		Method   string `json:"method"`
		Admitted bool   `json:"admitted"`
		Recorded bool   `json:"recorded"`
	}
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &r) != nil || r.Method != "scanner-device" || !r.Admitted || !r.Recorded {
		t.Fatalf("output %q (stderr %s)", out, errOut)
	}
	if _, err := os.Stat(reg); err == nil {
		t.Fatal("the configured register was used despite --db")
	}
	db, err := store.Open(store.Options{Path: other})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if st, _ := db.Stats(); st.Total != 1 {
		t.Fatalf("register holds %d entries", st.Total)
	}
}
