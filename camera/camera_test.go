package camera_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/camera"
)

// writeY4M writes frames whose luma is filled with the frame's number.
func writeY4M(t *testing.T, w, h, n int, colour string) string {
	t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "YUV4MPEG2 W%d H%d F25:1 Ip A1:1 C%s\n", w, h, colour)
	chroma := 2 * ((w + 1) / 2) * ((h + 1) / 2)
	if colour == "mono" {
		chroma = 0
	}
	for i := range n {
		b.WriteString("FRAME\n")
		b.Write(bytes.Repeat([]byte{byte(i + 1)}, w*h))
		b.Write(bytes.Repeat([]byte{128}, chroma))
	}
	path := filepath.Join(t.TempDir(), "clip.y4m")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestY4M(t *testing.T) {
	for _, colour := range []string{"420jpeg", "mono"} {
		c, err := camera.OpenY4M(writeY4M(t, 33, 17, 3, colour))
		if err != nil {
			t.Fatal(err)
		}
		if w, h := c.Size(); w != 33 || h != 17 || c.FPS() != 25 {
			t.Fatalf("%s: size %dx%d fps %g", colour, w, h, c.FPS())
		}
		for pass := range 2 {
			for i := range 3 {
				s, err := c.Next()
				if err != nil || s.Pix[0] != byte(i+1) || s.Pix[33*17-1] != byte(i+1) {
					t.Fatalf("%s pass %d frame %d: %v %v", colour, pass, i, err, s.Pix[:1])
				}
			}
			if _, err := c.Next(); err != io.EOF {
				t.Fatalf("%s: after the last frame: %v", colour, err)
			}
			if err := c.Rewind(); err != nil {
				t.Fatal(err)
			}
		}
		c.Close()
	}
}

func TestY4MBad(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"empty":    "",
		"notY4M":   "P5\n1 1\n255\n\x00",
		"nosize":   "YUV4MPEG2 F25:1\n",
		"huge":     "YUV4MPEG2 W100000 H100000\n",
		"colour":   "YUV4MPEG2 W2 H2 C420p10\n",
		"badrate":  "YUV4MPEG2 W2 H2 F25\n",
		"badwidth": "YUV4MPEG2 Wx H2\n",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		if _, err := camera.OpenY4M(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A file cut inside a frame is an error naming the frame, not a panic.
	p := writeY4M(t, 8, 8, 2, "420jpeg")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, b[:len(b)-20], 0o644)
	c, err := camera.OpenY4M(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Next()
	if _, err := c.Next(); err == nil || !strings.Contains(err.Error(), "frame 2 cut short") {
		t.Errorf("cut frame: %v", err)
	}
}

// TestReplayThroughMediadevices opens a Y4M replay the way a webcam is
// opened (GetUserMedia, track, reader) and reads every frame.
func TestReplayThroughMediadevices(t *testing.T) {
	devs := camera.NewDevices(nil)
	clip, err := camera.OpenY4M(writeY4M(t, 64, 48, 5, "420jpeg"))
	if err != nil {
		t.Fatal(err)
	}
	label, err := devs.AddReplay(t.Name(), clip, camera.ReplayOptions{FPS: 200})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range devs.List() {
		if d.Label == label {
			found = d.Replay && len(d.Modes) == 1 && d.Modes[0].Width == 64 && d.Modes[0].Format == "I420"
		}
	}
	if !found {
		t.Fatalf("replay %s not listed right: %+v", label, devs.List())
	}
	s, err := devs.Open(camera.Config{Device: label})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 5 {
		f, err := s.Read()
		if err != nil {
			t.Fatal(err)
		}
		if f.Seq != uint64(i+1) || f.Width != 64 || f.Height != 48 || f.Y[0] != byte(i+1) || f.Y[len(f.Y)-1] != byte(i+1) {
			t.Fatalf("frame %d: seq %d %dx%d y %d", i, f.Seq, f.Width, f.Height, f.Y[0])
		}
		f.Release()
	}
	if _, err := s.Read(); err != io.EOF {
		t.Fatalf("after the clip: %v, want io.EOF", err)
	}
}

// TestFrameRelease: a released frame's buffer takes a later frame; a frame
// still held keeps its own.
func TestFrameRelease(t *testing.T) {
	devs := camera.NewDevices(nil)
	clip, err := camera.OpenY4M(writeY4M(t, 64, 48, 4, "420jpeg"))
	if err != nil {
		t.Fatal(err)
	}
	label, err := devs.AddReplay(t.Name(), clip, camera.ReplayOptions{FPS: 200})
	if err != nil {
		t.Fatal(err)
	}
	s, err := devs.Open(camera.Config{Device: label})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	read := func() *camera.Frame {
		t.Helper()
		f, err := s.Read()
		if err != nil {
			t.Fatal(err)
		}
		if f.Y[0] != byte(f.Seq) {
			t.Fatalf("frame %d shows frame %d", f.Seq, f.Y[0])
		}
		return f
	}
	first := read()
	buf := &first.Y[0]
	first.Release()
	first.Release() // a second time does nothing
	if first.Y != nil {
		t.Error("a released frame still shows its buffer")
	}
	second := read()
	if &second.Y[0] != buf {
		t.Error("frame 2 not read into the buffer of frame 1, released")
	}
	if third := read(); &third.Y[0] == buf {
		t.Error("frame 3 read into the buffer of frame 2, still held")
	}
}

func TestOpenErrors(t *testing.T) {
	devs := camera.NewDevices(nil)
	_, err := devs.Open(camera.Config{Device: "replay:nothing-like-this"})
	if !errors.Is(err, camera.ErrNoCamera) && !errors.Is(err, camera.ErrNoSupport) {
		t.Errorf("unknown device: %v", err)
	}
	if _, err := devs.AddReplay("x", &failing{}, camera.ReplayOptions{FPS: -1}); err == nil {
		t.Error("negative frame rate accepted")
	}
}

// failing is a clip that fails after a few frames, as an unplugged camera.
type failing struct {
	mu     sync.Mutex
	n      int
	opened int
}

func (f *failing) Size() (int, int) { return 16, 16 }
func (f *failing) FPS() float64     { return 0 }
func (f *failing) Next() (camera.Still, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	if f.n > 3 {
		return camera.Still{}, errors.New("device unplugged")
	}
	return camera.Still{Pix: make([]byte, 256), Width: 16, Height: 16, Stride: 16}, nil
}
func (f *failing) Rewind() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n = 0
	f.opened++
	return nil
}
func (f *failing) Close() error { return nil }

// TestCameraReconnects: a device that fails is reported lost and opened
// again; frames keep coming; cancelling ends Run.
func TestCameraReconnects(t *testing.T) {
	devs := camera.NewDevices(nil)
	clip := &failing{}
	label, err := devs.AddReplay(t.Name(), clip, camera.ReplayOptions{FPS: 500})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	var states []camera.State
	frames := 0
	c := &camera.Camera{Devices: devs, Config: camera.Config{Device: label}, Retry: 10 * time.Millisecond,
		OnStatus: func(s camera.Status) {
			mu.Lock()
			defer mu.Unlock()
			states = append(states, s.State)
			if s.State == camera.Lost && (s.Err == nil || !strings.Contains(s.Err.Error(), "unplugged")) {
				t.Errorf("lost without the reason: %v", s.Err)
			}
		}}
	err = c.Run(ctx, func(f *camera.Frame) {
		mu.Lock()
		defer mu.Unlock()
		if frames++; frames == 9 { // three sessions of three frames
			cancel()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	lost := strings.Count(fmt.Sprint(states), "lost")
	if frames < 9 || lost < 2 || states[len(states)-1] != camera.Stopped {
		t.Fatalf("frames %d, states %v", frames, states)
	}
}
