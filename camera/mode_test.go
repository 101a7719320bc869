package camera

import "testing"

func TestChooseMode(t *testing.T) {
	usb2 := []Mode{ // a typical USB 2 webcam
		{640, 480, 30, "YUYV"}, {1280, 720, 10, "YUYV"}, {1280, 720, 5, "YUYV"},
		{640, 480, 30, "MJPEG"}, {1280, 720, 30, "MJPEG"}, {1920, 1080, 30, "MJPEG"},
	}
	for _, c := range []struct {
		name  string
		modes []Mode
		w, h  int
		fps   float64
		want  Mode
	}{
		// Raw 720p at 10 fps costs no decoding: preferred over MJPEG.
		{"720p raw", usb2, 1280, 720, 30, Mode{1280, 720, 10, "YUYV"}},
		{"vga", usb2, 640, 480, 30, Mode{640, 480, 30, "YUYV"}},
		// Raw only at 5 fps is too slow: MJPEG it is.
		{"slow raw", []Mode{{1280, 720, 5, "YUYV"}, {1280, 720, 30, "MJPEG"}}, 1280, 720, 30, Mode{1280, 720, 30, "MJPEG"}},
		// Planar beats packed at the same size and rate.
		{"planar", []Mode{{1280, 720, 30, "YUYV"}, {1280, 720, 30, "I420"}}, 1280, 720, 30, Mode{1280, 720, 30, "I420"}},
		// Nearest size first.
		{"size", []Mode{{320, 240, 30, "I420"}, {1920, 1080, 15, "MJPEG"}}, 1280, 720, 30, Mode{1920, 1080, 15, "MJPEG"}},
		// A rate closer to the wanted one wins among equals.
		{"rate", []Mode{{640, 480, 15, "I420"}, {640, 480, 30, "I420"}}, 640, 480, 30, Mode{640, 480, 30, "I420"}},
	} {
		got, ok := chooseMode(c.modes, c.w, c.h, c.fps)
		if !ok || got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	if _, ok := chooseMode(nil, 640, 480, 30); ok {
		t.Error("a mode chosen from none")
	}
}
