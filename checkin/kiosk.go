package checkin

import (
	"bufio"
	"context"
	"errors"
	"image"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/scanner"
)

// Event is what the kiosk tells its screen (or headless output): exactly
// one field is set.
type Event struct {
	// Outcome is one guest at the desk.
	Outcome *Outcome
	// Camera is a change of the camera's state.
	Camera *camera.Status
	// Preview is a camera frame for the screen, at most PreviewFPS a
	// second, with the region of the last code read (empty if none).
	Preview *Preview
}

// Preview is a frame for the screen's preview. The frame is the camera's
// until emit returns: its buffer is then read over by a later frame, so a
// screen that keeps the picture copies it (ui shrinks it at once).
type Preview struct {
	Frame  *camera.Frame
	Region image.Rectangle
}

// Syncer is the kiosk's sync with its hub (uplink.Uplink).
type Syncer interface {
	// Run syncs until ctx ends (it then returns nil) or it cannot go on
	// (the error, which the kiosk logs; the desk goes on without a hub).
	Run(ctx context.Context) error
}

// Kiosk runs the desk with its inputs: the camera through the live
// scanner, and a keyboard-wedge scanner's lines. It is the only wiring
// between camera, scanner and the desk.
type Kiosk struct {
	Desk *Desk
	// Camera, when set, is run for the kiosk's life.
	Camera *camera.Camera
	// Scanner options for the camera's frames.
	Scanner scanner.LiveOptions
	// Wedge, when set, is read line by line: each line starting "HC1:" is
	// a scan by a keyboard-wedge scanner (headless mode reads stdin).
	Wedge io.Reader
	// PreviewFPS is the rate of Preview events; 0 means none.
	PreviewFPS float64
	// Sync, when set (uplink.Uplink), runs beside the desk for the
	// kiosk's life: bundles down, entries up, never in the way of a
	// verdict.
	Sync Syncer
	// Log gets the kiosk's changes of state (camera lost, streaming again,
	// switched) and a sync that stopped. Nil logs nothing. The desk logs
	// with its own Options.Log.
	Log *slog.Logger

	swOnce sync.Once
	sw     chan string
}

func (k *Kiosk) log() *slog.Logger {
	if k.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return k.Log
}

func (k *Kiosk) switches() chan string {
	k.swOnce.Do(func() { k.sw = make(chan string, 1) })
	return k.sw
}

// SwitchCamera makes the running kiosk read another device (a label, path
// or name, as camera.Config.Device takes). It returns at once; the screen
// sees the change as camera states.
func (k *Kiosk) SwitchCamera(device string) error {
	if k.Camera == nil {
		return errors.New("checkin: this kiosk has no camera")
	}
	select {
	case k.switches() <- device:
	default: // a switch is pending: the newer choice wins
		select {
		case <-k.switches():
		default:
		}
		k.switches() <- device
	}
	return nil
}

// Run runs until ctx ends, calling emit from one goroutine at a time.
func (k *Kiosk) Run(ctx context.Context, emit func(Event)) error {
	var mu sync.Mutex
	send := func(ev Event) {
		mu.Lock()
		defer mu.Unlock()
		emit(ev)
	}
	log := k.log()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var camErr error
	// When every input has ended (a replay played once, stdin closed),
	// the kiosk stops.
	var inputs sync.WaitGroup
	if k.Camera != nil {
		inputs.Add(1)
	}
	if k.Wedge != nil {
		inputs.Add(1)
	}
	if k.Sync != nil {
		wg.Go(func() {
			if err := k.Sync.Run(ctx); err != nil {
				log.Error("hub sync stopped: entries stay queued, the trust bundle is not updated", "err", err)
			}
		})
	}
	if k.Camera != nil {
		live := scanner.NewLive(k.Scanner)
		wg.Go(func() {
			live.Run(ctx, func(s scanner.Scan) {
				out := k.Desk.Scan(Scan{Payload: s.Text, Method: entry.Camera})
				send(Event{Outcome: &out})
			})
		})
		cam := *k.Camera
		user := cam.OnStatus
		// lost: the camera was lost and not streaming since, so its retries
		// are not logged again.
		lost := false
		cam.OnStatus = func(st camera.Status) {
			switch {
			case st.State == camera.Lost && !lost:
				lost = true
				log.Warn("camera lost: retrying", "device", cam.Config.Device, "err", st.Err)
			case st.State == camera.Streaming:
				lost = false
				log.Info("camera streaming", "device", st.Device, "mode", st.Mode.String())
			}
			if user != nil {
				user(st)
			}
			send(Event{Camera: &st})
		}
		var last time.Time
		every := time.Duration(0)
		if k.PreviewFPS > 0 {
			every = time.Duration(float64(time.Second) / k.PreviewFPS)
		}
		deliver := func(f *camera.Frame) {
			// Two hold the frame: the scanner until it has decoded or
			// dropped it, and this function until the preview was shown.
			// The last gives its buffer back to the camera.
			var holders atomic.Int32
			holders.Store(2)
			done := func() {
				if holders.Add(-1) == 0 {
					f.Release()
				}
			}
			live.Offer(&scanner.Luma{Pix: f.Y, Width: f.Width, Height: f.Height, Stride: f.Stride}, f.Seq, f.Time, done)
			if every > 0 && f.Time.Sub(last) >= every {
				last = f.Time
				send(Event{Preview: &Preview{Frame: f, Region: live.Region(f.Time)}})
			}
			done()
		}
		wg.Go(func() {
			defer inputs.Done()
			for {
				runCtx, stop := context.WithCancel(ctx)
				ended := make(chan error, 1)
				go func() { ended <- cam.Run(runCtx, deliver) }()
				select {
				case camErr = <-ended:
					stop()
					if ctx.Err() == nil {
						time.Sleep(drain) // the last frames decode
					}
					return
				case dev := <-k.switches():
					log.Info("camera switch", "device", dev, "from", cam.Config.Device)
					stop()
					<-ended
					cam.Config.Device, lost = dev, false
				}
			}
		})
	}
	if k.Wedge != nil {
		lines := make(chan string)
		go func() { // not joined: a blocked Read cannot be interrupted
			defer close(lines)
			sc := bufio.NewScanner(k.Wedge)
			sc.Buffer(make([]byte, 64<<10), 64<<10)
			for sc.Scan() {
				select {
				case lines <- sc.Text():
				case <-ctx.Done():
					return
				}
			}
		}()
		wg.Go(func() {
			defer inputs.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case line, ok := <-lines:
					if !ok {
						return
					}
					if out, ok := k.Type(line); ok {
						send(Event{Outcome: &out})
					}
				}
			}
		})
	}
	if k.Camera != nil || k.Wedge != nil {
		go func() { inputs.Wait(); cancel() }()
	}
	<-ctx.Done()
	wg.Wait()
	return camErr
}

// drain is how long the scanner gets for the last frames of a replay that
// ended.
const drain = 300 * time.Millisecond

// Type takes a line typed into the kiosk: a keyboard-wedge scanner's scan
// when it starts "HC1:", else nothing.
func (k *Kiosk) Type(line string) (Outcome, bool) {
	if !IsPayload(line) {
		return Outcome{}, false
	}
	return k.Desk.Scan(Scan{Payload: line, Method: entry.ScannerDevice}), true
}
