package ui

import (
	"time"

	"github.com/passgate/passgate/camera"
	"github.com/passgate/passgate/checkin"
)

// outcomeMsg is one guest at the desk: from the camera, a keyboard-wedge
// scan or the manual form.
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
	ok      bool
	retry   time.Duration
	err     error
}

// manualMsg is the desk's answer to a manual entry.
type manualMsg struct {
	out checkin.Outcome
	err error
}

// purgeMsg is the register's answer to "purge register".
type purgeMsg struct {
	purged, kept int
	err          error
}
