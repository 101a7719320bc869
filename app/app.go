// Package app is the one place that builds a passgate kiosk from a
// config.Config: the logger, the register, the trust bundle (a file, the
// hub through uplink, or the demo's), the desk, the camera or replay with
// its scanner, the sounds and verdict hook, and the staff PINs. Every mode
// of the passgate binary goes through Open, the built-in demo too (it is a
// config.Config like any other, see config.Demo); a mode differs only in
// what it runs (Screen, Headless, Sync, SyncOnce, Watch) and in which parts
// it needs, never in how a part is made.
//
// It owns the environment a command runs in (Env), the passgate flags that
// override configuration keys (BindFlags), and the words of setup errors.
// The commands in cmd/passgate call it; it never calls them.
package app

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/feedback"
	"github.com/passgate/passgate/internal/clockcheck"
	"github.com/passgate/passgate/internal/demo"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/pin"
	"github.com/passgate/passgate/store"
	"github.com/passgate/passgate/uplink"
)

// Mode is what an App is opened for; it decides which parts are built.
type Mode int

// The modes of passgate.
const (
	// ModeScreen and ModeHeadless build the whole kiosk: register, trust,
	// desk, camera, sync with the hub when one is configured, sounds,
	// hook and staff PINs.
	ModeScreen Mode = iota + 1
	ModeHeadless
	// ModeSync builds the register and the uplink: a hub is required.
	ModeSync
	// ModeWatch builds the camera (or replay) only.
	ModeWatch
	// ModeRegister opens the existing register only; it never makes one.
	ModeRegister
)

func (m Mode) kiosk() bool { return m == ModeScreen || m == ModeHeadless }

// App is a kiosk built from one configuration. Its parts are exported for
// the commands that use them; nil when the mode does not need them.
type App struct {
	Config config.Config
	Mode   Mode
	Cat    *i18n.Catalog
	Log    *slog.Logger
	// Now is the clock of verdicts and entries: the environment's, or the
	// demo's.
	Now func() time.Time
	// Location is the time zone times are shown in: [kiosk] time_zone,
	// else the zone of Now's readings (the system's, time.Local).
	Location *time.Location
	// Clock checks Now against what the kiosk knows of the true time
	// (clock.go); nil in the demo, whose clock is set on purpose.
	Clock *clockcheck.Checker

	Register *store.DB
	// TempDir holds the demo's temporary register (and log); Close
	// removes it. "" when the register is a real one.
	TempDir string
	// Trust returns the bundle in use (nil before the first one).
	Trust  func() *bundle.Bundle
	Uplink *uplink.Uplink // with [hub] url
	Desk   *checkin.Desk
	Kiosk  *checkin.Kiosk
	// Devices and Camera are the video devices and the camera (or replay)
	// the kiosk reads; Watch runs Camera itself.
	Devices  *camera.Devices
	Camera   *camera.Camera
	Feedback *feedback.Feedback
	// PINs checks staff PINs; nil without [[staff]].
	PINs *pin.Guard
	// Doors is whom the venue's other doors let in lately, from the hub;
	// nil unless [hub] other_doors_every is set (doors.go).
	Doors *checkin.OtherDoors

	env     *Env
	closers []func() error
	camera  cameraState // the camera's last state, for the hub (status.go)
}

// Open builds what mode needs from cfg. The error says, in the catalog's
// words, what was wrong and which key or flag to set; it wraps
// command.ErrUsage for a setup error (exit 2). Close releases what Open
// opened, also after a failed Open.
func Open(cfg config.Config, env *Env, mode Mode) (_ *App, err error) {
	a := &App{Config: cfg, Mode: mode, env: env, Now: env.Now}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if a.Cat, err = env.Catalog(cfg.Kiosk.Language); err != nil {
		return nil, setupErr(err)
	}
	if cfg.Demo {
		a.Now = demo.Clock()
	}
	if a.Location, err = a.location(); err != nil {
		return nil, err
	}
	if mode != ModeWatch && mode != ModeRegister && cfg.Demo && cfg.Register.Path == "" {
		if a.TempDir, err = os.MkdirTemp("", "passgate-demo-"); err != nil {
			return nil, fmt.Errorf("%s: %w", a.Cat.T("app.temp_register"), err)
		}
		a.onClose(func() error { return os.RemoveAll(a.TempDir) })
		a.Config.Register.Path = filepath.Join(a.TempDir, "register.db")
	}
	if a.Log, err = a.openLog(); err != nil {
		return nil, err
	}
	var steps []func() error
	switch mode {
	case ModeWatch:
		steps = []func() error{a.openCamera}
	case ModeRegister:
		steps = []func() error{a.openExistingRegister}
	case ModeSync:
		if cfg.Hub.URL == "" {
			return nil, a.missing("hub.url")
		}
		steps = []func() error{a.openRegister, a.openTrust}
	default:
		steps = []func() error{a.openRegister, a.openTrust, a.openDesk, a.openCamera, a.openKiosk, a.openFeedback, a.openPINs}
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if mode.kiosk() {
		a.Log.Info("kiosk ready", "mode", mode.String(), "config", cfg.File, "demo", cfg.Demo,
			"register", a.Config.Register.Path, "hub", cfg.Hub.URL != "", "venue", a.venue(), "kiosk", a.kioskID())
	} else {
		a.Log.Debug("ready", "mode", mode.String(), "config", cfg.File, "register", a.Config.Register.Path)
	}
	return a, nil
}

func (m Mode) String() string {
	switch m {
	case ModeScreen:
		return "screen"
	case ModeHeadless:
		return "headless"
	case ModeSync:
		return "sync"
	case ModeWatch:
		return "watch"
	case ModeRegister:
		return "register"
	}
	return "unknown"
}

// Close waits for the sounds and the hook, then closes what Open opened,
// the last opened first.
func (a *App) Close() error {
	if a.Feedback != nil {
		a.Feedback.Wait()
	}
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	a.closers = nil
	return errors.Join(errs...)
}

func (a *App) onClose(f func() error) { a.closers = append(a.closers, f) }

// openLog builds the kiosk's logger from [log]: standard error by default
// (systemd's journal), except for the screen on a terminal, where lines
// would draw over the screen: there it writes passgate.log beside the
// register.
func (a *App) openLog() (*slog.Logger, error) {
	lc := a.Config.Log
	var w io.Writer = a.env.Stderr
	path := lc.File
	if path == "" && a.Mode == ModeScreen && IsTerminal(a.env.Stderr) {
		path = filepath.Join(filepath.Dir(a.Config.Register.Path), "passgate.log")
	}
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, setupErr(fmt.Errorf("%s", a.Cat.T("app.log_file", path, err)))
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, setupErr(fmt.Errorf("%s", a.Cat.T("app.log_file", path, err)))
		}
		a.onClose(f.Close)
		w = f
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(lc.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if lc.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

// venue and kioskID are the ids recorded in entries: offline, a kiosk
// without them still works ("venue", "kiosk"); with a hub, openTrust has
// required them.
func (a *App) venue() string   { return orDefault(a.Config.Venue.ID, "venue") }
func (a *App) kioskID() string { return orDefault(a.Config.Kiosk.ID, "kiosk") }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// DemoStaff is the demo's "staff id / PIN", for its PIN forms; "" outside
// the demo.
func (a *App) DemoStaff() string {
	if !a.Config.Demo {
		return ""
	}
	return config.DemoStaff + " / " + config.DemoPIN
}

// register adapts the store to what uplink counts.
type register struct{ *store.DB }

func (r register) PendingCount() (int, error) {
	st, err := r.Stats()
	return st.Pending, err
}

// retention is how long entries stay once the hub holds them.
func (a *App) retention() time.Duration {
	if d := a.Config.Register.RetentionDays; d > 0 {
		return time.Duration(d) * 24 * time.Hour
	}
	return store.DefaultRetention
}

// Purge removes the register's entries older than the retention that the
// hub holds ("purge register" in the admin menu, which logs it).
func (a *App) Purge() (purged, kept int, err error) {
	return a.Register.Purge(a.Now().Add(-a.retention()))
}
