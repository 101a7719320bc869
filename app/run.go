package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/scanner"
	"github.com/passgate/passgate/ui"
)

// Screen runs the kiosk on the terminal until staff quit or ctx ends, with
// sync in the same process when a hub is configured.
func (a *App) Screen(ctx context.Context) error {
	cfg := a.Config
	var pins ui.PINChecker
	if a.PINs != nil {
		pins = a.PINs
	}
	o := ui.Options{
		Kiosk: a.Kiosk, Venue: cfg.Venue.Name, Lang: a.Cat.Lang, Demo: cfg.Demo, Locked: cfg.Kiosk.KioskMode,
		PINs: pins, DemoStaff: a.DemoStaff(), Trust: a.Trust, Now: a.Now, Location: a.Location,
		Stats: a.Stats, Purge: a.Purge, Cameras: a.CameraLabels, SetCamera: a.SwitchCamera,
		ClearAfter: time.Duration(cfg.Kiosk.VerdictSeconds) * time.Second,
		IdleAfter:  cfg.Kiosk.IdleTimeout.Duration,
		OnOutcome:  a.outcome, Log: a.Log.With("part", "screen"),
	}
	if a.Clock != nil {
		o.Clock = a.Clock.Check
	}
	if a.Uplink != nil {
		o.Sync = a.syncState
		o.SyncNow = a.Uplink.Notify
		o.SyncRound = func() ui.SyncReport { return a.syncRound(ctx) }
	}
	if a.Register != nil {
		o.Figures = a.Figures
	}
	defer a.audited(&o)() // after the screen stops: quitting's event is recorded
	a.Log.Info("screen started", "lang", a.Cat.Lang)
	stop := a.retaining(ctx)
	defer stop()
	err := ui.Run(ctx, o)
	a.Log.Info("screen stopped", "err", err)
	return err
}

// retaining runs retain in the background until the returned stop is
// called (the register is closed after it). The demo's throwaway register
// needs none.
func (a *App) retaining(ctx context.Context) (stop func()) {
	if a.Register == nil || a.Config.Demo {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); a.retain(ctx, time.After) }()
	return func() { cancel(); <-done }
}

// syncState is the uplink's state as the screen shows it.
func (a *App) syncState() *ui.SyncState {
	st := a.Uplink.State()
	return &ui.SyncState{Waiting: st.Waiting, Online: st.Online}
}

// outcome tells the door of a guest: sounds and hook, and a debug line in
// the log with what staff would say, never who the guest is.
func (a *App) outcome(out checkin.Outcome) {
	a.Log.Debug("guest", "method", out.Method, "admitted", out.Admitted, "reason", out.Reason,
		"duplicate", out.Duplicate, "stale", out.Stale, "recorded", out.Recorded, "entry", out.Entry.ID)
	a.Feedback.Outcome(out)
}

// HeadlessOptions are what headless mode reads and writes besides the
// configuration.
type HeadlessOptions struct {
	// Wedge is read line by line: a line starting "HC1:" is a scan by a
	// keyboard-wedge scanner (standard input); nil reads none.
	Wedge io.Reader
	// Out gets one JSON line per guest (checkin.Report).
	Out io.Writer
	// For stops the kiosk after this long; 0 runs until ctx ends or every
	// input has ended.
	For time.Duration
	// Holder puts the holder's name, date of birth and certificate id in
	// the lines; without it they are left out (a line goes to logs and
	// scripts, which have no need of who the guest is).
	Holder bool
}

// Headless runs the desk without a screen, for a door with only a relay or
// a LED, or a script.
func (a *App) Headless(ctx context.Context, o HeadlessOptions) error {
	if a.Config.Demo {
		fmt.Fprintln(a.env.Stderr, a.Cat.T("headless.demo"))
	}
	if a.TempDir != "" {
		fmt.Fprintln(a.env.Stderr, a.Cat.T("headless.temp_register", a.Config.Register.Path))
	}
	if o.For > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.For)
		defer cancel()
	}
	a.Kiosk.Wedge = o.Wedge
	enc := json.NewEncoder(o.Out)
	enc.SetEscapeHTML(false)
	a.Log.Info("headless started", "wedge", o.Wedge != nil)
	stop := a.retaining(ctx)
	defer stop()
	err := a.Kiosk.Run(ctx, func(ev checkin.Event) {
		if ev.Outcome != nil {
			r := ev.Outcome.Report()
			if !o.Holder {
				r = r.WithoutHolder()
			}
			_ = enc.Encode(r)
			a.outcome(*ev.Outcome)
		}
	})
	a.Log.Info("headless stopped", "err", err)
	return err
}

// Watch reads the camera (or replay) through the live scanner and calls
// found for each code read, until ctx ends or a replay that does not loop
// ends. status, when set, is told of the camera's changes.
func (a *App) Watch(ctx context.Context, found func(scanner.Scan), status func(camera.Status)) (scanner.LiveStats, error) {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	live := scanner.NewLive(scanner.LiveOptions{Now: a.Now})
	done := make(chan struct{})
	go func() {
		defer close(done)
		live.Run(ctx, found)
	}()
	cam := *a.Camera
	cam.OnStatus = status
	err := cam.Run(ctx, func(f *camera.Frame) {
		live.Offer(&scanner.Luma{Pix: f.Y, Width: f.Width, Height: f.Height, Stride: f.Stride}, f.Seq, f.Time, nil)
	})
	if err == nil && ctx.Err() == nil {
		time.Sleep(200 * time.Millisecond) // a replay ended: let the last frame decode
	}
	stop()
	<-done
	return live.Stats(), err
}
