package app_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/clockcheck"
	"github.com/passgate/passgate/internal/testkit/fixtures"
)

// TestClockCheckWired: the app builds the clock check from the register's
// last entry and the bundle's issue, and the desk consults it. A kiosk
// whose clock came back at 1970, or at its last shutdown, refuses passes
// with the clock's reason; with [kiosk] time_zone the app shows times in
// that zone.
func TestClockCheckWired(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "register.db")
	open := func(now time.Time, extra ...string) *app.App {
		t.Helper()
		pairs := append([]string{"venue.id", "cafe", "kiosk.id", "door", "trust.bundle_key", fixtures.Path("keys/bundle.pub"),
			"trust.bundle_file", fixtures.Path("bundle.bin"), "register.path", db, "camera.replay", fixtures.Path("passes")}, extra...)
		return openApp(t, env(t, now), app.ModeHeadless, over(pairs...)...)
	}
	valid := fixtures.Pass(t, "vaccination-valid")

	a := open(fixtures.Noon, "kiosk.time_zone", "Europe/Berlin")
	if a.Location.String() != "Europe/Berlin" {
		t.Errorf("Location = %v, want Europe/Berlin", a.Location)
	}
	if out := a.Desk.Scan(checkin.Scan{Payload: valid, Method: entry.Camera}); !out.Admitted {
		t.Fatalf("at noon: %+v", out)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	for name, now := range map[string]time.Time{
		"1970":                 time.Unix(0, 0),
		"at the last shutdown": fixtures.Noon.Add(-time.Minute),
	} {
		t.Run(name, func(t *testing.T) {
			a := open(now)
			if a.Location != now.Location() {
				t.Errorf("Location = %v, want the clock's %v", a.Location, now.Location())
			}
			st := a.Clock.Check()
			if st.Trusted || st.Why != clockcheck.BeforeRegister {
				t.Errorf("clock check at %v: %+v; want before the register's last entry", now, st)
			}
			out := a.Desk.Scan(checkin.Scan{Payload: fixtures.Pass(t, "vaccination-booster"), Method: entry.Camera})
			if out.Admitted || out.Reason != checkin.ReasonClock || !out.Entry.Time.Equal(now) {
				t.Errorf("a pass with the clock at %v: %+v", now, out)
			}
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
