package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub/pgstore"
)

// Result is what a lunchtime did.
type Result struct {
	Kiosks int
	Day    time.Time // 11:00 of the simulated day
	Length time.Duration
	DB     string
	Faults []Fault

	Recorded     int   // entries recorded at the kiosks
	RecordErrors int64 // check-ins the kiosks could not record (must be 0)
	AtHub        int   // rows in the hub's entries table
	Distinct     int   // distinct ids among them
	Duplicates   int   // AtHub - Distinct, and ids exported twice
	Missing      int   // recorded at a kiosk, not at the hub
	Unknown      int   // at the hub, recorded by no kiosk
	Differing    int   // at the hub, but not as the kiosk recorded it
	Waiting      int   // not acknowledged when the drain ended

	LongestWait   time.Duration // recorded → acknowledged, real time
	LongestWaitID string
	WaitP99       time.Duration
	PeakArrivals  float64 // check-ins a second in the busiest peakWindow seconds, real time
	PeakArrivalAt time.Time

	Drained   bool
	DrainTook time.Duration

	Replicas []ReplicaResult
	// From the uplinks' logs: a request moved to the next hub, a kiosk
	// moved to another hub, a sync round failed, an entry refused.
	Failovers, Moves, FailedRounds, Refused int64
}

// ReplicaResult is one replica's share, from its /metrics.
type ReplicaResult struct {
	Name     string
	Peak     float64 // requests a second
	PeakAt   time.Time
	Requests int64
	Busy     int64 // 503s
	Ingested int64
	Resent   int64 // entries acknowledged again
	Starts   int
	Accepted int64 // connections its proxy accepted
}

// peakWindow is the seconds over which the peak of check-ins is taken.
const peakWindow = 5

// Lost tells whether anything was lost, duplicated or changed.
func (r *Result) Lost() bool {
	return r.Missing > 0 || r.Duplicates > 0 || r.Unknown > 0 || r.Differing > 0 || r.RecordErrors > 0 || r.Recorded == 0
}

// count compares the kiosks' registers with the hub's database: the rows
// (count(*), and distinct ids), then every entry as the hub exports it.
func (r *Result) count(ctx context.Context, url string, fleet []*kiosk) error {
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("count the entries: %w", err)
	}
	err = c.QueryRow(ctx, "SELECT count(*), count(DISTINCT id) FROM entries").Scan(&r.AtHub, &r.Distinct)
	c.Close(context.Background())
	if err != nil {
		return fmt.Errorf("count the entries: %w", err)
	}
	r.Duplicates = r.AtHub - r.Distinct

	st, err := pgstore.Open(ctx, url, nil)
	if err != nil {
		return fmt.Errorf("open the hub's store to export: %w", err)
	}
	defer st.Close()
	hub := make(map[string]entry.Entry, r.AtHub)
	twice := 0
	err = st.ExportEntries(ctx, time.Time{}, func(e entry.Entry) error {
		if _, ok := hub[e.ID]; ok {
			twice++
		}
		hub[e.ID] = e
		return nil
	})
	if err != nil {
		return fmt.Errorf("export the entries: %w", err)
	}
	r.Duplicates = max(r.Duplicates, twice)

	var waits []time.Duration
	perSecond := map[int64]int{}
	for _, k := range fleet {
		k.reg.entries(func(x *kept) {
			r.Recorded++
			perSecond[x.recorded.Unix()]++
			if x.acked.IsZero() {
				r.Waiting++
			} else if w := x.acked.Sub(x.recorded); w > r.LongestWait {
				r.LongestWait, r.LongestWaitID = w, x.e.ID
			}
			if !x.acked.IsZero() {
				waits = append(waits, x.acked.Sub(x.recorded))
			}
			h, ok := hub[x.e.ID]
			switch {
			case !ok:
				r.Missing++
			case !same(h, x.e):
				r.Differing++
			}
			delete(hub, x.e.ID)
		})
	}
	r.Unknown = len(hub)
	if len(waits) > 0 {
		slices.Sort(waits)
		r.WaitP99 = waits[len(waits)*99/100]
	}
	// Over 5 s: a second's count on a loaded machine is as much the
	// scheduler's (timers fire late, then together) as the guests'.
	for s := range perSecond {
		n := 0
		for d := range int64(peakWindow) {
			n += perSecond[s+d]
		}
		if rate := float64(n) / peakWindow; rate > r.PeakArrivals {
			r.PeakArrivals, r.PeakArrivalAt = rate, time.Unix(s, 0)
		}
	}
	return nil
}

// same tells whether the hub holds e as the kiosk recorded it.
func same(h, e entry.Entry) bool {
	return h.ID == e.ID && h.Time.Equal(e.Time) && h.Venue == e.Venue && h.Kiosk == e.Kiosk && h.Method == e.Method &&
		h.Outcome == e.Outcome && h.Reason == e.Reason && h.Format == e.Format && h.Type == e.Type &&
		h.Country == e.Country && h.Holder == e.Holder && h.Staff == e.Staff && h.Note == e.Note && string(h.Contact) == string(e.Contact)
}

// Print writes the printout.
func (r *Result) Print(w io.Writer) {
	fmt.Fprintf(w, "lunchtime: %d kiosks, 11:00–14:00 KST of %s compressed into %s, 2 passhub replicas on %s\n",
		r.Kiosks, r.Day.Format("2006-01-02"), r.Length, r.DB)
	fmt.Fprintln(w, "faults:")
	for _, f := range r.Faults {
		switch {
		case f.Skipped != "":
			fmt.Fprintf(w, "  %s  %s: skipped, %s\n", f.Sim.Format("15:04"), f.What, f.Skipped)
		case f.Err != nil:
			fmt.Fprintf(w, "  %s  %s: FAILED: %v\n", f.Sim.Format("15:04"), f.What, f.Err)
		default:
			note := ""
			if f.Note != "" {
				note = " (" + f.Note + ")"
			}
			fmt.Fprintf(w, "  %s  %s: %s real time%s\n", f.Sim.Format("15:04"), f.What, f.Took.Round(100*time.Millisecond), note)
		}
	}
	t := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k string, v any, note string) { fmt.Fprintf(t, "%s\t%v\t%s\n", k, v, note) }
	row("entries recorded at kiosks", r.Recorded, fmt.Sprintf("peak %.0f check-ins/s (the busiest %d s, from %s real time)", r.PeakArrivals, peakWindow, r.PeakArrivalAt.Format("15:04:05")))
	row("entries at the hub", r.AtHub, "rows in the database")
	row("duplicates", r.Duplicates, "must be 0")
	row("missing", r.Missing, "must be 0")
	row("at the hub, not recorded", r.Unknown, "must be 0")
	row("at the hub, but changed", r.Differing, "must be 0")
	if r.RecordErrors > 0 {
		row("check-ins not recorded", r.RecordErrors, "must be 0")
	}
	drain := fmt.Sprintf("in %s", r.DrainTook.Round(100*time.Millisecond))
	if !r.Drained {
		drain = fmt.Sprintf("NOT drained: gave up after %s", r.DrainTook.Round(time.Second))
	}
	row("still waiting at kiosks", r.Waiting, "after the drain "+drain)
	row("longest wait to reach the hub", r.LongestWait.Round(time.Millisecond), fmt.Sprintf("recorded → acknowledged, real time (99th percentile %s)", r.WaitP99.Round(time.Millisecond)))
	t.Flush()
	fmt.Fprintln(w)
	t = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(t, "replica\tpeak req/s\tat (sim)\trequests\t503s\tentries stored\tacked again\tstarts\tconnections\t")
	for _, x := range r.Replicas {
		fmt.Fprintf(t, "%s\t%.0f\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", x.Name, x.Peak, x.PeakAt.Format("15:04"), x.Requests, x.Busy, x.Ingested, x.Resent, x.Starts, x.Accepted)
	}
	t.Flush()
	fmt.Fprintf(w, "kiosks: %d requests moved to the other hub, %d moves of a kiosk between hubs, %d failed sync rounds, %d entries refused\n",
		r.Failovers, r.Moves, r.FailedRounds, r.Refused)
	if r.Lost() {
		fmt.Fprintln(w, "FAIL: entries were lost, duplicated or changed")
	} else {
		fmt.Fprintln(w, "ok: every entry recorded at a kiosk is at the hub, once, as recorded")
	}
}
