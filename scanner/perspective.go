package scanner

import (
	"errors"
	"image"
	"math"
	"slices"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// Perspective reads a code seen at a steep angle, with a detector of its
// own around gozxing's pieces: finder patterns looked for along rows and
// along columns (a strongly tilted finder pattern passes gozxing's cross
// checks only one way), grouped by geometry rather than by gozxing's order
// and size limits (every vertex of every plausible triangle is tried as the
// top-left), and a perspective transform fitted to the corners of the three
// finder patterns' outer squares, traced in the binarized image, instead of
// gozxing's parallelogram through their centres. Modules outside the
// image read as light, for error correction to cope with.
const Perspective Strategy = "perspective"

// errNoTriangle: fewer than three finder patterns, or none that may be
// the corners of one code. A NotFoundException, as gozxing's own.
var errNoTriangle = gozxing.NewNotFoundException("no three finder patterns that may form a code")

// globalMatrix binarizes l (or its negative) with the global histogram
// threshold.
func globalMatrix(l *Luma, negative bool) (m *gozxing.BitMatrix, err error) {
	defer catch(&err)
	return global(l, negative)
}

// readPerspective looks for a code in m with the Perspective detector. The
// first finder patterns it found format information beside come back even
// when the data did not decode.
func readPerspective(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any, stop halt) (r Result, fp *finders, err error) {
	defer catch(&err)
	cs := candidatesBothWays(m, hints, stop)
	if len(cs) < 3 {
		return Result{}, nil, errNoTriangle
	}
	ring := ringsOf(m, cs)
	err = errNoTriangle
	var took time.Duration // the last triangle's time
	for _, h := range triangles(cs) {
		if stop.before(took) {
			break
		}
		t0 := time.Now()
		tl, tr, bl := cs[h[0]], cs[h[1]], cs[h[2]]
		dr, pts, derr := decodeTriangle(m, hints, [3]cand{tl, tr, bl}, [3][]pt{ring(h[0]), ring(h[1]), ring(h[2])}, stop)
		if fp == nil && !errors.Is(derr, errNoFormat) {
			// The first triangle with format information: a sign of a code.
			fp = &finders{tl: [2]float64{tl.x, tl.y}, tr: [2]float64{tr.x, tr.y}, bl: [2]float64{bl.x, bl.y}, module: tl.module, format: true}
		}
		if derr == nil {
			return triangleResult(dr, pts), fp, nil
		}
		err = derr
		took = time.Since(t0)
	}
	if errors.Is(err, errNoGrid) {
		err = gozxing.WrapNotFoundException(err)
	}
	return Result{}, fp, err
}

// triangleResult is the code decodeTriangle read, with its points.
func triangleResult(dr *common.DecoderResult, pts []pt) Result {
	r := Result{Text: dr.GetText()}
	for _, p := range pts {
		r.Points = append(r.Points, p.image())
	}
	return r
}

// ringsOf traces the rings of the candidates cs in m, each once and only
// when asked for: ring(i) is traceRing(m, cs[i]).
func ringsOf(m *gozxing.BitMatrix, cs []cand) (ring func(i int) []pt) {
	rings := make([][]pt, len(cs))
	traced := make([]bool, len(cs))
	return func(i int) []pt {
		if !traced[i] {
			rings[i], traced[i] = traceRing(m, cs[i]), true
		}
		return rings[i]
	}
}

// cand is a finder pattern candidate: centre, module size, how many row
// (or column) scans confirmed it.
type cand struct {
	x, y, module float64
	count        int
}

type pt struct{ x, y float64 }

func (p pt) image() image.Point { return image.Pt(int(p.x+0.5), int(p.y+0.5)) }

// candidatesBothWays runs gozxing's finder search (findPatterns) on the rows
// of m and on its columns, and merges the candidates that are the same
// pattern; the most confirmed come first, at most 10. When no pattern is
// seen on two rows, the columns are not searched and nil comes back: the
// cheap way out of a frame without a code. nil too when the frame's time
// is up after the rows.
func candidatesBothWays(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any, stop halt) []cand {
	var cs []cand
	add := func(x, y, mod float64, n int) {
		for i := range cs {
			c := &cs[i]
			if math.Hypot(c.x-x, c.y-y) < 2*max(c.module, mod) {
				if n > c.count {
					*c = cand{x, y, mod, n}
				}
				return
			}
		}
		cs = append(cs, cand{x, y, mod, n})
	}
	f, _, _ := findPatterns(m, hints)
	for _, c := range f.GetPossibleCenters() {
		add(c.GetX(), c.GetY(), c.GetEstimatedModuleSize(), c.GetCount())
	}
	if !slices.ContainsFunc(cs, func(c cand) bool { return c.count >= 2 }) || stop.now() {
		// Not one pattern seen on two rows: no code worth the columns.
		return nil
	}
	f, _, _ = findPatterns(transpose(m), hints)
	for _, c := range f.GetPossibleCenters() {
		add(c.GetY(), c.GetX(), c.GetEstimatedModuleSize(), c.GetCount())
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return b.count - a.count })
	return cs[:min(len(cs), 10)]
}

// transpose returns m with rows and columns swapped, 32×32 bits at a time:
// each block of 32 rows' words is transposed by swapping ever smaller
// quadrants (Hacker's Delight 7-3, for bit c of a word being column c, as
// in gozxing's BitArray).
func transpose(m *gozxing.BitMatrix) *gozxing.BitMatrix {
	w, h := m.GetWidth(), m.GetHeight()
	t, _ := gozxing.NewBitMatrix(h, w)
	words, tWords := (w+31)/32, (h+31)/32
	// rows[y*words+i] is word i of row y; cols[x*tWords+i] is word i of
	// column x, rows 32i to 32i+31.
	rows := make([]uint32, h*words)
	line := gozxing.NewBitArray(w)
	for y := range h {
		line = m.GetRow(y, line)
		copy(rows[y*words:(y+1)*words], line.GetBitArray())
	}
	cols := make([]uint32, w*tWords)
	var block [32]uint32
	for i := range tWords {
		for wx := range words {
			for r := range block {
				block[r] = 0
				if y := 32*i + r; y < h {
					block[r] = rows[y*words+wx]
				}
			}
			transpose32(&block)
			for c, v := range block {
				if x := 32*wx + c; x < w {
					cols[x*tWords+i] = v
				}
			}
		}
	}
	out := gozxing.NewBitArray(h)
	for x := range w {
		for i, v := range cols[x*tWords : (x+1)*tWords] {
			out.SetBulk(32*i, v)
		}
		t.SetRow(x, out)
	}
	return t
}

// transpose32 transposes a 32×32 bit matrix whose row r is b[r] and whose
// column c is bit c of each word.
func transpose32(b *[32]uint32) {
	m := uint32(0x0000ffff)
	for j := 16; j != 0; j, m = j>>1, m^(m<<(j>>1)) {
		for k := 0; k < 32; k = (k + j + 1) &^ j {
			t := (b[k]>>j ^ b[k+j]) & m
			b[k] ^= t << j
			b[k+j] ^= t
		}
	}
}

// triangles returns the ways three candidates may be a code's top-left,
// top-right and bottom-left finder patterns, most likely first: module
// sizes within 3 times (perspective), the legs within 3 times each other
// and at least 10 modules long, the angle at the top-left between 35° and
// 145°; the top-right is the one clockwise of the bottom-left, as the image
// shows it (a mirrored code reads too: gozxing's decoder tries the mirror).
func triangles(cs []cand) [][3]int {
	type hyp struct {
		idx   [3]int
		score float64
	}
	var hs []hyp
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			for k := j + 1; k < len(cs); k++ {
				lo := min(cs[i].module, cs[j].module, cs[k].module)
				hi := max(cs[i].module, cs[j].module, cs[k].module)
				if hi > 3*lo {
					continue
				}
				tri := [3]int{i, j, k}
				for v := range 3 {
					a, p, q := tri[v], tri[(v+1)%3], tri[(v+2)%3]
					ux, uy := cs[p].x-cs[a].x, cs[p].y-cs[a].y
					vx, vy := cs[q].x-cs[a].x, cs[q].y-cs[a].y
					lu, lv := math.Hypot(ux, uy), math.Hypot(vx, vy)
					if lu < 10*lo || lv < 10*lo || lu > 3*lv || lv > 3*lu {
						continue
					}
					cos := (ux*vx + uy*vy) / (lu * lv)
					if math.Abs(cos) > math.Cos(35*math.Pi/180) {
						continue
					}
					if ux*vy-uy*vx < 0 {
						p, q = q, p
					}
					// Nearer a right angle, legs of nearer length, sizes
					// nearer each other, and more confirmed, first.
					score := math.Abs(cos) + math.Abs(math.Log(lu/lv))/2 + math.Log(hi/lo)/2 -
						0.05*math.Log(float64(cs[a].count+cs[p].count+cs[q].count))
					hs = append(hs, hyp{[3]int{a, p, q}, score})
				}
			}
		}
	}
	slices.SortStableFunc(hs, func(a, b hyp) int {
		switch {
		case a.score < b.score:
			return -1
		case a.score > b.score:
			return 1
		}
		return 0
	})
	out := make([][3]int, 0, min(len(hs), 12))
	for _, h := range hs[:min(len(hs), 12)] {
		out = append(out, h.idx)
	}
	return out
}

// traceRing returns the pixels of the outer dark square of the finder
// pattern at c: the dark run met going right from the centre after the
// centre's own dark square and the light ring, and everything dark
// 4-connected to it within 9 module sizes of the centre. It returns nil
// when the square touches that limit (it merged with the modules around
// it), so no corner is taken from it.
func traceRing(m *gozxing.BitMatrix, c cand) []pt {
	w, h := m.GetWidth(), m.GetHeight()
	cx, cy := int(c.x), int(c.y)
	if cx < 0 || cy < 0 || cx >= w || cy >= h {
		return nil
	}
	x, state := cx, 0
	for ; x < w && x < cx+int(9*c.module); x++ {
		b := m.Get(x, cy)
		switch {
		case state == 0 && !b:
			state = 1
		case state == 1 && b:
			state = 2
		}
		if state == 2 {
			break
		}
	}
	if state != 2 {
		return nil
	}
	r := int(math.Ceil(9 * c.module))
	side := 2*r + 1
	seen := make([]bool, side*side)
	idx := func(x, y int) int { return (y-cy+r)*side + x - cx + r }
	stack := [][2]int{{x, cy}}
	seen[idx(x, cy)] = true
	var out []pt
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		out = append(out, pt{float64(p[0]) + 0.5, float64(p[1]) + 0.5})
		for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			nx, ny := p[0]+d[0], p[1]+d[1]
			if nx < cx-r || ny < cy-r || nx > cx+r || ny > cy+r {
				return nil // reached the limit: not a clean square
			}
			if nx < 0 || ny < 0 || nx >= w || ny >= h || seen[idx(nx, ny)] || !m.Get(nx, ny) {
				continue
			}
			seen[idx(nx, ny)] = true
			stack = append(stack, [2]int{nx, ny})
		}
	}
	return out
}

// corners returns the four outer corners of a traced square, in the
// order of the code's top-left, top-right, bottom-right, bottom-left, given
// the code's axes u (towards the top-right finder) and v (towards the
// bottom-left): the pixels farthest along -u-v, u-v, u+v, -u+v from its
// centre c, moved out by half a pixel.
func corners(ring []pt, c pt, u, v pt) ([4]pt, bool) {
	var out [4]pt
	if len(ring) < 12 {
		return out, false
	}
	// Coordinates in the (u, v) frame: solve p - c = a u + b v.
	det := u.x*v.y - u.y*v.x
	if math.Abs(det) < 1e-9 {
		return out, false
	}
	signs := [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}
	best := [4]float64{-math.MaxFloat64, -math.MaxFloat64, -math.MaxFloat64, -math.MaxFloat64}
	for _, p := range ring {
		dx, dy := p.x-c.x, p.y-c.y
		a := (dx*v.y - dy*v.x) / det
		b := (u.x*dy - u.y*dx) / det
		for k, s := range signs {
			if d := s[0]*a + s[1]*b; d > best[k] {
				best[k], out[k] = d, p
			}
		}
	}
	for k := range out {
		dx, dy := out[k].x-c.x, out[k].y-c.y
		n := math.Hypot(dx, dy)
		if n == 0 {
			return out, false
		}
		out[k] = pt{out[k].x + 0.5*dx/n*math.Sqrt2, out[k].y + 0.5*dy/n*math.Sqrt2}
	}
	return out, true
}

// decodeTriangle fits a perspective transform to the finder patterns f
// (top-left, top-right, bottom-left) and the corners of their traced
// squares, for each likely dimension, and decodes the sampled grid.
func decodeTriangle(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any, f [3]cand, rings [3][]pt, stop halt) (*common.DecoderResult, []pt, error) {
	c := [3]pt{{f[0].x, f[0].y}, {f[1].x, f[1].y}, {f[2].x, f[2].y}}
	u := pt{c[1].x - c[0].x, c[1].y - c[0].y}
	v := pt{c[2].x - c[0].x, c[2].y - c[0].y}
	var quads [3][4]pt
	var ok [3]bool
	for i := range 3 {
		quads[i], ok[i] = corners(rings[i], c[i], u, v)
		if ok[i] {
			// A corner far from where the pattern's size puts it is the
			// square merged with a neighbour: drop the whole square.
			for _, q := range quads[i] {
				if d := math.Hypot(q.x-c[i].x, q.y-c[i].y); d > 3.5*math.Sqrt2*f[i].module*2.2 || d < 3.5*f[i].module*0.45 {
					ok[i] = false
				}
			}
		}
	}
	// Cheap rejection of three patterns that are not a code's corners.
	var frames [3]local
	for i := range 3 {
		frames[i] = quadFrame(quads[i], ok[i], c[i], f[i].module, unit(u), unit(v))
	}
	if !formatPlausible(m, frames[0], frames[1], frames[2]) {
		return nil, nil, errNoFormat
	}
	// The timing patterns, row and column 6 between the finder patterns,
	// traced between the squares' inner edges: their modules count the
	// dimension, and their centres, each a known module, tell the
	// transform how the code tilts along its top and left sides.
	var extra, extraAt []pt
	var timed []int
	lerp := func(a, b pt, t float64) pt { return pt{a.x + t*(b.x-a.x), a.y + t*(b.y-a.y)} }
	if ok[0] && ok[1] {
		a, b := lerp(quads[0][1], quads[0][2], 6.5/7), lerp(quads[1][0], quads[1][3], 6.5/7)
		if cs, n, good := timingLine(m, a, b, f[0].module, f[1].module); good {
			timed = append(timed, 2*n+15)
			for j, q := range cs {
				extra = append(extra, pt{float64(8+j) + 0.5, 6.5})
				extraAt = append(extraAt, q)
			}
		}
	}
	if ok[0] && ok[2] {
		a, b := lerp(quads[0][3], quads[0][2], 6.5/7), lerp(quads[2][0], quads[2][1], 6.5/7)
		if cs, n, good := timingLine(m, a, b, f[0].module, f[2].module); good {
			timed = append(timed, 2*n+15)
			for j, q := range cs {
				extra = append(extra, pt{6.5, float64(8+j) + 0.5})
				extraAt = append(extraAt, q)
			}
		}
	}
	// Then where the top-left square's own transform puts the other two
	// centres, and gozxing's estimate from centre distances.
	var ests []float64
	if ok[0] {
		sq := [4]pt{{0, 0}, {7, 0}, {7, 7}, {0, 7}}
		if hm, err := fitHomography(append(sq[:], pt{3.5, 3.5}), append(quads[0][:], c[0])); err == nil {
			if inv, err := hm.inverse(); err == nil {
				a, b := inv.apply(c[1]), inv.apply(c[2])
				ests = append(ests, a.x+3.5, b.y+3.5)
			}
		}
	}
	mod := (f[0].module + f[1].module + f[2].module) / 3
	ests = append(ests, (math.Hypot(u.x, u.y)+math.Hypot(v.x, v.y))/2/mod+7)
	var dims []int
	for _, d := range timed {
		if (d-17)%4 == 0 && d <= 177 && !slices.Contains(dims, d) {
			dims = append(dims, d)
		}
	}
	if len(dims) == 0 || len(timed) < 2 || timed[0] != timed[1] {
		for _, e := range ests {
			v := int(math.Round((e - 17) / 4))
			for _, dv := range []int{0, -1, 1} {
				if vv := v + dv; vv >= 1 && vv <= 40 && !slices.Contains(dims, 4*vv+17) {
					dims = append(dims, 4*vv+17)
				}
			}
		}
	}
	var last error = errNoGrid
	var t0 time.Time // when the last dimension's try began
	for _, d := range dims[:min(len(dims), 5)] {
		if !t0.IsZero() && stop.before(time.Since(t0)) {
			break
		}
		t0 = time.Now()
		fd := float64(d)
		var src, dst []pt
		src = append(src, pt{3.5, 3.5}, pt{fd - 3.5, 3.5}, pt{3.5, fd - 3.5})
		dst = append(dst, c[0], c[1], c[2])
		origin := [3]pt{{0, 0}, {fd - 7, 0}, {0, fd - 7}}
		for i := range 3 {
			if !ok[i] {
				continue
			}
			for k, s := range [4]pt{{0, 0}, {7, 0}, {7, 7}, {0, 7}} {
				src = append(src, pt{origin[i].x + s.x, origin[i].y + s.y})
				dst = append(dst, quads[i][k])
			}
		}
		src, dst = append(src, extra...), append(dst, extraAt...)
		if len(src) < 4 {
			// Three centres only: the parallelogram, as gozxing does.
			src = append(src, pt{fd - 3.5, fd - 3.5})
			dst = append(dst, pt{c[1].x + c[2].x - c[0].x, c[1].y + c[2].y - c[0].y})
		}
		hm, err := fitHomography(src, dst)
		if err != nil {
			last = err
			continue
		}
		try := func(hm homography) (*common.DecoderResult, error) {
			bits := sampleHomography(m, hm, d)
			return decodeBits(bits, hints)
		}
		dr, err := try(hm)
		if err == nil {
			return dr, []pt{c[2], c[0], c[1]}, nil
		}
		last = err
		if d < 25 {
			continue
		}
		// The alignment pattern nearest the fourth corner, where the fit
		// puts it: found, it pins the transform's far side.
		ex := hm.apply(pt{fd - 6.5, fd - 6.5})
		ex1 := hm.apply(pt{fd - 5.5, fd - 6.5})
		local := math.Hypot(ex1.x-ex.x, ex1.y-ex.y)
		if local < 1 {
			continue
		}
		rr := 5 * local
		x0, y0 := max(0, int(ex.x-rr)), max(0, int(ex.y-rr))
		x1, y1 := min(m.GetWidth()-1, int(ex.x+rr)), min(m.GetHeight()-1, int(ex.y+rr))
		if float64(x1-x0) < 3*local || float64(y1-y0) < 3*local {
			continue
		}
		ap, aerr := detector.NewAlignmentPatternFinder(m, x0, y0, x1-x0, y1-y0, local, nil).Find()
		if aerr != nil {
			continue
		}
		for range 3 { // weight it as three points
			src = append(src, pt{fd - 6.5, fd - 6.5})
			dst = append(dst, pt{ap.GetX(), ap.GetY()})
		}
		if hm2, err := fitHomography(src, dst); err == nil {
			if dr, err := try(hm2); err == nil {
				return dr, []pt{c[2], c[0], c[1], {ap.GetX(), ap.GetY()}}, nil
			} else {
				last = err
			}
			if d >= 4*7+17 {
				if bits, err := sampleLocalWith(m, hm2.transform(fd), local, d); err == nil {
					if dr, err := decodeBits(bits, hints); err == nil {
						return dr, []pt{c[2], c[0], c[1], {ap.GetX(), ap.GetY()}}, nil
					}
				}
			}
		}
	}
	return nil, nil, last
}

// timingLine reads a timing pattern from a to b, the inner edges of two
// finder squares (module sizes ma and mb) on the pattern's centre line: it
// trims half a module at each end, samples every half pixel, merges runs
// too short to be modules (noise), and expects light, dark, ..., dark,
// light. It returns the centres of the runs between the first and last
// (the modules from column 8 on) and the number of dark runs.
func timingLine(m *gozxing.BitMatrix, a, b pt, ma, mb float64) ([]pt, int, bool) {
	l := math.Hypot(b.x-a.x, b.y-a.y)
	if l < 3*(ma+mb) {
		return nil, 0, false
	}
	ux, uy := (b.x-a.x)/l, (b.y-a.y)/l
	a = pt{a.x + ux*ma/2, a.y + uy*ma/2}
	b = pt{b.x - ux*mb/2, b.y - uy*mb/2}
	l -= (ma + mb) / 2
	n := int(2 * l)
	w, h := m.GetWidth(), m.GetHeight()
	type run struct {
		dark       bool
		start, end int // samples [start, end)
	}
	var runs []run
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		x, y := int(a.x+t*(b.x-a.x)), int(a.y+t*(b.y-a.y))
		if x < 0 || y < 0 || x >= w || y >= h {
			return nil, 0, false
		}
		d := m.Get(x, y)
		if len(runs) > 0 && runs[len(runs)-1].dark == d {
			runs[len(runs)-1].end = i + 1
		} else {
			runs = append(runs, run{d, i, i + 1})
		}
	}
	// A module is at least half the smaller finder module long, in
	// samples: shorter runs are noise, merged into their neighbours.
	minLen := int(min(ma, mb))
	for len(runs) > 2 {
		k := -1
		for i := 1; i < len(runs)-1; i++ {
			if runs[i].end-runs[i].start < minLen && (k < 0 || runs[i].end-runs[i].start < runs[k].end-runs[k].start) {
				k = i
			}
		}
		if k < 0 {
			break
		}
		runs[k-1].end = runs[k+1].end
		runs = append(runs[:k], runs[k+2:]...)
	}
	if len(runs) < 3 || runs[0].dark || runs[len(runs)-1].dark || len(runs)%2 == 0 {
		return nil, 0, false
	}
	var out []pt
	for _, r := range runs[1 : len(runs)-1] {
		t := (float64(r.start+r.end) / 2) / float64(n)
		out = append(out, pt{a.x + t*(b.x-a.x), a.y + t*(b.y-a.y)})
	}
	return out, len(runs) / 2, true
}

// squareFrame is the frame of the finder pattern c: through the corners of
// its traced square, or from its centre and module size when it does not
// trace.
func squareFrame(m *gozxing.BitMatrix, c cand, u, v pt) local {
	return ringFrame(traceRing(m, c), c, u, v)
}

// ringFrame is squareFrame with the pattern's ring already traced.
func ringFrame(ring []pt, c cand, u, v pt) local {
	q, ok := corners(ring, pt{c.x, c.y}, u, v)
	if ok {
		for _, p := range q {
			if d := math.Hypot(p.x-c.x, p.y-c.y); d > 3.5*math.Sqrt2*c.module*2.2 || d < 3.5*c.module*0.45 {
				ok = false
			}
		}
	}
	return quadFrame(q, ok, pt{c.x, c.y}, c.module, u, v)
}

// quadFrame is the frame through the square's corners q when ok, else
// from its centre c and module size.
func quadFrame(q [4]pt, ok bool, c pt, module float64, u, v pt) local {
	if ok {
		sq := [5]pt{{0, 0}, {7, 0}, {7, 7}, {0, 7}, {3.5, 3.5}}
		if hm, err := fitHomography(sq[:], append(q[:], c)); err == nil {
			return func(x, y float64) pt { return hm.apply(pt{x, y}) }
		}
	}
	return affineLocal(c, module, u, v)
}

func unit(p pt) pt {
	n := math.Hypot(p.x, p.y)
	if n == 0 {
		return p
	}
	return pt{p.x / n, p.y / n}
}

// errNoFormat: no format information beside the finder patterns.
var errNoFormat = gozxing.NewNotFoundException("no format information beside the finder patterns")

// homography maps (x, y) to ((h0 x + h1 y + h2) / w, (h3 x + h4 y + h5) / w)
// with w = h6 x + h7 y + 1.
type homography [8]float64

func (h homography) apply(p pt) pt {
	w := h[6]*p.x + h[7]*p.y + 1
	return pt{(h[0]*p.x + h[1]*p.y + h[2]) / w, (h[3]*p.x + h[4]*p.y + h[5]) / w}
}

// inverse returns the inverse map, through the 3×3 adjugate.
func (h homography) inverse() (homography, error) {
	a := [9]float64{h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1}
	adj := [9]float64{
		a[4]*a[8] - a[5]*a[7], a[2]*a[7] - a[1]*a[8], a[1]*a[5] - a[2]*a[4],
		a[5]*a[6] - a[3]*a[8], a[0]*a[8] - a[2]*a[6], a[2]*a[3] - a[0]*a[5],
		a[3]*a[7] - a[4]*a[6], a[1]*a[6] - a[0]*a[7], a[0]*a[4] - a[1]*a[3],
	}
	if math.Abs(adj[8]) < 1e-12 {
		return homography{}, errNoGrid
	}
	var out homography
	for i := range 8 {
		out[i] = adj[i] / adj[8]
	}
	return out, nil
}

// transform is h as gozxing's PerspectiveTransform from a d×d symbol.
func (h homography) transform(d float64) *common.PerspectiveTransform {
	p := [4]pt{h.apply(pt{0, 0}), h.apply(pt{d, 0}), h.apply(pt{d, d}), h.apply(pt{0, d})}
	return common.PerspectiveTransform_QuadrilateralToQuadrilateral(0, 0, d, 0, d, d, 0, d,
		p[0].x, p[0].y, p[1].x, p[1].y, p[2].x, p[2].y, p[3].x, p[3].y)
}

// fitHomography is the least-squares map from src to dst (at least four
// pairs, not three on a line), on coordinates centred and scaled for a
// well-conditioned system.
func fitHomography(src, dst []pt) (homography, error) {
	norm := func(ps []pt) (pt, float64) {
		var c pt
		for _, p := range ps {
			c.x += p.x
			c.y += p.y
		}
		c.x /= float64(len(ps))
		c.y /= float64(len(ps))
		s := 0.0
		for _, p := range ps {
			s += math.Hypot(p.x-c.x, p.y-c.y)
		}
		s /= float64(len(ps))
		if s == 0 {
			s = 1
		}
		return c, s
	}
	if len(src) < 4 || len(src) != len(dst) {
		return homography{}, errNoGrid
	}
	cs, ss := norm(src)
	cd, sd := norm(dst)
	var ata [8][9]float64 // normal equations, augmented
	for i := range src {
		x, y := (src[i].x-cs.x)/ss, (src[i].y-cs.y)/ss
		X, Y := (dst[i].x-cd.x)/sd, (dst[i].y-cd.y)/sd
		rows := [2][9]float64{
			{x, y, 1, 0, 0, 0, -x * X, -y * X, X},
			{0, 0, 0, x, y, 1, -x * Y, -y * Y, Y},
		}
		for _, r := range rows {
			for a := range 8 {
				for b := range 9 {
					ata[a][b] += r[a] * r[b]
				}
			}
		}
	}
	// Gaussian elimination with partial pivoting.
	for col := range 8 {
		p := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(ata[r][col]) > math.Abs(ata[p][col]) {
				p = r
			}
		}
		if math.Abs(ata[p][col]) < 1e-12 {
			return homography{}, errNoGrid
		}
		ata[col], ata[p] = ata[p], ata[col]
		for r := range 8 {
			if r == col {
				continue
			}
			f := ata[r][col] / ata[col][col]
			for b := col; b < 9; b++ {
				ata[r][b] -= f * ata[col][b]
			}
		}
	}
	var n homography
	for i := range 8 {
		n[i] = ata[i][8] / ata[i][i]
	}
	// Undo the normalisation: H = D⁻¹ · N · S, with S(p) = (p - cs)/ss and
	// D(p) = (p - cd)/sd.
	S := [9]float64{1 / ss, 0, -cs.x / ss, 0, 1 / ss, -cs.y / ss, 0, 0, 1}
	Di := [9]float64{sd, 0, cd.x, 0, sd, cd.y, 0, 0, 1}
	N := [9]float64{n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], 1}
	mul := func(a, b [9]float64) [9]float64 {
		var c [9]float64
		for i := range 3 {
			for j := range 3 {
				for k := range 3 {
					c[3*i+j] += a[3*i+k] * b[3*k+j]
				}
			}
		}
		return c
	}
	H := mul(Di, mul(N, S))
	if math.Abs(H[8]) < 1e-12 {
		return homography{}, errNoGrid
	}
	var out homography
	for i := range 8 {
		out[i] = H[i] / H[8]
	}
	return out, nil
}

// sampleHomography reads the d×d modules of a code at their centres
// through h; a module outside m reads as light.
func sampleHomography(m *gozxing.BitMatrix, h homography, d int) *gozxing.BitMatrix {
	bits, _ := gozxing.NewSquareBitMatrix(d)
	w, ht := m.GetWidth(), m.GetHeight()
	for y := range d {
		for x := range d {
			p := h.apply(pt{float64(x) + 0.5, float64(y) + 0.5})
			ix, iy := int(math.Floor(p.x)), int(math.Floor(p.y))
			if ix >= 0 && iy >= 0 && ix < w && iy < ht && m.Get(ix, iy) {
				bits.Set(x, y)
			}
		}
	}
	return bits
}
