package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
)

// streamMsg is a message of the kiosk's stream (outcomeMsg, cameraMsg,
// previewMsg, kioskDoneMsg), as waitFor delivers it. Only its handler
// waits for the next one: the same messages returned by a Cmd (a typed
// pass's outcomeMsg) must not, or waiters would pile up on the stream.
type streamMsg struct{ msg tea.Msg }

// outcomeMsg is one guest at the desk: from the camera (on the stream) or
// a keyboard-wedge scan (from typeLine).
type outcomeMsg struct{ out checkin.Outcome }

// cameraMsg is a change of the camera's state.
type cameraMsg camera.Status

// previewMsg is a camera frame, already shrunk for the screen.
type previewMsg struct{ t *thumb }

// kioskDoneMsg: the kiosk's Run returned (the camera cannot be opened,
// say); the screen stays for manual entries.
type kioskDoneMsg struct{ err error }

// tickMsg refreshes the clock, the counts and the sync state.
type tickMsg time.Time

// clearMsg ends the verdict banner numbered seq (a newer verdict keeps its
// own time).
type clearMsg struct{ seq int }

// pinMsg is the answer of the PIN guard for a form.
type pinMsg struct {
	purpose purpose
	staff   string
	ok      bool
	retry   time.Duration
	err     error
}

// manualMsg is the desk's answer to a manual entry.
type manualMsg struct {
	entry checkin.Manual // as handed to the desk
	out   checkin.Outcome
	err   error
}

// purgeMsg is the register's answer to "purge register".
type purgeMsg struct {
	purged, kept int
	err          error
}

// statsMsg is the register's figures, for "register stats".
type statsMsg struct{ text string }

// camerasMsg is the device list of "camera".
type camerasMsg struct{ devices []string }

// cameraSetMsg is the answer to a camera switch.
type cameraSetMsg struct {
	device string
	err    error
}
