package framegen

import "math"

// Point is a position in a frame, in pixels: (0, 0) is the top-left corner
// of the top-left pixel, so a pixel's centre is at (x+0.5, y+0.5).
type Point struct{ X, Y float64 }

// homography maps homogeneous 2D points: m is row-major.
type homography [9]float64

func (h *homography) apply(x, y float64) (float64, float64, float64) {
	return h[0]*x + h[1]*y + h[2], h[3]*x + h[4]*y + h[5], h[6]*x + h[7]*y + h[8]
}

func (h *homography) point(x, y float64) Point {
	u, v, w := h.apply(x, y)
	return Point{u / w, v / w}
}

func (h *homography) inverse() homography {
	a := h
	c00 := a[4]*a[8] - a[5]*a[7]
	c01 := a[5]*a[6] - a[3]*a[8]
	c02 := a[3]*a[7] - a[4]*a[6]
	det := a[0]*c00 + a[1]*c01 + a[2]*c02
	d := 1 / det
	return homography{
		c00 * d, (a[2]*a[7] - a[1]*a[8]) * d, (a[1]*a[5] - a[2]*a[4]) * d,
		c01 * d, (a[0]*a[8] - a[2]*a[6]) * d, (a[2]*a[3] - a[0]*a[5]) * d,
		c02 * d, (a[1]*a[6] - a[0]*a[7]) * d, (a[0]*a[4] - a[1]*a[3]) * d,
	}
}

// focal is the focal length of the simulated webcam in pixels: about 64°
// across the frame's wider side, a typical webcam lens.
func focal(width, height int) float64 { return 0.8 * float64(max(width, height)) }

// pose is where the phone is: a point q of the phone, in modules with the
// code's centre at the origin (x right and y down on the screen, z away
// from the camera), is at m·r·q + t in camera coordinates, which project
// to the frame through the camera of focal length f and centre (cx, cy).
type pose struct {
	r         [9]float64 // row-major rotation
	m         float64    // pixels a module at depth f
	tx, ty, f float64
	cx, cy    float64
}

// poseOf places the phone for a code of n modules.
//
// The phone faces the camera at the distance where one of its modules is
// Size×Height/n pixels wide, is turned by Rotation in its plane, leans by
// Tilt about an axis in its plane, and is moved sideways to put the code's
// centre at (X, Y): a pinhole camera, so the tilt gives a true perspective.
func poseOf(p Params, n int) pose {
	f := focal(p.Width, p.Height)
	m := p.Size * float64(p.Height) / float64(n)

	rad := math.Pi / 180
	th, ax, ti := p.Rotation*rad, p.TiltAxis*rad, p.Tilt*rad
	// Tilt: Rodrigues' rotation by ti about the axis (cos ax, sin ax, 0).
	kx, ky := math.Cos(ax), math.Sin(ax)
	c, s := math.Cos(ti), math.Sin(ti)
	t := [9]float64{
		c + kx*kx*(1-c), kx * ky * (1 - c), ky * s,
		kx * ky * (1 - c), c + ky*ky*(1-c), -kx * s,
		-ky * s, kx * s, c,
	}
	// Then the turn in the image plane (clockwise, as y points down).
	cr, sr := math.Cos(th), math.Sin(th)
	var r [9]float64
	for j := range 3 {
		r[j] = cr*t[j] - sr*t[3+j]
		r[3+j] = sr*t[j] + cr*t[3+j]
		r[6+j] = t[6+j]
	}
	tx := p.X*float64(p.Width) - float64(p.Width)/2
	ty := p.Y*float64(p.Height) - float64(p.Height)/2
	cx, cy := float64(p.Width)/2, float64(p.Height)/2
	return pose{r: r, m: m, tx: tx, ty: ty, f: f, cx: cx, cy: cy}
}

// phonePose returns the homography from the phone's plane, in modules with
// the code's centre at the origin, to the frame, for a code of n modules
// held flat (see poseOf).
func phonePose(p Params, n int) homography {
	ps := poseOf(p, n)
	f, m, r := ps.f, ps.m, ps.r
	cx, cy := ps.cx, ps.cy
	// [u v 1] → K · [m·r₁  m·r₂  t] with t = (tx, ty, f), K the camera.
	col := func(x, y, z float64) [3]float64 { return [3]float64{f*x + cx*z, f*y + cy*z, z} }
	c0 := col(m*r[0], m*r[3], m*r[6])
	c1 := col(m*r[1], m*r[4], m*r[7])
	c2 := col(ps.tx, ps.ty, f)
	return homography{
		c0[0], c1[0], c2[0],
		c0[1], c1[1], c2[1],
		c0[2], c1[2], c2[2],
	}
}
