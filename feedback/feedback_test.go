package feedback_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/feedback"
)

var at = time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)

// TestHook: the hook gets the outcome as JSON on stdin; a slow hook is
// killed at its timeout and reported; duplicates get no feedback.
func TestHook(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	f := feedback.New(feedback.Options{Hook: "cat > " + out})
	f.Outcome(checkin.Outcome{Time: at, Method: entry.Camera, Admitted: false, Reason: "revoked", Recorded: true})
	f.Wait()
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r checkin.Report
	if err := json.Unmarshal(b, &r); err != nil || r.Admitted || r.Reason != "revoked" || r.Method != "camera" {
		t.Fatalf("hook got %s (%v)", b, err)
	}
	os.Remove(out)
	f.Outcome(checkin.Outcome{Time: at, Duplicate: true})
	f.Wait()
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a duplicate ran the hook")
	}

	var mu sync.Mutex
	var errs []error
	slow := feedback.New(feedback.Options{Hook: "sleep 5", HookTimeout: 100 * time.Millisecond,
		Errors: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }})
	start := time.Now()
	slow.Outcome(checkin.Outcome{Time: at, Admitted: true})
	if time.Since(start) > 50*time.Millisecond {
		t.Fatal("Outcome waited for the hook")
	}
	slow.Wait()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "killed after") {
		t.Fatalf("errors %v", errs)
	}

	// A hook that fails after echoing what it got: the error says so,
	// and holds nothing of the guest (it goes to the kiosk's log).
	errs = nil
	echo := feedback.New(feedback.Options{Hook: "cat; echo oops >&2; exit 3",
		Errors: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }})
	echo.Outcome(checkin.Outcome{Time: at, Admitted: true, Reason: "secret-reason-x"})
	echo.Wait()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "exit status 3") || strings.Contains(errs[0].Error(), "secret-reason-x") {
		t.Fatalf("errors %v", errs)
	}
}

// TestSound: without aplay the terminal bell rings; with it, aplay gets a
// WAV on its standard input.
func TestSound(t *testing.T) {
	var bell bytes.Buffer
	f := feedback.New(feedback.Options{Sound: true, Bell: &bell,
		LookPath: func(string) (string, error) { return "", errors.New("no aplay") }})
	f.Outcome(checkin.Outcome{Time: at, Admitted: true})
	if bell.String() != "\a" {
		t.Fatalf("bell %q", bell.String())
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "aplay")
	got := filepath.Join(dir, "played")
	os.WriteFile(fake, []byte("#!/bin/sh\ncat > "+got+"\n"), 0o755)
	f = feedback.New(feedback.Options{Sound: true, LookPath: func(string) (string, error) { return fake, nil }})
	f.Outcome(checkin.Outcome{Time: at, Admitted: false})
	f.Wait()
	b, err := os.ReadFile(got)
	if err != nil || !bytes.HasPrefix(b, []byte("RIFF")) || len(b) < 1000 {
		t.Fatalf("aplay got %d bytes (%v)", len(b), err)
	}
	// A venue's own sound replaces the built-in one.
	f = feedback.New(feedback.Options{Sound: true, AdmitWAV: []byte("RIFFmine"), LookPath: func(string) (string, error) { return fake, nil }})
	f.Outcome(checkin.Outcome{Time: at, Admitted: true})
	f.Wait()
	if b, _ := os.ReadFile(got); string(b) != "RIFFmine" {
		t.Fatalf("aplay got %q, want the venue's sound", b)
	}
}
