package scanner

import (
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

func TestFitHomography(t *testing.T) {
	want := homography{1.3, 0.2, 40, -0.1, 0.9, 25, 0.002, -0.001}
	var src, dst []pt
	for _, p := range []pt{{0, 0}, {29, 0}, {0, 29}, {29, 29}, {3.5, 3.5}, {25.5, 3.5}, {3.5, 25.5}} {
		src = append(src, p)
		dst = append(dst, want.apply(p))
	}
	got, err := fitHomography(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []pt{{10, 20}, {28, 1}, {14.5, 14.5}} {
		a, b := want.apply(p), got.apply(p)
		if math.Hypot(a.x-b.x, a.y-b.y) > 1e-6 {
			t.Errorf("at %v: fitted %v, want %v", p, b, a)
		}
	}
	inv, err := got.inverse()
	if err != nil {
		t.Fatal(err)
	}
	if q := inv.apply(got.apply(pt{7, 9})); math.Hypot(q.x-7, q.y-9) > 1e-6 {
		t.Errorf("inverse: %v, want (7, 9)", q)
	}
	line := []pt{{0, 0}, {1, 1}, {2, 2}, {3, 3}}
	if _, err := fitHomography(line, line); err == nil {
		t.Error("fitted a homography to points on a line")
	}
	if _, err := fitHomography(src[:3], dst[:3]); err == nil {
		t.Error("fitted a homography to three points")
	}
}

// TestTraceRing traces the outer square of a drawn finder pattern and
// finds its corners; a square merged with a dark surround is refused.
func TestTraceRing(t *testing.T) {
	m, _ := gozxing.NewBitMatrix(200, 200)
	const x0, y0, mod = 10, 12, 4 // a finder pattern of 7×4 pixels at (10, 12)
	for y := range 7 * mod {
		for x := range 7 * mod {
			mx, my := x/mod, y/mod
			ring := mx == 0 || my == 0 || mx == 6 || my == 6
			core := mx >= 2 && mx <= 4 && my >= 2 && my <= 4
			if ring || core {
				m.Set(x0+x, y0+y)
			}
		}
	}
	c := cand{x: x0 + 3.5*mod, y: y0 + 3.5*mod, module: mod, count: 3}
	r := traceRing(m, c)
	if len(r) != 24*mod*mod {
		t.Fatalf("traced %d pixels, want %d", len(r), 24*mod*mod)
	}
	q, ok := corners(r, pt{c.x, c.y}, pt{1, 0}, pt{0, 1})
	if !ok {
		t.Fatal("no corners")
	}
	want := [4]pt{{x0, y0}, {x0 + 7*mod, y0}, {x0 + 7*mod, y0 + 7*mod}, {x0, y0 + 7*mod}}
	for k := range q {
		if math.Hypot(q[k].x-want[k].x, q[k].y-want[k].y) > 1.5 {
			t.Errorf("corner %d at %v, want %v", k, q[k], want[k])
		}
	}
	_ = m.SetRegion(0, 0, 200, y0+1) // a dark band joining the square's top
	if r := traceRing(m, c); r != nil {
		t.Errorf("traced %d pixels of a square merged with its surround", len(r))
	}
}
