// Package uplink is the kiosk's side of sync, run in the background: it
// pulls signed trust bundles from the hub and pushes the register's
// entries to it. Nothing here is on the path from a scanned pass to the
// verdict: the kiosk reads the bundle in use through Trust, an atomic
// pointer swapped only after a new bundle passed every check; a hub that
// is down, slow or overloaded only delays sync. Failures back off
// exponentially with full jitter and honour Retry-After, so a fleet that
// finds its hub again does not stampede it. Its log names entries by id
// only: no holder's data and no token ever goes into it.
package uplink

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/entry"
)

// Register is what uplink needs of the entry register (store.DB has it).
type Register interface {
	// Pending returns up to limit entries not yet acknowledged, oldest
	// first.
	Pending(limit int) ([]entry.Entry, error)
	// Ack marks entries as held by the hub.
	Ack(ids []string) error
}

// Options configure an Uplink. Hub, Token and BundleKey are required.
type Options struct {
	// Hub is the hub's base URL, e.g. https://hub.example:8443, or several
	// replicas' separated by commas or spaces: a request moves to the next
	// on a connection failure or a 503.
	Hub       string
	Token     string // the kiosk's bearer token
	BundleKey ed25519.PublicKey
	// BundlePath is where the bundle in use is kept, so a restart starts
	// with it; empty keeps it in memory only.
	BundlePath string
	// PullEvery is the time between bundle pulls; 0 means 10 minutes.
	// Each wait is drawn between ½ and 1½ of it.
	PullEvery time.Duration
	// PushEvery is the time between pushes when nothing asks for one
	// sooner (Notify); 0 means 30 s.
	PushEvery time.Duration
	// StatusEvery is the time between status reports to the hub (a
	// heartbeat) when no push moved entries, which reports too; 0 means
	// 5 minutes. Each wait is drawn between ½ and 1½ of it. See status.go.
	StatusEvery time.Duration
	// Report, if set, gives what the kiosk reports of itself that uplink
	// does not know: the software's version and the camera's state
	// ("streaming", "lost", ...; "none" without one). Nil reports version
	// "unknown" and camera "none". It is called from Run's goroutine and
	// must not block.
	Report func() (version, camera string)
	// Batch is the most entries a push sends at once; 0 means 1000.
	Batch int
	// BackoffMin and BackoffMax bound the wait after a failure: the n-th
	// failure in a row waits a random time up to min(Max, Min·2ⁿ), at
	// least what the hub's Retry-After asked. 0 means 1 s and 5 min.
	BackoffMin, BackoffMax time.Duration
	Client                 *http.Client // nil: a client with a 30 s timeout
	// RoundTimeout bounds one pull, and one push of everything waiting,
	// whatever the hub does (a trickle of segments, say); 0 means 10 min.
	RoundTimeout time.Duration
	// Now and After are the clock: Now reads it, After waits on it as
	// time.After does (the channel receives once d has passed). Every
	// reading of the time and every wait in the package goes through them,
	// so the sync loop can run on a fake clock. nil means the real clock:
	// time.Now, time.After. Run measures its waits with Now and waits them
	// out with After, so a fake clock sets both.
	Now   func() time.Time
	After func(d time.Duration) <-chan time.Time
	Rand  *rand.Rand // for jitter; nil: seeded from the clock
	// Log gets what sync does and what goes wrong, logged once, where it
	// is handled; nil discards. Of an entry only its id goes into it, and
	// never the token.
	Log *slog.Logger
	// OnBundle, if set, is called after a new bundle was taken into use.
	OnBundle func(*bundle.Bundle)
}

// State is what the kiosk's screen shows of sync.
type State struct {
	LastPull, LastPush time.Time // last successful ones
	BundleSequence     uint64
	BundleIssued       time.Time
	BundleValidUntil   time.Time
	Waiting            int   // entries not yet acknowledged, as last counted
	Pushed             int   // entries acknowledged since start
	Rejected           int   // entries the hub refused since start
	LastError          error // of the last failed request, nil after a success
	// BundleError says why the hub's bundle was refused (bad signature,
	// not newer, cut short...): the kiosk keeps the one it has. Cleared
	// when the hub serves a bundle that is taken into use or that the kiosk
	// already has.
	BundleError error
	NextTry     time.Time // when the next attempt after a failure is due
	Online      bool      // the last request reached the hub
	// SegmentsFetched counts the revocation segments fetched on their own
	// (delta pulls) since start.
	SegmentsFetched int
	// HubDate is the Date header of the hub's last answer and HubDateAt
	// the kiosk's clock (Options.Now) when it came: the clock check's
	// witness of the true time. Zero before an answer with a Date.
	HubDate, HubDateAt time.Time
}

// Uplink syncs one kiosk with its hub.
type Uplink struct {
	o     Options
	reg   Register
	trust atomic.Pointer[bundle.Bundle]
	etag  atomic.Value // string: ETag of the bundle in use
	raw   atomic.Value // []byte: the bundle in use, for delta pulls
	wake  chan struct{}

	mu    sync.Mutex
	state State
	rnd   *rand.Rand
	hubs  []string // Options.Hub split
	hub   int      // the index in hubs of the one that answered last
	// warned holds the ids of entries whose refusal by the hub was logged
	// at Warn: a refused entry is offered again every round, and its
	// refusal is news only once.
	warned map[string]bool
	stat   statusState // of the status reports (status.go)
}

// New returns an Uplink. The bundle kept at BundlePath, if any, is taken
// into use when it passes its checks (a stale one too: it is still the best
// trust there is); a kept file that fails them is an error naming why, and
// is left as it is.
func New(o Options, reg Register) (*Uplink, error) {
	if o.Hub == "" || o.Token == "" || len(o.BundleKey) != ed25519.PublicKeySize {
		return nil, errors.New("uplink: the hub URL, the kiosk token and the bundle key are required")
	}
	if o.PullEvery <= 0 {
		o.PullEvery = 10 * time.Minute
	}
	if o.PushEvery <= 0 {
		o.PushEvery = 30 * time.Second
	}
	if o.StatusEvery <= 0 {
		o.StatusEvery = 5 * time.Minute
	}
	if o.Batch <= 0 || o.Batch > entry.MaxBatch {
		o.Batch = entry.MaxBatch
	}
	if o.BackoffMin <= 0 {
		o.BackoffMin = time.Second
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 5 * time.Minute
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if o.RoundTimeout <= 0 {
		o.RoundTimeout = 10 * time.Minute
	}
	// Never follow a redirect: a 307 would re-post the entries (and the
	// bearer token) to another host, perhaps over plain http. A copy, so
	// the caller's client is left as it is.
	client := *o.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	o.Client = &client
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	r := o.Rand
	if r == nil {
		r = rand.New(rand.NewPCG(uint64(o.Now().UnixNano()), 0x9e3779b97f4a7c15))
	}
	u := &Uplink{o: o, reg: reg, wake: make(chan struct{}, 1), rnd: r, warned: map[string]bool{}, hubs: hubs(o.Hub)}
	if len(u.hubs) == 0 {
		return nil, errors.New("uplink: the hub URL is required")
	}
	u.etag.Store("")
	if o.BundlePath != "" {
		data, err := os.ReadFile(o.BundlePath)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("uplink: kept bundle: %w", err)
		default:
			b, err := bundle.Load(data, o.BundleKey, nil, o.Now())
			if err != nil && !errors.Is(err, bundle.ErrExpired) {
				return nil, fmt.Errorf("uplink: kept bundle %s: %w", o.BundlePath, err)
			}
			u.use(b, ETag(data))
			u.raw.Store(data)
			o.Log.Info("kept bundle taken into use", "path", o.BundlePath, "sequence", b.Sequence(),
				"valid_until", b.ValidUntil(), "expired", err != nil)
		}
	}
	return u, nil
}

// Trust returns the bundle in use, nil before the first one. Safe from
// any goroutine, never blocks.
func (u *Uplink) Trust() *bundle.Bundle { return u.trust.Load() }

// State returns a copy of the sync state.
func (u *Uplink) State() State {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.state
}

// Notify asks for a push soon (an entry was recorded). It never blocks.
func (u *Uplink) Notify() {
	select {
	case u.wake <- struct{}{}:
	default:
	}
}

func (u *Uplink) use(b *bundle.Bundle, etag string) {
	u.trust.Store(b)
	u.etag.Store(etag)
	u.mu.Lock()
	u.state.BundleSequence = b.Sequence()
	u.state.BundleIssued = b.Info().IssuedAt
	u.state.BundleValidUntil = b.ValidUntil()
	u.mu.Unlock()
}

// Report is what one round did, for `passgate sync --once`.
type Report struct {
	Bundle      string // "unchanged", "updated to sequence N", or the refusal
	Pushed      int
	Rejected    []entry.Reject
	StillQueued int
}

// Once does one round: a bundle pull, then pushes until nothing is
// waiting. A refused bundle is not an error of the round (the kiosk keeps
// its bundle; Report.Bundle says why); a hub that cannot be reached is.
func (u *Uplink) Once(ctx context.Context) (Report, error) {
	var rep Report
	msg, pullErr := u.pull(ctx)
	rep.Bundle = msg
	// A failed pull does not keep the entries back: the push is a request
	// of its own, perhaps to another replica.
	var pushErr error
	rep.Pushed, rep.Rejected, rep.StillQueued, pushErr = u.pushAll(ctx)
	if pushErr == nil {
		u.report(ctx) // its failure is logged, not the round's
	}
	return rep, errors.Join(pullErr, pushErr)
}

// Run syncs until ctx ends: pulls every PullEvery (jittered), pushes every
// PushEvery or when notified, and after a failure waits as Options say.
// Run is where a failed round is handled, so it is where one is logged:
// the first of a streak at Warn, the rest at Debug, and the end of the
// streak at Info.
func (u *Uplink) Run(ctx context.Context) error {
	nextPull := u.o.Now()
	nextPush, nextStatus := nextPull, nextPull
	failures := 0
	for {
		now := u.o.Now()
		var err error
		did := false
		if !now.Before(nextPull) {
			did = true
			if _, err = u.pull(ctx); err == nil {
				nextPull = now.Add(u.jitter(u.o.PullEvery))
			}
		}
		moved := false
		if err == nil && !now.Before(nextPush) {
			did = true
			var pushed int
			if pushed, _, _, err = u.pushAll(ctx); err == nil {
				nextPush = now.Add(u.o.PushEvery)
				moved = pushed > 0 // refused again is no news
			}
		}
		// The status follows a push that moved entries, or is a
		// heartbeat; never after a failed round (the hub is likely out of
		// reach: a report would only delay the next try).
		if err == nil && (moved || !now.Before(nextStatus)) && ctx.Err() == nil {
			u.report(ctx)
			nextStatus = now.Add(u.jitter(u.o.StatusEvery))
		}
		if ctx.Err() != nil { // a round cut short by the end is no failure
			return nil
		}
		end := u.o.Now()
		wait := min(nextPull.Sub(end), nextPush.Sub(end), nextStatus.Sub(end))
		switch {
		case did && err != nil:
			failures++
			wait = u.backoff(failures, err)
			nextPull, nextPush = now.Add(wait), now.Add(wait)
			if nextStatus.Before(nextPush) { // the heartbeat waits out the backoff too
				nextStatus = nextPush
			}
			u.mu.Lock()
			u.state.NextTry = now.Add(wait)
			u.mu.Unlock()
			level := slog.LevelWarn
			if failures > 1 {
				level = slog.LevelDebug
			}
			u.o.Log.Log(ctx, level, "sync failed", "err", err, "failures", failures, "wait", wait)
		case did:
			if failures > 0 {
				u.o.Log.InfoContext(ctx, "hub reached again", "failures", failures)
			}
			failures = 0
		}
		select {
		case <-ctx.Done():
			return nil
		case <-u.o.After(max(wait, 0)):
		case <-u.wake:
			if failures == 0 { // after a failure the backoff stands
				nextPush = u.o.Now()
			}
		}
	}
}

// jitter draws a wait between ½ and 1½ of d.
func (u *Uplink) jitter(d time.Duration) time.Duration {
	u.mu.Lock()
	defer u.mu.Unlock()
	return d/2 + time.Duration(u.rnd.Int64N(int64(d)+1))
}

// backoff is the wait after the n-th failure in a row: full jitter up to
// min(Max, Min·2ⁿ⁻¹), and at least what the hub asked with Retry-After.
func (u *Uplink) backoff(n int, err error) time.Duration {
	ceiling := u.o.BackoffMin << min(n-1, 30)
	if ceiling <= 0 || ceiling > u.o.BackoffMax {
		ceiling = u.o.BackoffMax
	}
	u.mu.Lock()
	d := time.Duration(u.rnd.Int64N(int64(ceiling) + 1))
	u.mu.Unlock()
	var ra *RetryAfterError
	if errors.As(err, &ra) && d < ra.After {
		d = ra.After
	}
	return d
}

// RetryAfterError is a hub that said it is busy (429 or 503) and when to
// come back.
type RetryAfterError struct {
	Status int
	After  time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("hub busy (HTTP %d), retry after %s", e.Status, e.After)
}

func (u *Uplink) failed(err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.state.LastError = err
	u.stat.lastErr = err.Error()
	var ra *RetryAfterError
	var he *HTTPError
	u.state.Online = errors.As(err, &ra) || errors.As(err, &he)
}

func (u *Uplink) succeeded(pull bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.state.LastError = nil
	u.state.Online = true
	if pull {
		u.state.LastPull = u.o.Now()
	} else {
		u.state.LastPush = u.o.Now()
	}
}

// HTTPError is an answer from the hub that is neither success nor busy.
type HTTPError struct {
	Status int
	Body   string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("hub answered HTTP %d: %s", e.Status, e.Body)
}
