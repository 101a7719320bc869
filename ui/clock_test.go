package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/internal/clockcheck"
)

// TestHeaderClock: the header's clock is in the kiosk's zone and the
// screen's language; with the clock check saying the clock is wrong, the
// header says so in red until it is fixed, and a pass is refused with
// the clock's reason, not "not yet valid".
func TestHeaderClock(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2021, 12, 13, 3, 0, 5, 0, time.UTC) // 12:00:05 in Seoul
	for _, tc := range []struct{ lang, clock, wrong, reason, trust string }{
		{"en", "Mon 13 Dec 12:00:05", "CLOCK WRONG: set the time", "the kiosk's clock is wrong: set the time", "trust bundle's age unknown"},
		{"ko", "12월 13일 (월) 12:00:05", "시계 틀림: 시간을 맞추세요", "키오스크 시계가 틀렸습니다: 시간을 맞추세요", "신뢰 번들의 나이를 알 수 없음"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			st := clockcheck.State{Trusted: true}
			m := newModel(t, tc.lang, 80, 24, at, fixtureBundle(t), func(o *checkin.Options) {
				o.Clock = fakeClock{&st}
			})
			m.o.Location = seoul
			m.o.Clock = func() clockcheck.State { return st }
			m.refresh()
			header := strings.SplitN(screenText(m), "\n", 2)[0]
			if !strings.Contains(header, tc.clock) || strings.Contains(header, tc.wrong) {
				t.Errorf("trusted clock: header %q; want %q without %q", header, tc.clock, tc.wrong)
			}
			st = clockcheck.State{Why: clockcheck.BeforeRegister, Bound: at.Add(time.Hour), Now: at}
			m.refresh()
			screen := m.render()
			header = strings.SplitN(screenText(m), "\n", 2)[0]
			if !strings.Contains(header, tc.wrong) || !strings.Contains(header, tc.clock) {
				t.Errorf("wrong clock: header %q; want %q and %q", header, tc.wrong, tc.clock)
			}
			if line2 := strings.Split(screenText(m), "\n")[1]; !strings.Contains(line2, tc.trust) {
				t.Errorf("wrong clock: the bundle's age is still told: %q; want %q", line2, tc.trust)
			}
			if red := m.styles.bad.Render(tc.wrong); !strings.Contains(screen, red) {
				t.Errorf("the warning is not in the bad (red) style: %q", strings.SplitN(screen, "\n", 2)[0])
			}
			scan(t, m, "vaccination-valid")
			if text := screenText(m); !strings.Contains(text, tc.reason) {
				t.Errorf("a pass with a wrong clock does not say %q:\n%s", tc.reason, text)
			}
			st = clockcheck.State{Trusted: true}
			m.refresh()
			if header := strings.SplitN(screenText(m), "\n", 2)[0]; strings.Contains(header, tc.wrong) {
				t.Errorf("clock fixed: header still %q", header)
			}
		})
	}
}

// fakeClock is the desk's clock check, following the screen's state.
type fakeClock struct{ st *clockcheck.State }

func (f fakeClock) At(now time.Time) clockcheck.State { s := *f.st; s.Now = now; return s }
func (f fakeClock) Saw(time.Time)                     {}
