package pgstore

import "time"

// ListenPID is the backend process of s's listen connection, 0 while it
// is down: a test kills it with pg_terminate_backend.
func ListenPID(s *Store) uint32 { return s.listenPID.Load() }

// PollOnly is o with the bundle listener off: s learns of new bundles by
// polling every interval alone.
func PollOnly(o Options, every time.Duration) *Options {
	o.poll, o.noListen = every, true
	return &o
}
