package camera

import (
	"context"
	"errors"
	"io"
	"time"
)

// State is what a Camera is doing, for the screen.
type State int

// The states of a Camera.
const (
	Connecting State = iota // opening the device
	Streaming               // frames are coming
	Lost                    // the device failed or is missing; retrying
	Stopped                 // Run has returned
)

func (s State) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case Streaming:
		return "streaming"
	case Lost:
		return "lost"
	case Stopped:
		return "stopped"
	}
	return "unknown"
}

// Status is a change of a Camera's state.
type Status struct {
	State  State
	Device string // label of the device, when open
	Mode   Mode
	Err    error // why the device was lost, for Lost
	Time   time.Time
}

// Camera keeps a device open: when it is unplugged or fails it reports
// Lost and opens it again as soon as it is back.
type Camera struct {
	Devices *Devices
	Config  Config
	// Retry is the wait between attempts to open the device; 0 is 1 s.
	Retry time.Duration
	// OnStatus, if set, is called on every change of state, from Run's
	// goroutine.
	OnStatus func(Status)
}

// Run delivers frames until ctx ends (it then returns nil), a replay that
// does not loop ends (nil), or the build has no camera support
// (ErrNoSupport). deliver owns each frame and must return quickly: the
// next frame waits for it. The frame may outlive the call; whoever is done
// with it last calls Frame.Release, so a later frame reuses its buffer.
func (c *Camera) Run(ctx context.Context, deliver func(*Frame)) error {
	retry := c.Retry
	if retry <= 0 {
		retry = time.Second
	}
	defer c.report(Status{State: Stopped})
	for ctx.Err() == nil {
		c.report(Status{State: Connecting})
		s, err := c.Devices.Open(c.Config)
		if errors.Is(err, ErrNoSupport) {
			return err
		}
		if err == nil {
			c.report(Status{State: Streaming, Device: s.Label(), Mode: s.Mode()})
			err = c.stream(ctx, s, deliver)
			if err == nil || ctx.Err() != nil {
				return nil
			}
		}
		c.report(Status{State: Lost, Err: err})
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
	return nil
}

// stream reads frames until the stream fails (the error), ends (nil) or
// ctx ends (nil).
func (c *Camera) stream(ctx context.Context, s *Stream, deliver func(*Frame)) error {
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	defer s.Close()
	for {
		f, err := s.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		deliver(f)
	}
}

func (c *Camera) report(st Status) {
	if c.OnStatus == nil {
		return
	}
	if st.Time.IsZero() {
		st.Time = c.Devices.now()
	}
	c.OnStatus(st)
}
