package hub_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passgate/passgate/hub"
)

// fleetFigures reads the three fleet gauges from /metrics.
func fleetFigures(t *testing.T, url string) [3]float64 {
	t.Helper()
	return [3]float64{
		metric(t, url, "passhub_fleet_kiosks_seen"),
		metric(t, url, "passhub_fleet_kiosks_current_bundle"),
		metric(t, url, "passhub_fleet_oldest_waiting_seconds"),
	}
}

// TestFleetMetrics: the fleet gauges count the kiosks whose status came
// in the last 10 minutes by the hub's clock, those of them on the
// published bundle, and the age of the oldest entry waiting at one of them
// (by the kiosk's clock up to its report, by the hub's since); figures
// are kept 5 s, and a second replica on the store shows the same.
func TestFleetMetrics(t *testing.T) {
	st, _ := mustOpenBolt(t)
	if _, err := hub.Publish(ctx, st, signBundle(t, 7), pinned, t0); err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for _, k := range []string{"door", "side", "back", "slow", "gone"} {
		tok, err := st.AddKiosk(ctx, "cafe", k)
		if err != nil {
			t.Fatal(err)
		}
		tokens[k] = tok
	}
	c := &clockAt{now: t0.Add(-11 * time.Minute)}
	s := serveAt(t, st, c)
	report := func(kiosk string, seq, waiting int, oldest, clock time.Time) {
		t.Helper()
		body := fmt.Sprintf(`{"bundle_sequence": %d, "waiting": %d, "clock": %q, "version": "v1", "camera": "streaming"`,
			seq, waiting, clock.Format(time.RFC3339Nano))
		if !oldest.IsZero() {
			body += fmt.Sprintf(`, "oldest_waiting": %q`, oldest.Format(time.RFC3339Nano))
		}
		if code, msg := postStatus(t, s.URL(), tokens[kiosk], body+"}"); code != http.StatusNoContent {
			t.Fatalf("status of %s: %d %s", kiosk, code, msg)
		}
	}
	// back reported 11 minutes ago, with a day's entries waiting: not
	// seen any more, so not counted.
	report("back", 7, 900, t0.Add(-24*time.Hour), t0.Add(-11*time.Minute))
	c.set(t0)
	report("door", 7, 3, t0.Add(-2*time.Minute), t0)                            // 2 min waiting
	report("side", 6, 0, time.Time{}, t0)                                       // an old bundle
	report("slow", 7, 1, t0.Add(-time.Hour-30*time.Second), t0.Add(-time.Hour)) // its clock an hour behind: 30 s waiting
	report("gone", 7, 0, time.Time{}, t0)
	if err := st.RevokeKiosk(ctx, "gone"); err != nil { // still seen: its last status is 0 min old
		t.Fatal(err)
	}
	c.set(t0.Add(time.Minute))
	want := [3]float64{4, 3, 180} // door, side, slow, gone; door, slow, gone; door's 2 min + 1
	if got := fleetFigures(t, s.URL()); got != want {
		t.Errorf("at t0+1m: %v, want %v", got, want)
	}
	// Figures are kept 5 s: side moving to sequence 7 shows after that.
	report("side", 7, 0, time.Time{}, t0.Add(time.Minute))
	if got := fleetFigures(t, s.URL()); got != want {
		t.Errorf("within 5 s: %v, want the same %v", got, want)
	}
	c.set(t0.Add(time.Minute + 5*time.Second))
	want = [3]float64{4, 4, 185}
	if got := fleetFigures(t, s.URL()); got != want {
		t.Errorf("at t0+1m5s: %v, want %v", got, want)
	}
	// Another replica on the same store, on the same clock.
	other := serveAt(t, st, c)
	if got := fleetFigures(t, other.URL()); got != want {
		t.Errorf("another replica: %v, want %v", got, want)
	}
	// Ten minutes after their reports, door, slow and gone are gone
	// from the figures; side (at t0+1m) is still seen.
	c.set(t0.Add(10*time.Minute + time.Second))
	want = [3]float64{1, 1, 0}
	if got := fleetFigures(t, s.URL()); got != want {
		t.Errorf("at t0+10m1s: %v, want %v", got, want)
	}
}

// TestFleetMetricsNoBundle: with no bundle published, no kiosk is on it.
func TestFleetMetricsNoBundle(t *testing.T) {
	st, _ := mustOpenBolt(t)
	tok, err := st.AddKiosk(ctx, "cafe", "door")
	if err != nil {
		t.Fatal(err)
	}
	s := serveAt(t, st, &clockAt{now: t0})
	if code, msg := postStatus(t, s.URL(), tok, `{"bundle_sequence": 0, "waiting": 0, "clock": "2021-12-13T03:00:00Z", "version": "v1", "camera": "none"}`); code != http.StatusNoContent {
		t.Fatalf("status: %d %s", code, msg)
	}
	if got, want := fleetFigures(t, s.URL()), [3]float64{1, 0, 0}; got != want {
		t.Errorf("%v, want %v", got, want)
	}
}

// flakyStatuses is a store whose Statuses fails while down is set.
type flakyStatuses struct {
	hub.Store
	down *atomic.Bool
}

func (f flakyStatuses) Statuses(ctx context.Context) ([]hub.KioskStatus, error) {
	if f.down.Load() {
		return nil, fmt.Errorf("%w: connection refused", hub.ErrUnavailable)
	}
	return f.Store.Statuses(ctx)
}

// TestFleetMetricsStoreDown: when the statuses cannot be read, /metrics is
// still served, without the fleet gauges (not with figures that look
// true), and they are back once the store is.
func TestFleetMetricsStoreDown(t *testing.T) {
	st, _ := mustOpenBolt(t)
	down := &atomic.Bool{}
	down.Store(true)
	c := &clockAt{now: t0}
	s := serveAt(t, flakyStatuses{st, down}, c)
	resp, err := http.Get(s.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), "passhub_fleet_") || !strings.Contains(string(body), "passhub_requests_in_flight") {
		t.Errorf("/metrics with the statuses unreadable: %d\n%s", resp.StatusCode, body)
	}
	down.Store(false)
	c.set(t0.Add(5 * time.Second))
	if got, want := fleetFigures(t, s.URL()), [3]float64{0, 0, 0}; got != want {
		t.Errorf("the store back, an empty fleet: %v, want %v", got, want)
	}
}
