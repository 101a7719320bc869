package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/oklog/ulid/v2"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// chunk is how many entries one export query reads, so an export of
// millions never holds one snapshot (and one connection) for long.
const chunk = 10_000

// maxIDTime bounds the id times stored: a day partition's bounds, like an
// entry's JSON time, have four-digit years.
var maxIDTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// insertSQL stores a batch, given as one array per column; RETURNING says
// which ids it stored. An id held already (or twice in the batch) is not.
const insertSQL = `
	INSERT INTO entries (time, entry_time, id, entry_time_ns, venue, kiosk, method, outcome,
		reason, format, type, country, holder, staff, note, contact)
	SELECT * FROM unnest($1::timestamptz[], $2::timestamptz[], $3::uuid[], $4::int2[], $5::text[], $6::text[], $7::text[], $8::text[],
		$9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bytea[], $16::bytea[])
	ON CONFLICT (time, id) DO NOTHING
	RETURNING id`

// batch is entries as columns, for insertSQL.
type batch struct {
	time, entryTime                                                     []time.Time
	id                                                                  [][16]byte
	ns                                                                  []int16
	venue, kiosk, method, outcome, reason, format, typ, country, holder []string
	staff                                                               []string
	note, contact                                                       [][]byte
	at                                                                  []int // index in the entries given
}

func (b *batch) add(i int, id ulid.ULID, e *entry.Entry) {
	contact := e.Contact
	if contact == nil {
		contact = []byte{} // NOT NULL: '' is none
	}
	b.time = append(b.time, time.UnixMilli(int64(id.Time())).UTC())
	b.entryTime = append(b.entryTime, e.Time)
	b.id = append(b.id, id)
	b.ns = append(b.ns, int16(e.Time.Nanosecond()%1000))
	b.venue, b.kiosk = append(b.venue, e.Venue), append(b.kiosk, e.Kiosk)
	b.method, b.outcome = append(b.method, string(e.Method)), append(b.outcome, string(e.Outcome))
	b.reason, b.format, b.typ = append(b.reason, e.Reason), append(b.format, e.Format), append(b.typ, e.Type)
	b.country, b.holder = append(b.country, e.Country), append(b.holder, e.Holder)
	b.staff, b.note, b.contact = append(b.staff, e.Staff), append(b.note, []byte(e.Note)), append(b.contact, contact)
	b.at = append(b.at, i)
}

func (b *batch) args() []any {
	return []any{b.time, b.entryTime, b.id, b.ns, b.venue, b.kiosk, b.method, b.outcome,
		b.reason, b.format, b.typ, b.country, b.holder, b.staff, b.note, b.contact}
}

// PutEntries implements hub.Store. An id is stored canonically: in lower
// case it is the same id. The batch goes in one INSERT, committed before
// this returns; the ids it did not store are looked up in a second query
// to tell this kiosk's (acknowledged) from another's (rejected). An entry
// PostgreSQL cannot hold (a NUL byte or bad UTF-8 in a field other than
// the note, an id made after 9999-12-30) is rejected alone.
func (s *Store) PutEntries(ctx context.Context, k hub.Kiosk, entries []entry.Entry) (hub.PutResult, error) {
	if err := ctx.Err(); err != nil {
		return hub.PutResult{}, err
	}
	const (
		pending = iota
		stored
		held
	)
	state := make([]int, len(entries))
	why := map[int]string{} // rejected: the reason
	var todo batch
	for i := range entries {
		e := &entries[i]
		id, err := ulid.ParseStrict(e.ID)
		if err != nil {
			why[i] = fmt.Sprintf("%v %s: id is not a ULID: %v", entry.ErrInvalid, e.ID, err)
			continue
		}
		if reason := unstorable(id, e); reason != "" {
			why[i] = fmt.Sprintf("%v %s: %s", entry.ErrInvalid, e.ID, reason)
			continue
		}
		todo.add(i, id, e)
	}
	// Two rounds at most: an id neither stored nor found was purged
	// between the two queries, and is stored again.
	for round := 0; len(todo.at) > 0; round++ {
		if round == 2 {
			return hub.PutResult{}, fmt.Errorf("put %d entries of kiosk %s: %d ids neither stored nor found twice", len(entries), k.ID, len(todo.at))
		}
		ids, err := s.insert(ctx, &todo)
		if err != nil {
			return hub.PutResult{}, fmt.Errorf("put %d entries of kiosk %s: %w", len(entries), k.ID, err)
		}
		var rest batch
		for j, i := range todo.at {
			if ids[todo.id[j]] {
				state[i] = stored
				delete(ids, todo.id[j]) // the same id again in the batch was held, not stored
			} else {
				rest.add(i, ulid.ULID(todo.id[j]), &entries[i])
			}
		}
		if len(rest.at) == 0 {
			break
		}
		owners, err := s.owners(ctx, &rest)
		if err != nil {
			return hub.PutResult{}, fmt.Errorf("put %d entries of kiosk %s: %w", len(entries), k.ID, err)
		}
		todo = batch{}
		for j, i := range rest.at {
			o, ok := owners[rest.id[j]]
			o.ID = entries[i].ID // the same id, whatever its case
			switch {
			case !ok:
				todo.add(i, ulid.ULID(rest.id[j]), &entries[i])
			case o.Venue != entries[i].Venue || o.Kiosk != entries[i].Kiosk:
				why[i] = "id already used by another kiosk's entry"
			case !entry.Same(&o, &entries[i]):
				why[i] = "id already used by an entry with other content: a resent entry must be the same as the one sent first"
			default:
				state[i] = held
			}
		}
	}
	res := hub.PutResult{Acked: make([]string, 0, len(entries))}
	for i := range entries {
		if r, ok := why[i]; ok {
			res.Rejected = append(res.Rejected, entry.Reject{ID: entries[i].ID, Error: r})
			continue
		}
		res.Acked = append(res.Acked, entries[i].ID)
		if state[i] == stored {
			res.New++
		}
	}
	return res, nil
}

// unstorable says why PostgreSQL cannot hold e, or "".
func unstorable(id ulid.ULID, e *entry.Entry) string {
	if !ulid.Time(id.Time()).Before(maxIDTime) {
		return "id made after 9999-12-30"
	}
	// The note is bytes; the others are ids and codes, in text.
	for _, f := range []string{e.Venue, e.Kiosk, string(e.Method), string(e.Outcome), e.Reason, e.Format, e.Type, e.Country, e.Holder, e.Staff} {
		if strings.IndexByte(f, 0) >= 0 || !utf8.ValidString(f) {
			return fmt.Sprintf("field %q holds a NUL byte or is not UTF-8", f)
		}
	}
	return ""
}

// insert stores a batch and returns the ids it stored, creating the
// partitions of its days first. A partition dropped meanwhile by another
// replica's purge is made again.
func (s *Store) insert(ctx context.Context, b *batch) (map[[16]byte]bool, error) {
	days := daysOf(b.time)
	for attempt := 0; ; attempt++ {
		if err := s.ensureParts(ctx, days); err != nil {
			return nil, err
		}
		rows, err := s.pool.Query(ctx, insertSQL, b.args()...)
		if err != nil {
			return nil, classify(ctx, err)
		}
		out := make(map[[16]byte]bool, len(b.id))
		var id [16]byte
		_, err = pgx.ForEachRow(rows, []any{&id}, func() error { out[id] = true; return nil })
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23514" && strings.Contains(pe.Message, "no partition") && attempt == 0 {
			s.forgetParts(days)
			continue
		}
		if err != nil {
			return nil, classify(ctx, err)
		}
		return out, nil
	}
}

// owners returns the stored entries among b's ids, to tell a resend
// (the same entry) from another kiosk's id or other content under it.
func (s *Store) owners(ctx context.Context, b *batch) (map[[16]byte]entry.Entry, error) {
	// One key lookup per id, in the partition of its day only (pruned at
	// run time). A plain join gets a hash join over every partition, and
	// time = ANY($1) AND id = ANY($2) an index scan per pair of the two
	// arrays: 300 ms for a resent batch of 1000 among 250,000, against 5.
	// The rows come back whole: comparing them here costs a resend the
	// bytes it sent, once more, and no second query.
	rows, err := s.pool.Query(ctx, `
		SELECT e.* FROM unnest($1::timestamptz[], $2::uuid[]) AS u(time, id)
		CROSS JOIN LATERAL (SELECT `+columns+` FROM entries WHERE time = u.time AND id = u.id LIMIT 1) e`, b.time, b.id)
	if err != nil {
		return nil, classify(ctx, err)
	}
	es, err := pgx.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, classify(ctx, err)
	}
	out := make(map[[16]byte]entry.Entry, len(es))
	for _, e := range es {
		id, _ := ulid.ParseStrict(e.ID) // made by scanEntry
		out[id] = e
	}
	return out, nil
}

// ExportEntries implements hub.Store. It reads chunk entries a query,
// from where the last one ended, and calls fn outside the query.
func (s *Store) ExportEntries(ctx context.Context, since time.Time, fn func(entry.Entry) error) error {
	from := time.UnixMilli(max(since.UnixMilli(), 0)).UTC()
	var (
		last  [16]byte
		first = true
	)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var (
			rows pgx.Rows
			err  error
		)
		const cols = `SELECT ` + columns + ` FROM entries`
		if first {
			rows, err = s.pool.Query(ctx, cols+` WHERE time >= $1 ORDER BY time, id LIMIT $2`, from, chunk)
		} else {
			rows, err = s.pool.Query(ctx, cols+` WHERE time >= $1 AND (time, id) > ($1, $2) ORDER BY time, id LIMIT $3`, from, last, chunk)
		}
		if err != nil {
			return fmt.Errorf("export entries: %w", classify(ctx, err))
		}
		es, err := pgx.CollectRows(rows, scanEntry)
		if err != nil {
			return fmt.Errorf("export entries: %w", classify(ctx, err))
		}
		for _, e := range es {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(es) < chunk {
			return nil
		}
		first = false
		id, _ := ulid.ParseStrict(es[len(es)-1].ID) // made by scanEntry
		last = id
		from = ulid.Time(id.Time()).UTC()
	}
}

// columns are what scanEntry reads, in its order.
const columns = `time, entry_time, id, entry_time_ns, venue, kiosk, method, outcome,
	reason, format, type, country, holder, staff, note, contact`

func scanEntry(row pgx.CollectableRow) (entry.Entry, error) {
	var (
		e               entry.Entry
		idTime          time.Time
		id              [16]byte
		ns              int16
		method, outcome string
		note            []byte
	)
	err := row.Scan(&idTime, &e.Time, &id, &ns, &e.Venue, &e.Kiosk, &method, &outcome,
		&e.Reason, &e.Format, &e.Type, &e.Country, &e.Holder, &e.Staff, &note, &e.Contact)
	e.Note = string(note)
	e.ID = ulid.ULID(id).String()
	e.Time = e.Time.Add(time.Duration(ns)).UTC()
	e.Method, e.Outcome = entry.Method(method), entry.Outcome(outcome)
	if len(e.Contact) == 0 {
		e.Contact = nil
	}
	return e, err
}
