package checkin

import (
	"sync"
	"time"

	"github.com/passgate/passgate/entry"
)

// OtherDoors remembers whom the venue's other doors let in lately, as the
// hub tells (uplink.WatchVenue): holder pseudonyms, doors and times. The
// doors share the venue's secret, so a pass gives the same pseudonym at
// each. A desk given one counts a guest admitted at another door within
// the duplicate window once (Outcome.OtherDoor); a door that has not heard
// from the hub lately just judges alone. Safe for concurrent use; lookups
// never wait for the network.
type OtherDoors struct {
	mu   sync.Mutex
	seen map[string]entry.Sighting // by holder: the latest
}

// NewOtherDoors returns an empty memory.
func NewOtherDoors() *OtherDoors { return &OtherDoors{seen: map[string]entry.Sighting{}} }

// Add takes the hub's latest answer, and forgets sightings before
// forgetBefore.
func (o *OtherDoors) Add(ss []entry.Sighting, forgetBefore time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range ss {
		if cur, ok := o.seen[s.Holder]; !ok || s.Time.After(cur.Time) {
			o.seen[s.Holder] = s
		}
	}
	for h, s := range o.seen {
		if s.Time.Before(forgetBefore) {
			delete(o.seen, h)
		}
	}
}

// Seen returns the latest sighting of holder at or after since.
func (o *OtherDoors) Seen(holder string, since time.Time) (entry.Sighting, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s, ok := o.seen[holder]
	if !ok || s.Time.Before(since) {
		return entry.Sighting{}, false
	}
	return s, true
}

// elsewhere marks an admitted pass that another door of the venue let in
// within the window: the same guest, counted there, so it is not recorded
// again. A refusal here stands on its own (this door's bundle may know a
// revocation the other did not), as does a pass waiting for its companion.
func (d *Desk) elsewhere(out *Outcome, now time.Time) bool {
	v := out.Verdict
	if d.o.OtherDoors == nil || len(d.o.Secret) == 0 || !out.Admitted || v == nil || v.Pass == nil || v.Pass.UVCI == "" {
		return false
	}
	s, ok := d.o.OtherDoors.Seen(entry.Pseudonym(d.o.Secret, v.Pass.UVCI), now.Add(-d.o.Window))
	if !ok {
		return false
	}
	out.Duplicate, out.OtherDoor, out.OtherDoorAt = true, s.Kiosk, s.Time
	return true
}
