package framegen_test

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/issue"
	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/scanner"
)

// digest hashes every byte of a corpus: pixels, texts, corners, parameters.
func digest(t *testing.T, frames []framegen.Frame) string {
	t.Helper()
	h := sha256.New()
	for _, f := range frames {
		p, err := json.Marshal(f.Params)
		if err != nil {
			t.Fatal(err)
		}
		h.Write(p)
		fmt.Fprintf(h, "%q %q %v %dx%d\n", f.Text, f.Source, f.Corners, f.Luma.Width, f.Luma.Height)
		for y := range f.Luma.Height {
			h.Write(f.Luma.Pix[y*f.Luma.Stride : y*f.Luma.Stride+f.Luma.Width])
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestCorpusDeterministic(t *testing.T) {
	srcs := passes(t)
	gen := func(seed uint64, workers int) string {
		frames, err := framegen.Corpus(framegen.Options{Seed: seed, Count: 24, Sources: srcs, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		return digest(t, frames)
	}
	a := gen(7, 1)
	if b := gen(7, 3); a != b {
		t.Errorf("seed 7: %s with 1 worker, %s with 3: frames depend on scheduling", a, b)
	}
	if b := gen(7, 1); a != b {
		t.Errorf("seed 7 twice: %s, then %s", a, b)
	}
	if b := gen(8, 1); a == b {
		t.Errorf("seeds 7 and 8 both give %s", a)
	}
}

func TestCorpus(t *testing.T) {
	srcs := passes(t)
	names := map[string]framegen.Source{}
	for _, s := range srcs {
		names[s.Name] = s
	}
	frames, err := framegen.Corpus(framegen.Options{Seed: 1, Sources: srcs})
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != framegen.DefaultCount {
		t.Fatalf("%d frames, want the default %d", len(frames), framegen.DefaultCount)
	}
	sizes := framegen.DefaultSizes()
	noCode, outside := 0, 0
	for i, f := range frames {
		p := f.Params
		want := sizes[i%len(sizes)]
		if f.Luma.Width != want.X || f.Luma.Height != want.Y || p.Width != want.X || p.Height != want.Y {
			t.Errorf("frame %d: %dx%d (params %dx%d), want %dx%d", i, f.Luma.Width, f.Luma.Height, p.Width, p.Height, want.X, want.Y)
		}
		if err := p.Check(); err != nil {
			t.Errorf("frame %d: %v", i, err)
		}
		if p.NoCode {
			noCode++
			if f.Text != "" || f.Source != "" || f.Corners != [4]framegen.Point{} {
				t.Errorf("frame %d has no code but text %.20q, source %q, corners %v", i, f.Text, f.Source, f.Corners)
			}
			continue
		}
		src, ok := names[f.Source]
		switch {
		case !ok:
			t.Errorf("frame %d: unknown source %q", i, f.Source)
			continue
		case f.Text != src.Text || f.Text == "":
			t.Errorf("frame %d: text %.20q, want its source's %.20q", i, f.Text, src.Text)
		}
		if w := p.Narrowest(src.Modules()); w < 3-1e-9 {
			t.Errorf("frame %d: narrowest module %.2f px, want at least the default 3", i, w)
		}
		// The code must be in view: its centre inside the frame, and its
		// corners inside or at most a few modules out.
		slack := p.Size * float64(p.Height) / float64(src.Modules()) * 4
		var cx, cy float64
		for _, c := range f.Corners {
			cx, cy = cx+c.X/4, cy+c.Y/4
			if c.X < -slack || c.Y < -slack || c.X > float64(p.Width)+slack || c.Y > float64(p.Height)+slack {
				t.Errorf("frame %d: corner %v far outside %dx%d (corners %v)", i, c, p.Width, p.Height, f.Corners)
			}
			if c.X < 0 || c.Y < 0 || c.X > float64(p.Width) || c.Y > float64(p.Height) {
				outside++
			}
		}
		if cx < 0 || cy < 0 || cx > float64(p.Width) || cy > float64(p.Height) {
			t.Errorf("frame %d: code centre (%.0f, %.0f) outside the frame", i, cx, cy)
		}
	}
	// The default share of frames without a code is 15%.
	if lo, hi := len(frames)*8/100, len(frames)*25/100; noCode < lo || noCode > hi {
		t.Errorf("%d of %d frames without a code, want %d to %d", noCode, len(frames), lo, hi)
	}
	if outside > len(frames)/10 {
		t.Errorf("%d corners outside their frame, want at most %d", outside, len(frames)/10)
	}
	t.Logf("%d frames, %d without a code, %d corners slightly outside", len(frames), noCode, outside)
}

// TestSources checks the sampled module grids: each source, drawn flat,
// must read back as its text.
func TestSources(t *testing.T) {
	dec := scanner.Decoder{PureBarcode: true}
	for _, s := range sources(t) {
		res, err := dec.Decode(s.Image(3))
		if err != nil || res.Text != s.Text {
			t.Errorf("%s (%d modules): read %.30q, %v; want %.30q", s.Name, s.Modules(), res.Text, err, s.Text)
		}
	}
}

func TestNewSourceRejects(t *testing.T) {
	flat := scanner.NewLuma(50, 50)
	noise := scanner.NewLuma(60, 60)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range noise.Pix {
		noise.Pix[i] = byte(r.IntN(2) * 255)
	}
	wide := scanner.NewLuma(90, 40)
	for i := range wide.Pix {
		wide.Pix[i] = 255
	}
	for y := 5; y < 35; y++ {
		for x := 5; x < 85; x++ {
			wide.Pix[y*wide.Stride+x] = 0
		}
	}
	for name, img := range map[string]*scanner.Luma{"flat": flat, "noise": noise, "not square": wide} {
		if _, err := framegen.NewSource(name, "x", img); !errors.Is(err, framegen.ErrNoSymbol) {
			t.Errorf("%s: err = %v, want ErrNoSymbol", name, err)
		}
	}
}

// testSource is a code made with the project's issuer, at any scale.
func testSource(t testing.TB, text string, scale int) framegen.Source {
	t.Helper()
	img, err := issue.QR(text, scale)
	if err != nil {
		t.Fatal(err)
	}
	src, err := framegen.NewSource("test", text, scanner.FromImage(img))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestNewSourceScales(t *testing.T) {
	const text = "HC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEMWK4MI6UOS03CR$2"
	want := testSource(t, text, 1).Image(1)
	for _, scale := range []int{2, 3, 7} {
		got := testSource(t, text, scale)
		if got.Modules() != want.Width-8 {
			t.Errorf("scale %d: %d modules, want %d", scale, got.Modules(), want.Width-8)
			continue
		}
		if img := got.Image(1); string(img.Pix) != string(want.Pix) {
			t.Errorf("scale %d: sampled modules differ from the code drawn at scale 1", scale)
		}
	}
}

// TestRenderGeometry draws an upright code facing the camera and checks
// where its corners and modules land.
func TestRenderGeometry(t *testing.T) {
	src := testSource(t, "HC1:RENDER GEOMETRY", 1) // version 2: 25 modules
	n := float64(src.Modules())
	p := framegen.Params{Width: 640, Height: 480, Seed: 1, Size: 0.5, X: 0.5, Y: 0.5, Dark: 10, Light: 240}
	f, err := framegen.Render(src, p)
	if err != nil {
		t.Fatal(err)
	}
	side := 0.5 * 480
	want := [4]framegen.Point{{320 - side/2, 240 - side/2}, {320 + side/2, 240 - side/2}, {320 + side/2, 240 + side/2}, {320 - side/2, 240 + side/2}}
	for i, c := range f.Corners {
		if math.Abs(c.X-want[i].X) > 1e-6 || math.Abs(c.Y-want[i].Y) > 1e-6 {
			t.Errorf("corner %d at %v, want %v", i, c, want[i])
		}
	}
	m := side / n
	at := func(mx, my float64) byte { // the pixel at the centre of a module
		return f.Luma.At(int(want[0].X+(mx+0.5)*m), int(want[0].Y+(my+0.5)*m))
	}
	for _, c := range []struct {
		mx, my float64
		want   byte
	}{{0, 0, 10}, {3, 3, 10}, {1, 1, 240}, {n - 1, 0, 10}, {0, n - 1, 10}, {-2, -2, 240}, {n + 1, 3, 240}} {
		if got := at(c.mx, c.my); got != c.want {
			t.Errorf("module (%g, %g) = %d, want %d", c.mx, c.my, got, c.want)
		}
	}
	p.Inverted = true
	if f, err = framegen.Render(src, p); err != nil {
		t.Fatal(err)
	}
	if got := at(3, 3); got != 240 {
		t.Errorf("dark mode: finder centre = %d, want the light level 240", got)
	}
	// Rotating by 90° moves the symbol's top-left corner to the top right.
	p.Inverted, p.Rotation = false, 90
	if f, err = framegen.Render(src, p); err != nil {
		t.Fatal(err)
	}
	if c := f.Corners[0]; math.Abs(c.X-want[1].X) > 1e-6 || math.Abs(c.Y-want[1].Y) > 1e-6 {
		t.Errorf("rotated 90°: top-left corner at %v, want %v", c, want[1])
	}
	// A tilt shortens the code across its axis: an axis at 0° (the
	// phone's horizontal) brings one edge nearer, so it is drawn wider.
	p.Rotation, p.Tilt = 0, 30
	if f, err = framegen.Render(src, p); err != nil {
		t.Fatal(err)
	}
	top, bottom := f.Corners[1].X-f.Corners[0].X, f.Corners[2].X-f.Corners[3].X
	height := f.Corners[3].Y - f.Corners[0].Y
	if math.Abs(top-bottom) < 10 || height > side*0.9 {
		t.Errorf("tilted 30°: top edge %.1f, bottom edge %.1f, height %.1f; want unequal edges and a shorter code", top, bottom, height)
	}
}

func TestRenderChecks(t *testing.T) {
	src := testSource(t, "HC1:CHECKS", 1)
	good := framegen.Params{Width: 640, Height: 480, Size: 0.5, X: 0.5, Y: 0.5, Dark: 10, Light: 240}
	if _, err := framegen.Render(src, good); err != nil {
		t.Fatalf("good params: %v", err)
	}
	for name, mod := range map[string]func(*framegen.Params){
		"size":           func(p *framegen.Params) { p.Size = 0.9 },
		"tilt":           func(p *framegen.Params) { p.Tilt = 40 },
		"rotation":       func(p *framegen.Params) { p.Rotation = 360 },
		"dark":           func(p *framegen.Params) { p.Dark = 100 },
		"light":          func(p *framegen.Params) { p.Light = 150 },
		"blur":           func(p *framegen.Params) { p.Blur = 3 },
		"blur_kind":      func(p *framegen.Params) { p.Blur, p.BlurKind = 1, "motion" },
		"noise":          func(p *framegen.Params) { p.Noise = 9 },
		"jpeg":           func(p *framegen.Params) { p.JPEG = 95 },
		"glare.strength": func(p *framegen.Params) { p.Glare = framegen.Glare{Radius: 0.1, Strength: 1.5} },
		"glare.radius":   func(p *framegen.Params) { p.Glare.Strength = 0.5 },
		"x, y":           func(p *framegen.Params) { p.X = 1.5 },
	} {
		p := good
		mod(&p)
		_, err := framegen.Render(src, p)
		if err == nil || !strings.Contains(err.Error(), "parameter "+name+" ") {
			t.Errorf("%s out of range: err = %v, want one naming %q", name, err, name)
		}
	}
	if _, err := framegen.Render(framegen.Source{}, good); err == nil {
		t.Error("a zero Source with a code to draw: no error")
	}
	good.NoCode = true
	if _, err := framegen.Render(framegen.Source{}, good); err != nil {
		t.Errorf("a zero Source and no code: %v", err)
	}
}

func TestCorpusOptions(t *testing.T) {
	src := testSource(t, "HC1:OPTIONS", 1)
	frames, err := framegen.Corpus(framegen.Options{Seed: 3, Count: 5, Sizes: []image.Point{{320, 240}}, Sources: []framegen.Source{src}, NoCode: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range frames {
		if f.Luma.Width != 320 || f.Luma.Height != 240 || f.Text != src.Text {
			t.Errorf("frame %d: %dx%d %q, want 320x240 with the code", i, f.Luma.Width, f.Luma.Height, f.Text)
		}
	}
	// A code too dense for the frame cannot be shown.
	big := testSource(t, strings.Repeat("HC1", 100), 1)
	_, err = framegen.Corpus(framegen.Options{Count: 3, Sizes: []image.Point{{160, 120}}, Sources: []framegen.Source{big}, NoCode: -1})
	if !errors.Is(err, framegen.ErrNoSource) {
		t.Errorf("a code too large for the frame: err = %v, want ErrNoSource", err)
	}
	// Without sources, only frames without a code can be made.
	frames, err = framegen.Corpus(framegen.Options{Count: 4, NoCode: 1})
	if err != nil || len(frames) != 4 || frames[0].Text != "" {
		t.Errorf("no sources, NoCode 1: %d frames, %v", len(frames), err)
	}
}
