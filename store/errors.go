package store

import (
	"errors"
	"fmt"
	"runtime/debug"
	"syscall"

	"github.com/passgate/passgate/entry"
)

// ErrLocked is returned by Open when another process (another kiosk, or a
// `passgate register` command) holds the register file and did not let go
// within Options.LockTimeout.
var ErrLocked = errors.New("register is in use by another process")

// ErrCorrupt is returned when the file is not a passgate register, is cut
// short, or fails bbolt's consistency check, or when a record in it cannot
// be read. The kiosk must stop and say so: the file is left exactly as it
// was, for someone to copy and examine, and is never overwritten.
var ErrCorrupt = errors.New("register file is damaged or not a passgate register")

// ErrDiskFull wraps a write that failed because the disk (or the user's
// quota) is full. Nothing of that write is in the register; what was there
// before is intact. The kiosk keeps showing verdicts, marked "not
// recorded", and shows that the disk is full.
var ErrDiskFull = errors.New("disk full: nothing written")

// ErrInvalid is returned by Record for an entry that fails entry.Check, or
// whose id is already recorded with other content. It is entry.ErrInvalid,
// so either name matches with errors.Is.
var ErrInvalid = entry.ErrInvalid

// writeErr says what failed, and marks a full disk with ErrDiskFull.
func writeErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%s: %w: %w", op, ErrDiskFull, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// guard runs fn, turning a panic or a memory fault inside bbolt, which a
// damaged page can cause, into ErrCorrupt: a bad file must never crash the
// kiosk. bbolt's View and Update roll their transaction back before the
// panic reaches here.
func guard(fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrCorrupt, r)
		}
	}()
	return fn()
}
