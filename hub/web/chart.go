package web

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/passgate/passgate/hub"
)

// The chart's geometry, in SVG user units.
const (
	chartW, chartH = 760, 280
	padL, padR     = 56, 12
	padT, padB     = 16, 40
	topVenues      = 5 // venues drawn each in its colour; the rest as one
)

// chart is the check-ins per hour of one day, bars stacked by venue, made
// ready for the template: every number is a coordinate.
type chart struct {
	W, H    int
	Day     string // YYYY-MM-DD in the page's zone
	Total   int
	Max     int // the highest hour's count
	PeakAt  string
	Bars    []bar
	XLabels []label
	YTicks  []tick
	Legend  []legendItem
	Empty   bool
	X0, Y0  int // the axes' corner
	X1, YT  int // the x axis' end, the y axis' top
}

// bar is one venue's part of one hour's bar.
type bar struct {
	X, Y, W, H float64
	Hour       string // HH:00
	Venue      string
	Count      int
	Colour     int // index into the stylesheet's series colours
}

type label struct {
	X    float64
	Text string
}

type tick struct {
	Y    float64
	Text string
}

type legendItem struct {
	Venue  string
	Colour int
	Count  int
}

// othersColour is the colour of the venues past the top ones.
const othersColour = topVenues

// buildChart lays out the counts of the day starting at start (midnight in
// zone) and ending at end. others names the bucket of the smaller venues.
func buildChart(counts []hub.HourCount, start, end time.Time, zone *time.Location, others string) chart {
	hours := int(end.Sub(start) / time.Hour) // 23 to 25 with summer time
	c := chart{W: chartW, H: chartH, Day: start.In(zone).Format("2006-01-02"),
		X0: padL, Y0: chartH - padB, X1: chartW - padR, YT: padT}

	// Totals per venue pick the top ones; the rest is folded into others.
	total := map[string]int{}
	for _, hc := range counts {
		total[hc.Venue] += hc.Entries
		c.Total += hc.Entries
	}
	names := slices.SortedFunc(maps.Keys(total), func(a, b string) int {
		return cmp.Or(cmp.Compare(total[b], total[a]), cmp.Compare(a, b))
	})
	colour := map[string]int{}
	for i, v := range names {
		if i < topVenues {
			colour[v] = i
			c.Legend = append(c.Legend, legendItem{Venue: v, Colour: i, Count: total[v]})
		}
	}
	if len(names) > topVenues {
		n := 0
		for _, v := range names[topVenues:] {
			n += total[v]
		}
		c.Legend = append(c.Legend, legendItem{Venue: others, Colour: othersColour, Count: n})
	}

	// per[hour][series] = count
	per := make([][]int, hours)
	for i := range per {
		per[i] = make([]int, topVenues+1)
	}
	for _, hc := range counts {
		i := int(hc.Hour.Sub(start) / time.Hour)
		if i < 0 || i >= hours {
			continue
		}
		s, ok := colour[hc.Venue]
		if !ok {
			s = othersColour
		}
		per[i][s] += hc.Entries
	}
	peak := -1
	for i, p := range per {
		sum := 0
		for _, n := range p {
			sum += n
		}
		if sum > c.Max {
			c.Max, peak = sum, i
		}
	}
	c.Empty = c.Max == 0
	top := niceCeil(max(c.Max, 4))
	plotH := float64(c.Y0 - c.YT)
	slot := float64(c.X1-c.X0) / float64(hours)
	hourName := func(i int) string { return start.Add(time.Duration(i) * time.Hour).In(zone).Format("15:04") }
	if peak >= 0 {
		c.PeakAt = hourName(peak)
	}
	for i, p := range per {
		x := float64(c.X0) + float64(i)*slot + slot*0.12
		y := float64(c.Y0)
		for s, n := range p {
			if n == 0 {
				continue
			}
			h := plotH * float64(n) / float64(top)
			y -= h
			c.Bars = append(c.Bars, bar{X: round1(x), Y: round1(y), W: round1(slot * 0.76), H: round1(h),
				Hour: hourName(i), Venue: seriesName(c.Legend, s, others), Count: n, Colour: s})
		}
		if i%2 == 0 {
			c.XLabels = append(c.XLabels, label{X: round1(float64(c.X0) + (float64(i)+0.5)*slot), Text: hourName(i)[:2]})
		}
	}
	for k := 0; k <= 4; k++ {
		v := top * k / 4
		c.YTicks = append(c.YTicks, tick{Y: round1(float64(c.Y0) - plotH*float64(v)/float64(top)), Text: fmt.Sprint(v)})
	}
	return c
}

func seriesName(legend []legendItem, s int, others string) string {
	for _, l := range legend {
		if l.Colour == s {
			return l.Venue
		}
	}
	return others
}

// niceCeil is the top of the y axis: the smallest of 1, 2, 4, 5, 8 or 10
// times a power of ten that is at least n and a multiple of 4 (four ticks
// of whole numbers), else 10 times the power.
func niceCeil(n int) int {
	p := 1
	for p*10 < n {
		p *= 10
	}
	for _, m := range []int{1, 2, 4, 5, 8, 10} {
		if m*p >= n && (m*p)%4 == 0 {
			return m * p
		}
	}
	return 10 * p
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }
