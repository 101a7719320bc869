package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/testkit/fixtures"
)

// TestOpenBuildsWhatTheModeNeeds: each mode gets its parts from the one
// constructor, and only those; a missing part is a setup error (exit 2),
// a register that is not there is not made by the register commands.
func TestOpenBuildsWhatTheModeNeeds(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "register.db")
	e := env(t, fixtures.Noon)
	load := func(pairs ...string) config.Config {
		t.Helper()
		var o []config.Override
		for i := 0; i < len(pairs); i += 2 {
			o = append(o, config.Override{Key: pairs[i], Value: pairs[i+1], Flag: "--" + pairs[i]})
		}
		c, err := config.Load("", e.Getenv, o...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	if _, err := app.Open(load("register.path", reg), e, app.ModeRegister); err == nil || !strings.Contains(err.Error(), "no register at") || command.Code(err) != 1 {
		t.Errorf("register mode on a missing register: %v (exit %d)", err, command.Code(err))
	}
	if _, err := os.Stat(reg); err == nil {
		t.Fatal("register mode made a register")
	}
	_, err := app.Open(load("register.path", reg), e, app.ModeSync)
	if command.Code(err) != 2 || !strings.Contains(err.Error(), "no hub configured: set [hub] url in") {
		t.Errorf("sync without a hub: %v (exit %d)", err, command.Code(err))
	}
	_, err = app.Open(load("register.path", reg, "trust.bundle_key", fixtures.Path("keys/bundle.pub"),
		"trust.bundle_file", filepath.Join(dir, "none.bin")), e, app.ModeHeadless)
	if command.Code(err) != 2 || !strings.Contains(err.Error(), "no trust bundle at") || !strings.Contains(err.Error(), "--bundle") {
		t.Errorf("a kiosk without its bundle file: %v (exit %d)", err, command.Code(err))
	}

	a, err := app.Open(load("camera.replay", fixtures.Path("passes")), e, app.ModeWatch)
	if err != nil {
		t.Fatal(err)
	}
	if a.Camera == nil || a.Register != nil || a.Kiosk != nil || a.Uplink != nil {
		t.Errorf("watch mode built %+v", a)
	}
	a.Close()

	a, err = app.Open(load("register.path", reg, "trust.bundle_key", fixtures.Path("keys/bundle.pub"),
		"trust.bundle_file", fixtures.Path("bundle.bin")), e, app.ModeScreen)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Register == nil || a.Desk == nil || a.Kiosk == nil || a.Camera == nil || a.Feedback == nil || a.Uplink != nil || a.PINs != nil {
		t.Errorf("screen mode built %+v", a)
	}
	if a.Kiosk.PreviewFPS <= 0 || a.Kiosk.Wedge != nil {
		t.Errorf("the screen's kiosk: preview %g fps, wedge %v", a.Kiosk.PreviewFPS, a.Kiosk.Wedge)
	}
	if b := a.Trust(); b == nil || b.Sequence() != 1 {
		t.Errorf("trust %v", b)
	}
}

// TestTokenFileMode: a token file others may read is refused, as ssh
// refuses such a key; 0600 is taken.
func TestTokenFileMode(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "token")
	e := env(t, fixtures.Noon)
	load := func() config.Config {
		t.Helper()
		c, err := config.Load("", e.Getenv,
			config.Override{Key: "register.path", Value: filepath.Join(dir, "r.db"), Flag: "--db"},
			config.Override{Key: "hub.url", Value: "https://hub.example.org", Flag: "--hub"},
			config.Override{Key: "hub.token_file", Value: tok, Flag: "--token-file"},
			config.Override{Key: "trust.bundle_key", Value: fixtures.Path("keys/bundle.pub"), Flag: "--bundle-key"})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	os.WriteFile(tok, []byte("secret\n"), 0o644)
	os.Chmod(tok, 0o644)
	if _, err := app.Open(load(), e, app.ModeSync); command.Code(err) != 2 || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a 0644 token file: %v (exit %d)", err, command.Code(err))
	}
	os.Chmod(tok, 0o600)
	a, err := app.Open(load(), e, app.ModeSync)
	if err != nil {
		t.Fatalf("a 0600 token file: %v", err)
	}
	a.Close()
}
