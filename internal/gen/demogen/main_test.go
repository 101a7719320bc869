package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestAssetsUpToDate makes the demo's files again and compares them with
// assets/demo: they must be what `go generate ./assets` writes now. The
// frames come from floating point, which may round differently on other
// architectures than the one they were made on (amd64); there only the
// other files are compared.
func TestAssetsUpToDate(t *testing.T) {
	files, err := build("../../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir("../../../assets/demo")
	if err != nil {
		t.Fatal(err)
	}
	var have, want []string
	for _, e := range entries {
		have = append(have, e.Name())
	}
	for n := range files {
		want = append(want, n)
	}
	slices.Sort(want)
	if !slices.Equal(have, want) {
		t.Fatalf("assets/demo holds %v, demogen makes %v: run go generate ./assets", have, want)
	}
	for _, n := range want {
		old, err := os.ReadFile(filepath.Join("../../../assets/demo", n))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(old, files[n]) {
			continue
		}
		if strings.HasSuffix(n, ".png") && runtime.GOARCH != "amd64" {
			t.Logf("%s differs on %s (made on amd64)", n, runtime.GOARCH)
			continue
		}
		t.Errorf("assets/demo/%s is not what demogen makes: run go generate ./assets", n)
	}
}

// TestWriteReplaces checks that writing removes the frames of passes no
// longer shown.
func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	if err := write(dir, map[string][]byte{"old.png": {1}, "a": {1}}); err != nil {
		t.Fatal(err)
	}
	if err := write(dir, map[string][]byte{"a": {2}, "b": {3}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "old.png")); !os.IsNotExist(err) {
		t.Errorf("old.png kept: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a")); !bytes.Equal(b, []byte{2}) {
		t.Errorf("a = %v, want rewritten", b)
	}
}

func TestBuildFails(t *testing.T) {
	if _, err := build(t.TempDir()); err == nil {
		t.Error("no error without fixtures")
	}
}
