package certlogic

import (
	"regexp"
	"strconv"
	"testing"
	"time"
)

// The regular expressions of certlogic-js's dateFromString and
// roundUpPartialDate; Go's regexp picks submatches as JavaScript's
// backtracking does.
var (
	reYear     = regexp.MustCompile(`^\d{4}$`)
	reMonth    = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	reDate     = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	reDateTime = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+?)?(Z|(([+-])(\d{1,2}):?(\d{2})?))?$`)
)

// refParse is plusTime's parse done another way: the regular expressions,
// V8's ranges, and time.Date to normalise (Feb 30 is Mar 2, as in V8).
func refParse(s string) (time.Time, error) {
	at := func(s string) int { n, _ := strconv.Atoi(s); return n }
	if reYear.MatchString(s) {
		return time.Date(at(s), 12, 31, 0, 0, 0, 0, time.UTC), nil
	}
	if m := reMonth.FindStringSubmatch(s); m != nil {
		if mo := at(m[2]); mo < 1 || mo > 12 {
			return time.Time{}, errInvalid
		}
		return time.Date(at(m[1]), time.Month(at(m[2])+1), 0, 0, 0, 0, 0, time.UTC), nil
	}
	var y, mo, d, h, mi, sec, ms, offH, offM, sign int
	if m := reDate.FindStringSubmatch(s); m != nil {
		y, mo, d = at(m[1]), at(m[2]), at(m[3])
	} else if m := reDateTime.FindStringSubmatch(s); m != nil {
		y, mo, d, h, mi, sec = at(m[1]), at(m[2]), at(m[3]), at(m[4]), at(m[5]), at(m[6])
		if m[7] != "" {
			frac := (m[7][1:] + "00")[:3]
			ms = at(frac)
		}
		if m[10] != "" {
			sign, offH = 1, at(m[11])
			if m[10] == "-" {
				sign = -1
			}
			if m[12] != "" {
				offM = at(m[12])
			}
		}
	} else {
		return time.Time{}, errFormat
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 59 || offH > 23 || offM > 59 ||
		(h == 24 && (mi != 0 || sec != 0 || ms != 0)) {
		return time.Time{}, errInvalid
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, ms*1e6, time.UTC)
	return t.Add(-time.Duration(sign) * time.Duration(offH*60+offM) * time.Minute), nil
}

// refPlus adds as Date's setters do, through time.Date.
func refPlus(t time.Time, n int, unit string) (int64, error) {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	ns := t.Nanosecond()
	switch unit {
	case "year":
		t = time.Date(y+n, mo, d, h, mi, s, ns, time.UTC)
	case "month":
		t = time.Date(y, mo+time.Month(n), d, h, mi, s, ns, time.UTC)
	case "day":
		t = time.Date(y, mo, d+n, h, mi, s, ns, time.UTC)
	case "hour":
		t = time.Date(y, mo, d, h+n, mi, s, ns, time.UTC)
	}
	ms := t.UnixMilli()
	if ms < -maxMillis || ms > maxMillis {
		return 0, errRange
	}
	return ms, nil
}

// FuzzPlusTime holds plusTime's hand-written parser and arithmetic to the
// reference above, and Time.String to parse back to the same instant.
func FuzzPlusTime(f *testing.F) {
	for _, s := range []string{"2021", "2021-02", "2021-06-01", "2021-06-01T12:34:56", "2021-06-01T12:34:56Z",
		"2021-06-01T12:34:56+2", "2021-06-01T12:34:56-02", "2021-06-01T12:34:56+230", "2021-06-01T12:34:56+0230",
		"2021-06-01T12:34:56-2:30", "2021-06-01T12:34:56+02:30", "2021-06-01T12:34:56.7", "2021-06-01T12:34:56.78Z",
		"2021-06-01T12:34:56.789+2", "2021-06-01T12:34:56.7891-02", "2021-06-01T12:34:56.999999+230",
		"2021-06-01T12:34:56.1+0230", "2021-06-01T12:34:56.12-2:30", "2021-06-01T12:34:56.123456789+02:30",
		"2021-02-30", "2021-13", "2021-01-01T24:00:00", "2021-01-01T00:00:00+01:", "2021-01-01T00:00:00+013", "0000-01-01T00:00:00-01"} {
		f.Add(s, int64(1), uint8(0))
	}
	units := [...]string{"year", "month", "day", "hour"}
	f.Fuzz(func(t *testing.T, s string, n int64, u uint8) {
		unit := units[int(u)%len(units)]
		n %= 400_000 // beyond, both are out of range; time.Date would overflow
		got, err := plusTime(s, float64(n), unit)
		ref, rerr := refParse(s)
		if rerr == nil && n != 0 {
			var ms int64
			ms, rerr = refPlus(ref, int(n), unit)
			ref = time.UnixMilli(ms).UTC()
		}
		if err != rerr || (err == nil && got != ref.UnixMilli()) {
			t.Fatalf("plusTime(%q, %d, %s) = %v, %v; reference %v, %v", s, n, unit, timeOfMillis(got), err, ref, rerr)
		}
		if err != nil {
			return
		}
		if _, err := dccDateOfBirth(s); len(s) <= 10 && err != nil && err != errInvalid {
			if reYear.MatchString(s) || reMonth.MatchString(s) || reDate.MatchString(s) {
				t.Fatalf("dccDateOfBirth(%q): %v", s, err)
			}
		}
		str := timeOfMillis(got).String()
		if y := timeOfMillis(got).Time().Year(); y >= 0 && y <= 9999 {
			back, err := plusTime(str, 0, "day")
			if err != nil || back != got {
				t.Fatalf("%s parses back as %v, %v; want %d", str, back, err, got)
			}
		}
		if want := timeOfMillis(got).Time().Format("2006-01-02T15:04:05.000Z"); len(str) == 24 && str != want {
			t.Fatalf("String() = %s, time.Format %s", str, want)
		}
	})
}
