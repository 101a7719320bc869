package checkin

import (
	"fmt"
	"time"

	"github.com/passgate/passgate/internal/clockcheck"
	"github.com/passgate/passgate/verify"
)

// Clock tells whether the kiosk's clock can be trusted
// (*clockcheck.Checker is one).
type Clock interface {
	// At checks the clock's reading now.
	At(now time.Time) clockcheck.State
	// Saw is told the time of every verdict judged with a trusted clock:
	// the register's last entry moves on.
	Saw(t time.Time)
}

// day is the kiosk's day of t, YYYY-MM-DD in Options.Location.
func (d *Desk) day(t time.Time) string {
	if d.o.Location != nil {
		t = t.In(d.o.Location)
	}
	return t.Format(time.DateOnly)
}

// ReasonClock is the reason of a pass not judged because the kiosk's
// clock is wrong: whether a pass is valid now cannot be told without
// knowing when now is.
const ReasonClock = "clock-wrong"

// clockWrong asks the clock check, once per verdict; a desk without one
// trusts its clock.
func (d *Desk) clockWrong(now time.Time) (clockcheck.State, bool) {
	if d.o.Clock == nil {
		return clockcheck.State{Trusted: true, Now: now}, false
	}
	st := d.o.Clock.At(now)
	if st.Trusted {
		d.o.Clock.Saw(now)
		return st, false
	}
	d.log.Warn("the kiosk's clock is wrong: passes are not judged by time", "why", string(st.Why),
		"clock", now.UTC().Format(time.RFC3339), "bound", st.Bound.UTC().Format(time.RFC3339))
	return st, true
}

// untimed judges a pass while the clock is known to be wrong. What does
// not depend on the time (an unreadable, forged, unknown, revoked or
// invalid pass) is still refused for what it is: the pass is verified at
// the clock check's bound, the earliest the true time can be, so a pass
// is not called "not yet valid" before its revocation is seen. Anything
// else (valid, expired, not yet valid, the entry rules, which count hours
// and days) is refused with ReasonClock, keeping the verified pass data
// so staff can check it by hand.
func untimed(vf *verify.Verifier, payload string, st clockcheck.State) *verify.Verdict {
	at := st.Bound
	if at.IsZero() {
		at = st.Now
	}
	vd := vf.Verify(payload, at)
	if vd.Status != verify.Valid && timeless[vd.Reason()] {
		return vd
	}
	return &verify.Verdict{Status: verify.NotValid, Reasons: []verify.Reason{ReasonClock},
		Detail: fmt.Sprintf("the kiosk's clock is wrong (%s: clock %s, should be at least %s): not judged by time",
			st.Why, st.Now.UTC().Format(time.RFC3339), st.Bound.UTC().Format(time.RFC3339)),
		Pass: vd.Pass, Checks: vd.Checks, KID: vd.KID, Country: vd.Country}
}

// timeless are the refusals that hold whatever the time.
var timeless = map[verify.Reason]bool{
	verify.Malformed: true, verify.UnknownIssuer: true, verify.BadSignature: true, verify.UnsupportedAlg: true,
	verify.WrongKeyUsage: true, verify.Revoked: true, verify.SchemaInvalid: true, verify.HolderMismatch: true,
	verify.NoPolicy: true, "no-dates": true,
}
