package store

import (
	"crypto/rand"
	"errors"
	"io"
	"path/filepath"
	"time"
)

// DefaultRetention is how long entries stay in the register once the hub
// has them: 28 days, the Korean rule for entry logs.
const DefaultRetention = 28 * 24 * time.Hour

// DefaultLockTimeout is how long Open waits for another process to let go
// of the file.
const DefaultLockTimeout = time.Second

// Options configure Open. The zero value of every field but Path is a safe
// default.
type Options struct {
	// Path is the register file. Its folder is made (mode 0700) when
	// missing; the file is made (mode 0600) when missing. Required; see
	// DefaultPath.
	Path string

	// LockTimeout is how long Open waits for the file lock held by another
	// process before it gives up with ErrLocked. Zero means
	// DefaultLockTimeout; bbolt's own default, waiting forever, is never
	// used, so a second kiosk on the same file fails instead of hanging.
	LockTimeout time.Duration

	// Now is the clock that says which day "today" is in Stats. Nil means
	// time.Now.
	Now func() time.Time

	// Location is where the venue's days begin and end, for the "today"
	// counts of Stats. Nil means time.Local.
	Location *time.Location

	// Rand is the source of the venue secret made when a register is
	// created. Nil means crypto/rand.Reader.
	Rand io.Reader
}

func (o Options) withDefaults() Options {
	if o.LockTimeout <= 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	return o
}

// DefaultPath is where the register lives when no path is configured:
// $XDG_STATE_HOME/passgate/register.db, else
// $HOME/.local/state/passgate/register.db. getenv is os.Getenv in
// production. A relative XDG_STATE_HOME is ignored, as the XDG base
// directory specification asks.
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "passgate", "register.db"), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "passgate", "register.db"), nil
	}
	return "", errors.New("no register path: neither XDG_STATE_HOME nor HOME is set")
}
