package checkin_test

import (
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
)

// counting is a register that counts its entries, slowly, as a busy disk.
type counting struct {
	mu sync.Mutex
	n  int
}

func (c *counting) Record(entry.Entry) error {
	time.Sleep(5 * time.Millisecond)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return nil
}

// TestScanConcurrentDuplicates: one pass read at once by the camera's
// workers and the wedge is one guest: one entry, and every other showing
// is the first outcome marked Duplicate.
func TestScanConcurrentDuplicates(t *testing.T) {
	c := &clock{noon}
	reg := &counting{}
	d := newDesk(t, fixtureBundle(t), reg, c)
	p := pass(t, "vaccination-valid")
	const n = 8
	outs := make([]checkin.Outcome, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			outs[i] = d.Scan(checkin.Scan{Payload: p, Method: entry.Camera, At: noon})
		})
	}
	close(start)
	wg.Wait()
	if reg.n != 1 {
		t.Errorf("%d entries recorded, want 1", reg.n)
	}
	var first []checkin.Outcome
	dups := 0
	for _, o := range outs {
		if o.Duplicate {
			dups++
		} else {
			first = append(first, o)
		}
	}
	if len(first) != 1 || dups != n-1 {
		t.Fatalf("%d first outcomes and %d duplicates, want 1 and %d", len(first), dups, n-1)
	}
	for _, o := range outs {
		if !o.Admitted || !o.Recorded || o.Entry.ID != first[0].Entry.ID {
			t.Errorf("outcome %+v, want the first one's (entry %s)", o, first[0].Entry.ID)
		}
	}
	if got := d.Counts(); got.Admitted != 1 {
		t.Errorf("counts %+v, want one guest admitted", got)
	}
}
