package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/passgate/passgate/hub"
)

var _ hub.UserStore = (*Store)(nil)

// AddUser implements hub.UserStore.
func (s *Store) AddUser(ctx context.Context, name string, role hub.Role, password string) error {
	if err := hub.CheckUser(name, role, password); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO users (name, role, hash, added) VALUES ($1, $2, $3, $4)`,
		name, string(role), hub.HashPassword(password), s.clock())
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
		return fmt.Errorf("add user: %w: user %s", hub.ErrExists, name)
	}
	if err != nil {
		return fmt.Errorf("add user: %w", classify(ctx, err))
	}
	return nil
}

// Users implements hub.UserStore.
func (s *Store) Users(ctx context.Context) ([]hub.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, role, added FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", classify(ctx, err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (hub.User, error) {
		var u hub.User
		err := row.Scan(&u.Name, &u.Role, &u.Added)
		u.Added = u.Added.UTC()
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", classify(ctx, err))
	}
	return out, nil
}

// RemoveUser implements hub.UserStore; the user's sessions go with them
// (ON DELETE CASCADE).
func (s *Store) RemoveUser(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM users WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("remove user: %w", classify(ctx, err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("remove user: %w: no user %q", hub.ErrNotFound, name)
	}
	return nil
}

// CheckPassword implements hub.UserStore.
func (s *Store) CheckPassword(ctx context.Context, name, password string) (hub.User, error) {
	var (
		u    hub.User
		hash string
	)
	err := s.pool.QueryRow(ctx, `SELECT name, role, added, hash FROM users WHERE name = $1`, name).
		Scan(&u.Name, &u.Role, &u.Added, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		hub.NoUserCheck(password)
		return hub.User{}, hub.ErrUnauthorized
	}
	if err != nil {
		return hub.User{}, fmt.Errorf("check password: %w", classify(ctx, err))
	}
	if !hub.VerifyPassword(hash, password) {
		return hub.User{}, hub.ErrUnauthorized
	}
	u.Added = u.Added.UTC()
	return u, nil
}

// NewSession implements hub.UserStore. It also drops the sessions that
// have expired, so they do not pile up.
func (s *Store) NewSession(ctx context.Context, name string, expires time.Time) (string, error) {
	token, sum := hub.NewSessionToken()
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires <= $1`, s.clock()); err != nil {
		return "", fmt.Errorf("new session: %w", classify(ctx, err))
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO sessions (token_sha256, name, expires) SELECT $1, name, $3 FROM users WHERE name = $2`,
		sum[:], name, expires.UTC().Truncate(time.Microsecond))
	if err != nil {
		return "", fmt.Errorf("new session: %w", classify(ctx, err))
	}
	if tag.RowsAffected() == 0 {
		return "", fmt.Errorf("new session: %w: no user %q", hub.ErrNotFound, name)
	}
	return token, nil
}

// Session implements hub.UserStore. It asks the database every time: a
// logout or a removal through any replica counts at once on all.
func (s *Store) Session(ctx context.Context, token string) (hub.User, time.Time, error) {
	if !hub.SessionTokenOK(token) {
		return hub.User{}, time.Time{}, hub.ErrUnauthorized
	}
	sum := hub.TokenSum(token)
	var (
		u       hub.User
		expires time.Time
	)
	err := s.pool.QueryRow(ctx, `
		SELECT u.name, u.role, u.added, s.expires FROM sessions s JOIN users u USING (name)
		WHERE s.token_sha256 = $1 AND s.expires > $2`, sum[:], s.clock()).
		Scan(&u.Name, &u.Role, &u.Added, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return hub.User{}, time.Time{}, hub.ErrUnauthorized
	}
	if err != nil {
		return hub.User{}, time.Time{}, fmt.Errorf("session: %w", classify(ctx, err))
	}
	u.Added = u.Added.UTC()
	return u, expires.UTC(), nil
}

// EndSession implements hub.UserStore.
func (s *Store) EndSession(ctx context.Context, token string) error {
	if !hub.SessionTokenOK(token) {
		return nil
	}
	sum := hub.TokenSum(token)
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_sha256 = $1`, sum[:]); err != nil {
		return fmt.Errorf("end session: %w", classify(ctx, err))
	}
	return nil
}
