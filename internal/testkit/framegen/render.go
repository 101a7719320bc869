package framegen

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/passgate/passgate/scanner"
)

// Frame is one rendered frame and what it shows.
type Frame struct {
	// Luma is the frame, Params.Width × Params.Height.
	Luma *scanner.Luma
	// Text is what the code in the frame holds; "" when it shows none.
	Text string
	// Source names the code's Source; "" when the frame shows none.
	Source string
	// Corners are the symbol's corners (without quiet zone) in the frame,
	// in the symbol's own order: top-left, top-right, bottom-right,
	// bottom-left. Zero when the frame shows no code. Parts of the code may
	// lie outside the frame.
	Corners [4]Point
	// Params are the distortions the frame was rendered with.
	Params Params
	// Kind is the door kind (DoorKinds) a door corpus drew the frame as;
	// "" in the default corpus and for a frame rendered on its own.
	Kind string
}

// blankModules is the nominal code size of the phone in frames without a
// code, which show a phone with a blank screen: the size of most passes.
const blankModules = 89

// Render draws src into a frame with the distortions p. When p.NoCode, src
// is not used and may be the zero Source. The result depends on nothing but
// src and p.
func Render(src Source, p Params) (Frame, error) {
	if err := p.Check(); err != nil {
		return Frame{}, err
	}
	if !p.NoCode && src.n == 0 {
		return Frame{}, fmt.Errorf("framegen: render: source %q has no modules", src.Name)
	}
	fr := Frame{Params: p}
	r := rand.New(rand.NewPCG(p.Seed, 0x5ce7e))
	img := newPlane(p.Width, p.Height)
	background(img, r)
	if p.Size > 0 {
		var sym *Source
		n := blankModules
		if !p.NoCode {
			sym, n = &src, src.n
			fr.Text, fr.Source = src.Text, src.Name
		}
		h := phonePose(p, n)
		ph := newPhone(p, sym, n, r)
		sf := newSurface(p, n)
		if p.Curve.Radius > 0 || p.Moire.on() {
			err := ph.drawOn(img, sf, newMoire(p.Moire, math.Abs(float64(p.Light-p.Dark))))
			if err != nil {
				return Frame{}, err
			}
		} else if err := ph.draw(img, h); err != nil {
			return Frame{}, err
		}
		if sym != nil {
			half := float64(n) / 2
			for i, c := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
				if p.Curve.Radius > 0 {
					fr.Corners[i], _ = sf.toFrame(c[0]*half, c[1]*half)
				} else {
					fr.Corners[i] = h.point(c[0]*half, c[1]*half)
				}
			}
		}
		if len(p.Cracks) > 0 {
			cracks(img, sf, ph, p, n)
		}
		if p.Thumb.on() {
			if sym != nil {
				damage, err := sym.ThumbDamage(p.Thumb)
				switch {
				case err != nil:
					return Frame{}, fmt.Errorf("framegen: parameter thumb: %w", err)
				case damage > MaxThumbDamage:
					return Frame{}, fmt.Errorf("framegen: parameter thumb: touches %.0f%% of what the worst block of %s corrects, want at most %.0f%%",
						100*damage, src.Name, 100*MaxThumbDamage)
				}
			}
			thumb(img, sf, p.Thumb, n)
		}
	}
	if p.Glare.Strength > 0 {
		glare(img, p.Glare)
	}
	if p.Blur > 0 {
		blur(img, p.Blur, p.BlurKind)
	}
	if p.Motion.Length > 0 {
		motionBlur(img, p.Motion.Length, p.Motion.Angle)
	}
	l := img.quantize(p.Noise, rand.New(rand.NewPCG(p.Seed, 0x9015e)))
	if p.JPEG > 0 {
		var err error
		if l, err = jpegRoundTrip(l, p.JPEG); err != nil {
			return Frame{}, err
		}
	}
	fr.Luma = l
	return fr, nil
}

// plane is a frame being drawn, in grey levels as float32 so that glare and
// blur do not round at every step.
type plane struct {
	pix  []float32
	w, h int
}

func newPlane(w, h int) *plane { return &plane{make([]float32, w*h), w, h} }

// quantize adds gaussian noise of standard deviation sigma and rounds to
// bytes. The noise comes from a table of 4096 gaussian values indexed by 12
// random bits, which is as good as a fresh draw per pixel for a decoder and
// many times faster.
func (pl *plane) quantize(sigma float64, r *rand.Rand) *scanner.Luma {
	out := scanner.NewLuma(pl.w, pl.h)
	if sigma <= 0 {
		for i, v := range pl.pix {
			out.Pix[i] = toByte(v)
		}
		return out
	}
	var table [4096]float32
	for i := range table {
		table[i] = float32(r.NormFloat64() * sigma)
	}
	var bits uint64
	left := 0
	for i, v := range pl.pix {
		if left == 0 {
			bits, left = r.Uint64(), 5
		}
		v += table[bits&4095]
		bits >>= 12
		left--
		out.Pix[i] = toByte(v)
	}
	return out
}

func toByte(v float32) byte {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return byte(v + 0.5)
}

// glare moves each pixel towards white, most at the spot's centre.
func glare(pl *plane, g Glare) {
	cx, cy := g.X*float64(pl.w), g.Y*float64(pl.h)
	sigma := g.Radius * float64(pl.h) / 2
	reach := 3 * sigma
	k := -1 / (2 * sigma * sigma)
	x0, x1 := max(int(cx-reach), 0), min(int(cx+reach)+1, pl.w)
	y0, y1 := max(int(cy-reach), 0), min(int(cy+reach)+1, pl.h)
	for y := y0; y < y1; y++ {
		dy := float64(y) + 0.5 - cy
		row := pl.pix[y*pl.w : (y+1)*pl.w]
		for x := x0; x < x1; x++ {
			dx := float64(x) + 0.5 - cx
			a := float32(g.Strength * math.Exp(k*(dx*dx+dy*dy)))
			row[x] += (255 - row[x]) * a
		}
	}
}

// blur is the camera out of focus: a separable box or gaussian kernel
// (symmetric, of odd length), edges repeating the border pixel.
func blur(pl *plane, radius float64, kind string) {
	k := kernel(radius, kind)
	c := len(k) / 2
	tmp := make([]float32, len(pl.pix))
	pad := make([]float32, pl.w+2*c)
	for y := range pl.h {
		src := pl.pix[y*pl.w : (y+1)*pl.w]
		copy(pad[c:], src)
		for i := range c {
			pad[i], pad[c+pl.w+i] = src[0], src[pl.w-1]
		}
		dst := tmp[y*pl.w : (y+1)*pl.w]
		for x := range dst {
			win := pad[x : x+len(k)]
			s := k[c] * win[c]
			for i := 1; i <= c; i++ {
				s += k[c+i] * (win[c-i] + win[c+i])
			}
			dst[x] = s
		}
	}
	row := func(y int) []float32 {
		y = min(max(y, 0), pl.h-1)
		return tmp[y*pl.w : (y+1)*pl.w]
	}
	for y := range pl.h {
		dst := pl.pix[y*pl.w : (y+1)*pl.w]
		mid := row(y)
		for x := range dst {
			dst[x] = k[c] * mid[x]
		}
		for i := 1; i <= c; i++ {
			a, b, wt := row(y-i), row(y+i), k[c+i]
			b = b[:len(a)]
			for x := range dst {
				dst[x] += wt * (a[x] + b[x])
			}
		}
	}
}

// kernel returns normalised 1D weights. A box of fractional radius weighs
// its two outermost taps by the fraction.
func kernel(radius float64, kind string) []float32 {
	var w []float64
	if kind == Gaussian {
		sigma := radius / 1.5
		c := int(math.Ceil(3 * sigma))
		for i := -c; i <= c; i++ {
			w = append(w, math.Exp(-float64(i*i)/(2*sigma*sigma)))
		}
	} else {
		c := int(radius)
		frac := radius - float64(c)
		if frac > 0 {
			w = append(w, frac)
		}
		for range 2*c + 1 {
			w = append(w, 1)
		}
		if frac > 0 {
			w = append(w, frac)
		}
	}
	sum := 0.0
	for _, v := range w {
		sum += v
	}
	out := make([]float32, len(w))
	for i, v := range w {
		out[i] = float32(v / sum)
	}
	return out
}

// jpegRoundTrip encodes l as a JPEG of the given quality and decodes it, for
// the artefacts of a webcam's MJPEG stream.
func jpegRoundTrip(l *scanner.Luma, quality int) (*scanner.Luma, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, l.Image(), &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("framegen: encode JPEG: %w", err)
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		return nil, fmt.Errorf("framegen: decode JPEG: %w", err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		return nil, fmt.Errorf("framegen: JPEG decoded to %T, want *image.Gray", img)
	}
	out := scanner.NewLuma(l.Width, l.Height)
	for y := range l.Height {
		copy(out.Pix[y*out.Stride:(y+1)*out.Stride], g.Pix[y*g.Stride:y*g.Stride+l.Width])
	}
	return out, nil
}
