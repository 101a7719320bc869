// Package checkin is the desk: every guest at the door goes through it,
// whether the pass came from the camera, a keyboard-wedge scanner or the
// staff's manual form. It verifies with the trust bundle in use, folds a
// pass shown again within the duplicate window into the first outcome,
// records the entry in the register, and returns one Outcome per guest for
// the screen. Kiosk wires the camera, the scanner and a keyboard-wedge
// scanner to the desk. What goes wrong behind a guest's back (an entry not
// recorded, a contact not sealed) goes to the log it is given, never with
// a holder's name, date of birth, UVCI or pass text. It has no UI code and
// is tested without a terminal.
package checkin

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/rules"
	"github.com/passgate/passgate/verify"
)

// Recorder keeps entries durably (store.DB is one).
type Recorder interface {
	Record(entry.Entry) error
}

// Options configure a Desk. Venue, Kiosk and Trust are required.
type Options struct {
	Venue, Kiosk string
	// Trust returns the bundle in use (uplink.Uplink.Trust); nil means none
	// yet: every pass is refused with "verify by hand".
	Trust func() *bundle.Bundle
	// Policy, when set, replaces the bundle's entry policy (a preset the
	// configuration names); the bundle's value sets still name the codes.
	Policy *rules.Policy
	// Lang is the language of rule descriptions in verdicts; "" English.
	Lang string
	// Register records entries; nil records nothing (verdicts only).
	Register Recorder
	// Secret is the venue's pseudonym key (store.DB.VenueSecret, or the
	// venue's shared one: config [kiosk] venue_secret_file).
	Secret []byte
	// OtherDoors, when set, is whom the venue's other doors let in lately
	// (a multi-door venue): a guest admitted there within Window is not
	// counted again here.
	OtherDoors *OtherDoors
	// Window is how long a pass shown again counts as the same guest;
	// 0 means 5 minutes.
	Window time.Duration
	// PairWindow is how long a pass that admits only with a second pass of
	// the same holder (2G+: a vaccination waiting for a test) waits for
	// it; 0 means 60 seconds.
	PairWindow time.Duration
	// Now is the clock of verdicts and entries; nil means time.Now.
	Now func() time.Time
	// Clock, when set, checks that clock before every verdict: while it
	// is wrong, passes are refused with ReasonClock rather than judged by
	// a time that is not now. Nil trusts the clock.
	Clock Clock
	// Location is the time zone of the kiosk's days (today's counts);
	// nil means the zone of Now's readings.
	Location *time.Location
	// Rand is the randomness of entry ids and sealed contacts; nil means
	// crypto/rand.
	Rand io.Reader
	// Recorded, if set, is called after an entry was recorded (to wake
	// uplink's push).
	Recorded func()
	// Log gets what the desk handles without telling a guest: entries not
	// recorded, contacts not sealed, policy changes, a kiosk without a
	// trust bundle. Never a holder's name, date of birth, UVCI, pass text
	// or a manual entry's note. Nil logs nothing.
	Log *slog.Logger
}

// Scan is a pass that reached the desk.
type Scan struct {
	Payload string
	Method  entry.Method // entry.Camera or entry.ScannerDevice
	// At is when it was read; zero means now.
	At time.Time
}

// Outcome is what the desk did for one guest.
type Outcome struct {
	Time    time.Time
	Method  entry.Method
	Verdict *verify.Verdict // nil for a manual entry
	Manual  *Manual
	// Admitted is the door's decision.
	Admitted bool
	// Reason is the code staff read out: the verdict's first reason, or
	// "no-trust" when there is no bundle, or the manual reason.
	Reason string
	// Duplicate: the same pass was shown within the window; the earlier
	// outcome stands and nothing is recorded again.
	Duplicate bool
	// Needs, when set, says the pass admits only with a second pass of the
	// same holder, of one of these certificate types (2G+): the desk waits
	// for it until NeedsUntil. Reason is ReasonCompanion; the entry is
	// recorded refused, and a pair that follows is recorded on its own.
	Needs      []rules.CertType
	NeedsUntil time.Time
	// OtherDoor, when set, is the door of the venue that let this guest in
	// at OtherDoorAt, within the window (OtherDoors): Duplicate is set, and
	// nothing is recorded here.
	OtherDoor   string
	OtherDoorAt time.Time
	// Pair: the verdict judged two passes of one holder together.
	Pair bool
	// Stale: the bundle in use is past its valid-until: the screen says so.
	Stale bool
	// Recorded: Entry is in the register. When false and RecordErr is set,
	// the screen marks the verdict "not recorded" (a full disk, say).
	Recorded  bool
	RecordErr error
	Entry     entry.Entry
}

// Counts are today's figures for the footer.
type Counts struct {
	Day                       string // YYYY-MM-DD of Now
	Admitted, Refused, Manual int
}

// ReasonNoTrust is the reason when the kiosk has no trust bundle.
const ReasonNoTrust = "no-trust"

// ReasonCompanion is the reason of a pass that waits for a second pass of
// the same holder (Outcome.Needs).
const ReasonCompanion = "companion-needed"

// Desk is the check-in desk. Safe for concurrent use.
type Desk struct {
	o   Options
	log *slog.Logger

	mu      sync.Mutex
	policy  *rules.Policy // replaces the bundle's policy when set
	waiting *waiting      // a pass waiting for its companion (2G+)
	ids     *entry.IDs
	seen    map[[32]byte]*seenPass
	counts  Counts
	noTrust bool // "no trust bundle" is logged until one arrives
}

// seenPass is a pass shown lately. While the first showing is verified
// and recorded, done is open and later showings wait on it: the same
// pass read at once by the camera and the wedge is still one guest.
type seenPass struct {
	at      time.Time     // of the last showing
	done    chan struct{} // closed when outcome is set, or when its Scan failed
	ready   bool          // outcome is set; d.mu guards it and outcome
	outcome Outcome
}

// New returns a desk.
func New(o Options) (*Desk, error) {
	if o.Venue == "" || o.Kiosk == "" || o.Trust == nil {
		return nil, errors.New("checkin: venue, kiosk and a trust source are required")
	}
	if o.Window <= 0 {
		o.Window = 5 * time.Minute
	}
	if o.PairWindow <= 0 {
		o.PairWindow = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Register != nil && len(o.Secret) < 16 {
		return nil, errors.New("checkin: a register needs the venue secret (16 bytes or more)")
	}
	d := &Desk{o: o, log: o.Log, ids: entry.NewIDs(o.Rand), seen: map[[32]byte]*seenPass{}, policy: o.Policy}
	return d, nil
}

// Window is how long a pass shown again counts as the same guest.
func (d *Desk) Window() time.Duration { return d.o.Window }

// SetPolicy replaces the entry policy from now on (staff choosing a preset
// in the admin menu); nil goes back to the bundle's policy. Passes still
// within the duplicate window keep their earlier outcome.
func (d *Desk) SetPolicy(p *rules.Policy) {
	d.mu.Lock()
	d.policy = p
	d.mu.Unlock()
	if p != nil {
		d.log.Info("entry policy set", "preset", p.Name)
	} else {
		d.log.Info("entry policy back to the trust bundle's")
	}
}

// Policy returns the policy set with SetPolicy (or Options.Policy), nil
// when the bundle's policy is used. It is shared: do not change it.
func (d *Desk) Policy() *rules.Policy {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.policy
}

// trust returns the bundle in use, and says once when there is none.
func (d *Desk) trust() *bundle.Bundle {
	b := d.o.Trust()
	d.mu.Lock()
	warn := b == nil && !d.noTrust
	d.noTrust = b == nil
	d.mu.Unlock()
	if warn {
		d.log.Warn("no trust bundle: every pass is refused, to be verified by hand")
	}
	return b
}

// IsPayload tells whether a line typed into the kiosk is a scanned pass:
// a keyboard-wedge scanner types the QR content and Enter.
func IsPayload(line string) bool {
	return strings.HasPrefix(strings.TrimSpace(line), verify.Prefix)
}

// Scan verifies a pass and records the guest.
func (d *Desk) Scan(s Scan) Outcome {
	now := s.At
	if now.IsZero() {
		now = d.o.Now()
	}
	payload := strings.TrimSpace(s.Payload)
	key := sha256.Sum256([]byte(payload))
	d.mu.Lock()
	for {
		p, ok := d.seen[key]
		if !ok || p.ready && now.Sub(p.at) >= d.o.Window {
			break
		}
		if !p.ready { // being verified: its outcome is this one's
			d.mu.Unlock()
			<-p.done
			d.mu.Lock()
			continue
		}
		p.at = now
		out := p.outcome
		d.mu.Unlock()
		out.Duplicate, out.Time, out.Method = true, now, s.Method
		return out
	}
	d.forget(now)
	p := &seenPass{at: now, done: make(chan struct{})}
	d.seen[key] = p
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		if !p.ready && d.seen[key] == p { // verifying or recording panicked
			delete(d.seen, key)
		}
		d.mu.Unlock()
		close(p.done)
	}()

	out := d.judge(payload, now, s.Method)
	d.mu.Lock()
	p.outcome, p.ready = out, true
	if len(out.Needs) > 0 {
		// Waiting for a companion is not an outcome to repeat: shown
		// again, the pass is judged again and waits anew.
		delete(d.seen, key)
	}
	d.mu.Unlock()
	return out
}

// judge verifies a pass shown for the first time within the window and
// records the guest. A pass waiting for its companion (2G+) is judged
// with this one when they name the same holder.
func (d *Desk) judge(payload string, now time.Time, method entry.Method) Outcome {
	out := Outcome{Time: now, Method: method}
	b := d.trust()
	if b == nil {
		out.Verdict = &verify.Verdict{Status: verify.NotValid, Reasons: []verify.Reason{ReasonNoTrust},
			Detail: "no trust bundle on this kiosk"}
		out.Reason = ReasonNoTrust
	} else {
		vf := &verify.Verifier{Trust: b, Policy: d.policyFor(b), Lang: d.o.Lang}
		var first string
		if st, wrong := d.clockWrong(now); wrong {
			out.Verdict, first = untimed(vf, payload, st), payload
		} else {
			out.Verdict, first = d.pair(vf, payload, now)
		}
		out.Pair = out.Verdict.Pass != nil && countEntries(out.Verdict.Pass) > 1
		out.Stale = b.Expired(now)
		out.Admitted = out.Verdict.Status == verify.Valid
		if !out.Admitted {
			out.Reason = string(out.Verdict.Reasons[0])
		}
		if len(out.Verdict.Needs) > 0 {
			out.Reason = ReasonCompanion
			out.Needs = out.Verdict.Needs
			out.NeedsUntil = now.Add(d.o.PairWindow)
			d.mu.Lock()
			d.waiting = &waiting{payload: first, until: out.NeedsUntil, day: d.day(now)}
			d.mu.Unlock()
		}
	}
	if d.elsewhere(&out, now) {
		return out
	}
	if d.o.Register != nil {
		e, sealErr := d.entryOf(&out, b)
		d.keep(&out, e, sealErr)
	}
	d.count(&out)
	return out
}

// policyFor is the policy passes are judged by: the preset staff chose,
// else the bundle's.
func (d *Desk) policyFor(b *bundle.Bundle) *rules.Policy {
	if p := d.Policy(); p != nil {
		return p.WithValueSets(b.Policy().ValueSets)
	}
	return b.Policy()
}

// forget drops passes older than the window, not those being verified;
// d.mu is held.
func (d *Desk) forget(now time.Time) {
	if len(d.seen) < 256 {
		return
	}
	for k, p := range d.seen {
		if p.ready && now.Sub(p.at) >= d.o.Window {
			delete(d.seen, k)
		}
	}
}

func (d *Desk) count(out *Outcome) {
	d.mu.Lock()
	defer d.mu.Unlock()
	day := d.day(out.Time)
	if d.counts.Day != day {
		d.counts = Counts{Day: day}
	}
	switch {
	case len(out.Needs) > 0: // counted when the pair is judged, or lapses
	case out.Method == entry.Manual:
		d.counts.Manual++
	case out.Admitted:
		d.counts.Admitted++
	default:
		d.counts.Refused++
	}
}

// Counts returns today's figures (guests, not duplicate showings).
func (d *Desk) Counts() Counts {
	d.mu.Lock()
	defer d.mu.Unlock()
	if day := d.day(d.o.Now()); d.counts.Day != day {
		return Counts{Day: day}
	}
	return d.counts
}
