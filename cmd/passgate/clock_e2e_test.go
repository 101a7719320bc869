package main_test

import (
	"crypto/rand"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
)

// TestWrongClockInTmux is the staff day's wrong clock (issue 12, D5, D11)
// in the real binary: the register's last entry is a year ahead of the
// system clock, as after a Pi without a real-time clock boots offline;
// the header says the clock is wrong and a pass is refused for that, not
// judged by a time that is not now.
func TestWrongClockInTmux(t *testing.T) {
	dir := t.TempDir()
	bin := buildInTmux(t, dir)
	cfg, reg := configuredKiosk(t, dir)
	ahead := time.Now().AddDate(1, 0, 0).UTC()
	db, err := store.Open(store.Options{Path: reg, Now: func() time.Time { return ahead }})
	if err != nil {
		t.Fatal(err)
	}
	id, err := entry.NewIDs(rand.Reader).New(ahead)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Record(entry.Entry{ID: id, Time: ahead, Venue: "cafe", Kiosk: "door-1", Method: entry.Camera, Outcome: entry.Admitted,
		Format: "eu-dcc", Type: "t", Country: "KR"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	session := "passgate-e2e-clock-" + filepath.Base(dir)
	tmux(t, "new-session", "-d", "-s", session, "-x", "80", "-y", "24",
		"env", "LANG=en_US.UTF-8", "TERM=xterm-256color", bin, "--config", cfg)
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", session).Run() })
	waitFor(t, session, "CLOCK WRONG", 20*time.Second)
	waitFor(t, session, "the kiosk's clock is wrong: set the time", 30*time.Second)
}
