package checkin

import (
	"time"

	"github.com/passgate/passgate/verify"
)

// waiting is a pass that admits only with a second pass of the same
// holder (2G+), until its window closes.
type waiting struct {
	payload string
	until   time.Time
	day     string // of the first showing, for the count when it lapses
}

// pair verifies a pass. When a pass is waiting for its companion, within
// its window, and this one names the same holder, the two are judged
// together; otherwise this pass is judged alone and a lapsed waiting pass
// counts as refused. first is the payload a verdict that still needs a
// companion should wait with.
func (d *Desk) pair(vf *verify.Verifier, payload string, now time.Time) (vd *verify.Verdict, first string) {
	d.mu.Lock()
	w := d.waiting
	d.waiting = nil
	d.mu.Unlock()
	if w == nil || w.payload == payload {
		return vf.Verify(payload, now), payload
	}
	if now.After(w.until) {
		d.lapsed(w)
		return vf.Verify(payload, now), payload
	}
	vd = vf.VerifyPair(w.payload, payload, now)
	if vd.Pass == nil || vd.Reason() == verify.HolderMismatch {
		// Another guest, or a second pass that is no good on its own: it
		// is judged alone, and the first guest's wait is over.
		d.lapsed(w)
		return vf.Verify(payload, now), payload
	}
	return vd, w.payload
}

// lapsed counts a pass whose companion never came as refused.
func (d *Desk) lapsed(w *waiting) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.counts.Day == w.day {
		d.counts.Refused++
	}
	d.log.Info("second pass not shown: the first stays refused", "waited_until", w.until.UTC().Format(time.RFC3339))
}

// entries counts the certificate entries a verdict's pass holds: two for
// a pair.
func countEntries(p *verify.PassInfo) int {
	n := 0
	if p.Vaccination != nil {
		n++
	}
	if p.Test != nil {
		n++
	}
	if p.Recovery != nil {
		n++
	}
	return n
}
