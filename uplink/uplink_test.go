package uplink_test

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/pemfile"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/uplink"
)

var t0 = time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)

// keys returns the fixture bundle-signing key pair.
func keys(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	der, err := pemfile.Read("../testdata/keys/bundle.key", "PRIVATE KEY")
	if err != nil {
		t.Fatal(err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		t.Fatal(err)
	}
	priv := k.(ed25519.PrivateKey)
	return priv.Public().(ed25519.PublicKey), priv
}

func signedBundle(t testing.TB, priv ed25519.PrivateKey, seq uint64) []byte {
	t.Helper()
	b, err := bundle.Sign(&bundle.Spec{Sequence: seq, IssuedAt: t0, ValidUntil: t0.Add(72 * time.Hour),
		Policy: presets.Must(presets.Default)}, priv)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// memRegister is an in-memory register.
type memRegister struct {
	mu      sync.Mutex
	pending []entry.Entry
	rest    []entry.Entry // for tests that record more later
}

func (m *memRegister) Pending(limit int) ([]entry.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.pending[:min(limit, len(m.pending))]), nil
}

func (m *memRegister) Ack(ids []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = slices.DeleteFunc(m.pending, func(e entry.Entry) bool { return slices.Contains(ids, e.ID) })
	return nil
}

func (m *memRegister) PendingCount() (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.pending), nil
}

func entries(t testing.TB, n int) []entry.Entry {
	ids := entry.NewIDs(rand.NewChaCha8([32]byte{7}))
	out := make([]entry.Entry, n)
	for i := range out {
		at := t0.Add(time.Duration(i) * time.Second)
		id, err := ids.New(at)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = entry.Entry{ID: id, Time: at, Venue: "cafe", Kiosk: "door", Method: entry.Camera, Outcome: entry.Admitted}
	}
	return out
}

// fakeHub serves a bundle and takes entries; busy makes it answer 503.
type fakeHub struct {
	mu       sync.Mutex
	now      func() time.Time // stamps posts; nil: time.Now
	bundle   []byte
	stored   map[string]int
	posts    []time.Time
	busy     atomic.Int32 // answer 503 this many more times
	notMod   int
	rejectID string
	statuses []statusSeen // POST /v1/status (status_test.go)
}

func (h *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch r.URL.Path {
	case "/v1/bundle":
		tag := uplink.ETag(h.bundle)
		if r.Header.Get("If-None-Match") == tag {
			h.notMod++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", tag)
		w.Write(h.bundle)
	case "/v1/entries":
		now := time.Now
		if h.now != nil {
			now = h.now
		}
		h.posts = append(h.posts, now())
		if h.busy.Load() > 0 {
			h.busy.Add(-1)
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		var b entry.Batch
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil || len(b.Entries) > entry.MaxBatch {
			http.Error(w, "bad batch", http.StatusBadRequest)
			return
		}
		var ack entry.Ack
		for _, e := range b.Entries {
			if e.ID == h.rejectID {
				ack.Rejected = append(ack.Rejected, entry.Reject{ID: e.ID, Error: "no"})
				continue
			}
			h.stored[e.ID]++
			ack.Acked = append(ack.Acked, e.ID)
		}
		json.NewEncoder(w).Encode(ack)
	case "/v1/status":
		h.status(w, r)
	default:
		http.NotFound(w, r)
	}
}

func newUplink(t *testing.T, hub string, reg uplink.Register, o uplink.Options) *uplink.Uplink {
	t.Helper()
	pub, _ := keys(t)
	o.Hub, o.Token, o.BundleKey = hub, "tok", pub
	if o.Now == nil {
		o.Now = func() time.Time { return t0 }
	}
	u, err := uplink.New(o, reg)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// run runs u's sync loop; stop ends it and returns once it has.
func run(u *uplink.Uplink) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { u.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

func TestOnce(t *testing.T) {
	_, priv := keys(t)
	hub := &fakeHub{bundle: signedBundle(t, priv, 5), stored: map[string]int{}}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	reg := &memRegister{pending: entries(t, 2500)}
	path := filepath.Join(t.TempDir(), "bundle.bin")
	u := newUplink(t, srv.URL, reg, uplink.Options{BundlePath: path})
	rep, err := u.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Bundle != "updated to sequence 5" || rep.Pushed != 2500 || u.Trust().Sequence() != 5 {
		t.Fatalf("report %+v, trust %d", rep, u.Trust().Sequence())
	}
	if len(hub.posts) != 3 || len(hub.stored) != 2500 || len(reg.pending) != 0 {
		t.Fatalf("%d posts, %d stored, %d pending", len(hub.posts), len(hub.stored), len(reg.pending))
	}
	st := u.State()
	if st.Waiting != 0 || st.Pushed != 2500 || st.LastError != nil || !st.Online || st.BundleSequence != 5 {
		t.Fatalf("state %+v", st)
	}
	// Second round: the bundle is unchanged (ETag), nothing to push.
	if rep, err = u.Once(context.Background()); err != nil || rep.Bundle != "unchanged" || hub.notMod != 1 {
		t.Fatalf("second round %+v %v, %d not-modified", rep, err, hub.notMod)
	}
	// A restart starts from the kept bundle, and asks with its ETag.
	u2 := newUplink(t, srv.URL, reg, uplink.Options{BundlePath: path})
	if u2.Trust() == nil || u2.Trust().Sequence() != 5 {
		t.Fatal("kept bundle not used after a restart")
	}
	if rep, err = u2.Once(context.Background()); err != nil || rep.Bundle != "unchanged" {
		t.Fatalf("after restart %+v %v", rep, err)
	}
}

// TestBadBundles: a bundle with a bad signature, a lower sequence or cut
// short is refused; the kiosk keeps its bundle and says why.
func TestBadBundles(t *testing.T) {
	_, priv := keys(t)
	_, other, _ := ed25519.GenerateKey(nil)
	good := signedBundle(t, priv, 5)
	hub := &fakeHub{bundle: good, stored: map[string]int{}}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	u := newUplink(t, srv.URL, &memRegister{}, uplink.Options{})
	if _, err := u.Once(context.Background()); err != nil || u.Trust().Sequence() != 5 {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		data []byte
		want error
	}{
		"forged":    {signedBundle(t, other, 9), bundle.ErrSignature},
		"rollback":  {signedBundle(t, priv, 4), bundle.ErrRollback},
		"truncated": {signedBundle(t, priv, 9)[:100], bundle.ErrTruncated},
	} {
		hub.mu.Lock()
		hub.bundle = c.data
		hub.mu.Unlock()
		rep, err := u.Once(context.Background())
		if err != nil {
			t.Fatalf("%s: the round failed: %v", name, err)
		}
		st := u.State()
		if u.Trust().Sequence() != 5 || !errors.Is(st.BundleError, c.want) || !strings.Contains(rep.Bundle, "keeping sequence 5") {
			t.Errorf("%s: trust %d, bundle error %v, report %q", name, u.Trust().Sequence(), st.BundleError, rep.Bundle)
		}
	}
}

// TestRetryAfter: a hub answering 503 with Retry-After: 1 is not asked
// again before a second has passed; entries then all arrive once.
func TestRetryAfter(t *testing.T) {
	_, priv := keys(t)
	clock := newFakeClock(t0)
	hub := &fakeHub{now: clock.Now, bundle: signedBundle(t, priv, 5), stored: map[string]int{}}
	hub.busy.Store(2)
	srv := httptest.NewServer(hub)
	defer srv.Close()
	reg := &memRegister{pending: entries(t, 10)}
	loop := clock.loop()
	u := newUplink(t, srv.URL, reg, loop.options(uplink.Options{BackoffMin: time.Millisecond, PushEvery: 10 * time.Millisecond}))
	stop := run(u)
	clock.until(t, t0.Add(10*time.Second), func() bool { n, _ := reg.PendingCount(); return n == 0 })
	stop()
	hub.mu.Lock()
	defer hub.mu.Unlock()
	if len(hub.stored) != 10 || len(hub.posts) != 3 {
		t.Fatalf("%d stored, %d posts", len(hub.stored), len(hub.posts))
	}
	for i := 1; i < 3; i++ {
		if gap := hub.posts[i].Sub(hub.posts[i-1]); gap < time.Second {
			t.Errorf("post %d came %v after a 503 with Retry-After: 1", i, gap)
		}
	}
}

// TestRejected: an entry the hub refuses stays in the register, is
// reported, and does not stop the others.
func TestRejected(t *testing.T) {
	_, priv := keys(t)
	es := entries(t, 5)
	hub := &fakeHub{bundle: signedBundle(t, priv, 5), stored: map[string]int{}, rejectID: es[2].ID}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	reg := &memRegister{pending: slices.Clone(es)}
	u := newUplink(t, srv.URL, reg, uplink.Options{})
	rep, err := u.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pushed != 4 || len(rep.Rejected) != 1 || len(reg.pending) != 1 || reg.pending[0].ID != es[2].ID {
		t.Fatalf("report %+v, pending %d", rep, len(reg.pending))
	}
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	u := newUplink(t, url, &memRegister{pending: entries(t, 3)}, uplink.Options{})
	if _, err := u.Once(context.Background()); err == nil {
		t.Fatal("a hub that is not there: no error")
	}
	if st := u.State(); st.Online || st.LastError == nil {
		t.Fatalf("state %+v", st)
	}
}
