package framegen

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
)

// DefaultDoorCount is the number of frames of each kind in a door corpus
// when Options.Count is 0.
const DefaultDoorCount = 40

// doorJobs draws the frames of a door corpus: frame i is of kind
// Kinds[i % len(Kinds)], and each kind goes through the sizes in turn.
// The draws come from a random sequence of their own, apart from the
// default corpus's.
func doorJobs(o Options) ([]job, error) {
	for _, k := range o.Kinds {
		if !slices.Contains(DoorKinds(), k) {
			return nil, fmt.Errorf("framegen: door kind %q, want one of %v", k, DoorKinds())
		}
	}
	if len(o.Sources) == 0 {
		return nil, fmt.Errorf("framegen: door corpus: %w", ErrNoSource)
	}
	r := rand.New(rand.NewPCG(o.Seed, 0xd0025))
	jobs := make([]job, o.Count)
	for i := range jobs {
		kind := o.Kinds[i%len(o.Kinds)]
		size := o.Sizes[i/len(o.Kinds)%len(o.Sizes)]
		j, err := pickDoor(r, kind, size, o)
		if err != nil {
			return nil, fmt.Errorf("framegen: frame %d (%s, %dx%d): %w", i, kind, size.X, size.Y, err)
		}
		jobs[i] = j
	}
	return jobs, nil
}

// pickDoor draws one door frame's source and parameters.
func pickDoor(r *rand.Rand, kind string, size image.Point, o Options) (job, error) {
	minModule := o.MinModule
	if kind == KindSmall {
		minModule = 2
	}
	var fit []int
	for i, s := range o.Sources {
		if minModule*float64(s.n) <= MaxSize*float64(size.Y) {
			fit = append(fit, i)
		}
	}
	if len(fit) == 0 {
		return job{}, ErrNoSource
	}
	for range 50 {
		src := o.Sources[fit[r.IntN(len(fit))]]
		if p, ok := doorParams(r, kind, size.X, size.Y, src, minModule); ok {
			return job{src: src, p: p, kind: kind}, nil
		}
	}
	return job{}, ErrNoSource
}

// doorParams draws the distortions of one door frame of the given kind
// showing src: the kind's own distortion, and mild others, as a phone held
// up in good light. The code is drawn large enough that its narrowest
// module is minModule pixels wide, and more under a blur. It returns false
// when the draw does not fit the frame.
func doorParams(r *rand.Rand, kind string, width, height int, src Source, minModule float64) (Params, bool) {
	n := src.n
	p := Params{Width: width, Height: height, Seed: r.Uint64()}
	p.Rotation = uniform(r, 0, 360)
	p.Tilt, p.TiltAxis = uniform(r, 0, 15), uniform(r, 0, 180)
	p.Dark, p.Light = r.IntN(41), 190+r.IntN(66)
	p.Inverted = r.Float64() < 0.15
	p.Noise = uniform(r, 0, 4)
	if r.Float64() < 0.5 {
		p.JPEG = 60 + r.IntN(MaxJPEG-60+1)
	}
	if r.Float64() < 0.3 {
		p.Blur, p.BlurKind = uniform(r, 0.3, 0.8), Gaussian
	}
	need, hi := minModule, MaxSize
	switch kind {
	case KindCurve:
		p.Curve = Curve{Radius: uniform(r, MinCurve, 2.5), Axis: uniform(r, 0, 180)}
	case KindCracks:
		p.Cracks = drawCracks(r)
	case KindMoire:
		// A screen grid whose pitch is a little off two or three frame
		// pixels beats in waves of 12 to 60 pixels; the grid follows
		// the phone, so the phone is turned by the grid's angle from a
		// quarter turn.
		harm := float64(2 + r.IntN(2))
		d := uniform(r, 1.0/60, 1.0/12)
		if r.IntN(2) == 0 {
			d = -d
		}
		p.Moire = Moire{
			Pitch: harm / (1 + d), Angle: uniform(r, -4, 4),
			Amplitude: uniform(r, 0.1, 0.35), Grid: uniform(r, 0.05, 0.2), Phase: uniform(r, 0, 360),
		}
		p.Rotation = math.Mod(float64(r.IntN(4))*90+p.Moire.Angle+360, 360)
	case KindMotion:
		p.Blur, p.BlurKind = 0, ""
		p.Motion = Motion{Length: uniform(r, 3, 12), Angle: uniform(r, 0, 180)}
	case KindSmall:
		// Modules of 2 to 3 pixels: at most 3 facing the camera.
		hi = 3 * float64(n) / float64(height)
	}
	lo, ok := 0.0, false
	for {
		if p.Motion.Length > 0 {
			need = max(minModule, motionNeed(p.Motion.Length))
		}
		if lo, ok = minSize(p, n, need); ok || p.Motion.Length == 0 {
			break
		}
		// A blur too long for this code in this frame: a slower hand.
		if p.Motion.Length *= 0.8; p.Motion.Length < 3 {
			return Params{}, false
		}
	}
	lo = max(lo, MinSize)
	if !ok || lo > hi {
		return Params{}, false
	}
	p.Size = uniform(r, lo, hi)
	reach := p.Size * float64(height) * 0.8
	p.X = centre(r, reach/float64(width))
	p.Y = centre(r, reach/float64(height))
	if kind == KindThumb {
		if p.Thumb, ok = drawThumb(r, src); !ok {
			return Params{}, false
		}
	}
	return p, p.Check() == nil
}

// motionNeed is the narrowest module a decoder may still read under a
// motion blur of the given length: a blur as long as a module leaves a
// lone module about half its contrast.
func motionNeed(length float64) float64 { return 0.6*length + 1 }

// drawCracks draws the cracks of a screen: two to five from a point of
// impact on or near the code, of one kind (shadowed dark or catching the
// light), straight or wandering.
func drawCracks(r *rand.Rand) []Crack {
	ix, iy := uniform(r, -0.6, 0.6), uniform(r, -0.6, 0.6)
	dark := r.Float64() < 0.6
	out := make([]Crack, 2+r.IntN(4))
	for i := range out {
		a := uniform(r, 0, 2*math.Pi)
		l := uniform(r, 0.6, 1.6)
		for math.Hypot(ix+l*math.Cos(a), iy+l*math.Sin(a)) > 0.98*MaxCrackReach {
			l *= 0.9
		}
		k := Crack{
			X0: ix, Y0: iy, X1: ix + l*math.Cos(a), Y1: iy + l*math.Sin(a),
			Width: uniform(r, MinCrackWidth, MaxCrackWidth),
			Level: 220 + r.IntN(36),
		}
		if dark {
			k.Level = r.IntN(50)
		}
		if r.Float64() < 0.6 {
			k.Jag = uniform(r, 0.3, 1.5)
		}
		out[i] = k
	}
	return out
}

// drawThumb draws a thumb reaching over the code from its right or bottom
// edge or the corner between them, away from the finder patterns, as
// large as the code's error correction allows within MaxThumbDamage, and
// touching at least a fifth of what it corrects. It returns false when it
// finds no such thumb.
func drawThumb(r *rand.Rand, src Source) (Thumb, bool) {
	for range 10 {
		var t Thumb
		switch r.IntN(3) {
		case 0: // from the right
			t.X, t.Y = 0.5+uniform(r, 0, 0.15), uniform(r, -0.1, 0.45)
		case 1: // from below
			t.X, t.Y = uniform(r, -0.1, 0.45), 0.5+uniform(r, 0, 0.15)
		default: // from the corner
			t.X, t.Y = 0.5+uniform(r, -0.05, 0.15), 0.5+uniform(r, -0.05, 0.15)
		}
		t.RX = uniform(r, 0.15, 0.35)
		t.RY = min(t.RX*uniform(r, 1.2, 1.8), MaxThumb)
		// The long axis points at the code's centre.
		t.Angle = math.Mod(math.Atan2(-t.Y, -t.X)*180/math.Pi+90+360, 180)
		t.Level = 90 + r.IntN(91)
		t.Soft = uniform(r, 0.1, 0.35)
		for range 16 {
			d, err := src.ThumbDamage(t)
			if err == nil && d <= MaxThumbDamage {
				if d >= 0.2 {
					return t, true
				}
				break
			}
			if t.RX*0.88 < MinThumb || t.RY*0.88 < MinThumb {
				break
			}
			t.RX, t.RY = t.RX*0.88, t.RY*0.88
		}
	}
	return Thumb{}, false
}
