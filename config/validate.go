package config

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/passgate/passgate/assets"
	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/pemfile"
	"github.com/passgate/passgate/internal/pin"
	"github.com/passgate/passgate/internal/presets"
)

// ErrNoBundleKey means [trust] bundle_key is empty: fine for the demo, not
// for a real kiosk.
var ErrNoBundleKey = errors.New("is empty: give the hub's bundle-signing public key")

// wantFor is the allowed-values text of a key ("staff.2.id" → "staff.id").
func wantFor(key string) string {
	parts := strings.Split(key, ".")
	k := parts[0] + "." + parts[len(parts)-1]
	if k == "trust.policy_preset" {
		return fmt.Sprintf(allowed[k], strings.Join(presets.Names(), ", "))
	}
	return allowed[k]
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9._-]{0,64}$`)

func isText(s string) bool {
	return utf8.RuneCountInString(s) <= 80 && !strings.ContainsFunc(s, unicode.IsControl)
}

// validate checks every key and returns all problems at once.
func (c *Config) validate() error {
	var errs []error
	bad := func(key string, value any) {
		v := fmt.Sprint(value)
		if s, ok := value.(string); ok {
			v = fmt.Sprintf("%q", s)
		}
		errs = append(errs, &Error{File: c.File, Key: key, Msg: v + ": want " + wantFor(key)})
	}
	between := func(key string, d Duration, lo, hi time.Duration) {
		if d.Duration < lo || d.Duration > hi {
			bad(key, d.String())
		}
	}
	file := func(key, p string) {
		if p == "" {
			return
		}
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
			bad(key, p)
		}
	}

	if !idRE.MatchString(c.Venue.ID) {
		bad("venue.id", c.Venue.ID)
	}
	if !isText(c.Venue.Name) {
		bad("venue.name", c.Venue.Name)
	}
	if !idRE.MatchString(c.Kiosk.ID) {
		bad("kiosk.id", c.Kiosk.ID)
	}
	if c.Kiosk.Language != "" && !slices.Contains(assets.Languages(), c.Kiosk.Language) {
		bad("kiosk.language", c.Kiosk.Language)
	}
	if c.Kiosk.VerdictSeconds < 1 || c.Kiosk.VerdictSeconds > 600 {
		bad("kiosk.verdict_seconds", c.Kiosk.VerdictSeconds)
	}
	between("kiosk.duplicate_window", c.Kiosk.DuplicateWindow, 0, 24*time.Hour)
	between("kiosk.pair_window", c.Kiosk.PairWindow, 10*time.Second, 10*time.Minute)
	between("kiosk.idle_timeout", c.Kiosk.IdleTimeout, 10*time.Second, time.Hour)
	if _, err := c.Location(); err != nil {
		bad("kiosk.time_zone", c.Kiosk.TimeZone)
	}
	between("kiosk.clock_skew", c.Kiosk.ClockSkew, 10*time.Second, 24*time.Hour)
	if c.Kiosk.KioskMode && len(c.Staff) == 0 {
		errs = append(errs, &Error{File: c.File, Key: "kiosk.kiosk_mode",
			Msg: "is true but there is no [[staff]] with a PIN: nobody could quit; add staff or set it to false"})
	}

	if c.Trust.BundleKey != "" {
		if _, err := c.BundleKey(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Trust.PolicyPreset != "" && !slices.Contains(presets.Names(), c.Trust.PolicyPreset) {
		bad("trust.policy_preset", c.Trust.PolicyPreset)
	}

	if c.Register.RetentionDays < 1 || c.Register.RetentionDays > 3650 {
		bad("register.retention_days", c.Register.RetentionDays)
	}

	if c.Hub.URL != "" {
		hubs := strings.FieldsFunc(c.Hub.URL, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
		for _, h := range hubs {
			u, err := url.Parse(h)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad("hub.url", c.Hub.URL)
				break
			}
		}
		if len(hubs) == 0 {
			bad("hub.url", c.Hub.URL)
		}
		if c.Hub.TokenFile == "" {
			errs = append(errs, &Error{File: c.File, Key: "hub.token_file",
				Msg: "is empty but [hub] url is set: want " + wantFor("hub.token_file")})
		}
	}
	between("hub.pull_every", c.Hub.PullEvery, time.Minute, 7*24*time.Hour)
	between("hub.push_every", c.Hub.PushEvery, time.Second, time.Hour)
	if c.Hub.OtherDoorsEvery.Duration != 0 {
		between("hub.other_doors_every", c.Hub.OtherDoorsEvery, time.Second, 10*time.Minute)
	}

	if c.Camera.FPS < 1 || c.Camera.FPS > 120 {
		bad("camera.fps", c.Camera.FPS)
	}
	if p := c.Camera.Replay; p != "" {
		if _, err := os.Stat(p); err != nil {
			bad("camera.replay", p)
		}
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		bad("log.level", c.Log.Level)
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		bad("log.format", c.Log.Format)
	}

	file("sound.admit_wav", c.Sound.AdmitWAV)
	file("sound.refuse_wav", c.Sound.RefuseWAV)

	between("hook.timeout", c.Hook.Timeout, 100*time.Millisecond, time.Minute)

	seen := map[string]bool{}
	for i, s := range c.Staff {
		key := func(k string) string { return fmt.Sprintf("staff.%d.%s", i+1, k) }
		if s.ID == "" || !idRE.MatchString(s.ID) || seen[s.ID] {
			bad(key("id"), s.ID)
		}
		seen[s.ID] = true
		if !isText(s.Name) {
			bad(key("name"), s.Name)
		}
		if err := pin.Validate(s.PINHash); err != nil {
			errs = append(errs, &Error{File: c.File, Key: key("pin_hash"),
				Msg: fmt.Sprintf("%v: want %s", err, wantFor("staff.pin_hash"))})
		}
	}
	for _, err := range errs {
		var e *Error
		if errors.As(err, &e) && c.Overridden[e.Key] != "" {
			e.Flag = c.Overridden[e.Key]
		}
	}
	return errors.Join(errs...)
}

// BundleKey reads the pinned bundle-signing key of [trust] bundle_key:
// inline base64 or PEM, else a PEM or base64 file (relative to the config
// file). The error is an *Error; it wraps ErrNoBundleKey when the key is
// empty, which only the demo may ignore.
func (c Config) BundleKey() (ed25519.PublicKey, error) {
	s := strings.TrimSpace(c.Trust.BundleKey)
	fail := func(msg string, err error) error {
		return &Error{File: c.File, Key: "trust.bundle_key", Msg: msg, err: err}
	}
	if s == "" {
		return nil, fail(ErrNoBundleKey.Error()+" ("+wantFor("trust.bundle_key")+")", ErrNoBundleKey)
	}
	dir := ""
	if c.File != "" {
		dir = filepath.Dir(c.File)
	}
	k, err := pemfile.ReadKey(s, dir, bundle.ParseKey)
	if err != nil {
		return nil, fail(fmt.Sprintf("%v: want %s", err, wantFor("trust.bundle_key")), err)
	}
	return k, nil
}
