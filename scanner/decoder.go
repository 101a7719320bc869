package scanner

import (
	"errors"
	"fmt"
	"image"
	"slices"
	"time"

	"github.com/makiuchi-d/gozxing"
)

// ErrNotFound is returned (wrapped) by Decode when no strategy could read a
// QR code in the image: there is none, or it is too blurred, damaged or small.
// For a camera this is the normal result of most frames, not a failure.
var ErrNotFound = errors.New("scanner: no QR code found")

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
	// means DefaultStrategies(). An unknown name makes Decode fail. A live
	// camera, where the next frame is another chance, may prefer a short
	// list such as {Hybrid, Inverted}.
	Strategies []Strategy
	// PureBarcode tries the Pure strategy before the others: right for
	// generated images, wasted time on camera frames. Off by default.
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
// ErrNotFound; any other error means l or the Decoder is unusable.
func (d Decoder) Decode(l *Luma) (Result, error) {
	start := time.Now()
	if err := l.check(); err != nil {
		return Result{}, fmt.Errorf("scanner: decode: %w", err)
	}
	strategies := d.Strategies
	// The frame's binarization, which Loose and Rotated reuse, for a
	// camera-sized picture.
	var m *gozxing.BitMatrix
	if len(strategies) == 0 {
		strategies = DefaultStrategies()
		if l.Width*l.Height >= frameArea {
			// A camera-sized picture: the frame decoder's attempts first.
			// With no sign of a code in them, only the loose finder search
			// (patterns gozxing rejects by a pixel, as small codes show
			// them) and the global threshold (cheap: low contrast) are
			// still worth their time on a picture this large. On such
			// pictures of the corpora (frames and door at four quarter
			// turns, blackbox, DCC) nothing else reads a code they miss:
			// not a half-size copy, nor a quarter turn, which cost 0.2 and
			// 0.3 ms of a 720p frame, and a third of its memory.
			// No budget: a file is read once, and every strategy counts.
			fr, bin, err := NewFrameDecoder(FrameOptions{Budget: time.Hour}).decode(l, time.Time{})
			m = bin
			if err == nil {
				fr.Result.Elapsed = time.Since(start)
				return fr.Result, nil
			}
			seen := false
			for _, a := range fr.Attempts {
				seen = seen || a.Seen
			}
			strategies = slices.DeleteFunc(strategies, func(s Strategy) bool {
				cheap := s == Histogram || s == Loose
				return (!seen && !cheap) || slices.ContainsFunc(fr.Attempts, func(a Attempt) bool { return a.Strategy == s })
			})
		}
	}
	if d.PureBarcode {
		strategies = append([]Strategy{Pure}, strategies...)
	}
	var last error
	var lastStrategy Strategy
	for _, s := range strategies {
		var r Result
		var err error
		if m != nil {
			r, _, err = readStrategy(s, l, m, nil)
		} else {
			r, err = try(s, l, nil)
		}
		if err == nil {
			r.Strategy = s
			r.Elapsed = time.Since(start)
			return r, nil
		}
		if !isReadError(err) {
			return Result{}, fmt.Errorf("scanner: decode with %s: %w", s, err)
		}
		if !errors.Is(err, errSkipped) {
			last, lastStrategy = err, s
		}
	}
	if last == nil {
		return Result{Elapsed: time.Since(start)}, fmt.Errorf("%w (no strategy applies to a %dx%d image)", ErrNotFound, l.Width, l.Height)
	}
	return Result{Elapsed: time.Since(start)}, fmt.Errorf("%w (last tried %s: %v)", ErrNotFound, lastStrategy, last)
}

// frameArea is the size from which Decoder treats a picture as a camera
// frame: 640×480.
const frameArea = 640 * 480

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
