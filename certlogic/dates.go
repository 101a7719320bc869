package certlogic

import (
	"errors"
	"strconv"
	"time"
)

// Time is a CertLogic date-time: an instant in UTC with millisecond
// precision, as a JavaScript Date. Only plusTime and dccDateOfBirth make
// one.
type Time struct {
	t time.Time // UTC, whole milliseconds
}

func timeOfMillis(ms int64) Time { return Time{time.UnixMilli(ms).UTC()} }

// Time returns the instant as a time.Time in UTC.
func (t Time) Time() time.Time { return t.t }

func (t Time) millis() int64 { return t.t.UnixMilli() }

// String is the form JavaScript's Date.prototype.toISOString gives, as
// certlogic-js's results print in JSON: "2021-06-01T00:00:00.000Z", the
// year as ±YYYYYY outside 0000-9999.
func (t Time) String() string {
	ms := t.millis()
	day := floorDiv(ms, msPerDay)
	tod := ms - day*msPerDay
	y, m, d := civilFromDays(day)
	b := make([]byte, 0, 27)
	switch {
	case y < 0:
		b = append(b, '-')
		b = pad(b, -y, 6)
	case y > 9999:
		b = append(b, '+')
		b = pad(b, y, 6)
	default:
		b = pad(b, y, 4)
	}
	b = append(b, '-')
	b = pad(b, m, 2)
	b = append(b, '-')
	b = pad(b, d, 2)
	b = append(b, 'T')
	b = pad(b, tod/msPerHour, 2)
	b = append(b, ':')
	b = pad(b, tod/msPerMinute%60, 2)
	b = append(b, ':')
	b = pad(b, tod/1000%60, 2)
	b = append(b, '.')
	b = pad(b, tod%1000, 3)
	b = append(b, 'Z')
	return string(b)
}

// MarshalJSON gives the String form, quoted, as JSON.stringify prints a
// Date.
func (t Time) MarshalJSON() ([]byte, error) { return strconv.AppendQuote(nil, t.String()), nil }

func pad(b []byte, v int64, width int) []byte {
	s := strconv.FormatInt(v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

const (
	msPerMinute = 60_000
	msPerHour   = 3_600_000
	msPerDay    = 86_400_000
	maxMillis   = 8_640_000_000_000_000 // JavaScript's TimeClip: ±10^8 days from 1970
	maxYears    = 1_000_000             // beyond this V8's MakeDay gives NaN
)

var (
	errFormat  = errors.New("not a date or date-time in an allowed format")
	errInvalid = errors.New("not a valid date or date-time")
	errRange   = errors.New("result out of the range of date-times")
)

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d (m 1-12) in
// the proleptic Gregorian calendar; d may be out of its month's range.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp + 2) / 5
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468 + d - 1
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// makeDay is ECMAScript's MakeDay with a 0-based month that may be out of
// range, as V8 computes it (NaN, here false, for years beyond a million).
func makeDay(y, month, date int64) (int64, bool) {
	y += floorDiv(month, 12)
	month -= floorDiv(month, 12) * 12
	if y < -maxYears || y > maxYears {
		return 0, false
	}
	return daysFromCivil(y, month+1, 1) + date - 1, true
}

func clip(ms int64) (int64, error) {
	if ms < -maxMillis || ms > maxMillis {
		return 0, errRange
	}
	return ms, nil
}

// plusTime is certlogic-js's plusTime: the date(-time) s as a partial date
// or as dateFromString parses it, then amount units added with Date's
// setUTCFullYear, setUTCMonth, setUTCDate or setUTCHours.
func plusTime(s string, amount float64, unit string) (int64, error) {
	ms, err := parsePartial(s)
	if err == errFormat {
		ms, err = parseDateTime(s)
	}
	if err != nil || amount == 0 {
		return ms, err
	}
	// Beyond 10^10 of any unit the result leaves the range; below it the
	// arithmetic is exact in int64.
	if amount > 1e10 || amount < -1e10 {
		return 0, errRange
	}
	n := int64(amount)
	day := floorDiv(ms, msPerDay)
	tod := ms - day*msPerDay
	y, m, d := civilFromDays(day)
	m-- // 0-based, as Date's
	switch unit {
	case "hour":
		return clip(day*msPerDay + tod + n*msPerHour)
	case "day":
		d += n
	case "month":
		m += n
	case "year":
		y += n
	}
	nd, ok := makeDay(y, m, d)
	if !ok {
		return 0, errRange
	}
	return clip(nd*msPerDay + tod)
}

// dccDateOfBirth is certlogic-js's: YYYY and YYYY-MM as the last day they
// can mean, YYYY-MM-DD as it is.
func dccDateOfBirth(s string) (int64, error) {
	ms, err := parsePartial(s)
	if err == errFormat && len(s) == 10 {
		ms, err = parseDateTime(s)
	}
	return ms, err
}

// parsePartial is certlogic-js's roundUpPartialDate: YYYY is YYYY-12-31,
// YYYY-MM the month's last day; errFormat for anything else.
func parsePartial(s string) (int64, error) {
	switch {
	case len(s) == 4 && digits(s, 0, 4):
		y := num(s, 0, 4)
		return daysFromCivil(y, 12, 31) * msPerDay, nil
	case len(s) == 7 && digits(s, 0, 4) && s[4] == '-' && digits(s, 5, 2):
		y := num(s, 0, 4)
		m := num(s, 5, 2)
		if m < 1 || m > 12 {
			return 0, errInvalid
		}
		nd, _ := makeDay(y, m, 0) // day 0 of the next month
		return nd * msPerDay, nil
	}
	return 0, errFormat
}

// parseDateTime is certlogic-js's dateFromString followed by V8's Date
// parser on the string it reformats. The accepted forms are those of
//
//	^\d{4}-\d{2}-\d{2}$
//	^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+?)?(Z|(([+-])(\d{1,2}):?(\d{2})?))?$
//
// with decimals beyond the third dropped and a missing offset taken as Z;
// V8 then wants a month 1-12, a day 1-31 (Feb 30 becomes Mar 2), an hour
// 0-24 (24 only as 24:00:00.000), minutes and seconds 0-59 and an offset
// of at most 23:59.
func parseDateTime(s string) (int64, error) {
	var p [6]int64 // year, month, day, hour, minute, second
	if len(s) < 10 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2) {
		return 0, errFormat
	}
	p[0] = num(s, 0, 4)
	p[1] = num(s, 5, 2)
	p[2] = num(s, 8, 2)
	var ms, off int64
	if len(s) > 10 {
		if len(s) < 19 || s[10] != 'T' || !digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) || s[16] != ':' || !digits(s, 17, 2) {
			return 0, errFormat
		}
		p[3] = num(s, 11, 2)
		p[4] = num(s, 14, 2)
		p[5] = num(s, 17, 2)
		rest := s[19:]
		if len(rest) > 0 && rest[0] == '.' {
			k := 1
			for k < len(rest) && isDigit(rest[k]) {
				k++
			}
			if k == 1 {
				return 0, errFormat
			}
			for i := 1; i <= 3; i++ {
				ms *= 10
				if i < k {
					ms += int64(rest[i] - '0')
				}
			}
			rest = rest[k:]
		}
		switch {
		case rest == "" || rest == "Z":
		case rest[0] == '+' || rest[0] == '-':
			h, m, ok := parseOffset(rest[1:])
			if !ok {
				return 0, errFormat
			}
			if h > 23 || m > 59 {
				return 0, errInvalid
			}
			off = (h*60 + m) * msPerMinute
			if rest[0] == '-' {
				off = -off
			}
		default:
			return 0, errFormat
		}
	}
	if p[1] < 1 || p[1] > 12 || p[2] < 1 || p[2] > 31 || p[4] > 59 || p[5] > 59 ||
		p[3] > 24 || (p[3] == 24 && (p[4] != 0 || p[5] != 0 || ms != 0)) {
		return 0, errInvalid
	}
	day, _ := makeDay(p[0], p[1]-1, p[2])
	return day*msPerDay + p[3]*msPerHour + p[4]*msPerMinute + p[5]*1000 + ms - off, nil
}

// parseOffset matches (\d{1,2}):?(\d{2})?$ as JavaScript's backtracking
// does: two hour digits before one, a colon before none.
func parseOffset(s string) (h, m int64, ok bool) {
	for _, hl := range [...]int{2, 1} {
		if len(s) < hl || !digits(s, 0, hl) {
			continue
		}
		r := s[hl:]
		if len(r) > 0 && r[0] == ':' {
			r = r[1:]
		}
		h = num(s, 0, hl)
		switch {
		case r == "":
			return h, 0, true
		case len(r) == 2 && digits(r, 0, 2):
			m = num(r, 0, 2)
			return h, m, true
		}
	}
	return 0, 0, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits reports whether s[i:i+n] is n ASCII digits (JavaScript's \d).
func digits(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for j := i; j < i+n; j++ {
		if !isDigit(s[j]) {
			return false
		}
	}
	return true
}

// num is the value of the digits s[i:i+n].
func num(s string, i, n int) int64 {
	var v int64
	for j := i; j < i+n; j++ {
		v = v*10 + int64(s[j]-'0')
	}
	return v
}
