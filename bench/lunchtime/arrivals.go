package main

import (
	"math/rand/v2"
	"slices"
	"time"
)

// The lunchtime is 11:00–14:00 at the venues (Korea, UTC+9, no daylight
// saving), compressed into a run of a few minutes.
var (
	seoul      = time.FixedZone("KST", 9*3600)
	lunchStart = 11 * time.Hour // after midnight, local
	lunchLen   = 3 * time.Hour
)

// quarters is the shape of a lunchtime: the relative rate of arrivals in
// each quarter hour from 11:00 to 14:00. 12:00–13:00 holds 36 of the 58
// parts (62 %), its middle half hour the most.
var quarters = [12]float64{1, 2, 3, 5, 8, 10, 10, 8, 5, 3, 2, 1}

// arrivals draws the times, as offsets from 11:00, at which one kiosk's
// guests arrive: a Poisson process whose rate follows quarters, mean
// entries in all. The offsets are in order.
func arrivals(r *rand.Rand, mean float64) []time.Duration {
	var sum float64
	for _, w := range quarters {
		sum += w
	}
	q := lunchLen / time.Duration(len(quarters))
	var out []time.Duration
	for i, w := range quarters {
		rate := mean * w / sum / float64(q) // arrivals per nanosecond in this quarter
		if rate <= 0 {
			continue
		}
		start, end := time.Duration(i)*q, time.Duration(i+1)*q
		for t := float64(start) + r.ExpFloat64()/rate; t < float64(end); t += r.ExpFloat64() / rate {
			out = append(out, time.Duration(t))
		}
	}
	slices.Sort(out) // already sorted; a guard if quarters ever overlap
	return out
}

// lunchDay is 11:00 local of the last day whose lunchtime was over at now:
// the simulated entries lie in the past day or so, as a hub that refuses
// ids from the future or from long ago wants them.
func lunchDay(now time.Time) time.Time {
	n := now.In(seoul)
	d := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, seoul).Add(lunchStart)
	if d.Add(lunchLen).After(now) {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// clock maps the run onto the lunchtime: from real time start on, each
// real second is lunchLen/length simulated ones from sim (11:00). The
// entries' times are read from it; the network runs in real time.
type clock struct {
	start  time.Time // real time of 11:00
	sim    time.Time // 11:00 of the simulated day
	length time.Duration
}

// at is the simulated time at real time t.
func (c clock) at(t time.Time) time.Time {
	return c.sim.Add(time.Duration(float64(t.Sub(c.start)) * float64(lunchLen) / float64(c.length)))
}

// real is the real time at which the simulated clock shows 11:00 + off.
func (c clock) real(off time.Duration) time.Time {
	return c.start.Add(time.Duration(float64(off) * float64(c.length) / float64(lunchLen)))
}
