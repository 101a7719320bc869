package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"
	bolt "go.etcd.io/bbolt"

	"github.com/passgate/passgate/entry"
)

// chunk is how many entries one read or delete transaction handles, so an
// export or a purge of millions never holds one transaction for long.
const chunk = 10_000

// PutEntries implements Store. Entries are keyed by id; concurrent calls
// share a transaction (bbolt's DB.Batch), so many kiosks pushing at once
// cost one fsync per group of batches, not per batch.
func (s *Bolt) PutEntries(ctx context.Context, k Kiosk, entries []entry.Entry) (PutResult, error) {
	if err := ctx.Err(); err != nil {
		return PutResult{}, err
	}
	// Encode outside the transaction: it is shared with other batches.
	vals := make([][]byte, len(entries))
	for i := range entries {
		v, err := json.Marshal(&entries[i])
		if err != nil {
			return PutResult{}, fmt.Errorf("put entries: encode %s: %w", entries[i].ID, err)
		}
		vals[i] = v
	}
	var res PutResult
	err := s.db.Batch(func(tx *bolt.Tx) error {
		// Batch may run this more than once: start afresh each time.
		res = PutResult{Acked: make([]string, 0, len(entries))}
		b := tx.Bucket(bucketEntries)
		for i := range entries {
			e := &entries[i]
			key := []byte(e.ID)
			if old := b.Get(key); old != nil {
				if why, err := resent(old, vals[i], e); err != nil {
					return err
				} else if why != "" {
					res.Rejected = append(res.Rejected, entry.Reject{ID: e.ID, Error: why})
					continue
				}
				res.Acked = append(res.Acked, e.ID)
				continue
			}
			if err := b.Put(key, vals[i]); err != nil {
				return err
			}
			if err := index(tx, e); err != nil { // bolt_query.go
				return err
			}
			res.Acked = append(res.Acked, e.ID)
			res.New++
		}
		return nil
	})
	if err != nil {
		return PutResult{}, fmt.Errorf("put %d entries of kiosk %s: %w", len(entries), k.ID, err)
	}
	return res, nil
}

// resent says why e, whose id is held as stored, is refused: held for
// another kiosk's entry, or for other content; "" when it is the same
// entry sent again. val is e encoded: a resend usually encodes to the
// very bytes held, and then nothing is decoded.
func resent(stored, val []byte, e *entry.Entry) (string, error) {
	if bytes.Equal(stored, val) {
		return "", nil
	}
	var o entry.Entry
	if err := json.Unmarshal(stored, &o); err != nil {
		return "", fmt.Errorf("stored entry %s: %w", e.ID, err)
	}
	switch {
	case o.Venue != e.Venue || o.Kiosk != e.Kiosk:
		return "id already used by another kiosk's entry", nil
	case !entry.Same(&o, e):
		return "id already used by an entry with other content: a resent entry must be the same as the one sent first", nil
	}
	return "", nil
}

// idBound is the smallest entry id made at t: ids sort by time.
func idBound(t time.Time) []byte {
	if t.UnixMilli() <= 0 {
		return nil
	}
	var u ulid.ULID
	if err := u.SetTime(uint64(t.UnixMilli())); err != nil {
		u = ulid.ULID{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} // after the last ULID time
	}
	return []byte(u.String())
}

// ExportEntries implements Store.
func (s *Bolt) ExportEntries(ctx context.Context, since time.Time, fn func(entry.Entry) error) error {
	from := idBound(since)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var batch []entry.Entry
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketEntries).Cursor()
			k, v := c.First()
			if from != nil {
				k, v = c.Seek(from)
			}
			for ; k != nil && len(batch) < chunk; k, v = c.Next() {
				var e entry.Entry
				if err := json.Unmarshal(v, &e); err != nil {
					return fmt.Errorf("stored entry %s: %w", k, err)
				}
				batch = append(batch, e)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("export entries: %w", err)
		}
		// Call fn outside the transaction: it may be slow (a file, a pipe).
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < chunk {
			return nil
		}
		from = append([]byte(batch[len(batch)-1].ID), 0) // just after the last
	}
}

// PurgeEntries implements Store.
func (s *Bolt) PurgeEntries(ctx context.Context, before time.Time) (int, error) {
	bound := idBound(before)
	if bound == nil {
		return 0, nil
	}
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n := 0
		err := s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketEntries)
			var keys [][]byte
			c := b.Cursor()
			for k, _ := c.First(); k != nil && bytes.Compare(k, bound) < 0 && len(keys) < chunk; k, _ = c.Next() {
				keys = append(keys, append([]byte(nil), k...))
			}
			for _, k := range keys {
				if err := unindex(tx, k, b.Get(k)); err != nil { // bolt_query.go
					return err
				}
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			n = len(keys)
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("purge entries before %s: %w", before.Format(time.RFC3339), err)
		}
		total += n
		if n < chunk {
			return total, nil
		}
	}
}
