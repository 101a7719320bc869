package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/passgate/passgate/hub"
)

// clockAt is a clock the test moves; safe to read from the server's
// goroutines.
type clockAt struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clockAt) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clockAt) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// serveAt starts a server on st whose clock is c's.
func serveAt(t testing.TB, st hub.Store, c *clockAt) *hub.Server {
	t.Helper()
	s, err := hub.NewServer(st, hub.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	s.Now = c.Now
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// postStatus sends body to /v1/status with a token (none if "") and
// returns the status code and the body of the answer (of an error, its
// message).
func postStatus(t testing.TB, url, token, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/v1/status", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e struct{ Error string }
	if json.Unmarshal(raw, &e) == nil && e.Error != "" {
		return resp.StatusCode, e.Error
	}
	return resp.StatusCode, string(raw)
}

// statusOf returns the stored status of kiosk, and whether there is one.
func statusOf(t testing.TB, st hub.Store, kiosk string) (hub.KioskStatus, bool) {
	t.Helper()
	sts, err := st.Statuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.Kiosk == kiosk {
			return s, true
		}
	}
	return hub.KioskStatus{}, false
}

// goodStatus is the body of a status a kiosk sends; the clock is 3 s
// behind the hub's t0.
const goodStatus = `{"bundle_sequence": 7, "waiting": 2, "oldest_waiting": "2021-12-13T02:58:00.5Z",
	"clock": "2021-12-13T11:59:57+09:00", "version": "v1.4.0", "camera": "streaming", "last_error": "push: 503"}`

// TestPostStatus: a kiosk's status is kept as it is sent, under the
// token's kiosk and venue, seen at the hub's clock; the next replaces it.
func TestPostStatus(t *testing.T) {
	st, _ := mustOpenBolt(t)
	token, err := st.AddKiosk(ctx, "cafe", "door")
	if err != nil {
		t.Fatal(err)
	}
	c := &clockAt{now: t0.Add(90 * time.Second)} // not the store's clock (t0)
	s := serveAt(t, st, c)
	if code, body := postStatus(t, s.URL(), token, goodStatus); code != http.StatusNoContent || body != "" {
		t.Fatalf("POST /v1/status: %d %q, want 204 and no body", code, body)
	}
	want := hub.KioskStatus{Kiosk: "door", Venue: "cafe", Seen: t0.Add(90 * time.Second),
		BundleSequence: 7, Waiting: 2, OldestWaiting: time.Date(2021, 12, 13, 2, 58, 0, 5e8, time.UTC),
		Clock: t0.Add(-3 * time.Second), Version: "v1.4.0", Camera: "streaming", LastError: "push: 503"}
	got, _ := statusOf(t, st, "door")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored status (-want +got):\n%s", diff)
	}
	c.set(t0.Add(5 * time.Minute))
	if code, body := postStatus(t, s.URL(), token, `{"bundle_sequence": 8, "waiting": 0, "clock": "2021-12-13T03:04:58Z", "version": "v1.4.0", "camera": "lost"}`); code != http.StatusNoContent {
		t.Fatalf("second status: %d %s", code, body)
	}
	want = hub.KioskStatus{Kiosk: "door", Venue: "cafe", Seen: t0.Add(5 * time.Minute), BundleSequence: 8,
		Clock: t0.Add(5*time.Minute - 2*time.Second), Version: "v1.4.0", Camera: "lost"}
	got, _ = statusOf(t, st, "door")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status replaced (-want +got):\n%s", diff)
	}
}

// TestPostStatusRefused: a status is refused with the reason, and changes
// nothing, when the token is missing or revoked, when the body names who
// or when (kiosk, venue, seen: the hub's to say), has a field unknown or
// missing, is not one JSON object, is too large or compressed, or has a
// value CheckStatus refuses.
func TestPostStatusRefused(t *testing.T) {
	st, _ := mustOpenBolt(t)
	token, err := st.AddKiosk(ctx, "cafe", "door")
	if err != nil {
		t.Fatal(err)
	}
	gone, err := st.AddKiosk(ctx, "cafe", "gone")
	if err != nil {
		t.Fatal(err)
	}
	s := serveAt(t, st, &clockAt{now: t0})
	if code, body := postStatus(t, s.URL(), gone, goodStatus); code != http.StatusNoContent {
		t.Fatalf("status of gone: %d %s", code, body)
	}
	if err := st.RevokeKiosk(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if code, body := postStatus(t, s.URL(), token, goodStatus); code != http.StatusNoContent {
		t.Fatalf("status of door: %d %s", code, body)
	}
	before, _ := st.Statuses(ctx)
	with := func(field, value string) string { // goodStatus with one more field
		return strings.Replace(goodStatus, "{", fmt.Sprintf(`{%q: %s, `, field, value), 1)
	}
	without := func(field string) string { // goodStatus without a field (not the last)
		i := strings.Index(goodStatus, `"`+field+`"`)
		j := i + strings.IndexByte(goodStatus[i:], ',') + 1
		return goodStatus[:i] + strings.TrimLeft(goodStatus[j:], " \n\t")
	}
	for _, c := range []struct {
		name, token, body string
		header            []string
		code              int
		says              string
	}{
		{"no token", "", goodStatus, nil, 401, "Bearer"},
		{"a revoked kiosk's token", gone, goodStatus, nil, 401, "unknown or revoked"},
		{"a kiosk named", token, with("kiosk", `"other"`), nil, 400, `unknown field "kiosk"`},
		{"a venue named", token, with("venue", `"other"`), nil, 400, `unknown field "venue"`},
		{"seen named", token, with("seen", `"2021-12-13T03:00:00Z"`), nil, 400, `unknown field "seen"`},
		{"an unknown field", token, with("battery", `80`), nil, 400, `unknown field "battery"`},
		{"no waiting", token, without("waiting"), nil, 400, "waiting is required"},
		{"no bundle_sequence", token, without("bundle_sequence"), nil, 400, "bundle_sequence is required"},
		{"no clock", token, without("clock"), nil, 400, "clock"},
		{"no version", token, without("version"), nil, 400, "version"},
		{"no camera", token, without("camera"), nil, 400, "camera"},
		{"null", token, `null`, nil, 400, "null"},
		{"empty", token, ``, nil, 400, "not a status"},
		{"an array", token, `[` + goodStatus + `]`, nil, 400, "not a status"},
		{"two objects", token, goodStatus + goodStatus, nil, 400, "data after the object"},
		{"not JSON", token, `bundle_sequence=7`, nil, 400, "not a status"},
		{"a negative count", token, strings.Replace(goodStatus, `"waiting": 2`, `"waiting": -2`, 1), nil, 400, "waiting -2"},
		{"a sequence as text", token, strings.Replace(goodStatus, `"bundle_sequence": 7`, `"bundle_sequence": "7"`, 1), nil, 400, "bundle_sequence"},
		{"a camera in capitals", token, strings.Replace(goodStatus, `"streaming"`, `"STREAMING"`, 1), nil, 400, "camera"},
		{"a line break in the error", token, strings.Replace(goodStatus, `"push: 503"`, `"push:\n503"`, 1), nil, 400, "last_error"},
		{"a sequence of 2^63", token, strings.Replace(goodStatus, `7`, `9223372036854775808`, 1), nil, 400, "bundle_sequence"},
		{"5 KiB", token, with("pad", `"`+strings.Repeat("x", 5<<10)+`"`), nil, 413, "at most 4096"},
		{"gzip", token, goodStatus, []string{"Content-Encoding", "gzip"}, 400, "plain JSON"},
	} {
		code, body := postStatus(t, s.URL(), c.token, c.body, c.header...)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s: %d %s; want %d saying %q", c.name, code, body, c.code, c.says)
		}
	}
	// A body over the cap sent without a length is cut at the cap.
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/v1/status", io.MultiReader(strings.NewReader(`{"version": "`), bytes.NewReader(bytes.Repeat([]byte("v"), 1<<20))))
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("1 MiB without Content-Length: %d, want 413", resp.StatusCode)
		}
	}
	if resp, _ := get(t, s.URL()+"/v1/status"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/status: %d, want 405", resp.StatusCode)
	}
	after, _ := st.Statuses(ctx)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("refused statuses changed the stored ones (-before +after):\n%s", diff)
	}
}

// downStatusStore is a store whose statuses cannot be written or read.
type downStatusStore struct{ hub.Store }

func (downStatusStore) PutStatus(context.Context, hub.KioskStatus) error {
	return fmt.Errorf("%w: connection refused", hub.ErrUnavailable)
}

func (downStatusStore) Statuses(context.Context) ([]hub.KioskStatus, error) {
	return nil, fmt.Errorf("%w: connection refused", hub.ErrUnavailable)
}

// TestPostStatusUnavailable: a status the store cannot take is 503 with
// Retry-After, as a push is.
func TestPostStatusUnavailable(t *testing.T) {
	st, _ := mustOpenBolt(t)
	token, err := st.AddKiosk(ctx, "cafe", "door")
	if err != nil {
		t.Fatal(err)
	}
	s := serveAt(t, downStatusStore{st}, &clockAt{now: t0})
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/v1/status", strings.NewReader(goodStatus))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("status %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
