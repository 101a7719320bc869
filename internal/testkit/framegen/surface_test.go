package framegen

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSurfaceRoundTrip maps phone points to the frame and back, on the
// cylinder and on the flat parts of a bent phone.
func TestSurfaceRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range []Params{
		{Width: 640, Height: 480, Size: 0.5, X: 0.5, Y: 0.5, Curve: Curve{Radius: 0.6, Axis: 0}},
		{Width: 1280, Height: 720, Size: 0.4, X: 0.4, Y: 0.6, Rotation: 70, Tilt: 25, TiltAxis: 40, Curve: Curve{Radius: 1.5, Axis: 120}},
		{Width: 1280, Height: 720, Size: 0.4, X: 0.5, Y: 0.5, Rotation: 10, Tilt: 10},
	} {
		const n = 41
		sf := newSurface(p, n)
		for range 500 {
			u, v := uniform(r, -40, 40), uniform(r, -40, 40)
			pt, ok := sf.toFrame(u, v)
			if !ok {
				t.Fatalf("%+v: (%.1f, %.1f) behind the camera", p.Curve, u, v)
			}
			gu, gv, ok := sf.fromFrame(pt.X, pt.Y)
			if !ok || math.Abs(gu-u) > 1e-6 || math.Abs(gv-v) > 1e-6 {
				t.Fatalf("%+v: (%.3f, %.3f) → %v → (%.3f, %.3f) %v", p.Curve, u, v, pt, gu, gv, ok)
			}
		}
	}
}

// TestCurveNarrows checks a bent phone facing the camera: bent about its
// vertical axis, the code keeps its height at the centre line and narrows
// across, as the cylinder's section projects.
func TestCurveNarrows(t *testing.T) {
	const n = 41
	p := Params{Width: 640, Height: 480, Size: 0.5, X: 0.5, Y: 0.5, Curve: Curve{Radius: 0.8, Axis: 90}}
	sf := newSurface(p, n)
	m := p.Size * float64(p.Height) / n
	f := focal(p.Width, p.Height)
	R := p.Curve.Radius * n
	phi := n / 2.0 / R
	// The code's right edge at the centre line: a = R sin φ, z = R(1 - cos φ).
	want := 320 + f*m*R*math.Sin(phi)/(f+m*R*(1-math.Cos(phi)))
	if pt, _ := sf.toFrame(n/2.0, 0); math.Abs(pt.X-want) > 1e-9 || math.Abs(pt.Y-240) > 1e-9 {
		t.Errorf("right edge at %v, want (%.3f, 240)", pt, want)
	}
	if pt, _ := sf.toFrame(0, -n/2.0); math.Abs(pt.Y-(240-m*n/2)) > 1e-9 {
		t.Errorf("top edge at %v, want y %.3f as flat", pt, 240-m*n/2)
	}
	flat := Params{Width: 640, Height: 480, Size: 0.5, X: 0.5, Y: 0.5}
	if a, b := p.Narrowest(n), flat.Narrowest(n); a >= b*math.Cos(phi) || a < b*math.Cos(phi)*0.8 {
		t.Errorf("narrowest module %.3f bent, %.3f flat; want about cos φ = %.2f of it", a, b, math.Cos(phi))
	}
}

// TestMotionBlur blurs a bright dot: a horizontal motion spreads it along
// its row only, over the blur's length.
func TestMotionBlur(t *testing.T) {
	pl := newPlane(41, 21)
	pl.pix[10*41+20] = 100
	motionBlur(pl, 8, 0)
	var sum float32
	for y := range pl.h {
		for x := range pl.w {
			v := pl.pix[y*pl.w+x]
			sum += v
			if v != 0 && (y != 10 || x < 16 || x > 24) {
				t.Errorf("(%d, %d) = %.2f, want 0 off the row's 8 pixels", x, y, v)
			}
		}
	}
	if math.Abs(float64(sum)-100) > 1e-3 {
		t.Errorf("the blur sums to %.3f, want the dot's 100", sum)
	}
}

// TestMoireBeat checks the beat's period: a screen grid of pitch 2/(1+d)
// along the rows beats at d cycles a pixel.
func TestMoireBeat(t *testing.T) {
	const d = 0.04
	mo := newMoire(Moire{Pitch: 2 / (1 + d), Amplitude: 0.2}, 200)
	if math.Abs(mo.a1[0]-d) > 1e-12 || math.Abs(mo.a1[1]) > 1e-12 {
		t.Errorf("beat %v, want (%g, 0)", mo.a1, d)
	}
	// At the beat's crest and trough (of both axes) the screen is 40
	// grey levels brighter and darker: 0.2 of a contrast of 200.
	if v := mo.at(0, 0); v > 40 || v < 39 {
		t.Errorf("at the crest %.2f, want about 40", v)
	}
	if v := mo.at(0.5/d, 0.5/d); v > -40+1e-3 || v < -41 {
		t.Errorf("at the trough %.2f, want about -40", v)
	}
}
