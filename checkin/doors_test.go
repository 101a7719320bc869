package checkin_test

import (
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
)

// TestOtherDoors: two doors of a venue share its secret; a guest let in at
// door A and shown at door B within the window is one guest, counted at A;
// later, or refused, or at a door with another secret, B judges alone.
func TestOtherDoors(t *testing.T) {
	c := &clock{noon}
	b := fixtureBundle(t)
	secret := []byte("the venue's shared secret")
	desk := func(kiosk string, secret []byte, doors *checkin.OtherDoors) (*checkin.Desk, *store.DB) {
		db := openStore(t, c)
		d, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: kiosk, Trust: func() *bundle.Bundle { return b },
			Register: db, Secret: secret, OtherDoors: doors, Now: c.now})
		if err != nil {
			t.Fatal(err)
		}
		return d, db
	}
	a, _ := desk("door-a", secret, nil)
	doorsB := checkin.NewOtherDoors()
	bDesk, bReg := desk("door-b", secret, doorsB)

	atA := a.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
	if !atA.Admitted || !atA.Recorded {
		t.Fatalf("door A: %+v", atA)
	}
	// What the hub tells door B (GET /v1/venue/recent).
	doorsB.Add([]entry.Sighting{{Holder: atA.Entry.Holder, Kiosk: "door-a", Time: atA.Entry.Time}}, c.t.Add(-time.Hour))

	c.t = noon.Add(2 * time.Minute)
	atB := bDesk.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
	if !atB.Admitted || !atB.Duplicate || atB.Recorded || atB.OtherDoor != "door-a" || !atB.OtherDoorAt.Equal(atA.Entry.Time) {
		t.Fatalf("door B within the window: %+v", atB)
	}
	refused := bDesk.Scan(checkin.Scan{Payload: pass(t, "revoked-uci"), Method: entry.Camera})
	if refused.Duplicate || !refused.Recorded {
		t.Errorf("a refused pass at door B: %+v", refused)
	}
	if n := bDesk.Counts(); n.Admitted != 0 || n.Refused != 1 {
		t.Errorf("door B's counts: %+v (the guest is counted at door A)", n)
	}
	st, err := bReg.Stats()
	if err != nil || st.Total != 1 {
		t.Errorf("door B's register: %+v %v; want only the refusal", st, err)
	}

	// Another venue's secret: another pseudonym, so another guest.
	doorsC := checkin.NewOtherDoors()
	doorsC.Add([]entry.Sighting{{Holder: atA.Entry.Holder, Kiosk: "door-a", Time: atA.Entry.Time}}, c.t.Add(-time.Hour))
	cDesk, _ := desk("door-c", []byte("another venue's secret!!"), doorsC)
	if out := cDesk.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera}); out.Duplicate || !out.Recorded {
		t.Errorf("a door with another secret: %+v", out)
	}

	// After the window (5 minutes), door B records a new visit.
	c.t = noon.Add(6 * time.Minute)
	later, _ := desk("door-b2", secret, doorsB)
	if out := later.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera}); out.Duplicate || !out.Recorded {
		t.Errorf("after the window: %+v", out)
	}
	// Sightings before the cut are forgotten.
	doorsB.Add(nil, noon.Add(time.Second))
	if _, ok := doorsB.Seen(atA.Entry.Holder, time.Time{}); ok {
		t.Error("a sighting before the cut is still remembered")
	}
}
