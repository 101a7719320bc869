package demo_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/assets"
	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/internal/demo"
	"github.com/passgate/passgate/scanner"
	"github.com/passgate/passgate/verify"
)

// passText reads the fixture pass a demo frame shows.
func passText(t *testing.T, frame string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../testdata/passes", strings.TrimSuffix(frame, ".png")+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestClipThroughCameraScannerVerify plays the demo clip through a replay
// device of the camera, as the kiosk does, and checks that the scanner reads
// every pass in the order of the steps, each held for its seconds, nothing in
// the empty frames, that the clip loops, and that verify gives each pass
// its expected status with the demo bundle on the demo clock.
func TestClipThroughCameraScannerVerify(t *testing.T) {
	steps, err := assets.DemoSteps()
	if err != nil {
		t.Fatal(err)
	}
	const fps = 5 // the clip's rate: a 3 s step is 15 frames
	clip, err := demo.Clip(fps)
	if err != nil {
		t.Fatal(err)
	}
	devs := camera.NewDevices(nil)
	// Played much faster than its rate: the test is about the frames.
	label, err := devs.AddReplay(t.Name(), clip, camera.ReplayOptions{FPS: 400, Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := devs.Open(camera.Config{Device: label, Width: 640, Height: 480, FPS: 400})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	total := 0
	for _, st := range steps {
		total += int(st.Seconds * fps)
	}
	// Runs of identical frames: one a step.
	type run struct {
		luma *scanner.Luma
		n    int
	}
	var runs []run
	var first []byte
	for i := range total + 1 {
		f, err := s.Read()
		if err != nil {
			t.Fatalf("frame %d: %v", i+1, err)
		}
		if f.Width != 640 || f.Height != 480 {
			t.Fatalf("frame %d is %dx%d", i+1, f.Width, f.Height)
		}
		y := bytes.Clone(f.Y)
		f.Release()
		if i == 0 {
			first = y
		}
		if i == total { // the loop starts again
			if !bytes.Equal(y, first) {
				t.Errorf("frame %d, after the last step, is not the first frame again", i+1)
			}
			break
		}
		if n := len(runs); n > 0 && bytes.Equal(runs[n-1].luma.Pix, y) {
			runs[n-1].n++
			continue
		}
		runs = append(runs, run{luma: &scanner.Luma{Pix: y, Width: 640, Height: 480, Stride: 640}, n: 1})
	}
	if len(runs) != len(steps) {
		t.Fatalf("%d runs of frames, want one a step: %d", len(runs), len(steps))
	}

	clock := demo.Clock()
	b, err := demo.Bundle(clock())
	if err != nil {
		t.Fatal(err)
	}
	vf := &verify.Verifier{Trust: b, Policy: b.Policy()}
	passes := 0
	for i, st := range steps {
		if want := int(st.Seconds * fps); runs[i].n != want {
			t.Errorf("step %d (%s): %d frames, want %d", i+1, st.Frame, runs[i].n, want)
		}
		res, err := scanner.Decoder{}.Decode(runs[i].luma)
		if st.Expect == "" {
			if !errors.Is(err, scanner.ErrNotFound) {
				t.Errorf("step %d (%s): read %.20q, %v; want nothing", i+1, st.Frame, res.Text, err)
			}
			continue
		}
		passes++
		if err != nil {
			t.Errorf("step %d (%s): %v", i+1, st.Frame, err)
			continue
		}
		if res.Text != passText(t, st.Frame) {
			t.Errorf("step %d (%s): read %.30q..., not its pass", i+1, st.Frame, res.Text)
			continue
		}
		vd := vf.Verify(res.Text, clock())
		if string(vd.Status) != st.Expect {
			t.Errorf("step %d (%s): %s (%v: %s), want %s", i+1, st.Frame, vd.Status, vd.Reasons, vd.Detail, st.Expect)
		}
	}
	if passes != 8 {
		t.Errorf("%d passes in the demo, want 8", passes)
	}
}

// TestReplay registers the demo as the kiosk would and reads from it.
func TestReplay(t *testing.T) {
	devs := camera.NewDevices(nil)
	label, err := demo.Replay(devs, 30)
	if err != nil {
		t.Fatal(err)
	}
	if label != "replay:"+demo.DeviceName {
		t.Errorf("label %q", label)
	}
	s, err := devs.Open(camera.Config{Device: label})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if m := s.Mode(); m.Width != 640 || m.Height != 480 || m.FPS != 30 {
		t.Errorf("mode %v, want 640x480 at 30 fps", m)
	}
	for range 3 {
		f, err := s.Read()
		if err != nil {
			t.Fatal(err)
		}
		f.Release()
	}
}

func TestClipRate(t *testing.T) {
	for _, fps := range []float64{0, -1, 1001} {
		if _, err := demo.Clip(fps); err == nil {
			t.Errorf("Clip(%g): no error", fps)
		}
	}
	// At a low rate every step still shows.
	clip, err := demo.Clip(0.1)
	if err != nil {
		t.Fatal(err)
	}
	steps, _ := assets.DemoSteps()
	n := 0
	for {
		if _, err := clip.Next(); err != nil {
			break
		}
		n++
	}
	if n != len(steps) {
		t.Errorf("%d frames at 0.1 fps, want one a step: %d", n, len(steps))
	}
}

func TestBundleAndClock(t *testing.T) {
	clock := demo.Clock()
	t0 := clock()
	if d := t0.Sub(assets.DemoTime()); d < 0 || d > time.Second {
		t.Errorf("clock starts at %s, want %s", t0, assets.DemoTime())
	}
	time.Sleep(20 * time.Millisecond)
	if d := clock().Sub(t0); d < 20*time.Millisecond || d > 5*time.Second {
		t.Errorf("clock advanced %s in 20 ms", d)
	}
	if _, offset := t0.Zone(); offset != 9*3600 {
		t.Errorf("clock in zone offset %d, want KST", offset)
	}
	b, err := demo.Bundle(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// Valid for the length of a demo, even a long one.
	if b.Expired(assets.DemoTime().Add(72 * time.Hour)) {
		t.Errorf("demo bundle expires at %s, within 3 days of the demo time", b.ValidUntil())
	}
	b, err = demo.Bundle(time.Now())
	if !errors.Is(err, bundle.ErrExpired) || b == nil {
		t.Errorf("at the real time: %v, bundle %v; want it expired", err, b != nil)
	}
}
