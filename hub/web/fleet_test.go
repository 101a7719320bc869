package web_test

import (
	"encoding/xml"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/passgate/passgate/hub/web"
)

var rowRE = regexp.MustCompile(`<tr data-kiosk="([^"]+)" class="([a-z]+)">`)

// rowsOf lists the kiosks of the table in order, with their state.
func rowsOf(page string) (kiosks, states []string) {
	for _, m := range rowRE.FindAllStringSubmatch(page, -1) {
		kiosks, states = append(kiosks, m[1]), append(states, m[2])
	}
	return kiosks, states
}

func TestFleet(t *testing.T) {
	c := &clock{now: t0}
	st := openStore(t, c)
	seedFleet(t, st)
	srv := serve(t, st, c, web.Options{})
	b := newBrowser(t, srv.URL)
	page := b.mustLogin("mina", adminPW)

	// By venue, then kiosk; each kiosk's state from when it was heard.
	kiosks, states := rowsOf(page)
	if want := []string{"kiosk-4", "kiosk-5", "kiosk-6", "kiosk-1", "kiosk-2", "kiosk-3"}; !slices.Equal(kiosks, want) {
		t.Errorf("kiosks by venue: %v, want %v", kiosks, want)
	}
	for i, k := range kiosks {
		for _, f := range fixtureFleet {
			if f.kiosk == k && states[i] != f.state {
				t.Errorf("%s: state %s, want %s", k, states[i], f.state)
			}
		}
	}
	// The rollout: of 5 active kiosks, 2 run sequence 7 (kiosk-6, revoked,
	// is not counted).
	if !strings.Contains(page, `<span id="rollout-count">2</span> / 5`) {
		t.Errorf("rollout: want 2 / 5:\n%s", between(page, `id="rollout"`, `</section>`))
	}

	for _, c := range []struct {
		query string
		want  []string
	}{
		{"sort=waiting", []string{"kiosk-4", "kiosk-3", "kiosk-2", "kiosk-5", "kiosk-6", "kiosk-1"}},
		{"sort=waiting&desc=1", []string{"kiosk-5", "kiosk-6", "kiosk-1", "kiosk-2", "kiosk-3", "kiosk-4"}},
		{"sort=seen", []string{"kiosk-2", "kiosk-6", "kiosk-1", "kiosk-3", "kiosk-4", "kiosk-5"}},
		{"sort=kiosk&desc=1", []string{"kiosk-6", "kiosk-5", "kiosk-4", "kiosk-3", "kiosk-2", "kiosk-1"}},
		{"sort=bundle", []string{"kiosk-5", "kiosk-4", "kiosk-2", "kiosk-6", "kiosk-1", "kiosk-3"}},
		{"state=online", []string{"kiosk-1", "kiosk-2"}},
		{"state=offline", []string{"kiosk-4"}},
		{"venue=busan-market", []string{"kiosk-4", "kiosk-5"}},
		{"venue=busan-market&state=never", []string{"kiosk-5"}},
		{"q=HALL&sort=kiosk&desc=1", []string{"kiosk-3", "kiosk-2", "kiosk-1"}},
		{"q=nothing", nil},
		{"sort=bogus&state=bogus", []string{"kiosk-4", "kiosk-5", "kiosk-6", "kiosk-1", "kiosk-2", "kiosk-3"}},
	} {
		_, _, page := b.get("/?" + c.query)
		if got, _ := rowsOf(page); !slices.Equal(got, c.want) {
			t.Errorf("?%s: %v, want %v", c.query, got, c.want)
		}
	}
	// A heading sorts by its column, and again the other way.
	_, _, page = b.get("/?sort=waiting&state=online")
	if !strings.Contains(page, `href="/?desc=1&amp;sort=waiting&amp;state=online"`) {
		t.Errorf("the Waiting heading does not reverse the sort, keeping the filter:\n%s", between(page, "<thead>", "</thead>"))
	}
}

// svg is the part of the chart the test reads.
type svg struct {
	Rects []struct {
		Hour  string  `xml:"data-hour,attr"`
		Venue string  `xml:"data-venue,attr"`
		Count int     `xml:"data-count,attr"`
		Y     float64 `xml:"y,attr"`
		H     float64 `xml:"height,attr"`
	} `xml:"rect"`
	Texts []string `xml:"text"`
}

func chartOf(t *testing.T, page string) svg {
	t.Helper()
	raw := `<svg id="hourly"` + between(page, `<svg id="hourly"`, `</svg>`) + `</svg>`
	var s svg
	if err := xml.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatalf("the chart is not XML: %v\n%s", err, raw)
	}
	return s
}

func TestChart(t *testing.T) {
	c := &clock{now: t0}
	st := openStore(t, c)
	seedFleet(t, st)
	srv := serve(t, st, c, web.Options{})
	b := newBrowser(t, srv.URL)
	page := b.mustLogin("kdca", authorityPW)

	want := map[string]map[string]int{} // hour → venue → count, as the fixture has them
	total, peakHour, peak := map[string]int{}, "", 0
	for v, hours := range lunch {
		for h, n := range hours {
			hh := strconv.Itoa(100 + h)[1:] + ":00"
			if want[hh] == nil {
				want[hh] = map[string]int{}
			}
			want[hh][v] = n
			total[hh] += n
			if total[hh] > peak {
				peak, peakHour = total[hh], hh
			}
		}
	}
	s := chartOf(t, page)
	got := map[string]map[string]int{}
	top := map[string]float64{} // the top of each hour's stack
	for _, r := range s.Rects {
		if got[r.Hour] == nil {
			got[r.Hour] = map[string]int{}
		}
		got[r.Hour][r.Venue] = r.Count
		if v, ok := top[r.Hour]; !ok || r.Y < v {
			top[r.Hour] = r.Y
		}
	}
	for h, vs := range want {
		for v, n := range vs {
			if got[h][v] != n {
				t.Errorf("%s %s: bar of %d, want %d", h, v, got[h][v], n)
			}
		}
	}
	if len(s.Rects) != 17 {
		t.Errorf("%d bars, want 17 (one per venue and hour with check-ins)", len(s.Rects))
	}
	// The tallest stack is the peak hour's: its top is highest (least y).
	highest := ""
	for h, y := range top {
		if highest == "" || y < top[highest] {
			highest = h
		}
	}
	if peakHour != "12:00" || highest != peakHour {
		t.Errorf("tallest bar at %s, want the data's peak at %s (12:00)", highest, peakHour)
	}
	if !strings.Contains(page, "Busiest hour 12:00, with 49.") {
		t.Errorf("the summary does not name the peak")
	}
	for _, label := range []string{"00", "12", "22", "0", "hour"} {
		if !slices.Contains(s.Texts, label) {
			t.Errorf("axis label %q missing from %v", label, s.Texts)
		}
	}

	// One venue; another day.
	_, _, page = b.get("/?cv=busan-market&day=2021-12-13")
	for _, r := range chartOf(t, page).Rects {
		if r.Venue != "busan-market" {
			t.Errorf("chart of busan-market has a bar of %s", r.Venue)
		}
	}
	_, _, page = b.get("/?day=2021-12-12")
	if n := len(chartOf(t, page).Rects); n != 0 || !strings.Contains(page, "2021-12-12: 0 check-ins.") {
		t.Errorf("the day before: %d bars, want none", n)
	}
}
