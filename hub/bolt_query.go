package hub

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/passgate/passgate/entry"
)

// bucketByVenue indexes the entries by venue and time, for the health
// authority's queries: a key per entry, its value auditValue for an audit
// event (a staff action: HourlyCounts counts guests only), else empty. A key is
// the venue's length (2 bytes, big-endian) and the venue, so that one
// venue's keys are a range of their own whatever the venue holds; then
// the entry's own time (timeKey, 12 bytes); then its id. Keys of a venue
// thus sort by time, then id, as QueryEntries gives them.
var bucketByVenue = []byte("entries_by_venue")

// auditValue marks an audit event's key in bucketByVenue.
var auditValue = []byte{'a'}

// timeLen is the length of timeKey's result.
const timeLen = 12

// timeKey is t in 12 bytes that sort as the times do: seconds since 1970
// with the sign bit flipped, then nanoseconds, big-endian.
func timeKey(t time.Time) []byte {
	var b [timeLen]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t.Unix())^(1<<63))
	binary.BigEndian.PutUint32(b[8:], uint32(t.Nanosecond()))
	return b[:]
}

func keyTime(b []byte) time.Time {
	return time.Unix(int64(binary.BigEndian.Uint64(b[:8])^(1<<63)), int64(binary.BigEndian.Uint32(b[8:12]))).UTC()
}

// venuePrefix is the start of the index keys of a venue.
func venuePrefix(venue string) ([]byte, error) {
	if len(venue) > 0xffff {
		return nil, fmt.Errorf("venue id of %d bytes", len(venue))
	}
	p := make([]byte, 2, 2+len(venue)+timeLen+26)
	binary.BigEndian.PutUint16(p, uint16(len(venue)))
	return append(p, venue...), nil
}

// venueEnd is a key after every key of the venue of prefix p: a time key
// of all 0xff is after any time Go holds, and 0xff after any id.
func venueEnd(p []byte) []byte {
	return append(append(slices.Clip(p), bytes.Repeat([]byte{0xff}, timeLen)...), 0xff)
}

// indexKey is the index key of an entry.
func indexKey(venue string, t time.Time, id []byte) ([]byte, error) {
	p, err := venuePrefix(venue)
	if err != nil {
		return nil, err
	}
	return append(append(p, timeKey(t)...), id...), nil
}

// splitKey reads an index key: its venue prefix, time and id.
func splitKey(k []byte) (prefix []byte, t time.Time, id []byte, ok bool) {
	if len(k) < 2 {
		return nil, time.Time{}, nil, false
	}
	n := 2 + int(binary.BigEndian.Uint16(k))
	if len(k) < n+timeLen {
		return nil, time.Time{}, nil, false
	}
	return k[:n], keyTime(k[n : n+timeLen]), k[n+timeLen:], true
}

// index adds a stored entry to the index.
func index(tx *bolt.Tx, e *entry.Entry) error {
	k, err := indexKey(e.Venue, e.Time.UTC(), []byte(e.ID))
	if err != nil {
		return fmt.Errorf("index entry %s: %w", e.ID, err)
	}
	var v []byte
	if e.Method == entry.Audit {
		v = auditValue
	}
	return tx.Bucket(bucketByVenue).Put(k, v)
}

// unindex removes from the index the entry stored under id as v, before
// it is deleted.
func unindex(tx *bolt.Tx, id, v []byte) error {
	var e struct {
		Venue string
		Time  time.Time
	}
	if err := json.Unmarshal(v, &e); err != nil {
		return fmt.Errorf("stored entry %s: %w", id, err)
	}
	k, err := indexKey(e.Venue, e.Time.UTC(), id)
	if err != nil {
		return fmt.Errorf("unindex entry %s: %w", id, err)
	}
	return tx.Bucket(bucketByVenue).Delete(k)
}

// initIndex makes the index, and fills it from the entries held when it
// is new: a store written before the index existed gets it when opened.
func initIndex(tx *bolt.Tx) error {
	if tx.Bucket(bucketByVenue) != nil {
		return nil
	}
	if _, err := tx.CreateBucket(bucketByVenue); err != nil {
		return err
	}
	return tx.Bucket(bucketEntries).ForEach(func(k, v []byte) error {
		var e entry.Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("stored entry %s: %w", k, err)
		}
		e.ID = string(k)
		return index(tx, &e)
	})
}

// QueryEntries implements QueryStore. It reads the venue's index keys in
// [q.From, q.To), chunk entries a transaction, and calls fn outside it.
func (s *Bolt) QueryEntries(ctx context.Context, q Query, fn func(entry.Entry) error) error {
	if !q.From.Before(q.To) {
		return nil
	}
	prefix, err := venuePrefix(q.Venue)
	if err != nil {
		return fmt.Errorf("query entries: %w", err)
	}
	from := append(slices.Clip(prefix), timeKey(q.From.UTC())...)
	end := append(slices.Clip(prefix), timeKey(q.To.UTC())...)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var (
			batch []entry.Entry
			read  int
			last  []byte
		)
		err := s.db.View(func(tx *bolt.Tx) error {
			eb := tx.Bucket(bucketEntries)
			c := tx.Bucket(bucketByVenue).Cursor()
			for k, _ := c.Seek(from); k != nil && bytes.Compare(k, end) < 0 && read < chunk; k, _ = c.Next() {
				read++
				last = append(last[:0], k...)
				_, _, id, ok := splitKey(k)
				if !ok {
					return fmt.Errorf("index key %x: cut short", k)
				}
				v := eb.Get(id)
				if v == nil {
					return fmt.Errorf("index key %x: no entry %s", k, id)
				}
				var e entry.Entry
				if err := json.Unmarshal(v, &e); err != nil {
					return fmt.Errorf("stored entry %s: %w", id, err)
				}
				if q.Holder == "" || e.Holder == q.Holder {
					batch = append(batch, e)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("query entries of venue %s: %w", q.Venue, err)
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if read < chunk {
			return nil
		}
		from = append(last, 0) // just after the last
	}
}

// HourlyCounts implements QueryStore. It reads index keys only: the
// entries themselves are not decoded.
func (s *Bolt) HourlyCounts(ctx context.Context, venue string, from, to time.Time) ([]HourCount, error) {
	if !from.Before(to) {
		return nil, nil
	}
	type vh struct {
		venue string
		hour  int64
	}
	counts := map[vh]int{}
	from, to = from.UTC(), to.UTC()
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketByVenue).Cursor()
		// count counts the keys of the venue of prefix p in the window.
		count := func(p []byte) error {
			end := append(slices.Clip(p), timeKey(to)...)
			k, v := c.Seek(append(slices.Clip(p), timeKey(from)...))
			for n := 0; k != nil && bytes.Compare(k, end) < 0; k, v = c.Next() {
				if n++; n%chunk == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				_, t, _, ok := splitKey(k)
				if !ok {
					return fmt.Errorf("index key %x: cut short", k)
				}
				if !bytes.Equal(v, auditValue) { // staff actions are not check-ins
					counts[vh{string(p[2:]), t.Truncate(time.Hour).Unix()}]++
				}
			}
			return nil
		}
		if venue != "" {
			p, err := venuePrefix(venue)
			if err != nil {
				return err
			}
			return count(p)
		}
		// Every venue: from one venue's window to the next venue's.
		for k, _ := c.First(); k != nil; {
			p, _, _, ok := splitKey(k)
			if !ok {
				return fmt.Errorf("index key %x: cut short", k)
			}
			p = slices.Clone(p)
			if err := count(p); err != nil {
				return err
			}
			k, _ = c.Seek(venueEnd(p))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hourly counts: %w", err)
	}
	out := make([]HourCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, HourCount{Venue: k.venue, Hour: time.Unix(k.hour, 0).UTC(), Entries: n})
	}
	slices.SortFunc(out, func(a, b HourCount) int {
		return cmp.Or(cmp.Compare(a.Venue, b.Venue), a.Hour.Compare(b.Hour))
	})
	return out, nil
}
