package hub_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
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

func TestKiosks(t *testing.T) {
	st, dir := mustOpenBolt(t)
	token, err := st.AddKiosk(ctx, "venue-1", "kiosk-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 43 || strings.ContainsAny(token, "+/=") {
		t.Errorf("token %q: want 43 characters of base64url", token)
	}
	if _, err := st.AddKiosk(ctx, "venue-2", "kiosk-1"); !errors.Is(err, hub.ErrExists) {
		t.Errorf("kiosk-1 added twice: %v", err)
	}
	for _, bad := range [][2]string{{"", "k"}, {"v", ""}, {"v", "a b"}, {"v\n", "k"}, {strings.Repeat("v", 200), "k"}} {
		if _, err := st.AddKiosk(ctx, bad[0], bad[1]); !errors.Is(err, hub.ErrInvalid) {
			t.Errorf("AddKiosk(%q, %q): %v", bad[0], bad[1], err)
		}
	}
	if _, err := st.AddKiosk(ctx, "venue-1", "kiosk-2"); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeKiosk(ctx, "kiosk-2"); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeKiosk(ctx, "kiosk-2"); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if err := st.RevokeKiosk(ctx, "kiosk-3"); !errors.Is(err, hub.ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}
	ks, err := st.Kiosks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []hub.Kiosk{{ID: "kiosk-1", Venue: "venue-1", Added: t0}, {ID: "kiosk-2", Venue: "venue-1", Added: t0, Revoked: t0}}
	if diff := cmp.Diff(want, ks); diff != "" {
		t.Errorf("Kiosks (-want +got):\n%s", diff)
	}
	k, err := st.Authenticate(ctx, token)
	if err != nil || k.ID != "kiosk-1" || k.Venue != "venue-1" {
		t.Errorf("Authenticate = %+v, %v", k, err)
	}
	// Only a hash of the token is on disk.
	st.Close()
	db, err := os.ReadFile(filepath.Join(dir, hub.BoltFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(db, []byte(token)) {
		t.Error("the token is in the database file")
	}
}

func TestExportPurge(t *testing.T) {
	st, _ := mustOpenBolt(t)
	k := hub.Kiosk{ID: "kiosk-1", Venue: "venue-1"}
	// 25,000 entries a second apart: more than one chunk of export and
	// purge.
	es := makeEntries(t, "venue-1", "kiosk-1", 1, 25_000)
	for i := 0; i < len(es); i += entry.MaxBatch {
		if res, err := st.PutEntries(ctx, k, es[i:i+entry.MaxBatch]); err != nil || res.New != entry.MaxBatch {
			t.Fatalf("PutEntries: %d new, %v", res.New, err)
		}
	}
	since := t0.Add(20_000 * time.Second)
	n, prev := 0, ""
	err := st.ExportEntries(ctx, since, func(e entry.Entry) error {
		if e.Time.Before(since) || e.ID <= prev {
			t.Fatalf("exported %s at %s after %s", e.ID, e.Time, prev)
		}
		prev = e.ID
		n++
		return nil
	})
	if err != nil || n != 5000 {
		t.Fatalf("export since: %d, %v; want 5000", n, err)
	}
	stop := errors.New("enough")
	n = 0
	if err := st.ExportEntries(ctx, time.Time{}, func(entry.Entry) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("export stopped by fn: %d, %v", n, err)
	}

	var buf bytes.Buffer
	wrote, err := hub.Export(ctx, st, t0.Add(24_998*time.Second), hub.CSV, &buf)
	if err != nil || wrote != 2 {
		t.Fatalf("CSV export: %d, %v", wrote, err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "id,time,venue,kiosk,method,outcome") || !strings.Contains(lines[1], ",2021-12-13T09:56:38Z,venue-1,kiosk-1,camera,admitted,") {
		t.Errorf("CSV:\n%s", buf.String())
	}

	purged, err := st.PurgeEntries(ctx, since)
	if err != nil || purged != 20_000 {
		t.Fatalf("purge: %d, %v; want 20000", purged, err)
	}
	if n := count(t, st); n != 5000 {
		t.Fatalf("%d left, want 5000", n)
	}
	if purged, err := st.PurgeEntries(ctx, since); err != nil || purged != 0 {
		t.Errorf("purge again: %d, %v", purged, err)
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
