package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/internal/testkit/fixtures"
)

// openAdmin opens the admin menu with the right PIN and moves to item.
func openAdmin(t *testing.T, m *Model, item adminItem) {
	t.Helper()
	press(m, "a", "kim", "enter", "1234", "enter")
	if m.state != admin {
		t.Fatalf("admin menu not open: state %v", m.state)
	}
	for m.adminItems()[m.adminMenu.cursor] != item {
		press(m, "down")
		if m.adminMenu.cursor == 0 {
			t.Fatalf("item %v not in the menu", item)
		}
	}
}

func screenText(m *Model) string { return ansi.Strip(m.render()) }

func TestAdminSyncNow(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	openAdmin(t, m, itemSync)
	press(m, "enter")
	if fakesOf[m].syncs != 1 || !strings.Contains(screenText(m), "sync requested") {
		t.Fatalf("syncs %d\n%s", fakesOf[m].syncs, screenText(m))
	}
}

func TestAdminPurge(t *testing.T) {
	m := newModel(t, "ko", 80, 24, noon, fixtureBundle(t))
	openAdmin(t, m, itemPurge)
	press(m, "enter")
	if fakesOf[m].purges != 1 || m.adminMenu.busy || !strings.Contains(screenText(m), "7건 삭제, 2건 보관") {
		t.Fatalf("purges %d\n%s", fakesOf[m].purges, screenText(m))
	}
}

// TestAdminItemsHidden: without SyncNow, Purge and Cameras the menu
// does not offer them.
func TestAdminItemsHidden(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	m.o.SyncNow, m.o.Purge, m.o.Cameras = nil, nil, nil
	press(m, "a", "kim", "enter", "1234", "enter")
	s := screenText(m)
	for _, hidden := range []string{"Sync now", "Purge register", "Camera"} {
		if strings.Contains(s, hidden) {
			t.Errorf("%q shown:\n%s", hidden, s)
		}
	}
	if !strings.Contains(s, "Policy: the bundle's") {
		t.Errorf("no policy item:\n%s", s)
	}
}

// TestAdminPolicyPreset: Enter cycles the bundle's policy and the
// presets, and the desk verifies with the choice.
func TestAdminPolicyPreset(t *testing.T) {
	before := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	scan(t, before, "vaccination-too-old")
	if before.outcome.Admitted {
		t.Fatal("the bundle's policy admitted a vaccination older than 180 days")
	}
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	openAdmin(t, m, itemPolicy)
	names := presets.Names()
	for _, want := range names {
		press(m, "enter")
		if p := m.o.Kiosk.Desk.Policy(); p == nil || p.Name != want || !strings.Contains(screenText(m), "Policy: "+want) {
			t.Fatalf("want %s, desk has %+v\n%s", want, p, screenText(m))
		}
		if want == "eu-3g" {
			press(m, "esc")
			scan(t, m, "vaccination-too-old")
			if !m.outcome.Admitted {
				t.Fatalf("eu-3g (no upper limit) refused an old vaccination: %+v", m.outcome)
			}
			openAdmin(t, m, itemPolicy)
		}
	}
	press(m, "enter")
	if m.o.Kiosk.Desk.Policy() != nil || !strings.Contains(screenText(m), "Policy: the bundle's") {
		t.Fatalf("not back to the bundle's policy\n%s", screenText(m))
	}
}

// TestAdminCamera: the device list, an accepted choice and a refused one.
func TestAdminCamera(t *testing.T) {
	m := newModel(t, "en", 120, 40, noon, fixtureBundle(t))
	openAdmin(t, m, itemCamera)
	press(m, "enter")
	s := screenText(m)
	if !m.adminMenu.picking || !strings.Contains(s, "Choose the camera:") || !strings.Contains(s, "video2;video2") {
		t.Fatalf("no device list:\n%s", s)
	}
	press(m, "enter")
	if m.adminMenu.picking || fakesOf[m].camera != "video0;video0" || !strings.Contains(screenText(m), "now reading video0;video0") {
		t.Fatalf("camera %q\n%s", fakesOf[m].camera, screenText(m))
	}
	press(m, "enter", "down", "enter")
	if fakesOf[m].camera != "video0;video0" || !strings.Contains(screenText(m), "camera video2;video2: busy") {
		t.Fatalf("camera %q\n%s", fakesOf[m].camera, screenText(m))
	}
	press(m, "enter", "esc")
	if m.state != scanning {
		t.Fatal("esc in the device list did not return to scanning")
	}
	openAdmin(t, m, itemCamera)
	m.o.Cameras = func() []string { return nil }
	press(m, "enter")
	if m.adminMenu.picking || !strings.Contains(screenText(m), "no cameras found") {
		t.Fatalf("empty list:\n%s", screenText(m))
	}
}

// TestManualContactFields: with contact tracing the form asks for the
// holder's name and date of birth and hands them to the desk.
func TestManualContactFields(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, tracingBundle(t))
	press(m, "m")
	if s := screenText(m); !m.form.contact || !strings.Contains(s, "Holder's name:") || !strings.Contains(s, "Date of birth:") {
		t.Fatalf("no contact fields:\n%s", s)
	}
	press(m, "enter", "enter")
	if m.form.field != fieldName || !strings.Contains(screenText(m), "type the holder's name") {
		t.Fatalf("empty name accepted: field %v", m.form.field)
	}
	press(m, "홍 길동", "enter", "1990-13-01", "enter")
	if m.form.field != fieldDOB || !strings.Contains(screenText(m), "YYYY-MM-DD") {
		t.Fatalf("bad date accepted: field %v", m.form.field)
	}
	for range len("13-01") {
		press(m, "backspace")
	}
	press(m, "03-01", "enter", "kim", "enter", "1234", "enter")
	o := m.outcome
	if m.state != result || o == nil || o.Method != entry.Manual || o.Manual.Name != "홍 길동" || o.Manual.DateOfBirth != "1990-03-01" {
		t.Fatalf("state %v outcome %+v", m.state, o)
	}
}

// TestManualNoContactFields: without contact tracing the form goes from
// the reason to the staff id, and the entry carries no identity.
func TestManualNoContactFields(t *testing.T) {
	m := newModel(t, "en", 80, 24, noon, fixtureBundle(t))
	press(m, "m")
	if m.form.contact || strings.Contains(screenText(m), "Holder's name:") {
		t.Fatal("contact fields without contact tracing")
	}
	press(m, "enter")
	if m.form.field != fieldStaff {
		t.Fatalf("field %v after the reason", m.form.field)
	}
	press(m, "kim", "enter", "1234", "enter")
	if m.outcome == nil || m.outcome.Manual.Name != "" || m.outcome.Manual.DateOfBirth != "" {
		t.Fatalf("outcome %+v", m.outcome)
	}
}

// TestTrustLevels: the header's trust status is green while the bundle is
// valid, amber once past its valid-until, red a week after.
func TestTrustLevels(t *testing.T) {
	b := fixtureBundle(t)
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{noon, "trust bundle 3 days old"},
		{b.ValidUntil().Add(time.Hour), "old: stale"},
		{b.ValidUntil().Add(8 * 24 * time.Hour), "verify by hand"},
	} {
		m := newModel(t, "en", 120, 40, c.at, b)
		if s := screenText(m); !strings.Contains(s, c.want) {
			t.Errorf("at %v: header lacks %q:\n%s", c.at, c.want, strings.SplitN(s, "\n", 3)[1])
		}
	}
}

func tracingBundle(t *testing.T) *bundle.Bundle { return fixtures.TracingBundle(t) }

// TestAdminNoIOInUpdate: the register's stats, the device list and the
// camera switch are asked for in Cmds, so a slow answer does not freeze
// the screen; keys pressed meanwhile do nothing.
func TestAdminNoIOInUpdate(t *testing.T) {
	for _, c := range []struct {
		name string
		item adminItem
		// block makes the call blocking on release; before is pressed
		// before the blocking Enter.
		block  func(m *Model, release <-chan struct{})
		before []string
		want   string
	}{
		{"stats", itemStats, func(m *Model, release <-chan struct{}) {
			m.o.Stats = func() string { <-release; return "entries 12" }
		}, nil, "entries 12"},
		{"cameras", itemCamera, func(m *Model, release <-chan struct{}) {
			m.o.Cameras = func() []string { <-release; return []string{"video4"} }
		}, nil, "video4"},
		{"set camera", itemCamera, func(m *Model, release <-chan struct{}) {
			m.o.SetCamera = func(dev string) error { <-release; fakesOf[m].camera = dev; return nil }
		}, []string{"enter"}, "now reading video0;video0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := newModel(t, "en", 120, 40, noon, fixtureBundle(t))
			openAdmin(t, m, c.item)
			press(m, c.before...)
			release := make(chan struct{})
			var once sync.Once
			free := func() { once.Do(func() { close(release) }) }
			t.Cleanup(free)
			c.block(m, release)
			done := make(chan tea.Cmd, 1)
			go func() { done <- update(m, tea.KeyPressMsg{Code: tea.KeyEnter}) }()
			var cmd tea.Cmd
			select {
			case cmd = <-done:
			case <-time.After(2 * time.Second):
				free()
				<-done
				t.Fatal("Update waited for the kiosk's answer")
			}
			if cmd == nil || !m.adminMenu.busy {
				t.Fatalf("no Cmd (%v) or not busy (%v)", cmd != nil, m.adminMenu.busy)
			}
			cursor, picking := m.adminMenu.cursor, m.adminMenu.picking
			for _, k := range []string{"down", "enter"} {
				if got := update(m, keyMsg(k)); got != nil || m.state != admin ||
					m.adminMenu.cursor != cursor || m.adminMenu.picking != picking {
					t.Fatalf("%s while busy: cmd %v, state %v, cursor %d, picking %v", k, got != nil, m.state, m.adminMenu.cursor, m.adminMenu.picking)
				}
			}
			answer := make(chan tea.Msg, 1)
			go func() { answer <- cmd() }()
			free()
			exec(m, update(m, <-answer))
			if m.adminMenu.busy || !strings.Contains(screenText(m), c.want) {
				t.Fatalf("busy %v\n%s", m.adminMenu.busy, screenText(m))
			}
		})
	}
}
