package main

import (
	"context"
	"crypto/ecdh"
	"crypto/ed25519"
	crand "crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/presets"
)

// Config is one simulated lunchtime. Fault times are simulated clock
// times, as offsets from 11:00.
type Config struct {
	Kiosks   int
	PerKiosk float64       // mean check-ins per kiosk over 11:00–14:00
	Length   time.Duration // the real time 11:00–14:00 is compressed into
	Warmup   time.Duration // kiosks start, spread over it, and pull the bundle before 11:00

	KillAt  time.Duration // replica a is SIGKILLed …
	Down    time.Duration // … and started again this much later
	PGAt    time.Duration // PostgreSQL is restarted (-m immediate)
	StallAt time.Duration // the proxy to replica b stalls …
	Stall   time.Duration // … for this long

	ClientTimeout time.Duration // the kiosks' HTTP client timeout (uplink's default: 30 s)
	Drain         time.Duration // how long to wait, after the last guest, for every kiosk to have nothing waiting
	Seed          uint64
	Dir           string // work directory: the binary, the bundle, the replicas' logs
	Passhub       string // a passhub binary; empty: built from ./cmd/passhub
	Parallel      int    // passhub kiosk add run at once
	Progress      io.Writer
}

// Fault is one fault done during the run.
type Fault struct {
	What    string
	Sim     time.Time     // on the simulated clock
	Took    time.Duration // how long it lasted (down, restarting, stalled)
	Err     error
	Skipped string // why it was not done
	Note    string
}

// Simulate runs a lunchtime on db and counts the entries at the end.
func Simulate(ctx context.Context, cfg Config, db Database) (*Result, error) {
	say := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "%s lunchtime: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The hub: the binary, the schema, a bundle, a token per kiosk.
	bin := cfg.Passhub
	if bin == "" {
		say("building passhub")
		var err error
		if bin, err = build(ctx, cfg.Dir); err != nil {
			return nil, err
		}
	}
	ph := &passhub{bin: bin, store: db.URL}
	if _, err := ph.run(ctx, "migrate", "--store", db.URL); err != nil {
		return nil, err
	}
	key, err := publishBundle(ctx, ph, cfg.Dir)
	if err != nil {
		return nil, err
	}
	say("adding %d kiosks with passhub kiosk add", cfg.Kiosks)
	began := time.Now()
	tokens, err := addKiosks(ctx, ph, cfg.Kiosks, max(cfg.Parallel, 1))
	if err != nil {
		return nil, err
	}
	say("kiosks added in %s", time.Since(began).Round(time.Millisecond))

	// Two replicas, a proxy in front of each, a meter on each.
	var reps []*replica
	var proxies []*proxy
	var meters []*meter
	defer func() {
		for _, p := range proxies {
			p.Close()
		}
		for _, r := range reps {
			r.stop()
		}
	}()
	var hubs []string
	for _, name := range []string{"a", "b"} {
		addr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		r := &replica{name: name, addr: addr, log: filepath.Join(cfg.Dir, "passhub-"+name+".log"), hub: ph}
		if err := r.start(ctx); err != nil {
			return nil, err
		}
		reps = append(reps, r)
		p, err := newProxy(addr)
		if err != nil {
			return nil, err
		}
		proxies = append(proxies, p)
		meters = append(meters, newMeter(addr))
		hubs = append(hubs, "http://"+p.Addr())
		say("replica %s on %s, its proxy on %s, log %s", name, addr, p.Addr(), r.log)
	}
	wctx, stopWatch := context.WithCancel(ctx)
	var watching sync.WaitGroup
	watching.Go(func() { watch(wctx, meters) })
	defer func() { stopWatch(); watching.Wait() }()

	// The fleet, started over the warm-up so it is not one burst.
	logs := &counter{}
	log := slog.New(logs)
	fleet := make([]*kiosk, cfg.Kiosks)
	for i := range fleet {
		if fleet[i], err = newKiosk(i, tokens[i], hubs, key, cfg.ClientTimeout, cfg.Seed, cfg.PerKiosk, log); err != nil {
			return nil, err
		}
	}
	kctx, stopKiosks := context.WithCancel(ctx)
	var syncing, arriving sync.WaitGroup
	defer func() { stopKiosks(); arriving.Wait(); syncing.Wait() }()
	say("starting %d kiosks over %s", cfg.Kiosks, cfg.Warmup)
	warm := time.Now()
	for i, k := range fleet {
		time.Sleep(time.Until(warm.Add(cfg.Warmup * time.Duration(i) / time.Duration(cfg.Kiosks))))
		syncing.Go(func() { k.up.Run(kctx) })
	}
	time.Sleep(time.Until(warm.Add(cfg.Warmup)))

	now := time.Now()
	c := clock{start: now, sim: lunchDay(now), length: cfg.Length}
	say("11:00 of %s (KST): %d kiosks, lunchtime in %s", c.sim.Format("2006-01-02"), cfg.Kiosks, cfg.Length)
	for _, k := range fleet {
		arriving.Go(func() { k.guests(kctx, c) })
	}
	var faults []Fault
	var faulting sync.WaitGroup
	var fmu sync.Mutex
	addFault := func(f Fault) { fmu.Lock(); faults = append(faults, f); fmu.Unlock() }
	at := func(off time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(time.Until(c.real(off))):
			return true
		}
	}
	faulting.Go(func() {
		if !at(cfg.KillAt) {
			return
		}
		addFault(killAndRestart(ctx, reps[0], meters[0], c, cfg.Down, say))
	})
	faulting.Go(func() {
		if !at(cfg.PGAt) {
			return
		}
		f := Fault{What: "PostgreSQL restarted, pg_ctl restart -m immediate", Sim: c.at(time.Now())}
		if db.Restart == nil {
			f.Skipped = "the server is not this program's (" + db.What + ")"
		} else {
			say("restarting PostgreSQL -m immediate")
			t := time.Now()
			f.Err = db.Restart()
			f.Took = time.Since(t)
			say("PostgreSQL up again after %s", f.Took.Round(time.Millisecond))
		}
		addFault(f)
	})
	faulting.Go(func() {
		if !at(cfg.StallAt) {
			return
		}
		f := Fault{What: "network to replica b stalled (its proxy forwards nothing, connections kept open)", Sim: c.at(time.Now())}
		say("stalling the proxy of replica b for %s", cfg.Stall)
		t := time.Now()
		proxies[1].Stall()
		select {
		case <-ctx.Done():
		case <-time.After(cfg.Stall):
		}
		proxies[1].Resume()
		f.Took = time.Since(t)
		say("proxy of replica b forwards again")
		addFault(f)
	})
	arriving.Wait()
	faulting.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	last := time.Now()
	say("14:00: the last guests are in; draining (at most %s)", cfg.Drain)
	drained := drain(ctx, fleet, cfg.Drain)
	drainTook := time.Since(last)
	stopKiosks()
	arriving.Wait()
	syncing.Wait()
	for _, m := range meters {
		m.read(ctx)
	}
	stopWatch()
	watching.Wait()

	res := &Result{Kiosks: cfg.Kiosks, Day: c.sim, Length: cfg.Length, Faults: faults, DB: db.What,
		Drained: drained, DrainTook: drainTook, Failovers: logs.failover.Load(), Moves: logs.moved.Load(),
		FailedRounds: logs.failed.Load(), Refused: logs.refused.Load()}
	for i, m := range meters {
		tot, peak, peakAt := m.total()
		res.Replicas = append(res.Replicas, ReplicaResult{Name: reps[i].name, Peak: peak, PeakAt: c.at(peakAt),
			Requests: int64(tot.requests), Busy: int64(tot.busy), Ingested: int64(tot.ingested), Resent: int64(tot.resent),
			Starts: reps[i].starts, Accepted: proxies[i].accepted.Load()})
	}
	for _, k := range fleet {
		res.RecordErrors += k.errs.Load()
	}
	var errs []error
	for _, r := range reps {
		if err := r.stop(); err != nil {
			errs = append(errs, err)
		}
	}
	reps = nil
	say("counting the entries at the hub")
	if err := res.count(ctx, db.URL, fleet); err != nil {
		return res, err
	}
	for _, f := range faults {
		if f.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.What, f.Err))
		}
	}
	return res, errors.Join(errs...)
}

// killAndRestart SIGKILLs replica r (its counters read just before), waits
// down, and starts it again on its address.
func killAndRestart(ctx context.Context, r *replica, m *meter, c clock, down time.Duration, say func(string, ...any)) Fault {
	f := Fault{What: "replica " + r.name + " killed with SIGKILL, started again", Sim: c.at(time.Now())}
	m.read(ctx)
	t := time.Now()
	say("SIGKILL to replica %s", r.name)
	if f.Err = r.kill(); f.Err != nil {
		return f
	}
	m.restarted(time.Now())
	select {
	case <-ctx.Done():
		f.Err = ctx.Err()
		return f
	case <-time.After(down):
	}
	// As systemd would (Restart=on-failure): passhub serve exits when it
	// cannot reach the database, which may be restarting too.
	for tries := 1; ; tries++ {
		f.Err = r.start(ctx)
		if !errors.Is(f.Err, errExited) || time.Since(t) > time.Minute {
			break
		}
		say("replica %s exited at start (PostgreSQL restarting?): starting it again in 1s", r.name)
		f.Note = fmt.Sprintf("started %d times: passhub serve exits when its database is down", tries+1)
		select {
		case <-ctx.Done():
			f.Err = ctx.Err()
			return f
		case <-time.After(time.Second):
		}
	}
	f.Took = time.Since(t)
	say("replica %s up again after %s", r.name, f.Took.Round(time.Millisecond))
	return f
}

// drain waits until no kiosk has an entry waiting, or d has passed.
func drain(ctx context.Context, fleet []*kiosk, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		waiting := 0
		for _, k := range fleet {
			n, _ := k.reg.PendingCount()
			waiting += n
		}
		if waiting == 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// publishBundle signs a bundle with a key made for the run (valid from an
// hour ago for a week, the built-in policy, a health authority's key) and
// publishes it with passhub bundle publish. It returns the key kiosks pin.
func publishBundle(ctx context.Context, ph *passhub, dir string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(crand.Reader)
	if err != nil {
		return nil, err
	}
	auth, err := ecdh.X25519().GenerateKey(crand.Reader)
	if err != nil {
		return nil, err
	}
	policy, err := presets.Load(presets.Default)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	data, err := bundle.Sign(&bundle.Spec{Sequence: 1, IssuedAt: now.Add(-time.Hour), ValidUntil: now.Add(7 * 24 * time.Hour),
		Policy: policy, Authority: auth.PublicKey()}, priv)
	if err != nil {
		return nil, err
	}
	file, keyFile := filepath.Join(dir, "bundle.bin"), filepath.Join(dir, "bundle.pub")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(keyFile, []byte(base64.StdEncoding.EncodeToString(pub)+"\n"), 0o644); err != nil {
		return nil, err
	}
	if _, err := ph.run(ctx, "bundle", "publish", "--bundle-key", keyFile, "--store", ph.store, file); err != nil {
		return nil, err
	}
	return pub, nil
}

// addKiosks runs passhub kiosk add for each kiosk (names), parallel at
// once, and returns their tokens.
func addKiosks(ctx context.Context, ph *passhub, n, parallel int) ([]string, error) {
	tokens := make([]string, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for i := range next {
				kiosk, venue := names(i)
				out, err := ph.run(ctx, "kiosk", "add", "--venue", venue, "--kiosk", kiosk, "--store", ph.store)
				tokens[i], errs[i] = strings.TrimSpace(out), err
				if err == nil && tokens[i] == "" {
					errs[i] = fmt.Errorf("passhub kiosk add printed no token for %s", kiosk)
				}
			}
		})
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return tokens, nil
}
