// Package clockcheck tells whether the kiosk's clock can be trusted. A
// Raspberry Pi has no real-time clock: booted without network it believes
// it is 1970, or the time it last saved, and would tell every guest "not
// yet valid" while calling its trust bundle fresh. The kiosk knows lower
// bounds for the true time (its build, the trust bundle's issue, the
// register's last entry, the hub's last answer) and, while the hub
// answers, the hub's clock itself. Checker compares the clock with them
// and says "trusted" or "wrong, and why"; the desk then refuses to judge
// passes by time. It reads no clock of its own (the clock is given) and
// does no I/O.
package clockcheck

import (
	"sync"
	"time"
)

// Why says what shows the clock is wrong; "" when it is trusted. The
// values are stable (the catalogs' clock.* keys and the log use them).
type Why string

const (
	// BeforeBuild: the clock is before this program was built.
	BeforeBuild Why = "before-build"
	// BeforeBundle: the clock is before the trust bundle in use was issued.
	BeforeBundle Why = "before-bundle"
	// BeforeRegister: the clock is before the last entry in the register
	// (a kiosk that restored the time it saved at its last shutdown).
	BeforeRegister Why = "before-register"
	// BeforeHub: the clock went back past the hub's last answer.
	BeforeHub Why = "before-hub"
	// OffHub: the clock is more than the allowed skew off the hub's.
	OffHub Why = "off-hub"
)

// HubDate is the Date of the hub's last answer and the kiosk's clock when
// it arrived. Received should come from time.Now (with its monotonic
// reading), so the time elapsed since is measured even when the wall
// clock is set while the kiosk runs.
type HubDate struct {
	Date, Received time.Time
}

// Options are the bounds and the clock. Every bound is optional.
type Options struct {
	// Now is the clock being checked; nil means time.Now.
	Now func() time.Time
	// Build is when this program was built; zero when unknown.
	Build time.Time
	// Bundle returns when the trust bundle in use was issued; nil, or a
	// zero time, when there is none.
	Bundle func() time.Time
	// Last is the time of the register's last entry when the kiosk
	// started; Saw raises it as entries are recorded.
	Last time.Time
	// Hub returns the hub's last answer; ok is false before the first one
	// (and without a hub).
	Hub func() (d HubDate, ok bool)
	// Skew is how far the clock may be off the hub's; 0 means 10 minutes.
	// The Date header has whole seconds: a skew under 2 s would flag a
	// good clock.
	Skew time.Duration
}

// State is the answer of a check.
type State struct {
	// Trusted: no bound says the clock is wrong.
	Trusted bool
	// Why is what shows the clock wrong; "" when trusted.
	Why Why
	// Bound is the time the clock should be at least (Why Before…), or
	// the hub's time now as the kiosk reckons it (OffHub).
	Bound time.Time
	// Now is the clock's reading the state is of.
	Now time.Time
}

// Off is how far the clock is behind its bound (negative: ahead of the
// hub); zero when trusted.
func (s State) Off() time.Duration {
	if s.Trusted {
		return 0
	}
	return s.Bound.Sub(s.Now)
}

// Checker checks the clock against the bounds. Safe for concurrent use.
type Checker struct {
	o    Options
	mu   sync.Mutex
	last time.Time // the register's last entry, raised by Saw
}

// New returns a checker.
func New(o Options) *Checker {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Skew <= 0 {
		o.Skew = 10 * time.Minute
	}
	return &Checker{o: o, last: o.Last}
}

// Saw tells the checker of an entry recorded at t: the register's last
// entry moves on.
func (c *Checker) Saw(t time.Time) {
	c.mu.Lock()
	if t.After(c.last) {
		c.last = t
	}
	c.mu.Unlock()
}

// Check checks the clock now.
func (c *Checker) Check() State { return c.At(c.o.Now()) }

// At checks the clock's reading now. While the hub has answered, the
// hub's clock decides: a kiosk clock within the skew of it is trusted
// even if a local bound is later (a bundle signed on a machine whose
// clock ran ahead, an entry recorded before the clock was put right).
// Without the hub, the clock must not be before any bound.
func (c *Checker) At(now time.Time) State {
	st := State{Trusted: true, Now: now}
	if c.o.Hub != nil {
		if d, ok := c.o.Hub(); ok && !d.Date.IsZero() {
			elapsed := now.Sub(d.Received)
			if elapsed < 0 {
				// Only a wall clock set back since the answer goes
				// backwards (a monotonic reading never does).
				return State{Why: BeforeHub, Bound: d.Date, Now: now}
			}
			hub := d.Date.Add(elapsed)
			if off := now.Sub(hub); off > c.o.Skew || off < -c.o.Skew {
				return State{Why: OffHub, Bound: hub, Now: now}
			}
			return st
		}
	}
	c.mu.Lock()
	last := c.last
	c.mu.Unlock()
	var bundle time.Time
	if c.o.Bundle != nil {
		bundle = c.o.Bundle()
	}
	for _, b := range []struct {
		why Why
		at  time.Time
	}{{BeforeRegister, last}, {BeforeBundle, bundle}, {BeforeBuild, c.o.Build}} {
		if !b.at.IsZero() && now.Before(b.at) && (st.Trusted || b.at.After(st.Bound)) {
			st = State{Why: b.why, Bound: b.at, Now: now}
		}
	}
	return st
}
