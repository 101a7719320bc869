package scanner

import (
	"context"
	"image"
	"runtime"
	"sync"
	"time"
)

// LiveOptions tune a Live scanner. The zero value is the default.
type LiveOptions struct {
	Frame FrameOptions
	// Workers decode in parallel when frames come faster than one decodes;
	// 0 means one per core, at most 2.
	Workers int
	// Window: a code seen again within this time of its last sighting is
	// not reported again, so a pass held up to the camera is one scan.
	// 0 means 3 s.
	Window time.Duration
	// Now is the clock for the window and latencies; time.Now if nil.
	Now func() time.Time
}

// Scan is a code read from a live stream.
type Scan struct {
	FrameResult
	Seq       uint64    // the frame's sequence number
	FrameTime time.Time // when the frame was taken
	// Latency is from the frame's time to the scan's report.
	Latency time.Duration
}

// LiveStats count what a Live scanner did.
type LiveStats struct {
	Offered    uint64 // frames offered
	Replaced   uint64 // frames replaced by a newer one before a worker took them
	Decoded    uint64 // frames decoded
	Found      uint64 // frames in which a code was read
	Duplicates uint64 // codes not reported again inside the window
}

// Live reads codes from a stream of frames. The latest frame wins: a frame
// offered while another waits replaces it, so workers never work through
// a queue of stale frames. Codes are reported once per sighting.
type Live struct {
	dec     *FrameDecoder
	workers int
	window  time.Duration
	now     func() time.Time

	mu      sync.Mutex
	cond    *sync.Cond
	pending *liveFrame
	closed  bool
	seen    map[string]time.Time
	stats   LiveStats

	emitMu sync.Mutex // reports go out one at a time
}

type liveFrame struct {
	l    *Luma
	seq  uint64
	at   time.Time
	done func()
}

// NewLive returns a live scanner; Run starts it.
func NewLive(o LiveOptions) *Live {
	if o.Workers <= 0 {
		o.Workers = min(2, runtime.GOMAXPROCS(0))
	}
	if o.Window <= 0 {
		o.Window = 3 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	lv := &Live{dec: NewFrameDecoder(o.Frame), workers: o.Workers, window: o.Window, now: o.Now,
		seen: map[string]time.Time{}}
	lv.cond = sync.NewCond(&lv.mu)
	return lv
}

// Offer hands a frame over without waiting. done, if not nil, is called
// once the frame is no longer needed (decoded, or replaced by a newer one),
// so the caller may reuse its buffer. After Run has returned, done is
// called at once.
func (lv *Live) Offer(l *Luma, seq uint64, at time.Time, done func()) {
	lv.mu.Lock()
	lv.stats.Offered++
	if lv.closed {
		lv.mu.Unlock()
		call(done)
		return
	}
	old := lv.pending
	lv.pending = &liveFrame{l: l, seq: seq, at: at, done: done}
	if old != nil {
		lv.stats.Replaced++
	}
	lv.mu.Unlock()
	lv.cond.Signal()
	if old != nil {
		call(old.done)
	}
}

func call(f func()) {
	if f != nil {
		f()
	}
}

// Run decodes offered frames until ctx ends, calling emit for each new
// code, never for two at once.
func (lv *Live) Run(ctx context.Context, emit func(Scan)) {
	stop := context.AfterFunc(ctx, func() {
		lv.mu.Lock()
		lv.closed = true
		lv.mu.Unlock()
		lv.cond.Broadcast()
	})
	defer stop()
	var wg sync.WaitGroup
	for range lv.workers {
		wg.Go(func() { lv.work(emit) })
	}
	wg.Wait()
	lv.mu.Lock()
	f := lv.pending
	lv.pending = nil
	lv.mu.Unlock()
	if f != nil {
		call(f.done)
	}
}

func (lv *Live) work(emit func(Scan)) {
	for {
		lv.mu.Lock()
		for lv.pending == nil && !lv.closed {
			lv.cond.Wait()
		}
		if lv.closed {
			lv.mu.Unlock()
			return
		}
		f := lv.pending
		lv.pending = nil
		lv.mu.Unlock()

		res, err := lv.dec.Decode(f.l, f.at)
		call(f.done)
		lv.mu.Lock()
		lv.stats.Decoded++
		if err != nil {
			lv.mu.Unlock()
			continue
		}
		lv.stats.Found++
		now := lv.now()
		last, ok := lv.seen[res.Text]
		lv.seen[res.Text] = now
		lv.forget(now)
		if ok && now.Sub(last) < lv.window {
			lv.stats.Duplicates++
			lv.mu.Unlock()
			continue
		}
		lv.mu.Unlock()
		lv.emitMu.Lock()
		emit(Scan{FrameResult: res, Seq: f.seq, FrameTime: f.at, Latency: now.Sub(f.at)})
		lv.emitMu.Unlock()
	}
}

// forget drops sightings older than the window, so the map stays small.
func (lv *Live) forget(now time.Time) {
	if len(lv.seen) < 64 {
		return
	}
	for t, at := range lv.seen {
		if now.Sub(at) >= lv.window {
			delete(lv.seen, t)
		}
	}
}

// Stats returns the counts so far.
func (lv *Live) Stats() LiveStats {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	return lv.stats
}

// Region is where the last code was read, for the preview's outline;
// empty when none was read lately.
func (lv *Live) Region(now time.Time) image.Rectangle {
	d := lv.dec
	d.mu.Lock()
	defer d.mu.Unlock()
	if now.Sub(d.regionAt) > d.opts.RegionTTL {
		return image.Rectangle{}
	}
	return d.region
}
