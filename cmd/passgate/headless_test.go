package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHeadless runs the desk without a screen on a replay of two fixture
// passes and a keyboard-wedge line: one JSON line per guest.
func TestHeadless(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a-vaccination-valid", "b-revoked-uci"} {
		src := filepath.Join("../../testdata/passes", name[2:]+".png")
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644)
	}
	wedge, _ := os.ReadFile("../../testdata/passes/test-pcr-valid.txt")
	code, out, errOut := run(t, "garbage\n"+string(wedge), "--headless", "--replay", dir, "--fps", "4",
		"--bundle", fixtureBundle, "--bundle-key", fixtureKey, "--db", filepath.Join(t.TempDir(), "r.db"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			Method   string `json:"method"`
			Admitted bool   `json:"admitted"`
			Reason   string `json:"reason"`
			Recorded bool   `json:"recorded"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if !r.Recorded {
			t.Errorf("not recorded: %s", line)
		}
		got = append(got, r.Method+":"+map[bool]string{true: "admit", false: "refuse " + r.Reason}[r.Admitted])
	}
	want := map[string]bool{"camera:admit": true, "camera:refuse revoked": true, "scanner-device:admit": true}
	if len(got) != 3 {
		t.Fatalf("outcomes %q, want %d", got, len(want))
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("unexpected outcome %q (all: %q)", g, got)
		}
	}
}
