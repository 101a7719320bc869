package adminsock_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/adminsock"
	"github.com/passgate/passgate/hub/storetest"
)

var ctx = context.Background()

// serve opens a bbolt store in a new directory and serves it on the admin
// socket there, as `passhub serve` does.
func serve(t *testing.T, now func() time.Time) (*hub.Bolt, string) {
	t.Helper()
	// A short directory: a Unix socket's path has at most 107 bytes.
	dir, err := os.MkdirTemp("", "adminsock")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	st, err := hub.OpenBolt(dir, &hub.BoltOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, adminsock.File)
	srv, err := adminsock.Listen(path, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	return st, path
}

func dial(t *testing.T, path string) *adminsock.Client {
	t.Helper()
	c, err := adminsock.Dial(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestStore: through the socket, the store keeps the contract of hub.Store,
// the same suite the bbolt and PostgreSQL stores pass.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) hub.Store {
		_, path := serve(t, now)
		return dial(t, path)
	})
}

// TestSocketMode: the socket is the hub user's only, from the moment it
// has its name.
func TestSocketMode(t *testing.T) {
	_, path := serve(t, time.Now)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket %s: mode %s, want a socket with 0600", path, fi.Mode())
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestStaleSocket: a socket left by a hub that crashed is replaced by the
// next one, and until then Dial says no hub answers.
func TestStaleSocket(t *testing.T) {
	dir, err := os.MkdirTemp("", "adminsock")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, adminsock.File)
	if err := os.WriteFile(path, []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := adminsock.Dial(ctx, path); !errors.Is(err, adminsock.ErrNoServer) {
		t.Fatalf("Dial on a stale socket: %v, want ErrNoServer", err)
	}
	st, err := hub.OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := adminsock.Listen(path, st, nil)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	c, err := adminsock.Dial(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddKiosk(ctx, "venue-1", "kiosk-1"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("socket still there after Close: %v", err)
	}
}

// TestErrorKinds: a store's error keeps its kind across the socket, and its
// message.
func TestErrorKinds(t *testing.T) {
	_, path := serve(t, time.Now)
	c := dial(t, path)
	if _, err := c.AddKiosk(ctx, "venue-1", "kiosk-1"); err != nil {
		t.Fatal(err)
	}
	_, err := c.AddKiosk(ctx, "venue-1", "kiosk-1")
	if !errors.Is(err, hub.ErrExists) {
		t.Errorf("AddKiosk twice: %v, want ErrExists", err)
	}
	if err := c.RevokeKiosk(ctx, "nobody"); !errors.Is(err, hub.ErrNotFound) || err.Error() == "" {
		t.Errorf("RevokeKiosk of nobody: %v, want ErrNotFound with a message", err)
	}
	if _, err := c.Authenticate(ctx, "not a token"); !errors.Is(err, hub.ErrUnauthorized) {
		t.Errorf("Authenticate: %v, want ErrUnauthorized", err)
	}
}

// TestExportStopped: an export the caller stops ends at once, with the
// caller's error, and the hub's side is not left hanging.
func TestExportStopped(t *testing.T) {
	st, path := serve(t, time.Now)
	c := dial(t, path)
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	k, err := st.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	ids := entry.NewIDs(rand.NewChaCha8([32]byte{1}))
	var es []entry.Entry
	start := time.Now().Add(-time.Hour)
	for i := range 3000 {
		at := start.Add(time.Duration(i) * time.Millisecond)
		id, err := ids.New(at)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, entry.Entry{ID: id, Time: at.UTC(), Venue: k.Venue, Kiosk: k.ID, Method: entry.Camera, Outcome: entry.Admitted})
	}
	if _, err := st.PutEntries(ctx, k, es); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("enough")
	n := 0
	err = c.ExportEntries(ctx, time.Time{}, func(entry.Entry) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Fatalf("export stopped at 10: %d entries, %v", n, err)
	}
	// The socket still serves.
	if _, err := c.Kiosks(ctx); err != nil {
		t.Fatal(err)
	}
}
