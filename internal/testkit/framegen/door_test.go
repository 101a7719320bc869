package framegen_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/testkit/framegen"
)

// TestDefaultCorpusUnchanged pins the first frames of the default corpora
// (those of `passctl frames` and of scanner's TestCorpus), byte for byte,
// as they were before the door kinds: a door distortion must not change
// them. The digests hold on amd64, where they were taken (another
// architecture may fuse floating-point operations).
func TestDefaultCorpusUnchanged(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("digests pinned on amd64, not %s", runtime.GOARCH)
	}
	for _, c := range []struct {
		seed uint64
		dcc  bool
		want string
	}{
		{1, false, "65a7b2dd347c09e6762b14aad894dc85cf5a09e301d458d6a3bed33ae461d46b"},
		{1, true, "0ae0b24fc9bece741947d20cd813c27b5a8068e17a91ee6c22e18b689b17c047"},
		{2021_12_13, true, "c174363ea3a3d64fca95152b3b8853b68dda5546914ed4ebb381b833330f51a9"},
	} {
		t.Run(fmt.Sprintf("seed %d dcc %v", c.seed, c.dcc), func(t *testing.T) {
			srcs := passes(t)
			if c.dcc {
				srcs = sources(t)
			}
			frames, err := framegen.Corpus(framegen.Options{Seed: c.seed, Count: 60, Sources: srcs})
			if err != nil {
				t.Fatal(err)
			}
			if got := digest(t, frames); got != c.want {
				t.Errorf("digest of the first 60 frames %s, want %s", got, c.want)
			}
			for i, f := range frames {
				if f.Kind != "" {
					t.Errorf("frame %d of the default corpus has kind %q", i, f.Kind)
				}
			}
		})
	}
}

func doorCorpus(t *testing.T, seed uint64, count, workers int) []framegen.Frame {
	t.Helper()
	frames, err := framegen.Corpus(framegen.Options{Seed: seed, Count: count, Sources: passes(t), Kinds: framegen.DoorKinds(), Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return frames
}

func kindDigest(t *testing.T, frames []framegen.Frame) string {
	var kinds []string
	for _, f := range frames {
		kinds = append(kinds, f.Kind)
	}
	return digest(t, frames) + strings.Join(kinds, ",")
}

func TestDoorCorpusDeterministic(t *testing.T) {
	a := kindDigest(t, doorCorpus(t, 13, 12, 1))
	if b := kindDigest(t, doorCorpus(t, 13, 12, 3)); a != b {
		t.Errorf("seed 13: %s with 1 worker, %s with 3", a, b)
	}
	if b := kindDigest(t, doorCorpus(t, 13, 12, 1)); a != b {
		t.Errorf("seed 13 twice: %s, then %s", a, b)
	}
	if b := kindDigest(t, doorCorpus(t, 14, 12, 1)); a == b {
		t.Errorf("seeds 13 and 14 both give %s", a)
	}
}

// TestDoorCorpus checks that each door frame shows its kind's distortion
// within its documented range, and the code it says.
func TestDoorCorpus(t *testing.T) {
	srcs := passes(t)
	byName := map[string]framegen.Source{}
	for _, s := range srcs {
		byName[s.Name] = s
	}
	kinds := framegen.DoorKinds()
	frames := doorCorpus(t, 13, 4*len(kinds), 0)
	sizes := framegen.DefaultSizes()
	for i, f := range frames {
		p := f.Params
		kind := kinds[i%len(kinds)]
		size := sizes[i/len(kinds)%len(sizes)]
		src, ok := byName[f.Source]
		switch {
		case f.Kind != kind:
			t.Errorf("frame %d: kind %q, want %q", i, f.Kind, kind)
		case p.Width != size.X || p.Height != size.Y:
			t.Errorf("frame %d: %dx%d, want %dx%d", i, p.Width, p.Height, size.X, size.Y)
		case !ok || f.Text != src.Text || p.NoCode:
			t.Errorf("frame %d: source %q, text %.20q: not one of the passes", i, f.Source, f.Text)
			continue
		}
		if err := p.Check(); err != nil {
			t.Errorf("frame %d: %v", i, err)
		}
		w := p.Narrowest(src.Modules())
		has := map[string]bool{
			framegen.KindCurve:  p.Curve.Radius > 0,
			framegen.KindCracks: len(p.Cracks) > 0,
			framegen.KindMoire:  p.Moire.Amplitude > 0 && p.Moire.Grid > 0,
			framegen.KindMotion: p.Motion.Length > 0 && p.Blur == 0,
			framegen.KindThumb:  p.Thumb.RX > 0,
			framegen.KindSmall:  w >= 2-1e-9 && w <= 3,
		}
		for k, on := range has {
			if on != (k == kind) && !(k == framegen.KindSmall && w <= 3) {
				t.Errorf("frame %d (%s): %s is %v (narrowest module %.2f px; %+v)", i, kind, k, on, w, p)
			}
		}
		if kind != framegen.KindSmall && w < 3-1e-9 {
			t.Errorf("frame %d (%s): narrowest module %.2f px, want at least 3", i, kind, w)
		}
		if kind == framegen.KindThumb {
			d, err := src.ThumbDamage(p.Thumb)
			if err != nil || d < 0.2 || d > framegen.MaxThumbDamage {
				t.Errorf("frame %d: thumb uses %.2f of the error correction (%v), want 0.2 to %g", i, d, err, framegen.MaxThumbDamage)
			}
		}
	}
	if _, err := framegen.Corpus(framegen.Options{Count: 1, Sources: srcs, Kinds: []string{"rain"}}); err == nil || !strings.Contains(err.Error(), `"rain"`) {
		t.Errorf("an unknown door kind: err = %v", err)
	}
	if frames, err := framegen.Corpus(framegen.Options{Sources: srcs, Kinds: []string{framegen.KindSmall}, Workers: 1}); err != nil || len(frames) != framegen.DefaultDoorCount {
		t.Errorf("one kind, default count: %d frames, %v; want %d", len(frames), err, framegen.DefaultDoorCount)
	}
}

func TestDoorChecks(t *testing.T) {
	src := testSource(t, "HC1:DOOR CHECKS", 1)
	good := framegen.Params{Width: 640, Height: 480, Size: 0.5, X: 0.5, Y: 0.5, Dark: 10, Light: 240}
	crack := framegen.Crack{X0: -0.4, Y0: 0, X1: 0.4, Y1: 0.1, Width: 1.5, Level: 20}
	thumb := framegen.Thumb{X: 0.45, Y: 0.45, RX: 0.1, RY: 0.1, Level: 120, Soft: 0.2}
	for name, mod := range map[string]func(*framegen.Params){
		"curve.radius":     func(p *framegen.Params) { p.Curve.Radius = 0.3 },
		"curve.axis":       func(p *framegen.Params) { p.Curve = framegen.Curve{Radius: 1, Axis: 180} },
		"cracks":           func(p *framegen.Params) { p.Cracks = make([]framegen.Crack, framegen.MaxCracks+1) },
		"cracks[0].width":  func(p *framegen.Params) { c := crack; c.Width = 3; p.Cracks = []framegen.Crack{c} },
		"cracks[1].level":  func(p *framegen.Params) { c := crack; c.Level = 300; p.Cracks = []framegen.Crack{crack, c} },
		"cracks[0].jag":    func(p *framegen.Params) { c := crack; c.Jag = 5; p.Cracks = []framegen.Crack{c} },
		"moire.pitch":      func(p *framegen.Params) { p.Moire = framegen.Moire{Pitch: 1, Amplitude: 0.2} },
		"moire.amplitude":  func(p *framegen.Params) { p.Moire = framegen.Moire{Pitch: 2, Amplitude: 0.9} },
		"moire.grid":       func(p *framegen.Params) { p.Moire = framegen.Moire{Pitch: 2, Grid: 0.5} },
		"moire.angle":      func(p *framegen.Params) { p.Moire = framegen.Moire{Pitch: 2, Amplitude: 0.2, Angle: 20} },
		"motion.length":    func(p *framegen.Params) { p.Motion.Length = 20 },
		"motion.angle":     func(p *framegen.Params) { p.Motion = framegen.Motion{Length: 4, Angle: 200} },
		"thumb.rx, ry":     func(p *framegen.Params) { t := thumb; t.RY = 0.9; p.Thumb = t },
		"thumb.rx":         func(p *framegen.Params) { p.Thumb = framegen.Thumb{Level: 100} },
		"thumb.level":      func(p *framegen.Params) { t := thumb; t.Level = 250; p.Thumb = t },
		"thumb.soft":       func(p *framegen.Params) { t := thumb; t.Soft = 0.8; p.Thumb = t },
		"thumb.x, y":       func(p *framegen.Params) { t := thumb; t.X = 1.2; p.Thumb = t },
		"motion.length = ": func(p *framegen.Params) { p.Motion.Length, p.Blur, p.BlurKind = 4, 1, framegen.Box },
	} {
		p := good
		mod(&p)
		_, err := framegen.Render(src, p)
		name = strings.TrimSuffix(name, " = ")
		if err == nil || !strings.Contains(err.Error(), "parameter "+name+" ") {
			t.Errorf("%s out of range: err = %v, want one naming %q", name, err, name)
		}
	}
	// In range, each renders.
	for name, mod := range map[string]func(*framegen.Params){
		"curve":  func(p *framegen.Params) { p.Curve = framegen.Curve{Radius: 1, Axis: 30} },
		"cracks": func(p *framegen.Params) { c := crack; c.Jag = 1; p.Cracks = []framegen.Crack{crack, c} },
		"moire":  func(p *framegen.Params) { p.Moire = framegen.Moire{Pitch: 2.1, Angle: 3, Amplitude: 0.2, Grid: 0.1} },
		"motion": func(p *framegen.Params) { p.Motion = framegen.Motion{Length: 5, Angle: 30} },
		"thumb":  func(p *framegen.Params) { p.Thumb = thumb },
	} {
		p := good
		mod(&p)
		if _, err := framegen.Render(src, p); err != nil {
			t.Errorf("%s in range: %v", name, err)
		}
	}
}

// TestThumbBudget checks the thumb's limits: never over a finder pattern,
// and within the error correction of the code's level.
func TestThumbBudget(t *testing.T) {
	src := testSource(t, strings.Repeat("HC1:THUMB BUDGET ", 12), 1)
	if lvl, err := src.ECLevel(); err != nil || lvl != "Q" {
		t.Errorf("EC level %q, %v; want Q, the level of the project's issuer", lvl, err)
	}
	p := framegen.Params{Width: 640, Height: 480, Size: 0.6, X: 0.5, Y: 0.5, Dark: 10, Light: 240}
	small := framegen.Thumb{X: 0.4, Y: 0.4, RX: 0.06, RY: 0.06, Level: 120, Soft: 0.2}
	d, err := src.ThumbDamage(small)
	if err != nil || d <= 0 || d > framegen.MaxThumbDamage {
		t.Fatalf("a small thumb near the free corner: damage %.2f, %v; want some, within %g", d, err, framegen.MaxThumbDamage)
	}
	p.Thumb = small
	if _, err := framegen.Render(src, p); err != nil {
		t.Errorf("a small thumb: %v", err)
	}
	// Larger, it uses more, and past the budget Render refuses it.
	big := small
	big.RX, big.RY = 0.3, 0.3
	if d2, err := src.ThumbDamage(big); err != nil || d2 <= framegen.MaxThumbDamage {
		t.Errorf("a big thumb: damage %.2f, %v; want above %g", d2, err, framegen.MaxThumbDamage)
	}
	p.Thumb = big
	if _, err := framegen.Render(src, p); err == nil || !strings.Contains(err.Error(), "parameter thumb") {
		t.Errorf("a thumb past the budget: err = %v", err)
	}
	// On a finder pattern: refused whatever the damage.
	for _, c := range [][2]float64{{-0.45, -0.45}, {0.45, -0.45}, {-0.45, 0.45}} {
		th := small
		th.X, th.Y = c[0], c[1]
		if _, err := src.ThumbDamage(th); !errors.Is(err, framegen.ErrThumbCover) {
			t.Errorf("a thumb at %v: err = %v, want ErrThumbCover", c, err)
		}
	}
}
