package uplink_test

import (
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/uplink"
)

// fakeClock is the time of Run loops under test: it stands still until
// the test moves it, and the test moves it only when every loop waits, to
// the end of the earliest wait. What the loops do at one instant is done
// before the clock moves on, however long it takes in real time, so the
// tests run as fast as the loops work and the times they check are exact.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	loops   []*loopClock
	changed chan struct{} // closed and replaced when a loop starts to wait
}

// loopClock is one Run loop's view of a fakeClock. A Run loop waits on
// one channel at a time: a call of After means the previous one was
// abandoned (or received), so only the latest counts.
type loopClock struct {
	c  *fakeClock
	at time.Time      // when the wait ends
	ch chan time.Time // nil: the loop is at work, not waiting
}

func newFakeClock(start time.Time) *fakeClock {
	return &fakeClock{now: start, changed: make(chan struct{})}
}

// Now is the fake time, for the hub's side of a test.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// loop returns the clock for one Run loop, which the clock then waits for
// before it moves. Call it before the loop starts.
func (c *fakeClock) loop() *loopClock {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := &loopClock{c: c}
	c.loops = append(c.loops, l)
	return l
}

// options sets the loop's clock in o.
func (l *loopClock) options(o uplink.Options) uplink.Options {
	o.Now, o.After = l.Now, l.After
	return o
}

func (l *loopClock) Now() time.Time { return l.c.Now() }

func (l *loopClock) After(d time.Duration) <-chan time.Time {
	c := l.c
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now // no wait: the loop stays at work
		l.ch = nil
		return ch
	}
	l.at, l.ch = c.now.Add(d), ch
	close(c.changed)
	c.changed = make(chan struct{})
	return ch
}

// notify is u.Notify for a loop that waits: the loop takes the notice
// instead of its wait, which then no longer counts as one.
func (l *loopClock) notify(t testing.TB, u *uplink.Uplink) {
	t.Helper()
	l.c.mu.Lock()
	waiting := l.ch != nil
	l.ch = nil
	l.c.mu.Unlock()
	if !waiting {
		t.Fatal("notify of a loop at work: it could take the notice after its next wait began")
	}
	u.Notify()
}

// idle returns once every loop waits. It gives up after a minute of real
// time: a loop that never waits again is hung, and the test with it.
func (c *fakeClock) idle(t testing.TB) {
	t.Helper()
	hung := time.After(time.Minute)
	for {
		c.mu.Lock()
		busy := 0
		for _, l := range c.loops {
			if l.ch == nil {
				busy++
			}
		}
		changed := c.changed
		c.mu.Unlock()
		if busy == 0 {
			return
		}
		select {
		case <-changed:
		case <-hung:
			t.Fatalf("%d of %d sync loops still at work after a minute", busy, len(c.loops))
		}
	}
}

// step moves the time to the end of the earliest wait, not beyond limit,
// and ends every wait due then. It reports whether a wait ended. Call it
// when all loops wait (idle).
func (c *fakeClock) step(limit time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	next := limit
	for _, l := range c.loops {
		if l.ch != nil && l.at.Before(next) {
			next = l.at
		}
	}
	c.now = next
	ended := false
	for _, l := range c.loops {
		if l.ch != nil && !l.at.After(c.now) {
			l.ch <- c.now
			l.ch = nil
			ended = true
		}
	}
	return ended
}

// advance lets d pass: the loops do all they would meanwhile.
func (c *fakeClock) advance(t testing.TB, d time.Duration) {
	t.Helper()
	end := c.Now().Add(d)
	for {
		c.idle(t)
		if !c.step(end) {
			return
		}
	}
}

// until lets time pass until done says so, checked whenever all loops
// wait; the test fails if the clock reaches deadline first.
func (c *fakeClock) until(t testing.TB, deadline time.Time, done func() bool) {
	t.Helper()
	for {
		c.idle(t)
		if done() {
			return
		}
		if !c.Now().Before(deadline) {
			t.Fatalf("still not done at the deadline, %v", deadline)
		}
		c.step(deadline)
	}
}
