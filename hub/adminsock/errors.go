package adminsock

import (
	"context"
	"errors"

	"github.com/passgate/passgate/hub"
)

// kinds are the errors whose kind crosses the socket: the caller's
// errors.Is sees the same sentinel the store returned.
var kinds = []struct {
	name string
	err  error
}{
	{"invalid", hub.ErrInvalid},
	{"unauthorized", hub.ErrUnauthorized},
	{"forbidden", hub.ErrForbidden},
	{"not-found", hub.ErrNotFound},
	{"exists", hub.ErrExists},
	{"too-large", hub.ErrTooLarge},
	{"overloaded", hub.ErrOverloaded},
	{"unavailable", hub.ErrUnavailable},
	{"locked", hub.ErrLocked},
	{"canceled", context.Canceled},
	{"deadline", context.DeadlineExceeded},
}

// wireError is an error as it crosses the socket: its message, and its
// kind when it has one of kinds.
type wireError struct {
	Kind    string `json:"kind,omitempty"`
	Message string `json:"message"`
}

func toWire(err error) *wireError {
	w := &wireError{Message: err.Error()}
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			w.Kind = k.name
			break
		}
	}
	return w
}

// remoteError is a store's error as the caller gets it: the message the
// store gave, unwrapping to the sentinel of its kind.
type remoteError struct {
	msg  string
	kind error
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.kind }

func (w *wireError) err() error {
	e := &remoteError{msg: w.Message}
	for _, k := range kinds {
		if k.name == w.Kind {
			e.kind = k.err
		}
	}
	return e
}
