package scanner

import (
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// ErrNotFound is returned (wrapped) by Decode when no strategy could read a
// QR code in the image: there is none, or it is too blurred, damaged or small.
// For a camera this is the normal result of most frames, not a failure.
var ErrNotFound = errors.New("scanner: no QR code found")

// Strategy names one way of looking for a code. The names are stable and may
// be logged or counted.
type Strategy string

// The strategies, in the order DefaultStrategies tries them.
const (
	// Hybrid is gozxing's default: local-threshold binarizer, quick search.
	Hybrid Strategy = "hybrid"
	// HybridTryHarder searches every row for finder patterns.
	HybridTryHarder Strategy = "hybrid-tryharder"
	// Histogram uses one global threshold, which suits clean printed codes
	// with large modules that fool the local threshold.
	Histogram Strategy = "histogram"
	// Inverted reads light-on-dark (dark-mode) codes.
	Inverted Strategy = "inverted"
	// Rotated reads a copy turned 90°: gozxing's finder scans rows, and some
	// codes are only found when scanned along the other axis.
	Rotated Strategy = "rotated"
	// Half reads a copy at half size, which removes noise and print texture.
	Half Strategy = "half"
	// Double reads a copy at twice the size, for codes with tiny modules.
	Double Strategy = "double"
	// Pure assumes the image is nothing but the code on a quiet background,
	// axis-aligned and upright, as in a generated PNG.
	Pure Strategy = "pure"
)

// DefaultStrategies is the order used when Decoder.Strategies is empty:
// cheapest and most often successful first.
var DefaultStrategies = []Strategy{Hybrid, HybridTryHarder, Histogram, Inverted, Rotated, Half, Double}

// Result is a decoded code.
type Result struct {
	// Text is the content of the code.
	Text string
	// Strategy is the strategy that read it.
	Strategy Strategy
	// Points are the finder (and alignment) pattern centres gozxing found, in
	// the coordinates of the decoded Luma; empty for the Pure strategy.
	Points []image.Point
	// Elapsed is the time Decode took, all strategies included.
	Elapsed time.Duration
}

// Decoder reads QR codes. Its zero value is ready to use. A Decoder holds no
// mutable state, so one value may be used from many goroutines.
type Decoder struct {
	// Strategies to try, in order; Decode stops at the first success. Empty
	// means DefaultStrategies. Unknown names make Decode return an error.
	Strategies []Strategy
	// PureBarcode adds the Pure strategy first: right for generated images
	// and wrong for camera frames, where it only costs time. Off by default.
	PureBarcode bool
}

// DecodeFile loads an image file and decodes it with a zero Decoder.
func DecodeFile(path string) (Result, error) {
	l, err := LoadFile(path)
	if err != nil {
		return Result{}, err
	}
	return Decoder{}.Decode(l)
}

// Decode reads the QR code in l. When no strategy succeeds the error wraps
// ErrNotFound.
func (d Decoder) Decode(l *Luma) (Result, error) {
	start := time.Now()
	if err := l.check(); err != nil {
		return Result{}, fmt.Errorf("scanner: decode: %w", err)
	}
	strategies := d.Strategies
	if len(strategies) == 0 {
		strategies = DefaultStrategies
	}
	if d.PureBarcode {
		strategies = append([]Strategy{Pure}, strategies...)
	}
	var last error
	var lastStrategy Strategy
	for _, s := range strategies {
		r, err := try(s, l)
		if err == nil {
			r.Strategy = s
			r.Elapsed = time.Since(start)
			return r, nil
		}
		if !isReadError(err) {
			return Result{}, fmt.Errorf("scanner: decode with %s: %w", s, err)
		}
		last, lastStrategy = err, s
	}
	return Result{Elapsed: time.Since(start)}, fmt.Errorf("%w (last tried %s: %v)", ErrNotFound, lastStrategy, last)
}

// errUnknownStrategy is not a read error: it stops Decode at once.
var errUnknownStrategy = errors.New("unknown strategy")

// isReadError tells failures to read the code (try the next strategy) from
// mistakes by the caller.
func isReadError(err error) bool {
	var re gozxing.ReaderException
	return errors.As(err, &re) || errors.Is(err, errTooSmall) || errors.Is(err, errPanic)
}

var (
	errTooSmall = errors.New("image too small for this strategy")
	// errPanic marks a panic inside gozxing: a malformed frame must cost one
	// strategy, never the kiosk.
	errPanic = errors.New("gozxing panicked")
)

// try runs one strategy. The points it returns are mapped back to l.
func try(s Strategy, l *Luma) (r Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = Result{}, fmt.Errorf("%w: %v", errPanic, p)
		}
	}()
	hints := map[gozxing.DecodeHintType]any{}
	img, global := l, false
	back := func(x, y float64) (float64, float64) { return x, y }
	switch s {
	case Hybrid:
		hints = nil
	case HybridTryHarder:
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
	case Histogram:
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
		global = true
	case Inverted:
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
		img = invert(l)
	case Rotated:
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
		img = l.Rotate90()
		h := float64(l.Height)
		back = func(x, y float64) (float64, float64) { return y, h - 1 - x }
	case Half:
		if l.Width < 100 || l.Height < 100 {
			return Result{}, errTooSmall
		}
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
		img = l.half()
		back = func(x, y float64) (float64, float64) { return 2*x + 0.5, 2*y + 0.5 }
	case Double:
		if l.Width > 1200 || l.Height > 1200 {
			return Result{}, errTooSmall
		}
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
		img = l.double()
		back = func(x, y float64) (float64, float64) { return (x - 0.5) / 2, (y - 0.5) / 2 }
	case Pure:
		hints[gozxing.DecodeHintType_PURE_BARCODE] = true
		global = true
	default:
		return Result{}, fmt.Errorf("%w %q", errUnknownStrategy, s)
	}
	var bin gozxing.Binarizer
	if global {
		bin = gozxing.NewGlobalHistgramBinarizer(source{img})
	} else {
		bin = gozxing.NewHybridBinarizer(source{img})
	}
	bmp, err := gozxing.NewBinaryBitmap(bin)
	if err != nil {
		return Result{}, err
	}
	// A reader per call: QRCodeReader is cheap and this keeps Decoder free
	// of shared state.
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return Result{}, err
	}
	out := Result{Text: res.GetText()}
	for _, p := range res.GetResultPoints() {
		x, y := back(p.GetX(), p.GetY())
		out.Points = append(out.Points, image.Pt(int(x+0.5), int(y+0.5)))
	}
	return out, nil
}

// check rejects planes that would make gozxing index out of range.
func (l *Luma) check() error {
	switch {
	case l == nil:
		return errors.New("nil image")
	case l.Width <= 0 || l.Height <= 0:
		return fmt.Errorf("empty image (%dx%d)", l.Width, l.Height)
	case l.Stride < l.Width || len(l.Pix) < (l.Height-1)*l.Stride+l.Width:
		return fmt.Errorf("pixel buffer of %d bytes too short for %dx%d, stride %d",
			len(l.Pix), l.Width, l.Height, l.Stride)
	}
	return nil
}
