package hub_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/storetest"
)

// TestRestart: the hub is stopped and started on the same data directory;
// kiosks, tokens, revocations, entries and the bundle are all still there.
func TestRestart(t *testing.T) {
	dir := t.TempDir()
	st, err := hub.OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := hub.NewServer(st, hub.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	gone, err := st.AddKiosk(ctx, "venue-1", "kiosk-2")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeKiosk(ctx, "kiosk-2"); err != nil {
		t.Fatal(err)
	}
	bundle := signBundle(t, 4, hashes(1, 50))
	if _, err := hub.Publish(ctx, st, bundle, pinned, t0); err != nil {
		t.Fatal(err)
	}
	es := makeEntries(t, "venue-1", "kiosk-1", 1, 700)
	if status, _, body := post(t, s.URL(), token, es); status != http.StatusOK {
		t.Fatalf("push: %d %s", status, body)
	}
	etag := func(url string) string { r, _ := get(t, url+"/v1/bundle"); return r.Header.Get("ETag") }
	before := etag(s.URL())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st = mustReopen(t, dir)
	s = mustServe(t, st, hub.Options{})
	if n := count(t, st); n != 700 {
		t.Fatalf("%d entries after restart, want 700", n)
	}
	if got := etag(s.URL()); got != before || got == "" {
		t.Fatalf("bundle ETag %s after restart, %s before", got, before)
	}
	if _, err := hub.Publish(ctx, st, signBundle(t, 4), pinned, t0); err == nil {
		t.Fatal("sequence 4 published again after restart")
	}
	status, ack, _ := post(t, s.URL(), token, es[600:])
	if status != http.StatusOK || len(ack.Acked) != 100 {
		t.Fatalf("resend after restart: %d, %d acked", status, len(ack.Acked))
	}
	if status, _, _ := post(t, s.URL(), gone, makeEntries(t, "venue-1", "kiosk-2", 2, 1)); status != http.StatusUnauthorized {
		t.Fatalf("revoked token after restart: %d", status)
	}
	if n := count(t, st); n != 700 {
		t.Fatalf("%d entries after resend, want 700", n)
	}
	if got := metric(t, s.URL(), "passhub_entries_ingested_total"); got != 0 {
		t.Errorf("a resend after restart ingested %v entries", got)
	}
}

// TestLocked: a second process (here a second open) on a data directory
// gets ErrLocked in about the lock timeout, not a hang.
func TestLocked(t *testing.T) {
	_, dir := mustOpenBolt(t)
	start := time.Now()
	_, err := hub.OpenBolt(dir, &hub.BoltOptions{LockTimeout: 100 * time.Millisecond})
	if !errors.Is(err, hub.ErrLocked) || !strings.Contains(err.Error(), "passhub serve") {
		t.Fatalf("second open: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
}

// TestStore: the bbolt store keeps the contract of hub.Store.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) hub.Store {
		st, err := hub.OpenBolt(t.TempDir(), &hub.BoltOptions{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestTokenOnDisk: of a kiosk's token, only its SHA-256 is in the file.
func TestTokenOnDisk(t *testing.T) {
	st, dir := mustOpenBolt(t)
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := os.ReadFile(filepath.Join(dir, hub.BoltFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(db, []byte(token)) {
		t.Error("the token is in the database file")
	}
	if sum := sha256.Sum256([]byte(token)); !bytes.Contains(db, sum[:]) {
		t.Error("the token's SHA-256 is not in the database file")
	}
}

// TestFileModes: the data directory and the database are the hub's alone.
func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	mustReopen(t, dir)
	for path, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, filepath.Join(dir, hub.BoltFile): 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v (%v)", path, fi.Mode(), want, err)
		}
	}
}

func TestExportFormats(t *testing.T) {
	st, _ := mustOpenBolt(t)
	e := makeEntries(t, "venue-1", "kiosk-1", 1, 1)[0]
	e.Method, e.Staff, e.Note, e.Contact = entry.Manual, "staff-7", "=HYPERLINK(\"http://x\")", []byte{1, 2, 3}
	if _, err := st.PutEntries(ctx, hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}, []entry.Entry{e}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := hub.Export(ctx, st, time.Time{}, hub.JSONL, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"note":"=HYPERLINK(\"http://x\")"`) || strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("JSONL: %s", buf.String())
	}
	buf.Reset()
	if _, err := hub.Export(ctx, st, time.Time{}, hub.CSV, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"'=HYPERLINK(""http://x"")",AQID`) {
		t.Errorf("CSV does not defuse the formula or lacks the contact: %s", buf.String())
	}
	if _, err := hub.ParseFormat("xml"); !errors.Is(err, hub.ErrInvalid) {
		t.Errorf("ParseFormat(xml): %v", err)
	}
}
