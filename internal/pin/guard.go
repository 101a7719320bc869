package pin

import (
	"errors"
	"sync"
	"time"
)

// Sentinel errors of Guard.Check: the PIN was not checked.
var (
	// ErrLocked means too many wrong PINs: wait for the retry time.
	ErrLocked = errors.New("too many wrong PINs")
	// ErrUnknownStaff means no staff member has that id. It counts as a
	// wrong try towards the global limit.
	ErrUnknownStaff = errors.New("unknown staff id")
)

// Limits says how Guard slows down guessing. Zero fields take the value of
// DefaultLimits.
type Limits struct {
	// Tries is how many wrong PINs one staff id may have before a wait.
	Tries int
	// GlobalTries is the same across all ids, so guessing cannot move on to
	// the next id.
	GlobalTries int
	// Wait is the first wait; each wrong PIN after a wait doubles it.
	Wait time.Duration
	// MaxWait caps the doubling: the kiosk stands at a door, and a long
	// lockout hurts the venue more than the guesser.
	MaxWait time.Duration
}

// DefaultLimits: three wrong PINs per id (ten in all) lock for 30 s, then
// 60 s after the next wrong one, and so on up to 15 minutes.
func DefaultLimits() Limits {
	return Limits{Tries: 3, GlobalTries: 10, Wait: 30 * time.Second, MaxWait: 15 * time.Minute}
}

// Guard checks staff PINs and rate-limits wrong ones, per staff id and in
// all. It is safe for concurrent use; attempts are checked one at a time.
type Guard struct {
	hashes map[string]string
	limits Limits

	mu     sync.Mutex
	global counter
	perID  map[string]*counter
}

// counter is the wrong-PIN state of one id, or of all.
type counter struct {
	wrong int           // wrong PINs since the last correct one
	wait  time.Duration // the wait the last lock imposed; 0 before any
	until time.Time     // locked before this instant
}

// NewGuard makes a Guard for the staff PIN hashes, by staff id.
func NewGuard(hashes map[string]string, l Limits) *Guard {
	d := DefaultLimits()
	if l.Tries <= 0 {
		l.Tries = d.Tries
	}
	if l.GlobalTries <= 0 {
		l.GlobalTries = d.GlobalTries
	}
	if l.Wait <= 0 {
		l.Wait = d.Wait
	}
	if l.MaxWait <= 0 {
		l.MaxWait = d.MaxWait
	}
	h := make(map[string]string, len(hashes))
	for id, v := range hashes {
		h[id] = v
	}
	return &Guard{hashes: h, limits: l, perID: map[string]*counter{}}
}

// Check verifies the PIN of staff member id at now. ok is true only for
// the right PIN. While locked (err ErrLocked) the PIN is not looked at and
// retryAfter says how long to wait; a wrong PIN that starts a lock also
// returns the wait. A correct PIN resets the counts.
func (g *Guard) Check(id, pin string, now time.Time) (ok bool, retryAfter time.Duration, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.perID[id]
	if wait := max(g.global.left(now), c.left(now)); wait > 0 {
		return false, wait, ErrLocked
	}
	hash, known := g.hashes[id]
	if !known {
		return false, g.global.fail(now, g.limits.GlobalTries, g.limits), ErrUnknownStaff
	}
	if Verify(hash, pin) {
		g.global = counter{}
		delete(g.perID, id)
		return true, 0, nil
	}
	if c == nil {
		c = &counter{}
		g.perID[id] = c
	}
	wait := max(c.fail(now, g.limits.Tries, g.limits), g.global.fail(now, g.limits.GlobalTries, g.limits))
	return false, wait, nil
}

// left is how long the lock still holds at now.
func (c *counter) left(now time.Time) time.Duration {
	if c == nil || !now.Before(c.until) {
		return 0
	}
	return c.until.Sub(now)
}

// fail counts a wrong PIN and returns the wait it starts, if any: none
// before the tries are used up, then Wait, then double the previous wait
// for each wrong PIN after it.
func (c *counter) fail(now time.Time, tries int, l Limits) time.Duration {
	c.wrong++
	if c.wrong < tries {
		return 0
	}
	switch {
	case c.wait == 0:
		c.wait = l.Wait
	default:
		c.wait = min(2*c.wait, l.MaxWait)
	}
	c.until = now.Add(c.wait)
	return c.wait
}
