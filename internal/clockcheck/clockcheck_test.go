package clockcheck_test

import (
	"runtime/debug"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/clockcheck"
)

var (
	build  = time.Date(2021, 12, 1, 9, 0, 0, 0, time.UTC)
	issued = time.Date(2021, 12, 12, 7, 0, 0, 0, time.UTC)
	last   = time.Date(2021, 12, 13, 11, 42, 17, 0, time.UTC) // the register's last entry
	epoch  = time.Unix(0, 0).UTC()                            // a Pi booted without network
)

// fakeHub is the hub's last answer as uplink would report it.
type fakeHub struct {
	d  clockcheck.HubDate
	ok bool
}

func (h *fakeHub) answer() (clockcheck.HubDate, bool) { return h.d, h.ok }

func checker(now *time.Time, hub *fakeHub) *clockcheck.Checker {
	return clockcheck.New(clockcheck.Options{
		Now: func() time.Time { return *now }, Build: build, Last: last,
		Bundle: func() time.Time { return issued }, Hub: hub.answer,
	})
}

func want(t *testing.T, st clockcheck.State, trusted bool, why clockcheck.Why, bound time.Time) {
	t.Helper()
	if st.Trusted != trusted || st.Why != why || !st.Bound.Equal(bound) {
		t.Errorf("state = %+v; want trusted %v, why %q, bound %v", st, trusted, why, bound)
	}
}

// TestWithoutHub: offline, the clock must not be before the newest
// bound; the answer names that bound.
func TestWithoutHub(t *testing.T) {
	hub := &fakeHub{}
	for _, tc := range []struct {
		name    string
		now     time.Time
		trusted bool
		why     clockcheck.Why
		bound   time.Time
	}{
		{"1970", epoch, false, clockcheck.BeforeRegister, last},
		{"at the last shutdown (fake-hwclock's last save, before the last entry)", last.Add(-17 * time.Minute), false, clockcheck.BeforeRegister, last},
		{"a second before the last entry", last.Add(-time.Second), false, clockcheck.BeforeRegister, last},
		{"at the last entry", last, true, "", time.Time{}},
		{"after the last entry", last.Add(time.Hour), true, "", time.Time{}},
		{"years later", last.AddDate(3, 0, 0), true, "", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			want(t, checker(&now, hub).Check(), tc.trusted, tc.why, tc.bound)
		})
	}
}

// TestEachBound: each bound alone catches a clock before it.
func TestEachBound(t *testing.T) {
	now := issued.Add(-time.Hour) // after the build, before the bundle
	c := clockcheck.New(clockcheck.Options{Now: func() time.Time { return now }, Build: build,
		Bundle: func() time.Time { return issued }})
	want(t, c.Check(), false, clockcheck.BeforeBundle, issued)
	if off := c.Check().Off(); off != time.Hour {
		t.Errorf("Off = %v, want 1h", off)
	}
	now = build.Add(-time.Minute)
	want(t, c.Check(), false, clockcheck.BeforeBundle, issued) // the newest bound is named
	c = clockcheck.New(clockcheck.Options{Now: func() time.Time { return now }, Build: build})
	want(t, c.Check(), false, clockcheck.BeforeBuild, build)
	now = build
	want(t, c.Check(), true, "", time.Time{})
	// No bound at all (a test binary, no bundle, an empty register):
	// nothing to say against the clock.
	now = epoch
	want(t, clockcheck.New(clockcheck.Options{Now: func() time.Time { return now }, Bundle: func() time.Time { return time.Time{} }}).Check(), true, "", time.Time{})
}

// TestSaw: the entries the kiosk records move the register's bound on,
// so a clock set back while the kiosk runs is caught.
func TestSaw(t *testing.T) {
	now := last.Add(2 * time.Hour)
	c := checker(&now, &fakeHub{})
	c.Saw(now)
	c.Saw(last) // older: no change
	now = now.Add(-time.Hour)
	want(t, c.Check(), false, clockcheck.BeforeRegister, last.Add(2*time.Hour))
}

// TestAgainstHub: with the hub's Date, the clock must be within the skew
// of the hub's time, which moves on with the time elapsed since.
func TestAgainstHub(t *testing.T) {
	date := time.Date(2021, 12, 14, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		received time.Time // the kiosk's clock when the answer came
		now      time.Time
		trusted  bool
		why      clockcheck.Why
		bound    time.Time
	}{
		{"in step", date.Add(time.Second), date.Add(time.Hour), true, "", time.Time{}},
		{"9 min behind", date.Add(-9 * time.Minute), date.Add(-9*time.Minute + time.Hour), true, "", time.Time{}},
		{"11 min behind", date.Add(-11 * time.Minute), date.Add(-11*time.Minute + time.Hour), false, clockcheck.OffHub, date.Add(time.Hour)},
		{"11 min ahead", date.Add(11 * time.Minute), date.Add(11*time.Minute + time.Hour), false, clockcheck.OffHub, date.Add(time.Hour)},
		{"1970 all along", epoch, epoch.Add(time.Minute), false, clockcheck.OffHub, date.Add(time.Minute)},
		{"set back to 1970 after the answer", date, epoch, false, clockcheck.BeforeHub, date},
		// The hub agrees, so a register entry dated by a clock that ran
		// ahead before it was put right does not hold the kiosk back.
		{"before the last entry but in step with the hub", date, date.Add(time.Minute), true, "", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			hub := &fakeHub{d: clockcheck.HubDate{Date: date, Received: tc.received}, ok: true}
			c := clockcheck.New(clockcheck.Options{Now: func() time.Time { return now }, Last: date.Add(24 * time.Hour), Hub: hub.answer})
			want(t, c.Check(), tc.trusted, tc.why, tc.bound)
		})
	}
}

// TestSkewOption: the configured skew, not the default, decides.
func TestSkewOption(t *testing.T) {
	date := time.Date(2021, 12, 14, 3, 0, 0, 0, time.UTC)
	now := date.Add(3 * time.Minute)
	hub := &fakeHub{d: clockcheck.HubDate{Date: date, Received: now}, ok: true}
	c := clockcheck.New(clockcheck.Options{Now: func() time.Time { return now }, Hub: hub.answer, Skew: 2 * time.Minute})
	want(t, c.Check(), false, clockcheck.OffHub, date)
	c = clockcheck.New(clockcheck.Options{Now: func() time.Time { return now }, Hub: hub.answer})
	want(t, c.Check(), true, "", time.Time{})
}

// TestFixed: once the clock is put right, the checker trusts it again.
func TestFixed(t *testing.T) {
	now := epoch
	c := checker(&now, &fakeHub{})
	if c.Check().Trusted {
		t.Fatal("1970 trusted")
	}
	now = last.Add(time.Minute)
	want(t, c.Check(), true, "", time.Time{})
}

// TestMonotonic: with the real clock, the time since the hub's answer is
// measured on the monotonic clock, so the check holds even though the
// wall clock of Received and now were read a moment apart.
func TestMonotonic(t *testing.T) {
	received := time.Now()
	hub := &fakeHub{d: clockcheck.HubDate{Date: received.Round(0).Truncate(time.Second), Received: received}, ok: true}
	c := clockcheck.New(clockcheck.Options{Hub: hub.answer, Skew: 2 * time.Second})
	want(t, c.Check(), true, "", time.Time{})
	hub.d.Date = hub.d.Date.Add(time.Hour) // the hub an hour ahead: ours is behind
	if st := c.Check(); st.Trusted || st.Why != clockcheck.OffHub {
		t.Errorf("an hour behind the hub: %+v", st)
	}
}

func TestBuildTime(t *testing.T) {
	at := clockcheck.BuildTime(&debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.time", Value: "2026-12-01T10:11:12Z"}}}, "2020-01-01T00:00:00Z")
	if !at.Equal(time.Date(2026, 12, 1, 10, 11, 12, 0, time.UTC)) {
		t.Errorf("BuildTime = %v", at)
	}
	for _, bi := range []*debug.BuildInfo{nil, {}, {Settings: []debug.BuildSetting{{Key: "vcs.time", Value: "yesterday"}}}} {
		if at := clockcheck.BuildTime(bi, ""); !at.IsZero() {
			t.Errorf("BuildTime(%v) = %v, want zero", bi, at)
		}
		if at := clockcheck.BuildTime(bi, "2026-12-02T05:00:00Z"); !at.Equal(time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)) {
			t.Errorf("BuildTime(%v, stamp) = %v, want the stamp", bi, at)
		}
	}
}
