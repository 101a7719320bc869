package pgstore

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/passgate/passgate/hub"
)

// AddKiosk implements hub.Store. Adding a kiosk that is revoked replaces
// its record: a new token, venue and time added.
func (s *Store) AddKiosk(ctx context.Context, venue, kiosk string) (string, error) {
	token, sum, err := hub.NewToken(venue, kiosk)
	if err != nil {
		return "", err
	}
	// One statement: two replicas adding the same kiosk cannot both win.
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO kiosks (id, venue, token_sha256, added) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE
			SET venue = excluded.venue, token_sha256 = excluded.token_sha256, added = excluded.added, revoked = NULL
			WHERE kiosks.revoked IS NOT NULL`,
		kiosk, venue, sum[:], s.clock())
	if err != nil {
		return "", fmt.Errorf("add kiosk: %w", classify(ctx, err))
	}
	if tag.RowsAffected() == 0 {
		var active string
		if err := s.pool.QueryRow(ctx, `SELECT venue FROM kiosks WHERE id = $1`, kiosk).Scan(&active); err != nil {
			return "", fmt.Errorf("add kiosk: %w", classify(ctx, err))
		}
		return "", fmt.Errorf("add kiosk: %w: kiosk %s (venue %s) is active; revoke it first to issue a new token", hub.ErrExists, kiosk, active)
	}
	return token, nil
}

// Kiosks implements hub.Store.
func (s *Store) Kiosks(ctx context.Context) ([]hub.Kiosk, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, venue, added, revoked FROM kiosks ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list kiosks: %w", classify(ctx, err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (hub.Kiosk, error) {
		var (
			k       hub.Kiosk
			revoked *time.Time
		)
		err := row.Scan(&k.ID, &k.Venue, &k.Added, &revoked)
		k.Added = k.Added.UTC()
		if revoked != nil {
			k.Revoked = revoked.UTC()
		}
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("list kiosks: %w", classify(ctx, err))
	}
	return out, nil
}

// RevokeKiosk implements hub.Store. Revoking a revoked kiosk does
// nothing: its time revoked stays the first one.
func (s *Store) RevokeKiosk(ctx context.Context, kiosk string) error {
	var revoked bool
	err := s.pool.QueryRow(ctx, `
		WITH r AS (UPDATE kiosks SET revoked = $2 WHERE id = $1 AND revoked IS NULL RETURNING id)
		SELECT EXISTS (SELECT FROM r) OR EXISTS (SELECT FROM kiosks WHERE id = $1)`,
		kiosk, s.clock()).Scan(&revoked)
	if err != nil {
		return fmt.Errorf("revoke kiosk: %w", classify(ctx, err))
	}
	if !revoked {
		return fmt.Errorf("revoke kiosk: %w: no kiosk %q", hub.ErrNotFound, kiosk)
	}
	return nil
}

// Authenticate implements hub.Store. It asks the database every time: a
// revocation through any replica counts at once on all.
func (s *Store) Authenticate(ctx context.Context, token string) (hub.Kiosk, error) {
	// A token is 43 characters; refuse anything else before hashing.
	if len(token) != base64.RawURLEncoding.EncodedLen(32) {
		return hub.Kiosk{}, hub.ErrUnauthorized
	}
	sum := hub.TokenSum(token)
	var k hub.Kiosk
	err := s.pool.QueryRow(ctx, `SELECT id, venue, added FROM kiosks WHERE token_sha256 = $1 AND revoked IS NULL`, sum[:]).
		Scan(&k.ID, &k.Venue, &k.Added)
	if errors.Is(err, pgx.ErrNoRows) {
		return hub.Kiosk{}, hub.ErrUnauthorized
	}
	if err != nil {
		return hub.Kiosk{}, fmt.Errorf("authenticate: %w", classify(ctx, err))
	}
	k.Added = k.Added.UTC()
	return k, nil
}
