package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/checkin"
)

// waitFor delivers the next message of the kiosk's stream, as a
// streamMsg: its handler issues waitFor again, so the stream is fed in one
// at a time with exactly one waiter. A closed stream delivers nothing.
func waitFor(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return streamMsg{msg: msg}
	}
}

// tick fires once after d.
func tick(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// clearAfter ends banner seq after d.
func clearAfter(d time.Duration, seq int) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return clearMsg{seq: seq} })
}

// typeLine hands a line typed by a keyboard-wedge scanner to the kiosk.
func typeLine(k *checkin.Kiosk, line string) tea.Cmd {
	return func() tea.Msg {
		out, ok := k.Type(line)
		if !ok {
			return nil
		}
		return outcomeMsg{out: out}
	}
}

// checkPIN asks the guard about a staff member's PIN (slow on purpose:
// argon2id).
func checkPIN(g PINChecker, p purpose, staff, pin string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ok, retry, err := g.Check(staff, pin, now)
		return pinMsg{purpose: p, staff: staff, ok: ok, retry: retry, err: err}
	}
}

// submitManual records a manual entry at the desk.
func submitManual(d *checkin.Desk, m checkin.Manual) tea.Cmd {
	return func() tea.Msg {
		out, err := d.Manual(m)
		return manualMsg{entry: m, out: out, err: err}
	}
}

// purge runs the register's purge (it may take a moment on a Pi's SD card).
func purge(f func() (int, int, error)) tea.Cmd {
	return func() tea.Msg {
		purged, kept, err := f()
		return purgeMsg{purged: purged, kept: kept, err: err}
	}
}

// stats asks the register for its figures (a read of the whole register).
func stats(f func() string) tea.Cmd {
	return func() tea.Msg { return statsMsg{text: f()} }
}

// listCameras asks for the video devices to choose from (it probes the
// devices).
func listCameras(f func() []string) tea.Cmd {
	return func() tea.Msg { return camerasMsg{devices: f()} }
}

// setCamera switches the kiosk to device.
func setCamera(f func(string) error, device string) tea.Cmd {
	return func() tea.Msg { return cameraSetMsg{device: device, err: f(device)} }
}
