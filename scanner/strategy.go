package scanner

import (
	"errors"
	"fmt"
	"image"

	"github.com/makiuchi-d/gozxing"
)

// Strategy names one way of looking for a code. The names are stable and may
// be logged or counted.
type Strategy string

// The strategies, in the order DefaultStrategies returns them. Costs are
// relative to Hybrid on the same image.
const (
	// Hybrid is gozxing's default: local-threshold binarizer, quick search.
	Hybrid Strategy = "hybrid"
	// HybridTryHarder looks for finder patterns on every third row. It is
	// skipped below 518 rows, where Hybrid already does exactly that.
	HybridTryHarder Strategy = "hybrid-tryharder"
	// Histogram uses one global threshold, which suits clean codes whose
	// large modules fool the local threshold.
	Histogram Strategy = "histogram"
	// Inverted reads light-on-dark (dark-mode) codes.
	Inverted Strategy = "inverted"
	// Rotated reads a copy turned 90°. gozxing scans rows for finder
	// patterns and some codes are only found along the other axis; without
	// it plain gozxing misses a few generated DCC images at 90° and 270°.
	Rotated Strategy = "rotated"
	// Half reads a copy at half size, which smooths noise and print texture
	// (cost ¼).
	Half Strategy = "half"
	// HalfHistogram reads a half-size copy with the global threshold, at
	// each of the four quarter turns (cost 1).
	HalfHistogram Strategy = "half-histogram"
	// Quarter reads a copy at a quarter of the size (cost 1/16).
	Quarter Strategy = "quarter"
	// DoubleHistogram reads a copy at twice the size with the global
	// threshold, for codes with modules of one or two pixels (cost 4).
	DoubleHistogram Strategy = "double-histogram"
	// DoubleInverted reads an inverted copy at twice the size (cost 4).
	DoubleInverted Strategy = "double-inverted"
	// Pure assumes the image is nothing but an upright code on a quiet
	// background, as in a generated PNG. Not in DefaultStrategies.
	Pure Strategy = "pure"
)

// DefaultStrategies returns the list a Decoder with no Strategies tries, in
// order: cheapest and most often successful first. Together they read every
// official DCC test image at every quarter turn. The result is a new slice
// the caller may modify.
func DefaultStrategies() []Strategy {
	return []Strategy{Hybrid, Zoom, HybridTryHarder, Histogram, Inverted, Rotated,
		Perspective, Loose, Half, HalfHistogram, Quarter, DoubleHistogram, DoubleInverted}
}

// recipe is how a strategy prepares the image and configures gozxing.
type recipe struct {
	invert bool // negative, for light-on-dark codes
	turns  int  // quarter turns clockwise before decoding
	spin   bool // try turns 0, 1, 2 and 3 in turn
	scale  int  // 1, or 2 for double size, or -2, -4 for half and quarter size
	global bool // global histogram binarizer instead of the hybrid one
	harder bool // TRY_HARDER: look for finder patterns on every third row
	pure   bool // PURE_BARCODE
}

var recipes = map[Strategy]recipe{
	Hybrid:          {scale: 1},
	HybridTryHarder: {scale: 1, harder: true},
	Histogram:       {scale: 1, global: true, harder: true},
	Inverted:        {scale: 1, invert: true, harder: true},
	Rotated:         {scale: 1, turns: 1, harder: true},
	Half:            {scale: -2, harder: true},
	HalfHistogram:   {scale: -2, spin: true, global: true, harder: true},
	Quarter:         {scale: -4, harder: true},
	DoubleHistogram: {scale: 2, global: true, harder: true},
	DoubleInverted:  {scale: 2, invert: true, harder: true},
	Pure:            {scale: 1, global: true, pure: true},
	Zoom:            {scale: 2},
	Perspective:     {scale: 1, harder: true},
	Loose:           {scale: 1},
}

// minSkipHeight is the height from which TRY_HARDER changes anything:
// gozxing's finder search scans every third row with TRY_HARDER, and every
// (3*height/388)th row without it, which is also 3 below this height.
const minSkipHeight = 518

var (
	errUnknownStrategy = errors.New("unknown strategy")
	// errSkipped marks a strategy that does not apply to this image size.
	errSkipped = errors.New("strategy does not apply")
	// errPanic marks a panic inside gozxing: a malformed frame must cost one
	// strategy, never the kiosk.
	errPanic = errors.New("gozxing panicked")
)

// isReadError tells failures to read the code, after which the next
// strategy is tried, from mistakes by the caller.
func isReadError(err error) bool {
	var re gozxing.ReaderException
	return errors.As(err, &re) || errors.Is(err, errSkipped) || errors.Is(err, errPanic)
}

// try runs one strategy on l; the points it returns are in l's coordinates.
func try(s Strategy, l *Luma, stop halt) (Result, error) {
	rc, ok := recipes[s]
	switch {
	case !ok:
		return Result{}, fmt.Errorf("%w %q", errUnknownStrategy, s)
	case s == HybridTryHarder && l.Height < minSkipHeight:
		return Result{}, errSkipped
	case rc.scale == 2 && max(l.Width, l.Height) > 1600:
		return Result{}, errSkipped // large enough already, and 4× the work
	case rc.scale < 0 && min(l.Width, l.Height) < 21*-rc.scale:
		return Result{}, errSkipped // a version 1 code would lose its modules
	}
	switch s {
	case Zoom:
		return tryZoom(l, stop)
	case Perspective:
		return tryPerspective(l, stop)
	case Loose:
		return tryLoose(l, stop)
	}
	img := l
	if rc.invert {
		img = invert(img)
	}
	switch rc.scale {
	case 2:
		img = img.double()
	case -2:
		img = img.half()
	case -4:
		img = img.half().half()
	}
	f := float64(rc.scale)
	if rc.scale < 0 {
		f = -1 / f
	}
	turns := []int{rc.turns}
	if rc.spin {
		turns = []int{0, 1, 2, 3}
	}
	var err error
	for _, n := range turns {
		var r Result
		r, err = read(img, n, f, rc, stop)
		if err == nil {
			return r, nil
		}
	}
	return Result{}, err
}

// read turns img n quarter turns clockwise and runs gozxing on it; the
// points it returns are mapped back to img and divided by f, the scale of img.
func read(img *Luma, n int, f float64, rc recipe, stop halt) (r Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = Result{}, fmt.Errorf("%w: %v", errPanic, p)
		}
	}()
	w, h := float64(img.Width), float64(img.Height)
	img = img.Turn(n)
	hints := map[gozxing.DecodeHintType]any{}
	if rc.harder {
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
	}
	if rc.pure {
		hints[gozxing.DecodeHintType_PURE_BARCODE] = true
	}
	var m *gozxing.BitMatrix
	if rc.global {
		m, err = global(img, false)
	} else {
		m, err = hybrid(img, false)
	}
	if err != nil {
		return Result{}, err
	}
	var res Result
	if rc.pure {
		res, err = readPure(m, img, hints)
	} else {
		res, _, err = readMatrix(m, hints, 1, 0, 0, stop)
	}
	if err != nil {
		return Result{}, err
	}
	r.Text = res.Text
	for _, p := range res.Points {
		x, y := float64(p.X), float64(p.Y)
		switch n { // undo the turn; Rotate90 sends (x, y) to (h-y, x)
		case 1:
			x, y = y, h-x
		case 2:
			x, y = w-x, h-y
		case 3:
			x, y = w-y, x
		}
		r.Points = append(r.Points, image.Pt(int(x/f+0.5), int(y/f+0.5)))
	}
	return r, nil
}

// tryPerspective runs the Perspective detector on the local-threshold
// binarization of l, then on the global one (which keeps the finder
// patterns of a small, blurred code whole where the local one breaks them).
func tryPerspective(l *Luma, stop halt) (Result, error) {
	var err error
	for _, bin := range []func(*Luma, bool) (*gozxing.BitMatrix, error){hybridMatrix, globalMatrix} {
		var m *gozxing.BitMatrix
		if m, err = bin(l, false); err != nil {
			return Result{}, err
		}
		var r Result
		if r, _, err = readPerspective(m, tryHarder, stop); err == nil {
			return r, nil
		}
	}
	return Result{}, err
}

// tryZoom finds the finder patterns of l and, when the code did not read,
// reads its area at twice the size.
func tryZoom(l *Luma, stop halt) (Result, error) {
	m, err := hybridMatrix(l, false)
	if err != nil {
		return Result{}, err
	}
	r, fp, err := readMatrix(m, tryHarder, 1, 0, 0, stop)
	if err == nil || fp == nil || stop.now() {
		return r, err
	}
	r, _, err = zoom(l, fp, false, stop)
	return r, err
}
