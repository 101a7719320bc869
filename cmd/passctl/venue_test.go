package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passgate/passgate/app"
)

// TestVenueSecret: the secret file is what a door's [venue] secret_file
// reads, private to its owner, and a venue's secret is not replaced by
// accident.
func TestVenueSecret(t *testing.T) {
	out := filepath.Join(t.TempDir(), "venue.secret")
	code, stdout, stderr := passctl(t, "venue-secret", "-out", out)
	if code != 0 || !strings.Contains(stdout, "secret_file") {
		t.Fatalf("venue-secret: %d %s %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := app.ParseVenueSecret(string(data))
	if err != nil || len(secret) != 32 {
		t.Fatalf("the secret file does not parse as a door reads it: %d bytes, %v", len(secret), err)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if code, _, stderr := passctl(t, "venue-secret", "-out", out); code != 1 || !strings.Contains(stderr, "-force") {
		t.Errorf("again without -force: %d %s", code, stderr)
	}
	if again, _ := os.ReadFile(out); string(again) != string(data) {
		t.Error("the secret was replaced without -force")
	}
	if code, _, _ := passctl(t, "venue-secret", "-out", out, "-force"); code != 0 {
		t.Errorf("-force: %d", code)
	}
	if again, _ := os.ReadFile(out); string(again) == string(data) {
		t.Error("-force kept the old secret")
	}
}
