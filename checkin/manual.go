package checkin

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/passgate/passgate/entry"
)

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
		b := d.trust()
		var sealErr error
		if m.Name != "" {
			e.Contact, sealErr = d.seal(b, entry.Contact{Name: m.Name, DateOfBirth: m.DateOfBirth})
		}
		d.keep(&out, e, sealErr)
	}
	d.count(&out)
	return out, nil
}
