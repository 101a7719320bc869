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

// Counts are the guests recorded in a span of time by outcome, by method
// and by reason. Audit events are not guests: they are not in Counts
// (Stats.Audit counts them). Purging old entries does not change Counts.
type Counts struct {
	Total   int                   `json:"total"`
	Outcome map[entry.Outcome]int `json:"outcome,omitempty"`
	Method  map[entry.Method]int  `json:"method,omitempty"`
	// Reason counts the guests' entries by their reason code (the
	// refusal's, or a manual entry's); entries without one, and audit
	// events, are not in it.
	Reason map[string]int `json:"reason,omitempty"`
}

// add counts e d times.
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
	// Audit events' codes ("purge:120") are no guests' reasons.
	if e.Reason != "" && e.Method != entry.Audit {
		if c.Reason == nil {
			c.Reason = map[string]int{}
		}
		bump(c.Reason, e.Reason, d)
	}
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
	for k, n := range o.Reason {
		if c.Reason == nil {
			c.Reason = map[string]int{}
		}
		bump(c.Reason, k, n)
	}
}

// tally is the running counters of the whole register, kept in the meta
// bucket. Counts.Total is the guests ever recorded; the entries in the
// register are Total+Audit-Purged (registers made before audit events
// and Purged existed read with both at zero, and their Counts as what
// was still in the register then).
type tally struct {
	Counts
	Pending int `json:"pending"`
	Audit   int `json:"audit,omitempty"`  // audit events ever recorded
	Purged  int `json:"purged,omitempty"` // entries purged, audit events included
}

// held is how many entries the register holds.
func (t *tally) held() int { return t.Total + t.Audit - t.Purged }

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

// slotTime is the start of the slot of key k (from slotKey).
func slotTime(k []byte) time.Time {
	q := int64(binary.BigEndian.Uint64(k) ^ 1<<63)
	return time.Unix(q*slotLen, 0)
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

// add counts a recorded entry, in all and in its slot: a guest in
// Counts, an audit event apart.
func (c *counter) add(e *entry.Entry) error {
	const d = 1
	if e.Method == entry.Audit {
		c.t.Audit += d
		return nil
	}
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
	Total   int // entries in the register, audit events included
	Pending int // entries the hub has not acknowledged
	// Oldest and Newest are the times of the first and last entries (by
	// id); zero when the register is empty.
	Oldest, Newest time.Time
	// OldestPending is the time of the oldest entry the hub has not
	// acknowledged; zero when none waits.
	OldestPending time.Time
	// Today counts the guests of the current day (Options.Now, in
	// Options.Location), Week those of the current week (from Monday,
	// today included), All every guest the register has recorded. Purge
	// does not lower them: the figures staff and owners read stay when old
	// entries go.
	Today, Week, All Counts
	// Audit is how many audit events (staff actions) were recorded.
	Audit int
	// Hours splits Today by the hour of the day (Options.Location) it
	// began in: Hours[9] is 09:00 to 10:00.
	Hours [24]Counts
}

// Stats reads the counters; it does not scan the entries.
func (db *DB) Stats() (Stats, error) {
	var st Stats
	now := db.opts.Now().In(db.opts.Location)
	y, m, d := now.Date()
	from := slotKey(time.Date(y, m, d, 0, 0, 0, 0, db.opts.Location))
	to := slotKey(time.Date(y, m, d+1, 0, 0, 0, 0, db.opts.Location))
	monday := slotKey(time.Date(y, m, d-(int(now.Weekday())+6)%7, 0, 0, 0, 0, db.opts.Location))
	err := db.view("register stats", func(tx *bolt.Tx) error {
		var t tally
		if err := getJSON(tx.Bucket(bucketMeta), keyTally, &t); err != nil {
			return err
		}
		st.Total, st.Pending, st.All, st.Audit = t.held(), t.Pending, t.Counts, t.Audit
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
		for k, v := sc.Seek(monday); k != nil && bytes.Compare(k, to) < 0; k, v = sc.Next() {
			var n Counts
			if err := json.Unmarshal(v, &n); err != nil {
				return fmt.Errorf("%w: counters of slot %x: %w", ErrCorrupt, k, err)
			}
			st.Week.merge(n)
			if bytes.Compare(k, from) < 0 {
				continue
			}
			st.Today.merge(n)
			h := slotTime(k).In(db.opts.Location).Hour()
			st.Hours[h].merge(n)
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
