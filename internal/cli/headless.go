package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/feedback"
)

type headlessOptions struct {
	demo                  bool
	camera, replay, size  string
	fps                   float64
	loop, noStdin         bool
	bundle, bundleKey, db string
	venue, kiosk          string
	duration              time.Duration
	hook                  string
	sound                 bool
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
	fs.StringVar(&o.hook, "hook", "", c.T("flag.headless.hook"))
	fs.BoolVar(&o.sound, "sound", false, c.T("flag.headless.sound"))
	cfgPath := fs.String("config", "", c.T("flag.screen.config"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
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
	// A configuration file describes the kiosk unless flags do.
	flagsGiven := o.demo || o.replay != "" || o.bundle != ""
	var k *kiosk
	fb := feedback.New(feedback.Options{Sound: o.sound, Bell: e.Stderr, Hook: o.hook,
		Errors: func(err error) { fmt.Fprintln(e.Stderr, "passgate --headless:", err) }})
	ctx := e.ctx()
	if *cfgPath != "" || (!flagsGiven && haveConfig(e)) {
		cfg, err := config.Load(*cfgPath, e.Getenv)
		if err != nil {
			return fail(err.Error())
		}
		overrideConfig(&cfg, fs, o.camera, w, h, o.db)
		ck, err := openConfigured(e, c, cfg)
		if err != nil {
			return fail(err.Error())
		}
		defer ck.Close()
		k, fb = ck.kiosk, ck.feedback
	} else {
		ok, err := openKiosk(e, c, kioskOptions{demo: o.demo, camera: o.camera, replay: o.replay, width: w, height: h,
			fps: o.fps, loop: o.loop, bundle: o.bundle, bundleKey: o.bundleKey, db: o.db, venue: o.venue, kiosk: o.kiosk})
		if err != nil {
			return fail(err.Error())
		}
		defer ok.Close()
		k = ok
	}
	if k.Demo {
		fmt.Fprintln(e.Stderr, c.T("headless.demo"))
	}
	if k.TempRegister != "" {
		fmt.Fprintln(e.Stderr, c.T("headless.temp_register", k.TempRegister))
	}
	if !o.noStdin {
		k.Kiosk.Wedge = e.Stdin
	}
	if o.duration > 0 {
		var cancel func()
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	defer fb.Wait()
	err := k.Kiosk.Run(ctx, func(ev checkin.Event) {
		switch {
		case ev.Outcome != nil:
			_ = enc.Encode(ev.Outcome.Report())
			fb.Outcome(*ev.Outcome)
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
