package app_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/assets"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/testkit/fixtures"
)

// TestDemoTellsAStory plays three rounds of the demo at the desk the demo
// builds, at the times the clip shows each pass: every pass gets its own
// verdict, none is "already counted", and each verdict has the screen to
// itself before the next guest (the pause outlasts it). A pass shown
// again inside the duplicate window still is the same guest.
func TestDemoTellsAStory(t *testing.T) {
	cfg := config.Demo()
	a, err := app.Open(cfg, env(t, assets.DemoTime()), app.ModeHeadless)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	steps, err := assets.DemoSteps()
	if err != nil {
		t.Fatal(err)
	}
	verdict := time.Duration(cfg.Kiosk.VerdictSeconds) * time.Second
	at := assets.DemoTime()
	var round time.Duration
	for _, st := range steps {
		round += time.Duration(st.Seconds * float64(time.Second))
	}
	for n := range 3 {
		passes := map[string]bool{}
		for i, st := range steps {
			held := time.Duration(st.Seconds * float64(time.Second))
			if st.Expect != "" {
				passes[st.Frame] = true
				out := a.Desk.Scan(checkin.Scan{Payload: demoPass(t, st.Frame), Method: entry.Camera, At: at})
				if out.Duplicate || !out.Recorded || string(out.Verdict.Status) != st.Expect {
					t.Errorf("round %d, %s: duplicate %v, recorded %v, %s; want a new guest, %s",
						n+1, st.Frame, out.Duplicate, out.Recorded, out.Verdict.Status, st.Expect)
				}
				if i+1 >= len(steps) || steps[i+1].Expect != "" {
					t.Fatalf("%s is not followed by a pause", st.Frame)
				}
				if gap := held + time.Duration(steps[i+1].Seconds*float64(time.Second)); gap < verdict+time.Second {
					t.Errorf("%s: the next guest comes %v after, while a verdict stays %v", st.Frame, gap, verdict)
				}
			}
			at = at.Add(held)
		}
		if len(passes) != 8 {
			t.Errorf("round %d shows %d different passes, want 8", n+1, len(passes))
		}
	}
	if round <= cfg.Kiosk.DuplicateWindow.Duration {
		t.Errorf("a round is %v, not longer than the demo's duplicate window %v", round, cfg.Kiosk.DuplicateWindow)
	}
	again := a.Desk.Scan(checkin.Scan{Payload: demoPass(t, steps[len(steps)-2].Frame), Method: entry.Camera, At: at})
	if !again.Duplicate {
		t.Error("the last pass shown again at once is not a duplicate: the window is off")
	}
}

func demoPass(t *testing.T, frame string) string {
	t.Helper()
	b, err := os.ReadFile(fixtures.Path("passes/" + strings.TrimSuffix(frame, ".png") + ".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
