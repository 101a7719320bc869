package hub

import (
	"context"
	"fmt"
	"math"
	"time"
	"unicode"
	"unicode/utf8"
)

// KioskStatus is what a kiosk last reported of itself (with a push or a
// heartbeat), and when the hub heard it. It carries no holder's data.
type KioskStatus struct {
	Kiosk string    `json:"kiosk"`
	Venue string    `json:"venue"`
	Seen  time.Time `json:"seen"` // the hub's clock when the report arrived

	BundleSequence uint64    `json:"bundle_sequence"` // the bundle in use; 0: none
	Waiting        int       `json:"waiting"`         // entries not yet acknowledged
	OldestWaiting  time.Time `json:"oldest_waiting,omitzero"`
	Clock          time.Time `json:"clock"` // the kiosk's clock when it sent the report
	Version        string    `json:"version"`
	// Camera is the camera's state: "streaming", "connecting", "lost",
	// "stopped", or "none" for a kiosk without one (sync only).
	Camera    string `json:"camera"`
	LastError string `json:"last_error,omitempty"`
}

// StatusStore keeps the last status of each kiosk. Every Store has it.
type StatusStore interface {
	// PutStatus keeps st as the kiosk's last status, replacing the one
	// before. st.Kiosk and st.Venue are the authenticated kiosk's. A zero
	// Seen is the store's clock; times are kept in UTC, to the
	// microsecond. ErrInvalid when st does not pass CheckStatus,
	// ErrNotFound when the store has no such kiosk. A revoked kiosk's last
	// status stays (it cannot send another: the hub refuses its token).
	PutStatus(ctx context.Context, st KioskStatus) error
	// Statuses returns the last status of every kiosk that reported one,
	// by kiosk id.
	Statuses(ctx context.Context) ([]KioskStatus, error)
}

// Limits of a KioskStatus's fields (CheckStatus).
const (
	MaxVersion   = 64  // bytes of Version
	MaxCamera    = 32  // bytes of Camera
	MaxLastError = 512 // bytes of LastError
)

// CheckStatus checks a status before it is stored: ids as AddKiosk takes
// them, a clock, a count of waiting entries that is not negative (and an
// oldest waiting entry only when one waits), a bundle sequence below 2^63
// (as Publish takes), a version and a camera state that are short words,
// and a last error that is short text with no control or bidi characters
// (the operator's page shows it). The error, ErrInvalid, names the field.
func CheckStatus(st KioskStatus) error {
	if err := checkName("kiosk", st.Kiosk); err != nil {
		return err
	}
	if err := checkName("venue", st.Venue); err != nil {
		return err
	}
	switch {
	case st.Clock.IsZero():
		return fmt.Errorf("%w: clock: the kiosk's time is required", ErrInvalid)
	case st.Clock.Year() < 2000 || st.Clock.Year() > 9999:
		return fmt.Errorf("%w: clock %s: not a time of this era", ErrInvalid, st.Clock.Format(time.RFC3339))
	case st.Waiting < 0:
		return fmt.Errorf("%w: waiting %d: a count, 0 or more", ErrInvalid, st.Waiting)
	case st.Waiting == 0 && !st.OldestWaiting.IsZero():
		return fmt.Errorf("%w: oldest_waiting is set but waiting is 0", ErrInvalid)
	case !st.OldestWaiting.IsZero() && (st.OldestWaiting.Year() < 2000 || st.OldestWaiting.Year() > 9999):
		return fmt.Errorf("%w: oldest_waiting %s: not a time of this era", ErrInvalid, st.OldestWaiting.Format(time.RFC3339))
	case st.BundleSequence > math.MaxInt64:
		return fmt.Errorf("%w: bundle_sequence %d: a sequence is below 2^63", ErrInvalid, st.BundleSequence)
	}
	if err := checkWord("version", st.Version, MaxVersion, func(r rune) bool { return unicode.IsPrint(r) && !unicode.IsSpace(r) }); err != nil {
		return err
	}
	if err := checkWord("camera", st.Camera, MaxCamera, func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_'
	}); err != nil {
		return err
	}
	if len(st.LastError) > MaxLastError {
		return fmt.Errorf("%w: last_error: %d bytes, at most %d", ErrInvalid, len(st.LastError), MaxLastError)
	}
	if !utf8.ValidString(st.LastError) {
		return fmt.Errorf("%w: last_error is not UTF-8", ErrInvalid)
	}
	for _, r := range st.LastError {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return fmt.Errorf("%w: last_error holds the control character %U", ErrInvalid, r)
		}
	}
	return nil
}

// checkWord checks a short field of 1 to max bytes of runes that ok takes.
func checkWord(what, s string, max int, ok func(rune) bool) error {
	if s == "" || len(s) > max {
		return fmt.Errorf("%w: %s: 1 to %d bytes, got %d", ErrInvalid, what, max, len(s))
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s %q is not UTF-8", ErrInvalid, what, s)
	}
	for _, r := range s {
		if !ok(r) {
			return fmt.Errorf("%w: %s %q: the character %U is not allowed", ErrInvalid, what, s, r)
		}
	}
	return nil
}

// Normal is st as a store keeps it: Seen the store's clock now when zero,
// times in UTC to the microsecond (what PostgreSQL keeps, so every store
// gives back the same).
func (st KioskStatus) Normal(now func() time.Time) KioskStatus {
	if st.Seen.IsZero() {
		st.Seen = now()
	}
	return st.utc()
}

// utc is st with its times in UTC, to the microsecond.
func (st KioskStatus) utc() KioskStatus {
	st.Seen = micro(st.Seen)
	st.Clock = micro(st.Clock)
	st.OldestWaiting = micro(st.OldestWaiting)
	return st
}

func micro(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}
