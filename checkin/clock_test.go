package checkin_test

import (
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/clockcheck"
)

// TestWrongClock: with the clock check saying the clock is wrong, a valid
// pass (and one the wrong clock would call not yet valid) is refused with
// ReasonClock, not judged; a forged or revoked one is still refused for
// what it is; the entry keeps the time the verdict used. Once the clock
// is right, passes are judged again.
func TestWrongClock(t *testing.T) {
	last := noon.Add(-time.Hour) // the register's last entry
	for _, tc := range []struct {
		name string
		now  time.Time
	}{
		{"1970", time.Unix(0, 0)},
		{"at the last shutdown", last.Add(-10 * time.Minute)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{tc.now}
			db := openStore(t, c)
			check := clockcheck.New(clockcheck.Options{Now: c.now, Last: last})
			b := fixtureBundle(t)
			d, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: "door", Trust: func() *bundle.Bundle { return b },
				Register: db, Secret: []byte("0123456789abcdef0123"), Now: c.now, Clock: check})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"vaccination-valid", "not-yet-valid", "test-pcr-valid"} {
				out := d.Scan(checkin.Scan{Payload: pass(t, name), Method: entry.Camera})
				if out.Admitted || out.Reason != checkin.ReasonClock || out.Verdict.Reason() != checkin.ReasonClock {
					t.Errorf("%s: admitted %v, reason %q (verdict %v); want refused %q", name, out.Admitted, out.Reason, out.Verdict.Reasons, checkin.ReasonClock)
				}
				if !out.Recorded || out.Entry.Reason != checkin.ReasonClock || !out.Entry.Time.Equal(tc.now) {
					t.Errorf("%s: entry %+v; want recorded at the clock the verdict used (%v) with %q", name, out.Entry, tc.now, checkin.ReasonClock)
				}
			}
			for name, reason := range map[string]string{"forged-signature": "bad-signature", "revoked-uci": "revoked", "unknown-kid": "unknown-issuer"} {
				if out := d.Scan(checkin.Scan{Payload: pass(t, name), Method: entry.Camera}); out.Reason != reason {
					t.Errorf("%s with a wrong clock: reason %q, want %q", name, out.Reason, reason)
				}
			}
			c.t = noon // the clock put right
			if out := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-booster"), Method: entry.Camera}); !out.Admitted {
				t.Errorf("clock fixed: %+v", out)
			}
		})
	}
}

// TestClockSkewedAgainstHub: the hub's Date says the kiosk is an hour
// behind: refused with ReasonClock, though no local bound would tell.
func TestClockSkewedAgainstHub(t *testing.T) {
	c := &clock{noon}
	hub := clockcheck.HubDate{Date: noon.Add(time.Hour), Received: noon}
	check := clockcheck.New(clockcheck.Options{Now: c.now, Hub: func() (clockcheck.HubDate, bool) { return hub, true }})
	b := fixtureBundle(t)
	d, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: "door", Trust: func() *bundle.Bundle { return b }, Now: c.now, Clock: check})
	if err != nil {
		t.Fatal(err)
	}
	if out := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera}); out.Admitted || out.Reason != checkin.ReasonClock {
		t.Errorf("skewed: %+v", out)
	}
	hub.Date = noon.Add(2 * time.Minute) // within the skew
	c.t = noon.Add(time.Hour)
	if out := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera}); !out.Admitted {
		t.Errorf("in step with the hub: %+v", out)
	}
}

// TestTrustedClockMovesTheBound: a verdict judged with a trusted clock
// raises the register's bound, so a clock set back later is caught.
func TestTrustedClockMovesTheBound(t *testing.T) {
	c := &clock{noon}
	check := clockcheck.New(clockcheck.Options{Now: c.now})
	b := fixtureBundle(t)
	d, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: "door", Trust: func() *bundle.Bundle { return b }, Now: c.now, Clock: check})
	if err != nil {
		t.Fatal(err)
	}
	if out := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera}); !out.Admitted {
		t.Fatalf("%+v", out)
	}
	c.t = noon.Add(-time.Hour)
	if out := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-booster"), Method: entry.Camera}); out.Reason != checkin.ReasonClock {
		t.Errorf("clock set back an hour: %+v", out)
	}
}

// TestDayInLocation: today's counts follow the kiosk's zone: 23:30 UTC is
// already tomorrow in Seoul.
func TestDayInLocation(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{time.Date(2021, 12, 13, 23, 30, 0, 0, time.UTC)}
	b := fixtureBundle(t)
	d, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: "door", Trust: func() *bundle.Bundle { return b }, Now: c.now, Location: seoul})
	if err != nil {
		t.Fatal(err)
	}
	d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
	if n := d.Counts(); n.Day != "2021-12-14" || n.Admitted != 1 {
		t.Errorf("counts %+v; want 2021-12-14 in Seoul with one admitted", n)
	}
}
