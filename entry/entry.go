// Package entry is the record of one guest at the door, as the kiosk's
// register stores it and as it travels to the hub: its fields, its JSON
// form, its checks, its time-ordered id, the holder pseudonym and the
// contact details sealed to the health authority. store, uplink and hub
// share it; it does no I/O.
package entry

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/oklog/ulid/v2"
	"golang.org/x/crypto/nacl/box"
)

// Method is how the pass reached the kiosk.
type Method string

// The methods.
const (
	Camera        Method = "camera"
	ScannerDevice Method = "scanner-device" // a keyboard-wedge 2D scanner
	Manual        Method = "manual"         // recorded by staff under their PIN
	// Audit is no guest but a staff action at the kiosk (see Event): it
	// is kept, synced and exported with the guests' entries, and counted
	// apart from them.
	Audit Method = "audit"
)

// Outcome is what the door did.
type Outcome string

// The outcomes.
const (
	Admitted Outcome = "admitted"
	Refused  Outcome = "refused"
	// Event is the outcome of an audit event (Method Audit) and of
	// nothing else.
	Event Outcome = "event"
)

// Entry is one guest at the door.
type Entry struct {
	// ID is a ULID: unique, and ordered by the time it was made.
	ID      string    `json:"id"`
	Time    time.Time `json:"time"` // UTC
	Venue   string    `json:"venue"`
	Kiosk   string    `json:"kiosk"`
	Method  Method    `json:"method"`
	Outcome Outcome   `json:"outcome"`
	// Reason is the verdict's first reason code (verify.Reason) for a
	// refusal; for a manual entry, the staff's reason (paper-certificate,
	// exemption, outage, other); for an audit event, the event's code
	// (checkin.Audit*: "pin-failed", "policy-set:2g", "purge:120"…).
	Reason  string `json:"reason,omitempty"`
	Format  string `json:"format,omitempty"`  // "eu-dcc"
	Type    string `json:"type,omitempty"`    // "v", "t" or "r"
	Country string `json:"country,omitempty"` // issuing country
	// Holder is a pseudonym of the pass holder: HMAC-SHA256 of the UVCI
	// under the venue's secret, in hex. Repeat visits link; who it is does
	// not show.
	Holder string `json:"holder,omitempty"`
	Staff  string `json:"staff,omitempty"` // manual entries and audit events: who
	Note   string `json:"note,omitempty"`  // manual entries, audit events: free text
	// Contact is the holder's name, date of birth and UVCI sealed to the
	// health authority (see Seal), when the policy asks for contact
	// tracing. Only the authority's private key opens it.
	Contact []byte `json:"contact,omitempty"`
}

// Limits on what an entry may hold, so a register or a hub cannot be
// filled by one malformed record.
const (
	MaxField   = 128
	MaxNote    = 512
	MaxContact = 1024
)

// ErrInvalid wraps every error of Check.
var ErrInvalid = errors.New("invalid entry")

// Check tells whether the entry is well formed.
func (e *Entry) Check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrInvalid, e.ID, fmt.Sprintf(format, args...))
	}
	id, err := ulid.ParseStrict(e.ID)
	if err != nil {
		return bad("id is not a ULID: %v", err)
	}
	if id.String() != e.ID {
		// Ids are compared and purged as strings: "01fp…" would be a
		// second copy of "01FP…", kept by no rule.
		return bad("id is not in canonical form (upper case Crockford base32): want %s", id)
	}
	switch {
	case e.Time.IsZero():
		return bad("no time")
	case e.Venue == "" || e.Kiosk == "":
		return bad("no venue or kiosk")
	case e.Method != Camera && e.Method != ScannerDevice && e.Method != Manual && e.Method != Audit:
		return bad("method %q", e.Method)
	case e.Outcome != Admitted && e.Outcome != Refused && e.Outcome != Event:
		return bad("outcome %q", e.Outcome)
	case e.Method == Manual && e.Staff == "":
		return bad("manual entry without staff id")
	case e.Method == Audit && e.Outcome != Event:
		return bad("audit event with outcome %q (want %q)", e.Outcome, Event)
	case e.Method != Audit && e.Outcome == Event:
		return bad("outcome %q of a %s entry: only audit events have it", Event, e.Method)
	case e.Method == Audit && e.Reason == "":
		return bad("audit event without an event code")
	case e.Method == Audit && (e.Holder != "" || len(e.Contact) > 0):
		// An audit event is about staff: a guest's pseudonym or sealed
		// contact on it would reach the hub outside the guests' rules.
		return bad("audit event with a holder or contact")
	case e.Method == Audit && (e.Format != "" || e.Type != "" || e.Country != ""):
		return bad("audit event with a pass's format, type or country")
	case len(e.Note) > MaxNote || len(e.Contact) > MaxContact:
		return bad("note or contact too long")
	}
	for _, f := range []string{e.Venue, e.Kiosk, e.Reason, e.Format, e.Type, e.Country, e.Holder, e.Staff} {
		if len(f) > MaxField {
			return bad("field longer than %d bytes", MaxField)
		}
	}
	return nil
}

// Same tells whether a and b record the same: every field equal, the
// times as instants (a time zone or a monotonic reading is no difference),
// no contact and an empty one alike. A resent entry must be the same as
// the one held under its id.
func Same(a, b *Entry) bool {
	return a.ID == b.ID && a.Time.Equal(b.Time) && a.Venue == b.Venue && a.Kiosk == b.Kiosk &&
		a.Method == b.Method && a.Outcome == b.Outcome && a.Reason == b.Reason && a.Format == b.Format &&
		a.Type == b.Type && a.Country == b.Country && a.Holder == b.Holder && a.Staff == b.Staff &&
		a.Note == b.Note && bytes.Equal(a.Contact, b.Contact)
}

// IDs makes entry ids from a clock and a source of randomness, both
// injected so tests are reproducible. Ids from one IDs value increase
// strictly, even within a millisecond. Not safe for concurrent use.
type IDs struct {
	entropy *ulid.MonotonicEntropy
}

// NewIDs returns an id maker reading randomness from r (crypto/rand.Reader
// in production).
func NewIDs(r io.Reader) *IDs {
	return &IDs{entropy: ulid.Monotonic(r, 0)}
}

// New returns the id of an entry made at t.
func (g *IDs) New(t time.Time) (string, error) {
	id, err := ulid.New(ulid.Timestamp(t), g.entropy)
	if err != nil {
		return "", fmt.Errorf("entry id: %w", err)
	}
	return id.String(), nil
}

// IDTime is the time an id was made, to the millisecond.
func IDTime(id string) (time.Time, error) {
	u, err := ulid.ParseStrict(id)
	if err != nil {
		return time.Time{}, err
	}
	return ulid.Time(u.Time()).UTC(), nil
}

// Pseudonym is the holder pseudonym of a UVCI under a venue's secret.
func Pseudonym(secret []byte, uvci string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(uvci))
	return hex.EncodeToString(m.Sum(nil))
}

// Contact is what contact tracing needs of a holder.
type Contact struct {
	Name        string `json:"name"`
	DateOfBirth string `json:"dob"`
	UVCI        string `json:"uvci"`
}

// Seal encrypts c to the authority's X25519 public key as an anonymous
// sealed box: nobody but the holder of the private key can open it, the
// kiosk that sealed it included.
func Seal(rand io.Reader, authority *ecdh.PublicKey, c Contact) ([]byte, error) {
	if authority == nil || authority.Curve() != ecdh.X25519() {
		return nil, errors.New("seal contact: no X25519 authority key")
	}
	msg, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var pub [32]byte
	copy(pub[:], authority.Bytes())
	return box.SealAnonymous(nil, msg, &pub, rand)
}

// ErrSeal: a sealed contact did not open with the key given.
var ErrSeal = errors.New("sealed contact does not open with this key (wrong key, or damaged)")

// Open decrypts a sealed contact with the authority's private key.
func Open(sealed []byte, authority *ecdh.PrivateKey) (Contact, error) {
	var c Contact
	if authority == nil || authority.Curve() != ecdh.X25519() {
		return c, errors.New("open contact: no X25519 authority key")
	}
	var pub, priv [32]byte
	copy(pub[:], authority.PublicKey().Bytes())
	copy(priv[:], authority.Bytes())
	msg, ok := box.OpenAnonymous(nil, sealed, &pub, &priv)
	if !ok {
		return c, ErrSeal
	}
	if err := json.Unmarshal(msg, &c); err != nil {
		return c, fmt.Errorf("open contact: %w", err)
	}
	return c, nil
}

// Batch is the body of POST /v1/entries.
type Batch struct {
	Entries []Entry `json:"entries"`
}

// MaxBatch is the most entries a batch may hold.
const MaxBatch = 1000

// Ack is the hub's answer to a batch: the ids it holds now (stored before
// or just now), and those it refused, with why. A refused entry will be
// refused again: the kiosk keeps it and reports it.
type Ack struct {
	Acked    []string `json:"acked"`
	Rejected []Reject `json:"rejected,omitempty"`
}

// Reject is an entry the hub refused.
type Reject struct {
	ID    string `json:"id"`
	Error string `json:"error"`
}
