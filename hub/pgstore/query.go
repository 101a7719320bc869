package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/oklog/ulid/v2"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// window is the condition of the authority's queries on an entry's time,
// for the arguments window.args gives from $2 on: the index range on
// entry_time (to the microsecond, both ends in), the exact window with
// the nanoseconds, and time (the partition key) within hub.MaxIDSkew
// of it, so that only the partitions of the window's days are searched.
// (The hub refuses an entry whose time is further from its id's; one
// stored before it did may be missed here, and ExportEntries still has
// it.)
const window = `entry_time >= $2 AND entry_time <= $4
	AND (entry_time, entry_time_ns) >= ($2, $3) AND (entry_time, entry_time_ns) < ($4, $5)
	AND time >= $6 AND time < $7`

// windowArgs are the arguments of window, $2 to $7.
func windowArgs(from, to time.Time) []any {
	from, to = from.UTC(), to.UTC()
	us := func(t time.Time) (time.Time, int16) {
		return t.Truncate(time.Microsecond), int16(t.Nanosecond() % 1000)
	}
	fu, fns := us(from)
	tu, tns := us(to)
	return []any{fu, fns, tu, tns, from.Add(-hub.MaxIDSkew), to.Add(hub.MaxIDSkew)}
}

// queryCols are the columns scanEntry reads.
const queryCols = `SELECT time, entry_time, id, entry_time_ns, venue, kiosk, method, outcome,
	reason, format, type, country, holder, staff, note, contact FROM entries`

// querySQL selects a chunk of the entries of a venue ($1) in a window
// ($2 to $7), of a holder ($8), or all when $8 is empty; queryNextSQL the
// chunk after the entry of time ($10, $11) and id $12.
const (
	queryWhere   = ` WHERE venue = $1 AND ` + window + ` AND ($8 = '' OR holder = $8)`
	queryOrder   = ` ORDER BY entry_time, entry_time_ns, id LIMIT $9`
	querySQL     = queryCols + queryWhere + queryOrder
	queryNextSQL = queryCols + queryWhere + ` AND entry_time >= $10 AND (entry_time, entry_time_ns, id) > ($10, $11, $12)` + queryOrder
)

// queryArgs are querySQL's arguments.
func queryArgs(q hub.Query, limit int) []any {
	return append(append([]any{q.Venue}, windowArgs(q.From, q.To)...), q.Holder, limit)
}

// QueryEntries implements hub.QueryStore, chunk entries a query, each
// from where the last ended, fn called outside the query.
func (s *Store) QueryEntries(ctx context.Context, q hub.Query, fn func(entry.Entry) error) error {
	if !q.From.Before(q.To) {
		return nil
	}
	sql, args := querySQL, queryArgs(q, chunk)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows, err := s.pool.Query(ctx, sql, args...)
		if err != nil {
			return fmt.Errorf("query entries of venue %s: %w", q.Venue, classify(ctx, err))
		}
		es, err := pgx.CollectRows(rows, scanEntry)
		if err != nil {
			return fmt.Errorf("query entries of venue %s: %w", q.Venue, classify(ctx, err))
		}
		for _, e := range es {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(es) < chunk {
			return nil
		}
		// The next chunk starts after the last entry given.
		last := es[len(es)-1]
		id, _ := ulid.ParseStrict(last.ID) // made by scanEntry
		sql = queryNextSQL
		args = append(args[:9], last.Time.Truncate(time.Microsecond), int16(last.Time.Nanosecond()%1000), [16]byte(id))
	}
}

// HourlyCounts implements hub.QueryStore. The hours are UTC's. A venue's
// are counted from the index; every venue's, by reading the window's
// days' partitions whole.
func (s *Store) HourlyCounts(ctx context.Context, venue string, from, to time.Time) ([]hub.HourCount, error) {
	if !from.Before(to) {
		return nil, nil
	}
	// Audit events (staff actions) are not check-ins.
	const sel = `SELECT venue, date_trunc('hour', entry_time, 'UTC') AS hour, count(*) FROM entries WHERE method <> 'audit' AND `
	const group = ` GROUP BY venue, hour ORDER BY venue, hour`
	args := append([]any{venue}, windowArgs(from, to)...)
	sql := sel + `venue = $1 AND ` + window + group
	if venue == "" {
		sql = sel + `$1 = '' AND ` + window + group
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("hourly counts: %w", classify(ctx, err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (hub.HourCount, error) {
		var c hub.HourCount
		err := row.Scan(&c.Venue, &c.Hour, &c.Entries)
		c.Hour = c.Hour.UTC()
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("hourly counts: %w", classify(ctx, err))
	}
	return out, nil
}
