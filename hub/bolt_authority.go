package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The authorities' accounts, apart from the kiosks': a token is looked up
// in the bucket of the role asked for only.
var (
	bucketAuthorities     = []byte("authorities")      // name → authorityRecord JSON
	bucketAuthorityTokens = []byte("authority_tokens") // SHA-256 of a token → name
)

// authorityRecord is an Authority as stored, with the hash of its token.
type authorityRecord struct {
	Authority
	TokenSHA256 []byte `json:"token_sha256"`
}

// initAuthority makes the authorities' buckets.
func initAuthority(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketAuthorities, bucketAuthorityTokens} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// AddAuthority implements AuthorityStore.
func (s *Bolt) AddAuthority(ctx context.Context, name string) (string, error) {
	token, sum, err := NewAuthorityToken(name)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	v, err := json.Marshal(authorityRecord{Authority: Authority{Name: name, Added: s.now().UTC()}, TokenSHA256: sum[:]})
	if err != nil {
		return "", err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		ab := tx.Bucket(bucketAuthorities)
		if old := ab.Get([]byte(name)); old != nil {
			var o authorityRecord
			if err := json.Unmarshal(old, &o); err != nil {
				return fmt.Errorf("authority %s's record: %w", name, err)
			}
			if o.Revoked.IsZero() {
				return fmt.Errorf("%w: authority %s is active; revoke it first to issue a new token", ErrExists, name)
			}
		}
		if err := ab.Put([]byte(name), v); err != nil {
			return err
		}
		return tx.Bucket(bucketAuthorityTokens).Put(sum[:], []byte(name))
	})
	if err != nil {
		return "", fmt.Errorf("add authority: %w", err)
	}
	return token, nil
}

// Authorities implements AuthorityStore.
func (s *Bolt) Authorities(ctx context.Context) ([]Authority, error) {
	var out []Authority
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAuthorities).ForEach(func(k, v []byte) error {
			var r authorityRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("authority %s's record: %w", k, err)
			}
			out = append(out, r.Authority)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list authorities: %w", err)
	}
	return out, nil
}

// RevokeAuthority implements AuthorityStore. Revoking a revoked account
// does nothing: its time revoked stays the first one.
func (s *Bolt) RevokeAuthority(ctx context.Context, name string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		ab := tx.Bucket(bucketAuthorities)
		v := ab.Get([]byte(name))
		if v == nil {
			return fmt.Errorf("%w: no authority %q", ErrNotFound, name)
		}
		var r authorityRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("authority %s's record: %w", name, err)
		}
		if !r.Revoked.IsZero() {
			return nil
		}
		r.Revoked = s.now().UTC()
		nv, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketAuthorityTokens).Delete(r.TokenSHA256); err != nil {
			return err
		}
		return ab.Put([]byte(name), nv)
	})
	if err != nil {
		return fmt.Errorf("revoke authority: %w", err)
	}
	return nil
}

// AuthenticateAuthority implements AuthorityStore. It looks in the
// authorities' buckets only: a kiosk's token is not there.
func (s *Bolt) AuthenticateAuthority(ctx context.Context, token string) (Authority, error) {
	if len(token) != TokenLen {
		return Authority{}, ErrUnauthorized
	}
	sum := TokenSum(token)
	var r authorityRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		name := tx.Bucket(bucketAuthorityTokens).Get(sum[:])
		if name == nil {
			return ErrUnauthorized
		}
		v := tx.Bucket(bucketAuthorities).Get(name)
		if v == nil {
			return ErrUnauthorized
		}
		return json.Unmarshal(v, &r)
	})
	if err != nil {
		if errors.Is(err, ErrUnauthorized) {
			return Authority{}, err
		}
		return Authority{}, fmt.Errorf("authenticate authority: %w", err)
	}
	// As for kiosks: only the record's token counts.
	if !r.Revoked.IsZero() || string(r.TokenSHA256) != string(sum[:]) {
		return Authority{}, ErrUnauthorized
	}
	return r.Authority, nil
}
