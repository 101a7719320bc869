package framegen

import (
	"errors"
	"math"
	"math/rand/v2"
)

// background draws what is behind the phone: a lighting gradient and
// rectangles of other grey levels (furniture, posters, a face), some of them
// holding rows of text-like marks, so that the scanner sees edges and
// texture everywhere and not a flat field that is trivially empty.
func background(pl *plane, r *rand.Rand) {
	w, h := float64(pl.w), float64(pl.h)
	base := uniform(r, 70, 180)
	gx, gy := uniform(r, -70, 70)/w, uniform(r, -70, 70)/h
	for y := range pl.h {
		row := pl.pix[y*pl.w : (y+1)*pl.w]
		v := float32(base - gx*w/2 + gy*(float64(y)-h/2))
		for x := range row {
			row[x] = v + float32(gx)*float32(x)
		}
	}
	for range 6 + r.IntN(11) {
		rw, rh := int(uniform(r, 0.04, 0.4)*w), int(uniform(r, 0.04, 0.4)*h)
		x0, y0 := r.IntN(pl.w), r.IntN(pl.h)
		level := float32(uniform(r, 15, 240))
		rect(pl, x0, y0, rw, rh, level)
		if r.IntN(3) == 0 {
			ink := level + float32(uniform(r, 60, 120))
			if level > 128 {
				ink = level - float32(uniform(r, 60, 120))
			}
			text(pl, r, x0+4, y0+4, rw-8, rh-8, ink)
		}
	}
}

// rect fills a rectangle, clipped to the plane.
func rect(pl *plane, x0, y0, w, h int, level float32) {
	x1, y1 := min(x0+w, pl.w), min(y0+h, pl.h)
	x0, y0 = max(x0, 0), max(y0, 0)
	if x0 >= x1 {
		return
	}
	for y := y0; y < y1; y++ {
		row := pl.pix[y*pl.w+x0 : y*pl.w+x1]
		for x := range row {
			row[x] = level
		}
	}
}

// text fills a rectangle with lines of word-like marks.
func text(pl *plane, r *rand.Rand, x0, y0, w, h int, ink float32) {
	size := 3 + r.IntN(6)
	for y := y0; y+size <= y0+h; y += size * 2 {
		for x := x0; x < x0+w; {
			word := size * (1 + r.IntN(6))
			rect(pl, x, y, min(word, x0+w-x), size, ink)
			x += word + size
		}
	}
}

// phone is the phone held up to the camera: a dark body around a screen
// that shows the code (or nothing) with a title above it and lines of text
// below, as the apps that hold passes do. Its layout is in modules, with
// the code's centre at the origin.
type phone struct {
	sym          *Source // nil: a blank screen
	half         float64 // half the code's side
	screen       [4]float64
	body         [4]float64 // x0, y0, x1, y1
	title, lines [4]float64
	dark, light  float32 // the code's dark and light modules
	bg, ink      float32 // the screen's background and text
	bodyLevel    float32
	seed         uint64
}

func newPhone(p Params, sym *Source, n int, r *rand.Rand) *phone {
	half := float64(n) / 2
	// Four modules of quiet zone, as the standard asks, and some more.
	sw := half + 4 + uniform(r, 1, 5)
	top := -half - 4 - uniform(r, 6, 14)
	bottom := top + 2*sw*uniform(r, 1.8, 2.1)
	ph := &phone{
		sym:    sym,
		half:   half,
		screen: [4]float64{-sw, top, sw, bottom},
		body:   [4]float64{-sw * 1.05, top - 0.1*sw, sw * 1.05, bottom + 0.1*sw},
		title:  [4]float64{-sw + 3, top + 3, sw * uniform(r, -0.2, 0.6), -half - 4 - 2},
		lines:  [4]float64{-sw + 3, half + 4 + 2, sw - 3, bottom - 3},
		dark:   float32(p.Dark), light: float32(p.Light),
		bodyLevel: float32(uniform(r, 12, 35)),
		seed:      r.Uint64(),
	}
	ph.title[3] = max(ph.title[3], ph.title[1]+1)
	ph.bg, ph.ink = ph.light, ph.dark+(ph.light-ph.dark)*0.3
	if p.Inverted {
		ph.dark, ph.light = ph.light, ph.dark
		ph.bg, ph.ink = ph.light, ph.dark-(ph.dark-ph.light)*0.3
	}
	return ph
}

func inside(b [4]float64, u, v float64) bool { return u >= b[0] && u < b[2] && v >= b[1] && v < b[3] }

// shade returns the level of the phone at (u, v), and false when the point
// is not on the phone.
func (ph *phone) shade(u, v float64) (float32, bool) {
	// Most samples on the phone fall on the code: test it first.
	if h := ph.half; u >= -h && u < h && v >= -h && v < h {
		if ph.sym == nil {
			return ph.bg, true
		}
		n := ph.sym.n
		mx, my := min(int(u+h), n-1), min(int(v+h), n-1)
		if ph.sym.dark[my*n+mx] {
			return ph.dark, true
		}
		return ph.light, true
	}
	switch {
	case !inside(ph.body, u, v):
		return 0, false
	case !inside(ph.screen, u, v):
		return ph.bodyLevel, true
	case inside(ph.title, u, v):
		return ph.ink, true
	case inside(ph.lines, u, v):
		// Lines two modules high every four, of words 3-10 modules long.
		line := math.Floor((v - ph.lines[1]) / 4)
		if v-ph.lines[1]-4*line >= 2 {
			return ph.bg, true
		}
		x := u - ph.lines[0]
		word := math.Floor(x / 7)
		k := hash(ph.seed, uint64(line), uint64(word))
		if x-7*word < 3+float64(k%4) && k%5 != 0 {
			return ph.ink, true
		}
	}
	return ph.bg, true
}

func hash(a, b, c uint64) uint64 {
	h := a ^ b*0x9e3779b97f4a7c15 ^ c*0xc2b2ae3d27d4eb4f
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 29
	return h
}

// draw renders the phone into pl through h (phone plane to frame).
func (ph *phone) draw(pl *plane, h homography) error {
	inv := h.inverse()
	b := ph.body
	var quad [4]Point
	for i, c := range [4][2]float64{{b[0], b[1]}, {b[2], b[1]}, {b[2], b[3]}, {b[0], b[3]}} {
		if _, _, w := h.apply(c[0], c[1]); w <= 0 {
			// No tilt within range does this.
			return errors.New("framegen: render: the phone reaches behind the camera")
		}
		quad[i] = h.point(c[0], c[1])
	}
	edge := ph.half + 1 // within this of the centre, a pixel may straddle module edges
	for y := range pl.h {
		cy := float64(y) + 0.5
		x0, x1, ok := span(quad, cy)
		if !ok {
			continue
		}
		xa, xb := max(int(math.Floor(x0)), 0), min(int(math.Ceil(x1))+1, pl.w)
		row := pl.pix[y*pl.w : (y+1)*pl.w]
		// u, v and w are linear in x: step them a pixel at a time.
		u, v, w := inv.apply(float64(xa)+0.5, cy)
		for x := xa; x < xb; x, u, v, w = x+1, u+inv[0], v+inv[3], w+inv[6] {
			iw := 1 / w
			cu, cv := u*iw, v*iw
			if math.Abs(cu) >= edge || math.Abs(cv) >= edge {
				// Away from the code one sample is enough: the phone's
				// edges and text are as sharp as the background's.
				if s, ok := ph.shade(cu, cv); ok {
					row[x] = s
				}
				continue
			}
			// On the code, the mean of 2×2 samples, as a sensor's
			// pixel averages the light that falls on it: modules are
			// anti-aliased, and a code at any angle looks the same.
			var sum float32
			for _, o := range [4][2]float64{{-0.25, -0.25}, {0.25, -0.25}, {-0.25, 0.25}, {0.25, 0.25}} {
				su, sv, sw := u+o[0]*inv[0]+o[1]*inv[1], v+o[0]*inv[3]+o[1]*inv[4], w+o[0]*inv[6]+o[1]*inv[7]
				s, ok := ph.shade(su/sw, sv/sw)
				if !ok {
					s = row[x]
				}
				sum += s
			}
			row[x] = sum / 4
		}
	}
	return nil
}

// span returns the x range where the horizontal line at y crosses the
// convex quadrilateral q.
func span(q [4]Point, y float64) (x0, x1 float64, ok bool) {
	x0, x1 = math.Inf(1), math.Inf(-1)
	for i, a := range q {
		b := q[(i+1)%4]
		if (a.Y <= y) == (b.Y <= y) {
			continue
		}
		x := a.X + (y-a.Y)*(b.X-a.X)/(b.Y-a.Y)
		x0, x1 = min(x0, x), max(x1, x)
	}
	return x0, x1, x0 <= x1
}
