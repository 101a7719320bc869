// Package store is the kiosk's register: one bbolt file holding every guest
// recorded at the door (entry.Entry), the upload cursor (the entries the hub
// has not acknowledged yet), the metadata of the cached trust bundle, and the
// kiosk's settings, among them the per-venue secret behind holder
// pseudonyms.
//
// An entry is on disk, fsync'd, when Record returns: only then may the screen
// show it as recorded. It leaves the register only through Purge, and only
// once the hub has acknowledged it (Ack) and its retention ran out; an old
// entry the hub never acknowledged is kept and counted, never dropped.
//
// A second process opening the same file gets ErrLocked after
// Options.LockTimeout instead of waiting forever. A file that is not a
// register, is cut short or fails bbolt's page check gives ErrCorrupt: Open
// reads it whole, read-only, before it opens it for writing, and never
// writes to, truncates or "repairs" a file that failed. (That costs 0.3 s
// for 1.5 million entries, 28 days of a busy venue; 0.6 s just after a
// boot.) A page that goes bad later gives ErrCorrupt from the call that
// meets it, never a crash. A full disk gives ErrDiskFull; the kiosk keeps
// showing verdicts, marked "not recorded".
//
// Stats does not scan the register: Record, Ack and Purge keep running
// counters (in all, and per quarter of an hour for "today" and "this
// week") in the same transaction as the change they count. The guests'
// counts only grow: purging old entries leaves them as staff and owners
// read them (the quarter-hour slots stay, a few bytes each). Audit events
// (entry.Audit: staff actions) are kept, synced and exported like guests
// but counted apart.
//
// The package must not know about verdicts, passes or the network: checkin
// turns verdicts into entries, uplink moves them to the hub.
package store
