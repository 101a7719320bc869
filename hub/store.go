package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/passgate/passgate/entry"
)

// Store is where the hub keeps entries, kiosks and the published bundle.
// Bolt is the embedded implementation; a later one may use PostgreSQL.
// Implementations are safe for concurrent use.
type Store interface {
	// PutEntries stores the entries of one kiosk, all checked already by
	// the caller (entry.Check, and that they are the kiosk's own). It is
	// idempotent by entry id: an entry already held is acknowledged and not
	// stored again. An id held for another kiosk's entry is rejected.
	PutEntries(ctx context.Context, k Kiosk, entries []entry.Entry) (PutResult, error)
	// ExportEntries calls fn with every entry whose id was made at or after
	// since (the time the kiosk recorded it), in id order, until fn returns
	// an error, which ExportEntries returns.
	ExportEntries(ctx context.Context, since time.Time, fn func(entry.Entry) error) error
	// PurgeEntries deletes the entries whose id was made before before and
	// returns how many.
	PurgeEntries(ctx context.Context, before time.Time) (int, error)

	// AddKiosk registers a kiosk of a venue and returns its bearer token,
	// which the store keeps only as a SHA-256: it cannot be shown again.
	// A kiosk id is unique on the hub: adding one that is active is
	// ErrExists; a revoked one may be added again, with a new token.
	AddKiosk(ctx context.Context, venue, kiosk string) (token string, err error)
	// Kiosks lists the kiosks, revoked ones too, by id.
	Kiosks(ctx context.Context) ([]Kiosk, error)
	// RevokeKiosk makes a kiosk's token worthless at once. ErrNotFound
	// when there is no such kiosk.
	RevokeKiosk(ctx context.Context, kiosk string) error
	// Authenticate returns the active kiosk a token belongs to, or
	// ErrUnauthorized.
	Authenticate(ctx context.Context, token string) (Kiosk, error)

	// PutBundle makes data the bundle kiosks get. It checks nothing: use
	// Publish, which checks the signature and the sequence first.
	PutBundle(ctx context.Context, data []byte, sequence uint64) error
	// CurrentBundle returns the published bundle, or ErrNotFound. It is
	// called for every bundle request, so it must be cheap (a cached
	// value); the result is shared and must not be changed.
	CurrentBundle(ctx context.Context) (*Bundle, error)

	StatusStore    // each kiosk's last status (status.go)
	AuthorityStore // the health authority's accounts (authority.go)
	QueryStore     // the health authority's questions (query.go)
	UserStore      // the operator page's users and sessions (users.go)

	// Close releases the store.
	Close() error
}

// PutResult is what PutEntries did. Each entry given is in Acked or in
// Rejected (an id given twice, twice), each list in the order given.
type PutResult struct {
	Acked    []string       // held now: stored by this call, or before
	Rejected []entry.Reject // refused: the id is another kiosk's entry's
	New      int            // how many of Acked this call stored
}

// Kiosk is a device at a venue entrance, as the hub knows it.
type Kiosk struct {
	ID      string    `json:"id"`
	Venue   string    `json:"venue"`
	Added   time.Time `json:"added"`
	Revoked time.Time `json:"revoked,omitzero"` // zero while active
}

// Bundle is a published trust bundle.
type Bundle struct {
	Data      []byte
	Sequence  uint64
	SHA256    [32]byte
	Published time.Time
}

// NewBundle describes data as a bundle published at t.
func NewBundle(data []byte, sequence uint64, t time.Time) *Bundle {
	return &Bundle{Data: data, Sequence: sequence, SHA256: sha256.Sum256(data), Published: t}
}

// Errors of the hub. Each maps to one HTTP status (see statusOf).
var (
	// ErrUnauthorized: no token, an unknown one, or a revoked kiosk's.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: an authenticated kiosk asked for what it may not do.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: no such kiosk, bundle or segment.
	ErrNotFound = errors.New("not found")
	// ErrExists: a kiosk with this id is already active.
	ErrExists = errors.New("already exists")
	// ErrInvalid: a request or argument that is not well formed.
	ErrInvalid = errors.New("invalid")
	// ErrTooLarge: a batch of more than entry.MaxBatch entries, or a body
	// over the size cap.
	ErrTooLarge = errors.New("too large")
	// ErrOverloaded: more requests in flight than the hub takes; retry
	// after the time the response names.
	ErrOverloaded = errors.New("overloaded")
	// ErrUnavailable: the store cannot be reached or written just now (the
	// database is down, restarting or read-only); nothing was committed.
	// The server answers 503 with Retry-After.
	ErrUnavailable = errors.New("store unavailable")
	// ErrLocked: the data directory is in use by another process, most
	// likely a running `passhub serve`.
	ErrLocked = errors.New("data directory in use by another process")
)

// NewToken checks the venue and kiosk ids given to AddKiosk (ErrInvalid)
// and makes the kiosk's bearer token: 32 random bytes in base64url. A store
// keeps only TokenSum of it. Every Store's AddKiosk starts with it.
func NewToken(venue, kiosk string) (token string, sum [32]byte, err error) {
	if err := checkName("venue", venue); err != nil {
		return "", sum, err
	}
	if err := checkName("kiosk", kiosk); err != nil {
		return "", sum, err
	}
	var raw [32]byte
	rand.Read(raw[:]) // never fails (crypto/rand)
	token = base64.RawURLEncoding.EncodeToString(raw[:])
	return token, TokenSum(token), nil
}

// TokenSum is what a store keeps of a token, and looks it up by.
func TokenSum(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// checkName checks a venue or kiosk id given to AddKiosk: what an entry may
// carry, printable, no spaces.
func checkName(what, s string) error {
	if s == "" || len(s) > entry.MaxField {
		return fmt.Errorf("%w: %s id must have 1 to %d bytes", ErrInvalid, what, entry.MaxField)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s id %q is not UTF-8", ErrInvalid, what, s)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return fmt.Errorf("%w: %s id %q: only printable characters, no spaces", ErrInvalid, what, s)
		}
	}
	return nil
}
