package app_test

import (
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/testkit/fixtures"
)

// testHub serves a bbolt hub in dir with the fixtures' bundle published,
// on a free loopback port until the end of the test; now, when not nil,
// is its clock.
func testHub(t *testing.T, dir string, now func() time.Time) (*hub.Bolt, *hub.Server) {
	t.Helper()
	st, err := hub.OpenBolt(filepath.Join(dir, "hub"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	data, err := os.ReadFile(fixtures.Path("bundle.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Publish(context.Background(), st, data, fixtures.BundleKey(t).Public().(ed25519.PublicKey), fixtures.Noon); err != nil {
		t.Fatal(err)
	}
	srv, err := hub.NewServer(st, hub.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if now != nil {
		srv.Now = now
	}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return st, srv
}
