package hub_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/prometheus/client_golang/prometheus"
)

func ids(es []entry.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func TestEntriesIdempotent(t *testing.T) {
	st, _ := mustOpenBolt(t)
	s := mustServe(t, st, hub.Options{})
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	es := makeEntries(t, "venue-1", "kiosk-1", 1, 1000)
	status, ack, body := post(t, s.URL(), token, es)
	if status != http.StatusOK || !slices.Equal(ack.Acked, ids(es)) || len(ack.Rejected) != 0 {
		t.Fatalf("first push: %d, %d acked, %d rejected %s", status, len(ack.Acked), len(ack.Rejected), body)
	}
	// The kiosk did not hear the ack and sends the batch again.
	status, ack, _ = post(t, s.URL(), token, es)
	if status != http.StatusOK || !slices.Equal(ack.Acked, ids(es)) || len(ack.Rejected) != 0 {
		t.Fatalf("resend: %d, %d acked", status, len(ack.Acked))
	}
	// Half old, half new, and one entry twice in the batch.
	more := makeEntries(t, "venue-1", "kiosk-1", 2, 500)
	mixed := append(append(slices.Clone(es[501:]), more...), more[0])
	status, ack, _ = post(t, s.URL(), token, mixed)
	if status != http.StatusOK || !slices.Equal(ack.Acked, ids(mixed)) {
		t.Fatalf("mixed: %d, %d acked of %d", status, len(ack.Acked), len(mixed))
	}
	if n := count(t, st); n != 1500 {
		t.Fatalf("%d entries stored, want 1500", n)
	}
	for name, want := range map[string]float64{
		"passhub_entries_ingested_total":  1500,
		"passhub_entries_duplicate_total": 1000 + 499 + 1,
		"passhub_entries_rejected_total":  0,
		"passhub_batches_total":           3,
	} {
		if got := metric(t, s.URL(), name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	// What is stored is what was sent.
	got := map[string]entry.Entry{}
	st.ExportEntries(ctx, time.Time{}, func(e entry.Entry) error { got[e.ID] = e; return nil })
	for _, e := range append(es, more...) {
		if diff := cmp.Diff(e, got[e.ID]); diff != "" {
			t.Fatalf("entry %s stored (-sent +stored):\n%s", e.ID, diff)
		}
	}
}

// TestEntriesOtherKiosk: a kiosk's token writes only its own venue's and
// kiosk's entries; the others in the batch are rejected one by one and
// the kiosk's own are stored.
func TestEntriesOtherKiosk(t *testing.T) {
	st, _ := mustOpenBolt(t)
	s := mustServe(t, st, hub.Options{})
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	own := makeEntries(t, "venue-1", "kiosk-1", 1, 10)
	otherVenue := makeEntries(t, "venue-2", "kiosk-1", 2, 3)
	otherKiosk := makeEntries(t, "venue-1", "kiosk-9", 3, 2)
	batch := append(append(slices.Clone(own), otherVenue...), otherKiosk...)
	status, ack, body := post(t, s.URL(), token, batch)
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, body)
	}
	if !slices.Equal(ack.Acked, ids(own)) || len(ack.Rejected) != 5 {
		t.Fatalf("acked %d, rejected %d; want 10 and 5", len(ack.Acked), len(ack.Rejected))
	}
	for i, r := range ack.Rejected {
		if r.ID != ids(batch[10:])[i] || !strings.Contains(r.Error, "forbidden") || !strings.Contains(r.Error, `token is kiosk "kiosk-1"'s of venue "venue-1"`) {
			t.Errorf("reject %d: %+v", i, r)
		}
	}
	if n := count(t, st); n != 10 {
		t.Fatalf("%d stored, want 10", n)
	}
	if got := metric(t, s.URL(), "passhub_entries_rejected_total"); got != 5 {
		t.Errorf("rejected metric %v", got)
	}

	// Another kiosk cannot claim an id already held for kiosk-1.
	token2, err := st.AddKiosk(ctx, "venue-2", "kiosk-2")
	if err != nil {
		t.Fatal(err)
	}
	steal := own[0]
	steal.Venue, steal.Kiosk = "venue-2", "kiosk-2"
	status, ack, _ = post(t, s.URL(), token2, []entry.Entry{steal})
	if status != http.StatusOK || len(ack.Acked) != 0 || len(ack.Rejected) != 1 {
		t.Fatalf("id of another kiosk's entry: %d %+v", status, ack)
	}
}

func TestEntriesAuth(t *testing.T) {
	st, _ := mustOpenBolt(t)
	s := mustServe(t, st, hub.Options{})
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	es := makeEntries(t, "venue-1", "kiosk-1", 1, 5)
	if status, _, _ := post(t, s.URL(), token, es[:1]); status != http.StatusOK {
		t.Fatalf("valid token: %d", status)
	}
	wrong := []byte(token)
	wrong[0] ^= 1
	for name, tok := range map[string]string{"none": "", "unknown": string(wrong), "short": "abc", "long": token + token} {
		status, _, body := post(t, s.URL(), tok, es)
		if status != http.StatusUnauthorized || !strings.Contains(body, "unauthorized") {
			t.Errorf("%s token: %d %s", name, status, body)
		}
	}
	if err := st.RevokeKiosk(ctx, "kiosk-1"); err != nil {
		t.Fatal(err)
	}
	status, _, body := post(t, s.URL(), token, es[1:])
	if status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d %s", status, body)
	}
	if n := count(t, st); n != 1 {
		t.Fatalf("%d stored, want the 1 sent before revocation", n)
	}
	if got := metric(t, s.URL(), "passhub_requests_unauthorized_total"); got != 5 {
		t.Errorf("unauthorized metric %v, want 5", got)
	}
	// A new token for the same kiosk works; the old one stays dead.
	token2, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := post(t, s.URL(), token2, es[1:]); status != http.StatusOK {
		t.Errorf("new token: %d", status)
	}
	if status, _, _ := post(t, s.URL(), token, es[1:]); status != http.StatusUnauthorized {
		t.Errorf("old token after re-adding the kiosk: %d", status)
	}
}

func TestEntriesBadRequests(t *testing.T) {
	st, _ := mustOpenBolt(t)
	s := mustServe(t, st, hub.Options{MaxBody: 1 << 20})
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	es := makeEntries(t, "venue-1", "kiosk-1", 1, 1001)

	// Malformed entries are rejected one by one.
	bad := slices.Clone(es[:4])
	bad[1].ID = "not-a-ulid"
	bad[2].Method = "telepathy"
	bad[3].Venue = ""
	status, ack, _ := post(t, s.URL(), token, bad)
	if status != http.StatusOK || len(ack.Acked) != 1 || len(ack.Rejected) != 3 || !strings.Contains(ack.Rejected[1].Error, "invalid entry") {
		t.Fatalf("malformed entries: %d %+v", status, ack)
	}

	if status, _, body := post(t, s.URL(), token, es); status != http.StatusRequestEntityTooLarge {
		t.Errorf("1001 entries: %d %s", status, body)
	}
	if status, _, body := postRaw(t, s.URL(), token, []byte(`{"entries": [`), nil); status != http.StatusBadRequest {
		t.Errorf("cut JSON: %d %s", status, body)
	}
	big := append([]byte(`{"entries":[], "pad": "`), bytes.Repeat([]byte("x"), 2<<20)...)
	if status, _, body := postRaw(t, s.URL(), token, append(big, `"}`...), nil); status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: %d %s", status, body)
	}
	// A gzip bomb stops at the cap.
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(big)
	zw.Close()
	gz := http.Header{"Content-Encoding": {"gzip"}}
	if status, _, body := postRaw(t, s.URL(), token, bomb.Bytes(), gz); status != http.StatusRequestEntityTooLarge {
		t.Errorf("gzip of 2 MiB: %d %s", status, body)
	}
	// A gzipped batch is fine.
	raw, _ := json.Marshal(entry.Batch{Entries: es[10:20]})
	var zbuf bytes.Buffer
	zw = gzip.NewWriter(&zbuf)
	zw.Write(raw)
	zw.Close()
	if status, ack, body := postRaw(t, s.URL(), token, zbuf.Bytes(), gz); status != http.StatusOK || len(ack.Acked) != 10 {
		t.Errorf("gzipped batch: %d %s", status, body)
	}
	if status, _, _ := postRaw(t, s.URL(), token, raw, http.Header{"Content-Encoding": {"br"}}); status != http.StatusBadRequest {
		t.Errorf("Content-Encoding br: %d", status)
	}
	if resp, _ := get(t, s.URL()+"/v1/entries"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/entries: %s", resp.Status)
	}
	if n := count(t, st); n != 11 {
		t.Errorf("%d stored, want 11", n)
	}
}

// TestOverload: with one slot, a request that holds it (its body still
// coming) makes the next one a 503 with Retry-After; once it is done, the
// hub takes requests again.
func TestOverload(t *testing.T) {
	st, _ := mustOpenBolt(t)
	s := mustServe(t, st, hub.Options{MaxInFlight: 1, RetryAfter: 5 * time.Second})
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	es := makeEntries(t, "venue-1", "kiosk-1", 1, 20)
	raw, _ := json.Marshal(entry.Batch{Entries: es[:10]})

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", s.URL()+"/v1/entries", pr)
	req.Header.Set("Authorization", "Bearer "+token)
	var (
		wg       sync.WaitGroup
		slowResp *http.Response
		slowErr  error
	)
	wg.Go(func() { slowResp, slowErr = http.DefaultClient.Do(req) })
	pw.Write(raw[:20]) // the handler is now reading the body
	deadline := time.Now().Add(5 * time.Second)
	for metric(t, s.URL(), "passhub_requests_in_flight") != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the slow request never got in flight")
		}
		time.Sleep(5 * time.Millisecond)
	}

	// Bundle pulls have a pool of their own: a push in flight holds none.
	for _, path := range []string{"/v1/bundle", "/v1/bundle/head"} {
		if resp, body := get(t, s.URL()+path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s while pushes are full: %s %s, want 404 (none published)", path, resp.Status, body)
		}
	}
	status, _, body := post(t, s.URL(), token, es[10:])
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "overloaded") {
		t.Errorf("POST while full: %d %s", status, body)
	}
	// Health and metrics answer even so.
	if resp, _ := get(t, s.URL()+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz while full: %s", resp.Status)
	}
	if got := metric(t, s.URL(), "passhub_requests_overload_total"); got != 1 {
		t.Errorf("overload metric %v, want 1", got)
	}
	if got := metric(t, s.URL(), `passhub_requests_total{code="503",route="POST /v1/entries"}`); got != 1 {
		t.Errorf("503s of POST /v1/entries counted %v, want 1", got)
	}

	pw.Write(raw[20:])
	pw.Close()
	wg.Wait()
	if slowErr != nil || slowResp.StatusCode != http.StatusOK {
		t.Fatalf("slow request: %v %v", slowErr, slowResp)
	}
	slowResp.Body.Close()
	if status, ack, _ := post(t, s.URL(), token, es[10:]); status != http.StatusOK || len(ack.Acked) != 10 {
		t.Errorf("after the slot is free: %d", status)
	}
	if n := count(t, st); n != 20 {
		t.Errorf("%d stored, want 20", n)
	}
}

func TestHealthz(t *testing.T) {
	st, _ := mustOpenBolt(t)
	var clock atomic.Pointer[time.Time]
	clock.Store(&t0)
	s, err := hub.NewServer(st, hub.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return *clock.Load() }
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resp, body := get(t, s.URL()+"/healthz")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"bundle":null`) {
		t.Fatalf("healthz without a bundle: %s %s", resp.Status, body)
	}
	data, key := fixture(t)
	if _, err := hub.Publish(ctx, st, data, key, t0); err != nil {
		t.Fatal(err)
	}
	var h struct {
		Status string
		Bundle struct {
			Sequence uint64
			Expired  bool
		}
	}
	_, body = get(t, s.URL()+"/healthz")
	if err := json.Unmarshal(body, &h); err != nil || h.Status != "ok" || h.Bundle.Sequence != 1 || h.Bundle.Expired {
		t.Fatalf("healthz at t0: %s (%v)", body, err)
	}
	later := t0.AddDate(0, 1, 0)
	clock.Store(&later)
	_, body = get(t, s.URL()+"/healthz")
	if err := json.Unmarshal(body, &h); err != nil || !h.Bundle.Expired {
		t.Fatalf("healthz a month later: %s", body)
	}
}

// TestMetrics: every metric is in the registry passed in, and on /metrics.
func TestMetrics(t *testing.T) {
	st, _ := mustOpenBolt(t)
	reg := prometheus.NewRegistry()
	s := mustServe(t, st, hub.Options{Registry: reg})
	if _, err := hub.NewServer(st, hub.Options{Registry: reg}); err == nil {
		t.Error("a second server registered its metrics in the same registry")
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, mf := range mfs {
		got[mf.GetName()] = true
	}
	resp, body := get(t, s.URL()+"/metrics")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %s", resp.Status)
	}
	for _, name := range []string{
		"passhub_entries_ingested_total", "passhub_entries_duplicate_total", "passhub_entries_rejected_total",
		"passhub_batches_total", "passhub_bundle_fetches_total", "passhub_bundle_not_modified_total",
		"passhub_requests_in_flight", "passhub_requests_overload_total", "passhub_requests_unauthorized_total",
	} {
		if !got[name] {
			t.Errorf("%s not in the registry", name)
		}
		if !strings.Contains(string(body), "# HELP "+name+" ") {
			t.Errorf("%s not on /metrics", name)
		}
	}
	if strings.Contains(string(body), "go_goroutines") {
		t.Error("/metrics shows the default registry's Go metrics: the global registry leaked in")
	}
}
