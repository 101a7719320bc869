package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/passgate/passgate/entry"
)

// register is a kiosk's register in memory, implementing uplink.Register
// as store.DB does (pending entries oldest first, acknowledged ones leave
// the queue, unknown ids are ignored). It is in memory rather than
// store.DB so that 2,000 kiosks do not measure this machine's disk with
// 2,000 bbolt files fsync'd at every check-in, and because it keeps, for
// the count at the end, every entry the kiosk recorded with when it was
// recorded and when the hub acknowledged it.
type register struct {
	now func() time.Time

	mu      sync.Mutex
	pending []entry.Entry // oldest first: a kiosk's ids grow with its clock
	kept    map[string]*kept
	order   []string // ids in the order recorded
}

// kept is what the register knows of one entry.
type kept struct {
	e               entry.Entry
	recorded, acked time.Time // real time; acked is zero while waiting
	acks            int       // acknowledgements received (a resend is acknowledged again)
}

func newRegister(now func() time.Time) *register {
	return &register{now: now, kept: map[string]*kept{}}
}

// Record keeps e and queues it for the hub, as store.DB.Record does: an
// invalid entry, or another entry under a recorded id, is refused.
func (r *register) Record(e entry.Entry) error {
	if err := e.Check(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.kept[e.ID]; ok {
		return fmt.Errorf("record %s: id already recorded", e.ID)
	}
	if n := len(r.pending); n > 0 && r.pending[n-1].ID >= e.ID {
		return fmt.Errorf("record %s: id not after %s: the kiosk's ids must grow", e.ID, r.pending[n-1].ID)
	}
	r.kept[e.ID] = &kept{e: e, recorded: r.now()}
	r.order = append(r.order, e.ID)
	r.pending = append(r.pending, e)
	return nil
}

// Pending implements uplink.Register.
func (r *register) Pending(limit int) ([]entry.Entry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.pending)
	if limit > 0 {
		n = min(n, limit)
	}
	return append([]entry.Entry(nil), r.pending[:n]...), nil
}

// Ack implements uplink.Register.
func (r *register) Ack(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	done := make(map[string]bool, len(ids))
	for _, id := range ids {
		k, ok := r.kept[id]
		if !ok {
			continue
		}
		k.acks++
		if k.acked.IsZero() {
			k.acked = now
			done[id] = true
		}
	}
	if len(done) > 0 {
		out := r.pending[:0]
		for _, e := range r.pending {
			if !done[e.ID] {
				out = append(out, e)
			}
		}
		clear(r.pending[len(out):])
		r.pending = out
	}
	return nil
}

// PendingCount is what uplink reports as waiting.
func (r *register) PendingCount() (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending), nil
}

// entries calls fn for every entry recorded, in order.
func (r *register) entries(fn func(*kept)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range r.order {
		fn(r.kept[id])
	}
}
