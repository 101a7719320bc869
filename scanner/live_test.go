package scanner_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/issue"
	"github.com/passgate/passgate/scanner"
)

// frameWithCode draws the fixture pass's QR code (scale px a module) at
// (x, y) on a mid-grey 1280x720 frame, light on dark when negative.
func frameWithCode(t testing.TB, text string, scale, x, y int, negative bool) *scanner.Luma {
	t.Helper()
	img, err := issue.QR(text, scale)
	if err != nil {
		t.Fatal(err)
	}
	l := scanner.NewLuma(1280, 720)
	for i := range l.Pix {
		l.Pix[i] = 110
	}
	b := img.Bounds()
	for r := 0; r < b.Dy() && y+r < l.Height; r++ {
		for c := 0; c < b.Dx() && x+c < l.Width; c++ {
			v := img.Pix[r*img.Stride+c]
			if negative {
				v = 255 - v
			}
			l.Pix[(y+r)*l.Stride+x+c] = v/2 + 50 // a screen: grey, not paper white
		}
	}
	return l
}

func fixtureText(t testing.TB) string {
	b, err := os.ReadFile("../testdata/passes/vaccination-valid.txt")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestFrameDecoder(t *testing.T) {
	text := fixtureText(t)
	d := scanner.NewFrameDecoder(scanner.FrameOptions{})
	at := time.Date(2021, 12, 13, 12, 0, 0, 0, time.UTC)
	r, err := d.Decode(frameWithCode(t, text, 3, 500, 150, false), at)
	if err != nil || r.Text != text || r.Strategy != scanner.Hybrid {
		t.Fatalf("plain: %v %s %v", err, r.Strategy, r.Attempts)
	}
	// The next frame tries the region first.
	r, err = d.Decode(frameWithCode(t, text, 3, 520, 160, false), at.Add(100*time.Millisecond))
	if err != nil || r.Strategy != scanner.Region {
		t.Fatalf("second frame: %v %s %v", err, r.Strategy, r.Attempts)
	}
	// A dark-mode screen elsewhere, after the region expired.
	r, err = d.Decode(frameWithCode(t, text, 3, 100, 100, true), at.Add(time.Minute))
	if err != nil || r.Text != text || (r.Strategy != scanner.Flipped && r.Strategy != scanner.Inverted) {
		t.Fatalf("dark mode: %v %s %v", err, r.Strategy, r.Attempts)
	}
	// A frame without a code: not found, with its attempts listed.
	r, err = d.Decode(scanner.NewLuma(1280, 720), at.Add(2*time.Minute))
	if err == nil || len(r.Attempts) < 2 {
		t.Fatalf("empty frame: %v %v", err, r.Attempts)
	}
	// A broken plane is an error, not a panic.
	if _, err := d.Decode(&scanner.Luma{Pix: make([]byte, 10), Width: 100, Height: 100, Stride: 100}, at); err == nil {
		t.Fatal("short plane accepted")
	}
}

// TestFrameDecoderSlowMachine: on a machine too slow for the budget (here
// a budget of 1 ns), a frame still gets the budget of a few binarizations,
// so the second try of a dark-mode screen, the flipped binarization, is
// not cut.
func TestFrameDecoderSlowMachine(t *testing.T) {
	text := fixtureText(t)
	d := scanner.NewFrameDecoder(scanner.FrameOptions{Budget: time.Nanosecond})
	r, err := d.Decode(frameWithCode(t, text, 3, 100, 100, true), time.Time{})
	if err != nil || r.Text != text || r.Strategy != scanner.Flipped {
		t.Fatalf("dark mode on a slow machine: %v %s %v", err, r.Strategy, r.Attempts)
	}
}

// TestLive offers frames faster than they decode: the latest wins, the
// code held in view is reported once, a second code is reported too.
func TestLive(t *testing.T) {
	text := fixtureText(t)
	b, err := os.ReadFile("../testdata/passes/test-pcr-valid.txt")
	if err != nil {
		t.Fatal(err)
	}
	other := strings.TrimSpace(string(b))
	frames := []*scanner.Luma{frameWithCode(t, text, 3, 400, 100, false), frameWithCode(t, other, 3, 300, 200, false)}
	lv := scanner.NewLive(scanner.LiveOptions{Workers: 2})
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var got []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		lv.Run(ctx, func(s scanner.Scan) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, s.Text)
			if len(s.Attempts) == 0 || s.Seq == 0 {
				t.Errorf("scan without attempts or frame number: %+v", s)
			}
		})
	}()
	var released sync.WaitGroup
	start := time.Now()
	seq := uint64(0)
	offer := func(f *scanner.Luma) {
		seq++
		released.Add(1)
		lv.Offer(f, seq, time.Now(), released.Done)
	}
	for _, f := range frames {
		for range 30 {
			offer(f) // a burst, faster than any decode: frames get replaced
		}
		for range 10 {
			time.Sleep(20 * time.Millisecond)
			offer(f) // the code stays in view: seen again, not reported again
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	<-done
	released.Wait() // every frame handed back
	st := lv.Stats()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != text || got[1] != other {
		t.Fatalf("reported %d codes %q", len(got), got)
	}
	if st.Offered != 80 || st.Replaced == 0 || st.Decoded+st.Replaced > st.Offered || st.Duplicates == 0 {
		t.Fatalf("stats %+v after %v", st, time.Since(start))
	}
}

// TestFrameExtrasPolarity: a frame whose only sign of a code is light on
// dark (the flipped attempt's) tries only the extras that read light on
// dark; a dark-on-light sign, every extra (the upright attempts see signs
// of light-on-dark codes too).
func TestFrameExtrasPolarity(t *testing.T) {
	text := fixtureText(t)
	for _, negative := range []bool{true, false} {
		l := frameWithCode(t, text, 3, 100, 100, negative)
		// The middle of the code, past its error correction, noise of
		// modules: the finder patterns and format information intact.
		img, err := issue.QR(text, 3)
		if err != nil {
			t.Fatal(err)
		}
		side := img.Bounds().Dx()
		rng := uint32(1)
		for y := side / 4; y < side*3/4; y += 3 {
			for x := side / 4; x < side*3/4; x += 3 {
				rng = rng*1664525 + 1013904223
				v := byte(50)
				if rng>>31 == 1 {
					v = 177
				}
				for dy := range 3 {
					for dx := range 3 {
						l.Pix[(100+y+dy)*l.Stride+100+x+dx] = v
					}
				}
			}
		}
		r, err := scanner.NewFrameDecoder(scanner.FrameOptions{Budget: time.Hour}).Decode(l, time.Time{})
		if err == nil {
			t.Fatalf("negative %v: the damaged code read (%s): damage more of it", negative, r.Strategy)
		}
		tried := map[scanner.Strategy]bool{}
		var sign scanner.Strategy
		for _, a := range r.Attempts {
			tried[a.Strategy] = true
			if a.Format && sign == "" {
				sign = a.Strategy
			}
		}
		want := scanner.Hybrid
		if negative {
			want = scanner.Flipped
		}
		if sign != want {
			t.Fatalf("negative %v: first sign of the code from %q, want %q: %+v", negative, sign, want, r.Attempts)
		}
		for _, s := range scanner.DefaultExtras() {
			light := s == scanner.Inverted || s == scanner.DoubleInverted
			if tried[s] != (light || !negative) {
				t.Errorf("negative %v: extra %s tried %v; attempts %+v", negative, s, tried[s], r.Attempts)
			}
		}
	}
}
