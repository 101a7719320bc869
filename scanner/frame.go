package scanner

import (
	"errors"
	"fmt"
	"image"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// Strategies of the frame decoder, beside those of Decoder.
const (
	// Region reads the part of the frame where the last code was found,
	// with the polarity it had.
	Region Strategy = "region"
	// Flipped looks for a light-on-dark code in the full frame's
	// binarization with black and white swapped: almost free, as the
	// binarization is shared with Hybrid.
	Flipped Strategy = "flipped"
	// Zoom reads the area of a code whose finder patterns were found but
	// whose data did not decode, at twice the size.
	Zoom Strategy = "zoom"
	// ZoomInverted is Zoom for a light-on-dark code.
	ZoomInverted Strategy = "zoom-inverted"
)

// minBudgetBinarizations is the least budget of a frame, in times of its
// binarization: on a plain frame two or three first attempts (binarization
// and finder search), see fits in Decode. Five: with the Go kernels
// (purego) on this project's reference machine, 5-7 ms, under the budget's
// four fifths, so only a machine really slower stretches it. The binarization's time, unlike
// the finder search's, does not depend on what the frame shows, so a
// cluttered frame does not stretch the budget on a fast machine.
const minBudgetBinarizations = 5

// FrameOptions tune a FrameDecoder. The zero value is the default.
type FrameOptions struct {
	// Budget is the time a frame may take: an attempt that would end past
	// four fifths of it, by its cost relative to the first attempt's
	// binarization and finder search, is not started, and a search within
	// an attempt (the first one too) stops before the step that would
	// overrun that; the step under way then ends within the last fifth.
	// The next frame is another chance. 0 means 10 ms.
	Budget time.Duration
	// Extras are the stronger attempts, in order; nil means
	// DefaultExtras(). A frame without any sign of a code tries one of
	// them, taking turns from frame to frame, so every kind of hard code
	// gets its chance within a few frames while a frame costs little.
	Extras []Strategy
	// RegionTTL is how long the region of the last code is tried first;
	// 0 means 2 s.
	RegionTTL time.Duration
	// IdleEvery: a frame without any sign of a code tries an extra only
	// one frame in IdleEvery, so an empty scene costs little on average;
	// 0 means 2.
	IdleEvery int
}

// DefaultExtras are the stronger attempts of a FrameDecoder, cheapest
// first: finder search on every third row, the loose finder search
// (small codes, foreshortened patterns), a half-size copy (smooths noise
// and blur), the global-histogram binarizer (low contrast, glare),
// a real negative (dark-mode screens the flipped attempt misses), and a
// double-size copy (small, sharp codes).
func DefaultExtras() []Strategy {
	return []Strategy{HybridTryHarder, Loose, Half, Histogram, Inverted, DoubleHistogram}
}

// Attempt is one strategy tried on a frame, for benchmarks and logs.
type Attempt struct {
	Strategy Strategy
	Took     time.Duration
	// Seen: finder patterns were found, whether or not the data decoded.
	Seen bool
	// Format: and format information was beside them (or read): a
	// stronger sign of a code than Seen, which clutter gives too. Only
	// such a frame runs the stronger attempts in turn.
	Format bool
	OK     bool
}

// FrameResult is a code read from a frame and how it was read.
type FrameResult struct {
	Result
	Attempts []Attempt
}

// FrameDecoder reads QR codes in camera frames: a cheap first attempt,
// then stronger ones within a time budget, and the region of the last
// code first. Safe for concurrent use.
type FrameDecoder struct {
	opts FrameOptions

	mu       sync.Mutex
	region   image.Rectangle // where the last code was, in frame coordinates
	regionAt time.Time
	inverted bool // the last code was light on dark
	turn     int  // which extra a frame without signs of a code tries
}

// NewFrameDecoder returns a decoder with the options.
func NewFrameDecoder(o FrameOptions) *FrameDecoder {
	if o.Budget <= 0 {
		o.Budget = 10 * time.Millisecond
	}
	if o.Extras == nil {
		o.Extras = DefaultExtras()
	}
	if o.RegionTTL <= 0 {
		o.RegionTTL = 2 * time.Second
	}
	if o.IdleEvery <= 0 {
		o.IdleEvery = 2
	}
	return &FrameDecoder{opts: o}
}

// Decode reads the code in frame l, taken at time at (which ages the
// remembered region). The error wraps ErrNotFound when no attempt read a
// code; the attempts are in the result either way.
func (d *FrameDecoder) Decode(l *Luma, at time.Time) (FrameResult, error) {
	fr, _, err := d.decode(l, at)
	return fr, err
}

// decode is Decode, and returns the frame's binarization too (nil when
// the region read the code, or the frame could not be binarized), for
// Decoder's strategies after the frame's.
func (d *FrameDecoder) decode(l *Luma, at time.Time) (fr FrameResult, m *gozxing.BitMatrix, err error) {
	start := time.Now()
	if err := l.check(); err != nil {
		return fr, nil, fmt.Errorf("scanner: decode frame: %w", err)
	}
	attempt := func(s Strategy, f func() (Result, *finders, error)) bool {
		t0 := time.Now()
		r, fp, err := f()
		a := Attempt{Strategy: s, Took: time.Since(t0), Seen: fp != nil, Format: fp != nil && fp.format, OK: err == nil}
		fr.Attempts = append(fr.Attempts, a)
		if err == nil {
			fr.Result = r
			fr.Strategy = s
		}
		return err == nil
	}
	done := func(inverted bool) (FrameResult, *gozxing.BitMatrix, error) {
		fr.Elapsed = time.Since(start)
		d.remember(fr.Points, l, at, inverted)
		return fr, m, nil
	}

	// fits tells whether an attempt that costs cost times the first one
	// still ends within the budget. On a machine slower than the one the
	// budget was set on (a Raspberry Pi, or qemu), the budget grows to
	// minBudgetBinarizations binarizations, so the cheap second tries
	// (the inverted binarization of a dark-mode screen) are never cut
	// there.
	//
	// Steps are weighed against four fifths of the budget: a step's time
	// is an estimate, and the one under way when time is up (a zoom's
	// copy, a finder search) ends late by up to a fifth of the budget.
	var unit, binarized time.Duration
	aim := func() time.Duration { return max(d.opts.Budget*4/5, minBudgetBinarizations*binarized) }
	fits := func(cost float64) bool {
		return time.Since(start)+time.Duration(cost*float64(unit)) <= aim()
	}
	// stop ends the search inside an attempt (another grid, another
	// triangle of finder patterns) when the frame's time is up: the
	// first attempt too, so no frame takes much longer than its budget.
	stop := halt(func(next time.Duration) bool {
		return time.Since(start)+next > aim()
	})

	d.mu.Lock()
	region, inv, turn := d.region, d.inverted, d.turn
	if at.Sub(d.regionAt) > d.opts.RegionTTL {
		region = image.Rectangle{}
	}
	d.turn++
	d.mu.Unlock()

	// zoomOn reads the code whose finder patterns were found but whose
	// data did not decode, in a copy of its area at twice the size: the
	// sampling grid then lands inside modules of 2-3 pixels.
	zoomOn := func(fp *finders, negative bool) bool {
		if fp == nil {
			return false
		}
		// Its cost: a first attempt on 4 times the code's area, and the
		// sampling and decoding of a first attempt that finds one.
		r := fp.area().Intersect(image.Rect(0, 0, l.Width, l.Height))
		if !fits(1 + 4*float64(r.Dx()*r.Dy())/float64(l.Width*l.Height)) {
			return false
		}
		s := Zoom
		if negative {
			s = ZoomInverted
		}
		return attempt(s, func() (Result, *finders, error) { return zoom(l, fp, negative, stop) })
	}

	if !region.Empty() {
		var fp *finders
		if attempt(Region, func() (Result, *finders, error) {
			t0 := time.Now()
			r, f, err := readRegion(l, region, inv, stop)
			fp = f
			// Until the first attempt on the whole frame, its cost is
			// guessed from the region's: a zoom after a failed region
			// is then weighed as any other try, not taken for free.
			c := region.Intersect(image.Rect(0, 0, l.Width, l.Height))
			unit = time.Duration(float64(time.Since(t0)) * float64(l.Width*l.Height) / float64(max(1, c.Dx()*c.Dy())))
			return r, f, err
		}) || zoomOn(fp, inv) {
			return done(inv)
		}
	}
	var fp *finders
	if attempt(Hybrid, func() (Result, *finders, error) {
		t0 := time.Now()
		var err error
		if m, err = hybridMatrix(l, false); err != nil {
			return Result{}, nil, err
		}
		binarized = time.Since(t0)
		search, info, err := safeFinders(m, nil)
		// The unit of the costs: a first attempt that finds no code, the
		// binarization and the finder search. Not the attempt's own
		// time: a code that does not read makes that long, and the rest
		// of the frame would be weighed by it.
		unit = time.Since(t0)
		if err != nil {
			return Result{}, nil, err
		}
		r, f, err := readFound(m, search, info, nil, 1, 0, 0, stop)
		fp = f
		return r, f, err
	}) {
		return done(false)
	}
	// Its finder patterns, for a zoom after Flipped and Perspective.
	seenUpright := fp
	fp = nil
	if m != nil && fits(cost(Flipped)) && attempt(Flipped, func() (Result, *finders, error) {
		m.FlipAll()
		defer m.FlipAll() // back, for the extras that reuse it
		r, f, err := readMatrix(m, nil, 1, 0, 0, stop)
		fp = f
		return r, f, err
	}) {
		return done(true)
	}
	seenInverted := fp
	// A code at a steep angle, or whose finder patterns gozxing groups
	// wrong: the Perspective detector, on the same binarization. Then the
	// zooms on the codes the first two attempts saw: Perspective reads
	// many a code gozxing's search sees and cannot sample, a zoom few of
	// them: on the corpus and door frames with a code, in a kiosk's
	// budget, the zooms first read 3 frames in 74 tries and took 240 ms
	// of the 1.4 s the 491 frames cost; Perspective after them read 22,
	// before them 38.
	if m != nil && fits(cost(Perspective)) && attempt(Perspective, func() (Result, *finders, error) { return readPerspective(m, tryHarder, stop) }) {
		return done(false)
	}
	if zoomOn(seenUpright, false) {
		return done(false)
	}
	if zoomOn(seenInverted, true) {
		return done(true)
	}
	// Signs of a code, dark on light and light on dark: finder patterns
	// with format information beside them.
	var upright, inverted bool
	for _, a := range fr.Attempts {
		if a.Format {
			if a.Strategy == ZoomInverted || a.Strategy == Flipped || a.Strategy == Region && inv {
				inverted = true
			} else {
				upright = true
			}
		}
	}
	extras := d.opts.Extras
	switch {
	case !upright && !inverted && len(extras) > 0:
		// No sign of a code: one extra, in turn, one frame in IdleEvery.
		k := turn / d.opts.IdleEvery % len(extras)
		extras = extras[k : k+1]
		if turn%d.opts.IdleEvery != 0 {
			extras = nil
		}
	case inverted && !upright:
		// A light-on-dark code, and no sign of a dark-on-light one: the
		// extras that read light on dark. On the 640×480 door frames whose
		// code only the flipped attempt saw, the others took 2-3 ms of
		// each. Not the other way round: the upright attempts' signs come
		// from light-on-dark codes too, which only Inverted then reads
		// (corpus frames 72 and 206).
		extras = slices.DeleteFunc(slices.Clone(extras), func(s Strategy) bool { return !negative(s) })
	}
	for _, s := range extras {
		if !fits(cost(s)) {
			continue
		}
		if attempt(s, func() (Result, *finders, error) { return readStrategy(s, l, m, stop) }) {
			return done(negative(s))
		}
	}
	fr.Elapsed = time.Since(start)
	return fr, m, fmt.Errorf("%w in frame (%d attempts)", ErrNotFound, len(fr.Attempts))
}

// negative tells whether strategy s of Decoder reads a light-on-dark
// code (and only such a code).
func negative(s Strategy) bool { return s == Inverted || s == DoubleInverted }

// cost is the time of an attempt relative to the first one on the same
// frame when it finds no code (binarization and finder search): the
// medians of attempts that did not read, measured on the corpus frames at
// both sizes, rounded up. The frame decoder starts one only when it fits
// in what is left of the budget.
func cost(s Strategy) float64 {
	switch s {
	case Quarter:
		return 0.1
	case Half:
		return 0.3
	case Flipped: // the binarization is shared
		return 1
	case HybridTryHarder: // and a third of the rows more
		return 1.2
	case HalfHistogram:
		return 1.2
	case Histogram, Inverted, Rotated:
		return 1.5
	case Perspective: // both ways, and a triangle's sampling
		return 2
	case Loose: // every other row, and a zoom when three form a code
		return 1.5
	case DoubleHistogram:
		return 5
	case DoubleInverted:
		return 5.5
	}
	return 1
}

// remember keeps the region of a code just read, grown by half its size
// on every side so a moving phone stays inside it.
func (d *FrameDecoder) remember(pts []image.Point, l *Luma, at time.Time, inverted bool) {
	if len(pts) < 3 {
		return
	}
	r := image.Rectangle{Min: pts[0], Max: pts[0]}
	for _, p := range pts[1:] {
		r = r.Union(image.Rectangle{Min: p, Max: p.Add(image.Pt(1, 1))})
	}
	// The points are module centres of the finder patterns: the code
	// extends a few modules beyond them, the margin covers that too.
	gx, gy := r.Dx()/2+8, r.Dy()/2+8
	r = image.Rect(r.Min.X-gx, r.Min.Y-gy, r.Max.X+gx, r.Max.Y+gy).Intersect(image.Rect(0, 0, l.Width, l.Height))
	d.mu.Lock()
	defer d.mu.Unlock()
	if at.Before(d.regionAt) {
		return // a newer frame already placed it
	}
	d.region, d.regionAt, d.inverted = r, at, inverted
}

// hybridMatrix binarizes l (or its negative) with gozxing's local
// threshold, computed by hybrid.
func hybridMatrix(l *Luma, negative bool) (m *gozxing.BitMatrix, err error) {
	defer catch(&err)
	return hybrid(l, negative)
}

// halt tells a search whether a step of the time given would end past
// the frame's budget; a nil halt never stops one.
type halt func(next time.Duration) bool

// errTimeUp: a step was not started because the frame's time was up. A
// NotFoundException, as the code was not read.
var errTimeUp = gozxing.NewNotFoundException("the frame's time is up")

// now tells whether the time is up.
func (h halt) now() bool { return h.before(0) }

// before tells whether a step as long as the last one, took, would end
// past the budget: a search of many like steps (grids, triangles) stops
// before the one that would overrun, not after it.
func (h halt) before(took time.Duration) bool { return h != nil && h(took) }

// readRegion reads the part r of l.
func readRegion(l *Luma, r image.Rectangle, negative bool, stop halt) (Result, *finders, error) {
	sub := l.sub(r.Min.X, r.Min.Y, r.Dx(), r.Dy())
	m, err := hybridMatrix(sub, negative)
	if err != nil {
		return Result{}, nil, err
	}
	return readMatrix(m, tryHarder, 1, r.Min.X, r.Min.Y, stop)
}

var tryHarder = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}

// zoom reads the code around the finder patterns fp in a copy of its
// area at twice the size.
func zoom(l *Luma, fp *finders, negative bool, stop halt) (Result, *finders, error) {
	m, at, err := zoomed(l, fp, negative, stop)
	if err != nil {
		return Result{}, nil, err
	}
	return readMatrix(m, tryHarder, 2, at.X, at.Y, stop)
}

// zoomed binarizes a copy of the area of the code around fp at twice the
// size; at is the area's corner in l. Each step may take a millisecond or
// more on a large code: none starts once the frame's time is up.
func zoomed(l *Luma, fp *finders, negative bool, stop halt) (m *gozxing.BitMatrix, at image.Point, err error) {
	r := fp.area().Intersect(image.Rect(0, 0, l.Width, l.Height))
	if r.Dx() < 21 || r.Dy() < 21 || r.Dx()*r.Dy() > 1500*1500 {
		return nil, at, errSkipped
	}
	// The copy a band of rows at a time: after each, what is left of it
	// and the binarization, about as long as the copy, is weighed against
	// the time left, so a large area whose zoom would not end in time
	// costs one band, not the whole zoom.
	src := l.sub(r.Min.X, r.Min.Y, r.Dx(), r.Dy())
	big := NewLuma(2*src.Width, 2*src.Height)
	t0 := time.Now()
	for y := 0; y < big.Height; y += zoomBand {
		end := min(y+zoomBand, big.Height)
		src.doubleRows(big, y, end)
		perRow := time.Since(t0) / time.Duration(end)
		if stop.before(perRow * time.Duration(2*big.Height-end)) {
			return nil, at, errTimeUp
		}
	}
	if m, err = hybridMatrix(big, negative); err != nil {
		return nil, at, err
	}
	if stop.now() {
		return nil, at, errTimeUp
	}
	return m, r.Min, nil
}

// zoomBand is how many rows of a zoom's copy are made between two looks
// at the time.
const zoomBand = 64

// readStrategy runs one of Decoder's strategies on a frame. TRY_HARDER
// reuses the full frame's binarization m when there is one.
func readStrategy(s Strategy, l *Luma, m *gozxing.BitMatrix, stop halt) (Result, *finders, error) {
	switch {
	case s == HybridTryHarder && m != nil:
		return readMatrix(m, tryHarder, 1, 0, 0, stop)
	case s == Loose && m != nil:
		return readLoose(l, m, stop)
	case s == Rotated && m != nil:
		return readTransposed(m, stop)
	}
	r, err := try(s, l, stop)
	// Seen when the data did not decode; with format information when
	// the format read (a FormatException is what clutter gives too).
	var fe gozxing.FormatException
	var ce gozxing.ChecksumException
	var fp *finders
	switch {
	case err == nil || errors.As(err, &ce):
		fp = &finders{format: true} // seen, position unknown
	case errors.As(err, &fe):
		fp = &finders{}
	}
	return r, fp, err
}

// readTransposed is the Rotated strategy on the frame's binarization m:
// gozxing's search along the columns of m, in its transpose, which is a
// quarter turn's mirror image, and gozxing's decoder reads a code
// mirrored too. The binarization is m's: a turned copy's would differ
// only in flat blocks, which the hybrid binarizer fills from its
// neighbours above and to the left; a transpose keeps its blocks of 8×8
// pixels where they were. It saves the copy and a binarization.
func readTransposed(m *gozxing.BitMatrix, stop halt) (Result, *finders, error) {
	r, fp, err := readMatrix(transpose(m), tryHarder, 1, 0, 0, stop)
	// Mirrored back, the top-right and bottom-left patterns change places:
	// the points are gozxing's bottom-left, top-left, top-right (and
	// alignment pattern).
	for i, p := range r.Points {
		r.Points[i] = image.Pt(p.Y, p.X)
	}
	if len(r.Points) >= 3 {
		r.Points[0], r.Points[2] = r.Points[2], r.Points[0]
	}
	if fp != nil {
		swap := func(p [2]float64) [2]float64 { return [2]float64{p[1], p[0]} }
		fp.tl, fp.tr, fp.bl = swap(fp.tl), swap(fp.bl), swap(fp.tr)
	}
	return r, fp, err
}

// finders are the three finder pattern centres of a code, in frame
// coordinates, and its module size in pixels.
type finders struct {
	tl, tr, bl [2]float64
	module     float64
	format     bool // format information is beside them
}

// area is the code's bounding box with a margin: the centres are 3.5
// modules inside the code's corners; the fourth corner is taken as the
// parallelogram's.
func (f *finders) area() image.Rectangle {
	br := [2]float64{f.tr[0] + f.bl[0] - f.tl[0], f.tr[1] + f.bl[1] - f.tl[1]}
	x0, y0 := f.tl[0], f.tl[1]
	x1, y1 := x0, y0
	for _, p := range [][2]float64{f.tr, f.bl, br} {
		x0, y0, x1, y1 = min(x0, p[0]), min(y0, p[1]), max(x1, p[0]), max(y1, p[1])
	}
	// Tilt makes the far corner's estimate short: a generous margin.
	g := 6 * f.module
	return image.Rect(int(x0-g), int(y0-g), int(x1+g+1), int(y1+g+1))
}

// readMatrix finds and decodes a code in a binarized image whose pixels
// are f times the frame's, offset by (dx, dy). The finder patterns it
// found come back even when the data did not decode.
func readMatrix(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any, f float64, dx, dy int, stop halt) (r Result, fp *finders, err error) {
	defer catch(&err)
	search, info, err := findFinders(m, hints)
	if err != nil {
		return Result{}, nil, err
	}
	return readFound(m, search, info, hints, f, dx, dy, stop)
}

// safeFinders is findFinders with a panic inside gozxing as an error.
func safeFinders(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any) (s *patternSearch, info *detector.FinderPatternInfo, err error) {
	defer catch(&err)
	return findFinders(m, hints)
}

// readFound is readMatrix once the finder search has chosen info.
func readFound(m *gozxing.BitMatrix, search *patternSearch, info *detector.FinderPatternInfo, hints map[gozxing.DecodeHintType]any, f float64, dx, dy int, stop halt) (r Result, fp *finders, err error) {
	defer catch(&err)
	at := func(p *detector.FinderPattern) [2]float64 {
		return [2]float64{p.GetX()/f + float64(dx), p.GetY()/f + float64(dy)}
	}
	seen := func(info *detector.FinderPatternInfo) *finders {
		return &finders{tl: at(info.GetTopLeft()), tr: at(info.GetTopRight()), bl: at(info.GetBottomLeft()),
			module: info.GetTopLeft().GetEstimatedModuleSize() / f}
	}
	fp = seen(info)
	dr, points, err := detectInfo(m, hints, info)
	if err != nil && !stop.now() {
		// gozxing's three may hold a look-alike in the data: the three
		// of a complete search that are nearest a right triangle.
		if alt := regroup(search, info); alt != nil {
			if adr, apoints, aerr := detectInfo(m, hints, alt); aerr == nil {
				info, fp, dr, points, err = alt, seen(alt), adr, apoints, nil
			}
		}
	}
	plaus := err == nil || plausible(m, info)
	if err != nil && plaus && !stop.now() {
		// One transform for the whole symbol did not fit: one per cell of
		// its alignment patterns.
		if dl, lerr := readLocal(m, info, hints, stop); lerr == nil {
			dr, err = dl, nil
		}
	}
	// Finder patterns without format information beside them: a weak
	// sign of a code, not worth the frame's stronger attempts.
	fp.format = plaus
	if err != nil {
		return Result{}, fp, err
	}
	r.Text = dr.GetText()
	for _, p := range points {
		r.Points = append(r.Points, image.Pt(int(p.GetX()/f+0.5)+dx, int(p.GetY()/f+0.5)+dy))
	}
	return r, fp, nil
}

// detectInfo samples the code whose finder patterns are info with
// gozxing's detector and decodes it; the points are the finder patterns'
// centres when the detector fails.
func detectInfo(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any, info *detector.FinderPatternInfo) (*common.DecoderResult, []gozxing.ResultPoint, error) {
	points := []gozxing.ResultPoint{info.GetBottomLeft(), info.GetTopLeft(), info.GetTopRight()}
	det, err := detector.NewDetector(m).ProcessFinderPatternInfo(info)
	if err != nil {
		return nil, points, err
	}
	dr, err := decodeBits(det.GetBits(), hints)
	return dr, det.GetPoints(), err
}

// regroup is the second choice of finder patterns when the three of info
// did not read: the rows the search had left scanned (patternSearch.rest),
// and of all the candidates the three nearest an isosceles right triangle
// that are not info's. nil when the search had scanned every row, or
// found no other three.
func regroup(s *patternSearch, info *detector.FinderPatternInfo) *detector.FinderPatternInfo {
	if !s.rest() {
		return nil
	}
	cs := s.f.GetPossibleCenters()
	if len(cs) <= 3 {
		return nil
	}
	tried := []*detector.FinderPattern{info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()}
	isTried := func(p *detector.FinderPattern) bool {
		for _, q := range tried {
			if math.Hypot(p.GetX()-q.GetX(), p.GetY()-q.GetY()) < 2*q.GetEstimatedModuleSize() {
				return true
			}
		}
		return false
	}
	return bestTriple(cs, 2, func(a, b, c *detector.FinderPattern) bool {
		return isTried(a) && isTried(b) && isTried(c)
	})
}

// plausible tells whether the finder patterns of info have format
// information beside them, before local sampling tries many grids. Each
// pattern's frame is its traced square where it traces, else its centre
// and module size.
func plausible(m *gozxing.BitMatrix, info *detector.FinderPatternInfo) bool {
	ps := [3]*detector.FinderPattern{info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()}
	c := func(i int) pt { return pt{ps[i].GetX(), ps[i].GetY()} }
	u := unit(pt{c(1).x - c(0).x, c(1).y - c(0).y})
	v := unit(pt{c(2).x - c(0).x, c(2).y - c(0).y})
	var frames [3]local
	for i := range 3 {
		frames[i] = squareFrame(m, cand{c(i).x, c(i).y, ps[i].GetEstimatedModuleSize(), ps[i].GetCount()}, u, v)
	}
	return formatPlausible(m, frames[0], frames[1], frames[2])
}

// catch turns a panic inside gozxing into an error: a malformed frame
// must cost one attempt, never the kiosk.
func catch(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("%w: %v", errPanic, p)
	}
}
