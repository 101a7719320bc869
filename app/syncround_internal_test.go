package app

import (
	"context"
	"crypto/ed25519"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/testkit/fixtures"
)

// TestSyncRound: "sync now" in the admin menu is one round with the hub,
// and says what it did: the bundle taken into use, the entries pushed;
// then nothing new; with the hub gone, the error.
func TestSyncRound(t *testing.T) {
	dir := t.TempDir()
	st, err := hub.OpenBolt(filepath.Join(dir, "hub"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
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
	srv.Now = func() time.Time { return fixtures.Noon }
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	token, err := st.AddKiosk(context.Background(), "cafe", "door-1")
	if err != nil {
		t.Fatal(err)
	}
	tok := filepath.Join(dir, "door.token")
	if err := os.WriteFile(tok, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var o []config.Override
	for k, v := range map[string]string{"register.path": filepath.Join(dir, "door.db"), "hub.url": srv.URL(),
		"hub.token_file": tok, "trust.bundle_key": fixtures.Path("keys/bundle.pub"), "trust.bundle_file": filepath.Join(dir, "door.bin"),
		"venue.id": "cafe", "kiosk.id": "door-1", "camera.replay": fixtures.Path("passes")} {
		o = append(o, config.Override{Key: k, Value: v, Flag: "--" + k})
	}
	home := t.TempDir()
	getenv := func(k string) string { return map[string]string{"HOME": home, "LANG": "en_US.UTF-8"}[k] }
	cfg, err := config.Load("", getenv, o...)
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: getenv,
		Now: func() time.Time { return fixtures.Noon }}
	a, err := Open(cfg, e, ModeScreen)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	first := a.syncRound(context.Background())
	if first.Err != nil || !first.Updated || first.Sequence != 1 || first.Pushed != 0 {
		t.Fatalf("first round %+v, want the bundle (sequence 1) and nothing pushed", first)
	}
	for _, name := range []string{"vaccination-valid", "revoked-uci"} {
		if out := a.Desk.Scan(checkin.Scan{Payload: fixtures.Pass(t, name), Method: entry.Camera}); !out.Recorded {
			t.Fatalf("%s not recorded: %v", name, out.RecordErr)
		}
	}
	if r := a.syncRound(context.Background()); r.Err != nil || r.Updated || r.Pushed != 2 || r.Waiting != 0 {
		t.Errorf("second round %+v, want 2 pushed, the bundle unchanged", r)
	}
	srv.Close()
	if out := a.Desk.Scan(checkin.Scan{Payload: fixtures.Pass(t, "expired"), Method: entry.Camera}); !out.Recorded {
		t.Fatalf("not recorded: %v", out.RecordErr)
	}
	if r := a.syncRound(context.Background()); r.Err == nil || r.Pushed != 0 {
		t.Errorf("with the hub gone: %+v, want an error", r)
	}
}
