package checkin_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/scanner"
)

// TestKiosk runs the desk with a replayed camera and a keyboard-wedge
// scanner: each guest is one outcome, from the right input.
func TestKiosk(t *testing.T) {
	var stills []camera.Still
	for _, name := range []string{"vaccination-valid", "revoked-uci"} {
		l, err := scanner.LoadFile("../testdata/passes/" + name + ".png")
		if err != nil {
			t.Fatal(err)
		}
		for range 5 { // held up for five frames
			stills = append(stills, camera.Still{Pix: l.Pix, Width: l.Width, Height: l.Height, Stride: l.Stride})
		}
	}
	clip, err := camera.NewStills(stills)
	if err != nil {
		t.Fatal(err)
	}
	devs := camera.NewDevices(nil)
	label, err := devs.AddReplay(t.Name(), clip, camera.ReplayOptions{FPS: 20})
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{noon}
	db := openStore(t, c)
	k := &checkin.Kiosk{
		Desk:       newDesk(t, fixtureBundle(t), db, c),
		Camera:     &camera.Camera{Devices: devs, Config: camera.Config{Device: label}},
		Wedge:      strings.NewReader("not a pass\n" + pass(t, "test-pcr-valid") + "\n"),
		PreviewFPS: 5,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var outcomes []checkin.Outcome
	previews, streaming := 0, false
	if err := k.Run(ctx, func(ev checkin.Event) {
		switch {
		case ev.Outcome != nil:
			outcomes = append(outcomes, *ev.Outcome)
		case ev.Preview != nil:
			previews++
		case ev.Camera != nil:
			streaming = streaming || ev.Camera.State == camera.Streaming
		}
	}); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("Run did not end when its inputs did")
	}
	byMethod := map[entry.Method][]bool{}
	for _, o := range outcomes {
		if !o.Duplicate {
			byMethod[o.Method] = append(byMethod[o.Method], o.Admitted)
		}
	}
	cam, wedge := byMethod[entry.Camera], byMethod[entry.ScannerDevice]
	if len(cam) != 2 || !cam[0] || cam[1] || len(wedge) != 1 || !wedge[0] {
		t.Fatalf("outcomes by method: %v", byMethod)
	}
	if st, _ := db.Stats(); st.Total != 3 {
		t.Fatalf("register holds %d entries, want 3", st.Total)
	}
	if !streaming || previews == 0 {
		t.Fatalf("streaming %v, %d previews", streaming, previews)
	}
}

// TestSwitchCamera: the admin's camera choice takes effect while the kiosk
// runs.
func TestSwitchCamera(t *testing.T) {
	devs := camera.NewDevices(nil)
	labels := map[string]string{}
	for _, name := range []string{"vaccination-valid", "revoked-uci"} {
		l, err := scanner.LoadFile("../testdata/passes/" + name + ".png")
		if err != nil {
			t.Fatal(err)
		}
		clip, err := camera.NewStills([]camera.Still{{Pix: l.Pix, Width: l.Width, Height: l.Height, Stride: l.Stride}})
		if err != nil {
			t.Fatal(err)
		}
		if labels[name], err = devs.AddReplay(t.Name()+name, clip, camera.ReplayOptions{FPS: 20, Loop: true}); err != nil {
			t.Fatal(err)
		}
	}
	c := &clock{noon}
	k := &checkin.Kiosk{Desk: newDesk(t, fixtureBundle(t), nil, c),
		Camera: &camera.Camera{Devices: devs, Config: camera.Config{Device: labels["vaccination-valid"]}}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var reasons []string
	k.Run(ctx, func(ev checkin.Event) {
		if ev.Outcome == nil || ev.Outcome.Duplicate {
			return
		}
		reasons = append(reasons, ev.Outcome.Reason)
		if len(reasons) == 1 {
			if err := k.SwitchCamera(labels["revoked-uci"]); err != nil {
				t.Error(err)
			}
		} else {
			cancel()
		}
	})
	if len(reasons) != 2 || reasons[0] != "" || reasons[1] != "revoked" {
		t.Fatalf("reasons %q, want an admission and then the other camera's revoked pass", reasons)
	}
}

type fakeSync struct{ ran, stopped chan struct{} }

func (f fakeSync) Run(ctx context.Context) error {
	close(f.ran)
	<-ctx.Done()
	close(f.stopped)
	return nil
}

// TestKioskRunsSync: the hub sync runs for the kiosk's life and stops with
// it.
func TestKioskRunsSync(t *testing.T) {
	s := fakeSync{make(chan struct{}), make(chan struct{})}
	c := &clock{noon}
	k := &checkin.Kiosk{Desk: newDesk(t, fixtureBundle(t), nil, c), Sync: s}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { k.Run(ctx, func(checkin.Event) {}); close(done) }()
	<-s.ran
	cancel()
	<-done
	select {
	case <-s.stopped:
	default:
		t.Fatal("Run returned before the sync stopped")
	}
}

// TestKioskReusesFrames: the kiosk gives each frame back to the camera
// once the scanner and the preview are done with it, so a camera at
// full rate reads into a few buffers, not a new one a frame.
func TestKioskReusesFrames(t *testing.T) {
	devs, label := replayOfValidPass(t, 200)
	const workers = 2
	k := &checkin.Kiosk{Desk: newDesk(t, fixtureBundle(t), nil, &clock{noon}),
		Camera:  &camera.Camera{Devices: devs, Config: camera.Config{Device: label}},
		Scanner: scanner.LiveOptions{Workers: workers}, PreviewFPS: 10000}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const frames = 60
	buffers := map[*byte]int{}
	previews := 0
	k.Run(ctx, func(ev checkin.Event) {
		if ev.Preview == nil {
			return
		}
		buffers[&ev.Preview.Frame.Y[0]]++
		if previews++; previews == frames {
			cancel()
		}
	})
	if previews < frames {
		t.Fatalf("%d previews, want %d", previews, frames)
	}
	// When the camera reads a frame, the scanner holds at most one waiting
	// and one per worker; the others are free for it.
	if most := 1 + workers + 1; len(buffers) > most {
		t.Fatalf("%d frames in %d buffers, want at most %d", frames, len(buffers), most)
	}
}

// replayOfValidPass is a looping replay device showing the valid fixture
// pass at fps frames a second.
func replayOfValidPass(t *testing.T, fps float64) (*camera.Devices, string) {
	t.Helper()
	l, err := scanner.LoadFile("../testdata/passes/vaccination-valid.png")
	if err != nil {
		t.Fatal(err)
	}
	clip, err := camera.NewStills([]camera.Still{{Pix: l.Pix, Width: l.Width, Height: l.Height, Stride: l.Stride}})
	if err != nil {
		t.Fatal(err)
	}
	devs := camera.NewDevices(nil)
	label, err := devs.AddReplay(t.Name(), clip, camera.ReplayOptions{FPS: fps, Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	return devs, label
}
