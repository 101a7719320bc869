package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/passgate/passgate/entry"
)

// Record stores an entry and marks it for upload, in one transaction that
// is on disk (fsync'd) when Record returns nil: only then may the screen
// say "recorded". An entry failing e.Check gives ErrInvalid and stores
// nothing. Recording the same entry again changes nothing; another entry
// with a recorded id is ErrInvalid. A full disk gives ErrDiskFull.
func (db *DB) Record(e entry.Entry) error {
	return db.update("record entry "+e.ID, func(tx *bolt.Tx) error {
		c, err := newCounter(tx)
		if err != nil {
			return err
		}
		if err := record(tx, c, e); err != nil {
			return err
		}
		return c.flush()
	})
}

// RecordAll stores many entries in one transaction, all or none: for
// imports and tests, where one fsync per entry would be slow.
func (db *DB) RecordAll(es []entry.Entry) error {
	return db.update(fmt.Sprintf("record %d entries", len(es)), func(tx *bolt.Tx) error {
		c, err := newCounter(tx)
		if err != nil {
			return err
		}
		for _, e := range es {
			if err := record(tx, c, e); err != nil {
				return err
			}
		}
		return c.flush()
	})
}

// appendFill is the fill percent of buckets whose keys come in order.
const appendFill = 0.95

func record(tx *bolt.Tx, c *counter, e entry.Entry) error {
	if err := e.Check(); err != nil {
		return err
	}
	e.Time = e.Time.UTC()
	raw, err := json.Marshal(&e)
	if err != nil {
		return fmt.Errorf("%w %s: %w", ErrInvalid, e.ID, err)
	}
	id := []byte(e.ID)
	entries, pending := tx.Bucket(bucketEntries), tx.Bucket(bucketPending)
	// Ids grow with time, so entries are appended: full pages, not bbolt's
	// half-full ones made for random inserts, keep the file half as big.
	entries.FillPercent, pending.FillPercent = appendFill, appendFill
	if old := entries.Get(id); old != nil {
		if bytes.Equal(old, raw) {
			return nil
		}
		return fmt.Errorf("%w %s: id already recorded with other content", ErrInvalid, e.ID)
	}
	if err := entries.Put(id, raw); err != nil {
		return err
	}
	if err := pending.Put(id, []byte{}); err != nil {
		return err
	}
	c.t.Pending++
	return c.add(&e)
}

// Pending returns up to limit entries the hub has not acknowledged, oldest
// first; limit ≤ 0 means all of them.
func (db *DB) Pending(limit int) ([]entry.Entry, error) {
	var out []entry.Entry
	err := db.view("read pending entries", func(tx *bolt.Tx) error {
		entries := tx.Bucket(bucketEntries)
		c := tx.Bucket(bucketPending).Cursor()
		for k, _ := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Next() {
			e, err := decode(k, entries.Get(k))
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Ack marks entries as acknowledged by the hub: they leave the upload
// queue, and Purge may delete them once their retention ran out. Ids not
// pending (unknown, or acknowledged before) are ignored.
func (db *DB) Ack(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return db.update(fmt.Sprintf("acknowledge %d entries", len(ids)), func(tx *bolt.Tx) error {
		c, err := newCounter(tx)
		if err != nil {
			return err
		}
		pending := tx.Bucket(bucketPending)
		n := 0
		for _, id := range ids {
			if id == "" || pending.Get([]byte(id)) == nil {
				continue
			}
			if err := pending.Delete([]byte(id)); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return nil
		}
		c.t.Pending -= n
		return c.flush()
	})
}
