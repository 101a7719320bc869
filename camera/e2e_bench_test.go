//go:build unix

package camera_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/scanner"
)

// Holding is how a guest shows passes in the end-to-end benchmark: each
// pass is held up for hold frames, moving a little and coming into focus,
// then taken away for gap frames of the scene without it.
const (
	e2ePasses = 6
	e2eHold   = 24
	e2eGap    = 12
)

// BenchmarkReplayE2E plays a 1280×720 clip at 30 fps through the whole
// camera path the kiosk uses (the replay driver in mediadevices,
// GetUserMedia's track and reader, Camera, Live with its two workers) and
// reports, for every frame in which a code was read, the time from the
// frame's timestamp to its payload leaving the scanner (target: a median
// under one frame interval, 33 ms); the time from a pass's first frame to
// its first read; how many of the passes were read; the share of frames decoded (the rest were replaced by a
// newer frame while waiting); and the process's CPU use, in cores.
//
//	go test ./camera -run '^$' -bench ReplayE2E -benchtime 1x
func BenchmarkReplayE2E(b *testing.B) {
	clip, passOf := e2eClip(b)
	for b.Loop() {
		r := runE2E(b, clip, passOf)
		b.ReportMetric(r.latency[len(r.latency)/2], "median-latency-ms")
		b.ReportMetric(r.latency[len(r.latency)*95/100], "p95-latency-ms")
		b.ReportMetric(r.firstRead[len(r.firstRead)/2], "median-first-read-ms")
		b.ReportMetric(float64(len(r.firstRead)), "passes-read")
		b.ReportMetric(float64(r.found)/float64(r.frames), "read/frame")
		b.ReportMetric(float64(r.decoded)/float64(r.frames), "decoded/frame")
		b.ReportMetric(r.cores, "cpu-cores")
		b.ReportMetric(0, "ns/op") // one op is the whole clip: not a useful figure
	}
}

// e2eClip writes the clip as Y4M and returns its path and, per frame, the
// index of the pass it shows (-1 for none).
func e2eClip(b *testing.B) (string, []int) {
	lumas, passOf := e2eFrames(b)
	return writeClip(b, lumas), passOf
}

// e2eFrames renders the clip's frames.
func e2eFrames(b testing.TB) ([]*scanner.Luma, []int) {
	srcs, err := framegen.LoadPasses("../testdata/passes")
	if err != nil {
		b.Fatal(err)
	}
	// Passes that are what a guest shows: readable, of several kinds.
	r := rand.New(rand.NewPCG(2021, 12))
	var lumas []*scanner.Luma
	var passOf []int
	for k := range e2ePasses {
		src := srcs[k*len(srcs)/e2ePasses]
		var base framegen.Params
		for {
			p, ok := framegen.NewParams(r, 1280, 720, src.Modules(), 3)
			// A guest's phone at the desk: not far, not steeply tilted;
			// the corpus tests cover the hard frames.
			if ok && !p.Inverted && p.Glare.Strength == 0 && p.Tilt < 25 && p.Size >= 0.5 && p.Blur < 1.5 &&
				p.Noise < 5 && (p.JPEG == 0 || p.JPEG >= 60) {
				base = p
				if testing.Verbose() {
					b.Logf("pass %d (%s): %+v", k, src.Name, p)
				}
				break
			}
		}
		for i := range e2eHold {
			// The phone drifts and turns a little; it comes into focus
			// over the first frames.
			p := base
			p.Seed = r.Uint64()
			t := float64(i) / e2eHold
			p.X = min(max(base.X+0.04*(t-0.5), 0), 1)
			p.Y = min(max(base.Y+0.03*(0.5-t), 0), 1)
			p.Rotation = math.Mod(base.Rotation+4*t, 360)
			if i < 4 {
				p.Blur, p.BlurKind = 2.2-0.4*float64(i), framegen.Gaussian
			}
			f, err := framegen.Render(src, p)
			if err != nil {
				b.Fatal(err)
			}
			lumas = append(lumas, f.Luma)
			passOf = append(passOf, k)
		}
		for range e2eGap {
			f, err := framegen.Render(framegen.Source{}, framegen.Params{Width: 1280, Height: 720,
				Seed: r.Uint64(), NoCode: true, Dark: 30, Light: 220})
			if err != nil {
				b.Fatal(err)
			}
			lumas = append(lumas, f.Luma)
			passOf = append(passOf, -1)
		}
	}
	return lumas, passOf
}

type e2eResult struct {
	latency, firstRead     []float64 // ms, sorted
	frames, decoded, found int
	cores                  float64
}

func runE2E(b *testing.B, path string, passOf []int) e2eResult {
	cam := replayCamera(b, path)
	// Every frame in which a code is read is reported (a window of 1 ns),
	// so each gives a latency.
	live := scanner.NewLive(scanner.LiveOptions{Window: time.Nanosecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var mu sync.Mutex
	var res e2eResult
	firstFrame := map[int]time.Time{}
	firstRead := map[int]time.Time{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		live.Run(ctx, func(s scanner.Scan) {
			now := time.Now()
			mu.Lock()
			defer mu.Unlock()
			res.latency = append(res.latency, ms(s.Latency))
			if k := passOf[s.Seq-1]; k >= 0 {
				if _, ok := firstRead[k]; !ok {
					firstRead[k] = now
				}
			}
		})
	}()

	cpu0, wall0 := cpuTime(b), time.Now()
	if err := cam.Run(ctx, func(f *camera.Frame) {
		mu.Lock()
		if k := passOf[f.Seq-1]; k >= 0 {
			if _, ok := firstFrame[k]; !ok {
				firstFrame[k] = f.Time
			}
		}
		res.frames++
		mu.Unlock()
		live.Offer(&scanner.Luma{Pix: f.Y, Width: f.Width, Height: f.Height, Stride: f.Stride}, f.Seq, f.Time, nil)
	}); err != nil {
		b.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the last frame decodes
	cancel()
	<-done
	res.cores = (cpuTime(b) - cpu0).Seconds() / time.Since(wall0).Seconds()

	st := live.Stats()
	res.decoded, res.found = int(st.Decoded), int(st.Found)
	if res.frames != len(passOf) {
		b.Fatalf("camera delivered %d frames, the clip has %d", res.frames, len(passOf))
	}
	for k := range e2ePasses {
		if t, ok := firstRead[k]; ok {
			res.firstRead = append(res.firstRead, ms(t.Sub(firstFrame[k])))
		}
	}
	if len(res.latency) == 0 || len(res.firstRead) == 0 {
		b.Fatal("no code was read")
	}
	slices.Sort(res.latency)
	slices.Sort(res.firstRead)
	return res
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// cpuTime is the CPU time, user and system, the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
