package checkin_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/internal/testkit/fixtures"
	"github.com/passgate/passgate/store"
	"github.com/passgate/passgate/verify"
)

// logBuffer is a JSON log in memory.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// records are the log's lines, decoded.
func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	var rs []map[string]any
	for line := range strings.Lines(b.String()) {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		rs = append(rs, r)
	}
	return rs
}

// find returns the records at level whose message contains msg.
func (b *logBuffer) find(t *testing.T, level slog.Level, msg string) []map[string]any {
	t.Helper()
	var rs []map[string]any
	for _, r := range b.records(t) {
		if r["level"] == level.String() && strings.Contains(r["msg"].(string), msg) {
			rs = append(rs, r)
		}
	}
	return rs
}

var errNoEntropy = errors.New("no entropy")

// brokenRand fails its first read (the desk's first use of randomness for
// a pass, the sealing of its contact), then reads crypto/rand.
type brokenRand struct {
	mu     sync.Mutex
	failed bool
}

func (r *brokenRand) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.failed {
		r.failed = true
		return 0, errNoEntropy
	}
	return rand.Read(p)
}

func logDesk(t *testing.T, log *slog.Logger, b *bundle.Bundle, reg checkin.Recorder, r io.Reader) *checkin.Desk {
	t.Helper()
	d, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: "door", Trust: func() *bundle.Bundle { return b },
		Register: reg, Secret: []byte("0123456789abcdef0123"), Now: func() time.Time { return noon }, Rand: r, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDeskLog: what goes wrong behind the guest's back is logged once,
// with the entry's id, and nothing that names the guest is.
func TestDeskLog(t *testing.T) {
	var lb logBuffer
	log := lb.logger()
	tracing := fixtures.TracingBundle(t)
	payload := pass(t, "vaccination-valid")
	c := &clock{noon}

	// The contact does not seal: the entry is kept without it.
	d := logDesk(t, log, tracing, openStore(t, c), &brokenRand{})
	unsealed := d.Scan(checkin.Scan{Payload: payload, Method: entry.Camera})
	if !unsealed.Recorded || unsealed.Entry.Contact != nil {
		t.Fatalf("scan with a failing seal: %+v", unsealed)
	}
	if rs := lb.find(t, slog.LevelError, "contact"); len(rs) != 1 || rs[0]["entry"] != unsealed.Entry.ID ||
		!strings.Contains(rs[0]["err"].(string), errNoEntropy.Error()) {
		t.Errorf("seal failure logged as %v, want one error with entry %s", rs, unsealed.Entry.ID)
	}
	// The same for a manual entry with the guest's name.
	m := checkin.Manual{Staff: "kim", Reason: checkin.ReasonOther, Note: "brother of the chef",
		Name: "Lee Soon-shin", DateOfBirth: "1985-07-04"}
	manual, err := logDesk(t, log, tracing, openStore(t, c), &brokenRand{}).Manual(m)
	if err != nil || !manual.Recorded || manual.Entry.Contact != nil {
		t.Fatalf("manual entry with a failing seal: %+v %v", manual, err)
	}
	if rs := lb.find(t, slog.LevelError, "contact"); len(rs) != 2 || rs[1]["entry"] != manual.Entry.ID {
		t.Errorf("manual seal failure logged as %v, want an error with entry %s", rs, manual.Entry.ID)
	}

	// The register fails (with a sealed contact in the entry).
	lost := logDesk(t, log, tracing, failing{store.ErrDiskFull}, nil).Scan(checkin.Scan{Payload: payload, Method: entry.Camera})
	if lost.Recorded || lost.Entry.Contact == nil {
		t.Fatalf("scan with a failing register: %+v", lost)
	}
	if rs := lb.find(t, slog.LevelError, "not recorded"); len(rs) != 1 || rs[0]["entry"] != lost.Entry.ID ||
		!strings.Contains(rs[0]["err"].(string), store.ErrDiskFull.Error()) {
		t.Errorf("record failure logged as %v, want one error with entry %s", rs, lost.Entry.ID)
	}

	// Policy changes say which.
	eu, err := presets.Load("eu-3g")
	if err != nil {
		t.Fatal(err)
	}
	d.SetPolicy(eu)
	d.SetPolicy(nil)
	rs := lb.find(t, slog.LevelInfo, "policy")
	if len(rs) != 2 || rs[0]["preset"] != "eu-3g" || rs[1]["preset"] != nil {
		t.Errorf("policy changes logged as %v", rs)
	}

	p := lost.Verdict.Pass
	secrets := map[string]string{"family name": p.FamilyName, "given name": p.GivenName,
		"standard family name": p.FamilyNameStd, "date of birth": p.DateOfBirth, "UVCI": p.UVCI,
		"payload": payload, "pass prefix": verify.Prefix, "pass text": payload[len(payload)/2 : len(payload)/2+24],
		"manual name": m.Name, "manual date of birth": m.DateOfBirth, "note": m.Note,
		"sealed contact":           string(lost.Entry.Contact),
		"sealed contact in base64": base64.StdEncoding.EncodeToString(lost.Entry.Contact)[:24],
		"sealed contact in hex":    hex.EncodeToString(lost.Entry.Contact)[:24],
	}
	out := lb.String()
	for what, s := range secrets {
		if s == "" {
			t.Fatalf("the fixture has no %s", what)
		}
		if strings.Contains(out, s) {
			t.Errorf("the log shows the %s %q", what, s)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

// TestDeskLogNoTrust: a kiosk without a bundle says so once, not per
// guest, and again if it loses the bundle it had.
func TestDeskLogNoTrust(t *testing.T) {
	var lb logBuffer
	var mu sync.Mutex
	var b *bundle.Bundle
	d, err := checkin.New(checkin.Options{Venue: "cafe", Kiosk: "door", Log: lb.logger(), Now: func() time.Time { return noon },
		Trust: func() *bundle.Bundle { mu.Lock(); defer mu.Unlock(); return b }})
	if err != nil {
		t.Fatal(err)
	}
	set := func(nb *bundle.Bundle) { mu.Lock(); defer mu.Unlock(); b = nb }
	at := noon
	show := func() {
		at = at.Add(10 * time.Minute) // past the duplicate window
		d.Scan(checkin.Scan{Payload: pass(t, "vaccination-valid"), Method: entry.Camera, At: at})
	}
	show()
	show()
	d.Manual(checkin.Manual{Staff: "kim", Reason: checkin.ReasonOutage})
	if n := len(lb.find(t, slog.LevelWarn, "no trust bundle")); n != 1 {
		t.Fatalf("%d warnings for three guests without a bundle, want 1:\n%s", n, lb.String())
	}
	set(fixtureBundle(t))
	show()
	set(nil)
	show()
	if n := len(lb.find(t, slog.LevelWarn, "no trust bundle")); n != 2 {
		t.Fatalf("%d warnings after the bundle came and went, want 2:\n%s", n, lb.String())
	}
}

type failingSync struct{ err error }

func (f failingSync) Run(context.Context) error { return f.err }

// TestKioskLog: a camera that is not there is logged lost once, not at
// every retry; the switch to another and its streaming are logged, and so
// is a sync that stopped.
func TestKioskLog(t *testing.T) {
	devs, label := replayOfValidPass(t, 20)
	var lb logBuffer
	errHub := errors.New("hub key rejected")
	k := &checkin.Kiosk{Desk: newDesk(t, fixtureBundle(t), nil, &clock{noon}),
		Camera: &camera.Camera{Devices: devs, Config: camera.Config{Device: "replay:not-plugged-in"}, Retry: time.Millisecond},
		Sync:   failingSync{errHub}, Log: lb.logger()}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lost := 0
	k.Run(ctx, func(ev checkin.Event) {
		switch {
		case ev.Camera == nil:
		case ev.Camera.State == camera.Lost:
			if lost++; lost == 5 {
				if err := k.SwitchCamera(label); err != nil {
					t.Error(err)
				}
			}
		case ev.Camera.State == camera.Streaming:
			cancel()
		}
	})
	if lost < 5 {
		t.Fatalf("camera lost %d times, want 5 retries before the switch", lost)
	}
	if rs := lb.find(t, slog.LevelWarn, "camera lost"); len(rs) != 1 || rs[0]["device"] != "replay:not-plugged-in" ||
		!strings.Contains(rs[0]["err"].(string), camera.ErrNoCamera.Error()) {
		t.Errorf("camera lost %d times logged as %v, want once with the device and why", lost, rs)
	}
	if rs := lb.find(t, slog.LevelInfo, "camera switch"); len(rs) != 1 || rs[0]["device"] != label {
		t.Errorf("switch logged as %v", rs)
	}
	if rs := lb.find(t, slog.LevelInfo, "camera streaming"); len(rs) != 1 || rs[0]["device"] != label || rs[0]["mode"] == nil {
		t.Errorf("streaming logged as %v", rs)
	}
	if rs := lb.find(t, slog.LevelError, "sync"); len(rs) != 1 || rs[0]["err"] != errHub.Error() {
		t.Errorf("the sync's error logged as %v", rs)
	}
	if t.Failed() {
		t.Log(lb.String())
	}
}
