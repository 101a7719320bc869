package cli

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/internal/demo"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/store"
)

// kioskOptions say what a kiosk runs on; the demo when no bundle, camera
// or replay is given.
type kioskOptions struct {
	demo                  bool
	camera, replay        string
	width, height         int
	fps                   float64
	loop                  bool
	bundle, bundleKey, db string
	venue, kiosk          string
}

// kiosk is a desk assembled with its camera and register, shared by
// headless mode and the screen. Close releases what it opened.
type kiosk struct {
	Kiosk *checkin.Kiosk
	DB    *store.DB
	Trust func() *bundle.Bundle
	Now   func() time.Time
	Demo  bool
	// TempRegister is the path of the temporary register, when no register
	// was given; it is removed by Close.
	TempRegister string

	closers []func()
}

// Close closes the register and removes the temporary one.
func (k *kiosk) Close() {
	for i := len(k.closers) - 1; i >= 0; i-- {
		k.closers[i]()
	}
	k.closers = nil
}

// openKiosk builds the desk: the trust bundle (the demo's, or a file), the
// camera (the demo replay, a replay file or a device) and the register
// (the given one, else a temporary one). The error is a message for the
// person at the terminal.
func openKiosk(e *Env, c *i18n.Catalog, o kioskOptions) (_ *kiosk, err error) {
	k := &kiosk{Now: e.Now}
	defer func() {
		if err != nil {
			k.Close()
		}
	}()
	devs := camera.NewDevices(k.Now)
	cfg := camera.Config{Device: o.camera, Width: o.width, Height: o.height, FPS: o.fps}
	var trust *bundle.Bundle
	switch {
	case o.demo || (o.bundle == "" && o.camera == "" && o.replay == ""):
		k.Demo = true
		k.Now = demo.Clock()
		devs = camera.NewDevices(k.Now)
		b, err := demo.Bundle(k.Now())
		if err != nil {
			return nil, err
		}
		trust = b
		fps := o.fps
		if fps == 0 {
			fps = 10
		}
		if cfg.Device, err = demo.Replay(devs, fps); err != nil {
			return nil, err
		}
		cfg.Width, cfg.Height = 0, 0
	default:
		if o.bundle == "" || o.bundleKey == "" {
			return nil, errors.New(c.T("headless.no_bundle"))
		}
		vo := &verifyOptions{bundle: o.bundle, bundleKey: o.bundleKey}
		b, msg := loadBundleFile(e, c, vo, k.Now())
		if b == nil {
			return nil, errors.New(msg)
		}
		trust = b
		if o.replay != "" {
			clip, err := openClip(o.replay)
			if err != nil {
				return nil, errors.New(c.T("cli.replay", o.replay, err))
			}
			k.closers = append(k.closers, func() { clip.Close() })
			if cfg.Device, err = devs.AddReplay(filepath.Base(o.replay), clip, camera.ReplayOptions{FPS: o.fps, Loop: o.loop}); err != nil {
				return nil, errors.New(c.T("cli.replay", o.replay, err))
			}
			cfg.Width, cfg.Height = clip.Size()
		}
	}
	k.Trust = func() *bundle.Bundle { return trust }

	path := o.db
	if path == "" {
		dir, err := os.MkdirTemp("", "passgate-demo-")
		if err != nil {
			return nil, fmt.Errorf("temporary register: %w", err)
		}
		k.closers = append(k.closers, func() { os.RemoveAll(dir) })
		path = filepath.Join(dir, "register.db")
		k.TempRegister = path
	}
	secret, err := k.openRegister(c, path)
	if err != nil {
		return nil, err
	}
	desk, err := checkin.New(checkin.Options{Venue: o.venue, Kiosk: o.kiosk, Trust: k.Trust,
		Register: k.DB, Secret: secret, Now: k.Now, Rand: rand.Reader})
	if err != nil {
		return nil, err
	}
	k.Kiosk = &checkin.Kiosk{Desk: desk, Camera: &camera.Camera{Devices: devs, Config: cfg}}
	return k, nil
}

// openRegister opens the register (closed by Close) and returns the
// venue's pseudonym secret kept in it.
func (k *kiosk) openRegister(c *i18n.Catalog, path string) ([]byte, error) {
	db, err := store.Open(store.Options{Path: path, Now: k.Now})
	if err != nil {
		return nil, errors.New(c.T("sync.register", path, err))
	}
	k.closers = append(k.closers, func() { db.Close() })
	k.DB = db
	return db.VenueSecret()
}
