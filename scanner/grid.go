package scanner

import (
	"errors"
	"math"
	"slices"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// errNoGrid: the code is too small for a local grid (under version 7
// there is at most one alignment pattern, which gozxing already uses).
var errNoGrid = errors.New("no alignment grid")

// sampleLocal samples a code of a tilted or curved screen more exactly than
// gozxing does. gozxing maps the whole symbol with one perspective
// transform through the three finder patterns and one alignment pattern;
// on a large symbol (a pass is version 10 to 20) seen at an angle the
// modules in the middle then drift off the grid. Here every alignment
// pattern of the version is located near where the global transform puts
// it (and where its found neighbours say it is), and each cell between
// four of them is sampled with its own transform. dimension is gozxing's
// estimate of the symbol size, which the caller may vary by ±4; corner is
// the alignment pattern nearest the fourth corner (nil when none was
// found), through which the global transform goes.
func sampleLocal(m *gozxing.BitMatrix, tl, tr, bl gozxing.ResultPoint, corner *detector.AlignmentPattern, module float64, dimension int) (*gozxing.BitMatrix, error) {
	ver, err := decoder.Version_GetProvisionalVersionForDimension(dimension)
	if err != nil {
		return nil, err
	}
	if len(ver.GetAlignmentPatternCenters()) < 3 {
		return nil, errNoGrid
	}
	return sampleLocalWith(m, detector.Detector_createTransform(tl, tr, bl, corner, dimension), module, dimension)
}

// sampleLocalWith is sampleLocal around the global transform given, from
// the symbol's module coordinates to m's.
func sampleLocalWith(m *gozxing.BitMatrix, global *common.PerspectiveTransform, module float64, dimension int) (*gozxing.BitMatrix, error) {
	ver, err := decoder.Version_GetProvisionalVersionForDimension(dimension)
	if err != nil {
		return nil, err
	}
	centers := ver.GetAlignmentPatternCenters()
	n := len(centers)
	if n < 3 {
		return nil, errNoGrid
	}
	w, h := m.GetWidth(), m.GetHeight()
	at := func(t *common.PerspectiveTransform, x, y float64) (float64, float64) {
		p := []float64{x, y}
		t.TransformPoints(p)
		return p[0], p[1]
	}
	type node struct {
		x, y  float64
		found bool
	}
	nodes := make([][]node, n) // nodes[i][j]: centre of the pattern at column centers[i], row centers[j]
	for i := range nodes {
		nodes[i] = make([]node, n)
	}
	for s := 0; s <= 2*(n-1); s++ { // by anti-diagonals, so neighbours come first
		for i := max(0, s-(n-1)); i <= min(s, n-1); i++ {
			j := s - i
			mx, my := float64(centers[i])+0.5, float64(centers[j])+0.5
			ex, ey := at(global, mx, my)
			switch {
			case i > 0 && j > 0 && nodes[i-1][j].found && nodes[i][j-1].found && nodes[i-1][j-1].found:
				ex = nodes[i-1][j].x + nodes[i][j-1].x - nodes[i-1][j-1].x
				ey = nodes[i-1][j].y + nodes[i][j-1].y - nodes[i-1][j-1].y
			}
			nodes[i][j] = node{x: ex, y: ey}
			corner := (i == 0 && j == 0) || (i == n-1 && j == 0) || (i == 0 && j == n-1)
			if corner {
				continue // inside a finder pattern: no alignment pattern
			}
			r := int(math.Ceil(3 * module))
			x0, y0 := max(0, int(ex)-r), max(0, int(ey)-r)
			x1, y1 := min(w-1, int(ex)+r), min(h-1, int(ey)+r)
			if float64(x1-x0) < 3*module || float64(y1-y0) < 3*module {
				continue
			}
			ap, err := detector.NewAlignmentPatternFinder(m, x0, y0, x1-x0, y1-y0, module, nil).Find()
			if err != nil {
				continue
			}
			nodes[i][j] = node{x: ap.GetX(), y: ap.GetY(), found: true}
		}
	}
	bits, err := gozxing.NewBitMatrix(dimension, dimension)
	if err != nil {
		return nil, err
	}
	for a := 0; a < n-1; a++ {
		for b := 0; b < n-1; b++ {
			c0, c1 := float64(centers[a])+0.5, float64(centers[a+1])+0.5
			r0, r1 := float64(centers[b])+0.5, float64(centers[b+1])+0.5
			t := common.PerspectiveTransform_QuadrilateralToQuadrilateral(
				c0, r0, c1, r0, c1, r1, c0, r1,
				nodes[a][b].x, nodes[a][b].y, nodes[a+1][b].x, nodes[a+1][b].y,
				nodes[a+1][b+1].x, nodes[a+1][b+1].y, nodes[a][b+1].x, nodes[a][b+1].y)
			// The cell's modules; the outer cells take the margins too.
			xs, xe := centers[a], centers[a+1]
			ys, ye := centers[b], centers[b+1]
			if a == 0 {
				xs = 0
			}
			if a == n-2 {
				xe = dimension
			}
			if b == 0 {
				ys = 0
			}
			if b == n-2 {
				ye = dimension
			}
			for y := ys; y < ye; y++ {
				for x := xs; x < xe; x++ {
					px, py := at(t, float64(x)+0.5, float64(y)+0.5)
					ix, iy := int(px), int(py)
					if ix < 0 || iy < 0 || ix >= w || iy >= h {
						continue // outside the image: a white module, let error correction cope
					}
					if m.Get(ix, iy) {
						bits.Set(x, y)
					}
				}
			}
		}
	}
	return bits, nil
}

// readLocal decodes a code whose finder patterns info gozxing found but
// could not read, by local sampling at the sizes the code tells: its
// version information, and its timing patterns counted (perspective
// makes gozxing's estimate of the size wrong by a version or more).
func readLocal(m *gozxing.BitMatrix, info *detector.FinderPatternInfo, hints map[gozxing.DecodeHintType]any, stop halt) (*common.DecoderResult, error) {
	tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
	module := (tl.GetEstimatedModuleSize() + tr.GetEstimatedModuleSize() + bl.GetEstimatedModuleSize()) / 3
	if module < 1 {
		return nil, errNoGrid
	}
	// gozxing's estimate of the size: the mean finder distance over the
	// module size. At 2-5 pixels a module, and tilted, the finder
	// patterns' module size is off by up to a quarter, and the estimate
	// with it: toldDimensions allows for that.
	est := (dist(tl, tr)+dist(tl, bl))/2/module + 7
	dims := toldDimensions(m, info, est)
	var last error = errNoGrid
	var t0 time.Time // when the last grid's try began
	for _, dd := range dims {
		for _, corner := range cornerCandidates(m, tl, tr, bl, module, dd) {
			if !t0.IsZero() && stop.before(time.Since(t0)) || stop.now() {
				return nil, last
			}
			t0 = time.Now()
			var bits *gozxing.BitMatrix
			var err error
			if dd < 4*7+17 {
				// Too small for a grid of alignment patterns: one
				// transform, through the corner.
				bits, err = detector.Detector_sampleGrid(m, detector.Detector_createTransform(tl, tr, bl, corner, dd), dd)
			} else {
				bits, err = sampleLocal(m, tl, tr, bl, corner, module, dd)
			}
			if err != nil {
				last = err
				continue
			}
			dr, err := decodeBits(bits, hints)
			if err == nil {
				return dr, nil
			}
			last = err
		}
	}
	return nil, last
}

// toldDimensions are the sizes the code of info tells, within 30 % of the
// estimate est, which readLocal samples it at: its version information's
// first, then its timing patterns' count. When both copies of the version
// information say it, that size only: at any other, gozxing's decoder
// reads the version from the sampled modules and finds it is not that
// size's. Not the other sizes within the margin, a dozen for a large
// code, each a grid of alignment-pattern searches per corner candidate,
// 4-6 ms on a 720p frame: of the codes readLocal read on the blackbox,
// DCC, corpus and door images (at four turns, in the frame decoder's and
// Decoder's attempts), every one was at a size the code told, and none
// at another.
func toldDimensions(m *gozxing.BitMatrix, info *detector.FinderPatternInfo, est float64) []int {
	vd, sure, vok := versionDimension(m, info)
	if sure {
		return []int{vd}
	}
	var dims []int
	tell := func(d int) {
		if math.Abs(float64(d)-est) <= 0.3*est && !slices.Contains(dims, d) {
			dims = append(dims, d)
		}
	}
	if vok {
		tell(vd)
	}
	if td, ok := timedDimension(m, info); ok {
		tell(td)
	}
	return dims
}

// timedDimension counts the size of the code of info on its timing
// patterns, traced between its finder squares (see decodeTriangle); ok
// when both patterns trace and agree.
func timedDimension(m *gozxing.BitMatrix, info *detector.FinderPatternInfo) (int, bool) {
	cs, u, v := infoAxes(info)
	var q [3][4]pt
	for i := range 3 {
		var ok bool
		if q[i], ok = corners(traceRing(m, cs[i]), pt{cs[i].x, cs[i].y}, u, v); !ok {
			return 0, false
		}
	}
	lerp := func(a, b pt, t float64) pt { return pt{a.x + t*(b.x-a.x), a.y + t*(b.y-a.y)} }
	_, n1, ok1 := timingLine(m, lerp(q[0][1], q[0][2], 6.5/7), lerp(q[1][0], q[1][3], 6.5/7), cs[0].module, cs[1].module)
	_, n2, ok2 := timingLine(m, lerp(q[0][3], q[0][2], 6.5/7), lerp(q[2][0], q[2][1], 6.5/7), cs[0].module, cs[2].module)
	if !ok1 || !ok2 || n1 != n2 {
		return 0, false
	}
	return 2*n1 + 15, true
}

// infoAxes are the top-left, top-right and bottom-left finder patterns of
// info as candidates, and the code's axes: unit vectors from the top-left
// to the others.
func infoAxes(info *detector.FinderPatternInfo) (cs [3]cand, u, v pt) {
	for i, p := range [3]*detector.FinderPattern{info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()} {
		cs[i] = cand{p.GetX(), p.GetY(), p.GetEstimatedModuleSize(), p.GetCount()}
	}
	return cs, unit(pt{cs[1].x - cs[0].x, cs[1].y - cs[0].y}), unit(pt{cs[2].x - cs[0].x, cs[2].y - cs[0].y})
}

// versionDimension reads the version information of a code of version 7
// or more, 18 bits beside its top-right finder pattern and again beside
// its bottom-left one, through their traced squares (see timedDimension),
// and returns the size it gives: ok when a copy reads (within 3 bits of a
// version's, as gozxing allows; random modules do 1 time in 8), sure when
// both read to the same version (1 time in 2000 or so).
func versionDimension(m *gozxing.BitMatrix, info *detector.FinderPatternInfo) (dim int, sure, ok bool) {
	cs, u, v := infoAxes(info)
	tr, bl := squareFrame(m, cs[1], u, v), squareFrame(m, cs[2], u, v)
	// gozxing's bit order (BitMatrixParser.ReadVersion): beside the
	// top-right square, columns d-9 to d-11 of rows 5 to 0; beside the
	// bottom-left one, rows d-9 to d-11 of columns 5 to 0.
	var a, b int
	for y := 5; y >= 0; y-- {
		for x := -2; x >= -4; x-- {
			a = a<<1 | int(moduleAt(m, tr, x, y))
		}
	}
	for x := 5; x >= 0; x-- {
		for y := -2; y >= -4; y-- {
			b = b<<1 | int(moduleAt(m, bl, x, y))
		}
	}
	va, ea := decoder.Version_decodeVersionInformation(a)
	vb, eb := decoder.Version_decodeVersionInformation(b)
	switch {
	case ea == nil && eb == nil && va.GetVersionNumber() == vb.GetVersionNumber():
		return va.GetDimensionForVersion(), true, true
	case ea == nil:
		return va.GetDimensionForVersion(), false, true
	case eb == nil:
		return vb.GetDimensionForVersion(), false, true
	}
	return 0, false, false
}

// cornerCandidates returns the alignment patterns that may be the one
// nearest the fourth corner of a symbol of the dimension, most likely
// first: the one gozxing would use (nil when it finds none) and those found
// near the other estimates; when none is found, or the symbol is version 1,
// which has none, the estimates themselves. gozxing looks 3 modules in from
// the fourth corner of the parallelogram of the finder patterns, which a
// tilted screen moves by several modules, to where another alignment
// pattern of a large symbol may be found instead. So the pattern is also
// looked for where perspective puts the corner: each edge from the far
// finder patterns scaled by how much larger their modules are than the
// top-left's (a nearer edge is longer).
func cornerCandidates(m *gozxing.BitMatrix, tl, tr, bl gozxing.ResultPoint, module float64, dimension int) []*detector.AlignmentPattern {
	w, h := m.GetWidth(), m.GetHeight()
	size := func(p gozxing.ResultPoint) float64 {
		if fp, ok := p.(*detector.FinderPattern); ok && fp.GetEstimatedModuleSize() > 0 {
			return fp.GetEstimatedModuleSize()
		}
		return module
	}
	kr, kb := size(tr)/size(tl), size(bl)/size(tl)
	// Estimates of the fourth "finder centre" (3.5 modules in from the
	// corner), and the alignment pattern 3 modules further in.
	type pt struct{ x, y float64 }
	para := pt{tr.GetX() - tl.GetX() + bl.GetX(), tr.GetY() - tl.GetY() + bl.GetY()}
	right := pt{tr.GetX() + kr*(bl.GetX()-tl.GetX()), tr.GetY() + kr*(bl.GetY()-tl.GetY())}
	bottom := pt{bl.GetX() + kb*(tr.GetX()-tl.GetX()), bl.GetY() + kb*(tr.GetY()-tl.GetY())}
	mean := pt{(right.x + bottom.x) / 2, (right.y + bottom.y) / 2}
	inward := 3 / float64(dimension-7)
	var out []*detector.AlignmentPattern
	seen := func(p *detector.AlignmentPattern) bool {
		for _, q := range out {
			if q != nil && math.Hypot(q.GetX()-p.GetX(), q.GetY()-p.GetY()) < module {
				return true
			}
		}
		return false
	}
	virtual := func() []*detector.AlignmentPattern {
		for _, e := range []pt{mean, right, bottom} {
			ex, ey := e.x+inward*(tl.GetX()-e.x), e.y+inward*(tl.GetY()-e.y)
			if v := detector.NewAlignmentPattern(ex, ey, module); !seen(v) {
				out = append(out, v)
			}
		}
		return out
	}
	if dimension == 21 {
		return virtual() // version 1 has no alignment pattern
	}
	for i, e := range []pt{para, mean, right, bottom} {
		ex, ey := e.x+inward*(tl.GetX()-e.x), e.y+inward*(tl.GetY()-e.y)
		var found *detector.AlignmentPattern
		// gozxing's estimate in windows up to 16 modules, the others, of
		// a rougher guess, up to 8 (less than the 20 modules between two
		// alignment patterns).
		limit := 16.0
		if i > 0 {
			limit = 8
		}
		for allow := 4.0; allow <= limit && found == nil; allow *= 2 {
			r := allow * module
			x0, y0 := max(0, int(ex-r)), max(0, int(ey-r))
			x1, y1 := min(w-1, int(ex+r)), min(h-1, int(ey+r))
			if float64(x1-x0) < 3*module || float64(y1-y0) < 3*module {
				break
			}
			if ap, err := detector.NewAlignmentPatternFinder(m, x0, y0, x1-x0, y1-y0, module, nil).Find(); err == nil {
				found = ap
			}
		}
		switch {
		case i == 0:
			out = append(out, found) // gozxing's, even when nil
		case found != nil && !seen(found):
			out = append(out, found)
		}
	}
	// Where no pattern was found (a small or blurred one may not show),
	// the perspective estimates themselves.
	if len(out) == 1 && out[0] == nil {
		return virtual()
	}
	return out
}

func dist(a, b gozxing.ResultPoint) float64 {
	return math.Hypot(a.GetX()-b.GetX(), a.GetY()-b.GetY())
}

// findFinders is gozxing's finder search (the search comes back too, to
// be taken further, see regroup), with a second chance for a
// tilted code: gozxing drops any three patterns whose module sizes differ
// by more than 1.4 times, which a screen tilted by 30° exceeds (its near
// corner is larger than its far one). Then the candidates gozxing found
// are chosen from again, allowing twice the size, by gozxing's measure of
// how near they are to an isosceles right triangle.
func findFinders(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any) (*patternSearch, *detector.FinderPatternInfo, error) {
	s := newPatternSearch(m, hints)
	s.run()
	info, err := s.best()
	if err == nil {
		return s, info, nil
	}
	if info := bestTriple(s.f.GetPossibleCenters(), 2, nil); info != nil {
		return s, info, nil
	}
	return s, nil, err
}

// bestTriple chooses, from candidates cs, the three whose module sizes are
// within maxRatio of each other that are nearest an isosceles right
// triangle, by gozxing's measure; nil when no three are near enough, or
// there are too many candidates to try all. A triple skip says yes to is
// not chosen.
func bestTriple(cs []*detector.FinderPattern, maxRatio float64, skip func(a, b, c *detector.FinderPattern) bool) *detector.FinderPatternInfo {
	if len(cs) < 3 || len(cs) > 40 {
		return nil
	}
	best, bestD := [3]*detector.FinderPattern{}, math.MaxFloat64
	sq := func(a, b *detector.FinderPattern) float64 {
		dx, dy := a.GetX()-b.GetX(), a.GetY()-b.GetY()
		return dx*dx + dy*dy
	}
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			for k := j + 1; k < len(cs); k++ {
				lo := min(cs[i].GetEstimatedModuleSize(), cs[j].GetEstimatedModuleSize(), cs[k].GetEstimatedModuleSize())
				hi := max(cs[i].GetEstimatedModuleSize(), cs[j].GetEstimatedModuleSize(), cs[k].GetEstimatedModuleSize())
				if hi > maxRatio*lo {
					continue
				}
				s := []float64{sq(cs[i], cs[j]), sq(cs[j], cs[k]), sq(cs[i], cs[k])}
				a, b, c := s[0], s[1], s[2]
				if a > b {
					a, b = b, a
				}
				if b > c {
					b, c = c, b
				}
				if a > b {
					a, b = b, a
				}
				if d := math.Abs(c-2*b) + math.Abs(c-2*a); d < bestD && d < 0.5*c {
					if skip != nil && skip(cs[i], cs[j], cs[k]) {
						continue
					}
					best, bestD = [3]*detector.FinderPattern{cs[i], cs[j], cs[k]}, d
				}
			}
		}
	}
	if best[0] == nil {
		return nil
	}
	bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(best[0], best[1], best[2])
	return detector.NewFinderPatternInfo(bl.(*detector.FinderPattern), tl.(*detector.FinderPattern), tr.(*detector.FinderPattern))
}
