package main

import (
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/pin"
)

func TestPINHash(t *testing.T) {
	code, stdout, stderr := run(t, "  4821\n", "pin-hash")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	h := strings.TrimSuffix(stdout, "\n")
	if strings.Contains(h, "\n") || !strings.HasPrefix(h, "$argon2id$") {
		t.Fatalf("stdout %q: want one argon2id line", stdout)
	}
	if !pin.Verify(h, "4821") || pin.Verify(h, "  4821") {
		t.Error("the hash is not of the trimmed PIN")
	}
	if strings.Contains(stdout+stderr, "4821") {
		t.Error("the PIN was echoed")
	}
	// Without a final newline (printf 4821 | passgate pin-hash).
	if code, stdout, _ := run(t, "4821", "pin-hash"); code != ExitOK || !pin.Verify(strings.TrimSpace(stdout), "4821") {
		t.Errorf("no newline: exit %d", code)
	}
	for _, in := range []string{"", "\n", "123\n"} {
		code, stdout, stderr := run(t, in, "pin-hash")
		if code != ExitUsage || stdout != "" || !strings.Contains(stderr, "4 to 64 characters") {
			t.Errorf("PIN %q: exit %d, stdout %q, stderr %q", in, code, stdout, stderr)
		}
	}
	if code, _, _ := run(t, "4821\n", "pin-hash", "4821"); code != ExitUsage {
		t.Errorf("PIN as an argument (it would land in the shell history): exit %d", code)
	}
}
