package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/testkit/clitest"
)

// binary is passgate for the help checks every binary shares.
func binary() clitest.Binary {
	cat, _ := i18n.New("en")
	p := &cli{env: &app.Env{Stdout: io.Discard, Stderr: io.Discard}, cat: cat}
	return clitest.Binary{Program: "passgate", Commands: p.table().Commands, Optional: true,
		RawKey: regexp.MustCompile(`\b(cli|usage|flag|app|sync|init|pinhash|headless|help)\.[a-z_]+`),
		Run: func(t *testing.T, env map[string]string, args ...string) (int, string, string) {
			lang := "en_US.UTF-8"
			if env["LANG"] != "" {
				lang = env["LANG"]
			}
			return runIn(t, lang, args...)
		}}
}

func TestHelpKorean(t *testing.T) {
	clitest.CheckHelpKorean(t, binary())
}

// TestCommandHelp: every command's -h, and that every flag that changes a
// kiosk says which configuration key it overrides.
func TestCommandHelp(t *testing.T) {
	help := clitest.CheckCommandHelp(t, binary())
	for name, out := range help {
		if !strings.Contains(out, "--config FILE") {
			continue // verify, scan...: not a kiosk's command, no overrides
		}
		for _, line := range strings.Split(out, "\n") {
			for _, f := range []string{"--db ", "--camera ", "--replay ", "--bundle-key ", "--hub ", "--lang "} {
				if strings.HasPrefix(strings.TrimSpace(line), f) && !strings.Contains(line, "(overrides [") {
					t.Errorf("%s -h: %s does not say which key it overrides: %q", name, f, line)
				}
			}
		}
	}
	for _, args := range [][]string{{"--help"}, {"--headless", "--help"}} {
		code, out, _ := runIn(t, "en_US.UTF-8", args...)
		if code != 0 || !strings.Contains(out, "--config FILE") || !strings.Contains(out, "Exit status: 0 ok; 1 not valid") {
			t.Errorf("%q: exit %d\n%s", args, code, out)
		}
	}
}

// TestScanNoCode: a picture without a code gets one plain sentence in the
// user's language; what the scanner tried stays out of it (--json keeps it).
func TestScanNoCode(t *testing.T) {
	img := filepath.Join(t.TempDir(), "blank.pgm")
	if err := os.WriteFile(img, append([]byte("P5\n8 8\n255\n"), bytes.Repeat([]byte{200}, 64)...), 0o600); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"en_US.UTF-8": "no QR code found in the picture", "ko_KR.UTF-8": "사진에서 QR 코드를 찾지 못함"} {
		code, out, _ := runIn(t, lang, "scan", img)
		if code != 1 || !strings.Contains(out, want) || strings.Contains(out, "scanner:") || strings.Contains(out, "Exception") {
			t.Errorf("%s: scan of a blank picture: exit %d, %q; want 1 and %q alone", lang, code, out, want)
		}
	}
}
