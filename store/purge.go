package store

import (
	"bytes"
	"time"

	"github.com/oklog/ulid/v2"
	bolt "go.etcd.io/bbolt"

	"github.com/passgate/passgate/entry"
)

// chunk is how many entries one transaction of Purge or Export reads: a
// long transaction would hold up Record (bbolt's writer waits for readers
// when it grows the file).
const chunk = 5000

// idFloor is the smallest entry id made at or after t's millisecond; ok is
// false when t is past every id. Entries are found by id, and entry.IDs
// makes an entry's id from its time.
func idFloor(t time.Time) (key []byte, ok bool) {
	ms := t.UnixMilli()
	switch {
	case ms < 0:
		return []byte{}, true
	case uint64(ms) > ulid.MaxTime():
		return nil, false
	}
	var u ulid.ULID
	if err := u.SetTime(uint64(ms)); err != nil {
		return nil, false
	}
	return []byte(u.String()), true
}

// Purge deletes the entries older than before that the hub has
// acknowledged (see DefaultRetention). Old entries still waiting for the
// hub are kept, and counted in keptUnsynced, so they can be reported: the
// register never drops an entry the hub does not have. An entry is older
// than before when its time and its id's time both are.
func (db *DB) Purge(before time.Time) (purged, keptUnsynced int, err error) {
	bound, bounded := idFloor(before.Add(time.Millisecond))
	var after []byte // the last key looked at
	for done := false; !done; {
		err := db.update("purge register", func(tx *bolt.Tx) error {
			c, err := newCounter(tx)
			if err != nil {
				return err
			}
			pending := tx.Bucket(bucketPending)
			cur := tx.Bucket(bucketEntries).Cursor()
			k, v := cur.First()
			if after != nil {
				if k, v = cur.Seek(after); k != nil && bytes.Equal(k, after) {
					k, v = cur.Next()
				}
			}
			var gone []entry.Entry
			seen := 0
			for ; k != nil && seen < chunk; k, v = cur.Next() {
				if bounded && bytes.Compare(k, bound) >= 0 {
					break
				}
				seen++
				after = append(after[:0], k...)
				e, err := decode(k, v)
				if err != nil {
					return err
				}
				switch {
				case !e.Time.Before(before):
				case pending.Get(k) != nil:
					keptUnsynced++
				default:
					gone = append(gone, e)
				}
			}
			done = seen < chunk
			// Deleting under a moving cursor skips keys in bbolt: delete
			// after the walk.
			b := tx.Bucket(bucketEntries)
			for i := range gone {
				if err := b.Delete([]byte(gone[i].ID)); err != nil {
					return err
				}
			}
			// The entry leaves the register, not the counts: today's,
			// this week's and all figures stay as staff read them.
			c.t.Purged += len(gone)
			purged += len(gone)
			if len(gone) == 0 {
				return nil
			}
			return c.flush()
		})
		if err != nil {
			return purged, keptUnsynced, err
		}
	}
	return purged, keptUnsynced, nil
}
