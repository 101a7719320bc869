package cli

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/feedback"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/pin"
	"github.com/passgate/passgate/store"
	"github.com/passgate/passgate/ui"
	"github.com/passgate/passgate/uplink"
	"github.com/passgate/passgate/verify"
)

// screenFlags are the flags of `passgate` run as the kiosk screen.
var screenFlags = []string{"--demo", "-demo", "--config", "-config", "--db", "-db", "--lang", "-lang",
	"--camera", "-camera", "--size", "-size"}

func isScreenFlag(arg string) bool {
	name, _, _ := strings.Cut(arg, "=")
	for _, f := range screenFlags {
		if name == f {
			return true
		}
	}
	return false
}

// Screen runs `passgate [--config FILE | --demo [--db PATH]] [--lang ko|en]`:
// the kiosk screen, configured or the built-in demo.
func Screen(e *Env, args []string) int {
	c, _ := catalog(e, "")
	fs := newFlags(e, "", "[--config FILE | --demo [--db PATH]] [--lang ko|en]")
	demoMode := fs.Bool("demo", false, c.T("flag.headless.demo"))
	cfgPath := fs.String("config", "", c.T("flag.screen.config"))
	db := fs.String("db", "", c.T("flag.screen.db"))
	lang := fs.String("lang", "", c.T("flag.verify.lang"))
	cam := fs.String("camera", "", c.T("flag.watch.camera"))
	size := fs.String("size", "", c.T("flag.watch.size"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *lang != "" {
		lc, err := catalog(e, *lang)
		if err != nil {
			fmt.Fprintln(e.Stderr, "passgate:", c.T("cli.bad_lang", *lang))
			return ExitUsage
		}
		c = lc
	}
	if *demoMode || (*cfgPath == "" && !haveConfig(e)) {
		return demoScreen(e, c, *db)
	}
	cfg, err := config.Load(*cfgPath, e.Getenv)
	if err != nil {
		fmt.Fprintln(e.Stderr, "passgate:", err)
		return ExitUsage
	}
	var w, h int
	if *size != "" {
		if _, err := fmt.Sscanf(*size, "%dx%d", &w, &h); err != nil || w <= 0 || h <= 0 {
			fmt.Fprintln(e.Stderr, "passgate:", c.T("cli.bad_size", *size))
			return ExitUsage
		}
	}
	overrideConfig(&cfg, fs, *cam, w, h, *db)
	if *lang == "" && cfg.Kiosk.Language != "" {
		if lc, err := i18n.New(cfg.Kiosk.Language); err == nil {
			c = lc
		}
	}
	return configuredScreen(e, c, cfg)
}

// configured is a kiosk built from a configuration file.
type configured struct {
	*kiosk
	up       *uplink.Uplink
	feedback *feedback.Feedback
	guard    *pin.Guard
}

// openConfigured builds the kiosk a configuration describes: the register,
// the trust bundle (kept up to date by uplink when a hub is configured),
// the camera, staff PINs, sounds and the verdict hook.
func openConfigured(e *Env, c *i18n.Catalog, cfg config.Config) (_ *configured, err error) {
	key, err := cfg.BundleKey()
	if err != nil {
		return nil, err
	}
	k := &kiosk{Now: e.Now}
	defer func() {
		if err != nil {
			k.Close()
		}
	}()
	secret, err := k.openRegister(c, cfg.Register.Path)
	if err != nil {
		return nil, err
	}
	db := k.DB
	out := &configured{kiosk: k}

	var notify func()
	var sync checkin.Syncer
	if cfg.Hub.URL != "" {
		tok, err := os.ReadFile(cfg.Hub.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("[hub] token_file: %w", err)
		}
		out.up, err = uplink.New(uplink.Options{Hub: cfg.Hub.URL, Token: strings.TrimSpace(string(tok)), BundleKey: key,
			BundlePath: cfg.Trust.BundleFile, PullEvery: cfg.Hub.PullEvery.Duration, PushEvery: cfg.Hub.PushEvery.Duration,
			Now: k.Now}, register{db})
		if err != nil {
			return nil, err
		}
		k.Trust, notify = out.up.Trust, out.up.Notify
		sync = out.up
	} else {
		data, err := os.ReadFile(cfg.Trust.BundleFile)
		if err != nil {
			return nil, errors.New(c.T("cli.bundle", cfg.Trust.BundleFile, err))
		}
		b, err := bundle.Load(data, key, nil, k.Now())
		if err != nil && !errors.Is(err, bundle.ErrExpired) {
			return nil, errors.New(c.T("cli.bundle", cfg.Trust.BundleFile, err))
		}
		k.Trust = func() *bundle.Bundle { return b }
	}
	var policy *verify.Policy
	if cfg.Trust.PolicyPreset != "" {
		p, err := verify.Preset(cfg.Trust.PolicyPreset)
		if err != nil {
			return nil, err
		}
		policy = &p
	}
	desk, err := checkin.New(checkin.Options{Venue: cfg.Venue.ID, Kiosk: cfg.Kiosk.ID, Trust: k.Trust, Policy: policy,
		Register: db, Secret: secret, Window: cfg.Kiosk.DuplicateWindow.Duration, Now: k.Now, Rand: rand.Reader, Recorded: notify})
	if err != nil {
		return nil, err
	}
	devs := camera.NewDevices(k.Now)
	k.Kiosk = &checkin.Kiosk{Desk: desk, Sync: sync, Camera: &camera.Camera{Devices: devs,
		Config: camera.Config{Device: cfg.Camera.Device, Width: cfg.Camera.Size.Width, Height: cfg.Camera.Size.Height, FPS: float64(cfg.Camera.FPS)}}}

	hashes := map[string]string{}
	for _, s := range cfg.Staff {
		hashes[s.ID] = s.PINHash
	}
	out.guard = pin.NewGuard(hashes, pin.DefaultLimits())
	fo := feedback.Options{Sound: cfg.Sound.Enabled, Hook: cfg.Hook.Command, HookTimeout: cfg.Hook.Timeout.Duration}
	for _, w := range []struct {
		path string
		to   *[]byte
	}{{cfg.Sound.AdmitWAV, &fo.AdmitWAV}, {cfg.Sound.RefuseWAV, &fo.RefuseWAV}} {
		if w.path == "" {
			continue
		}
		if *w.to, err = os.ReadFile(w.path); err != nil {
			return nil, fmt.Errorf("[sound]: %w", err)
		}
	}
	out.feedback = feedback.New(fo)
	return out, nil
}

// configuredScreen runs the configured kiosk on the screen, with sync in
// the same process (the register allows one).
func configuredScreen(e *Env, c *i18n.Catalog, cfg config.Config) int {
	k, err := openConfigured(e, c, cfg)
	if err != nil {
		fmt.Fprintln(e.Stderr, "passgate:", err)
		return ExitNotValid
	}
	defer k.Close()
	ctx := e.ctx()
	var sync func() *uplink.State
	if k.up != nil {
		sync = func() *uplink.State { st := k.up.State(); return &st }
	}
	defer k.feedback.Wait()
	var pins ui.PINChecker
	if len(cfg.Staff) > 0 {
		pins = k.guard
	}
	var syncNow func()
	if k.up != nil {
		syncNow = k.up.Notify
	}
	preview := 10.0
	if !cfg.Camera.Preview {
		preview = -1
	}
	retention := time.Duration(cfg.Register.RetentionDays) * 24 * time.Hour
	err = ui.Run(ctx, ui.Options{
		Kiosk: k.Kiosk, Venue: cfg.Venue.Name, Lang: c.Lang, Locked: cfg.Kiosk.KioskMode, PINs: pins,
		Trust: k.Trust, Sync: sync, Now: k.Now, Stats: func() string { return kioskStats(c, k.kiosk) },
		SyncNow: syncNow, Purge: purgeFunc(k.kiosk, retention),
		Cameras:    func() []string { return cameraLabels(k.Kiosk.Camera.Devices) },
		SetCamera:  func(dev string) error { return switchCamera(k.Kiosk, dev) },
		ClearAfter: time.Duration(cfg.Kiosk.VerdictSeconds) * time.Second, PreviewFPS: preview,
		OnOutcome: k.feedback.Outcome,
	})
	if err != nil {
		fmt.Fprintln(e.Stderr, "passgate:", err)
		return ExitNotValid
	}
	return ExitOK
}

// purgeFunc is "purge register" of the admin menu: the entries older than
// the retention (store.DefaultRetention when 0) that the hub holds.
func purgeFunc(k *kiosk, retention time.Duration) func() (int, int, error) {
	if retention <= 0 {
		retention = store.DefaultRetention
	}
	return func() (int, int, error) { return k.DB.Purge(k.Now().Add(-retention)) }
}

// cameraLabels lists the webcams the admin menu offers (replays are the
// demo's and tests').
func cameraLabels(devs *camera.Devices) []string {
	if !camera.WebcamSupport() {
		return nil
	}
	var out []string
	for _, d := range devs.List() {
		if !d.Replay {
			out = append(out, d.Label)
		}
	}
	return out
}

// switchCamera is the admin menu's camera choice: checked against the
// devices present, then used at once by the running kiosk. Nothing is
// written: the screen tells staff to put it in the configuration's
// [camera] device to keep it after a restart.
func switchCamera(k *checkin.Kiosk, label string) error {
	for _, d := range k.Camera.Devices.List() {
		if d.Label == label {
			if d.Err != nil {
				return d.Err
			}
			return k.SwitchCamera(label)
		}
	}
	return fmt.Errorf("no device %q", label)
}

// overrideConfig lets flags given on the command line win over the
// configuration file: the camera, its size and the register.
func overrideConfig(cfg *config.Config, fs *flag.FlagSet, camera string, w, h int, db string) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["camera"] {
		cfg.Camera.Device = camera
	}
	if set["size"] && w > 0 && h > 0 {
		cfg.Camera.Size = config.Size{Width: w, Height: h}
	}
	if set["db"] && db != "" {
		cfg.Register.Path = db
	}
}
