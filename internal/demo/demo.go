// Package demo turns the built-in demo's embedded assets (see
// assets.DemoSteps) into what the kiosk runs on when it has no camera and no
// configuration: a looping camera clip of passes held up to the camera, the
// trust bundle they were issued under, and a clock stopped at the moment
// their verdicts were made for.
package demo

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"time"

	"github.com/passgate/passgate/assets"
	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/camera"
)

// DeviceName is the name Replay registers the demo clip under: its device
// label is "replay:" + DeviceName.
const DeviceName = "demo"

// Clip returns the demo as a clip of fps frames a second: each step's frame
// repeated for its Seconds (at least once), in order. The pictures are
// shared between the repeats. Play it with camera.ReplayOptions{FPS: fps,
// Loop: true}, or with Replay.
func Clip(fps float64) (camera.Clip, error) {
	if !(fps > 0 && fps <= 1000) {
		return nil, fmt.Errorf("demo: frame rate %g: want above 0, to 1000", fps)
	}
	steps, err := assets.DemoSteps()
	if err != nil {
		return nil, err
	}
	stills := map[string]camera.Still{}
	var frames []camera.Still
	for _, s := range steps {
		st, ok := stills[s.Frame]
		if !ok {
			img, err := assets.DemoFrame(s.Frame)
			if err != nil {
				return nil, err
			}
			st = still(img)
			stills[s.Frame] = st
		}
		for range max(1, int(math.Round(s.Seconds*fps))) {
			frames = append(frames, st)
		}
	}
	return camera.NewStills(frames)
}

// Replay registers the demo clip with devs as a looping replay device
// playing at fps frames a second, and returns its label ("replay:demo").
func Replay(devs *camera.Devices, fps float64) (label string, err error) {
	clip, err := Clip(fps)
	if err != nil {
		return "", err
	}
	return devs.AddReplay(DeviceName, clip, camera.ReplayOptions{FPS: fps, Loop: true})
}

// still copies the luma of img into a camera picture.
func still(img image.Image) camera.Still {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	s := camera.Still{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	if g, ok := img.(*image.Gray); ok {
		for y := range h {
			off := g.PixOffset(r.Min.X, r.Min.Y+y)
			copy(s.Pix[y*w:(y+1)*w], g.Pix[off:off+w])
		}
		return s
	}
	for y := range h {
		for x := range w {
			s.Pix[y*w+x] = color.GrayModel.Convert(img.At(r.Min.X+x, r.Min.Y+y)).(color.Gray).Y
		}
	}
	return s
}

// Bundle loads the demo's trust bundle, checked with its embedded key, as
// at now: pass a reading of Clock (or assets.DemoTime()); the zero time
// means DemoTime. At the real date the bundle has long expired: as with
// bundle.Load, the error then wraps bundle.ErrExpired and the
// bundle is returned too.
func Bundle(now time.Time) (*bundle.Bundle, error) {
	if now.IsZero() {
		now = assets.DemoTime()
	}
	key, err := bundle.ParseKey(assets.DemoBundleKey())
	if err != nil {
		return nil, fmt.Errorf("demo: bundle key: %w", err)
	}
	b, err := bundle.Load(assets.DemoBundle(), key, nil, now)
	if err != nil {
		return b, fmt.Errorf("demo: bundle: %w", err)
	}
	return b, nil
}

// Clock returns the demo's clock: it reads assets.DemoTime() when Clock is
// called and advances with real time from there, so the screen's clock
// ticks while every pass is judged within minutes of the moment its verdict
// was made for. (The demo bundle is valid for days after DemoTime.)
func Clock() func() time.Time {
	start := time.Now()
	base := assets.DemoTime()
	return func() time.Time { return base.Add(time.Since(start)) }
}
