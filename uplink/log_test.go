package uplink_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/uplink"
)

// logLines is a log kept as JSON lines, safe for the loop's goroutine.
type logLines struct {
	mu  sync.Mutex
	buf bytes.Buffer // since the last take
	all strings.Builder
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all.Write(p)
	return l.buf.Write(p)
}

// take returns the lines logged since the last call, decoded.
func (l *logLines) take(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(l.buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	l.buf.Reset()
	return out
}

// logged returns the lines with the message msg.
func logged(lines []map[string]any, msg string) []map[string]any {
	var out []map[string]any
	for _, l := range lines {
		if l["msg"] == msg {
			out = append(out, l)
		}
	}
	return out
}

// TestLog drives the sync loop through a bundle taken into use but not
// kept, a refused entry, a refused bundle and a streak of failed rounds,
// and checks each is logged once, at its level, with its keys, and
// nothing personal.
func TestLog(t *testing.T) {
	_, priv := keys(t)
	_, forger, _ := ed25519.GenerateKey(nil)
	clock := newFakeClock(t0)
	es := entries(t, 5)
	for i := range es {
		es[i].Holder, es[i].Note = "Erika Mustermann", "came with Max Mustermann"
	}
	hub := &fakeHub{now: clock.Now, bundle: signedBundle(t, priv, 5), stored: map[string]int{}, rejectID: es[2].ID}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	var out logLines
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "bundle.bin")
	u := newUplink(t, srv.URL, &memRegister{pending: slices.Clone(es)}, clock.loop().options(uplink.Options{
		BundlePath: path, PullEvery: time.Minute, PushEvery: 10 * time.Second,
		BackoffMin: time.Second, BackoffMax: time.Minute,
		Log: slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}))
	// Where the bundle is to be kept is a file: keeping it fails.
	if err := os.WriteFile(filepath.Join(dir, "sub"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	stop := run(u)
	defer stop()

	// The first round: the bundle is taken into use, not kept; one entry
	// of five is refused.
	clock.idle(t)
	lines := out.take(t)
	swap := logged(lines, "bundle taken into use")
	if len(swap) != 1 || swap[0]["level"] != "INFO" || swap[0]["sequence"] != 5.0 || swap[0]["previous"] != 0.0 ||
		swap[0]["valid_until"] != t0.Add(72*time.Hour).Format(time.RFC3339) || swap[0]["delta"] != false ||
		swap[0]["segments"] != 0.0 || swap[0]["expired"] != false {
		t.Errorf("bundle taken into use: %v", swap)
	}
	if kept := logged(lines, "bundle not kept: a restart starts with the one kept before"); len(kept) != 1 ||
		kept[0]["level"] != "ERROR" || kept[0]["path"] != path || !strings.Contains(kept[0]["err"].(string), "keep bundle") {
		t.Errorf("bundle not kept: %v", kept)
	}
	if rej := logged(lines, "entry refused by the hub"); len(rej) != 1 || rej[0]["level"] != "WARN" ||
		rej[0]["id"] != es[2].ID || rej[0]["reason"] != "no" {
		t.Errorf("refused entry: %v", rej)
	}
	if push := logged(lines, "pushed entries"); len(push) != 1 || push[0]["level"] != "INFO" ||
		push[0]["acked"] != 4.0 || push[0]["rejected"] != 1.0 {
		t.Errorf("push: %v", push)
	}
	if len(lines) != 4 {
		t.Errorf("first round: %d lines, want 4: %v", len(lines), lines)
	}

	// The refused entry is offered again with each push, and refused
	// again: news no more.
	clock.advance(t, 10*time.Second)
	lines = out.take(t)
	if rej := logged(lines, "entry refused by the hub"); len(rej) != 1 || rej[0]["level"] != "DEBUG" || rej[0]["id"] != es[2].ID {
		t.Errorf("entry refused again: %v", rej)
	}
	if push := logged(lines, "pushed entries"); len(push) != 1 || push[0]["level"] != "DEBUG" ||
		push[0]["acked"] != 0.0 || push[0]["rejected"] != 1.0 {
		t.Errorf("push of nothing new: %v", push)
	}

	// A forged bundle at the hub is refused; the kiosk keeps sequence 5.
	// Refused again at the next pull, it is logged at Debug.
	hub.mu.Lock()
	hub.bundle = signedBundle(t, forger, 9)
	hub.mu.Unlock()
	clock.advance(t, 3*time.Minute)
	refused := logged(out.take(t), "bundle from the hub refused")
	if len(refused) < 2 || refused[0]["level"] != "WARN" || refused[0]["kept_sequence"] != 5.0 ||
		!strings.Contains(refused[0]["reason"].(string), "signature") {
		t.Fatalf("refused bundle: %v", refused)
	}
	for _, r := range refused[1:] {
		if r["level"] != "DEBUG" || r["kept_sequence"] != 5.0 {
			t.Errorf("the same refusal again: %v", r)
		}
	}

	// The hub is busy for two pushes: the first failure at Warn with the
	// wait, the second at Debug, then the hub is reached again.
	hub.busy.Store(2)
	clock.until(t, clock.Now().Add(time.Hour), func() bool { return hub.busy.Load() == 0 && u.State().LastError == nil })
	lines = out.take(t)
	failed := logged(lines, "sync failed")
	if len(failed) != 2 {
		t.Fatalf("failed rounds: %v", failed)
	}
	for i, f := range failed {
		wantLevel := []string{"WARN", "DEBUG"}[i]
		wait, _ := f["wait"].(float64)
		if f["level"] != wantLevel || f["failures"] != float64(i+1) || time.Duration(wait) < time.Second ||
			!strings.Contains(f["err"].(string), "HTTP 503") {
			t.Errorf("failure %d: %v", i+1, f)
		}
	}
	if back := logged(lines, "hub reached again"); len(back) != 1 || back[0]["level"] != "INFO" || back[0]["failures"] != 2.0 {
		t.Errorf("hub reached again: %v", back)
	}
	stop()

	out.mu.Lock()
	defer out.mu.Unlock()
	for _, secret := range []string{"Mustermann", `"tok"`, "Bearer"} {
		if strings.Contains(out.all.String(), secret) {
			t.Errorf("the log holds %s:\n%s", secret, out.all.String())
		}
	}
}
