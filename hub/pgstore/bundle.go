package pgstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/passgate/passgate/hub"
)

// channel is what PutBundle notifies and every replica listens on.
const channel = "passgate_bundle"

// PutBundle implements hub.Store. Every bundle put is kept; the current
// one is the one of the highest sequence, so putting a lower sequence than
// the current one stores it without serving it (hub.Publish refuses that
// anyway). Putting the current sequence again replaces it. The other
// replicas are told in the same transaction (NOTIFY).
func (s *Store) PutBundle(ctx context.Context, data []byte, sequence uint64) error {
	if sequence > math.MaxInt64 {
		return fmt.Errorf("put bundle %d: %w: a sequence must be below 2^63", sequence, hub.ErrInvalid)
	}
	b := hub.NewBundle(bytes.Clone(data), sequence, s.clock())
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO bundles (sequence, data, sha256, published) VALUES ($1, $2, $3, $4)
			ON CONFLICT (sequence) DO UPDATE SET data = excluded.data, sha256 = excluded.sha256, published = excluded.published`,
			int64(sequence), b.Data, b.SHA256[:], b.Published)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, strconv.FormatUint(sequence, 10))
		return err
	})
	if err != nil {
		return fmt.Errorf("put bundle %d: %w", sequence, classify(ctx, err))
	}
	s.loadMu.Lock()
	if cur := s.bundle.Load(); cur == nil || cur.Sequence <= sequence {
		s.bundle.Store(b)
	}
	s.loadMu.Unlock()
	return nil
}

// CurrentBundle implements hub.Store: the cached bundle, kept up to date
// by the listener (see watch).
func (s *Store) CurrentBundle(ctx context.Context) (*hub.Bundle, error) {
	if b := s.bundle.Load(); b != nil {
		return b, nil
	}
	return nil, fmt.Errorf("bundle: %w: none published yet", hub.ErrNotFound)
}

// querier is a pool or a connection.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// refresh makes the cache the database's current bundle. It reads the
// bundle's bytes only when its sequence or hash differ from the cached
// one's, so polling costs an index lookup.
func (s *Store) refresh(ctx context.Context, q querier) error {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	var (
		seq int64
		sum []byte
	)
	err := q.QueryRow(ctx, `SELECT sequence, sha256 FROM bundles ORDER BY sequence DESC LIMIT 1`).Scan(&seq, &sum)
	if errors.Is(err, pgx.ErrNoRows) {
		s.bundle.Store(nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("load bundle: %w", classify(ctx, err))
	}
	if cur := s.bundle.Load(); cur != nil && cur.Sequence == uint64(seq) && bytes.Equal(cur.SHA256[:], sum) {
		return nil
	}
	var (
		data      []byte
		published time.Time
	)
	if err := q.QueryRow(ctx, `SELECT data, published FROM bundles WHERE sequence = $1`, seq).Scan(&data, &published); err != nil {
		return fmt.Errorf("load bundle %d: %w", seq, classify(ctx, err))
	}
	s.bundle.Store(hub.NewBundle(data, uint64(seq), published.UTC()))
	return nil
}

// watch keeps the cached bundle current until ctx ends: it listens for
// PutBundle's notifications on a connection of its own and compares the
// cache with the database when nothing came for a poll interval. While
// that connection is down it polls through the pool and tries again every
// interval.
func (s *Store) watch(ctx context.Context, cfg *pgx.ConnConfig, o Options) {
	defer close(s.done)
	cfg.RuntimeParams["application_name"] = "passhub bundle listener"
	lost := false
	for {
		var err error
		if o.noListen {
			err = errors.New("listening is off")
		} else {
			err = s.listen(ctx, cfg, o.poll, &lost)
		}
		if ctx.Err() != nil {
			return
		}
		if !lost && !o.noListen {
			s.log.Warn("bundle notifications: the listen connection is down; polling the database until it is back",
				"every", o.poll, "err", err)
		}
		lost = true
		_ = s.refresh(ctx, s.pool) // an error here is the same outage, logged above
		select {
		case <-ctx.Done():
			return
		case <-time.After(o.poll):
		}
	}
}

// listen runs one listen connection until it fails or ctx ends.
func (s *Store) listen(ctx context.Context, cfg *pgx.ConnConfig, poll time.Duration, lost *bool) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.ConnectConfig(cctx, cfg)
	cancel()
	if err != nil {
		return err
	}
	defer func() {
		s.listenPID.Store(0)
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(cctx)
		cancel()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	s.listenPID.Store(conn.PgConn().PID())
	if *lost {
		s.log.Info("bundle notifications: listening again")
		*lost = false
	}
	for {
		// Catch up first: a bundle may have come while nobody listened.
		if err := s.refresh(ctx, conn); err != nil {
			return err
		}
		wctx, cancel := context.WithTimeout(ctx, poll)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err == nil, pgconn.Timeout(err), errors.Is(err, context.DeadlineExceeded):
			// A notification, or a quiet interval: refresh either way,
			// which also tells whether the connection is alive.
		default:
			return err
		}
	}
}
