package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/passgate/passgate/hub"
)

// AddAuthority implements hub.AuthorityStore. Adding an account that is
// revoked replaces its record: a new token and time added.
func (s *Store) AddAuthority(ctx context.Context, name string) (string, error) {
	token, sum, err := hub.NewAuthorityToken(name)
	if err != nil {
		return "", err
	}
	// One statement: two replicas adding the same name cannot both win.
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO authorities (name, token_sha256, added) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE
			SET token_sha256 = excluded.token_sha256, added = excluded.added, revoked = NULL
			WHERE authorities.revoked IS NOT NULL`,
		name, sum[:], s.clock())
	if err != nil {
		return "", fmt.Errorf("add authority: %w", classify(ctx, err))
	}
	if tag.RowsAffected() == 0 {
		return "", fmt.Errorf("add authority: %w: authority %s is active; revoke it first to issue a new token", hub.ErrExists, name)
	}
	return token, nil
}

// Authorities implements hub.AuthorityStore.
func (s *Store) Authorities(ctx context.Context) ([]hub.Authority, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, added, revoked FROM authorities ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list authorities: %w", classify(ctx, err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (hub.Authority, error) {
		var (
			a       hub.Authority
			revoked *time.Time
		)
		err := row.Scan(&a.Name, &a.Added, &revoked)
		a.Added = a.Added.UTC()
		if revoked != nil {
			a.Revoked = revoked.UTC()
		}
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("list authorities: %w", classify(ctx, err))
	}
	return out, nil
}

// RevokeAuthority implements hub.AuthorityStore. Revoking a revoked
// account does nothing: its time revoked stays the first one.
func (s *Store) RevokeAuthority(ctx context.Context, name string) error {
	var found bool
	err := s.pool.QueryRow(ctx, `
		WITH r AS (UPDATE authorities SET revoked = $2 WHERE name = $1 AND revoked IS NULL RETURNING name)
		SELECT EXISTS (SELECT FROM r) OR EXISTS (SELECT FROM authorities WHERE name = $1)`,
		name, s.clock()).Scan(&found)
	if err != nil {
		return fmt.Errorf("revoke authority: %w", classify(ctx, err))
	}
	if !found {
		return fmt.Errorf("revoke authority: %w: no authority %q", hub.ErrNotFound, name)
	}
	return nil
}

// AuthenticateAuthority implements hub.AuthorityStore. It asks the
// database every time, in the authorities' table only.
func (s *Store) AuthenticateAuthority(ctx context.Context, token string) (hub.Authority, error) {
	if len(token) != hub.TokenLen {
		return hub.Authority{}, hub.ErrUnauthorized
	}
	sum := hub.TokenSum(token)
	var a hub.Authority
	err := s.pool.QueryRow(ctx, `SELECT name, added FROM authorities WHERE token_sha256 = $1 AND revoked IS NULL`, sum[:]).
		Scan(&a.Name, &a.Added)
	if errors.Is(err, pgx.ErrNoRows) {
		return hub.Authority{}, hub.ErrUnauthorized
	}
	if err != nil {
		return hub.Authority{}, fmt.Errorf("authenticate authority: %w", classify(ctx, err))
	}
	a.Added = a.Added.UTC()
	return a, nil
}
