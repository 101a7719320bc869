package scanner

import (
	"errors"
	"fmt"
	"image"
	"math"
	"time"
)

// DecodeAll reads every QR code in l, up to limit of them (at least one):
// it decodes l, paints the finder patterns of the code it read out of a
// copy, and decodes the copy again, until nothing more reads. It finds
// codes side by side and a code drawn inside another's data (a "double
// QR"), whose finder patterns are smaller than the outer code's. The
// first result is Decode's. The error wraps ErrNotFound when no code was
// read at all.
func (d Decoder) DecodeAll(l *Luma, limit int) ([]Result, error) {
	start := time.Now()
	first, err := d.Decode(l)
	if err != nil {
		return nil, err
	}
	out := []Result{first}
	work := l
	for len(out) < max(limit, 1) {
		last := out[len(out)-1]
		if work == l {
			work = l.clone()
		}
		if !paintFinders(work, last.Points) {
			break // no finder patterns to paint (a pure read)
		}
		r, err := d.Decode(work)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("scanner: decode all: %w", err)
		}
		if hasRead(out, r) {
			break // the same code again: painting did not hide it
		}
		out = append(out, r)
	}
	for i := range out {
		out[i].Elapsed = time.Since(start)
	}
	return out, nil
}

// hasRead tells whether r is a code already in rs: the same
// text with a finder pattern at the same place.
func hasRead(rs []Result, r Result) bool {
	for _, q := range rs {
		if q.Text != r.Text {
			continue
		}
		for _, p := range q.Points {
			for _, s := range r.Points {
				if abs(p.X-s.X) <= 2 && abs(p.Y-s.Y) <= 2 {
					return true
				}
			}
		}
	}
	return false
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// clone returns a packed copy of l.
func (l *Luma) clone() *Luma {
	c := NewLuma(l.Width, l.Height)
	for y := range l.Height {
		copy(c.row(y), l.row(y))
	}
	return c
}

// paintFinders paints over the three finder patterns whose centres are the
// first three of pts, in the colour of the ring around each pattern's
// core, so that a search no longer finds them. Each pattern's module is
// its dark core's width along the code's axes (a third of it); the core
// is measured towards both other patterns, and the shorter run is the
// one along an axis rather than a diagonal. false when pts holds fewer
// than three points or no pattern could be measured.
func paintFinders(l *Luma, pts []image.Point) bool {
	if len(pts) < 3 {
		return false
	}
	painted := false
	for i := range 3 {
		c := pts[i]
		m := math.Inf(1)
		var ring byte
		for j := range 3 {
			if j == i {
				continue
			}
			dx, dy := float64(pts[j].X-c.X), float64(pts[j].Y-c.Y)
			n := math.Hypot(dx, dy)
			if n < 1 {
				continue
			}
			if w, r, ok := coreWidth(l, c, dx/n, dy/n, n/2); ok && w < m {
				m, ring = w, r
			}
		}
		if math.IsInf(m, 1) {
			continue
		}
		fillDisc(l, c, 5.5*m/3, ring)
		painted = true
	}
	return painted
}

// coreWidth measures, along the unit direction (ux, uy) through c, the
// run of pixels of c's colour around c (a finder pattern's core, three
// modules wide), looking at most reach pixels each way; ring is the
// colour two modules out, the pattern's light (or, inverted, dark) ring.
func coreWidth(l *Luma, c image.Point, ux, uy, reach float64) (width float64, ring byte, ok bool) {
	at := func(t float64) (byte, bool) {
		x, y := int(math.Round(float64(c.X)+t*ux)), int(math.Round(float64(c.Y)+t*uy))
		if x < 0 || y < 0 || x >= l.Width || y >= l.Height {
			return 0, false
		}
		return l.At(x, y), true
	}
	lo, hi := byte(255), byte(0)
	for t := -reach; t <= reach; t++ {
		if v, in := at(t); in {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if hi-lo < 16 {
		return 0, 0, false // no contrast: no pattern here
	}
	mid := (int(lo) + int(hi)) / 2
	centre, in := at(0)
	if !in {
		return 0, 0, false
	}
	dark := int(centre) < mid
	same := func(t float64) bool {
		v, in := at(t)
		return in && (int(v) < mid) == dark
	}
	a, b := 0.0, 0.0
	for a > -reach && same(a-1) {
		a--
	}
	for b < reach && same(b+1) {
		b++
	}
	width = b - a + 1
	if width < 3 || width >= 2*reach {
		return 0, 0, false
	}
	r, in := at(b + width/6)
	if !in {
		r = centre ^ 0xff
	}
	return width, r, true
}

// fillDisc sets the pixels within radius of c to v.
func fillDisc(l *Luma, c image.Point, radius float64, v byte) {
	r := int(math.Ceil(radius))
	for y := max(c.Y-r, 0); y <= min(c.Y+r, l.Height-1); y++ {
		for x := max(c.X-r, 0); x <= min(c.X+r, l.Width-1); x++ {
			if dx, dy := float64(x-c.X), float64(y-c.Y); dx*dx+dy*dy <= radius*radius {
				l.Pix[y*l.Stride+x] = v
			}
		}
	}
}
