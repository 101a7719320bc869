package ui

import (
	"errors"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
	"github.com/passgate/passgate/internal/testkit/fixtures"
	"github.com/passgate/passgate/verify"
)

var noon = fixtures.Noon

// fakePINs accepts staff "kim" with PIN "1234"; a wrong PIN locks for 30 s.
type fakePINs struct{ tries int }

func (f *fakePINs) Check(staff, pin string, now time.Time) (bool, time.Duration, error) {
	f.tries++
	if staff == "kim" && pin == "1234" {
		return true, 0, nil
	}
	return false, 30 * time.Second, errors.New("wrong PIN")
}

// fakes counts what the admin menu asked of the kiosk.
type fakes struct {
	syncs, purges int
	camera        string
	clock         *time.Time // the model's and the desk's clock: tests move it
}

// warm makes the process's first verdict, once.
var warm sync.Once

// fakesOf maps a model to its fakes.
var fakesOf = map[*Model]*fakes{}

// newModel is a screen on a desk with the fixture bundle, its clock at at.
// Each of desk changes the desk's options first.
func newModel(t *testing.T, lang string, w, h int, at time.Time, trust *bundle.Bundle, desk ...func(*checkin.Options)) *Model {
	t.Helper()
	// The first verdict of the process compiles verify's schemas (a
	// tenth of a second or more on a busy machine): paid here, not by a
	// Cmd that exec gives 100 ms.
	warm.Do(func() { (&verify.Verifier{Trust: fixtureBundle(t)}).Verify(pass(t, "vaccination-valid"), noon) })
	clock := at
	now := func() time.Time { return clock }
	do := checkin.Options{Venue: "cafe", Kiosk: "door", Now: now,
		Trust: func() *bundle.Bundle { return trust }}
	for _, f := range desk {
		f(&do)
	}
	d, err := checkin.New(do)
	if err != nil {
		t.Fatal(err)
	}
	fx := &fakes{clock: &clock}
	m, err := New(Options{Kiosk: &checkin.Kiosk{Desk: d, PreviewFPS: 10}, Venue: "Café 서울 Gangnam", Lang: lang, Demo: true,
		Locked: true, PINs: &fakePINs{}, Now: now, Trust: func() *bundle.Bundle { return trust },
		Sync:    func() *SyncState { return &SyncState{Waiting: 3, Online: true} },
		Stats:   func() string { return "entries 12\nadmitted 9 · refused 3" },
		SyncNow: func() { fx.syncs++ },
		Purge:   func() (int, int, error) { fx.purges++; return 7, 2, nil },
		Cameras: func() []string { return []string{"video0;video0", "video2;video2"} },
		SetCamera: func(dev string) error {
			if dev == "video2;video2" {
				return errors.New("busy")
			}
			fx.camera = dev
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	fakesOf[m] = fx
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Update(cameraMsg(camera.Status{State: camera.Streaming, Device: "replay:demo"}))
	m.Update(previewMsg{t: gradient()})
	return m
}

// gradient is a synthetic 16:9 frame with a found code in the middle.
func gradient() *thumb {
	f := &camera.Frame{Width: 320, Height: 180, Stride: 320, Y: make([]byte, 320*180)}
	for y := range 180 {
		for x := range 320 {
			f.Y[y*320+x] = byte((x + y) * 255 / 500)
		}
	}
	return makeThumb(f, imageRect(120, 50, 200, 130))
}

// press sends keys: names ("enter", "esc", "ctrl+r") or text.
func press(m *Model, keys ...string) {
	for _, k := range keys {
		if msg, ok := namedKeys[k]; ok {
			exec(m, update(m, msg))
			continue
		}
		for _, r := range k {
			exec(m, update(m, tea.KeyPressMsg{Code: r, Text: string(r)}))
		}
	}
}

// namedKeys are the keys press takes by name.
var namedKeys = map[string]tea.KeyPressMsg{
	"enter":     {Code: tea.KeyEnter},
	"esc":       {Code: tea.KeyEsc},
	"down":      {Code: tea.KeyDown},
	"backspace": {Code: tea.KeyBackspace},
	"ctrl+r":    {Code: 'r', Mod: tea.ModCtrl},
	"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
	"f1":        {Code: tea.KeyF1},
	"up":        {Code: tea.KeyUp},
}

// keyMsg is the key named k.
func keyMsg(k string) tea.KeyPressMsg { return namedKeys[k] }

func update(m *Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

// exec runs cmd and feeds what it returns back to m, like the program
// does; timers (the clock, the banner's end) are left out.
func exec(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		switch msg := msg.(type) {
		case nil, tickMsg, clearMsg:
		case tea.BatchMsg:
			for _, c := range msg {
				exec(m, c)
			}
		default:
			exec(m, update(m, msg))
		}
	case <-time.After(100 * time.Millisecond):
	}
}

func fixtureBundle(t testing.TB) *bundle.Bundle { return fixtures.Bundle(t) }

func pass(t testing.TB, name string) string { return fixtures.Pass(t, name) }
