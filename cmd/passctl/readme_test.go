package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeExample runs the README's passctl example as written, with the
// binaries built from this tree in place of `go run`: the pass it issues
// verifies as valid, the second bundle revokes it, and every file it
// writes goes into $W, outside the repository.
func TestReadmeExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds passctl and passgate")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "```sh\nW=$(mktemp -d)")
	if !ok {
		t.Fatal("README: the passctl example (a ```sh block starting W=$(mktemp -d)) is gone")
	}
	block, _, _ := strings.Cut(after, "```")
	for _, line := range strings.Split(block, "\n") {
		if strings.Contains(line, "-out ") && !strings.Contains(line, "-out $W/") {
			t.Errorf("README example writes outside $W: %s", line)
		}
	}
	bin := t.TempDir()
	for _, cmd := range []string{"passctl", "passgate"} {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, cmd), "../"+cmd).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", cmd, err, out)
		}
	}
	w, cwd := t.TempDir(), t.TempDir()
	script := "W=" + w + block
	for _, cmd := range []string{"passctl", "passgate"} {
		script = strings.ReplaceAll(script, "go run ./cmd/"+cmd, filepath.Join(bin, cmd))
	}
	sh := exec.Command("bash", "-c", script)
	sh.Dir = cwd
	out, _ := sh.CombinedOutput() // the revoked pass's verify exits 1, as it should
	text := string(out)
	valid := strings.Index(text, "✔ VALID: admit")
	revoked := strings.Index(text, "pass revoked")
	if valid < 0 || revoked < valid {
		t.Errorf("README example: want ✔ VALID: admit, then pass revoked; it printed:\n%s", text)
	}
	if left, _ := os.ReadDir(cwd); len(left) != 0 {
		t.Errorf("README example wrote into the working directory: %v", left)
	}
}
