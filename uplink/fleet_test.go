package uplink_test

// Tests of sync against the real hub (package hub, the code passhub
// serves) on loopback, and against the real passgate binary for the crash
// test. Each asserts exact counts.

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/store"
	"github.com/passgate/passgate/uplink"
	"github.com/passgate/passgate/verify"
)

// testHub is a hub on a fixed loopback port, so it can stop and start
// again where the kiosks look for it.
type testHub struct {
	t     testing.TB
	dir   string
	addr  string
	bolt  *hub.BoltOptions
	store *hub.Bolt
	srv   *hub.Server
	opts  hub.Options
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// newTestHub prepares a hub's data (bundle published) without serving.
// bolt are the options of its store, nil for the defaults.
func newTestHub(t testing.TB, bundleSeq uint64, bolt *hub.BoltOptions) *testHub {
	t.Helper()
	pub, priv := keys(t)
	h := &testHub{t: t, dir: t.TempDir(), addr: freeAddr(t), bolt: bolt}
	st, err := hub.OpenBolt(h.dir, bolt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Publish(context.Background(), st, signedBundle(t, priv, bundleSeq), pub, t0); err != nil {
		t.Fatal(err)
	}
	h.store = st
	t.Cleanup(h.stop)
	return h
}

// onFakeClock is the hub store for kiosks on a fake clock. They push one
// at a time, so the store's wait for other pushes to share a commit with
// (50 ms by default) would be spent, alone, on every push.
func onFakeClock() *hub.BoltOptions { return &hub.BoltOptions{BatchDelay: time.Millisecond} }

func (h *testHub) kiosk(venue, id string) string {
	h.t.Helper()
	tok, err := h.store.AddKiosk(context.Background(), venue, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

func (h *testHub) url() string { return "http://" + h.addr }

func (h *testHub) start() {
	h.t.Helper()
	if h.store == nil {
		st, err := hub.OpenBolt(h.dir, h.bolt)
		if err != nil {
			h.t.Fatal(err)
		}
		h.store = st
	}
	o := h.opts
	o.Addr = h.addr
	srv, err := hub.NewServer(h.store, o)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := srv.Open(); err != nil {
		h.t.Fatal(err)
	}
	h.srv = srv
}

func (h *testHub) stop() {
	if h.srv != nil {
		h.srv.Close()
		h.srv = nil
	}
	if h.store != nil {
		h.store.Close()
		h.store = nil
	}
}

// count returns how many entries the hub holds, and how many distinct ids.
func (h *testHub) count() (n int, ids map[string]bool) {
	h.t.Helper()
	ids = map[string]bool{}
	err := h.store.ExportEntries(context.Background(), time.Time{}, func(e entry.Entry) error {
		n++
		ids[e.ID] = true
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return n, ids
}

func openRegister(t testing.TB, path string) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{Path: path, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// fill records n entries of a kiosk, a hundred a transaction.
func fill(t testing.TB, db *store.DB, venue, kiosk string, n int, seed byte) {
	t.Helper()
	ids := entry.NewIDs(rand.NewChaCha8([32]byte{seed}))
	var batch []entry.Entry
	for i := range n {
		at := t0.Add(time.Duration(i) * 100 * time.Millisecond)
		id, err := ids.New(at)
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, entry.Entry{ID: id, Time: at, Venue: venue, Kiosk: kiosk, Method: entry.Camera, Outcome: entry.Admitted})
		if len(batch) == 100 || i == n-1 {
			if err := db.RecordAll(batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

type pendingCounter struct{ *store.DB }

func (r pendingCounter) PendingCount() (int, error) {
	st, err := r.Stats()
	return st.Pending, err
}

// TestHubDownThenUp: 10,000 entries recorded while the hub is down; the
// hub starts; all arrive, once each.
func TestHubDownThenUp(t *testing.T) {
	h := newTestHub(t, 3, onFakeClock())
	tok := h.kiosk("cafe", "door")
	h.stop() // the hub is down
	db := openRegister(t, filepath.Join(t.TempDir(), "register.db"))
	defer db.Close()
	fill(t, db, "cafe", "door", 10_000, 1)

	pub, _ := keys(t)
	clock := newFakeClock(t0)
	u, err := uplink.New(clock.loop().options(uplink.Options{Hub: h.url(), Token: tok, BundleKey: pub,
		BackoffMin: 20 * time.Millisecond, BackoffMax: 300 * time.Millisecond, PushEvery: time.Hour}), pendingCounter{db})
	if err != nil {
		t.Fatal(err)
	}
	stop := run(u)
	defer stop()
	clock.advance(t, time.Second) // some failed attempts
	if st := u.State(); st.LastError == nil || st.Online || st.Pushed != 0 {
		t.Fatalf("with the hub down: %+v", st)
	}
	h.start()
	clock.until(t, t0.Add(2*time.Minute), func() bool { st, _ := db.Stats(); return st.Pending == 0 })
	stop()
	n, ids := h.count()
	st, _ := db.Stats()
	if n != 10_000 || len(ids) != 10_000 || st.Pending != 0 || st.Total != 10_000 {
		t.Fatalf("hub holds %d entries (%d ids), register %d pending of %d", n, len(ids), st.Pending, st.Total)
	}
	if u.Trust() == nil || u.Trust().Sequence() != 3 {
		t.Fatal("the bundle was not pulled")
	}
}

// passgateBin builds the passgate binary once for the tests that need a
// kiosk process.
var passgateBin = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "passgate-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "passgate")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/passgate").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build passgate: %v\n%s", err, out)
	}
	return bin, nil
})

// TestKilledMidPush: the kiosk process is killed with SIGKILL while it
// pushes; restarted, it sends the rest: nothing lost, nothing twice.
func TestKilledMidPush(t *testing.T) {
	bin, err := passgateBin()
	if err != nil {
		t.Fatal(err)
	}
	const total = 30_000
	h := newTestHub(t, 3, nil)
	tok := h.kiosk("cafe", "door")
	h.start()
	dir := t.TempDir()
	regPath := filepath.Join(dir, "register.db")
	db := openRegister(t, regPath)
	fill(t, db, "cafe", "door", total, 2)
	db.Close()
	tokFile := filepath.Join(dir, "token")
	os.WriteFile(tokFile, []byte(tok+"\n"), 0o600)
	args := []string{"sync", "--hub", h.url(), "--token-file", tokFile, "--bundle-key", "../testdata/keys/bundle.pub", "--db", regPath}

	cmd := exec.Command(bin, args...)
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once the hub has some of the entries, not all.
	var atKill int
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if atKill, _ = h.count(); atKill >= 3000 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill() // SIGKILL
	cmd.Wait()
	if atKill == 0 || atKill >= total {
		t.Fatalf("the hub held %d of %d entries when the kiosk was killed: not mid-push", atKill, total)
	}
	out, err := exec.Command(bin, append(args, "--once", "--json")...).CombinedOutput()
	if err != nil {
		t.Fatalf("sync --once after the kill: %v\n%s", err, out)
	}
	n, ids := h.count()
	db = openRegister(t, regPath)
	defer db.Close()
	st, _ := db.Stats()
	if n != total || len(ids) != total || st.Pending != 0 {
		t.Fatalf("killed at %d: hub holds %d entries (%d ids), register %d pending; sync said %s", atKill, n, len(ids), st.Pending, out)
	}
	t.Logf("killed with %d of %d at the hub; after the restart the hub holds %d, once each", atKill, total, n)
}

// TestRetryAfter5: a hub answering 503 with Retry-After: 5 is not asked
// again by the kiosk for at least 5 s.
func TestRetryAfter5(t *testing.T) {
	h := newTestHub(t, 3, onFakeClock())
	tok := h.kiosk("cafe", "door")
	h.opts = hub.Options{MaxInFlight: 1, RetryAfter: 5 * time.Second}
	h.start()
	// Hold the only slot with a request whose body never ends.
	pr, pw := io.Pipe()
	hold, _ := http.NewRequest(http.MethodPost, h.url()+"/v1/entries", pr)
	hold.Header.Set("Authorization", "Bearer "+tok)
	held := make(chan struct{})
	go func() {
		if resp, err := http.DefaultClient.Do(hold); err == nil {
			resp.Body.Close()
		}
		close(held)
	}()
	h.waitInFlight(1)

	db := openRegister(t, filepath.Join(t.TempDir(), "register.db"))
	defer db.Close()
	fill(t, db, "cafe", "door", 10, 3)
	clock := newFakeClock(t0)
	var mu sync.Mutex
	var (
		calls []time.Time
		busy  = -1 // the first call answered 503 (the push: pulls have a pool of their own)
	)
	client := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		calls = append(calls, clock.Now())
		i := len(calls) - 1
		mu.Unlock()
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil && resp.StatusCode == http.StatusServiceUnavailable {
			mu.Lock()
			if busy < 0 {
				busy = i
			}
			mu.Unlock()
		}
		return resp, err
	})}
	pub, _ := keys(t)
	u, err := uplink.New(clock.loop().options(uplink.Options{Hub: h.url(), Token: tok, BundleKey: pub, Client: client,
		BackoffMin: time.Millisecond, BackoffMax: 10 * time.Millisecond, PushEvery: time.Hour}), pendingCounter{db})
	if err != nil {
		t.Fatal(err)
	}
	stop := run(u)
	defer stop()
	clock.advance(t, time.Second)
	var ra *uplink.RetryAfterError
	if st := u.State(); !errors.As(st.LastError, &ra) || ra.After != 5*time.Second {
		t.Fatalf("after a 503: state error %v", st.LastError)
	}
	pw.Close() // free the slot
	<-held
	h.waitInFlight(0)
	clock.until(t, t0.Add(30*time.Second), func() bool { st, _ := db.Stats(); return st.Pending == 0 })
	stop()
	mu.Lock()
	defer mu.Unlock()
	if busy < 0 || len(calls) < busy+2 {
		t.Fatalf("%d requests, the first 503 at %d", len(calls), busy)
	}
	if gap := calls[busy+1].Sub(calls[busy]); gap < 5*time.Second {
		t.Fatalf("asked again %v after Retry-After: 5", gap)
	}
	if n, _ := h.count(); n != 10 {
		t.Fatalf("hub holds %d entries, want 10", n)
	}
	t.Logf("the next request came %v after the 503", calls[busy+1].Sub(calls[busy]).Round(time.Millisecond))
}

// waitInFlight returns once the hub handles n API requests. It is the
// hub's own count, so the wait ends when the request arrived, not when a
// guessed time has passed.
func (h *testHub) waitInFlight(n int) {
	h.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		mfs, err := h.srv.Registry().Gather()
		if err != nil {
			h.t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "passhub_requests_in_flight" && int(mf.GetMetric()[0].GetGauge().GetValue()) == n {
				return
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the hub never had %d requests in flight", n)
		}
		time.Sleep(time.Millisecond)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestBadBundleAtHub: bundles that fail the kiosk's checks, put at the hub
// past publish's checks, leave the kiosk on its bundle with the reason.
func TestBadBundleAtHub(t *testing.T) {
	h := newTestHub(t, 5, nil)
	tok := h.kiosk("cafe", "door")
	h.start()
	pub, priv := keys(t)
	_, forger, _ := ed25519.GenerateKey(nil)
	u, err := uplink.New(uplink.Options{Hub: h.url(), Token: tok, BundleKey: pub, Now: func() time.Time { return t0 }}, &memRegister{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Once(context.Background()); err != nil || u.Trust().Sequence() != 5 {
		t.Fatalf("first pull: %v", err)
	}
	for _, c := range []struct {
		name string
		data []byte
		seq  uint64
		want error
	}{
		{"bad signature", signedBundle(t, forger, 9), 9, bundle.ErrSignature},
		{"lower sequence", signedBundle(t, priv, 4), 4, bundle.ErrRollback},
		{"cut short", signedBundle(t, priv, 9)[:200], 9, bundle.ErrTruncated},
	} {
		if err := h.store.PutBundle(context.Background(), c.data, c.seq); err != nil {
			t.Fatal(err)
		}
		rep, err := u.Once(context.Background())
		st := u.State()
		if err != nil || u.Trust().Sequence() != 5 || !errors.Is(st.BundleError, c.want) {
			t.Errorf("%s: round error %v, trust %d, bundle error %v", c.name, err, u.Trust().Sequence(), st.BundleError)
		}
		t.Logf("%s: %s", c.name, rep.Bundle)
	}
}

// TestWrongVenueAndRevoked: a kiosk's token does not write another
// venue's entries; a revoked token writes nothing.
func TestWrongVenueAndRevoked(t *testing.T) {
	h := newTestHub(t, 5, nil)
	tok := h.kiosk("cafe", "door")
	h.start()
	pub, _ := keys(t)
	es := entries(t, 5)
	for i := range es {
		es[i].Venue, es[i].Kiosk = "bar", "door"
	}
	reg := &memRegister{pending: es}
	u, _ := uplink.New(uplink.Options{Hub: h.url(), Token: tok, BundleKey: pub, Now: func() time.Time { return t0 }}, reg)
	rep, err := u.Once(context.Background())
	n, _ := h.count()
	if err == nil && (rep.Pushed != 0 || len(rep.Rejected) != 5) || n != 0 || len(reg.pending) != 5 {
		t.Fatalf("another venue's entries: %+v %v; hub holds %d, kiosk keeps %d", rep, err, n, len(reg.pending))
	}
	if err := h.store.RevokeKiosk(context.Background(), "door"); err != nil {
		t.Fatal(err)
	}
	reg2 := &memRegister{pending: entries(t, 3)}
	u2, _ := uplink.New(uplink.Options{Hub: h.url(), Token: tok, BundleKey: pub, Now: func() time.Time { return t0 }}, reg2)
	_, err = u2.Once(context.Background())
	var he *uplink.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusUnauthorized || len(reg2.pending) != 3 {
		t.Fatalf("revoked token: %v, kiosk keeps %d", err, len(reg2.pending))
	}
	if n, _ := h.count(); n != 0 {
		t.Fatalf("hub holds %d entries", n)
	}
}

// TestFleetRestart: 200 kiosks push and pull against one hub; the hub
// restarts; every entry arrives once, and the requests the hub sees
// after the restart are spread by the kiosks' jitter, not a stampede.
func TestFleetRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("a fleet of 200")
	}
	const kiosks, per = 200, 50
	h := newTestHub(t, 5, onFakeClock())
	toks := make([]string, kiosks)
	for i := range toks {
		toks[i] = h.kiosk(fmt.Sprintf("venue%03d", i), fmt.Sprintf("k%03d", i))
	}
	h.start()
	pub, _ := keys(t)
	clock := newFakeClock(t0)
	var arrivals struct {
		sync.Mutex
		t []time.Time
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil {
			arrivals.Lock()
			arrivals.t = append(arrivals.t, clock.Now())
			arrivals.Unlock()
		}
		return resp, err
	})}
	regs := make([]*memRegister, kiosks)
	ups := make([]*uplink.Uplink, kiosks)
	loops := make([]*loopClock, kiosks)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	for i := range kiosks {
		es := entries(t, per)
		for j := range es {
			es[j].Venue, es[j].Kiosk = fmt.Sprintf("venue%03d", i), fmt.Sprintf("k%03d", i)
			es[j].ID = fmt.Sprintf("%s%03d", es[j].ID[:23], i) // unique across kiosks, still a ULID
		}
		regs[i] = &memRegister{pending: es[:per/2]}
		loops[i] = clock.loop()
		u, err := uplink.New(loops[i].options(uplink.Options{Hub: h.url(), Token: toks[i], BundleKey: pub, Client: client,
			PullEvery: 2 * time.Second, PushEvery: time.Second, BackoffMin: 200 * time.Millisecond, BackoffMax: 5 * time.Second,
			Rand: rand.New(rand.NewPCG(uint64(i), 1))}), regs[i])
		if err != nil {
			t.Fatal(err)
		}
		ups[i] = u
		regs[i].rest = es[per/2:] // recorded while the hub is down
		wg.Go(func() { u.Run(ctx) })
	}
	waitEmpty := func() {
		clock.until(t, t0.Add(3*time.Minute), func() bool {
			left := 0
			for _, r := range regs {
				n, _ := r.PendingCount()
				left += n
			}
			return left == 0
		})
	}
	waitEmpty()
	// The hub goes down; kiosks record the rest meanwhile; it comes back.
	h.stop()
	for i, r := range regs {
		r.mu.Lock()
		r.pending = append(r.pending, r.rest...)
		r.mu.Unlock()
		loops[i].notify(t, ups[i])
	}
	clock.advance(t, 3*time.Second)
	restart := clock.Now()
	h.start()
	waitEmpty()
	cancel()
	wg.Wait()

	n, ids := h.count()
	if n != kiosks*per || len(ids) != kiosks*per {
		t.Fatalf("hub holds %d entries (%d ids), want %d once each", n, len(ids), kiosks*per)
	}
	arrivals.Lock()
	defer arrivals.Unlock()
	var after []time.Time
	for _, a := range arrivals.t {
		if a.After(restart) && a.Before(restart.Add(10*time.Second)) {
			after = append(after, a)
		}
	}
	sort.Slice(after, func(i, j int) bool { return after[i].Before(after[j]) })
	peak := 0 // most requests within any 100 ms after the restart
	for i, j := 0, 0; j < len(after); j++ {
		for after[j].Sub(after[i]) > 100*time.Millisecond {
			i++
		}
		peak = max(peak, j-i+1)
	}
	t.Logf("after the restart: %d requests in 10 s, peak %d in 100 ms (%d/s); %d kiosks each want 2 (pull, push)",
		len(after), peak, peak*10, kiosks)
	if peak > kiosks/2 {
		t.Errorf("peak of %d requests in 100 ms after the restart: the fleet stampeded", peak)
	}
}

// TestDeltaPull: a kiosk holding a bundle fetches only the revocation
// segments the new one adds, and the bundle it assembles is taken.
func TestDeltaPull(t *testing.T) {
	pub, priv := keys(t)
	seg := func(seed uint64, n int) bundle.RevocationSegment {
		r := rand.New(rand.NewPCG(seed, 0))
		hs := make([][16]byte, n)
		for i := range hs {
			for j := range hs[i] {
				hs[i][j] = byte(r.Uint32())
			}
		}
		return bundle.RevocationSegment{Type: verify.HashUCI, Hashes: hs}
	}
	make := func(seq uint64, segs ...bundle.RevocationSegment) []byte {
		b, err := bundle.Sign(&bundle.Spec{Sequence: seq, IssuedAt: t0, ValidUntil: t0.Add(72 * time.Hour),
			Revocations: segs, Policy: presets.Must(presets.Default)}, priv)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	big1, big2, small := seg(1, 50_000), seg(2, 50_000), seg(3, 100)
	h := newTestHub(t, 1, nil)
	tok := h.kiosk("cafe", "door")
	h.start()
	if _, err := hub.Publish(context.Background(), h.store, make(2, big1, big2), pub, t0); err != nil {
		t.Fatal(err)
	}
	var bytesIn atomic64
	client := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		r.Header.Set("Accept-Encoding", "identity") // count the bytes as they are
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil && resp.ContentLength > 0 {
			bytesIn.add(resp.ContentLength)
		}
		return resp, err
	})}
	u, err := uplink.New(uplink.Options{Hub: h.url(), Token: tok, BundleKey: pub, Client: client, Now: func() time.Time { return t0 }}, &memRegister{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Once(context.Background()); err != nil || u.Trust().Sequence() != 2 {
		t.Fatalf("first pull: %v", err)
	}
	full := bytesIn.get()
	if _, err := hub.Publish(context.Background(), h.store, make(3, big1, big2, small), pub, t0); err != nil {
		t.Fatal(err)
	}
	bytesIn.set(0)
	rep, err := u.Once(context.Background())
	if err != nil || u.Trust().Sequence() != 3 || u.State().SegmentsFetched != 1 {
		t.Fatalf("delta pull: %+v %v, sequence %d, segments %d", rep, err, u.Trust().Sequence(), u.State().SegmentsFetched)
	}
	if !u.Trust().Revoked(verify.HashUCI, small.Hashes[7]) || !u.Trust().Revoked(verify.HashUCI, big2.Hashes[7]) {
		t.Fatal("assembled bundle lacks revocations")
	}
	delta := bytesIn.get()
	t.Logf("first pull %d bytes, delta pull %d bytes", full, delta)
	if delta*10 > full {
		t.Fatalf("delta pull moved %d bytes of a %d-byte bundle", delta, full)
	}
}

type atomic64 struct {
	mu sync.Mutex
	n  int64
}

func (a *atomic64) add(d int64) { a.mu.Lock(); a.n += d; a.mu.Unlock() }
func (a *atomic64) set(v int64) { a.mu.Lock(); a.n = v; a.mu.Unlock() }
func (a *atomic64) get() int64  { a.mu.Lock(); defer a.mu.Unlock(); return a.n }
