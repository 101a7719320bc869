package app_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/config"
	"github.com/passgate/passgate/internal/testkit/fixtures"
	"github.com/passgate/passgate/verify"
)

// env is an in-process environment on a fixed clock (fixtures.Noon) with
// HOME in a temporary directory, so no configuration file is found.
// over turns key, value pairs into the overrides their flags give.
func over(pairs ...string) []config.Override {
	var o []config.Override
	for i := 0; i+1 < len(pairs); i += 2 {
		o = append(o, config.Override{Key: pairs[i], Value: pairs[i+1], Flag: "--" + pairs[i]})
	}
	return o
}

// openApp loads the configuration that the overrides o make in e and
// opens the app in mode m, closed at the end of the test.
func openApp(t *testing.T, e *app.Env, m app.Mode, o ...config.Override) *app.App {
	t.Helper()
	cfg, err := config.Load("", e.Getenv, o...)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(cfg, e, m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func env(t *testing.T, now time.Time) *app.Env {
	t.Helper()
	home := t.TempDir()
	vars := map[string]string{"HOME": home, "LANG": "en_US.UTF-8"}
	return &app.Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
		Getenv: func(k string) string { return vars[k] }, Now: func() time.Time { return now }}
}

// secrets are the strings no log line may hold for a pass: the holder's
// names, date of birth, UVCI and the pass text itself.
func secrets(t *testing.T, payload string) []string {
	t.Helper()
	out := []string{payload, payload[:40]}
	vd := (&verify.Verifier{Trust: fixtures.Bundle(t)}).Verify(payload, fixtures.Noon)
	if p := vd.Pass; p != nil {
		for _, s := range []string{p.FamilyName, p.GivenName, p.FamilyNameStd, p.GivenNameStd, p.DateOfBirth, p.UVCI} {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// headless opens a kiosk on cfg, runs it headless on the wedge lines (for
// d, or until they and the replay end), calls then, and closes it.
func headless(t *testing.T, cfg config.Config, e *app.Env, wedge string, d time.Duration, then func(*app.App)) {
	t.Helper()
	a, err := app.Open(cfg, e, app.ModeHeadless)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := a.Headless(context.Background(), app.HeadlessOptions{Wedge: strings.NewReader(wedge), Out: &out, For: d}); err != nil {
		t.Fatal(err)
	}
	if then != nil {
		then(a)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
}

func checkLog(t *testing.T, log []byte, secret []string) {
	t.Helper()
	for _, s := range secret {
		if bytes.Contains(log, []byte(s)) {
			t.Errorf("the log holds %q:\n%s", s, log)
		}
	}
}

// TestLogHoldsNoPersonalData runs the demo with a debug log, and a
// configured kiosk that traces contacts with a manual entry, and checks the
// log: it says what happened, and never who.
func TestLogHoldsNoPersonalData(t *testing.T) {
	dir := t.TempDir()
	passes := []string{"vaccination-valid", "test-pcr-valid", "revoked-uci", "vaccination-too-old", "recovery-valid"}
	var wedge strings.Builder
	var secret []string
	for _, n := range passes {
		p := fixtures.Pass(t, n)
		wedge.WriteString(p + "\n")
		secret = append(secret, secrets(t, p)...)
	}
	t.Run("demo", func(t *testing.T) {
		logFile := filepath.Join(dir, "demo.log")
		e := env(t, fixtures.Noon)
		cfg, err := config.Overlay(config.Demo(), e.Getenv, over("log.level", "debug", "log.format", "json", "log.file", logFile)...)
		if err != nil {
			t.Fatal(err)
		}
		headless(t, cfg, e, wedge.String(), 1500*time.Millisecond, nil)
		log, _ := os.ReadFile(logFile)
		if n := bytes.Count(log, []byte(`"msg":"guest"`)); n < len(passes) {
			t.Fatalf("%d guests in the log, want at least %d:\n%s", n, len(passes), log)
		}
		checkLog(t, log, secret)
		checkLog(t, log, secrets(t, fixtures.Pass(t, "vaccination-booster")))
	})

	t.Run("contact tracing", func(t *testing.T) {
		logFile := filepath.Join(dir, "tracing.log")
		bundleFile := filepath.Join(dir, "tracing.bin")
		if err := os.WriteFile(bundleFile, fixtures.TracingBundleData(t), 0o600); err != nil {
			t.Fatal(err)
		}
		replay := filepath.Join(dir, "replay")
		os.MkdirAll(replay, 0o700)
		png, _ := os.ReadFile(fixtures.Path("passes/vaccination-booster.png"))
		os.WriteFile(filepath.Join(replay, "a.png"), png, 0o600)
		e := env(t, fixtures.Noon)
		cfg, err := config.Load("", e.Getenv, over("venue.id", "cafe", "kiosk.id", "door", "trust.bundle_key", fixtures.Path("keys/bundle.pub"),
			"trust.bundle_file", bundleFile, "register.path", filepath.Join(dir, "register.db"), "camera.replay", replay, "camera.fps", "20",
			"sound.enabled", "false", "log.level", "debug", "log.format", "json", "log.file", logFile)...)
		if err != nil {
			t.Fatal(err)
		}
		name, dob, note := "김민지테스트", "1988-07-21", "seen on a phone photo"
		headless(t, cfg, e, wedge.String(), 0, func(a *app.App) {
			m, err := a.Desk.Manual(checkin.Manual{Staff: "kim", Reason: checkin.ReasonOther, Note: note, Name: name, DateOfBirth: dob})
			if err != nil || !m.Recorded || len(m.Entry.Contact) == 0 {
				t.Fatalf("manual entry: %v, recorded %v, sealed contact %d bytes", err, m.Recorded, len(m.Entry.Contact))
			}
		})
		log, _ := os.ReadFile(logFile)
		if !bytes.Contains(log, []byte(`"msg":"guest"`)) || !bytes.Contains(log, []byte("kiosk ready")) {
			t.Fatalf("the log lacks the guests:\n%s", log)
		}
		checkLog(t, log, append(append(secret, name, dob, note), secrets(t, fixtures.Pass(t, "vaccination-booster"))...))
	})
}
