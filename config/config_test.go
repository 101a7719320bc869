package config_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/internal/pin"
)

// env is a getenv with HOME and XDG_STATE_HOME in a temporary directory.
func env(t *testing.T) (func(string) string, string) {
	t.Helper()
	dir := t.TempDir()
	vars := map[string]string{"HOME": dir, "XDG_STATE_HOME": filepath.Join(dir, "state")}
	return func(k string) string { return vars[k] }, dir
}

// resolved is Defaults with the paths Load derives from env.
func resolved(dir, file string) config.Config {
	c := config.Defaults()
	c.Register.Path = filepath.Join(dir, "state", "passgate", "register.db")
	c.Trust.BundleFile = filepath.Join(dir, "state", "passgate", "bundle.bin")
	c.File = file
	return c
}

func TestDefaults(t *testing.T) {
	c := config.Defaults()
	if c.Kiosk.VerdictSeconds != 5 || c.Kiosk.DuplicateWindow.Duration != 5*time.Minute ||
		c.Register.RetentionDays != 28 || c.Hub.PullEvery.Duration != 10*time.Minute ||
		c.Hub.PushEvery.Duration != 30*time.Second || c.Camera.Size != (config.Size{Width: 1280, Height: 720}) ||
		c.Camera.FPS != 30 || !c.Camera.Preview || !c.Sound.Enabled || c.Hook.Timeout.Duration != 2*time.Second ||
		c.Kiosk.KioskMode || c.Trust.BundleKey != "" || c.Hub.URL != "" {
		t.Errorf("Defaults() = %+v", c)
	}
}

// TestSampleIsDefaults keeps the sample and the code in step: the sample
// sets every key to its default.
func TestSampleIsDefaults(t *testing.T) {
	getenv, dir := env(t)
	file := filepath.Join(dir, "config.toml")
	got, err := config.Parse([]byte(config.Sample()), file, getenv)
	if err != nil {
		t.Fatalf("the sample does not load: %v", err)
	}
	if diff := cmp.Diff(resolved(dir, file), got); diff != "" {
		t.Errorf("sample differs from Defaults (-want +got):\n%s", diff)
	}
}

// TestSampleDocumentsEveryKey: a key the code knows but the sample omits
// would be undocumented.
func TestSampleDocumentsEveryKey(t *testing.T) {
	for _, k := range []string{"id", "name", "language", "kiosk_mode", "verdict_seconds", "duplicate_window", "idle_timeout", "time_zone", "clock_skew",
		"bundle_key", "bundle_file", "policy_preset", "path", "retention_days", "url", "token_file", "pull_every",
		"push_every", "device", "size", "fps", "preview", "enabled", "admit_wav", "refuse_wav", "command",
		"timeout", "pin_hash", "[[staff]]", "replay", "loop", "[log]", "level", "format"} {
		if !strings.Contains(config.Sample(), k) {
			t.Errorf("the sample does not mention %s", k)
		}
	}
}

func TestLoadSearch(t *testing.T) {
	getenv, dir := env(t)
	if _, err := os.Stat("/etc/passgate/config.toml"); err == nil {
		t.Skip("this machine has /etc/passgate/config.toml")
	}
	c, err := config.Load("", getenv)
	if err != nil {
		t.Fatalf("no file anywhere: %v", err)
	}
	if diff := cmp.Diff(resolved(dir, ""), c); diff != "" {
		t.Errorf("no file: not the defaults (-want +got):\n%s", diff)
	}

	user := filepath.Join(dir, ".config", "passgate", "config.toml")
	if got := config.Paths(getenv); !cmp.Equal(got, []string{user, "/etc/passgate/config.toml"}) {
		t.Errorf("Paths = %v", got)
	}
	if err := os.MkdirAll(filepath.Dir(user), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(user, []byte("[venue]\nname = \"Blue Note\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = config.Load("", getenv)
	if err != nil || c.Venue.Name != "Blue Note" || c.File != user {
		t.Errorf("Load found %q, name %q, err %v; want %s", c.File, c.Venue.Name, err, user)
	}

	if _, err := config.Load(filepath.Join(dir, "missing.toml"), getenv); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("explicit missing file: err %v, want ErrNotExist", err)
	}
	xdg := func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return "/srv/conf"
		}
		return getenv(k)
	}
	if got := config.Paths(xdg)[0]; got != "/srv/conf/passgate/config.toml" {
		t.Errorf("with XDG_CONFIG_HOME: %s", got)
	}
}

func TestLoadValues(t *testing.T) {
	getenv, dir := env(t)
	pub, _, _ := ed25519.GenerateKey(nil)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	keyFile := filepath.Join(dir, "keys", "bundle.pub")
	os.MkdirAll(filepath.Dir(keyFile), 0o700)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600)
	hash, err := pin.Hash("4821", bytes.NewReader(make([]byte, 16)))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "config.toml")
	doc := `
[venue]
id = "club-7"
name = "블루노트 홍대"
[kiosk]
language = "ko"
kiosk_mode = true
duplicate_window = "0s"
[trust]
bundle_key = "keys/bundle.pub"
policy_preset = "kr-2021-12"
[register]
path = "data/register.db"
retention_days = 14
[hub]
url = "https://hub.example.org:8443"
token_file = "/etc/passgate/token"
pull_every = "1d"
[camera]
size = "640x480"
[[staff]]
id = "kim"
name = "Kim Minji"
pin_hash = "` + hash + `"
`
	c, err := config.Parse([]byte(doc), file, getenv)
	if err != nil {
		t.Fatal(err)
	}
	want := resolved(dir, file)
	want.Venue = config.Venue{ID: "club-7", Name: "블루노트 홍대"}
	want.Kiosk.Language, want.Kiosk.KioskMode, want.Kiosk.DuplicateWindow = "ko", true, config.Duration{}
	want.Trust.BundleKey, want.Trust.PolicyPreset = "keys/bundle.pub", "kr-2021-12"
	want.Register = config.Register{Path: filepath.Join(dir, "data", "register.db"), RetentionDays: 14}
	want.Trust.BundleFile = filepath.Join(dir, "data", "bundle.bin")
	want.Hub = config.Hub{URL: "https://hub.example.org:8443", TokenFile: "/etc/passgate/token",
		PullEvery: config.Duration{Duration: 24 * time.Hour}, PushEvery: config.Duration{Duration: 30 * time.Second}}
	want.Camera.Size = config.Size{Width: 640, Height: 480}
	want.Staff = []config.Staff{{ID: "kim", Name: "Kim Minji", PINHash: hash}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	k, err := c.BundleKey()
	if err != nil || !k.Equal(pub) {
		t.Errorf("BundleKey from a PEM file: %v", err)
	}
	c.Trust.BundleKey = base64.StdEncoding.EncodeToString(pub)
	if k, err := c.BundleKey(); err != nil || !k.Equal(pub) {
		t.Errorf("BundleKey inline base64: %v", err)
	}
	c.Trust.BundleKey = ""
	if _, err := c.BundleKey(); !errors.Is(err, config.ErrNoBundleKey) {
		t.Errorf("empty bundle key: %v, want ErrNoBundleKey", err)
	}
}

func TestDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"14d": 14 * 24 * time.Hour, "0d": 0, "90s": 90 * time.Second, "1h30m": 90 * time.Minute} {
		var d config.Duration
		if err := d.UnmarshalText([]byte(in)); err != nil || d.Duration != want {
			t.Errorf("%s: %v, %v", in, d, err)
		}
	}
	for _, in := range []string{"", "14", "d", "-1d", "1.5d", "ten minutes", "5 m"} {
		var d config.Duration
		if err := d.UnmarshalText([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	if s := (config.Duration{Duration: 28 * 24 * time.Hour}).String(); s != "28d" {
		t.Errorf("String = %s", s)
	}
}
