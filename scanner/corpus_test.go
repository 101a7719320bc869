package scanner_test

import (
	"fmt"
	"image"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
)

// corpus is the generated frame corpus of the fixture passes and, when the
// shared data is there, the DCC images: the same frames on every run.
var corpus = sync.OnceValues(func() ([]framegen.Frame, error) {
	srcs, err := framegen.LoadPasses("../testdata/passes")
	if err != nil {
		return nil, err
	}
	if dir := shareddata.Root(); dir != "" {
		if dcc, err := framegen.LoadDCC(dir + "/testdata/dgc-testdata"); err == nil {
			srcs = append(srcs, dcc...)
		}
	}
	return framegen.Corpus(framegen.Options{Seed: 2021_12_13, Sources: srcs})
})

func corpusFrames(tb testing.TB) []framegen.Frame {
	tb.Helper()
	frames, err := corpus()
	if err != nil {
		tb.Fatal(err)
	}
	return frames
}

// TestCorpus decodes every generated frame with a fresh FrameDecoder, as a
// kiosk sees a code for the first time, and asserts the read rate per
// frame size and that no frame without a code yields one.
func TestCorpus(t *testing.T) {
	frames := corpusFrames(t)
	type tally struct{ frames, read, wrong int }
	bySize := map[image.Point]*tally{}
	byKind := map[string]*tally{}
	at := time.Date(2021, 12, 13, 12, 0, 0, 0, time.UTC)
	for _, f := range frames {
		sz := image.Pt(f.Luma.Width, f.Luma.Height)
		if bySize[sz] == nil {
			bySize[sz] = &tally{}
		}
		// No time budget: the rate must not depend on the machine's load.
		res, err := scanner.NewFrameDecoder(scanner.FrameOptions{Budget: time.Hour}).Decode(f.Luma, at)
		if f.Text == "" {
			if err == nil {
				t.Errorf("frame %v without a code read %.20q", f.Params, res.Text)
			}
			continue
		}
		bySize[sz].frames++
		for _, k := range kinds(f.Params) {
			if byKind[k] == nil {
				byKind[k] = &tally{}
			}
			byKind[k].frames++
		}
		switch {
		case err == nil && res.Text == f.Text:
			bySize[sz].read++
			for _, k := range kinds(f.Params) {
				byKind[k].read++
			}
		case err == nil:
			t.Errorf("frame %v read %.20q, want %.20q", f.Params, res.Text, f.Text)
		}
	}
	// What this decoder achieves on this corpus; lower means a regression.
	// The corpus holds the DCC images too when the shared data is there
	// (their sources are named by path).
	// Without the shared data (a fresh clone): 110 of 119 and 119 of 130
	// since the Loose strategy (109 of 119 before it).
	want := map[image.Point]float64{{640, 480}: 0.92, {1280, 720}: 0.91}
	if slices.ContainsFunc(frames, func(f framegen.Frame) bool { return strings.Contains(f.Source, "/") }) {
		// 117 of 126 and 113 of 121 since the Perspective detector
		// (issue 13; 0.91 and 0.89 were the floors before it).
		want = map[image.Point]float64{{640, 480}: 0.92, {1280, 720}: 0.93}
	}
	for sz, tl := range bySize {
		rate := float64(tl.read) / float64(tl.frames)
		t.Logf("%dx%d: read %d of %d frames with a code (%.1f%%)", sz.X, sz.Y, tl.read, tl.frames, 100*rate)
		if rate < want[sz] {
			t.Errorf("%dx%d: read rate %.3f, want at least %.2f", sz.X, sz.Y, rate, want[sz])
		}
	}
	var ks []string
	for k := range byKind {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		t.Logf("  %-10s %d of %d", k, byKind[k].read, byKind[k].frames)
	}
}

// kinds names the distortions a frame shows strongly, for the tally.
func kinds(p framegen.Params) []string {
	var ks []string
	add := func(ok bool, k string) {
		if ok {
			ks = append(ks, k)
		}
	}
	add(p.Tilt > 20, "tilt>20")
	add(p.Blur > 1.5, "blur>1.5")
	add(p.Noise > 5, "noise>5")
	add(p.Light-p.Dark < 100, "contrast<100")
	add(p.Glare.Strength > 0.5, "glare")
	add(p.Inverted, "inverted")
	add(p.JPEG > 0 && p.JPEG < 50, "jpeg<50")
	add(p.Size < 0.3, "size<0.3")
	if len(ks) == 0 {
		ks = append(ks, "mild")
	}
	return ks
}

// BenchmarkFrame is the cost of one camera frame through a FrameDecoder
// that has not seen a code before, per size, with a code and without: the
// mean over the corpus frames of that kind (ns/op), and the distribution
// (median, mean, p95, p99, max); -benchtime=Nx with N a multiple of the
// set's size times each frame alike.
func BenchmarkFrame(b *testing.B) {
	frames := corpusFrames(b)
	for _, sz := range []image.Point{{640, 480}, {1280, 720}} {
		for _, withCode := range []bool{true, false} {
			var set []framegen.Frame
			for _, f := range frames {
				if f.Luma.Width == sz.X && (f.Text != "") == withCode {
					set = append(set, f)
				}
			}
			name := fmt.Sprintf("%dx%d/code", sz.X, sz.Y)
			if !withCode {
				name = fmt.Sprintf("%dx%d/nocode", sz.X, sz.Y)
			}
			b.Run(name, func(b *testing.B) {
				at := time.Date(2021, 12, 13, 12, 0, 0, 0, time.UTC)
				var times, cpu []time.Duration
				i, read := 0, 0
				// The thread's CPU time too: on a shared machine the wall
				// time of a frame includes other processes' turns.
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				for b.Loop() {
					// A new decoder a frame: no region from the frame before.
					d := scanner.NewFrameDecoder(scanner.FrameOptions{Budget: benchBudget(b)})
					f := set[i%len(set)]
					c0, cok := threadCPU()
					t0 := time.Now()
					res, err := d.Decode(f.Luma, at)
					times = append(times, time.Since(t0))
					if err == nil && res.Text == f.Text {
						read++
					}
					if c1, ok := threadCPU(); ok && cok {
						cpu = append(cpu, c1-c0)
					}
					i++
				}
				sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
				ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
				var sum time.Duration
				for _, d := range times {
					sum += d
				}
				n := len(times)
				b.ReportMetric(ms(times[n/2]), "median-ms")
				b.ReportMetric(ms(sum/time.Duration(n)), "mean-ms")
				b.ReportMetric(ms(times[n*95/100]), "p95-ms")
				b.ReportMetric(ms(times[min(n-1, n*99/100)]), "p99-ms")
				b.ReportMetric(ms(times[n-1]), "max-ms")
				if withCode {
					// Within the budget, on this machine: what a kiosk reads
					// of a frame it sees once.
					b.ReportMetric(100*float64(read)/float64(n), "read-%")
				}
				if len(cpu) == n {
					sort.Slice(cpu, func(i, j int) bool { return cpu[i] < cpu[j] })
					b.ReportMetric(ms(cpu[n/2]), "cpu-median-ms")
					b.ReportMetric(ms(cpu[n*99/100]), "cpu-p99-ms")
					b.ReportMetric(ms(cpu[n-1]), "cpu-max-ms")
				}
			})
		}
	}
}

// benchBudget is the frame budget of BenchmarkFrame: the default, or
// $PASSGATE_FRAME_BUDGET (a duration) to weigh another.
func benchBudget(b *testing.B) time.Duration {
	v := os.Getenv("PASSGATE_FRAME_BUDGET")
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		b.Fatalf("PASSGATE_FRAME_BUDGET=%q: %v", v, err)
	}
	return d
}
