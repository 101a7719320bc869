package ui

import (
	"fmt"
	"log/slog"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/internal/clockcheck"
	"github.com/passgate/passgate/internal/i18n"
)

// PINChecker checks a staff member's PIN and slows down guessing
// (pin.Guard is one): when ok is false, retryAfter is how long that staff
// id must wait before the next try.
type PINChecker interface {
	Check(staff, pin string, now time.Time) (ok bool, retryAfter time.Duration, err error)
}

// SyncState is what the header shows of the link to the hub.
type SyncState struct {
	// Waiting is how many entries the hub has not acknowledged yet.
	Waiting int
	// Online: the last request reached the hub.
	Online bool
}

// Options configure the screen. Kiosk (with its Desk) is required.
type Options struct {
	// Kiosk is the desk with its camera; Run runs it, the screen sends it
	// keyboard-wedge lines and manual entries. It comes configured for the
	// screen: its PreviewFPS is the preview's rate (0 or less for none)
	// and it has no Wedge (Run refuses one).
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
	// Sync returns the state of the link to the hub; nil (or a nil
	// result) means no hub.
	Sync func() *SyncState
	// Stats returns the register's figures as text for the admin menu.
	// Like Purge, Cameras and SetCamera, it is called in a Cmd (off the
	// screen's goroutine, one call at a time) and may take a while: the
	// menu waits for it.
	Stats func() string
	// SyncNow asks the uplink to push and pull at once ("sync now" in the
	// admin menu); nil hides the item (no hub). It must return at once.
	SyncNow func()
	// SyncRound, when set, is what "sync now" runs instead of SyncNow:
	// one round with the hub, in a Cmd; the menu shows its result.
	SyncRound func() SyncReport
	// Figures returns the register's counters for the statistics screen;
	// like Stats it is called in a Cmd. Nil: the screen says there is no
	// register.
	Figures func() (Figures, error)
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
	// IdleAfter is how long the admin menu and the forms stay open
	// without a key; they then close (and opening them asks for a PIN
	// again). 0 means 60 s.
	IdleAfter time.Duration
	// Log gets the staff's actions (admin, manual entries, quitting) and
	// refused PINs, never a PIN or a holder's data; nil means no log.
	Log *slog.Logger
	// Now is the clock of the header and PIN checks; nil means time.Now.
	Now func() time.Time
	// Location is the time zone times are shown in ([kiosk] time_zone);
	// nil shows them in the zone of Now's readings.
	Location *time.Location
	// Clock, when set, says whether the clock can be trusted (the clock
	// check): the header shows "clock wrong" in red while it cannot.
	// Like Trust, it is called on the screen's goroutine and must not
	// block.
	Clock func() clockcheck.State
	// Keys replaces DefaultKeyMap when set.
	Keys *KeyMap
	// OnOutcome, if set, is told of every guest (sounds, the verdict
	// hook); it must return at once.
	OnOutcome func(checkin.Outcome)
	// Audit, if set, is told of each staff action (the admin menu
	// opened, a policy or camera set, a purge, quitting) as an event code
	// (checkin.Audit*), the staff id when known and a short detail, to be
	// kept in the register (checkin.Desk.Audit). It is called on the
	// screen's goroutine, before quitting ends the program, and must
	// return at once (the app queues the event and records it).
	Audit func(event, staff, detail string)
}

// state is what the screen shows.
type state int

const (
	scanning   state = iota // waiting for a guest: preview and instructions
	result                  // a verdict banner
	manual                  // the manual-entry form (and PIN prompts)
	admin                   // the admin menu
	recentView              // the recent-guests list
	statsView               // the statistics screen
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

	preview  bool // shown ("p" toggles); off at first when the kiosk sends none
	thumb    *thumb
	camera   *camera.Status
	kioskErr error
	counts   checkin.Counts
	sync     *SyncState
	wedge    wedge // a keyboard-wedge scanner's line being typed
	outcome  *checkin.Outcome
	// under is the form or menu a verdict shows over (scanning for
	// none): it comes back when the verdict ends.
	under state
	// pending are the keys typed for the form under a verdict, shownAt
	// when that verdict came.
	pending   []tea.KeyPressMsg
	shownAt   time.Time
	help      bool      // the help overlay is open
	touched   time.Time // the last key, for IdleAfter
	seq       int       // of the banner shown
	form      form
	adminMenu adminMenu
	policy    string  // the preset in use at the desk, "" for the bundle's
	recent    []guest // the last verdicts, newest first
	// figures are the statistics screen's, nil until they come.
	figures     *Figures
	figuresErr  error
	figuresBusy bool
	quitting    bool
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
	if o.IdleAfter <= 0 {
		o.IdleAfter = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Trust == nil {
		o.Trust = func() *bundle.Bundle { return nil }
	}
	m := &Model{o: o, keys: DefaultKeyMap(), styles: newStyles(), cats: map[string]*i18n.Catalog{},
		preview: o.Kiosk.PreviewFPS > 0, width: 80, height: 24}
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
