package app

import (
	"fmt"
	"runtime/debug"
	"time"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/internal/clockcheck"
)

// buildTime is when the binary was built (RFC 3339), for builds without
// VCS stamping: go build -ldflags "-X
// github.com/passgate/passgate/app.buildTime=$(date -u +%FT%TZ)". Set at
// link time, never changed.
var buildTime string

// location is the zone times are shown in: [kiosk] time_zone, else the
// zone of the clock's readings (time.Local for the process's clock; a
// test's clock brings its own).
func (a *App) location() (*time.Location, error) {
	if a.Config.Kiosk.TimeZone == "" {
		return a.Now().Location(), nil
	}
	loc, err := a.Config.Location()
	if err != nil { // validation refuses it first; a Config built by hand may not be validated
		return nil, setupErr(fmt.Errorf("[kiosk] time_zone %q: %w", a.Config.Kiosk.TimeZone, err))
	}
	return loc, nil
}

// clockCheck builds the clock check of the desk and the header from what
// the kiosk knows of the true time: the build's commit time (vcs.time;
// none in a test binary or a build without VCS stamping), the issue of
// the bundle in use, the register's last entry, and the Date of the hub's
// last answer (uplink). The demo has none: its clock is the demo's on
// purpose.
func (a *App) clockCheck() checkin.Clock {
	if a.Config.Demo {
		return nil // a nil interface: a nil *Checker in one would be called
	}
	if a.Clock != nil {
		return a.Clock
	}
	info, _ := debug.ReadBuildInfo()
	o := clockcheck.Options{Now: a.Now, Build: clockcheck.BuildTime(info, buildTime), Skew: a.Config.Kiosk.ClockSkew.Duration,
		Bundle: func() time.Time {
			if b := a.Trust(); b != nil {
				return b.Info().IssuedAt
			}
			return time.Time{}
		}}
	if a.Register != nil {
		st, err := a.Register.Stats()
		if err != nil {
			a.Log.Error("register's last entry not read: the clock check goes without it", "err", err)
		}
		o.Last = st.Newest
	}
	if up := a.Uplink; up != nil {
		o.Hub = func() (clockcheck.HubDate, bool) {
			st := up.State()
			return clockcheck.HubDate{Date: st.HubDate, Received: st.HubDateAt}, !st.HubDate.IsZero()
		}
	}
	a.Clock = clockcheck.New(o)
	if st := a.Clock.Check(); !st.Trusted {
		a.Log.Warn("the kiosk's clock is wrong: passes are not judged by time until it is set", "why", string(st.Why),
			"clock", st.Now.UTC().Format(time.RFC3339), "bound", st.Bound.UTC().Format(time.RFC3339))
	}
	return a.Clock
}
