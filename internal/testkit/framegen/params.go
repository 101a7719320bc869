package framegen

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// The documented ranges of the distortions. NewParams draws within them and
// Params.Check rejects values outside them.
const (
	MinSize     = 0.15 // smallest code side, a fraction of the frame height
	MaxSize     = 0.70 // largest code side, a fraction of the frame height
	MaxTilt     = 35.0 // degrees the phone leans away from facing the camera
	MaxBlur     = 2.5  // defocus radius in frame pixels
	MaxNoise    = 8.0  // standard deviation of the sensor noise, grey levels
	MaxDark     = 90   // brightest level the dark modules may have
	MinLight    = 160  // dimmest level the light modules may have
	MinJPEG     = 30   // lowest JPEG quality
	MaxJPEG     = 80   // highest JPEG quality
	MaxGlare    = 0.9  // strongest glare: the share of the way to white at its centre
	MaxGlareRad = 0.25 // widest glare radius, a fraction of the frame height
)

// Blur kinds.
const (
	Box      = "box"      // a flat kernel of width 2×Blur+1
	Gaussian = "gaussian" // a gaussian of sigma Blur/1.5, about as wide
)

// Params are the distortions of one frame. A frame is a pure function of its
// Source and Params, so they are all a report needs to render it again.
type Params struct {
	Width  int `json:"width"`  // frame size in pixels
	Height int `json:"height"` // frame size in pixels
	// Seed drives what is random within a frame: the background clutter,
	// the screen's text, the sensor noise.
	Seed uint64 `json:"seed"`
	// NoCode frames show no code: a background, and a phone with a blank
	// screen when Size > 0.
	NoCode bool `json:"no_code,omitempty"`

	// Size is the side of the code (without quiet zone) when facing the
	// camera, a fraction of the frame height: MinSize to MaxSize.
	Size float64 `json:"code_size"`
	// X and Y place the centre of the code, fractions of width and height.
	X float64 `json:"x"`
	Y float64 `json:"y"`
	// Rotation turns the phone in the image plane, degrees clockwise, 0-360.
	Rotation float64 `json:"rotation"`
	// Tilt leans the phone out of the image plane by 0 to MaxTilt degrees,
	// about an axis in the phone's plane at TiltAxis degrees (0-180) from
	// its horizontal: a real perspective, nearer edges larger.
	Tilt     float64 `json:"tilt"`
	TiltAxis float64 `json:"tilt_axis"`

	// Dark and Light are the grey levels of the code's dark and light
	// modules as the camera sees them: Dark 0 to MaxDark, Light MinLight to
	// 255, Dark < Light.
	Dark  int `json:"dark"`
	Light int `json:"light"`
	// Inverted is a dark-mode screen: light modules on a dark screen.
	Inverted bool `json:"inverted,omitempty"`
	// Glare is a bright reflection on top of the scene; none when its
	// Strength is 0.
	Glare Glare `json:"glare"`

	// Blur is the defocus radius in pixels, 0 to MaxBlur, of kind BlurKind
	// (Box or Gaussian).
	Blur     float64 `json:"blur"`
	BlurKind string  `json:"blur_kind,omitempty"`
	// Noise is the standard deviation of the gaussian sensor noise, grey
	// levels, 0 to MaxNoise.
	Noise float64 `json:"noise"`
	// JPEG is the quality the frame is encoded and decoded at, MinJPEG to
	// MaxJPEG; 0 means no JPEG artefacts.
	JPEG int `json:"jpeg,omitempty"`

	// The door distortions (see DoorKinds), each off at its zero value:
	// a bent phone, cracks in its glass, the moiré of filming a screen, a
	// motion blur (in place of Blur), a thumb over part of the code.
	Curve  Curve   `json:"curve,omitzero"`
	Cracks []Crack `json:"cracks,omitempty"`
	Moire  Moire   `json:"moire,omitzero"`
	Motion Motion  `json:"motion,omitzero"`
	Thumb  Thumb   `json:"thumb,omitzero"`
}

// Glare is a bright radial spot: each pixel moves towards white by
// Strength × exp(-d²/(2σ²)), σ = Radius/2, d its distance from the centre.
type Glare struct {
	X        float64 `json:"x"`        // centre, a fraction of the width
	Y        float64 `json:"y"`        // centre, a fraction of the height
	Radius   float64 `json:"radius"`   // a fraction of the frame height, to MaxGlareRad
	Strength float64 `json:"strength"` // 0 (none) to MaxGlare
}

// Check returns an error naming the first parameter outside its range.
func (p Params) Check() error {
	bad := func(name string, v any, want string) error {
		return fmt.Errorf("framegen: parameter %s = %v, want %s", name, v, want)
	}
	switch {
	case p.Width < 16 || p.Height < 16 || p.Width > 8192 || p.Height > 8192:
		return bad("size", fmt.Sprintf("%dx%d", p.Width, p.Height), "16 to 8192 pixels a side")
	case !p.NoCode && (p.Size < MinSize || p.Size > MaxSize):
		return bad("size", p.Size, fmt.Sprintf("%g to %g", MinSize, MaxSize))
	case p.NoCode && p.Size != 0 && (p.Size < MinSize || p.Size > MaxSize):
		return bad("size", p.Size, fmt.Sprintf("0 or %g to %g", MinSize, MaxSize))
	case p.X < 0 || p.X > 1 || p.Y < 0 || p.Y > 1:
		return bad("x, y", fmt.Sprintf("%g, %g", p.X, p.Y), "0 to 1")
	case p.Rotation < 0 || p.Rotation >= 360:
		return bad("rotation", p.Rotation, "0 to 360")
	case p.Tilt < 0 || p.Tilt > MaxTilt:
		return bad("tilt", p.Tilt, fmt.Sprintf("0 to %g", MaxTilt))
	case p.TiltAxis < 0 || p.TiltAxis >= 180:
		return bad("tilt_axis", p.TiltAxis, "0 to 180")
	case p.Dark < 0 || p.Dark > MaxDark:
		return bad("dark", p.Dark, fmt.Sprintf("0 to %d", MaxDark))
	case p.Light < MinLight || p.Light > 255:
		return bad("light", p.Light, fmt.Sprintf("%d to 255", MinLight))
	case p.Glare.Strength < 0 || p.Glare.Strength > MaxGlare:
		return bad("glare.strength", p.Glare.Strength, fmt.Sprintf("0 to %g", MaxGlare))
	case p.Glare.Strength > 0 && (p.Glare.Radius <= 0 || p.Glare.Radius > MaxGlareRad):
		return bad("glare.radius", p.Glare.Radius, fmt.Sprintf("above 0, to %g", MaxGlareRad))
	case p.Blur < 0 || p.Blur > MaxBlur:
		return bad("blur", p.Blur, fmt.Sprintf("0 to %g", MaxBlur))
	case p.Blur > 0 && p.BlurKind != Box && p.BlurKind != Gaussian:
		return bad("blur_kind", p.BlurKind, Box+" or "+Gaussian)
	case p.Noise < 0 || p.Noise > MaxNoise:
		return bad("noise", p.Noise, fmt.Sprintf("0 to %g", MaxNoise))
	case p.JPEG != 0 && (p.JPEG < MinJPEG || p.JPEG > MaxJPEG):
		return bad("jpeg", p.JPEG, fmt.Sprintf("0 or %d to %d", MinJPEG, MaxJPEG))
	}
	return p.checkDoor()
}

// NewParams draws the distortions of one width×height frame from r. Each
// distortion is present in some frames only, and is kept where a good
// decoder can still read the code: the code is drawn large enough that its
// narrowest module, after tilt and perspective, is at least minModule
// pixels wide, and wider still under a strong blur (see Params.Narrowest).
// A code that cannot be that large in this frame is drawn flat and sharp.
//
// modules is the side of the code in modules; 0 draws a frame without a
// code. It returns false when the code does not fit the frame even flat.
func NewParams(r *rand.Rand, width, height, modules int, minModule float64) (Params, bool) {
	p := Params{Width: width, Height: height, Seed: r.Uint64(), NoCode: modules == 0}
	lo := MinSize
	for try := 0; ; try++ {
		p.Tilt, p.TiltAxis = uniform(r, 0, MaxTilt), uniform(r, 0, 180)
		p.Blur, p.BlurKind = 0, ""
		if r.Float64() < 0.5 {
			p.Blur, p.BlurKind = uniform(r, 0.3, MaxBlur), Box
			if r.IntN(2) == 0 {
				p.BlurKind = Gaussian
			}
		}
		if p.NoCode {
			break
		}
		if try == 10 {
			p.Tilt, p.Blur, p.BlurKind = 0, 0, ""
		}
		if size, ok := minSize(p, modules, minModule); ok {
			lo = max(lo, size)
			break
		}
		if try == 10 {
			return Params{}, false
		}
	}
	p.Size = uniform(r, lo, MaxSize)
	if p.NoCode && r.IntN(2) == 0 {
		p.Size = 0 // no phone in view either
	}
	// Keep the code in the frame when it fits: its corners are at most
	// Size×0.71 (the half diagonal) from its centre, plus what the tilt
	// brings nearer the camera.
	reach := p.Size * float64(height) * 0.8
	p.X = centre(r, reach/float64(width))
	p.Y = centre(r, reach/float64(height))
	p.Rotation = uniform(r, 0, 360)

	if r.Float64() < 0.35 { // a dim screen or an over-exposed camera
		p.Dark, p.Light = 40+r.IntN(MaxDark-40+1), MinLight+r.IntN(41)
	} else {
		p.Dark, p.Light = r.IntN(41), 200+r.IntN(56)
	}
	p.Inverted = r.Float64() < 0.25
	if r.Float64() < 0.3 {
		p.Glare = Glare{
			X:        clamp(uniform(r, p.X-0.25, p.X+0.25), 0, 1),
			Y:        clamp(uniform(r, p.Y-0.25, p.Y+0.25), 0, 1),
			Radius:   uniform(r, 0.04, MaxGlareRad),
			Strength: uniform(r, 0.3, MaxGlare),
		}
	}
	p.Noise = uniform(r, 0, MaxNoise)
	if r.Float64() < 0.5 {
		p.JPEG = MinJPEG + r.IntN(MaxJPEG-MinJPEG+1)
	}
	return p, true
}

// Narrowest returns the width in pixels of the narrowest module of a code of
// the given number of modules a side: the code's modules are Size×Height /
// modules pixels wide facing the camera, narrowed by the tilt, most at the
// corner farthest from the camera, and by a Curve at the code's edges.
func (p Params) Narrowest(modules int) float64 {
	if modules <= 0 {
		return 0
	}
	f := focal(p.Width, p.Height)
	side := p.Size * float64(p.Height)
	t := p.Tilt * math.Pi / 180
	// Along the tilt, a point d pixels from the centre is at depth
	// f + d·sin t and projects to f·d·cos t / (f + d·sin t), whose
	// derivative at the farthest corner, d = side/√2, is the scale there.
	far := f + side/math.Sqrt2*math.Sin(t)
	w := side / float64(modules) * math.Cos(t) * f * f / (far * far)
	if p.Curve.Radius > 0 {
		w *= p.curveScale(modules, f*float64(modules)/side)
	}
	return w
}

// blurNeed is the narrowest module a decoder still reads under the blur,
// measured with zxing-cpp: a box blur as wide as a module flattens it (and
// wider ones invert it), a gaussian of the same radius is gentler.
func blurNeed(p Params) float64 {
	switch {
	case p.Blur == 0:
		return 0
	case p.BlurKind == Gaussian:
		return 1.5*p.Blur + 1
	}
	return 2*p.Blur + 0.8
}

// minSize returns the smallest Size at which the narrowest module of the
// code is wide enough for minModule and the blur, and false when it is
// above MaxSize.
func minSize(p Params, modules int, minModule float64) (float64, bool) {
	need := max(minModule, blurNeed(p))
	// Narrowest is nearly proportional to Size: a few steps converge.
	p.Size = need * float64(modules) / float64(p.Height)
	for range 8 {
		p.Size *= need / p.Narrowest(modules)
		if p.Size > MaxSize*1.5 {
			return 0, false
		}
	}
	p.Size *= 1.001 // stay on the safe side of the last step
	return p.Size, p.Size <= MaxSize && p.Narrowest(modules) >= need
}

// centre draws a position in [margin, 1-margin], or 0.5 when the margin
// leaves no room.
func centre(r *rand.Rand, margin float64) float64 {
	if margin >= 0.5 {
		return 0.5
	}
	return uniform(r, margin, 1-margin)
}

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

func clamp(v, lo, hi float64) float64 { return min(max(v, lo), hi) }
