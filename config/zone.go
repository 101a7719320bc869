package config

import (
	"time"
	_ "time/tzdata" // a kiosk without /usr/share/zoneinfo still knows its zone
)

// Location is the time zone of [kiosk] time_zone: time.Local when it is
// "", else the IANA zone of that name. Validation refuses a name the zone
// database does not know, naming the key.
func (c *Config) Location() (*time.Location, error) {
	if c.Kiosk.TimeZone == "" {
		return time.Local, nil
	}
	return time.LoadLocation(c.Kiosk.TimeZone)
}
