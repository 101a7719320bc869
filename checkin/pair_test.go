package checkin_test

import (
	"slices"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/internal/testkit/fixtures"
	"github.com/passgate/passgate/rules"
	"github.com/passgate/passgate/store"
)

func pairDesk(t *testing.T, c *clock, db *store.DB) *checkin.Desk {
	t.Helper()
	b := fixtureBundle(t)
	d, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: "door", Trust: func() *bundle.Bundle { return b },
		Policy: presets.Must("2g-plus"), Register: db, Secret: []byte("0123456789abcdef0123"), Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPair: under 2G+ a vaccination alone waits for the holder's test;
// the test within the window admits the pair, recorded once admitted.
func TestPair(t *testing.T) {
	c := &clock{noon}
	db := openStore(t, c)
	d := pairDesk(t, c, db)

	first := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
	if first.Admitted || first.Reason != checkin.ReasonCompanion || !slices.Equal(first.Needs, []rules.CertType{rules.Test}) ||
		!first.NeedsUntil.Equal(noon.Add(time.Minute)) {
		t.Fatalf("vaccination alone: %+v", first)
	}
	if got := d.Counts(); got.Admitted+got.Refused != 0 {
		t.Errorf("a waiting pass is counted: %+v", got)
	}
	c.t = c.t.Add(30 * time.Second)
	second := d.Scan(checkin.Scan{Payload: fixtures.RulePass(t, "test-pcr-hong"), Method: entry.ScannerDevice})
	if !second.Admitted || !second.Pair || second.Verdict.Pass.Vaccination == nil || second.Verdict.Pass.Test == nil {
		t.Fatalf("the pair: admitted %v pair %v %v %s", second.Admitted, second.Pair, second.Verdict.Reasons, second.Verdict.Detail)
	}
	if got := d.Counts(); got.Admitted != 1 || got.Refused != 0 {
		t.Errorf("counts after the pair: %+v", got)
	}
	es, err := db.Pending(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Outcome != entry.Refused || es[0].Reason != "companion-needed:GR-EU-0002" || es[1].Outcome != entry.Admitted {
		t.Errorf("register: %+v", es)
	}
}

// TestPairLapses: a second pass after the window, or another person's,
// is judged alone, and the first guest counts as refused.
func TestPairLapses(t *testing.T) {
	for name, c := range map[string]struct {
		wait   time.Duration
		second func(t *testing.T) string
	}{
		"too late":      {61 * time.Second, func(t *testing.T) string { return fixtures.RulePass(t, "test-pcr-hong") }},
		"another guest": {10 * time.Second, func(t *testing.T) string { return pass(t, "test-pcr-valid") }},
	} {
		t.Run(name, func(t *testing.T) {
			clk := &clock{noon}
			d := pairDesk(t, clk, openStore(t, clk))
			if out := d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera}); len(out.Needs) == 0 {
				t.Fatalf("no wait: %+v", out.Verdict.Reasons)
			}
			clk.t = clk.t.Add(c.wait)
			out := d.Scan(checkin.Scan{Payload: c.second(t), Method: entry.Camera})
			if out.Pair || out.Verdict.Pass.Vaccination != nil {
				t.Fatalf("judged as a pair: %+v", out.Verdict.Reasons)
			}
			if got := d.Counts(); got.Refused != 1 {
				t.Errorf("the first guest is not counted refused: %+v", got)
			}
		})
	}
}

// TestPairShownAgain: the first pass shown again while waiting is judged
// again (not "already counted") and waits anew.
func TestPairShownAgain(t *testing.T) {
	clk := &clock{noon}
	d := pairDesk(t, clk, openStore(t, clk))
	p := pass(t, "vaccination-valid")
	d.Scan(checkin.Scan{Payload: p, Method: entry.Camera})
	clk.t = clk.t.Add(20 * time.Second)
	again := d.Scan(checkin.Scan{Payload: p, Method: entry.Camera})
	if again.Duplicate || len(again.Needs) == 0 || !again.NeedsUntil.Equal(clk.t.Add(time.Minute)) {
		t.Fatalf("shown again: duplicate %v needs %v until %s", again.Duplicate, again.Needs, again.NeedsUntil)
	}
}
