package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/passgate/passgate/entry"
)

// Counts are the entries of a span of time by outcome and by method.
type Counts struct {
	Total   int                   `json:"total"`
	Outcome map[entry.Outcome]int `json:"outcome,omitempty"`
	Method  map[entry.Method]int  `json:"method,omitempty"`
}

// add counts e d times (d is -1 when e leaves the register).
func (c *Counts) add(e *entry.Entry, d int) {
	if c.Outcome == nil {
		c.Outcome = map[entry.Outcome]int{}
	}
	if c.Method == nil {
		c.Method = map[entry.Method]int{}
	}
	c.Total += d
	bump(c.Outcome, e.Outcome, d)
	bump(c.Method, e.Method, d)
}

func bump[K comparable](m map[K]int, k K, d int) {
	if m[k] += d; m[k] == 0 {
		delete(m, k)
	}
}

// merge adds o to c.
func (c *Counts) merge(o Counts) {
	c.Total += o.Total
	for k, n := range o.Outcome {
		if c.Outcome == nil {
			c.Outcome = map[entry.Outcome]int{}
		}
		bump(c.Outcome, k, n)
	}
	for k, n := range o.Method {
		if c.Method == nil {
			c.Method = map[entry.Method]int{}
		}
		bump(c.Method, k, n)
	}
}

// tally is the running counters of the whole register, kept in the meta
// bucket.
type tally struct {
	Counts
	Pending int `json:"pending"`
}

// slotLen is the span counted together for "today": a quarter of an hour,
// so that every time zone's midnight (UTC+5:45 included) starts a slot.
const slotLen = 15 * 60 // seconds

// slotKey is the key of the slot holding t. Slots sort by time as keys,
// before 1970 too.
func slotKey(t time.Time) []byte {
	s := t.Unix()
	q := s / slotLen
	if s%slotLen < 0 {
		q--
	}
	return binary.BigEndian.AppendUint64(nil, uint64(q)^1<<63)
}

// counter changes the counters within one write transaction and writes
// them back once, at flush.
type counter struct {
	tx    *bolt.Tx
	t     tally
	slots map[string]*Counts
}

func newCounter(tx *bolt.Tx) (*counter, error) {
	c := &counter{tx: tx, slots: map[string]*Counts{}}
	if err := getJSON(tx.Bucket(bucketMeta), keyTally, &c.t); err != nil {
		return nil, err
	}
	return c, nil
}

// add counts e d times, in all and in its slot.
func (c *counter) add(e *entry.Entry, d int) error {
	c.t.add(e, d)
	k := string(slotKey(e.Time))
	s, ok := c.slots[k]
	if !ok {
		s = &Counts{}
		if err := getJSON(c.tx.Bucket(bucketSlots), []byte(k), s); err != nil {
			return err
		}
		c.slots[k] = s
	}
	s.add(e, d)
	return nil
}

func (c *counter) flush() error {
	if err := putJSON(c.tx.Bucket(bucketMeta), keyTally, &c.t); err != nil {
		return err
	}
	slots := c.tx.Bucket(bucketSlots)
	for k, s := range c.slots {
		var err error
		if s.Total <= 0 {
			err = slots.Delete([]byte(k))
		} else {
			err = putJSON(slots, []byte(k), s)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Stats describe the register.
type Stats struct {
	Total   int // entries in the register
	Pending int // entries the hub has not acknowledged
	// Oldest and Newest are the times of the first and last entries (by
	// id); zero when the register is empty.
	Oldest, Newest time.Time
	// OldestPending is the time of the oldest entry the hub has not
	// acknowledged; zero when none waits.
	OldestPending time.Time
	// Today counts the entries of the current day (Options.Now, in
	// Options.Location) still in the register; All counts every entry in
	// the register.
	Today, All Counts
}

// Stats reads the counters; it does not scan the entries.
func (db *DB) Stats() (Stats, error) {
	var st Stats
	now := db.opts.Now().In(db.opts.Location)
	y, m, d := now.Date()
	from := slotKey(time.Date(y, m, d, 0, 0, 0, 0, db.opts.Location))
	to := slotKey(time.Date(y, m, d+1, 0, 0, 0, 0, db.opts.Location))
	err := db.view("register stats", func(tx *bolt.Tx) error {
		var t tally
		if err := getJSON(tx.Bucket(bucketMeta), keyTally, &t); err != nil {
			return err
		}
		st.Total, st.Pending, st.All = t.Total, t.Pending, t.Counts
		entries := tx.Bucket(bucketEntries)
		c := entries.Cursor()
		var err error
		if k, v := c.First(); k != nil {
			if st.Oldest, err = entryTime(k, v); err != nil {
				return err
			}
		}
		if k, v := c.Last(); k != nil {
			if st.Newest, err = entryTime(k, v); err != nil {
				return err
			}
		}
		if k, _ := tx.Bucket(bucketPending).Cursor().First(); k != nil {
			if st.OldestPending, err = entryTime(k, entries.Get(k)); err != nil {
				return err
			}
		}
		sc := tx.Bucket(bucketSlots).Cursor()
		for k, v := sc.Seek(from); k != nil && bytes.Compare(k, to) < 0; k, v = sc.Next() {
			var n Counts
			if err := json.Unmarshal(v, &n); err != nil {
				return fmt.Errorf("%w: counters of slot %x: %w", ErrCorrupt, k, err)
			}
			st.Today.merge(n)
		}
		return nil
	})
	return st, err
}

// entryTime reads the time of a stored entry.
func entryTime(id, raw []byte) (time.Time, error) {
	e, err := decode(id, raw)
	if err != nil {
		return time.Time{}, err
	}
	return e.Time, nil
}

// decode reads a stored entry; what does not read is ErrCorrupt.
func decode(id, raw []byte) (entry.Entry, error) {
	var e entry.Entry
	if raw == nil {
		return e, fmt.Errorf("%w: entry %s is missing", ErrCorrupt, id)
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return e, fmt.Errorf("%w: entry %s: %w", ErrCorrupt, id, err)
	}
	return e, nil
}
