package ui

import (
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/camera"
)

// loop runs a model the way the Bubble Tea runtime does: every Cmd in its
// own goroutine, batches split, every message back through one Update.
type loop struct {
	t    *testing.T
	m    *Model
	msgs chan tea.Msg
}

func newLoop(t *testing.T, m *Model) *loop {
	return &loop{t: t, m: m, msgs: make(chan tea.Msg, 64)}
}

// run executes cmd in the background.
func (l *loop) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		switch msg := cmd().(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range msg {
				l.run(c)
			}
		default:
			l.msgs <- msg
		}
	}()
}

// update hands msg to the model and runs what it returns.
func (l *loop) update(msg tea.Msg) {
	_, cmd := l.m.Update(msg)
	l.run(cmd)
}

// press types keys as press does, each through update.
func (l *loop) press(keys ...string) {
	for _, k := range keys {
		if k == "enter" {
			l.update(tea.KeyPressMsg{Code: tea.KeyEnter})
			continue
		}
		for _, r := range k {
			l.update(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
}

// until handles messages until one satisfies done.
func (l *loop) until(what string, done func(tea.Msg) bool) {
	l.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case msg := <-l.msgs:
			l.update(msg)
			if done(msg) {
				return
			}
		case <-timeout:
			l.t.Fatalf("no %s within 5 s", what)
		}
	}
}

// waitForFrame is the frame of waitFor's Cmd, named after the caller too
// when waitFor is inlined ("ui.(*Model).Init.waitFor.func1").
var waitForFrame = regexp.MustCompile(`passgate/ui\.\S*waitFor\.func`)

// waiters counts the goroutines blocked in waitFor's Cmd.
func waiters() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if waitForFrame.MatchString(g) {
			count++
		}
	}
	return count
}

// mostWaiters is the most waiters seen over a tenth of a second: a Cmd
// just returned by Update may not have started yet.
func mostWaiters() int {
	most := 0
	for deadline := time.Now().Add(100 * time.Millisecond); time.Now().Before(deadline); {
		most = max(most, waiters())
		time.Sleep(5 * time.Millisecond)
	}
	return most
}

// notTimer tells the messages that are not the clock's or the banner's.
func notTimer(msg tea.Msg) bool {
	switch msg.(type) {
	case tickMsg, clearMsg:
		return false
	}
	return true
}

// TestOneWaiter: typed passes and manual entries are Cmd results, not
// messages of the kiosk's stream, so they must not start another wait on
// it; the stream's own messages keep exactly one waiter going.
func TestOneWaiter(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	events := make(chan tea.Msg)
	m.events = events
	t.Cleanup(func() { close(events) }) // the waiters left return
	l := newLoop(t, m)
	l.run(m.Init())
	if n := mostWaiters(); n != 1 {
		t.Fatalf("after Init: %d waiters on the stream, want 1", n)
	}
	isOutcome := func(msg tea.Msg) bool { _, ok := msg.(outcomeMsg); return ok }
	for i, name := range []string{"vaccination-valid", "revoked-uci", "vaccination-valid"} {
		l.press(pass(t, name), "enter")
		l.until("verdict of the typed pass", isOutcome)
		if n := mostWaiters(); n != 1 {
			t.Fatalf("after %d typed passes: %d waiters on the stream, want 1", i+1, n)
		}
	}
	l.press("m", "enter", "kim", "enter", "1234", "enter")
	l.until("answer to the manual entry", func(msg tea.Msg) bool { _, ok := msg.(manualMsg); return ok })
	if m.state != result || m.outcome == nil || m.outcome.Manual == nil {
		t.Fatalf("manual entry not shown: state %v", m.state)
	}
	if n := mostWaiters(); n != 1 {
		t.Fatalf("after a manual entry: %d waiters on the stream, want 1", n)
	}
	for i := range 3 {
		events <- cameraMsg(camera.Status{State: camera.Streaming, Device: "video0"})
		l.until("camera state from the stream", notTimer)
		if n := mostWaiters(); n != 1 {
			t.Fatalf("after %d stream messages: %d waiters on the stream, want 1", i+1, n)
		}
	}
	events <- kioskDoneMsg{}
	l.until("end of the kiosk", notTimer)
	if n := mostWaiters(); n != 0 {
		t.Fatalf("after the kiosk ended: %d waiters on the stream, want 0", n)
	}
}
