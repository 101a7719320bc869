package framegen

import (
	"fmt"
	"math"
)

// The door kinds: what a guest's phone shows a kiosk at a door, and the
// default corpus does not. A door corpus (Options.Kinds) draws each frame
// as one of them, with mild other distortions.
const (
	KindCurve  = "curve"  // the phone bent about an axis in its plane (Params.Curve)
	KindCracks = "cracks" // a cracked screen: thin lines across the code (Params.Cracks)
	KindMoire  = "moire"  // the camera filming the screen's pixel grid (Params.Moire)
	KindMotion = "motion" // the phone moving: a linear blur in one direction (Params.Motion)
	KindThumb  = "thumb"  // a thumb over part of the code, within its error correction (Params.Thumb)
	KindSmall  = "small"  // a code far away: modules 2 to 3 pixels wide
)

// DoorKinds returns the door kinds in the order a door corpus takes them.
func DoorKinds() []string {
	return []string{KindCurve, KindCracks, KindMoire, KindMotion, KindThumb, KindSmall}
}

// The documented ranges of the door distortions.
const (
	MinCurve      = 0.6  // tightest bend: the cylinder's radius, in code sides
	MaxCurve      = 5.0  // gentlest bend, in code sides
	MaxCracks     = 6    // most cracks in a frame
	MinCrackWidth = 1.0  // thinnest crack, frame pixels
	MaxCrackWidth = 2.0  // widest crack, frame pixels
	MaxCrackJag   = 2.0  // most a crack wanders off its straight line, frame pixels
	MaxCrackReach = 1.0  // a crack's ends lie this far from the code's centre, in code sides
	MinMoirePitch = 1.5  // finest screen pixel grid, frame pixels a screen pixel
	MaxMoirePitch = 4.0  // coarsest screen pixel grid
	MaxMoireAngle = 10.0 // the screen grid's angle to the camera's rows, degrees either way
	MaxMoire      = 0.4  // strongest beat: its amplitude, a share of the code's contrast
	MaxMoireGrid  = 0.3  // strongest fine grid, a share of the code's contrast
	MinMotion     = 2.0  // shortest motion blur, frame pixels
	MaxMotion     = 16.0 // longest motion blur, frame pixels
	MinThumb      = 0.05 // smallest thumb radius, in code sides
	MaxThumb      = 0.6  // largest thumb radius, in code sides
	MaxThumbReach = 1.0  // the thumb's centre lies this far from the code's centre, in code sides
	MinThumbLevel = 60   // darkest skin, grey level
	MaxThumbLevel = 200  // lightest skin, grey level
	MaxThumbSoft  = 0.5  // widest soft edge, a share of the radius
	// MaxThumbDamage is the most of the code's error correction a thumb may
	// use: the share of the codewords its worst block can correct that the
	// thumb touches (see Source.ThumbDamage).
	MaxThumbDamage = 0.5
)

// Curve bends the phone about an axis in its plane, as a bent phone or a
// curved screen: around the code the screen lies on a cylinder of the given
// radius that bulges towards the camera, and beyond it the phone goes on
// flat along the cylinder's tangent. Lengths on the screen are kept (the
// code is drawn on the surface, not stretched), so across the axis its
// modules narrow towards its edges, and its finder patterns stay on the
// surface. Off when Radius is 0.
type Curve struct {
	// Radius is the cylinder's radius in code sides: MinCurve to MaxCurve.
	Radius float64 `json:"radius"`
	// Axis is the cylinder's axis, degrees from the phone's horizontal,
	// 0-180.
	Axis float64 `json:"axis"`
}

// Crack is a crack in the screen's glass: a thin line, dark where the
// crack shades the screen and bright where it catches the light, from one
// point of the phone to another, straight or wandering a little.
type Crack struct {
	// X0, Y0 and X1, Y1 are its ends on the phone, in code sides from
	// the code's centre (x right, y down on the screen): within
	// MaxCrackReach. A crack is drawn on the phone only.
	X0 float64 `json:"x0"`
	Y0 float64 `json:"y0"`
	X1 float64 `json:"x1"`
	Y1 float64 `json:"y1"`
	// Width is the line's width in frame pixels, MinCrackWidth to
	// MaxCrackWidth.
	Width float64 `json:"width"`
	// Level is the line's grey level, 0-255.
	Level int `json:"level"`
	// Jag is how far the line wanders off straight, frame pixels, 0 to
	// MaxCrackJag; the wandering is drawn from the frame's Seed.
	Jag float64 `json:"jag,omitempty"`
}

// Moire is a camera filming a screen: the screen's pixel grid, Pitch frame
// pixels a screen pixel at Angle to the camera's rows, shows as a fine grid
// (dark lines between the screen's pixels), and beats against the sensor's
// own grid as a low-frequency luminance wave over the screen: the alias of
// the grid's harmonic nearest the sensor's pitch. Off when Amplitude and
// Grid are 0.
type Moire struct {
	// Pitch is the screen's pixel pitch in frame pixels, MinMoirePitch to
	// MaxMoirePitch; the beat's period follows from it and Angle.
	Pitch float64 `json:"pitch"`
	// Angle is the screen grid's angle to the camera's rows, degrees,
	// -MaxMoireAngle to MaxMoireAngle.
	Angle float64 `json:"angle"`
	// Amplitude is the beat's amplitude, a share of the code's contrast
	// (Light - Dark): 0 to MaxMoire.
	Amplitude float64 `json:"amplitude"`
	// Grid is the fine grid's depth, a share of the code's contrast: 0 to
	// MaxMoireGrid.
	Grid float64 `json:"grid"`
	// Phase shifts the beat, degrees, 0-360.
	Phase float64 `json:"phase"`
}

// Motion is the phone moving while the camera exposes: a linear blur of
// Length frame pixels in one direction, in place of the defocus blur.
// Off when Length is 0.
type Motion struct {
	// Length is the blur's length in frame pixels, MinMotion to MaxMotion.
	Length float64 `json:"length"`
	// Angle is its direction, degrees clockwise from the frame's rows,
	// 0-180.
	Angle float64 `json:"angle"`
}

// Thumb is a thumb over part of the code: a skin-grey ellipse with a soft
// edge, lying on the phone, darker towards its rim as a rounded thing lit
// from the front is. It may not cover a finder pattern, the format or the
// version information, nor more of the code's codewords than
// MaxThumbDamage of what the code's error correction level corrects in a
// block (Render checks both against the source). Off when RX is 0.
type Thumb struct {
	// X and Y are the ellipse's centre, in code sides from the code's
	// centre: within MaxThumbReach.
	X float64 `json:"x"`
	Y float64 `json:"y"`
	// RX and RY are its radii, in code sides: MinThumb to MaxThumb.
	RX float64 `json:"rx"`
	RY float64 `json:"ry"`
	// Angle turns the ellipse, degrees, 0-180.
	Angle float64 `json:"angle"`
	// Level is the skin's grey level at the centre, MinThumbLevel to
	// MaxThumbLevel.
	Level int `json:"level"`
	// Soft is the width of the edge over which the thumb fades out, a
	// share of the radius: 0 to MaxThumbSoft.
	Soft float64 `json:"soft"`
}

// checkDoor is Check for the door distortions.
func (p Params) checkDoor() error {
	bad := func(name string, v any, want string) error {
		return fmt.Errorf("framegen: parameter %s = %v, want %s", name, v, want)
	}
	c, m, mo, th := p.Curve, p.Moire, p.Motion, p.Thumb
	switch {
	case c.Radius != 0 && (c.Radius < MinCurve || c.Radius > MaxCurve):
		return bad("curve.radius", c.Radius, fmt.Sprintf("0 or %g to %g", MinCurve, MaxCurve))
	case c.Axis < 0 || c.Axis >= 180:
		return bad("curve.axis", c.Axis, "0 to 180")
	case len(p.Cracks) > MaxCracks:
		return bad("cracks", len(p.Cracks), fmt.Sprintf("at most %d", MaxCracks))
	case m.Amplitude < 0 || m.Amplitude > MaxMoire:
		return bad("moire.amplitude", m.Amplitude, fmt.Sprintf("0 to %g", MaxMoire))
	case m.Grid < 0 || m.Grid > MaxMoireGrid:
		return bad("moire.grid", m.Grid, fmt.Sprintf("0 to %g", MaxMoireGrid))
	case m.on() && (m.Pitch < MinMoirePitch || m.Pitch > MaxMoirePitch):
		return bad("moire.pitch", m.Pitch, fmt.Sprintf("%g to %g", MinMoirePitch, MaxMoirePitch))
	case math.Abs(m.Angle) > MaxMoireAngle:
		return bad("moire.angle", m.Angle, fmt.Sprintf("-%g to %g", MaxMoireAngle, MaxMoireAngle))
	case m.Phase < 0 || m.Phase >= 360:
		return bad("moire.phase", m.Phase, "0 to 360")
	case mo.Length != 0 && (mo.Length < MinMotion || mo.Length > MaxMotion):
		return bad("motion.length", mo.Length, fmt.Sprintf("0 or %g to %g", MinMotion, MaxMotion))
	case mo.Length > 0 && p.Blur > 0:
		return bad("motion.length", mo.Length, "0 with a defocus blur (motion blur replaces it)")
	case mo.Angle < 0 || mo.Angle >= 180:
		return bad("motion.angle", mo.Angle, "0 to 180")
	case th.RX != 0 && (th.RX < MinThumb || th.RX > MaxThumb || th.RY < MinThumb || th.RY > MaxThumb):
		return bad("thumb.rx, ry", fmt.Sprintf("%g, %g", th.RX, th.RY), fmt.Sprintf("%g to %g", MinThumb, MaxThumb))
	case th.RX == 0 && th != (Thumb{}):
		return bad("thumb.rx", th.RX, fmt.Sprintf("%g to %g with the other thumb fields", MinThumb, MaxThumb))
	case th.on() && math.Hypot(th.X, th.Y) > MaxThumbReach:
		return bad("thumb.x, y", fmt.Sprintf("%g, %g", th.X, th.Y), fmt.Sprintf("within %g of the code's centre", MaxThumbReach))
	case th.Angle < 0 || th.Angle >= 180:
		return bad("thumb.angle", th.Angle, "0 to 180")
	case th.on() && (th.Level < MinThumbLevel || th.Level > MaxThumbLevel):
		return bad("thumb.level", th.Level, fmt.Sprintf("%d to %d", MinThumbLevel, MaxThumbLevel))
	case th.Soft < 0 || th.Soft > MaxThumbSoft:
		return bad("thumb.soft", th.Soft, fmt.Sprintf("0 to %g", MaxThumbSoft))
	}
	for i, k := range p.Cracks {
		name := func(f string) string { return fmt.Sprintf("cracks[%d].%s", i, f) }
		switch {
		case math.Hypot(k.X0, k.Y0) > MaxCrackReach || math.Hypot(k.X1, k.Y1) > MaxCrackReach:
			return bad(name("x0, y0, x1, y1"), fmt.Sprintf("%g, %g, %g, %g", k.X0, k.Y0, k.X1, k.Y1), fmt.Sprintf("within %g of the code's centre", MaxCrackReach))
		case k.Width < MinCrackWidth || k.Width > MaxCrackWidth:
			return bad(name("width"), k.Width, fmt.Sprintf("%g to %g", MinCrackWidth, MaxCrackWidth))
		case k.Level < 0 || k.Level > 255:
			return bad(name("level"), k.Level, "0 to 255")
		case k.Jag < 0 || k.Jag > MaxCrackJag:
			return bad(name("jag"), k.Jag, fmt.Sprintf("0 to %g", MaxCrackJag))
		}
	}
	return nil
}

func (m Moire) on() bool { return m.Amplitude > 0 || m.Grid > 0 }
func (t Thumb) on() bool { return t.RX > 0 }

// curveScale is how much the curve narrows the code's outermost modules
// across its axis, for a code of n modules seen from dist modules away:
// the surface turns away from the camera (cos φ) and recedes from it.
func (p Params) curveScale(n int, dist float64) float64 {
	if p.Curve.Radius == 0 {
		return 1
	}
	r := p.Curve.Radius * float64(n)
	phi := float64(n) / 2 / r
	return math.Cos(phi) * dist / (dist + r*(1-math.Cos(phi)))
}
