package framegen

import (
	"errors"
	"math"
)

// drawOn renders the phone into pl on any surface, bent or flat, with the
// screen's moiré: what draw does for a flat phone, a ray per sample.
func (ph *phone) drawOn(pl *plane, sf *surface, mo moire) error {
	// The phone's outline, sampled along its edges, bounds the pixels to
	// look at; on a bent phone its edges are curves.
	b := ph.body
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	const steps = 32
	for i := range steps + 1 {
		f := float64(i) / steps
		for _, c := range [4][2]float64{
			{b[0] + f*(b[2]-b[0]), b[1]}, {b[0] + f*(b[2]-b[0]), b[3]},
			{b[0], b[1] + f*(b[3]-b[1])}, {b[2], b[1] + f*(b[3]-b[1])},
		} {
			pt, ok := sf.toFrame(c[0], c[1])
			if !ok {
				return errors.New("framegen: render: the phone reaches behind the camera")
			}
			x0, y0, x1, y1 = min(x0, pt.X), min(y0, pt.Y), max(x1, pt.X), max(y1, pt.Y)
		}
	}
	xa, xb := max(int(math.Floor(x0))-1, 0), min(int(math.Ceil(x1))+1, pl.w)
	ya, yb := max(int(math.Floor(y0))-1, 0), min(int(math.Ceil(y1))+1, pl.h)
	edge := ph.half + 1
	for y := ya; y < yb; y++ {
		row := pl.pix[y*pl.w : (y+1)*pl.w]
		cy := float64(y) + 0.5
		for x := xa; x < xb; x++ {
			cx := float64(x) + 0.5
			cu, cv, ok := sf.fromFrame(cx, cy)
			if !ok || !inside(ph.body, cu, cv) {
				continue
			}
			if math.Abs(cu) >= edge || math.Abs(cv) >= edge {
				if s, ok := ph.shade(cu, cv); ok {
					row[x] = s
				}
			} else {
				var sum float32
				for _, o := range [4][2]float64{{-0.25, -0.25}, {0.25, -0.25}, {-0.25, 0.25}, {0.25, 0.25}} {
					s := row[x]
					if su, sv, ok := sf.fromFrame(cx+o[0], cy+o[1]); ok {
						if v, ok := ph.shade(su, sv); ok {
							s = v
						}
					}
					sum += s
				}
				row[x] = sum / 4
			}
			if mo.on && inside(ph.screen, cu, cv) {
				row[x] += mo.at(cx, cy)
			}
		}
	}
	return nil
}

// moire is Params.Moire made ready to draw: the screen grid's two axes as
// wave vectors (cycles a frame pixel), their aliases on the sensor, and
// the levels, in grey levels.
type moire struct {
	on         bool
	k1, k2     [2]float64 // the screen grid's axes
	a1, a2     [2]float64 // the beat: the alias of their harmonic nearest the sensor's pitch
	phase      float64
	beat, grid float64
}

func newMoire(m Moire, contrast float64) moire {
	if !m.on() {
		return moire{}
	}
	th := m.Angle * math.Pi / 180
	c, s := math.Cos(th)/m.Pitch, math.Sin(th)/m.Pitch
	mo := moire{
		on: true, k1: [2]float64{c, s}, k2: [2]float64{-s, c},
		phase: m.Phase * math.Pi / 180,
		beat:  m.Amplitude * contrast, grid: m.Grid * contrast,
	}
	// Sampling a wave of frequency k at whole pixels shows it at
	// k - round(k): the n-th harmonic of a grid of pitch near n pixels
	// beats slowly.
	n := math.Max(1, math.Round(m.Pitch))
	alias := func(k [2]float64) [2]float64 {
		x, y := n*k[0], n*k[1]
		return [2]float64{x - math.Round(x), y - math.Round(y)}
	}
	mo.a1, mo.a2 = alias(mo.k1), alias(mo.k2)
	return mo
}

// at is the moiré's change to the level of the screen at frame point (x, y).
func (mo *moire) at(x, y float64) float32 {
	const tau = 2 * math.Pi
	wave := func(k [2]float64, ph float64) float64 { return math.Cos(tau*(k[0]*x+k[1]*y) + ph) }
	beat := (wave(mo.a1, mo.phase) + wave(mo.a2, mo.phase)) / 2
	// The dark lines between the screen's pixels: 0 on a pixel, 1 between.
	grid := (2 - wave(mo.k1, 0) - wave(mo.k2, 0)) / 4
	return float32(mo.beat*beat - mo.grid*grid)
}

// cracks draws the cracks in the glass, on the phone only: each a polyline
// from end to end through the surface, wandering by its Jag, blended at
// the coverage of a line of its width.
func cracks(pl *plane, sf *surface, ph *phone, p Params, n int) {
	const segments = 24
	cover := make([]float32, pl.w*pl.h)
	level := make([]float32, pl.w*pl.h)
	side := float64(n)
	for i, k := range p.Cracks {
		var pts []Point
		for j := range segments + 1 {
			f := float64(j) / segments
			u, v := (k.X0+f*(k.X1-k.X0))*side, (k.Y0+f*(k.Y1-k.Y0))*side
			pt, ok := sf.toFrame(u, v)
			if !ok {
				pts = nil
				break
			}
			pts = append(pts, pt)
		}
		if len(pts) < 2 {
			continue
		}
		if k.Jag > 0 {
			// Each inner point moves across the line by up to Jag, the
			// moves smoothed over neighbours so the crack wanders
			// rather than zigzags.
			off := make([]float64, len(pts))
			for j := 1; j < len(pts)-1; j++ {
				off[j] = k.Jag * (2*unit(hash(p.Seed, uint64(i)+0xc4ac, uint64(j))) - 1)
			}
			moved := make([]Point, len(pts))
			copy(moved, pts)
			for j := 1; j < len(pts)-1; j++ {
				dx, dy := pts[j+1].X-pts[j-1].X, pts[j+1].Y-pts[j-1].Y
				l := math.Hypot(dx, dy)
				if l == 0 {
					continue
				}
				o := (off[j-1] + 2*off[j] + off[j+1]) / 4
				moved[j].X -= dy / l * o
				moved[j].Y += dx / l * o
			}
			pts = moved
		}
		half := k.Width / 2
		for j := 1; j < len(pts); j++ {
			a, b := pts[j-1], pts[j]
			xa, xb := max(int(math.Floor(min(a.X, b.X)-half-1)), 0), min(int(math.Ceil(max(a.X, b.X)+half+1)), pl.w)
			ya, yb := max(int(math.Floor(min(a.Y, b.Y)-half-1)), 0), min(int(math.Ceil(max(a.Y, b.Y)+half+1)), pl.h)
			for y := ya; y < yb; y++ {
				for x := xa; x < xb; x++ {
					d := segDist(float64(x)+0.5, float64(y)+0.5, a, b)
					c := float32(clamp(half+0.5-d, 0, 1))
					if c > cover[y*pl.w+x] {
						cover[y*pl.w+x], level[y*pl.w+x] = c, float32(k.Level)
					}
				}
			}
		}
	}
	for i, c := range cover {
		if c == 0 {
			continue
		}
		u, v, ok := sf.fromFrame(float64(i%pl.w)+0.5, float64(i/pl.w)+0.5)
		if !ok || !inside(ph.body, u, v) {
			continue
		}
		pl.pix[i] += (level[i] - pl.pix[i]) * c
	}
}

// segDist is the distance from (x, y) to the segment ab.
func segDist(x, y float64, a, b Point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = clamp(((x-a.X)*dx+(y-a.Y)*dy)/l2, 0, 1)
	}
	return math.Hypot(x-a.X-t*dx, y-a.Y-t*dy)
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// opacity is how much of the phone's point (u, v) the thumb hides, for a
// code of n modules: 1 inside, fading to 0 over the soft edge.
func (t Thumb) opacity(u, v float64, n int) float64 {
	r := t.radius(u/float64(n), v/float64(n))
	switch {
	case r >= 1:
		return 0
	case r <= 1-t.Soft:
		return 1
	}
	e := (1 - r) / t.Soft
	return e * e * (3 - 2*e) // smoothstep
}

// radius is the ellipse's normalised radius at (x, y), in code sides from
// the code's centre: below 1 inside.
func (t Thumb) radius(x, y float64) float64 {
	a := t.Angle * math.Pi / 180
	dx, dy := x-t.X, y-t.Y
	ex := (dx*math.Cos(a) + dy*math.Sin(a)) / t.RX
	ey := (-dx*math.Sin(a) + dy*math.Cos(a)) / t.RY
	return math.Hypot(ex, ey)
}

// thumb draws the thumb over whatever is in the frame at the phone's
// points it covers.
func thumb(pl *plane, sf *surface, t Thumb, n int) {
	// Bound the ellipse by its outline through the surface.
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	a := t.Angle * math.Pi / 180
	for i := range 64 {
		th := float64(i) / 64 * 2 * math.Pi
		ex, ey := t.RX*math.Cos(th), t.RY*math.Sin(th)
		u := (t.X + ex*math.Cos(a) - ey*math.Sin(a)) * float64(n)
		v := (t.Y + ex*math.Sin(a) + ey*math.Cos(a)) * float64(n)
		if pt, ok := sf.toFrame(u, v); ok {
			x0, y0, x1, y1 = min(x0, pt.X), min(y0, pt.Y), max(x1, pt.X), max(y1, pt.Y)
		}
	}
	if x0 > x1 {
		return
	}
	xa, xb := max(int(math.Floor(x0))-1, 0), min(int(math.Ceil(x1))+1, pl.w)
	ya, yb := max(int(math.Floor(y0))-1, 0), min(int(math.Ceil(y1))+1, pl.h)
	for y := ya; y < yb; y++ {
		row := pl.pix[y*pl.w : (y+1)*pl.w]
		for x := xa; x < xb; x++ {
			u, v, ok := sf.fromFrame(float64(x)+0.5, float64(y)+0.5)
			if !ok {
				continue
			}
			o := t.opacity(u, v, n)
			if o == 0 {
				continue
			}
			// Rounded skin lit from the front: darker towards the rim.
			r := t.radius(u/float64(n), v/float64(n))
			skin := float64(t.Level) * (1 - 0.25*r*r)
			row[x] += float32((skin - float64(row[x])) * o)
		}
	}
}

// motionBlur smears pl by a linear blur of the given length in pixels in
// the direction deg (clockwise from the rows): the mean of samples along
// the segment centred on each pixel, at most a pixel apart, read
// bilinearly, edges repeating the border.
func motionBlur(pl *plane, length, deg float64) {
	taps := int(math.Ceil(length)) + 1
	a := deg * math.Pi / 180
	dx, dy := math.Cos(a), math.Sin(a)
	offs := make([][2]float64, taps)
	for i := range offs {
		t := (float64(i)/float64(taps-1) - 0.5) * length
		offs[i] = [2]float64{t * dx, t * dy}
	}
	src := make([]float32, len(pl.pix))
	copy(src, pl.pix)
	at := func(x, y int) float32 {
		x, y = min(max(x, 0), pl.w-1), min(max(y, 0), pl.h-1)
		return src[y*pl.w+x]
	}
	w := float32(1) / float32(taps)
	for y := range pl.h {
		for x := range pl.w {
			var s float32
			for _, o := range offs {
				fx, fy := float64(x)+o[0], float64(y)+o[1]
				ix, iy := int(math.Floor(fx)), int(math.Floor(fy))
				tx, ty := float32(fx-float64(ix)), float32(fy-float64(iy))
				top := at(ix, iy) + (at(ix+1, iy)-at(ix, iy))*tx
				bot := at(ix, iy+1) + (at(ix+1, iy+1)-at(ix, iy+1))*tx
				s += top + (bot-top)*ty
			}
			pl.pix[y*pl.w+x] = s * w
		}
	}
}
