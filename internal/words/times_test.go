package words_test

import (
	"testing"
	"time"

	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/words"
	"github.com/passgate/passgate/verify"
)

func catalog(t *testing.T, lang string) *i18n.Catalog {
	t.Helper()
	c, err := i18n.New(lang)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestTimes writes one instant in both languages and three zones: the
// day moves with the zone (06:00 UTC is 15:00 in Seoul, 07:00 in Berlin,
// 01:00 in New York), the words with the language.
func TestTimes(t *testing.T) {
	at := time.Date(2021, 12, 12, 6, 0, 5, 0, time.UTC) // a Sunday
	late := time.Date(2021, 12, 12, 20, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang, zone                 string
		moment, stamp, clock, date string
		lateMoment                 string
	}{
		{"en", "Asia/Seoul", "12 Dec 15:00", "12 Dec 2021 15:00 KST", "Sun 12 Dec 15:00:05", "12 Dec 2021", "13 Dec 05:30"},
		{"ko", "Asia/Seoul", "12월 12일 15:00", "2021년 12월 12일 15:00 KST", "12월 12일 (일) 15:00:05", "2021년 12월 12일", "12월 13일 05:30"},
		{"en", "Europe/Berlin", "12 Dec 07:00", "12 Dec 2021 07:00 CET", "Sun 12 Dec 07:00:05", "12 Dec 2021", "12 Dec 21:30"},
		{"ko", "Europe/Berlin", "12월 12일 07:00", "2021년 12월 12일 07:00 CET", "12월 12일 (일) 07:00:05", "2021년 12월 12일", "12월 12일 21:30"},
		{"en", "America/New_York", "12 Dec 01:00", "12 Dec 2021 01:00 EST", "Sun 12 Dec 01:00:05", "12 Dec 2021", "12 Dec 15:30"},
		{"en", "UTC", "12 Dec 06:00", "12 Dec 2021 06:00 UTC", "Sun 12 Dec 06:00:05", "12 Dec 2021", "12 Dec 20:30"},
	} {
		t.Run(tc.lang+"/"+tc.zone, func(t *testing.T) {
			tm := words.NewTimes(catalog(t, tc.lang), zone(t, tc.zone))
			check := func(what, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %q, want %q", what, got, want)
				}
			}
			check("Moment", tm.Moment(at), tc.moment)
			check("Stamp", tm.Stamp(at), tc.stamp)
			check("Clock", tm.Clock(at), tc.clock)
			check("Date", tm.Date(2021, 12, 12), tc.date)
			check("Moment late", tm.Moment(late), tc.lateMoment)
		})
	}
}

// TestTimesZoneOffset: a zone without an abbreviation shows its offset.
func TestTimesZoneOffset(t *testing.T) {
	tm := words.NewTimes(catalog(t, "en"), time.FixedZone("", 9*3600))
	if got, want := tm.Stamp(time.Date(2021, 12, 14, 6, 0, 0, 0, time.UTC)), "14 Dec 2021 15:00 +0900"; got != want {
		t.Errorf("Stamp = %q, want %q", got, want)
	}
	if got := words.NewTimes(catalog(t, "en"), nil).Location(); got != time.UTC {
		t.Errorf("nil location = %v, want UTC", got)
	}
}

// TestDateText: a pass's dates are written in words and never shifted by
// the zone; what is not a date stays as it is.
func TestDateText(t *testing.T) {
	for _, tc := range []struct{ lang, in, want string }{
		{"en", "2021-11-02", "2 Nov 2021"},
		{"ko", "2021-11-02", "2021년 11월 2일"},
		{"en", "1990-03", "1990-03"},
		{"ko", "", ""},
	} {
		tm := words.NewTimes(catalog(t, tc.lang), zone(t, "Pacific/Kiritimati")) // UTC+14
		if got := tm.DateText(tc.in); got != tc.want {
			t.Errorf("%s DateText(%q) = %q, want %q", tc.lang, tc.in, got, tc.want)
		}
	}
}

// TestFactsSampleTime: a test's sample time in the zone and language, as
// the banner shows it ("sampled 12 Dec 15:00"), not RFC 3339.
func TestFactsSampleTime(t *testing.T) {
	p := &verify.PassInfo{Type: "t", Test: &verify.Test{Type: "LP6464-4", Result: "260415000", SampleTime: "2021-12-12T06:00:00Z"}}
	for _, tc := range []struct{ lang, zone, want string }{
		{"en", "Asia/Seoul", "PCR/NAAT test, negative, sampled 12 Dec 15:00"},
		{"ko", "Asia/Seoul", "PCR/핵산증폭 검사, 음성, 12월 12일 15:00 채취"},
		{"en", "UTC", "PCR/NAAT test, negative, sampled 12 Dec 06:00"},
	} {
		if got := words.NewTimes(catalog(t, tc.lang), zone(t, tc.zone)).Facts(p); got != tc.want {
			t.Errorf("%s %s: Facts = %q, want %q", tc.lang, tc.zone, got, tc.want)
		}
	}
	p.Test.SampleTime = "yesterday"
	if got := words.NewTimes(catalog(t, "en"), nil).Facts(p); got != "PCR/NAAT test, negative, sampled yesterday" {
		t.Errorf("unparsable sample time: Facts = %q", got)
	}
	v := &verify.PassInfo{Type: "v", Vaccination: &verify.Vaccination{Product: "EU/1/20/1528", DoseNumber: 2, TotalDoses: 2, Date: "2021-11-02"}}
	if got, want := words.NewTimes(catalog(t, "ko"), nil).Facts(v), "EU/1/20/1528, 2/2차, 2021년 11월 2일 접종"; got != want {
		t.Errorf("vaccination: Facts = %q, want %q", got, want)
	}
}

// TestName: names as the certificate gives them.
func TestName(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		fn, gn, fnt, gnt, want string
	}{
		{"hangul", "홍", "길동", "HONG", "GILDONG", "홍길동 (HONG GILDONG)"},
		{"hangul spaced", " 김 ", " 서연", "KIM", "SEOYEON", "김서연 (KIM SEOYEON)"},
		{"han", "王", "小明", "WANG", "XIAOMING", "王小明 (WANG XIAOMING)"},
		{"kana", "やまだ", "タロウ", "YAMADA", "TARO", "やまだタロウ (YAMADA TARO)"},
		{"latin", "Müller", "Anna Lena", "MUELLER", "ANNA<LENA", "Müller Anna Lena (MUELLER ANNA LENA)"},
		{"mixed scripts keep the space", "홍", "Gildong", "HONG", "GILDONG", "홍 Gildong (HONG GILDONG)"},
		{"std only, fillers", "", "", "MULLER<", "ANNA<<LENA", "MULLER ANNA LENA"},
		{"same as std", "MULLER", "ANNA LENA", "MULLER", "ANNA<LENA", "MULLER ANNA LENA"},
		{"family only", "홍", "", "HONG", "", "홍 (HONG)"},
		{"given only", "", "길동", "", "", "길동"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := words.Name(&verify.PassInfo{FamilyName: tc.fn, GivenName: tc.gn, FamilyNameStd: tc.fnt, GivenNameStd: tc.gnt})
			if got != tc.want {
				t.Errorf("Name = %q, want %q", got, tc.want)
			}
		})
	}
}
