package uplink_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/passgate/passgate/uplink"
)

// TestSeveralHubs: with three replicas named, one down and one busy
// (503), the kiosk pulls from the first that answers and pushes to the
// one that is not busy; it stays with the hub that answered.
func TestSeveralHubs(t *testing.T) {
	_, priv := keys(t)
	dead := httptest.NewServer(&fakeHub{})
	deadURL := dead.URL
	dead.Close()
	busy := &fakeHub{bundle: signedBundle(t, priv, 5), stored: map[string]int{}}
	busy.busy.Store(1000)
	busySrv := httptest.NewServer(busy)
	defer busySrv.Close()
	good := &fakeHub{bundle: signedBundle(t, priv, 5), stored: map[string]int{}}
	goodSrv := httptest.NewServer(good)
	defer goodSrv.Close()

	var waits []time.Duration
	now := func(d time.Duration) <-chan time.Time {
		waits = append(waits, d)
		c := make(chan time.Time, 1)
		c <- t0
		return c
	}
	reg := &memRegister{pending: entries(t, 30)}
	u := newUplink(t, deadURL+", "+busySrv.URL+"/ "+goodSrv.URL, reg, uplink.Options{After: now})
	rep, err := u.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Bundle != "updated to sequence 5" || rep.Pushed != 30 || len(good.stored) != 30 || len(busy.stored) != 0 {
		t.Fatalf("report %+v; good stored %d, busy %d", rep, len(good.stored), len(busy.stored))
	}
	if len(waits) < 2 {
		t.Errorf("moved on %d times without a wait", 2-len(waits))
	}
	for _, w := range waits {
		if w < 0 || w >= 250*time.Millisecond {
			t.Errorf("a wait of %s between hubs", w)
		}
	}
	// The next round starts at the hub that answered: no wait, no post to
	// the busy one.
	waits, busy.posts = nil, nil
	reg.pending = entries(t, 5)
	if _, err := u.Once(context.Background()); err != nil || len(busy.posts) != 0 || len(waits) != 0 {
		t.Errorf("second round: %v, %d posts to the busy hub, %d waits", err, len(busy.posts), len(waits))
	}
}
