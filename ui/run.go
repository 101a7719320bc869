package ui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/checkin"
)

// Run shows the screen on the terminal until staff quit or ctx ends. It
// runs the kiosk in the background and feeds its events to the screen.
func Run(ctx context.Context, o Options) error {
	m, err := New(o)
	if err != nil {
		return err
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
	k := o.Kiosk // not a copy: the admin menu switches its camera
	k.PreviewFPS = m.o.PreviewFPS
	k.Wedge = nil // the screen reads the keyboard
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
	_, err = tea.NewProgram(m, tea.WithContext(ctx)).Run()
	cancel()
	<-done
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("screen: %w", err)
	}
	return nil
}
