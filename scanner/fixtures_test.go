package scanner_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passgate/passgate/scanner"
)

// TestFixturePasses reads every QR image passctl made for the project's
// fixtures (testdata/generate.sh) and compares it with the pass's text.
func TestFixturePasses(t *testing.T) {
	files, _ := filepath.Glob("../testdata/passes/*.png")
	if len(files) < 20 {
		t.Fatalf("%d fixture images in testdata/passes, want at least 20 (run testdata/generate.sh)", len(files))
	}
	for _, f := range files {
		want, err := os.ReadFile(strings.TrimSuffix(f, ".png") + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		res, err := scanner.DecodeFile(f)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if res.Text != strings.TrimSpace(string(want)) {
			t.Errorf("%s: read %q, want the .txt", filepath.Base(f), res.Text)
		}
	}
}
