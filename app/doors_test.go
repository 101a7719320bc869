package app_test

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/testkit/fixtures"
)

// TestTwoDoors: two doors of a venue share its secret file and ask the hub
// for each other's guests; a guest let in at door A is counted once when
// shown at door B within the window.
func TestTwoDoors(t *testing.T) {
	dir := t.TempDir()
	st, srv := testHub(t, dir, func() time.Time { return fixtures.Noon.Add(time.Minute) })
	secret := filepath.Join(dir, "venue.secret")
	if err := os.WriteFile(secret, []byte(base64.StdEncoding.EncodeToString([]byte("the cafe's secret, 32 bytes long"))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	door := func(kiosk string) *app.App {
		token, err := st.AddKiosk(context.Background(), "cafe", kiosk)
		if err != nil {
			t.Fatal(err)
		}
		tok := filepath.Join(dir, kiosk+".token")
		if err := os.WriteFile(tok, []byte(token+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		a := openApp(t, env(t, fixtures.Noon), app.ModeHeadless, over("register.path", filepath.Join(dir, kiosk+".db"), "hub.url", srv.URL(),
			"hub.token_file", tok, "trust.bundle_key", fixtures.Path("keys/bundle.pub"), "trust.bundle_file", filepath.Join(dir, kiosk+".bin"),
			"venue.id", "cafe", "kiosk.id", kiosk, "venue.secret_file", secret, "hub.other_doors_every", "1s",
			"camera.replay", fixtures.Path("passes"))...)
		if a.Doors == nil {
			t.Fatal("[hub] other_doors_every set, but the app has no memory of the other doors")
		}
		if _, err := a.Uplink.Once(context.Background()); err != nil { // the bundle
			t.Fatal(err)
		}
		return a
	}
	a, b := door("door-a"), door("door-b")
	valid := fixtures.Pass(t, "vaccination-valid")
	atA := a.Desk.Scan(checkin.Scan{Payload: valid, Method: entry.Camera})
	if !atA.Admitted || !atA.Recorded {
		t.Fatalf("door A: %+v", atA)
	}
	if _, err := a.Uplink.Once(context.Background()); err != nil { // the entry goes up
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Kiosk.Sync.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, ok := b.Doors.Seen(atA.Entry.Holder, time.Time{}); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("door B never heard of door A's guest")
		}
	}
	atB := b.Desk.Scan(checkin.Scan{Payload: valid, Method: entry.Camera})
	if !atB.Admitted || !atB.Duplicate || atB.Recorded || atB.OtherDoor != "door-a" {
		t.Errorf("door B: %+v; want the guest counted at door A", atB)
	}
}

// TestVenueSecretFile: a secret file others may read, or one that is not
// a secret, is a setup error naming the file.
func TestVenueSecretFile(t *testing.T) {
	for name, c := range map[string]struct {
		text string
		mode os.FileMode
		want string
	}{
		"readable": {base64.StdEncoding.EncodeToString(make([]byte, 32)), 0o644, "chmod 600"},
		"short":    {base64.StdEncoding.EncodeToString(make([]byte, 8)), 0o600, "8 bytes"},
		"text":     {"not a secret", 0o600, "not base64"},
	} {
		dir := t.TempDir()
		secret := filepath.Join(dir, "venue.secret")
		if err := os.WriteFile(secret, []byte(c.text), c.mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(secret, c.mode)
		e := env(t, fixtures.Noon)
		cfg, err := config.Load("", e.Getenv, over("register.path", filepath.Join(dir, "r.db"), "trust.bundle_key", fixtures.Path("keys/bundle.pub"),
			"trust.bundle_file", fixtures.Path("bundle.bin"), "venue.secret_file", secret, "camera.replay", fixtures.Path("passes"))...)
		if err != nil {
			t.Fatal(err)
		}
		a, err := app.Open(cfg, e, app.ModeHeadless)
		if err == nil {
			a.Close()
			t.Errorf("%s: opened", name)
			continue
		}
		if !strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %s named and %q", name, err, secret, c.want)
		}
	}
}
