package framegen

import "math"

// surface maps the phone's plane, in modules with the code's centre at the
// origin, to the frame and back: through a homography when the phone is
// flat, and onto a bent phone (Params.Curve) otherwise.
//
// A bent phone is measured across its axis by the arc length s, which is
// kept: within s0 of the centre line (the code and its quiet zone) the
// phone lies on a cylinder of radius rad bulging towards the camera, and
// beyond it on the cylinder's tangent planes, as a phone bent around the
// code and flat at its ends.
type surface struct {
	h, inv homography // the flat phone
	curved bool
	ps     pose
	rad    float64    // the cylinder's radius, modules
	s0     float64    // the arc length where the cylinder ends, modules
	phi0   float64    // s0/rad
	ea, eb [2]float64 // across and along the axis, in the phone's plane
}

func newSurface(p Params, n int) *surface {
	h := phonePose(p, n)
	sf := &surface{h: h, inv: h.inverse()}
	if p.Curve.Radius == 0 {
		return sf
	}
	sf.curved = true
	sf.ps = poseOf(p, n)
	sf.rad = p.Curve.Radius * float64(n)
	// The code, its quiet zone and a little more stay on the cylinder.
	sf.s0 = min(float64(n)/2+6, sf.rad*math.Pi*0.4)
	sf.phi0 = sf.s0 / sf.rad
	ax := p.Curve.Axis * math.Pi / 180
	sf.eb = [2]float64{math.Cos(ax), math.Sin(ax)}
	sf.ea = [2]float64{-sf.eb[1], sf.eb[0]}
	return sf
}

// profile returns where the point at arc length s across the axis lies in
// the cross-section: a along the phone's plane, z away from the camera.
func (sf *surface) profile(s float64) (a, z float64) {
	if math.Abs(s) <= sf.s0 {
		phi := s / sf.rad
		return sf.rad * math.Sin(phi), sf.rad * (1 - math.Cos(phi))
	}
	sign := math.Copysign(1, s)
	d := math.Abs(s) - sf.s0
	sn, cs := math.Sin(sf.phi0), math.Cos(sf.phi0)
	return sign * (sf.rad*sn + d*cs), sf.rad*(1-cs) + d*sn
}

// toFrame returns where the phone's point (u, v) is in the frame, and
// false when it is behind the camera.
func (sf *surface) toFrame(u, v float64) (Point, bool) {
	if !sf.curved {
		x, y, w := sf.h.apply(u, v)
		return Point{x / w, y / w}, w > 0
	}
	s := u*sf.ea[0] + v*sf.ea[1]
	b := u*sf.eb[0] + v*sf.eb[1]
	a, z := sf.profile(s)
	q := [3]float64{a*sf.ea[0] + b*sf.eb[0], a*sf.ea[1] + b*sf.eb[1], z}
	ps := &sf.ps
	r := &ps.r
	cam := [3]float64{
		ps.m*(r[0]*q[0]+r[1]*q[1]+r[2]*q[2]) + ps.tx,
		ps.m*(r[3]*q[0]+r[4]*q[1]+r[5]*q[2]) + ps.ty,
		ps.m*(r[6]*q[0]+r[7]*q[1]+r[8]*q[2]) + ps.f,
	}
	if cam[2] <= 0 {
		return Point{}, false
	}
	return Point{ps.f*cam[0]/cam[2] + ps.cx, ps.f*cam[1]/cam[2] + ps.cy}, true
}

// fromFrame returns the phone's point seen at (x, y) in the frame, and
// false when the ray there misses the phone's surface.
func (sf *surface) fromFrame(x, y float64) (u, v float64, ok bool) {
	if !sf.curved {
		u, v, w := sf.inv.apply(x, y)
		return u / w, v / w, w > 0
	}
	ps := &sf.ps
	r := &ps.r
	// The ray from the camera's centre through the pixel, and the camera's
	// centre, in the phone's coordinates (modules): q = rᵀ(c - t)/m.
	d := [3]float64{(x - ps.cx) / ps.f, (y - ps.cy) / ps.f, 1}
	o := [3]float64{-ps.tx, -ps.ty, -ps.f}
	var dl, ol [3]float64
	for i := range 3 {
		dl[i] = (r[i]*d[0] + r[3+i]*d[1] + r[6+i]*d[2]) / ps.m
		ol[i] = (r[i]*o[0] + r[3+i]*o[1] + r[6+i]*o[2]) / ps.m
	}
	// In the cross-section: a across the axis, z; b along the axis.
	oa, da := ol[0]*sf.ea[0]+ol[1]*sf.ea[1], dl[0]*sf.ea[0]+dl[1]*sf.ea[1]
	ob, db := ol[0]*sf.eb[0]+ol[1]*sf.eb[1], dl[0]*sf.eb[0]+dl[1]*sf.eb[1]
	oz, dz := ol[2], dl[2]

	best, bs := math.Inf(1), 0.0
	// The cylinder a² + (z - rad)² = rad², nearer half, within phi0.
	R := sf.rad
	qa := da*da + dz*dz
	qb := 2 * (oa*da + (oz-R)*dz)
	qc := oa*oa + (oz-R)*(oz-R) - R*R
	if disc := qb*qb - 4*qa*qc; disc >= 0 && qa > 0 {
		sq := math.Sqrt(disc)
		for _, t := range [2]float64{(-qb - sq) / (2 * qa), (-qb + sq) / (2 * qa)} {
			a, z := oa+t*da, oz+t*dz
			if t <= 0 || t >= best || z >= R {
				continue
			}
			if phi := math.Atan2(a, R-z); math.Abs(phi) <= sf.phi0 {
				best, bs = t, R*phi
			}
		}
	}
	// The two tangent planes beyond the cylinder.
	sn, cs := math.Sin(sf.phi0), math.Cos(sf.phi0)
	for _, sign := range [2]float64{-1, 1} {
		pa, pz := sign*R*sn, R*(1-cs) // where the plane meets the cylinder
		ta, tz := sign*cs, sn         // along the plane, away from the centre
		na, nz := -tz, ta             // its normal
		den := da*na + dz*nz
		if den == 0 {
			continue
		}
		t := ((pa-oa)*na + (pz-oz)*nz) / den
		if t <= 0 || t >= best {
			continue
		}
		a, z := oa+t*da, oz+t*dz
		if along := (a-pa)*ta + (z-pz)*tz; along >= 0 {
			best, bs = t, sign*(sf.s0+along)
		}
	}
	if math.IsInf(best, 1) {
		return 0, 0, false
	}
	b := ob + best*db
	return bs*sf.ea[0] + b*sf.eb[0], bs*sf.ea[1] + b*sf.eb[1], true
}
