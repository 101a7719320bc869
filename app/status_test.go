package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/internal/testkit/fixtures"
)

// TestSyncReportsStatus: the uplink app.Open builds reports the kiosk's
// status to the hub with what the app knows: the binary's version, and
// camera "none" in sync mode, which runs no camera.
func TestSyncReportsStatus(t *testing.T) {
	dir := t.TempDir()
	st, srv := testHub(t, dir, nil)
	token, err := st.AddKiosk(context.Background(), "cafe", "door")
	if err != nil {
		t.Fatal(err)
	}
	tok := filepath.Join(dir, "token")
	if err := os.WriteFile(tok, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := env(t, fixtures.Noon)
	a := openApp(t, e, app.ModeSync, over("register.path", filepath.Join(dir, "register.db"), "hub.url", srv.URL(),
		"hub.token_file", tok, "trust.bundle_key", fixtures.Path("keys/bundle.pub"), "trust.bundle_file", filepath.Join(dir, "bundle.bin"))...)
	if _, err := a.Uplink.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	sts, err := st.Statuses(context.Background())
	if err != nil || len(sts) != 1 {
		t.Fatalf("statuses at the hub: %v, %v", sts, err)
	}
	s := sts[0]
	if s.Kiosk != "door" || s.Camera != "none" || s.BundleSequence != 1 || !s.Clock.Equal(fixtures.Noon) ||
		!(s.Version == "devel" || strings.HasPrefix(s.Version, "devel-") || strings.HasPrefix(s.Version, "v")) {
		t.Errorf("status at the hub: %+v", s)
	}
}
