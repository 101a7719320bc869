package words

import (
	"time"

	"github.com/passgate/passgate/internal/i18n"
)

// Times writes times for people, in the catalog's language and the
// kiosk's time zone: "12 Dec 15:00" or "12월 12일 15:00". Machine output
// (JSON, CSV) keeps RFC 3339 in UTC and does not use it. The zero Times
// is not usable: make one with NewTimes.
type Times struct {
	cat *i18n.Catalog
	loc *time.Location
}

// NewTimes returns the formatter of c's language in loc; a nil loc means
// UTC.
func NewTimes(c *i18n.Catalog, loc *time.Location) Times {
	if loc == nil {
		loc = time.UTC
	}
	return Times{cat: c, loc: loc}
}

// Location is the time zone the times are written in.
func (t Times) Location() *time.Location { return t.loc }

// In returns ts in the formatter's time zone.
func (t Times) In(ts time.Time) time.Time { return ts.In(t.loc) }

// Moment is a day and a time of day without the year, for what happened
// lately (a test's sample time): "12 Dec 15:00", "12월 12일 15:00".
func (t Times) Moment(ts time.Time) string {
	ts = ts.In(t.loc)
	return t.cat.T("time.moment", ts.Day(), t.month(ts.Month()), ts.Year(), ts.Format("15:04"))
}

// Stamp is a full date and time with the zone's abbreviation, for what
// may lie months away or be read later (a validity, a register's span):
// "12 Dec 2021 15:00 KST", "2021년 12월 12일 15:00 KST".
func (t Times) Stamp(ts time.Time) string {
	ts = ts.In(t.loc)
	return t.cat.T("time.stamp", ts.Day(), t.month(ts.Month()), ts.Year(), ts.Format("15:04"), zoneName(ts))
}

// Clock is the header's clock: the date and the time to the second,
// "Sun 12 Dec 15:00:05", "12월 12일 (일) 15:00:05".
func (t Times) Clock(ts time.Time) string {
	ts = ts.In(t.loc)
	return t.cat.T("time.clock", ts.Day(), t.month(ts.Month()), t.cat.T("time.weekday."+weekdays[ts.Weekday()]), ts.Format("15:04:05"))
}

// Date is a calendar day: "12 Dec 2021", "2021년 12월 12일". A pass's
// dates (of vaccination, of birth) have no time zone: they are written as
// they are, never shifted.
func (t Times) Date(y int, m time.Month, d int) string {
	return t.cat.T("time.date", d, t.month(m), y)
}

// DateText writes a pass's "YYYY-MM-DD" date in words, or returns s as it
// is when it is not one (a year alone, "1990-03", or damaged).
func (t Times) DateText(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Date(d.Year(), d.Month(), d.Day())
}

func (t Times) month(m time.Month) string {
	return t.cat.T("time.month." + months[m-1])
}

// zoneName is the zone's abbreviation ("KST", "CET"), or its offset
// ("+0900") where the zone database has none.
func zoneName(ts time.Time) string {
	name, _ := ts.Zone()
	if name == "" {
		return ts.Format("-0700")
	}
	return name
}

var months = [12]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

var weekdays = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
