package ui

import (
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/rules"
)

var update_ = flag.Bool("update", false, "rewrite the golden files in testdata")

func imageRect(x0, y0, x1, y1 int) image.Rectangle { return image.Rect(x0, y0, x1, y1) }

// TestGolden renders each screen at 80×24, 100×30 and 120×40 in both
// languages.
// Colours are stripped: the files show layout and words (colours are
// checked in TestColours).
func TestGolden(t *testing.T) {
	screens := []struct {
		name  string
		drive func(t *testing.T, m *Model)
	}{
		{"scanning", func(t *testing.T, m *Model) {}},
		{"admit", func(t *testing.T, m *Model) { scan(t, m, "vaccination-valid") }},
		{"refuse", func(t *testing.T, m *Model) { scan(t, m, "revoked-uci") }},
		{"manual", func(t *testing.T, m *Model) {
			press(m, "m", "down", "down", "down", "enter", "ID checked at the door", "enter", "kim", "enter", "12")
		}},
		{"admin", func(t *testing.T, m *Model) {
			press(m, "a", "kim", "enter", "1234", "enter", "down", "down", "down", "down", "down", "enter")
		}},
		{"stale", func(t *testing.T, m *Model) {}},
		{"help", func(t *testing.T, m *Model) { press(m, "?") }},
		{"wait", func(t *testing.T, m *Model) { // a 2G+ pass waiting for its test
			out := m.o.Kiosk.Desk.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera})
			out.Admitted, out.Reason = false, checkin.ReasonCompanion
			out.Needs, out.NeedsUntil = []rules.CertType{rules.Test}, out.Time.Add(time.Minute)
			out.Verdict.Needs = out.Needs
			exec(m, update(m, outcomeMsg{out: out}))
		}},
		{"overform", func(t *testing.T, m *Model) { // a camera verdict over the manual form
			press(m, "m", "enter", "kim")
			scan(t, m, "test-pcr-too-old")
		}},
		{"notrust", func(t *testing.T, m *Model) { scan(t, m, "vaccination-valid") }},
	}
	for _, size := range [][2]int{{80, 24}, {100, 30}, {120, 40}} {
		for _, lang := range []string{"en", "ko"} {
			for _, sc := range screens {
				name := fmt.Sprintf("%s-%s-%dx%d", sc.name, lang, size[0], size[1])
				t.Run(name, func(t *testing.T) {
					at, trust := noon, fixtureBundle(t)
					switch sc.name {
					case "stale":
						at = noon.AddDate(0, 0, 10)
					case "notrust":
						trust = nil
					}
					m := newModel(t, lang, size[0], size[1], at, trust)
					sc.drive(t, m)
					if sc.name == "stale" {
						scan(t, m, "vaccination-valid")
					}
					got := ansi.Strip(m.render())
					checkSize(t, got, size[0], size[1])
					golden(t, name, got)
				})
			}
		}
	}
}

// scan shows a pass to the desk as the camera would.
func scan(t *testing.T, m *Model, name string) {
	t.Helper()
	out := m.o.Kiosk.Desk.Scan(checkin.Scan{Payload: pass(t, name), Method: entry.Camera})
	exec(m, update(m, outcomeMsg{out: out}))
}

// checkSize: exactly h lines, none wider than w, the header full width
// (Korean is two cells a character).
func checkSize(t *testing.T, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w || (i < 2 && n != w) {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, n, w, l)
		}
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update_ {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
