package camera_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/scanner"
)

// TestReplayToScanner runs frames showing passes through the whole camera
// path, as the kiosk will: a Y4M clip, the replay driver in mediadevices,
// GetUserMedia's track and reader, the Camera loop, and the live scanner.
// Every pass held up to the camera is reported exactly once.
func TestReplayToScanner(t *testing.T) {
	srcs, err := framegen.LoadPasses("../testdata/passes")
	if err != nil {
		t.Fatal(err)
	}
	srcs = srcs[:4]
	// Each pass is held up for 6 frames, easy ones: the test is about the
	// path, the corpus tests are about hard frames.
	var lumas []*scanner.Luma
	var want []string
	for i, src := range srcs {
		p := framegen.Params{Width: 640, Height: 480, Seed: uint64(i + 1), Size: 0.68, X: 0.5, Y: 0.5,
			Dark: 30, Light: 220}
		f, err := framegen.Render(src, p)
		if err != nil {
			t.Fatal(err)
		}
		for range 6 {
			lumas = append(lumas, f.Luma)
		}
		want = append(want, src.Text)
		empty, err := framegen.Render(framegen.Source{}, framegen.Params{Width: 640, Height: 480, Seed: 99, NoCode: true, Dark: 30, Light: 220})
		if err != nil {
			t.Fatal(err)
		}
		lumas = append(lumas, empty.Luma, empty.Luma)
	}
	cam := replayCamera(t, writeClip(t, lumas))
	// A window longer than the clip: a pass is reported once however many
	// frames show it.
	live := scanner.NewLive(scanner.LiveOptions{Window: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var mu sync.Mutex
	var got []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		live.Run(ctx, func(s scanner.Scan) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, s.Text)
		})
	}()
	frames := 0
	if err := cam.Run(ctx, func(f *camera.Frame) {
		frames++
		live.Offer(&scanner.Luma{Pix: f.Y, Width: f.Width, Height: f.Height, Stride: f.Stride}, f.Seq, f.Time, nil)
	}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the last frames decode
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	st := live.Stats()
	if frames != len(lumas) {
		t.Errorf("camera delivered %d frames, the clip has %d", frames, len(lumas))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("reported %d passes, want each of the %d once; stats %+v", len(got), len(want), st)
	}
	if st.Duplicates == 0 {
		t.Errorf("no repeat sightings were folded: %+v", st)
	}
	t.Logf("%d frames: %+v", frames, st)
}

// writeClip writes frames as a Y4M clip at 30 fps in the test's temporary
// folder and returns its path.
func writeClip(tb testing.TB, lumas []*scanner.Luma) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "clip.y4m")
	fh, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	if err := framegen.WriteY4M(fh, lumas, 30); err != nil {
		tb.Fatal(err)
	}
	return path
}

// replayCamera returns a Camera on a replay device playing the Y4M clip at
// path once at 30 fps, through mediadevices as a webcam would. The clip is
// closed when the test ends.
func replayCamera(tb testing.TB, path string) *camera.Camera {
	tb.Helper()
	clip, err := camera.OpenY4M(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { clip.Close() })
	devs := camera.NewDevices(nil)
	label, err := devs.AddReplay(tb.Name(), clip, camera.ReplayOptions{FPS: 30})
	if err != nil {
		tb.Fatal(err)
	}
	return &camera.Camera{Devices: devs, Config: camera.Config{Device: label}}
}
