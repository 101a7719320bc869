package checkin

import (
	"fmt"
	"strings"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/verify"
)

// entryOf makes the register's entry for a scan's outcome. The error is
// why the holder's contact could not be sealed: the entry is then kept
// without it.
func (d *Desk) entryOf(out *Outcome, b *bundle.Bundle) (entry.Entry, error) {
	e := entry.Entry{Time: out.Time.UTC(), Venue: d.o.Venue, Kiosk: d.o.Kiosk, Method: out.Method,
		Outcome: entry.Refused, Reason: out.Reason, Format: "eu-dcc"}
	if out.Admitted {
		e.Outcome = entry.Admitted
	}
	v := out.Verdict
	if len(v.Reasons) > 1 && (v.Reasons[0] == verify.RuleFailed || v.Reasons[0] == verify.RuleError) {
		e.Reason += ":" + string(v.Reasons[1]) // which rule: the audit trail names it
	}
	e.Country = v.Country
	var err error
	if p := v.Pass; p != nil {
		e.Type = p.Type
		if p.UVCI != "" {
			e.Holder = entry.Pseudonym(d.o.Secret, p.UVCI)
		}
		name := strings.TrimSpace(p.FamilyName + " " + p.GivenName)
		e.Contact, err = d.seal(b, entry.Contact{Name: name, DateOfBirth: p.DateOfBirth, UVCI: p.UVCI})
	}
	return e, err
}

// seal seals a contact to the health authority when the bundle's policy
// traces contacts; else it returns nil.
func (d *Desk) seal(b *bundle.Bundle, c entry.Contact) ([]byte, error) {
	if b == nil || !b.Policy().ContactTracing || b.Authority() == nil {
		return nil, nil
	}
	return entry.Seal(d.o.Rand, b.Authority(), c)
}

// keep records an entry for the outcome and logs what went wrong: the
// register's error (the outcome carries it to the screen too) and a
// contact that could not be sealed (sealErr), which only the log tells.
func (d *Desk) keep(out *Outcome, e entry.Entry, sealErr error) {
	out.Entry, out.RecordErr = d.record(e)
	out.Recorded = out.RecordErr == nil
	if out.RecordErr == nil && sealErr == nil {
		return
	}
	ids := []any{"entry", out.Entry.ID, "method", string(out.Method)}
	if e.Staff != "" {
		ids = append(ids, "staff", e.Staff)
	}
	if out.RecordErr != nil {
		d.log.Error("entry not recorded", append(ids, "err", out.RecordErr)...)
	}
	if sealErr != nil {
		d.log.Error("contact for the health authority not sealed: entry kept without it", append(ids, "err", sealErr)...)
	}
}

// record gives the entry an id and keeps it.
func (d *Desk) record(e entry.Entry) (entry.Entry, error) {
	d.mu.Lock()
	id, err := d.ids.New(e.Time)
	d.mu.Unlock()
	if err != nil {
		return e, fmt.Errorf("record entry: %w", err)
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
