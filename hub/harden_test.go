package hub_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/prometheus/client_golang/prometheus"
)

// recorder keeps what a desk records, as a kiosk's register would.
type recorder struct{ got []entry.Entry }

func (r *recorder) Record(e entry.Entry) error { r.got = append(r.got, e); return nil }

// kioskEntry is an entry as a real kiosk makes it: recorded by the desk
// (checkin) at now, its id made there.
func kioskEntry(t *testing.T, venue, kiosk string, now time.Time) entry.Entry {
	t.Helper()
	rec := &recorder{}
	d, err := checkin.New(checkin.Options{Venue: venue, Kiosk: kiosk, Trust: func() *bundle.Bundle { return nil },
		Register: rec, Secret: []byte("a venue secret of 16+ bytes"), Now: func() time.Time { return now },
		Rand: rand.NewChaCha8([32]byte{9})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Manual(checkin.Manual{Staff: "staff-1", Reason: checkin.ReasonPaper}); err != nil {
		t.Fatal(err)
	}
	if len(rec.got) != 1 {
		t.Fatalf("the desk recorded %d entries", len(rec.got))
	}
	return rec.got[0]
}

// entryAt is a valid entry of kiosk-1 whose id is made at made and whose
// time is at.
func entryAt(t *testing.T, ids *entry.IDs, made, at time.Time) entry.Entry {
	t.Helper()
	id, err := ids.New(made)
	if err != nil {
		t.Fatal(err)
	}
	return entry.Entry{ID: id, Time: at, Venue: "venue-1", Kiosk: "kiosk-1", Method: entry.Camera, Outcome: entry.Admitted}
}

// TestEntryIDs: purge cannot be dodged. An id not in canonical form (the
// same id in lower case), an id dated far ahead of the hub's clock or
// before its retention, and an entry whose time is not its id's are each
// rejected with the reason; a real kiosk's entries pass.
func TestEntryIDs(t *testing.T) {
	st, _ := mustOpenBolt(t)
	s := mustServe(t, st, hub.Options{Retention: 28 * 24 * time.Hour})
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.AddKiosk(ctx, "venue-2", "kiosk-2")
	if err != nil {
		t.Fatal(err)
	}
	held := makeEntries(t, "venue-2", "kiosk-2", 7, 1)[0]
	if status, ack, body := post(t, s.URL(), other, []entry.Entry{held}); status != http.StatusOK || len(ack.Acked) != 1 {
		t.Fatalf("kiosk-2's entry: %d %s", status, body)
	}

	ids := entry.NewIDs(rand.NewChaCha8([32]byte{5}))
	day := 24 * time.Hour
	at := func(made time.Time) entry.Entry { return entryAt(t, ids, made, made) }
	lower := at(t0)
	lower.ID = strings.ToLower(lower.ID)
	stolen := held
	stolen.ID, stolen.Venue, stolen.Kiosk = strings.ToLower(held.ID), "venue-1", "kiosk-1"
	real := kioskEntry(t, "venue-1", "kiosk-1", t0.Add(123456789*time.Nanosecond))
	cases := []struct {
		name string
		e    entry.Entry
		want string // in the reason; "" acknowledged
	}{
		{"real kiosk", real, ""},
		{"now", at(t0), ""},
		{"lower case", lower, "canonical"},
		{"another kiosk's id in lower case", stolen, "canonical"},
		{"year 2100", at(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)), "after the hub's clock"},
		{"a day and a minute ahead", at(t0.Add(day + time.Minute)), "after the hub's clock"},
		{"23 hours ahead", at(t0.Add(23 * time.Hour)), ""},
		{"27 days ago", at(t0.Add(-27 * day)), ""},
		{"29 days ago", at(t0.Add(-29 * day)), "retention"},
		{"1970", at(time.Unix(0, 0).UTC()), "retention"},
		{"time 4 minutes after the id", entryAt(t, ids, t0, t0.Add(4*time.Minute)), ""},
		{"time 10 minutes after the id", entryAt(t, ids, t0, t0.Add(10*time.Minute)), "from its id's time"},
		{"time a year before the id", entryAt(t, ids, t0, t0.AddDate(-1, 0, 0)), "from its id's time"},
	}
	var batch []entry.Entry
	for _, c := range cases {
		batch = append(batch, c.e)
	}
	status, ack, body := post(t, s.URL(), token, batch)
	if status != http.StatusOK {
		t.Fatalf("batch: %d %s", status, body)
	}
	acked := map[string]bool{}
	for _, id := range ack.Acked {
		acked[id] = true
	}
	reason := map[string]string{}
	for _, r := range ack.Rejected {
		reason[r.ID] = r.Error
	}
	for _, c := range cases {
		switch {
		case c.want == "" && !acked[c.e.ID]:
			t.Errorf("%s: not acknowledged (%s)", c.name, reason[c.e.ID])
		case c.want != "" && !strings.Contains(reason[c.e.ID], c.want):
			t.Errorf("%s: acknowledged %v, reason %q; want a reason with %q", c.name, acked[c.e.ID], reason[c.e.ID], c.want)
		}
	}
	if n := count(t, st); n != 1+len(ack.Acked) {
		t.Errorf("%d stored, want %d", n, 1+len(ack.Acked))
	}
	var owner string
	st.ExportEntries(ctx, time.Time{}, func(e entry.Entry) error {
		if e.ID == held.ID {
			owner = e.Kiosk
		}
		return nil
	})
	if owner != "kiosk-2" {
		t.Errorf("kiosk-2's entry now kiosk %q's", owner)
	}
}

// counting counts the store's PutEntries calls.
type counting struct {
	hub.Store
	puts atomic.Int64
}

func (c *counting) PutEntries(ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
	c.puts.Add(1)
	return c.Store.PutEntries(ctx, k, es)
}

// TestBatchBodies: a body that is null, or has anything after the batch,
// is refused with 400; an empty batch, or one whose every entry is
// rejected, is answered without a write.
func TestBatchBodies(t *testing.T) {
	st, _ := mustOpenBolt(t)
	cs := &counting{Store: st}
	s := mustServe(t, cs, hub.Options{})
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{`null`, ` null `, `{"entries":[]} {"entries":[]}`, `{"entries":[]}x`, `{"entries":[]}]`, `{"entries":[]}"`, `[]`, `"entries"`, `{"entries":{}}`} {
		if status, _, resp := postRaw(t, s.URL(), token, []byte(body), nil); status != http.StatusBadRequest {
			t.Errorf("body %s: %d %s, want 400", body, status, resp)
		}
	}
	for _, body := range []string{`{}`, `{"entries":[]}`, `{"entries":null}`, "{\"entries\":[]}\n", ` {"entries": [ ] } `} {
		if status, ack, resp := postRaw(t, s.URL(), token, []byte(body), nil); status != http.StatusOK || ack.Acked == nil || len(ack.Acked)+len(ack.Rejected) != 0 {
			t.Errorf("body %q: %d %s, want 200 and an empty ack", body, status, resp)
		}
	}
	bad := makeEntries(t, "venue-1", "kiosk-1", 1, 2)
	bad[0].Method, bad[1].Venue = "telepathy", "venue-2"
	if status, ack, resp := post(t, s.URL(), token, bad); status != http.StatusOK || len(ack.Rejected) != 2 || !strings.Contains(resp, `"acked":[]`) {
		t.Errorf("a batch of rejected entries: %d %s", status, resp)
	}
	if n := cs.puts.Load(); n != 0 {
		t.Errorf("%d writes for empty batches", n)
	}
	es := makeEntries(t, "venue-1", "kiosk-1", 1, 3)
	if status, ack, resp := post(t, s.URL(), token, es); status != http.StatusOK || len(ack.Acked) != 3 || cs.puts.Load() != 1 {
		t.Errorf("a batch after: %d %s, %d writes", status, resp, cs.puts.Load())
	}
}

// TestExportHidden: control and bidirectional characters of a note do not
// reach a CSV cell as they are; in JSONL they are escaped, and the JSON
// still reads back as the note.
func TestExportHidden(t *testing.T) {
	st, _ := mustOpenBolt(t)
	e := makeEntries(t, "venue-1", "kiosk-1", 1, 1)[0]
	note := "=cmd|' /C calc'!A0\t\"tab\"\r\nline\x00\x1b[31mred\x7f\u0085\u202eevil\u2066\u200f\u2028end 한글"
	e.Method, e.Staff, e.Note = entry.Manual, "staff-\u202e7", note
	if _, err := st.PutEntries(ctx, hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}, []entry.Entry{e}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := hub.Export(ctx, st, time.Time{}, hub.CSV, &buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("CSV: %v %q", err, rows)
	}
	for i, cell := range rows[1] {
		for _, r := range cell {
			if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' {
				t.Errorf("CSV column %s holds %U: %q", rows[0][i], r, cell)
			}
		}
	}
	if want := "'=cmd|' /C calc'!A0 \"tab\"  line\ufffd\ufffd[31mred\ufffd\ufffd\ufffdevil\ufffd\ufffd\ufffdend 한글"; rows[1][12] != want {
		t.Errorf("CSV note %q, want %q", rows[1][12], want)
	}
	buf.Reset()
	if _, err := hub.Export(ctx, st, time.Time{}, hub.JSONL, &buf); err != nil {
		t.Fatal(err)
	}
	for _, r := range buf.String() {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028') {
			t.Errorf("JSONL holds %U raw: %s", r, buf.String())
		}
	}
	var back entry.Entry
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back.Note != note || back.Staff != e.Staff {
		t.Errorf("JSONL reads back as %q, %q (%v); want %q", back.Note, back.Staff, err, note)
	}
}

// TestRanges: one range is served (206); many in one request get the
// whole content (200), not a multipart reply of each.
func TestRanges(t *testing.T) {
	st, _ := mustOpenBolt(t)
	data := signBundle(t, 1, hashes(1, 3000))
	if _, err := hub.Publish(ctx, st, data, pinned, t0); err != nil {
		t.Fatal(err)
	}
	s := mustServe(t, st, hub.Options{})
	resp, body := get(t, s.URL()+"/v1/bundle", "Range", "bytes=100-199")
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, data[100:200]) {
		t.Errorf("one range: %s, %d bytes", resp.Status, len(body))
	}
	var many strings.Builder
	many.WriteString("bytes=0-0")
	for i := 1; i < 3000; i++ {
		fmt.Fprintf(&many, ",%d-%d", 2*i, 2*i)
	}
	segs, err := bundle.Segments(data)
	if err != nil {
		t.Fatal(err)
	}
	var seg string
	for sum := range segs {
		seg = fmt.Sprintf("/v1/bundle/segments/%x", sum)
	}
	for _, path := range []string{"/v1/bundle", "/v1/bundle/head", seg} {
		for _, ranges := range [][]string{{"Range", many.String()}, {"Range", "bytes=0-0,5-9"}} {
			resp, body := get(t, s.URL()+path, ranges...)
			if resp.StatusCode != http.StatusOK || strings.HasPrefix(resp.Header.Get("Content-Type"), "multipart/") {
				t.Errorf("%s with %d ranges: %s %s, %d bytes; want 200 and all", path, strings.Count(ranges[1], ",")+1, resp.Status, resp.Header.Get("Content-Type"), len(body))
			}
		}
	}
	req, _ := http.NewRequest("GET", s.URL()+"/v1/bundle", nil)
	req.Header.Add("Range", "bytes=0-0")
	req.Header.Add("Range", "bytes=5-9")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("two Range headers: %s", resp.Status)
	}
}

// stall opens a connection that asks for path and never reads the reply,
// with a small receive buffer so the hub's writes block soon.
func stall(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: hub\r\n\r\n", path); err != nil {
		t.Fatal(err)
	}
	return c
}

// healthOf reads /healthz.
func healthOf(t *testing.T, url string) (status string, anonymous, authenticated int) {
	t.Helper()
	resp, body := get(t, url+"/healthz")
	var h struct {
		Status string
		Limits struct {
			Authenticated, Anonymous struct {
				InUse int `json:"in_use"`
			}
		}
	}
	if err := json.Unmarshal(body, &h); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %s %s (%v)", resp.Status, body, err)
	}
	return h.Status, h.Limits.Anonymous.InUse, h.Limits.Authenticated.InUse
}

// TestStalledPulls: clients that ask for a large bundle and never read
// fill the pulls' pool only: pushes go on, /healthz says "overloaded",
// and the stalled pulls are cut at the minimum rate, so pulls are served
// again.
func TestStalledPulls(t *testing.T) {
	st, _ := mustOpenBolt(t)
	data := signBundle(t, 1, hashes(1, 500_000)) // 8 MB of revocations, which gzip does not shrink
	if _, err := hub.Publish(ctx, st, data, pinned, t0); err != nil {
		t.Fatal(err)
	}
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	s := mustServe(t, st, hub.Options{MaxPulls: 4, MaxInFlight: 4, RateGrace: 500 * time.Millisecond, MinRate: 1 << 20})
	for range 4 {
		stall(t, s.Addr().String(), "/v1/bundle")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		status, pulls, _ := healthOf(t, s.URL())
		if status == "overloaded" && pulls == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz with 4 stalled pulls: %s, %d pulls in flight", status, pulls)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if resp, _ := get(t, s.URL()+"/v1/bundle/head"); resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a 5th pull: %s, want 503 with Retry-After", resp.Status)
	}
	if status, ack, body := post(t, s.URL(), token, makeEntries(t, "venue-1", "kiosk-1", 1, 10)); status != http.StatusOK || len(ack.Acked) != 10 {
		t.Errorf("a push while pulls stall: %d %s", status, body)
	}
	// Cut after the grace: the pool is free again.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, body := get(t, s.URL()+"/v1/bundle")
		if resp.StatusCode == http.StatusOK {
			if !bytes.Equal(body, data) {
				t.Errorf("the bundle served after: %d bytes", len(body))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pulls still refused 20 s after 4 stalled: %s", resp.Status)
		}
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		status, pulls, _ := healthOf(t, s.URL())
		if status == "ok" && pulls == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz 20 s after: %s, %d pulls in flight", status, pulls)
		}
	}
}

// TestPerToken: one token holds at most MaxPerToken requests (here its
// default, 2); a third is 429 with Retry-After while other kiosks push. A
// body that stalls is cut after the grace (408) rather than holding its
// slot for the server's read timeout; one that trickles above the
// minimum rate is not.
func TestPerToken(t *testing.T) {
	st, _ := mustOpenBolt(t)
	s := mustServe(t, st, hub.Options{RateGrace: 300 * time.Millisecond, MinRate: 16})
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.AddKiosk(ctx, "venue-2", "kiosk-2")
	if err != nil {
		t.Fatal(err)
	}
	// Two pushes whose bodies come a few bytes at a time, kept alive.
	stop := make(chan struct{})
	var slow []<-chan int
	for range 2 {
		pr, pw := io.Pipe()
		req, _ := http.NewRequest("POST", s.URL()+"/v1/entries", pr)
		req.Header.Set("Authorization", "Bearer "+token)
		done := make(chan int, 1)
		go func() {
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- 0
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
		go func() {
			pw.Write([]byte(`{"entries":[`))
			for {
				select {
				case <-stop:
					pw.Close()
					return
				case <-time.After(20 * time.Millisecond):
					pw.Write([]byte(" "))
				}
			}
		}()
		slow = append(slow, done)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, _, n := healthOf(t, s.URL()); n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the two slow pushes never got in flight")
		}
		time.Sleep(5 * time.Millisecond)
	}
	status, _, body := post(t, s.URL(), token, makeEntries(t, "venue-1", "kiosk-1", 1, 3))
	if status != http.StatusTooManyRequests || !strings.Contains(body, "in flight") {
		t.Errorf("a third push of the token: %d %s, want 429", status, body)
	}
	if status, _, body := post(t, s.URL(), other, makeEntries(t, "venue-2", "kiosk-2", 2, 3)); status != http.StatusOK {
		t.Errorf("another kiosk's push meanwhile: %d %s", status, body)
	}
	close(stop)
	for _, done := range slow {
		if code := <-done; code != http.StatusBadRequest { // "[   ]" cut short: not a batch
			t.Errorf("a slow push ended %d, want 400", code)
		}
	}
	// A body that stops coming is cut after the grace.
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1/entries HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer %s\r\nContent-Length: 1000\r\n\r\n{\"entries\":[", token)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.Contains(line, "408") {
		t.Errorf("a body that stalls: %q %v, want 408", line, err)
	}
	if status, ack, body := post(t, s.URL(), token, makeEntries(t, "venue-1", "kiosk-1", 1, 3)); status != http.StatusOK || len(ack.Acked) != 3 {
		t.Errorf("the token's push after: %d %s", status, body)
	}
}

// TestMetricsGuard: /metrics is open on a loopback listener; on any other
// it is 403, and with a metrics token it wants the token.
func TestMetricsGuard(t *testing.T) {
	st, _ := mustOpenBolt(t)
	open := func(addr, token string) *hub.Server {
		s, err := hub.NewServer(st, hub.Options{Addr: addr, MetricsToken: token, Registry: prometheus.NewRegistry()})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Open(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	local := func(s *hub.Server) string { return "http://127.0.0.1:" + strconv.Itoa(s.Addr().(*net.TCPAddr).Port) }
	if resp, _ := get(t, local(open("127.0.0.1:0", ""))+"/metrics"); resp.StatusCode != http.StatusOK {
		t.Errorf("/metrics on loopback: %s", resp.Status)
	}
	wide := open("0.0.0.0:0", "")
	if resp, body := get(t, local(wide)+"/metrics"); resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "--metrics-token-file") {
		t.Errorf("/metrics on every interface: %s %s, want 403", resp.Status, body)
	}
	if resp, _ := get(t, local(wide)+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz on every interface: %s", resp.Status)
	}
	tokened := open("0.0.0.0:0", "metrics-secret")
	for tok, want := range map[string]int{"": 401, "Bearer nope": 401, "Bearer metrics-secret": 200} {
		if resp, _ := get(t, local(tokened)+"/metrics", "Authorization", tok); resp.StatusCode != want {
			t.Errorf("/metrics with a token, Authorization %q: %s, want %d", tok, resp.Status, want)
		}
	}
}
