package hub

import (
	"context"
	"time"
)

// KioskStatus is what a kiosk last reported of itself (with a push or a
// heartbeat), and when the hub heard it. It carries no holder's data.
type KioskStatus struct {
	Kiosk string    `json:"kiosk"`
	Venue string    `json:"venue"`
	Seen  time.Time `json:"seen"` // the hub's clock when the report arrived

	BundleSequence uint64    `json:"bundle_sequence"` // the bundle in use; 0: none
	Waiting        int       `json:"waiting"`         // entries not yet acknowledged
	OldestWaiting  time.Time `json:"oldest_waiting,omitzero"`
	Clock          time.Time `json:"clock"` // the kiosk's clock when it sent the report
	Version        string    `json:"version"`
	Camera         string    `json:"camera"` // "ok", "lost", "none", ...
	LastError      string    `json:"last_error,omitempty"`
}

// StatusStore keeps the last status of each kiosk. Every Store has it.
type StatusStore interface {
	// PutStatus keeps st as the kiosk's last status, replacing the one
	// before. st.Kiosk and st.Venue are the authenticated kiosk's.
	PutStatus(ctx context.Context, st KioskStatus) error
	// Statuses returns the last status of every kiosk that reported one,
	// by kiosk id.
	Statuses(ctx context.Context) ([]KioskStatus, error)
}
