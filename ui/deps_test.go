package ui

import (
	"go/build"
	"slices"
	"testing"
)

// TestNoUplink: the screen shows the sync state it is handed (SyncState)
// and knows nothing of how the kiosk talks to the hub.
func TestNoUplink(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	const uplink = "github.com/passgate/passgate/uplink"
	for _, imports := range [][]string{pkg.Imports, pkg.TestImports} {
		if slices.Contains(imports, uplink) {
			t.Errorf("ui imports %s", uplink)
		}
	}
}
