package hub

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"
)

// Authority is a health authority's account on the hub: it may read the
// entries (QueryStore) through /v1/authority/..., and nothing else. Its
// token is not a kiosk's: the stores keep the two apart (a table, a bucket
// each), so a kiosk token never authenticates as an authority and an
// authority token never pushes entries.
type Authority struct {
	Name    string    `json:"name"`
	Added   time.Time `json:"added"`
	Revoked time.Time `json:"revoked,omitzero"` // zero while active
}

// AuthorityStore keeps the authorities' accounts. Every Store has it.
type AuthorityStore interface {
	// AddAuthority makes an account and returns its bearer token, which the
	// store keeps only as a SHA-256 (TokenSum): it cannot be shown again.
	// A name that is active is ErrExists; a revoked one may be added
	// again, with a new token.
	AddAuthority(ctx context.Context, name string) (token string, err error)
	// Authorities lists the accounts, revoked ones too, by name.
	Authorities(ctx context.Context) ([]Authority, error)
	// RevokeAuthority makes an account's token worthless at once.
	// ErrNotFound when there is no such account.
	RevokeAuthority(ctx context.Context, name string) error
	// AuthenticateAuthority returns the active account a token belongs
	// to, or ErrUnauthorized: a kiosk's token is ErrUnauthorized too.
	AuthenticateAuthority(ctx context.Context, token string) (Authority, error)
}

// NewAuthorityToken checks an authority's name (ErrInvalid: as a kiosk id,
// printable, no spaces, at most entry.MaxField bytes) and makes its bearer
// token, of the same form as a kiosk's. Every store's AddAuthority starts
// with it.
func NewAuthorityToken(name string) (token string, sum [32]byte, err error) {
	if err := checkName("authority", name); err != nil {
		return "", sum, err
	}
	var raw [32]byte
	rand.Read(raw[:]) // never fails (crypto/rand)
	token = base64.RawURLEncoding.EncodeToString(raw[:])
	return token, TokenSum(token), nil
}

// TokenLen is the length of every token the hub issues: 32 bytes in
// unpadded base64url. A store refuses any other before hashing it.
const TokenLen = 43

// MaxWindow is the longest window an authority may ask for at once: a
// month, more than the 28 days entries are kept.
const MaxWindow = 31 * 24 * time.Hour

// CheckWindow checks a query's window (ErrInvalid): both ends given,
// from before to, at most MaxWindow long.
func CheckWindow(from, to time.Time) error {
	switch {
	case from.IsZero() || to.IsZero():
		return fmt.Errorf("%w: a window needs both from and to", ErrInvalid)
	case !from.Before(to):
		return fmt.Errorf("%w: window from %s to %s: from must be before to", ErrInvalid, from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano))
	case to.Sub(from) > MaxWindow:
		return fmt.Errorf("%w: window from %s to %s is longer than %d days", ErrInvalid, from.Format(time.RFC3339), to.Format(time.RFC3339), MaxWindow/(24*time.Hour))
	}
	return nil
}

// Check checks a query as an authority asked it (ErrInvalid): a venue id,
// a window (CheckWindow), a holder pseudonym no longer than an entry may
// carry.
func (q Query) Check() error {
	if err := checkName("venue", q.Venue); err != nil {
		return err
	}
	if q.Holder != "" {
		if err := checkName("holder", q.Holder); err != nil {
			return err
		}
	}
	return CheckWindow(q.From, q.To)
}
