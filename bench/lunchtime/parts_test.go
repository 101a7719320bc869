package main

import (
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
)

// TestArrivals: the shape of a lunchtime, 62 % of it from 12:00 to 13:00,
// in order and within 11:00–14:00.
func TestArrivals(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	got := arrivals(r, 100_000)
	if n := len(got); n < 98_000 || n > 102_000 {
		t.Errorf("%d arrivals, want about 100000", n)
	}
	if !slices.IsSorted(got) || got[0] < 0 || got[len(got)-1] >= lunchLen {
		t.Errorf("arrivals out of order or outside 11:00–14:00: first %s, last %s", got[0], got[len(got)-1])
	}
	peak := 0
	hours := [3]int{}
	for _, d := range got {
		hours[d/time.Hour]++
		if d >= time.Hour && d < 2*time.Hour {
			peak++
		}
	}
	if f := float64(peak) / float64(len(got)); f < 0.60 || f > 0.64 {
		t.Errorf("%.3f of the arrivals from 12:00 to 13:00, want 36/58 = 0.621", f)
	}
	if hours[1] <= hours[0] || hours[1] <= hours[2] {
		t.Errorf("by hour %v: the peak must be 12:00–13:00", hours)
	}
}

// TestLunchDay: the last lunchtime that is over, in Seoul.
func TestLunchDay(t *testing.T) {
	for _, c := range []struct{ now, want string }{
		{"2026-12-02T04:00:00Z", "2026-12-01T11:00:00+09:00"}, // 13:00 KST: today's is not over
		{"2026-12-02T05:00:00Z", "2026-12-02T11:00:00+09:00"}, // 14:00 KST: it is
		{"2026-12-01T16:00:00Z", "2026-12-01T11:00:00+09:00"}, // 01:00 KST the next day
	} {
		now, _ := time.Parse(time.RFC3339, c.now)
		want, _ := time.Parse(time.RFC3339, c.want)
		if got := lunchDay(now); !got.Equal(want) {
			t.Errorf("lunchDay(%s) = %s, want %s", c.now, got, c.want)
		}
	}
}

// TestClock: real and simulated times map onto each other.
func TestClock(t *testing.T) {
	start := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	c := clock{start: start, sim: time.Date(2026, 12, 1, 11, 0, 0, 0, seoul), length: 3 * time.Minute}
	if got := c.real(time.Hour); !got.Equal(start.Add(time.Minute)) {
		t.Errorf("12:00 at %s, want a minute in", got)
	}
	if got := c.at(start.Add(90 * time.Second)); !got.Equal(time.Date(2026, 12, 1, 12, 30, 0, 0, seoul)) {
		t.Errorf("90 s in is %s, want 12:30", got)
	}
}

// TestRegister: as store.DB: pending oldest first, acknowledged ones
// leave, unknown ids are ignored, an id is recorded once.
func TestRegister(t *testing.T) {
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	reg := newRegister(func() time.Time { return now })
	ids := entry.NewIDs(rand.NewChaCha8([32]byte{1}))
	var es []entry.Entry
	for i := range 5 {
		at := now.Add(time.Duration(i) * time.Second)
		id, _ := ids.New(at)
		e := entry.Entry{ID: id, Time: at, Venue: "v", Kiosk: "k", Method: entry.Camera, Outcome: entry.Admitted}
		if err := reg.Record(e); err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	if err := reg.Record(es[2]); err == nil {
		t.Error("an id recorded twice")
	}
	bad := es[0]
	bad.ID = "nope"
	if err := reg.Record(bad); err == nil {
		t.Error("an invalid entry recorded")
	}
	got, _ := reg.Pending(3)
	if len(got) != 3 || got[0].ID != es[0].ID || got[2].ID != es[2].ID {
		t.Errorf("Pending(3) = %v", got)
	}
	now = now.Add(time.Minute)
	if err := reg.Ack([]string{es[1].ID, es[3].ID, "01ARZ3NDEKTSV4RRFFQ69G5FAV"}); err != nil {
		t.Fatal(err)
	}
	reg.Ack([]string{es[1].ID}) // again
	got, _ = reg.Pending(0)
	if n, _ := reg.PendingCount(); n != 3 || len(got) != 3 || got[0].ID != es[0].ID || got[1].ID != es[2].ID || got[2].ID != es[4].ID {
		t.Errorf("after acks: %d pending, %v", n, got)
	}
	var acked, acks int
	reg.entries(func(k *kept) {
		if !k.acked.IsZero() {
			acked++
			if w := k.acked.Sub(k.recorded); w != time.Minute {
				t.Errorf("%s waited %s, want 1m", k.e.ID, w)
			}
		}
		acks += k.acks
	})
	if acked != 2 || acks != 3 {
		t.Errorf("%d acknowledged, %d acknowledgements: want 2 and 3", acked, acks)
	}
}

// TestEntry: a kiosk's entries pass the hub's checks, their ids grow and
// carry the time on the kiosk's clock.
func TestEntry(t *testing.T) {
	k, err := newKiosk(3, "token", []string{"http://127.0.0.1:1"}, make([]byte, 32), time.Second, 1, 10, discard())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 3, 0, 0, 123456789, time.UTC)
	prev := ""
	for i := range 200 {
		e, err := k.entry(at.Add(time.Duration(i) * time.Millisecond / 3))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Check(); err != nil {
			t.Fatal(err)
		}
		idt, _ := entry.IDTime(e.ID)
		if e.ID <= prev || e.Venue != "venue-0001" || e.Kiosk != "kiosk-0003" || e.Time.Sub(idt) >= time.Millisecond || e.Time.Before(idt) {
			t.Fatalf("entry %d: %+v (id time %s, previous id %s)", i, e, idt, prev)
		}
		prev = e.ID
	}
}

// TestParseMetrics reads the counters of a replica's /metrics.
func TestParseMetrics(t *testing.T) {
	text := `# HELP passhub_requests_total API requests answered
# TYPE passhub_requests_total counter
passhub_requests_total{code="200",route="POST /v1/entries"} 120
passhub_requests_total{code="503",route="POST /v1/entries"} 7
passhub_requests_total{code="503",route="GET /v1/bundle"} 2
passhub_requests_total{code="304",route="GET /v1/bundle"} 30
passhub_entries_ingested_total 4053
passhub_entries_duplicate_total 12
passhub_requests_in_flight 3
`
	c, err := parseMetrics(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if want := (counts{requests: 159, busy: 9, ingested: 4053, resent: 12}); c != want {
		t.Errorf("got %+v, want %+v", c, want)
	}
	for _, bad := range []string{"passhub_requests_total{code=\"200\"\n", "passhub_entries_ingested_total x\n", "passhub_entries_ingested_total\n"} {
		if _, err := parseMetrics(strings.NewReader(bad)); err == nil {
			t.Errorf("%q read", bad)
		}
	}
}

// TestMeter: a replica's counters add up across a restart, and a reading
// begun before the restart is dropped.
func TestMeter(t *testing.T) {
	m := newMeter("")
	m.last, m.lastAt = counts{requests: 100, busy: 3}, time.Now()
	m.restarted(time.Now())
	m.last = counts{requests: 10}
	if c, _, _ := m.total(); c.requests != 110 || c.busy != 3 {
		t.Errorf("total %+v, want 110 requests, 3 busy", c)
	}
}

// TestProxyStall: a stalled proxy forwards nothing either way but keeps
// its connections open and takes new ones; resumed, it delivers what it
// held.
func TestProxyStall(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	p, err := newProxy(echo.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	roundTrip := func(c net.Conn, msg string, wait time.Duration) (string, error) {
		if _, err := c.Write([]byte(msg)); err != nil {
			return "", err
		}
		c.SetReadDeadline(time.Now().Add(wait))
		buf := make([]byte, len(msg))
		n, err := io.ReadFull(c, buf)
		return string(buf[:n]), err
	}
	if got, err := roundTrip(c, "before", 5*time.Second); got != "before" {
		t.Fatalf("through the proxy: %q, %v", got, err)
	}
	p.Stall()
	if got, err := roundTrip(c, "during", 300*time.Millisecond); got != "" || !isTimeout(err) {
		t.Errorf("stalled, an open connection got %q, %v: want nothing, a timeout", got, err)
	}
	c2, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatalf("stalled, a new connection is refused: %v", err)
	}
	defer c2.Close()
	if got, err := roundTrip(c2, "new", 300*time.Millisecond); got != "" || !isTimeout(err) {
		t.Errorf("stalled, a new connection got %q, %v", got, err)
	}
	p.Resume()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, len("during"))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "during" {
		t.Errorf("resumed, the held bytes: %q, %v", buf, err)
	}
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf = make([]byte, len("new"))
	if _, err := io.ReadFull(c2, buf); err != nil || string(buf) != "new" {
		t.Errorf("resumed, the new connection: %q, %v", buf, err)
	}
	if n := p.accepted.Load(); n != 2 {
		t.Errorf("%d connections accepted, want 2", n)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
