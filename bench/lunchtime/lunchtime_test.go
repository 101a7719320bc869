package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestLunchtime runs a small lunchtime with all three faults, shortened:
// 40 kiosks, 11:00–14:00 in 15 s, replica a down for 1 s, the network to
// replica b stalled for 3 s (with the kiosks' timeout at 1 s, so they
// move to replica a rather than wait it out). Nothing may be lost or
// duplicated, every fault must have been made, and both replicas must
// have served.
func TestLunchtime(t *testing.T) {
	if testing.Short() {
		t.Skip("a lunchtime takes half a minute: not with -short")
	}
	s := pgtest.Cluster(t)
	db := Database{URL: s.Database(t), Restart: func() error { return s.Restart("immediate") }, What: s.String()}
	var progress bytes.Buffer
	cfg := Config{
		Kiosks: 40, PerKiosk: 60, Length: 15 * time.Second, Warmup: time.Second,
		KillAt: 45 * time.Minute, Down: time.Second, PGAt: 75 * time.Minute, StallAt: 100 * time.Minute, Stall: 3 * time.Second,
		ClientTimeout: time.Second, Drain: 30 * time.Second, Seed: 7, Dir: t.TempDir(), Parallel: 4, Progress: &progress,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := Simulate(ctx, cfg, db)
	t.Log("\n" + progress.String())
	if res == nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res.Print(&out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Error(err)
	}
	if res.Lost() || res.Missing != 0 || res.Duplicates != 0 {
		t.Errorf("%d missing, %d duplicated, %d changed, %d unknown: want none", res.Missing, res.Duplicates, res.Differing, res.Unknown)
	}
	// 40 kiosks × 60 guests; a Poisson count is within ±10 % of it.
	if res.Recorded < 2000 || res.Recorded > 2800 || res.AtHub != res.Recorded || !res.Drained || res.Waiting != 0 {
		t.Errorf("%d recorded, %d at the hub, %d waiting, drained %v: want about 2400, all at the hub", res.Recorded, res.AtHub, res.Waiting, res.Drained)
	}
	if len(res.Faults) != 3 {
		t.Errorf("%d faults made, want 3", len(res.Faults))
	}
	for _, f := range res.Faults {
		if f.Err != nil || f.Skipped != "" || f.Took <= 0 {
			t.Errorf("fault %q: err %v, skipped %q, took %s", f.What, f.Err, f.Skipped, f.Took)
		}
	}
	if !strings.Contains(out.String(), "network to replica b stalled") || !strings.Contains(out.String(), "ok: every entry") {
		t.Errorf("printout lacks the stall or the verdict:\n%s", out.String())
	}
	for _, r := range res.Replicas {
		if r.Requests == 0 || r.Ingested == 0 || r.Peak <= 0 {
			t.Errorf("replica %s: %d requests, %d entries stored, peak %.0f/s: want some of each", r.Name, r.Requests, r.Ingested, r.Peak)
		}
	}
	if a := res.Replicas[0]; a.Starts < 2 {
		t.Errorf("replica a started %d times, want 2 or more (killed and started again)", a.Starts)
	}
	if res.Failovers == 0 {
		t.Error("no kiosk request moved to the other hub, through a kill and a stall")
	}
	if got := res.Replicas[0].Ingested + res.Replicas[1].Ingested; got != int64(res.AtHub) {
		// Each entry is stored once, by one replica: the meters saw them
		// all, the last counters of the killed process included.
		t.Logf("replicas' counters say %d entries stored, the database holds %d (a kill can lose the last second of counts)", got, res.AtHub)
	}
}

// TestFlags: the defaults are the full lunchtime; bad values are refused
// naming the flag.
func TestFlags(t *testing.T) {
	var stderr bytes.Buffer
	o, err := parse(nil, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	c := o.cfg
	if c.Kiosks != 2000 || c.Stall != 30*time.Second || c.KillAt != 45*time.Minute || c.PGAt != 75*time.Minute || c.StallAt != 100*time.Minute {
		t.Errorf("defaults %+v", c)
	}
	for _, args := range [][]string{
		{"-kill", "10:59"}, {"-pg", "14:01"}, {"-stall", "noon"}, {"-kiosks", "0"}, {"-length", "10ms"},
		{"-per-kiosk", "-1"}, {"-timeout", "1ms"}, {"-stall-for", "-1s"}, {"-parallel", "0"}, {"extra"},
	} {
		stderr.Reset()
		if _, err := parse(args, &stderr); err == nil {
			t.Errorf("%v accepted", args)
		} else if name := strings.TrimPrefix(args[0], "-"); args[0][0] == '-' && !strings.Contains(err.Error()+stderr.String(), name) {
			t.Errorf("%v: %v does not name %s", args, err, name)
		}
	}
	stderr.Reset()
	if code := run(context.Background(), []string{"-h"}, &bytes.Buffer{}, &stderr); code != 0 || !strings.Contains(stderr.String(), "pg_ctl restart -m immediate") {
		t.Errorf("-h: exit %d, %q", code, stderr.String())
	}
}
