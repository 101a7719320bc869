package entry

import "time"

// Sighting is a guest another door of the venue let in lately, as the hub tells a kiosk of a multi-door venue: only the holder
// pseudonym (the doors share the venue's secret, so the same pass gives the
// same pseudonym at every door), the door and when. No name, no pass.
type Sighting struct {
	Holder string    `json:"holder"`
	Kiosk  string    `json:"kiosk"`
	Time   time.Time `json:"time"`
}

// Sightings is the hub's answer to GET /v1/venue/recent?since=T: the
// sightings of the asking kiosk's venue by its other kiosks, of entries
// whose time is T or later, oldest first, at most MaxSightings of them.
// A kiosk asks for its duplicate window, again and again: an entry that
// reaches the hub late is still seen while it matters.
type Sightings struct {
	Sightings []Sighting `json:"sightings"`
	// Now is the hub's clock when it answered.
	Now time.Time `json:"now"`
}

// MaxSightings is the most sightings one answer holds.
const MaxSightings = 5000
