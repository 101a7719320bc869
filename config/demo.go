package config

import (
	"time"

	"github.com/passgate/passgate/assets"
)

// The demo's staff member: its PIN forms accept this id with this PIN.
const (
	DemoStaff = "demo"
	DemoPIN   = "0000"
	// DemoDuplicateWindow is the demo's kiosk.duplicate_window.
	DemoDuplicateWindow = 30 * time.Second
	// demoPINHash is pin.Hash(DemoPIN): computed once, so starting the
	// demo costs no argon2id.
	demoPINHash = "$argon2id$v=19$m=19456,t=2,p=1$mIhDa8gYjqK+8EL8MNteAw$whHGZ5bhb44DBf4g2huL1JTeqE/zcrRhg33albWJ2Go"
)

// Demo returns the built-in demo as a configuration like any other: a
// venue and kiosk named "demo", kiosk mode with the staff member
// DemoStaff (PIN DemoPIN), the demo bundle's pinned key, a camera at 10
// frames a second, no sounds. Demo is set, so the app takes the three
// things a file cannot name from the embedded demo: the trust bundle, the
// camera (a replay of passes held up to it) and the clock (13 December 2021
// at noon in Seoul). The register is a temporary one unless [register]
// path is set (--db). Pass it through Overlay for flags.
func Demo() Config {
	c := Defaults()
	c.Demo = true
	c.Venue = Venue{ID: "demo", Name: "passgate"}
	c.Kiosk.ID = "demo"
	c.Kiosk.KioskMode = true
	// Shorter than a round of the demo clip (eight passes, 7 s each), so
	// each round counts its guests anew instead of showing every pass as
	// "already counted".
	c.Kiosk.DuplicateWindow = Duration{DemoDuplicateWindow}
	c.Trust.BundleKey = assets.DemoBundleKey()
	c.Camera.FPS = 10
	c.Sound.Enabled = false
	c.Staff = []Staff{{ID: DemoStaff, Name: "Demo", PINHash: demoPINHash}}
	return c
}
