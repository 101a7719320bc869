package checkin

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/pin"
)

// The audit events: staff actions the register keeps beside the guests
// (entry.Audit), synced to the hub and exported with them. A manual
// entry is an entry of its own and needs no event.
const (
	AuditPINFailed  = "pin-failed"  // a wrong PIN, or an unknown staff id
	AuditPINLockout = "pin-lockout" // a wrong PIN that started a wait
	AuditAdminOpen  = "admin-open"  // the admin menu opened under a PIN
	AuditPolicySet  = "policy-set"  // + ":" + the preset ("bundle": the bundle's own)
	AuditCameraSet  = "camera-set"  // the device in the note
	AuditPurge      = "purge"       // + ":" + how many entries went
	AuditQuit       = "quit"        // staff quit the kiosk
)

// PolicySet is the event code of a policy change to preset name ("" for
// the bundle's own policy).
func PolicySet(name string) string {
	if name == "" {
		name = "bundle"
	}
	return AuditPolicySet + ":" + name
}

// Purged is the event code of a purge that removed n entries.
func Purged(n int) string { return AuditPurge + ":" + strconv.Itoa(n) }

// ErrAudit wraps what is wrong with an audit event asked for.
var ErrAudit = errors.New("audit event")

// Audit records a staff action in the register: event is its code (the
// Audit constants, PolicySet, Purged), staff who did it when known, detail
// a short free text (a device, a wait), never a PIN or a guest's data.
// Without a register it records nothing and returns a zero entry. An
// event that does not make a valid entry is refused with ErrAudit, and
// nothing is stored.
func (d *Desk) Audit(event, staff, detail string) (entry.Entry, error) {
	if d.o.Register == nil {
		return entry.Entry{}, nil
	}
	e := entry.Entry{Time: d.o.Now().UTC(), Venue: d.o.Venue, Kiosk: d.o.Kiosk, Method: entry.Audit,
		Outcome: entry.Event, Reason: event, Staff: staff, Note: detail}
	e, err := d.record(e)
	if err != nil {
		d.log.Error("audit event not recorded", "event", event, "staff", staff, "err", err)
		return e, fmt.Errorf("%w %q: %w", ErrAudit, event, err)
	}
	return e, nil
}

// PINChecker checks staff PINs (pin.Guard is one; so is ui.PINChecker).
type PINChecker interface {
	Check(staff, pin string, now time.Time) (ok bool, retryAfter time.Duration, err error)
}

// AuditPINs wraps a PIN checker so that each wrong PIN is recorded as an
// audit event (AuditPINFailed, or AuditPINLockout when it starts a wait,
// the wait in the note; an unknown staff id is not kept). A try during a wait is not checked (pin.ErrLocked)
// and records nothing: the lockout that started it is recorded. A right
// PIN records nothing by itself: what it opened does (AuditAdminOpen,
// AuditQuit, the manual entry).
func (d *Desk) AuditPINs(g PINChecker) PINChecker { return auditedPINs{g: g, d: d} }

type auditedPINs struct {
	g PINChecker
	d *Desk
}

func (a auditedPINs) Check(staff, p string, now time.Time) (bool, time.Duration, error) {
	ok, retry, err := a.g.Check(staff, p, now)
	detail := ""
	if errors.Is(err, pin.ErrUnknownStaff) {
		// What was typed is no staff id, and may be a PIN typed in the
		// wrong field: it does not go to the register and the hub.
		staff, detail = "", "unknown staff id"
	}
	switch {
	case ok, errors.Is(err, pin.ErrLocked):
	case retry > 0:
		_, _ = a.d.Audit(AuditPINLockout, staff, strings.TrimPrefix(detail+", ", ", ")+"wait "+retry.String())
	default:
		_, _ = a.d.Audit(AuditPINFailed, staff, detail)
	}
	return ok, retry, err
}
