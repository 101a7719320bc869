package verify

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

const day = 24 * time.Hour

// dateTimeLayouts are the forms of sample times seen in issued passes.
var dateTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
}

// parseDateTime reads an ISO 8601 date-time; one without a zone is UTC.
func parseDateTime(s string) (time.Time, error) {
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date-time", s)
}

// ParseTime reads the time forms the tools accept for "at": RFC 3339 and the
// looser ISO 8601 forms of the EU test vectors' VALIDATIONCLOCK.
func ParseTime(s string) (time.Time, error) {
	return parseDateTime(s)
}

// Duration is a time.Duration written as "14d", "48h" or "90m" in policy
// files, so a policy reads in the units people use.
type Duration time.Duration

// String writes whole days as "Nd", else as time.Duration does.
func (d Duration) String() string {
	if d != 0 && time.Duration(d)%day == 0 {
		return strconv.FormatInt(int64(time.Duration(d)/day), 10) + "d"
	}
	return time.Duration(d).String()
}

// ParseDuration reads "14d", "1d12h" or any time.ParseDuration form.
func ParseDuration(s string) (Duration, error) {
	var total time.Duration
	if days, rest, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100000 {
			return 0, fmt.Errorf("bad duration %q: want e.g. 14d or 48h", s)
		}
		total = time.Duration(n) * day
		s = rest
		if s == "" {
			return Duration(total), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q: want e.g. 14d or 48h", s)
	}
	return Duration(total + d), nil
}

// MarshalText writes the duration as String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads what ParseDuration reads.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
