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

// PutStatus implements hub.StatusStore: one row per kiosk, replaced.
func (s *Store) PutStatus(ctx context.Context, st hub.KioskStatus) error {
	if err := hub.CheckStatus(st); err != nil {
		return fmt.Errorf("put status: %w", err)
	}
	st = st.Normal(s.now)
	var oldest *time.Time
	if !st.OldestWaiting.IsZero() {
		oldest = &st.OldestWaiting
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO kiosk_status (kiosk, venue, seen, bundle_sequence, waiting, oldest_waiting, clock, version, camera, last_error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (kiosk) DO UPDATE SET
			venue = excluded.venue, seen = excluded.seen, bundle_sequence = excluded.bundle_sequence,
			waiting = excluded.waiting, oldest_waiting = excluded.oldest_waiting, clock = excluded.clock,
			version = excluded.version, camera = excluded.camera, last_error = excluded.last_error`,
		st.Kiosk, st.Venue, st.Seen, int64(st.BundleSequence), int64(st.Waiting), oldest, st.Clock, st.Version, st.Camera, st.LastError)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" { // foreign key: no such kiosk
		return fmt.Errorf("put status of kiosk %s: %w: no kiosk %q", st.Kiosk, hub.ErrNotFound, st.Kiosk)
	}
	if err != nil {
		return fmt.Errorf("put status of kiosk %s: %w", st.Kiosk, classify(ctx, err))
	}
	return nil
}

// Statuses implements hub.StatusStore.
func (s *Store) Statuses(ctx context.Context) ([]hub.KioskStatus, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT kiosk, venue, seen, bundle_sequence, waiting, oldest_waiting, clock, version, camera, last_error
		FROM kiosk_status ORDER BY kiosk`)
	if err != nil {
		return nil, fmt.Errorf("list statuses: %w", classify(ctx, err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (hub.KioskStatus, error) {
		var (
			st     hub.KioskStatus
			seq, n int64
			oldest *time.Time
		)
		err := row.Scan(&st.Kiosk, &st.Venue, &st.Seen, &seq, &n, &oldest, &st.Clock, &st.Version, &st.Camera, &st.LastError)
		st.BundleSequence, st.Waiting = uint64(seq), int(n)
		if oldest != nil {
			st.OldestWaiting = *oldest
		}
		st.Seen, st.Clock, st.OldestWaiting = utc(st.Seen), utc(st.Clock), utc(st.OldestWaiting)
		return st, err
	})
	if err != nil {
		return nil, fmt.Errorf("list statuses: %w", classify(ctx, err))
	}
	return out, nil
}

// utc is t in UTC; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
