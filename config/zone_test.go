package config_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/passgate/passgate/config"
)

// TestTimeZone: "" is the system's zone, a name is that IANA zone, and
// the clock check's skew is read as any duration.
func TestTimeZone(t *testing.T) {
	getenv, dir := env(t)
	file := filepath.Join(dir, "config.toml")
	c := config.Defaults()
	if loc, err := c.Location(); err != nil || loc != time.Local {
		t.Errorf("default Location = %v, %v; want time.Local", loc, err)
	}
	if c.Kiosk.ClockSkew.Duration != 10*time.Minute {
		t.Errorf("default clock_skew = %v, want 10m", c.Kiosk.ClockSkew)
	}
	c, err := config.Parse([]byte("[kiosk]\ntime_zone = \"Asia/Seoul\"\nclock_skew = \"2m\"\n"), file, getenv)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := c.Location()
	if err != nil || loc.String() != "Asia/Seoul" {
		t.Fatalf("Location = %v, %v; want Asia/Seoul", loc, err)
	}
	if name, off := time.Date(2021, 12, 12, 6, 0, 0, 0, time.UTC).In(loc).Zone(); name != "KST" || off != 9*3600 {
		t.Errorf("Asia/Seoul is %s %+d", name, off)
	}
	if c.Kiosk.ClockSkew.Duration != 2*time.Minute {
		t.Errorf("clock_skew = %v, want 2m", c.Kiosk.ClockSkew)
	}
}
