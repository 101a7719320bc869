// Package bundle is passgate's signed trust bundle: the file a hub publishes
// and every kiosk pins a key for. A bundle carries the issuers' document
// signing keys, revocation lists (content-addressed segments, so a kiosk
// fetches only the ones it lacks), the entry policy and the health
// authority's key for sealed contact details.
//
// Load checks a bundle before anything in it is used: the Ed25519 signature
// with the pinned key, a sequence above the bundle in use (no rollback), then
// every segment's SHA-256. Its errors are sentinels (ErrSignature,
// ErrRollback, ErrExpired, ErrTruncated, ErrVersion, ErrCorrupt) for callers
// that must tell them apart. Sign builds one (passctl bundle build); Head,
// Segments and Assemble are the delta sync the uplink and the hub speak.
//
// A loaded *Bundle is a verify.TrustSet: verify judges passes against it
// without knowing this package. It must not trust anything that is not
// signed by the pinned key, and it does no I/O: callers read the files.
package bundle
