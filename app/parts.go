package app

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/feedback"
	"github.com/passgate/passgate/internal/demo"
	"github.com/passgate/passgate/internal/pin"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/rules"
	"github.com/passgate/passgate/store"
	"github.com/passgate/passgate/uplink"
)

// openRegister opens the register, making it when it is missing.
func (a *App) openRegister() error {
	path := a.Config.Register.Path
	db, err := store.Open(store.Options{Path: path, Now: a.Now, Location: a.Location})
	if err != nil {
		return StoreErr(a.Cat, path, err)
	}
	a.onClose(db.Close)
	a.Register = db
	return nil
}

// openExistingRegister opens the register for the register commands: they
// look at the kiosk's register, they never make one.
func (a *App) openExistingRegister() error {
	path := a.Config.Register.Path
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s", a.Cat.T("cli.register_missing", path))
	}
	return a.openRegister()
}

// openTrust finds the bundle the desk judges with: the demo's, the hub's
// through uplink (which keeps it in [trust] bundle_file), or the file.
func (a *App) openTrust() error {
	cfg := a.Config
	if cfg.Demo {
		b, err := demo.Bundle(a.Now())
		if err != nil && !errors.Is(err, bundle.ErrExpired) {
			return err
		}
		a.Trust = func() *bundle.Bundle { return b }
		return nil
	}
	key, err := cfg.BundleKey()
	if err != nil {
		if errors.Is(err, config.ErrNoBundleKey) {
			return a.missing("trust.bundle_key")
		}
		return setupErr(err)
	}
	if cfg.Hub.URL != "" {
		return a.openUplink(key)
	}
	data, err := os.ReadFile(cfg.Trust.BundleFile)
	if errors.Is(err, fs.ErrNotExist) {
		return a.missingFile("trust.bundle_file", cfg.Trust.BundleFile)
	}
	if err != nil {
		return setupErr(fmt.Errorf("%s", a.Cat.T("cli.bundle", cfg.Trust.BundleFile, err)))
	}
	b, err := bundle.Load(data, key, nil, a.Now())
	switch {
	case errors.Is(err, bundle.ErrExpired):
		// Still the best trust there is: the screen shows it stale.
		a.Log.Warn("trust bundle expired: verdicts may be out of date", "file", cfg.Trust.BundleFile,
			"sequence", b.Sequence(), "valid_until", b.ValidUntil())
		fmt.Fprintln(a.env.Stderr, a.Cat.T("cli.bundle_stale", err))
	case err != nil:
		return setupErr(fmt.Errorf("%s", a.Cat.T("cli.bundle", cfg.Trust.BundleFile, err)))
	default:
		a.Log.Info("trust bundle loaded", "file", cfg.Trust.BundleFile, "sequence", b.Sequence(), "valid_until", b.ValidUntil())
	}
	a.Trust = func() *bundle.Bundle { return b }
	return nil
}

// openUplink builds the sync with the hub; its bundle is the trust.
func (a *App) openUplink(key []byte) error {
	cfg := a.Config
	// The hub takes entries of its kiosk's venue only: a kiosk that
	// records them must say whose they are. (sync only carries them.)
	if a.Mode.kiosk() && cfg.Venue.ID == "" {
		return a.missing("venue.id")
	}
	if a.Mode.kiosk() && cfg.Kiosk.ID == "" {
		return a.missing("kiosk.id")
	}
	// The token is the kiosk's key to the hub: like an ssh key, a file
	// others may read is refused.
	if st, err := os.Stat(cfg.Hub.TokenFile); err == nil && st.Mode().Perm()&0o077 != 0 {
		return setupErr(fmt.Errorf("%s", a.Cat.T("app.token_mode", cfg.Hub.TokenFile, st.Mode().Perm())))
	}
	tok, err := os.ReadFile(cfg.Hub.TokenFile)
	if err != nil {
		return setupErr(fmt.Errorf("%s", a.Cat.T("app.token_file", cfg.Hub.TokenFile, err, a.where("hub.token_file"))))
	}
	token := strings.TrimSpace(string(tok))
	if token == "" {
		return setupErr(fmt.Errorf("%s", a.Cat.T("app.token_empty", cfg.Hub.TokenFile)))
	}
	up, err := uplink.New(uplink.Options{Hub: cfg.Hub.URL, Token: token, BundleKey: key,
		BundlePath: cfg.Trust.BundleFile, PullEvery: cfg.Hub.PullEvery.Duration, PushEvery: cfg.Hub.PushEvery.Duration,
		Now: a.Now, Report: a.report, Log: a.Log.With("part", "uplink")}, register{a.Register})
	if err != nil {
		return setupErr(err)
	}
	a.Uplink = up
	a.Trust = up.Trust
	return nil
}

// openDesk builds the desk on the register and the trust.
func (a *App) openDesk() error {
	cfg := a.Config
	secret, err := a.venueSecret()
	if err != nil {
		return err
	}
	a.Doors = a.otherDoors()
	var policy *rules.Policy
	if cfg.Trust.PolicyPreset != "" {
		if policy, err = presets.Load(cfg.Trust.PolicyPreset); err != nil {
			return setupErr(err)
		}
	}
	var recorded func()
	if a.Uplink != nil {
		recorded = a.Uplink.Notify
	}
	a.Desk, err = checkin.New(checkin.Options{Venue: a.venue(), Kiosk: a.kioskID(), Trust: a.Trust, Policy: policy,
		Lang: a.Cat.Lang, PairWindow: cfg.Kiosk.PairWindow.Duration,
		Register: a.Register, Secret: secret, OtherDoors: a.Doors, Window: cfg.Kiosk.DuplicateWindow.Duration, Now: a.Now,
		Rand: rand.Reader, Recorded: recorded, Log: a.Log.With("part", "desk"), Clock: a.clockCheck(), Location: a.Location})
	return err
}

// openCamera chooses the frame source: the demo's replay, [camera] replay,
// or the webcam of [camera] device.
func (a *App) openCamera() error {
	cfg := a.Config.Camera
	a.Devices = camera.NewDevices(a.Now)
	cc := camera.Config{Device: cfg.Device, Width: cfg.Size.Width, Height: cfg.Size.Height, FPS: float64(cfg.FPS)}
	switch {
	case a.Config.Demo && cfg.Replay == "" && cfg.Device == "":
		label, err := demo.Replay(a.Devices, float64(cfg.FPS))
		if err != nil {
			return err
		}
		cc.Device, cc.Width, cc.Height = label, 0, 0
	case cfg.Replay != "":
		clip, err := OpenClip(cfg.Replay)
		if errors.Is(err, ErrNoImages) {
			err = errors.New(a.Cat.T("app.no_images"))
		}
		if err != nil {
			return setupErr(fmt.Errorf("%s", a.Cat.T("cli.replay", cfg.Replay, err)))
		}
		a.onClose(clip.Close)
		if cc.Device, err = a.Devices.AddReplay(filepath.Base(cfg.Replay), clip, camera.ReplayOptions{FPS: float64(cfg.FPS), Loop: cfg.Loop}); err != nil {
			return setupErr(fmt.Errorf("%s", a.Cat.T("cli.replay", cfg.Replay, err)))
		}
		cc.Width, cc.Height = clip.Size()
	}
	a.Camera = &camera.Camera{Devices: a.Devices, Config: cc, OnStatus: a.camera.set}
	return nil
}

// openKiosk wires the camera and the sync to the desk.
func (a *App) openKiosk() error {
	k := &checkin.Kiosk{Desk: a.Desk, Camera: a.Camera, Log: a.Log.With("part", "kiosk")}
	switch {
	case a.Doors != nil:
		k.Sync = venueSync{up: a.Uplink, doors: a.Doors, every: a.Config.Hub.OtherDoorsEvery.Duration,
			window: a.Desk.Window(), now: a.Now}
	case a.Uplink != nil:
		k.Sync = a.Uplink
	}
	if a.Mode == ModeScreen && a.Config.Camera.Preview {
		k.PreviewFPS = previewFPS
	}
	a.Kiosk = k
	return nil
}

// previewFPS is the rate of the screen's camera preview.
const previewFPS = 10.0

// openFeedback builds the sounds and the hook; their failures are logged.
func (a *App) openFeedback() error {
	cfg := a.Config
	log := a.Log.With("part", "feedback")
	fo := feedback.Options{Sound: cfg.Sound.Enabled, Hook: cfg.Hook.Command, HookTimeout: cfg.Hook.Timeout.Duration,
		Errors: func(err error) { log.Warn("sound or hook failed", "err", err) }}
	if a.Mode == ModeHeadless {
		fo.Bell = a.env.Stderr
	}
	for _, w := range []struct {
		key, path string
		to        *[]byte
	}{{"sound.admit_wav", cfg.Sound.AdmitWAV, &fo.AdmitWAV}, {"sound.refuse_wav", cfg.Sound.RefuseWAV, &fo.RefuseWAV}} {
		if w.path == "" {
			continue
		}
		var err error
		if *w.to, err = os.ReadFile(w.path); err != nil {
			return setupErr(fmt.Errorf("%s: %w", a.where(w.key), err))
		}
	}
	a.Feedback = feedback.New(fo)
	return nil
}

// openPINs builds the guard of the staff PINs.
func (a *App) openPINs() error {
	if len(a.Config.Staff) == 0 {
		return nil
	}
	hashes := map[string]string{}
	for _, s := range a.Config.Staff {
		hashes[s.ID] = s.PINHash
	}
	a.PINs = pin.NewGuard(hashes, pin.DefaultLimits())
	return nil
}

// Stats is the register's figures for the admin menu.
func (a *App) Stats() string {
	st, err := a.Register.Stats()
	if err != nil {
		a.Log.Error("register stats failed", "err", err)
		return err.Error()
	}
	return a.Cat.T("cli.stats_entries", st.Total, st.Pending) + "\n" + CountsLine(a.Cat, a.Cat.T("cli.stats_today"), st.Today)
}

// SwitchCamera is the admin menu's camera choice: checked against the
// devices present, then used at once by the running kiosk. Nothing is
// written: the screen tells staff to put it in [camera] device to keep it.
func (a *App) SwitchCamera(label string) error {
	for _, d := range a.Devices.List() {
		if d.Label == label {
			if d.Err != nil {
				return d.Err
			}
			return a.Kiosk.SwitchCamera(label)
		}
	}
	return fmt.Errorf("%s", a.Cat.T("app.no_device", label))
}

// CameraLabels lists the webcams the admin menu offers (replays are the
// demo's and tests').
func (a *App) CameraLabels() []string {
	if !camera.WebcamSupport() {
		return nil
	}
	var out []string
	for _, d := range a.Devices.List() {
		if !d.Replay {
			out = append(out, d.Label)
		}
	}
	return out
}
