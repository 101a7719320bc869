package scanner

import (
	"image"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// Loose reads a code whose finder patterns gozxing's search rejects by a
// pixel: it wants every one-module run of a pattern within half a module
// of the pattern's module size, which at two pixels a module, or with the
// pattern's edges slanted across the pixel grid, a one-pixel run of a
// two-pixel module already fails; and it wants the pattern as wide one
// way as the other, which a pattern foreshortened by a steep tilt is not.
// Loose looks for the patterns with a pixel of slack on each run and each
// axis's own module size, keeps three that form a code with format
// information beside them, and samples the code from them with gozxing's
// detector (and the local grids), with Perspective's, and at last in a
// copy of the code's area at twice the size.
const Loose Strategy = "loose"

// maxLooseTriangles is how many triangles of loose candidates with format
// information are read; each may cost a zoom, a binarization and search
// of four times the code's area.
const maxLooseTriangles = 3

// minWeakCount is the least number of confirmations (rows, one in two,
// on which its runs were found) of a triangle's three candidates for it to
// be read on weak format evidence. Clutter's triangles that pass the
// format check have 6 to 9 (the 49 corpus frames without a code); of the
// 360 triangles of the corpus and door frames that Loose read, those with
// only weak evidence had 10 or more.
const minWeakCount = 10

// tryLoose runs the Loose strategy on l.
func tryLoose(l *Luma, stop halt) (Result, error) {
	m, err := hybridMatrix(l, false)
	if err != nil {
		return Result{}, err
	}
	r, _, err := readLoose(l, m, stop)
	return r, err
}

// readLoose is Loose on l's binarization m.
func readLoose(l *Luma, m *gozxing.BitMatrix, stop halt) (r Result, fp *finders, err error) {
	defer catch(&err)
	cs := looseCandidates(m)
	if len(cs) < 3 {
		return Result{}, nil, errNoTriangle
	}
	ring := ringsOf(m, cs)
	err = errNoTriangle
	for _, h := range looseTriangles(m, cs, ring) {
		if stop.now() {
			break
		}
		tl, tr, bl := cs[h[0]], cs[h[1]], cs[h[2]]
		f := &finders{tl: [2]float64{tl.x, tl.y}, tr: [2]float64{tr.x, tr.y}, bl: [2]float64{bl.x, bl.y},
			module: min(tl.module, tr.module, bl.module), format: true}
		if fp == nil {
			fp = f
		}
		// gozxing's sampling from these three, then Perspective's, then
		// the code's area at twice the size.
		if res, lerr := readThree(m, f, 1, 0, 0, stop); lerr == nil {
			return res, f, nil
		}
		dr, pts, derr := decodeTriangle(m, tryHarder, [3]cand{tl, tr, bl}, [3][]pt{ring(h[0]), ring(h[1]), ring(h[2])}, stop)
		if derr == nil {
			return triangleResult(dr, pts), f, nil
		}
		if stop.now() {
			break
		}
		res, zerr := zoomThree(l, f, stop)
		if zerr == nil {
			return res, f, nil
		}
		err = zerr
	}
	// No three that read: two patterns, the third one lost (moiré, glare
	// over it), and the code where its square would put it; at twice the
	// size, gozxing's search finds the third pattern again.
	for _, f := range pairSquares(l.Width, l.Height, cs) {
		if stop.now() {
			break
		}
		if res, zerr := zoomThree(l, f, stop); zerr == nil {
			return res, f, nil
		}
	}
	return Result{}, fp, err
}

// looseTriangles returns the triangles of candidates cs (see triangles)
// that Loose reads, most likely first, at most maxLooseTriangles: those
// with format information beside them, where the patterns' traced squares
// (ring) put it or, small patterns tracing badly, their centres and module
// sizes; on weak evidence, which clutter gives several triangles of a
// frame, only when the patterns were confirmed on many rows.
func looseTriangles(m *gozxing.BitMatrix, cs []cand, ring func(int) []pt) [][3]int {
	var out [][3]int
	for _, h := range triangles(cs) {
		if len(out) == maxLooseTriangles {
			break
		}
		tl, tr, bl := cs[h[0]], cs[h[1]], cs[h[2]]
		u := unit(pt{tr.x - tl.x, tr.y - tl.y})
		v := unit(pt{bl.x - tl.x, bl.y - tl.y})
		affine := func(c cand) local { return affineLocal(pt{c.x, c.y}, c.module, u, v) }
		square := func(i int) local { return ringFrame(ring(h[i]), cs[h[i]], u, v) }
		e := max(formatGrade(m, square(0), square(1), square(2)), formatGrade(m, affine(tl), affine(tr), affine(bl)))
		if e == formatStrong || e == formatWeak && tl.count+tr.count+bl.count >= minWeakCount {
			out = append(out, h)
		}
	}
	return out
}

// maxLoosePairs is how many squares two loose candidates span are zoomed
// on when no three form a code, of the pairs among the maxPairCands most
// confirmed candidates.
const (
	maxLoosePairs = 2
	maxPairCands  = 4
)

// solid tells whether a loose candidate was confirmed on most of the rows
// it was looked for on: its core is three modules high and every other
// row is scanned, so a pattern shows on 1.5 rows a pixel of its module;
// one on fewer than one a pixel is clutter's as often as not (on the
// corpus frames without a code, 0.5-0.75), and not worth a zoom.
func solid(c cand) bool { return c.count >= 3 && float64(c.count) >= c.module }

// pairSquares returns the codes, at most maxLoosePairs, of which two
// finder patterns are among cs (the most confirmed ones first, both
// solid) in a picture w×h: the third pattern is where the square the two
// are a side of puts it, on either side, when that is in the picture.
func pairSquares(w, h int, cs []cand) []*finders {
	var out []*finders
	for i := range min(len(cs), maxPairCands) {
		for j := i + 1; j < min(len(cs), maxPairCands); j++ {
			a, b := cs[i], cs[j]
			if !solid(a) || !solid(b) || max(a.module, b.module) > 1.5*min(a.module, b.module) {
				continue
			}
			mod := (a.module + b.module) / 2
			d := pt{b.x - a.x, b.y - a.y}
			if math.Hypot(d.x, d.y) < 14*mod {
				continue
			}
			for _, side := range []float64{1, -1} {
				if len(out) == maxLoosePairs {
					return out
				}
				// a the top-left, b one neighbour, c the other.
				c := pt{a.x - side*d.y, a.y + side*d.x}
				tr, bl := pt{b.x, b.y}, c
				if side < 0 {
					tr, bl = c, pt{b.x, b.y}
				}
				if c.x < 0 || c.y < 0 || c.x >= float64(w) || c.y >= float64(h) {
					continue // the third pattern out of the picture
				}
				out = append(out, &finders{tl: [2]float64{a.x, a.y}, tr: [2]float64{tr.x, tr.y}, bl: [2]float64{bl.x, bl.y}, module: mod, format: true})
			}
		}
	}
	return out
}

// readThree samples and decodes the code whose finder pattern centres are
// f, in a binarized image whose pixels are scale times the frame's, offset
// by (dx, dy) (f is in frame coordinates): gozxing's detector from the
// three, and the local grids of readLocal when its one transform does
// not fit.
func readThree(m *gozxing.BitMatrix, f *finders, scale float64, dx, dy int, stop halt) (r Result, err error) {
	defer catch(&err)
	at := func(p [2]float64) *detector.FinderPattern {
		// Pixel centres: a doubled copy's pixel i is the source's (2i-1)/4.
		return detector.NewFinderPattern((p[0]-float64(dx))*scale+(scale-1)/2, (p[1]-float64(dy))*scale+(scale-1)/2, f.module*scale, 2)
	}
	info := detector.NewFinderPatternInfo(at(f.bl), at(f.tl), at(f.tr))
	dr, points, err := detectInfo(m, tryHarder, info)
	if err != nil && !stop.now() {
		if dl, lerr := readLocal(m, info, tryHarder, stop); lerr == nil {
			dr, err = dl, nil
		}
	}
	if err != nil {
		return Result{}, err
	}
	r.Text = dr.GetText()
	for _, p := range points {
		r.Points = append(r.Points, image.Pt(int((p.GetX()-(scale-1)/2)/scale+0.5)+dx, int((p.GetY()-(scale-1)/2)/scale+0.5)+dy))
	}
	return r, nil
}

// zoomThree is readThree on a copy of the code's area at twice the size,
// where modules of two pixels become four.
func zoomThree(l *Luma, f *finders, stop halt) (Result, error) {
	m, at, err := zoomed(l, f, false, stop)
	if err != nil {
		return Result{}, err
	}
	if r, err := readThree(m, f, 2, at.X, at.Y, stop); err == nil {
		return r, nil
	}
	if stop.now() {
		return Result{}, errTimeUp
	}
	// gozxing's own search, which finds the patterns again at this size.
	r, _, err := readMatrix(m, tryHarder, 2, at.X, at.Y, stop)
	return r, err
}

// looseCandidates scans every other row of m for runs dark, light, dark,
// light, dark in the ratios 1:1:3:1:1, each within half a module and a
// pixel; confirms each down its centre's column with the column's own
// module size (from 0.4 to 2.5 times the row's); and merges the
// confirmations of one pattern. The most confirmed come first, at most 24.
func looseCandidates(m *gozxing.BitMatrix) []cand {
	w, h := m.GetWidth(), m.GetHeight()
	var cs []cand
	// Candidates by cell of 16×16 pixels, to merge with the near ones
	// without a look at every one.
	const cell = 16
	near := map[[2]int][]int{}
	add := func(x, y, mod float64) {
		cx, cy := int(x)/cell, int(y)/cell
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				for _, i := range near[[2]int{cx + dx, cy + dy}] {
					c := &cs[i]
					if math.Hypot(c.x-x, c.y-y) < 2*max(c.module, mod) {
						n := float64(c.count)
						c.x, c.y = (c.x*n+x)/(n+1), (c.y*n+y)/(n+1)
						c.module = (c.module*n + mod) / (n + 1)
						c.count++
						return
					}
				}
			}
		}
		near[[2]int{cx, cy}] = append(near[[2]int{cx, cy}], len(cs))
		cs = append(cs, cand{x, y, mod, 1})
	}
	row := gozxing.NewBitArray(w)
	var runs []int // run lengths of the row from its first dark pixel
	for y := 0; y < h; y += 2 {
		row = m.GetRow(y, row)
		runs = runs[:0]
		start := row.GetNextSet(0)
		for x, dark := start, true; x < w; dark = !dark {
			end := row.GetNextSet(x)
			if dark {
				end = row.GetNextUnset(x)
			}
			runs = append(runs, end-x)
			x = end
		}
		x0 := start // where run i starts
		for i := 0; i+4 < len(runs); i += 2 {
			q := [5]int(runs[i : i+5])
			if loosePattern(q) {
				rowMod := float64(q[0]+q[1]+q[2]+q[3]+q[4]) / 7
				cx := x0 + q[0] + q[1] + q[2]/2
				if cy, colMod, ok := looseRun(m, cx, y, rowMod, false); ok {
					// Again along the centre's row, for its column.
					if cx2, rowMod2, ok := looseRun(m, int(cy), cx, colMod, true); ok {
						add(cx2, cy, (rowMod2+colMod)/2)
					}
				}
			}
			x0 += runs[i] + runs[i+1]
		}
	}
	cs = slices.DeleteFunc(cs, func(c cand) bool { return c.count < 2 })
	slices.SortStableFunc(cs, func(a, b cand) int { return b.count - a.count })
	return cs[:min(len(cs), 24)]
}

// minLooseWidth is the narrowest finder pattern the loose search looks
// for, in pixels: modules of 1.7 pixels. Narrower runs are noise as often
// as not, with a pixel of slack, and gozxing's own search reads those
// patterns where they are sharp.
const minLooseWidth = 12

// loosePattern tells whether five runs are a finder pattern's 1:1:3:1:1,
// each run within a pixel more than gozxing allows: half a module of its
// share, and a module and a half for the core.
func loosePattern(q [5]int) bool {
	total := q[0] + q[1] + q[2] + q[3] + q[4]
	if total < minLooseWidth {
		return false // a pixel of slack would pass noise
	}
	mod := float64(total) / 7
	for i, n := range q {
		want, slack := mod, mod/2+1
		if i == 2 {
			want, slack = 3*mod, 1.5*mod+1
		}
		if math.Abs(float64(n)-want) >= slack {
			return false
		}
	}
	return true
}

// looseRun checks the line through (at, along) of m, a column (at is
// its x, along the row) or with row a row (at is its y, along the column),
// for a finder pattern's runs, as loosePattern; mod is the module size
// across it. It returns the pattern's centre along the line and the
// line's module size, from 0.4 to 2.5 times mod.
func looseRun(m *gozxing.BitMatrix, at, along int, mod float64, row bool) (float64, float64, bool) {
	n := m.GetHeight()
	get := func(k int) bool { return m.Get(at, k) }
	if row {
		n = m.GetWidth()
		get = func(k int) bool { return m.Get(k, at) }
	}
	if at < 0 || along < 0 || along >= n || (row && at >= m.GetHeight()) || (!row && at >= m.GetWidth()) || !get(along) {
		return 0, 0, false
	}
	limit := int(math.Ceil(4 * 2.5 * mod))
	// From along each way: the core's part, the gap, the ring.
	walk := func(dir int) (out [3]int, ok bool) {
		k := along
		for r, dark := 0, true; r < 3; r, dark = r+1, !dark {
			for k >= 0 && k < n && get(k) == dark && abs(k-along) <= limit {
				out[r]++
				k += dir
			}
			if k < 0 || k >= n || abs(k-along) > limit {
				return out, false
			}
		}
		return out, true
	}
	lo, okLo := walk(-1)
	hi, okHi := walk(1)
	if !okLo || !okHi {
		return 0, 0, false
	}
	core := lo[0] + hi[0] - 1
	q := [5]int{lo[2], lo[1], core, hi[1], hi[2]}
	if !loosePattern(q) {
		return 0, 0, false
	}
	lineMod := float64(q[0]+q[1]+q[2]+q[3]+q[4]) / 7
	if r := lineMod / mod; r < 0.4 || r > 2.5 {
		return 0, 0, false
	}
	first := along - lo[0] + 1
	return float64(first) + float64(core)/2, lineMod, true
}
