package config_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/internal/pin"
)

// TestOverridesWin: a flag given wins over the key it names, its relative
// paths are the working directory's, and a bad value names the flag.
func TestOverridesWin(t *testing.T) {
	getenv, dir := env(t)
	file := filepath.Join(dir, "config.toml")
	os.WriteFile(file, []byte("[camera]\nsize = \"640x480\"\nfps = 15\n[register]\npath = \"reg.db\"\n"), 0o600)
	var ov config.Overrides
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	ov.Bind(fs, "size", "camera.size", "")
	ov.Bind(fs, "db", "register.path", "")
	ov.Bind(fs, "sound", "sound.enabled", "")
	ov.Bind(fs, "window", "kiosk.duplicate_window", "")
	if err := fs.Parse([]string{"--size", "1920x1080", "--db", "here.db", "--sound=false", "--window", "1m"}); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(file, getenv, ov.List()...)
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if c.Camera.Size != (config.Size{Width: 1920, Height: 1080}) || c.Camera.FPS != 15 ||
		c.Register.Path != filepath.Join(wd, "here.db") || c.Sound.Enabled || c.Kiosk.DuplicateWindow.Duration != time.Minute {
		t.Errorf("overrides not applied: %+v", c)
	}
	if c.Overridden["camera.size"] != "--size" || !ov.Has("register.path") || ov.Has("camera.fps") {
		t.Errorf("Overridden %v", c.Overridden)
	}
	// The bundle file defaults beside the register the flag named.
	if c.Trust.BundleFile != filepath.Join(wd, "bundle.bin") {
		t.Errorf("bundle file %s", c.Trust.BundleFile)
	}

	for _, tc := range []struct {
		over config.Override
		want string
	}{
		{config.Override{Key: "camera.size", Value: "12x", Flag: "--size"}, `--size ([camera] size) "12x": want WIDTHxHEIGHT`},
		{config.Override{Key: "camera.fps", Value: "500", Flag: "--fps"}, "--fps ([camera] fps) 500: want a whole number from 1 to 120"},
		{config.Override{Key: "camera.fps", Value: "fast", Flag: "--fps"}, `--fps ([camera] fps) "fast": want a whole number`},
		{config.Override{Key: "kiosk.language", Value: "fr", Flag: "--lang"}, `--lang ([kiosk] language) "fr": want "ko", "en"`},
		{config.Override{Key: "camera.replay", Value: "no/such/dir", Flag: "--replay"}, "--replay ([camera] replay)"},
		{config.Override{Key: "nope.key", Value: "1", Flag: "--nope"}, "is not a key"},
	} {
		_, err := config.Load(file, getenv, tc.over)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.over, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), file) {
			t.Errorf("%+v: the error names the file, not the flag: %v", tc.over, err)
		}
	}
}

// TestDemoIsAConfig: the demo is a valid configuration with its staff, and
// flags overlay it like any other.
func TestDemoIsAConfig(t *testing.T) {
	getenv, _ := env(t)
	c, err := config.Overlay(config.Demo(), getenv)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo || c.Register.Path != "" || !c.Kiosk.KioskMode || len(c.Staff) != 1 || !pin.Verify(c.Staff[0].PINHash, config.DemoPIN) {
		t.Errorf("demo: %+v", c)
	}
	if _, err := c.BundleKey(); err != nil {
		t.Errorf("demo bundle key: %v", err)
	}
	c, err = config.Overlay(config.Demo(), getenv, config.Override{Key: "register.path", Value: "/tmp/r.db", Flag: "--db"})
	if err != nil || c.Register.Path != "/tmp/r.db" {
		t.Errorf("demo --db: %v %s", err, c.Register.Path)
	}
}
