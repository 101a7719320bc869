package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/words"
	"github.com/passgate/passgate/verify"
)

// someFigures are a lunchtime's counters.
func someFigures() Figures {
	f := Figures{Today: Tally{Admitted: 41, Refused: 6, Manual: 3},
		Reasons: map[string]int{"expired": 3, "revoked": 1, "not-yet-valid": 2, "paper-certificate": 2, "outage": 1}}
	for h, n := range map[int]int{9: 4, 10: 6, 11: 9, 12: 18, 13: 7, 14: 3} {
		f.Hours[h] = Tally{Admitted: n - 1, Refused: 1}
	}
	return f
}

// guests shows the recent-guests list a few verdicts: camera passes of
// different holders and a manual entry.
func guests(t *testing.T, m *Model) {
	t.Helper()
	for i, name := range []string{"vaccination-valid", "revoked-uci", "test-pcr-too-old", "expired"} {
		scan(t, m, name)
		later(m, time.Duration(i+1)*47*time.Second)
	}
	press(m, "esc", "m", "down", "enter", "kim", "enter", "1234", "enter")
	press(m, "esc")
}

// TestGoldenStaff renders the recent-guests list, the statistics screen
// and the camera-trouble screen at 80×24, 100×30 and 120×40 in both
// languages.
func TestGoldenStaff(t *testing.T) {
	screens := []struct {
		name  string
		drive func(t *testing.T, m *Model)
	}{
		{"recent", func(t *testing.T, m *Model) { guests(t, m); press(m, "r") }},
		{"stats", func(t *testing.T, m *Model) {
			m.o.Figures = func() (Figures, error) { return someFigures(), nil }
			press(m, "s")
		}},
		{"camera", func(t *testing.T, m *Model) {
			update(m, cameraMsg(camera.Status{State: camera.Lost, Device: "video0", Err: errors.New("no such device")}))
		}},
	}
	for _, size := range [][2]int{{80, 24}, {100, 30}, {120, 40}} {
		for _, lang := range []string{"en", "ko"} {
			for _, sc := range screens {
				name := fmt.Sprintf("%s-%s-%dx%d", sc.name, lang, size[0], size[1])
				t.Run(name, func(t *testing.T) {
					m := newModel(t, lang, size[0], size[1], noon, fixtureBundle(t))
					sc.drive(t, m)
					got := ansi.Strip(m.render())
					checkSize(t, got, size[0], size[1])
					golden(t, name, got)
				})
			}
		}
	}
}

// TestGoldenSmall: below 80×24 the screen asks for a bigger window
// instead of cutting the form's fields and the keys.
func TestGoldenSmall(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {79, 30}, {120, 23}} {
		for _, lang := range []string{"en", "ko"} {
			name := fmt.Sprintf("small-%s-%dx%d", lang, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				m := newModel(t, lang, size[0], size[1], noon, fixtureBundle(t))
				press(m, "m")
				got := ansi.Strip(m.render())
				lines := strings.Split(got, "\n")
				if len(lines) != size[1] {
					t.Errorf("%d lines, want %d", len(lines), size[1])
				}
				for i, l := range lines {
					if n := ansi.StringWidth(l); n > size[0] {
						t.Errorf("line %d is %d cells wide, want at most %d", i, n, size[0])
					}
				}
				want := map[string]string{"en": "Make the window at least 80×24", "ko": "창을 80×24 이상으로 키우세요"}[lang]
				if !strings.Contains(got, want) {
					t.Errorf("no %q:\n%s", want, got)
				}
				golden(t, name, got)
			})
		}
	}
	// Made big enough, the form is there as it was.
	m := newModel(t, "en", 60, 20, noon, fixtureBundle(t))
	press(m, "m", "enter", "kim")
	update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if got := screenText(m); !strings.Contains(got, "kim_") || strings.Contains(got, "Make the window") {
		t.Fatalf("after resizing:\n%s", got)
	}
}

func TestInitials(t *testing.T) {
	for _, tc := range []struct{ family, given, want string }{
		{"김", "민수", "김·"},
		{"홍", "길동", "홍·"},
		{"Müller", "Anna Lena", "M. A."},
		{"MUELLER", "ANNA<LENA", "M. A."},
		{"", "Anna", "A."},
		{"", "", ""},
		{"d'Arc", "Jeanne", "D. J."},
		{"山田", "太郎", "山·"},
	} {
		if got := initials(tc.family, tc.given); got != tc.want {
			t.Errorf("initials(%q, %q) = %q, want %q", tc.family, tc.given, got, tc.want)
		}
	}
}

// TestRecent: the last 20 verdicts, newest first, with the kiosk's time,
// the outcome, the reason and first letters only: never the name or the
// date of birth.
func TestRecent(t *testing.T) {
	m := newModel(t, "en", 120, 40, noon, fixtureBundle(t))
	press(m, "r")
	if m.state != recentView || !strings.Contains(screenText(m), "no guest yet") {
		t.Fatalf("empty list: state %v\n%s", m.state, screenText(m))
	}
	press(m, "esc")
	var full *verify.PassInfo
	for i := range 25 {
		name := "vaccination-valid"
		if i%2 == 1 {
			name = "revoked-uci"
		}
		later(m, 10*time.Minute) // no duplicates
		out := m.o.Kiosk.Desk.Scan(checkin.Scan{Payload: pass(t, name), Method: entry.Camera})
		full = out.Verdict.Pass
		update(m, outcomeMsg{out: out})
	}
	if len(m.recent) != recentMax {
		t.Fatalf("%d kept, want %d", len(m.recent), recentMax)
	}
	press(m, "esc", "r")
	got := screenText(m)
	// (A Hangul family name is one letter: the initial itself.)
	for _, secret := range []string{words.Name(full), full.GivenName, full.FamilyNameStd, full.GivenNameStd, full.DateOfBirth} {
		if secret != "" && strings.Contains(got, secret) {
			t.Errorf("the list shows %q:\n%s", secret, got)
		}
	}
	// Newest first: the 25th (admitted) at the top, at the kiosk's time.
	top := m.times().In(m.recent[0].at).Format("15:04:05")
	rows := 0
	for _, l := range strings.Split(got, "\n") {
		if strings.Contains(l, "✓ admitted") || strings.Contains(l, "✗ refused") {
			rows++
		}
	}
	if rows != recentMax || !strings.Contains(got, top+"  ✓ admitted") || !strings.Contains(got, "pass revoked") {
		t.Errorf("%d rows, want %d, top at %s:\n%s", rows, recentMax, top, got)
	}
	// The list closes by itself like the menu.
	later(m, 2*time.Minute)
	update(m, tickMsg{})
	if m.state != scanning {
		t.Errorf("still %v after the idle time", m.state)
	}
}

func TestStats(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	press(m, "s")
	if got := screenText(m); !strings.Contains(got, "no register") {
		t.Errorf("without figures:\n%s", got)
	}
	press(m, "esc")
	calls := 0
	m.o.Figures = func() (Figures, error) { calls++; return someFigures(), nil }
	press(m, "s")
	got := screenText(m)
	for _, want := range []string{"Guests by hour", "47 guests: 41 admitted · 6 refused", "manual entries: 3",
		"3  pass expired", "2  paper certificate checked", "00          06          12", "█"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q:\n%s", want, got)
		}
	}
	if calls != 1 {
		t.Errorf("figures read %d times, want 1", calls)
	}
	// s again goes back, and a read that fails says so.
	press(m, "s")
	if m.state != scanning {
		t.Errorf("s again: state %v", m.state)
	}
	m.o.Figures = func() (Figures, error) { return Figures{}, errors.New("register is closed") }
	press(m, "s")
	if got := screenText(m); !strings.Contains(got, "could not be read: register is closed") {
		t.Errorf("failed read:\n%s", got)
	}
}

// TestChart: the tallest hour fills the chart, an hour with one guest
// shows, an empty one does not.
func TestChart(t *testing.T) {
	var h [24]Tally
	h[12] = Tally{Admitted: 100}
	h[13] = Tally{Refused: 1}
	rows := chart(h)
	if len(rows) != chartRows+1 {
		t.Fatalf("%d rows", len(rows))
	}
	col := func(r, hour int) rune { return []rune(rows[r] + strings.Repeat(" ", 48))[2*hour] }
	for r := range chartRows {
		if col(r, 12) != '█' {
			t.Errorf("row %d of 12:00 is %q, want full", r, col(r, 12))
		}
		if col(r, 11) != ' ' {
			t.Errorf("row %d of 11:00 is %q, want empty", r, col(r, 11))
		}
	}
	if col(chartRows-1, 13) != '▁' || col(chartRows-2, 13) != ' ' {
		t.Errorf("13:00 with one guest: %q", rows)
	}
	if !strings.HasPrefix(rows[chartRows], "00") || !strings.HasSuffix(rows[chartRows], "23") {
		t.Errorf("axis %q", rows[chartRows])
	}
}

// TestCameraTrouble: a lost camera takes the body with what to try; a
// barcode scanner's pass is still judged, and the screen comes back when
// the camera does.
func TestCameraTrouble(t *testing.T) {
	m := newModel(t, "en", 100, 30, noon, fixtureBundle(t))
	update(m, cameraMsg(camera.Status{State: camera.Lost, Device: "video0", Err: errors.New("no such device")}))
	got := screenText(m)
	for _, want := range []string{"The camera is not working", "video0: no such device", "passgate devices", "video group", "press m"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Hold the QR code") {
		t.Errorf("still asks for a QR code:\n%s", got)
	}
	press(m, pass(t, "vaccination-valid"), "enter")
	if m.state != result || !m.outcome.Admitted {
		t.Fatalf("wedge scan with the camera lost: state %v", m.state)
	}
	update(m, cameraMsg(camera.Status{State: camera.Streaming, Device: "video0"}))
	press(m, "esc")
	if got := screenText(m); !strings.Contains(got, "Hold the QR code") {
		t.Errorf("camera back:\n%s", got)
	}
	// A camera that could not be opened at all is trouble too.
	update(m, kioskDoneMsg{err: errors.New("open /dev/video0: permission denied")})
	if got := screenText(m); !strings.Contains(got, "permission denied") {
		t.Errorf("kiosk ended:\n%s", got)
	}
}

// TestSyncNowResult: "sync now" shows what the round did when it ends.
func TestSyncNowResult(t *testing.T) {
	for _, tc := range []struct {
		r    SyncReport
		want string
	}{
		{SyncReport{Pushed: 12}, "sync done: 12 entries pushed, 0 still waiting · trust bundle unchanged"},
		{SyncReport{Pushed: 3, Waiting: 1, Updated: true, Sequence: 8}, "3 entries pushed, 1 still waiting · trust bundle updated (sequence 8)"},
		{SyncReport{Err: errors.New("hub unreachable")}, "sync failed: hub unreachable"},
	} {
		m := newModel(t, "en", 120, 40, noon, fixtureBundle(t))
		m.o.SyncRound = func() SyncReport { return tc.r }
		openAdmin(t, m, itemSync)
		press(m, "enter")
		if got := screenText(m); !strings.Contains(got, tc.want) {
			t.Errorf("want %q:\n%s", tc.want, got)
		}
		if fakesOf[m].syncs != 0 {
			t.Errorf("SyncNow called beside SyncRound")
		}
	}
}
