package pgstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

const day = 24 * time.Hour

// Advisory lock keys: one creator of partitions at a time, one purge at a
// time, whichever replica they run in.
const (
	lockParts int64 = 0x7061_7373_6761_7465 // "passgate"
	lockPurge int64 = lockParts + 1
)

// partName is the partition of the entries of a day (days since 1970).
func partName(d int64) string {
	return "entries_" + time.Unix(d*86400, 0).UTC().Format("20060102")
}

// partDay reads a partition's day back from its name.
func partDay(name string) (int64, bool) {
	s, ok := strings.CutPrefix(name, "entries_")
	if !ok || len(s) != 8 {
		return 0, false
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return 0, false
	}
	return t.Unix() / 86400, true
}

// daysOf is the days of the times, each once.
func daysOf(ts []time.Time) []int64 {
	var ds []int64
	for _, t := range ts {
		if d := t.Unix() / 86400; !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	return ds
}

// ensureParts makes sure the partitions of the days exist. Known ones cost
// nothing; the others are looked up, and those missing created under an
// advisory lock, so replicas creating the same day at once do not collide
// (CREATE TABLE IF NOT EXISTS alone is not safe for that).
func (s *Store) ensureParts(ctx context.Context, days []int64) error {
	s.partMu.Lock()
	var names []string
	for _, d := range days {
		if !s.parts[d] {
			names = append(names, partName(d))
		}
	}
	s.partMu.Unlock()
	if len(names) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		have, err := partitions(ctx, tx, names)
		if err != nil {
			return err
		}
		if len(have) == len(names) {
			s.knowParts(have)
			return nil
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockParts); err != nil {
			return err
		}
		for _, n := range names {
			if slices.Contains(have, n) {
				continue
			}
			d, _ := partDay(n)
			from, to := time.Unix(d*86400, 0).UTC(), time.Unix((d+1)*86400, 0).UTC()
			// Bounds are literals: DDL takes no parameters. Both are made
			// here, from a number.
			_, err := tx.Exec(ctx, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s PARTITION OF entries FOR VALUES FROM ('%s') TO ('%s')`,
				n, from.Format(time.RFC3339), to.Format(time.RFC3339)))
			if err != nil {
				return fmt.Errorf("create partition %s: %w", n, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("entry partitions: %w", classify(ctx, err))
	}
	s.knowParts(names)
	return nil
}

func (s *Store) knowParts(names []string) {
	s.partMu.Lock()
	defer s.partMu.Unlock()
	for _, n := range names {
		if d, ok := partDay(n); ok {
			s.parts[d] = true
		}
	}
}

// forgetParts forgets the partitions of the days, all of them when days
// is nil: the next batch of such a day looks again.
func (s *Store) forgetParts(days []int64) {
	s.partMu.Lock()
	defer s.partMu.Unlock()
	if days == nil {
		clear(s.parts)
	}
	for _, d := range days {
		delete(s.parts, d)
	}
}

// queryer is a transaction or a connection.
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// partitions lists the partitions of entries, only those named when names
// is not nil.
func partitions(ctx context.Context, q queryer, names []string) ([]string, error) {
	rows, err := q.Query(ctx, `
		SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'entries'::regclass AND ($1::text[] IS NULL OR c.relname = ANY($1))
		ORDER BY c.relname`, names)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// PurgeEntries implements hub.Store. The days before the cutoff's go
// whole: each partition is detached (a moment's exclusive lock on entries),
// renamed out of the way, counted and dropped with nobody waiting; the
// entries of the cutoff's day made before it are deleted. Purges by
// several replicas at once take turns.
func (s *Store) PurgeEntries(ctx context.Context, before time.Time) (int, error) {
	bound := before.UnixMilli()
	if bound <= 0 {
		return 0, nil
	}
	cut := time.UnixMilli(bound).UTC()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge entries: %w", classify(ctx, err))
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockPurge); err != nil {
		return 0, fmt.Errorf("purge entries: %w", classify(ctx, err))
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockPurge)

	total := 0
	fail := func(err error) (int, error) {
		return total, fmt.Errorf("purge entries before %s: %w", cut.Format(time.RFC3339), classify(ctx, err))
	}
	// Tables of a purge that stopped between its detach and its drop.
	var left []string
	rows, err := conn.Query(ctx, `SELECT relname FROM pg_class WHERE relname LIKE 'entries\_purged\_%' AND relkind = 'r' AND relnamespace = current_schema()::regnamespace`)
	if err == nil {
		left, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return fail(err)
	}
	parts, err := partitions(ctx, conn, nil)
	if err != nil {
		return fail(err)
	}
	cutDay := cut.Unix() / 86400
	for _, p := range parts {
		d, ok := partDay(p)
		if !ok || d >= cutDay {
			continue
		}
		// A name of its own: the day's partition may be made again
		// (a late push) and purged again before this one is dropped.
		purged := fmt.Sprintf("entries_purged_%s_%s", p[len("entries_"):], strconv.FormatInt(time.Now().UnixNano(), 36))
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// Wait at most this long for the exclusive lock: ingest
			// queues behind a waiting DETACH.
			if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '2s'`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, fmt.Sprintf(`ALTER TABLE entries DETACH PARTITION %s`, p)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, fmt.Sprintf(`ALTER TABLE %s RENAME TO %s`, p, purged))
			return err
		})
		if err != nil {
			return fail(err)
		}
		left = append(left, purged)
	}
	s.forgetParts(nil)
	for _, t := range left {
		var n int
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if err := tx.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM %s`, t)).Scan(&n); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, fmt.Sprintf(`DROP TABLE %s`, t))
			return err
		})
		if err != nil {
			return fail(err)
		}
		total += n
	}
	// The cutoff's own day, and any older day a late push made again.
	tag, err := conn.Exec(ctx, `DELETE FROM entries WHERE time < $1`, cut)
	if err != nil {
		return fail(err)
	}
	total += int(tag.RowsAffected())
	return total, nil
}
