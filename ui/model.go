package ui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/uplink"
)

// PINChecker checks a staff member's PIN and slows down guessing
// (pin.Guard is one): when ok is false, retryAfter is how long that staff
// id must wait before the next try.
type PINChecker interface {
	Check(staff, pin string, now time.Time) (ok bool, retryAfter time.Duration, err error)
}

// Options configure the screen. Kiosk (with its Desk) is required.
type Options struct {
	// Kiosk is the desk with its camera; Run runs it, the screen sends it
	// keyboard-wedge lines and manual entries.
	Kiosk *checkin.Kiosk
	// Venue is the name in the header.
	Venue string
	// Lang is the first language, "ko" or "en"; "" means "en".
	Lang string
	// Demo shows the DEMO badge.
	Demo bool
	// Locked is kiosk mode: quitting needs a staff PIN.
	Locked bool
	// PINs checks staff PINs for manual entries, the admin menu and
	// quitting; nil means no staff PINs are configured: manual entry and
	// admin are unavailable and quitting is free.
	PINs PINChecker
	// DemoStaff, when set, is shown on the PIN forms (the demo's
	// "staff id / PIN").
	DemoStaff string
	// Trust returns the bundle in use, for the header; nil means none.
	Trust func() *bundle.Bundle
	// Sync returns the uplink's state; nil (or a nil result) means no hub.
	Sync func() *uplink.State
	// Stats returns the register's figures as text for the admin menu.
	Stats func() string
	// SyncNow asks the uplink to push and pull at once ("sync now" in the
	// admin menu); nil hides the item (no hub). It must return at once.
	SyncNow func()
	// Purge removes the register's entries older than the retention and
	// reports how many went and how many old ones were kept because the
	// hub does not hold them yet; nil hides "purge register".
	Purge func() (purged, kept int, err error)
	// Cameras lists the video devices to choose from, and SetCamera takes
	// the choice; the admin menu offers "camera" only with both.
	Cameras   func() []string
	SetCamera func(device string) error
	// ClearAfter is how long a verdict stays; 0 means 5 s.
	ClearAfter time.Duration
	// PreviewFPS is the preview's rate in Run; 0 means 10.
	PreviewFPS float64
	// Now is the clock of the header and PIN checks; nil means time.Now.
	Now func() time.Time
	// Keys replaces DefaultKeyMap when set.
	Keys *KeyMap
	// OnOutcome, if set, is told of every guest (sounds, the verdict
	// hook); it must return at once.
	OnOutcome func(checkin.Outcome)
}

// state is what the screen shows.
type state int

const (
	scanning state = iota // waiting for a guest: preview and instructions
	result                // a verdict banner
	manual                // the manual-entry form (and PIN prompts)
	admin                 // the admin menu
)

// Model is the screen's state.
type Model struct {
	o      Options
	keys   KeyMap
	styles styles
	cats   map[string]*i18n.Catalog
	cat    *i18n.Catalog
	events <-chan tea.Msg

	width, height int
	state         state
	now           time.Time

	preview   bool
	thumb     *thumb
	camera    *camera.Status
	kioskErr  error
	counts    checkin.Counts
	sync      *uplink.State
	line      string // keyboard-wedge input
	outcome   *checkin.Outcome
	seq       int // of the banner shown
	form      form
	adminMenu adminMenu
	policy    string // the preset in use at the desk, "" for the bundle's
	quitting  bool
}

// New returns the screen's model.
func New(o Options) (*Model, error) {
	if o.Kiosk == nil || o.Kiosk.Desk == nil {
		return nil, fmt.Errorf("ui: a kiosk with a desk is required")
	}
	if o.Lang == "" {
		o.Lang = "en"
	}
	if o.ClearAfter <= 0 {
		o.ClearAfter = 5 * time.Second
	}
	if o.PreviewFPS <= 0 {
		o.PreviewFPS = 10
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Trust == nil {
		o.Trust = func() *bundle.Bundle { return nil }
	}
	m := &Model{o: o, keys: DefaultKeyMap(), styles: newStyles(), cats: map[string]*i18n.Catalog{},
		preview: true, width: 80, height: 24}
	if o.Keys != nil {
		m.keys = *o.Keys
	}
	for _, lang := range []string{"en", "ko"} {
		c, err := i18n.New(lang)
		if err != nil {
			return nil, fmt.Errorf("ui: %w", err)
		}
		m.cats[lang] = c
	}
	c, ok := m.cats[o.Lang]
	if !ok {
		return nil, fmt.Errorf("ui: language %q: want ko or en", o.Lang)
	}
	m.cat = c
	if p := o.Kiosk.Desk.Policy(); p != nil {
		m.policy = p.Name
	}
	m.refresh()
	return m, nil
}

// Init starts the clock and the kiosk's stream.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tick(time.Second)}
	if m.events != nil {
		cmds = append(cmds, waitFor(m.events))
	}
	return tea.Batch(cmds...)
}

// refresh reads the clock, the counts and the sync state.
func (m *Model) refresh() {
	m.now = m.o.Now()
	m.counts = m.o.Kiosk.Desk.Counts()
	if m.o.Sync != nil {
		m.sync = m.o.Sync()
	}
}
