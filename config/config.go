// Package config reads passgate's one configuration file (TOML): venue and
// kiosk identity, trust, register, hub, camera, sound, verdict hook and
// staff PIN hashes. Every key has a safe default, so no file at all is a
// valid setup (the demo); every key is documented in Sample, which
// `passgate init` writes. A bad value is an *Error naming the key and what
// is allowed.
//
// It must not start anything: it reads files (the config, the bundle key)
// and returns values. Flags override the result in the caller. No global
// state: the environment is passed in as getenv.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/passgate/passgate/store"
)

// Config is the whole configuration. The zero value is not useful: start
// from Defaults or Load.
type Config struct {
	Venue    Venue    `toml:"venue"`
	Kiosk    Kiosk    `toml:"kiosk"`
	Trust    Trust    `toml:"trust"`
	Register Register `toml:"register"`
	Hub      Hub      `toml:"hub"`
	Camera   Camera   `toml:"camera"`
	Sound    Sound    `toml:"sound"`
	Hook     Hook     `toml:"hook"`
	Log      Log      `toml:"log"`
	Staff    []Staff  `toml:"staff"`

	// File is the path the configuration was read from; "" when no file
	// was found and the defaults are in use (the demo).
	File string `toml:"-"`
	// Demo marks the built-in demo (see Demo): its trust bundle, camera
	// and clock are the embedded ones instead of [trust], [camera] and the
	// wall clock. Never set by a file.
	Demo bool `toml:"-"`
	// Overridden maps each key a flag set (see Override) to that flag, so
	// an error names what the user typed.
	Overridden map[string]string `toml:"-"`
}

// Venue is the place the kiosk guards.
type Venue struct {
	ID   string `toml:"id"`   // the hub's id of the venue
	Name string `toml:"name"` // shown in the header
	// SecretFile, when set, holds the venue's pseudonym secret, shared by
	// all its doors (made by passctl venue-secret): a guest gets the same
	// holder pseudonym at every door. "": the register's own.
	SecretFile string `toml:"secret_file"`
}

// Kiosk is this device and how its screen behaves.
type Kiosk struct {
	ID string `toml:"id"` // the hub's id of this kiosk
	// Language is "ko", "en", or "" to follow the locale.
	Language string `toml:"language"`
	// KioskMode makes quitting ask for a staff PIN.
	KioskMode bool `toml:"kiosk_mode"`
	// VerdictSeconds is how long a verdict stays on screen.
	VerdictSeconds int `toml:"verdict_seconds"`
	// DuplicateWindow is how long a pass scanned again counts as the same
	// guest (not recorded twice); 0 records every scan.
	DuplicateWindow Duration `toml:"duplicate_window"`
	// PairWindow is how long a pass that admits only with a second pass of
	// the same holder (2G+) waits for it.
	PairWindow Duration `toml:"pair_window"`
	// IdleTimeout is how long the admin menu and the manual form stay open
	// without a key pressed; they then close by themselves (and opening
	// them again asks for the PIN again).
	IdleTimeout Duration `toml:"idle_timeout"`
	// TimeZone is the IANA name of the zone times are shown in (the
	// header's clock, a test's sample time, the register commands);
	// "" is the system's (time.Local). Location resolves it.
	TimeZone string `toml:"time_zone"`
	// ClockSkew is how far the kiosk's clock may be off the hub's Date
	// before the kiosk calls its clock wrong and stops judging passes by
	// time (internal/clockcheck).
	ClockSkew Duration `toml:"clock_skew"`
}

// Trust is where the trust bundle comes from.
type Trust struct {
	// BundleKey is the pinned bundle-signing public key: base64 (as
	// passctl keygen prints it) or the path of a PEM file. Required
	// outside the demo; see Config.BundleKey.
	BundleKey string `toml:"bundle_key"`
	// BundleFile is the trust bundle in use; Load defaults it to
	// bundle.bin beside the register.
	BundleFile string `toml:"bundle_file"`
	// PolicyPreset is "" for the bundle's policy, else one of
	// presets.Names().
	PolicyPreset string `toml:"policy_preset"`
}

// Register is the entry register on this kiosk.
type Register struct {
	// Path defaults to store.DefaultPath.
	Path string `toml:"path"`
	// RetentionDays is how many days entries are kept (once the hub holds
	// them).
	RetentionDays int `toml:"retention_days"`
}

// Hub is the server the register is pushed to and the bundle pulled from.
type Hub struct {
	URL       string   `toml:"url"`        // "" works offline only; several replicas separated by commas
	TokenFile string   `toml:"token_file"` // the kiosk's bearer token
	PullEvery Duration `toml:"pull_every"`
	PushEvery Duration `toml:"push_every"`
	// OtherDoorsEvery, when set, is how often the kiosk asks the hub whom
	// the venue's other doors let in lately, so a guest who came in at
	// another door is counted once; 0 (a one-door venue) never asks.
	OtherDoorsEvery Duration `toml:"other_doors_every"`
}

// Camera is the camera and its preview.
type Camera struct {
	Device string `toml:"device"` // "" is the first camera
	// Replay, when set, is a Y4M video or a directory of images played
	// instead of a camera (testing a kiosk, a demo at a fair).
	Replay  string `toml:"replay"`
	Loop    bool   `toml:"loop"` // play the replay again and again
	Size    Size   `toml:"size"`
	FPS     int    `toml:"fps"`
	Preview bool   `toml:"preview"`
}

// Sound is the admit and refuse sounds; "" files are the embedded ones.
type Sound struct {
	Enabled  bool   `toml:"enabled"`
	AdmitWAV string `toml:"admit_wav"`
	// RefuseWAV is played on a refusal.
	RefuseWAV string `toml:"refuse_wav"`
}

// Hook is a command run after each verdict with the outcome as JSON on
// its standard input, e.g. to open a door relay.
type Hook struct {
	// Command is run by /bin/sh -c; "" runs nothing.
	Command string   `toml:"command"`
	Timeout Duration `toml:"timeout"`
}

// Log is the kiosk's log: sync rounds, bundle swaps, camera and register
// trouble, staff actions. It never holds a holder's name, date of birth,
// UVCI or pass text.
type Log struct {
	Level  string `toml:"level"`  // "debug", "info", "warn" or "error"
	File   string `toml:"file"`   // "" = standard error (systemd's journal)
	Format string `toml:"format"` // "text" or "json"
}

// Staff is one person who may confirm manual entries and use the admin
// screen.
type Staff struct {
	ID   string `toml:"id"`
	Name string `toml:"name"`
	// PINHash is the argon2id PHC string `passgate pin-hash` prints.
	PINHash string `toml:"pin_hash"`
}

// Defaults returns the configuration used for keys a file leaves out.
// Register.Path and Trust.BundleFile are "" here: Load derives them from
// the environment.
func Defaults() Config {
	return Config{
		Kiosk: Kiosk{
			VerdictSeconds:  5,
			DuplicateWindow: Duration{5 * time.Minute},
			PairWindow:      Duration{time.Minute},
			IdleTimeout:     Duration{time.Minute},
			ClockSkew:       Duration{10 * time.Minute},
		},
		Register: Register{RetentionDays: 28},
		Hub: Hub{
			PullEvery: Duration{10 * time.Minute},
			PushEvery: Duration{30 * time.Second},
		},
		Camera: Camera{Size: Size{1280, 720}, FPS: 30, Preview: true},
		Sound:  Sound{Enabled: true},
		Hook:   Hook{Timeout: Duration{2 * time.Second}},
		Log:    Log{Level: "info", Format: "text"},
	}
}

// Paths lists where Load looks when no path is given, in order; the first
// file that exists is used:
//
//  1. $XDG_CONFIG_HOME/passgate/config.toml, or ~/.config/passgate/config.toml
//     when XDG_CONFIG_HOME is unset (a user's own kiosk);
//  2. /etc/passgate/config.toml (a system install, e.g. the systemd unit).
func Paths(getenv func(string) string) []string {
	var ps []string
	if d := getenv("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		ps = append(ps, filepath.Join(d, "passgate", "config.toml"))
	} else if h := getenv("HOME"); h != "" {
		ps = append(ps, filepath.Join(h, ".config", "passgate", "config.toml"))
	}
	return append(ps, "/etc/passgate/config.toml")
}

// Load reads the configuration from path, then lets the overrides (flags
// given on the command line) win over the keys they name. With path "" it
// tries Paths in order and, if none exists, uses the defaults with File ""
// (the demo, unless the caller decides otherwise); a path given
// explicitly must exist. Relative paths inside the file are taken from the
// file's directory, those of overrides from the working directory.
func Load(path string, getenv func(string) string, over ...Override) (Config, error) {
	if path == "" {
		path = Find(getenv)
	}
	if path == "" {
		return Overlay(Defaults(), getenv, over...)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("reading the configuration: %w", err)
	}
	return parse(b, path, getenv, over)
}

// Find returns the first of Paths that exists, or "".
func Find(getenv func(string) string) string {
	for _, p := range Paths(getenv) {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			return p
		}
	}
	return ""
}

// Parse reads a configuration from data, which came from file (used in
// errors and to resolve relative paths; "" for the working directory).
func Parse(data []byte, file string, getenv func(string) string) (Config, error) {
	return parse(data, file, getenv, nil)
}

func parse(data []byte, file string, getenv func(string) string, over []Override) (Config, error) {
	c := Defaults()
	if err := decode(data, file, &c); err != nil {
		return Config{}, err
	}
	c.File = file
	return Overlay(c, getenv, over...)
}

// Overlay applies the overrides to c, fills in the defaults that depend on
// the environment, and checks every key: the last step of Load, and how
// the demo (Demo) takes flags.
func Overlay(c Config, getenv func(string) string, over ...Override) (Config, error) {
	if err := c.apply(over); err != nil {
		return Config{}, err
	}
	if err := c.resolve(getenv); err != nil {
		return Config{}, err
	}
	if err := c.validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// resolve fills in the defaults that depend on the environment and makes
// the file paths absolute.
func (c *Config) resolve(getenv func(string) string) error {
	dir := "."
	if c.File != "" {
		dir = filepath.Dir(c.File)
	}
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	abs(&c.Register.Path)
	abs(&c.Trust.BundleFile)
	abs(&c.Hub.TokenFile)
	abs(&c.Venue.SecretFile)
	abs(&c.Sound.AdmitWAV)
	abs(&c.Sound.RefuseWAV)
	abs(&c.Camera.Replay)
	abs(&c.Log.File)
	if c.Demo {
		return nil // the demo's register is a temporary one unless a flag names one
	}
	if c.Register.Path == "" {
		p, err := store.DefaultPath(getenv)
		if err != nil {
			return &Error{File: c.File, Key: "register.path", Msg: "is empty and " + err.Error()}
		}
		c.Register.Path = p
	}
	if c.Trust.BundleFile == "" {
		c.Trust.BundleFile = filepath.Join(filepath.Dir(c.Register.Path), "bundle.bin")
	}
	return nil
}
