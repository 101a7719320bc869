package web

import (
	"strconv"
	"sync"
	"time"
)

// limiter counts wrong passwords per key (a user name, an address) and
// holds a key back once it has max of them within a window: the window
// starts at the first failure. It is in memory, per replica: a guesser
// spreading tries over n replicas gets n times the tries, still a few per
// quarter hour.
type limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	n     int
	start time.Time
}

// maxKeys bounds the memory a flood of names can take: past it, the keys
// whose window is over are dropped, and if none is, the oldest go.
const maxKeys = 10000

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, keys: map[string]*failures{}}
}

// wait is how long the key must wait before a try: 0 when it may try now.
func (l *limiter) wait(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.keys[key]
	if f == nil {
		return 0
	}
	left := f.start.Add(l.window).Sub(l.now())
	if left <= 0 {
		delete(l.keys, key)
		return 0
	}
	if f.n < l.max {
		return 0
	}
	return left
}

// fail counts a wrong password for the key.
func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	f := l.keys[key]
	if f == nil || !now.Before(f.start.Add(l.window)) {
		if len(l.keys) >= maxKeys {
			l.prune(now)
		}
		f = &failures{start: now}
		l.keys[key] = f
	}
	f.n++
}

// reset forgets the key's failures: the user got in.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}

func (l *limiter) prune(now time.Time) {
	var oldest string
	var at time.Time
	for k, f := range l.keys {
		if !now.Before(f.start.Add(l.window)) {
			delete(l.keys, k)
		} else if oldest == "" || f.start.Before(at) {
			oldest, at = k, f.start
		}
	}
	if len(l.keys) >= maxKeys {
		delete(l.keys, oldest)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
