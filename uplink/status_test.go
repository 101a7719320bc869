package uplink_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passgate/passgate/uplink"
)

// statusSeen is a status the fake hub took.
type statusSeen struct {
	at    time.Time // the hub's clock
	auth  string    // the Authorization header
	posts int       // entry batches the hub had had before it
	body  map[string]any
}

// status takes a POST /v1/status; h.mu is held.
func (h *fakeHub) status(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, "bad status", http.StatusBadRequest)
		return
	}
	now := time.Now
	if h.now != nil {
		now = h.now
	}
	h.statuses = append(h.statuses, statusSeen{at: now(), auth: r.Header.Get("Authorization"), posts: len(h.posts), body: body})
	w.WriteHeader(http.StatusNoContent)
}

// seen returns a copy of the statuses the hub took.
func (h *fakeHub) seen() []statusSeen {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.statuses)
}

func (h *fakeHub) postCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.posts)
}

// wantBody fails the test unless a status's body is want, every field.
func wantBody(t *testing.T, what string, got statusSeen, want map[string]any) {
	t.Helper()
	if len(got.body) != len(want) {
		t.Errorf("%s: status %v, want %v", what, got.body, want)
		return
	}
	for k, v := range want {
		if got.body[k] != v {
			t.Errorf("%s: %s is %v, want %v (status %v)", what, k, got.body[k], v, got.body)
		}
	}
}

// TestStatusWithPushes: a round that pushed entries reports the kiosk's
// status right after, with the bundle in use, what still waits and the
// oldest of it (an entry the hub refused), the kiosk's clock, the version
// and camera the app reports; a push of nothing new reports nothing.
func TestStatusWithPushes(t *testing.T) {
	_, priv := keys(t)
	clock := newFakeClock(t0.Add(time.Minute))
	es := entries(t, 5)
	hub := &fakeHub{now: clock.Now, bundle: signedBundle(t, priv, 5), stored: map[string]int{}, rejectID: es[1].ID}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	reg := &memRegister{pending: slices.Clone(es[:3])}
	camera := atomic.Value{}
	camera.Store("streaming")
	loop := clock.loop()
	u := newUplink(t, srv.URL, reg, loop.options(uplink.Options{PushEvery: 30 * time.Second,
		Report: func() (string, string) { return "v1.4.0-rc.1+dirty", camera.Load().(string) }}))
	stop := run(u)
	defer stop()
	clock.idle(t)
	sts := hub.seen()
	if len(sts) != 1 {
		t.Fatalf("after the first round: %d statuses, want 1", len(sts))
	}
	if sts[0].auth != "Bearer tok" || sts[0].posts != 1 || !sts[0].at.Equal(t0.Add(time.Minute)) {
		t.Errorf("status: %q, after %d pushes, at %v; want the token, after the push, at once", sts[0].auth, sts[0].posts, sts[0].at)
	}
	wantBody(t, "after the first push", sts[0], map[string]any{"bundle_sequence": 5.0, "waiting": 1.0,
		"oldest_waiting": es[1].Time.Format(time.RFC3339Nano), "clock": t0.Add(time.Minute).Format(time.RFC3339Nano),
		"version": "v1.4.0-rc.1+dirty", "camera": "streaming"})

	// Entries recorded: the push that takes them reports again.
	clock.advance(t, 10*time.Second)
	reg.mu.Lock()
	reg.pending = append(reg.pending, es[3:]...)
	reg.mu.Unlock()
	camera.Store("lost")
	loop.notify(t, u)
	clock.idle(t)
	if sts = hub.seen(); len(sts) != 2 || sts[1].posts != 2 {
		t.Fatalf("after a second push: %d statuses (%+v), want 2, after the push", len(sts), sts)
	}
	wantBody(t, "after the second push", sts[1], map[string]any{"bundle_sequence": 5.0, "waiting": 1.0,
		"oldest_waiting": es[1].Time.Format(time.RFC3339Nano), "clock": t0.Add(70 * time.Second).Format(time.RFC3339Nano),
		"version": "v1.4.0-rc.1+dirty", "camera": "lost"})

	// Pushes of the refused entry alone, every 30 s, are no news: the
	// next status is the heartbeat, 2½ to 7½ minutes on.
	clock.advance(t, 2*time.Minute+20*time.Second)
	if n := len(hub.seen()); n != 2 || hub.postCount() < 6 {
		t.Fatalf("after 2 min of pushes of nothing new: %d statuses, %d pushes; want 2 statuses, 6 pushes or more", n, hub.postCount())
	}
	clock.advance(t, 5*time.Minute+10*time.Second)
	if sts = hub.seen(); len(sts) < 3 || sts[2].at.Sub(sts[1].at) < 150*time.Second {
		t.Fatalf("7½ min after the last push: %d statuses, want a heartbeat 2½ min or more after it", len(sts))
	}
}

// TestStatusHeartbeat: an idle kiosk reports every StatusEvery (5 min by
// default), each wait drawn between 2½ and 7½ minutes, on the injected
// clock; with nothing reported by the app, version "unknown" and camera
// "none".
func TestStatusHeartbeat(t *testing.T) {
	_, priv := keys(t)
	clock := newFakeClock(t0)
	hub := &fakeHub{now: clock.Now, bundle: signedBundle(t, priv, 5), stored: map[string]int{}}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	u := newUplink(t, srv.URL, &memRegister{}, clock.loop().options(uplink.Options{PushEvery: 30 * time.Second}))
	stop := run(u)
	defer stop()
	clock.advance(t, 2*time.Hour)
	stop()
	sts := hub.seen()
	if len(sts) < 2*60/7.5 || len(sts) > 2*60/2.5+1 {
		t.Fatalf("%d heartbeats in 2 hours, want 16 to 49", len(sts))
	}
	if !sts[0].at.Equal(t0) {
		t.Errorf("first heartbeat at %v, want at the start", sts[0].at)
	}
	var sum time.Duration
	gaps := map[time.Duration]bool{}
	for i := 1; i < len(sts); i++ {
		gap := sts[i].at.Sub(sts[i-1].at)
		gaps[gap] = true
		if gap < 150*time.Second || gap > 450*time.Second {
			t.Errorf("heartbeat %d came %v after the one before; want 2½ to 7½ min", i, gap)
		}
		sum += gap
	}
	if len(gaps) < len(sts)/2 {
		t.Errorf("%d heartbeats %d ways apart: not jittered", len(sts), len(gaps))
	}
	if mean := sum / time.Duration(len(sts)-1); mean < 4*time.Minute || mean > 6*time.Minute {
		t.Errorf("heartbeats %v apart on average, want about 5 min", mean)
	}
	for i, s := range sts {
		wantBody(t, "heartbeat", s, map[string]any{"bundle_sequence": 5.0, "waiting": 0.0,
			"clock": s.at.Format(time.RFC3339Nano), "version": "unknown", "camera": "none"})
		if t.Failed() {
			t.Fatalf("heartbeat %d", i)
		}
	}
}

// TestStatusOldHub: a hub older than status reports answers 404; that is
// logged once, at Info, and the kiosk pushes as before (trying a status
// again at each heartbeat, in case the hub was upgraded).
func TestStatusOldHub(t *testing.T) {
	_, priv := keys(t)
	clock := newFakeClock(t0)
	hub := &fakeHub{now: clock.Now, bundle: signedBundle(t, priv, 5), stored: map[string]int{}}
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/status" {
			asked.Add(1)
			http.NotFound(w, r)
			return
		}
		hub.ServeHTTP(w, r)
	}))
	defer srv.Close()
	var out logLines
	es := entries(t, 30)
	reg := &memRegister{pending: slices.Clone(es[:10])}
	loop := clock.loop()
	u := newUplink(t, srv.URL, reg, loop.options(uplink.Options{PushEvery: 30 * time.Second,
		Log: slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))}))
	stop := run(u)
	defer stop()
	for i := 1; i < 3; i++ {
		clock.advance(t, 10*time.Minute)
		reg.mu.Lock()
		reg.pending = append(reg.pending, es[i*10:(i+1)*10]...)
		reg.mu.Unlock()
		loop.notify(t, u)
	}
	clock.advance(t, 10*time.Minute)
	stop()
	if n, _ := reg.PendingCount(); n != 0 || len(hub.stored) != 30 {
		t.Fatalf("%d entries stored, %d waiting; want all 30 stored", len(hub.stored), n)
	}
	if st := u.State(); st.LastError != nil || !st.Online || !st.NextTry.IsZero() {
		t.Errorf("the 404s touched the sync state: %+v", st)
	}
	if asked.Load() < 4 {
		t.Errorf("a status was tried %d times in 30 min, want at each push and heartbeat", asked.Load())
	}
	lines := out.take(t)
	if old := logged(lines, "the hub takes no status reports (a passhub older than this kiosk): sync goes on without them"); len(old) != 1 || old[0]["level"] != "INFO" {
		t.Errorf("logged of the old hub: %v", old)
	}
	if failed := logged(lines, "sync failed"); len(failed) != 0 {
		t.Errorf("sync failed: %v", failed)
	}
}

// TestStatusFailureNeverBlocks: a hub that fails every status (500, or a
// connection cut) takes every push on time: no backoff, no sync error;
// the failure is logged at Warn once, then at Debug.
func TestStatusFailureNeverBlocks(t *testing.T) {
	for _, how := range []string{"500", "cut"} {
		t.Run(how, func(t *testing.T) {
			_, priv := keys(t)
			clock := newFakeClock(t0)
			hub := &fakeHub{now: clock.Now, bundle: signedBundle(t, priv, 5), stored: map[string]int{}}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v1/status" {
					hub.ServeHTTP(w, r)
					return
				}
				if how == "500" {
					http.Error(w, "status table locked", http.StatusInternalServerError)
					return
				}
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					conn.Close()
				}
			}))
			defer srv.Close()
			var out logLines
			es := entries(t, 40)
			reg := &memRegister{pending: slices.Clone(es[:10])}
			loop := clock.loop()
			u := newUplink(t, srv.URL, reg, loop.options(uplink.Options{PushEvery: 30 * time.Second,
				Log: slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))}))
			stop := run(u)
			defer stop()
			clock.idle(t)
			for i := 1; i < 4; i++ {
				reg.mu.Lock()
				reg.pending = append(reg.pending, es[i*10:(i+1)*10]...)
				reg.mu.Unlock()
				// Nobody asks for a push: the next comes 30 s after the last.
				clock.advance(t, 30*time.Second)
				if n, _ := reg.PendingCount(); n != 0 {
					t.Fatalf("push %d: %d entries still waiting 30 s later", i+1, n)
				}
			}
			stop()
			hub.mu.Lock()
			posts := slices.Clone(hub.posts)
			hub.mu.Unlock()
			for i, at := range posts {
				if want := t0.Add(time.Duration(i) * 30 * time.Second); !at.Equal(want) {
					t.Errorf("push %d at %v, want %v", i+1, at, want)
				}
			}
			if st := u.State(); st.LastError != nil || !st.NextTry.IsZero() || len(hub.stored) != 40 {
				t.Errorf("state %+v, %d stored; want no error, no backoff, 40 stored", st, len(hub.stored))
			}
			lines := out.take(t)
			failed := logged(lines, "status report failed: sync goes on")
			if len(failed) < 4 || failed[0]["level"] != "WARN" {
				t.Fatalf("status failures logged: %v", failed)
			}
			for _, f := range failed[1:] {
				if f["level"] != "DEBUG" {
					t.Errorf("a status failure again at %v", f["level"])
				}
			}
			if n := len(logged(lines, "sync failed")); n != 0 {
				t.Errorf("%d rounds failed", n)
			}
		})
	}
}

// TestStatusLastError: a status tells the last error met since the one
// before (a busy hub, here), and the bundle's refusal while it lasts;
// sanitized for the hub (no line breaks, at most 512 bytes).
func TestStatusLastError(t *testing.T) {
	_, priv := keys(t)
	clock := newFakeClock(t0)
	hub := &fakeHub{now: clock.Now, bundle: signedBundle(t, priv, 5), stored: map[string]int{}}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	reg := &memRegister{pending: entries(t, 3)}
	loop := clock.loop()
	u := newUplink(t, srv.URL, reg, loop.options(uplink.Options{PushEvery: 30 * time.Second, BackoffMin: time.Second, BackoffMax: time.Second,
		Report: func() (string, string) { return "v1 with spaces\n", "Streaming!" }}))
	hub.busy.Store(1)
	stop := run(u)
	defer stop()
	clock.until(t, t0.Add(time.Minute), func() bool { return len(hub.seen()) == 1 })
	s := hub.seen()[0]
	if e, _ := s.body["last_error"].(string); !strings.Contains(e, "HTTP 503") {
		t.Errorf("status after a busy hub: last_error %q, want the 503", e)
	}
	if s.body["version"] != "v1withspaces" || s.body["camera"] != "streaming" || s.body["waiting"] != 0.0 {
		t.Errorf("status %v: want the version and camera cleaned, nothing waiting", s.body)
	}
	// The next heartbeat: nothing went wrong since.
	clock.until(t, t0.Add(10*time.Minute), func() bool { return len(hub.seen()) == 2 })
	if e, ok := hub.seen()[1].body["last_error"]; ok {
		t.Errorf("heartbeat after a quiet time: last_error %q", e)
	}
}

// TestStatusAtRealHub: the status reaches the real hub (its strict
// decoder) and is kept under the token's kiosk and venue.
func TestStatusAtRealHub(t *testing.T) {
	h := newTestHub(t, 3, onFakeClock())
	tok := h.kiosk("cafe", "door")
	h.start()
	db := openRegister(t, filepath.Join(t.TempDir(), "register.db"))
	defer db.Close()
	fill(t, db, "cafe", "door", 20, 4)
	fill(t, db, "elsewhere", "door", 2, 5) // refused by the hub: they stay
	pub, _ := keys(t)
	now := time.Now().Truncate(time.Second)
	u, err := uplink.New(uplink.Options{Hub: h.url(), Token: tok, BundleKey: pub, Now: func() time.Time { return now },
		Report: func() (string, string) { return "v2.0.0", "connecting" }}, pendingCounter{db})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	sts, err := h.store.Statuses(context.Background())
	if err != nil || len(sts) != 1 {
		t.Fatalf("statuses at the hub: %v, %v", sts, err)
	}
	st := sts[0]
	pending, _ := db.Pending(1)
	if len(pending) != 1 {
		t.Fatalf("%d waiting, want the refused ones", len(pending))
	}
	if st.Kiosk != "door" || st.Venue != "cafe" || st.BundleSequence != 3 || st.Waiting != 2 ||
		!st.OldestWaiting.Equal(pending[0].Time) || !st.Clock.Equal(now) || st.Version != "v2.0.0" || st.Camera != "connecting" ||
		time.Since(st.Seen) > time.Minute || st.LastError != "" {
		t.Errorf("status at the hub: %+v", st)
	}
	if n, _ := h.count(); n != 20 {
		t.Errorf("hub holds %d entries, want 20", n)
	}
}
