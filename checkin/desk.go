// Package checkin is the desk: every guest at the door goes through it,
// whether the pass came from the camera, a keyboard-wedge scanner or the
// staff's manual form. It verifies with the trust bundle in use, folds a
// pass shown again within the duplicate window into the first outcome,
// records the entry in the register, and returns one Outcome per guest for
// the screen. It has no UI code and is tested without a terminal.
package checkin

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/entry"
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
	// Policy, when set, replaces the bundle's entry policy.
	Policy *verify.Policy
	// Register records entries; nil records nothing (verdicts only).
	Register Recorder
	// Secret is the venue's pseudonym key (store.DB.VenueSecret).
	Secret []byte
	// Window is how long a pass shown again counts as the same guest;
	// 0 means 5 minutes.
	Window time.Duration
	// Now is the clock of verdicts and entries; nil means time.Now.
	Now func() time.Time
	// Rand is the randomness of entry ids and sealed contacts; nil means
	// crypto/rand.
	Rand io.Reader
	// Recorded, if set, is called after an entry was recorded (to wake
	// uplink's push).
	Recorded func()
}

// Scan is a pass that reached the desk.
type Scan struct {
	Payload string
	Method  entry.Method // entry.Camera or entry.ScannerDevice
	// At is when it was read; zero means now.
	At time.Time
}

// Manual reasons staff choose from.
const (
	ReasonPaper     = "paper-certificate" // a paper certificate, checked by eye
	ReasonExemption = "exemption"         // medical exemption
	ReasonOutage    = "outage"            // the system could not verify
	ReasonOther     = "other"             // with a note
)

// ManualReasons lists the reasons of the manual form, in its order (a new
// slice each call: callers may not change the desk's list).
func ManualReasons() []string {
	return []string{ReasonPaper, ReasonExemption, ReasonOutage, ReasonOther}
}

// Manual is an entry recorded by staff, after the UI checked their PIN.
type Manual struct {
	Staff  string
	Reason string // one of ManualReasons
	Note   string // required for ReasonOther
	// Name and DateOfBirth, when the policy asks for contact tracing.
	Name, DateOfBirth string
	Refused           bool // staff refused entry (default: admitted)
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

// Desk is the check-in desk. Safe for concurrent use.
type Desk struct {
	o Options

	mu     sync.Mutex
	policy *verify.Policy // replaces the bundle's policy when set
	ids    *entry.IDs
	seen   map[[32]byte]seenPass
	counts Counts
}

type seenPass struct {
	at      time.Time
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
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Register != nil && len(o.Secret) < 16 {
		return nil, errors.New("checkin: a register needs the venue secret (16 bytes or more)")
	}
	d := &Desk{o: o, ids: entry.NewIDs(o.Rand), seen: map[[32]byte]seenPass{}}
	d.SetPolicy(o.Policy)
	return d, nil
}

// SetPolicy replaces the entry policy from now on (staff choosing a preset
// in the admin menu); nil goes back to the bundle's policy. Passes still
// within the duplicate window keep their earlier outcome.
func (d *Desk) SetPolicy(p *verify.Policy) {
	if p != nil {
		c := *p
		p = &c
	}
	d.mu.Lock()
	d.policy = p
	d.mu.Unlock()
}

// Policy returns the policy set with SetPolicy (or Options.Policy), nil
// when the bundle's policy is used.
func (d *Desk) Policy() *verify.Policy {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.policy == nil {
		return nil
	}
	c := *d.policy
	return &c
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
	if p, ok := d.seen[key]; ok && now.Sub(p.at) < d.o.Window {
		d.seen[key] = seenPass{at: now, outcome: p.outcome}
		d.mu.Unlock()
		out := p.outcome
		out.Duplicate, out.Time, out.Method = true, now, s.Method
		return out
	}
	d.forget(now)
	d.mu.Unlock()

	out := Outcome{Time: now, Method: s.Method}
	b := d.o.Trust()
	if b == nil {
		out.Verdict = &verify.Verdict{Status: verify.NotValid, Reasons: []verify.Reason{ReasonNoTrust},
			Detail: "no trust bundle on this kiosk"}
		out.Reason = ReasonNoTrust
	} else {
		policy := b.Policy()
		if p := d.Policy(); p != nil {
			policy = *p
		}
		out.Verdict = (&verify.Verifier{Trust: b, Policy: policy}).Verify(payload, now)
		out.Stale = b.Expired(now)
		out.Admitted = out.Verdict.Status == verify.Valid
		if !out.Admitted {
			out.Reason = string(out.Verdict.Reasons[0])
		}
	}
	if d.o.Register != nil {
		out.Entry, out.RecordErr = d.record(d.entryOf(&out, b))
		out.Recorded = out.RecordErr == nil
	}
	d.count(&out)
	d.mu.Lock()
	d.seen[key] = seenPass{at: now, outcome: out}
	d.mu.Unlock()
	return out
}

// forget drops passes older than the window; d.mu is held.
func (d *Desk) forget(now time.Time) {
	if len(d.seen) < 256 {
		return
	}
	for k, p := range d.seen {
		if now.Sub(p.at) >= d.o.Window {
			delete(d.seen, k)
		}
	}
}

// entryOf makes the register's entry for a scan's outcome.
func (d *Desk) entryOf(out *Outcome, b *bundle.Bundle) entry.Entry {
	e := entry.Entry{Time: out.Time.UTC(), Venue: d.o.Venue, Kiosk: d.o.Kiosk, Method: out.Method,
		Outcome: entry.Refused, Reason: out.Reason, Format: "eu-dcc"}
	if out.Admitted {
		e.Outcome = entry.Admitted
	}
	v := out.Verdict
	e.Country = v.Country
	if p := v.Pass; p != nil {
		e.Type = p.Type
		if p.UVCI != "" {
			e.Holder = entry.Pseudonym(d.o.Secret, p.UVCI)
		}
		if b != nil && b.Policy().ContactTracing && b.Authority() != nil {
			name := strings.TrimSpace(p.FamilyName + " " + p.GivenName)
			if sealed, err := entry.Seal(d.o.Rand, b.Authority(), entry.Contact{Name: name, DateOfBirth: p.DateOfBirth, UVCI: p.UVCI}); err == nil {
				e.Contact = sealed
			}
		}
	}
	return e
}

// record gives the entry an id and keeps it.
func (d *Desk) record(e entry.Entry) (entry.Entry, error) {
	d.mu.Lock()
	id, err := d.ids.New(e.Time)
	d.mu.Unlock()
	if err != nil {
		return e, err
	}
	e.ID = id
	if err := d.o.Register.Record(e); err != nil {
		return e, fmt.Errorf("record entry: %w", err)
	}
	if d.o.Recorded != nil {
		d.o.Recorded()
	}
	return e, nil
}

// ErrManual wraps what is wrong with a manual entry.
var ErrManual = errors.New("manual entry")

// Manual records an entry made by staff. The caller has checked the PIN.
func (d *Desk) Manual(m Manual) (Outcome, error) {
	switch {
	case m.Staff == "":
		return Outcome{}, fmt.Errorf("%w: no staff id", ErrManual)
	case !slices.Contains(ManualReasons(), m.Reason):
		return Outcome{}, fmt.Errorf("%w: reason %q (want one of %s)", ErrManual, m.Reason, strings.Join(ManualReasons(), ", "))
	case m.Reason == ReasonOther && strings.TrimSpace(m.Note) == "":
		return Outcome{}, fmt.Errorf("%w: reason %q needs a note", ErrManual, ReasonOther)
	}
	now := d.o.Now()
	out := Outcome{Time: now, Method: entry.Manual, Manual: &m, Admitted: !m.Refused, Reason: m.Reason}
	if d.o.Register != nil {
		e := entry.Entry{Time: now.UTC(), Venue: d.o.Venue, Kiosk: d.o.Kiosk, Method: entry.Manual,
			Outcome: entry.Admitted, Reason: m.Reason, Staff: m.Staff, Note: m.Note}
		if m.Refused {
			e.Outcome = entry.Refused
		}
		if b := d.o.Trust(); b != nil && b.Policy().ContactTracing && b.Authority() != nil && m.Name != "" {
			if sealed, err := entry.Seal(d.o.Rand, b.Authority(), entry.Contact{Name: m.Name, DateOfBirth: m.DateOfBirth}); err == nil {
				e.Contact = sealed
			}
		}
		out.Entry, out.RecordErr = d.record(e)
		out.Recorded = out.RecordErr == nil
	}
	d.count(&out)
	return out, nil
}

func (d *Desk) count(out *Outcome) {
	d.mu.Lock()
	defer d.mu.Unlock()
	day := out.Time.Format(time.DateOnly)
	if d.counts.Day != day {
		d.counts = Counts{Day: day}
	}
	switch {
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
	if day := d.o.Now().Format(time.DateOnly); d.counts.Day != day {
		return Counts{Day: day}
	}
	return d.counts
}
