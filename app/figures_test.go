package app_test

import (
	"path/filepath"
	"testing"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/testkit/fixtures"
)

// TestFigures: the statistics screen's figures are the register's
// counters: today's guests by outcome, by hour in the kiosk's zone, by
// reason, and the manual entries.
func TestFigures(t *testing.T) {
	e := env(t, fixtures.Noon)
	c, err := config.Load("", e.Getenv,
		config.Override{Key: "register.path", Value: filepath.Join(t.TempDir(), "register.db"), Flag: "--db"},
		config.Override{Key: "trust.bundle_key", Value: fixtures.Path("keys/bundle.pub"), Flag: "--bundle-key"},
		config.Override{Key: "trust.bundle_file", Value: fixtures.Path("bundle.bin"), Flag: "--bundle"},
		config.Override{Key: "kiosk.time_zone", Value: "Asia/Seoul", Flag: "--time-zone"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(c, e, app.ModeScreen)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, name := range []string{"vaccination-valid", "revoked-uci", "expired"} {
		if out := a.Desk.Scan(checkin.Scan{Payload: fixtures.Pass(t, name), Method: entry.Camera}); !out.Recorded {
			t.Fatalf("%s not recorded: %v", name, out.RecordErr)
		}
	}
	if _, err := a.Desk.Manual(checkin.Manual{Staff: "kim", Reason: checkin.ReasonPaper}); err != nil {
		t.Fatal(err)
	}
	f, err := a.Figures()
	if err != nil {
		t.Fatal(err)
	}
	if f.Today.Admitted != 2 || f.Today.Refused != 2 || f.Today.Manual != 1 {
		t.Errorf("today %+v, want 2 admitted, 2 refused, 1 manual", f.Today)
	}
	if f.Hours[12] != f.Today {
		t.Errorf("12:00 KST %+v, want all of today %+v (hours %+v)", f.Hours[12], f.Today, f.Hours)
	}
	if f.Reasons["revoked"] != 1 || f.Reasons["expired"] != 1 || f.Reasons[checkin.ReasonPaper] != 1 {
		t.Errorf("reasons %v", f.Reasons)
	}
}
