package cli

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/internal/demo"
	"github.com/passgate/passgate/store"
	"github.com/passgate/passgate/verify"
)

type headlessOptions struct {
	demo                  bool
	camera, replay, size  string
	fps                   float64
	loop, noStdin         bool
	bundle, bundleKey, db string
	venue, kiosk          string
	duration              time.Duration
}

// Headless runs `passgate --headless`: the desk without a screen, for a
// door with only a relay or a LED, or a script. It reads the camera (or a
// replay) and keyboard-wedge lines on standard input, and prints one JSON
// line per guest (checkin.Report).
func Headless(e *Env, args []string) int {
	c, _ := catalog(e, "")
	var o headlessOptions
	fs := newFlags(e, "--headless", "[--demo | --camera DEVICE | --replay PATH] [flags]")
	fs.BoolVar(&o.demo, "demo", false, c.T("flag.headless.demo"))
	fs.StringVar(&o.camera, "camera", "", c.T("flag.watch.camera"))
	fs.StringVar(&o.replay, "replay", "", c.T("flag.watch.replay"))
	fs.StringVar(&o.size, "size", "1280x720", c.T("flag.watch.size"))
	fs.Float64Var(&o.fps, "fps", 0, c.T("flag.watch.fps"))
	fs.BoolVar(&o.loop, "loop", false, c.T("flag.watch.loop"))
	fs.BoolVar(&o.noStdin, "no-stdin", false, c.T("flag.headless.no_stdin"))
	fs.StringVar(&o.bundle, "bundle", "", c.T("flag.verify.bundle"))
	fs.StringVar(&o.bundleKey, "bundle-key", "", c.T("flag.verify.bundle_key"))
	fs.StringVar(&o.db, "db", "", c.T("flag.sync.db"))
	fs.StringVar(&o.venue, "venue", "venue", c.T("flag.headless.venue"))
	fs.StringVar(&o.kiosk, "kiosk", "kiosk", c.T("flag.headless.kiosk"))
	fs.DurationVar(&o.duration, "for", 0, c.T("flag.watch.for"))
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	fail := func(msg string) int {
		fmt.Fprintln(e.Stderr, "passgate --headless:", msg)
		return ExitUsage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return ExitUsage
	}
	var w, h int
	if _, err := fmt.Sscanf(o.size, "%dx%d", &w, &h); err != nil || w <= 0 || h <= 0 {
		return fail(c.T("cli.bad_size", o.size))
	}
	now := e.Now
	devs := camera.NewDevices(now)
	cfg := camera.Config{Device: o.camera, Width: w, Height: h, FPS: o.fps}
	var trust *verify.Bundle
	switch {
	case o.demo || (o.bundle == "" && o.camera == "" && o.replay == ""):
		o.demo = true
		now = demo.Clock()
		b, err := demo.Bundle(now())
		if err != nil {
			return fail(err.Error())
		}
		trust = b
		fps := o.fps
		if fps == 0 {
			fps = 10
		}
		if cfg.Device, err = demo.Replay(devs, fps); err != nil {
			return fail(err.Error())
		}
		cfg.Width, cfg.Height = 0, 0
		fmt.Fprintln(e.Stderr, c.T("headless.demo"))
	default:
		if o.bundle == "" || o.bundleKey == "" {
			return fail(c.T("headless.no_bundle"))
		}
		vo := &verifyOptions{bundle: o.bundle, bundleKey: o.bundleKey}
		b, msg := loadBundleFile(e, c, vo, now())
		if b == nil {
			return fail(msg)
		}
		trust = b
		if o.replay != "" {
			clip, err := openClip(o.replay)
			if err != nil {
				return fail(c.T("cli.replay", o.replay, err))
			}
			defer clip.Close()
			if cfg.Device, err = devs.AddReplay(filepath.Base(o.replay), clip, camera.ReplayOptions{FPS: o.fps, Loop: o.loop}); err != nil {
				return fail(c.T("cli.replay", o.replay, err))
			}
			cfg.Width, cfg.Height = clip.Size()
		}
	}

	// The register: the configured one, else (the demo) a temporary one.
	path := o.db
	if path == "" {
		dir, err := os.MkdirTemp("", "passgate-demo-")
		if err != nil {
			return fail(err.Error())
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "register.db")
		fmt.Fprintln(e.Stderr, c.T("headless.temp_register", path))
	}
	db, err := store.Open(store.Options{Path: path, Now: now})
	if err != nil {
		return fail(c.T("sync.register", path, err))
	}
	defer db.Close()
	secret, err := db.VenueSecret()
	if err != nil {
		return fail(err.Error())
	}
	desk, err := checkin.New(checkin.Options{Venue: o.venue, Kiosk: o.kiosk, Trust: func() *verify.Bundle { return trust },
		Register: db, Secret: secret, Now: now, Rand: rand.Reader})
	if err != nil {
		return fail(err.Error())
	}
	k := &checkin.Kiosk{Desk: desk, Camera: &camera.Camera{Devices: devs, Config: cfg}}
	if !o.noStdin {
		k.Wedge = e.Stdin
	}
	ctx := e.ctx()
	if o.duration > 0 {
		var cancel func()
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	err = k.Run(ctx, func(ev checkin.Event) {
		switch {
		case ev.Outcome != nil:
			_ = enc.Encode(ev.Outcome.Report())
		case ev.Camera != nil && ev.Camera.State == camera.Lost:
			fmt.Fprintln(e.Stderr, c.T("cli.camera_lost", ev.Camera.Err))
		case ev.Camera != nil && ev.Camera.State == camera.Streaming:
			fmt.Fprintln(e.Stderr, c.T("cli.camera_streaming", ev.Camera.Device, ev.Camera.Mode))
		}
	})
	if err != nil {
		return fail(err.Error())
	}
	return ExitOK
}
