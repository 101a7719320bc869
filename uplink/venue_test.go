package uplink_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/uplink"
)

// TestSightings: the kiosk asks for its window, with its token, and gets
// the other doors' guests; a hub without the endpoint is an error that
// says so, and a hub that sends too many is refused.
func TestSightings(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	status, n := http.StatusOK, 2
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path != "/v1/venue/recent" || r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		asked = append(asked, r.URL.Query().Get("since"))
		if status != http.StatusOK {
			http.Error(w, "nope", status)
			return
		}
		s := entry.Sightings{Now: t0}
		for i := range n {
			s.Sightings = append(s.Sightings, entry.Sighting{Holder: "ab", Kiosk: "door-a", Time: t0.Add(time.Duration(i) * time.Second)})
		}
		json.NewEncoder(w).Encode(s)
	}))
	defer srv.Close()
	u := newUplink(t, srv.URL, &memRegister{}, uplink.Options{})
	ss, err := u.Sightings(context.Background(), t0.Add(-5*time.Minute))
	if err != nil || len(ss) != 2 || ss[1].Kiosk != "door-a" {
		t.Fatalf("sightings: %+v %v", ss, err)
	}
	if asked[0] != t0.Add(-5*time.Minute).UTC().Format(time.RFC3339Nano) {
		t.Errorf("asked since %q", asked[0])
	}
	mu.Lock()
	status = http.StatusNotFound
	mu.Unlock()
	if _, err := u.Sightings(context.Background(), t0); err == nil {
		t.Error("a hub without /v1/venue/recent: no error")
	}
	mu.Lock()
	status, n = http.StatusOK, entry.MaxSightings+1
	mu.Unlock()
	if _, err := u.Sightings(context.Background(), t0); err == nil {
		t.Error("more than MaxSightings: no error")
	}
}

// TestWatchVenue: the watch hands each answer on, asks for the window
// back from its clock, and carries on after a failure.
func TestWatchVenue(t *testing.T) {
	got := make(chan []entry.Sighting, 10)
	var calls int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		c := calls
		mu.Unlock()
		if c == 2 {
			http.Error(w, "busy", http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(entry.Sightings{Sightings: []entry.Sighting{{Holder: "ab", Kiosk: "door-a", Time: t0}}, Now: t0})
	}))
	defer srv.Close()
	o := uplink.Options{}
	waits := make(chan time.Duration, 10)
	o.After = func(d time.Duration) <-chan time.Time {
		waits <- d
		c := make(chan time.Time, 1)
		c <- t0
		return c
	}
	u := newUplink(t, srv.URL, &memRegister{}, o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		u.WatchVenue(ctx, 10*time.Second, 5*time.Minute, func(ss []entry.Sighting) { got <- ss })
		close(done)
	}()
	for range 2 { // the first answer, and the third after the failed second
		select {
		case ss := <-got:
			if len(ss) != 1 || ss[0].Kiosk != "door-a" {
				t.Errorf("handed on: %+v", ss)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no sightings handed on")
		}
	}
	cancel()
	<-done
	for len(waits) > 0 {
		if d := <-waits; d < 5*time.Second || d > 15*time.Second {
			t.Errorf("waited %s between asks, want 10 s ± 50%%", d)
		}
	}
}
