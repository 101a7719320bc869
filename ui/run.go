package ui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/checkin"
)

// Run shows the screen on the terminal until staff quit or ctx ends. It
// runs the kiosk in the background, as given, and feeds its events to the
// screen: the caller sets the kiosk's PreviewFPS (0 for no preview) and
// leaves its Wedge nil, since the screen reads the keyboard itself; a
// kiosk with a Wedge is an error.
func Run(ctx context.Context, o Options) error { return run(ctx, o) }

// run is Run with options for the program (tests run it without a
// terminal).
func run(ctx context.Context, o Options, popts ...tea.ProgramOption) error {
	m, err := New(o)
	if err != nil {
		return err
	}
	k := o.Kiosk // not a copy: the admin menu switches its camera
	if k.Wedge != nil {
		return errors.New("ui: the kiosk has a Wedge, but the screen reads the keyboard itself: run it without one")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := make(chan tea.Msg, 8)
	m.events = events
	send := func(msg tea.Msg) {
		select {
		case events <- msg:
		case <-ctx.Done():
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := k.Run(ctx, func(ev checkin.Event) {
			switch {
			case ev.Outcome != nil:
				send(outcomeMsg{out: *ev.Outcome})
			case ev.Camera != nil:
				send(cameraMsg(*ev.Camera))
			case ev.Preview != nil:
				// Shrunk now: the camera reuses the frame's buffer.
				t := makeThumb(ev.Preview.Frame, ev.Preview.Region)
				select { // a slow screen skips frames
				case events <- previewMsg{t: t}:
				default:
				}
			}
		})
		send(kioskDoneMsg{err: err})
	}()
	_, err = tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx)}, popts...)...).Run()
	cancel()
	<-done
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("screen: %w", err)
	}
	return nil
}
