package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written in the file as a string: a Go
// duration ("30s", "10m", "1h30m") or whole days ("14d"). It is a struct so
// a bare number (which would silently be nanoseconds) is an error.
type Duration struct{ time.Duration }

const day = 24 * time.Hour

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	s := string(b)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if v, err := strconv.Atoi(n); err == nil && v >= 0 && v <= 3650 {
			d.Duration = time.Duration(v) * day
			return nil
		}
	} else if v, err := time.ParseDuration(s); err == nil {
		d.Duration = v
		return nil
	}
	return fmt.Errorf("%q: want a duration such as \"30s\", \"10m\", \"1h30m\" or \"14d\"", s)
}

// MarshalText implements encoding.TextMarshaler, in whole days when it can.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String is the duration as the file would have it.
func (d Duration) String() string {
	if d.Duration > 0 && d.Duration%day == 0 {
		return fmt.Sprintf("%dd", d.Duration/day)
	}
	return d.Duration.String()
}

// Size is a frame size, written "WIDTHxHEIGHT".
type Size struct{ Width, Height int }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Size) UnmarshalText(b []byte) error {
	w, h, ok := strings.Cut(string(b), "x")
	wi, err1 := strconv.Atoi(w)
	hi, err2 := strconv.Atoi(h)
	if !ok || err1 != nil || err2 != nil || wi < 16 || hi < 16 || wi > 8192 || hi > 8192 {
		return fmt.Errorf("%q: want WIDTHxHEIGHT, e.g. 1280x720 (16 to 8192 each)", b)
	}
	*s = Size{wi, hi}
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (s Size) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s Size) String() string { return fmt.Sprintf("%dx%d", s.Width, s.Height) }
