package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passgate/passgate/config"
)

func TestInit(t *testing.T) {
	out := filepath.Join(t.TempDir(), "etc", "passgate", "config.toml")
	code, stdout, stderr := run(t, "", "init", "--out", out)
	if code != ExitOK || !strings.Contains(stdout, out) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || string(b) != config.Sample() {
		t.Fatalf("written file is not the sample (err %v)", err)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if _, err := config.Load(out, func(k string) string { return map[string]string{"HOME": t.TempDir()}[k] }); err != nil {
		t.Errorf("the written file does not load: %v", err)
	}

	if err := os.WriteFile(out, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, "", "init", "--out", out)
	if code != ExitUsage || !strings.Contains(stderr, "already exists") || !strings.Contains(stderr, "--force") {
		t.Errorf("existing file: exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != "# mine\n" {
		t.Error("existing file was overwritten without --force")
	}
	if code, _, stderr = run(t, "", "init", "--out", out, "--force"); code != ExitOK {
		t.Errorf("--force: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != config.Sample() {
		t.Error("--force did not overwrite")
	}

	code, stdout, _ = run(t, "", "init", "--out", "-")
	if code != ExitOK || stdout != config.Sample() {
		t.Errorf("--out -: exit %d", code)
	}
	if code, _, _ := run(t, "", "init", "extra"); code != ExitUsage {
		t.Errorf("extra argument: exit %d", code)
	}
}

func TestUsageListsNewCommands(t *testing.T) {
	_, stdout, _ := run(t, "", "help")
	for _, w := range []string{"passgate init ", "sample configuration", "passgate pin-hash ", "[[staff]] pin_hash"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("usage lacks %q:\n%s", w, stdout)
		}
	}
}
