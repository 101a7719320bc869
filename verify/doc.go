// Package verify turns a scanned pass into a verdict, offline.
//
// It is pure: bytes, a trust set and a clock reading go in, a Verdict comes
// out. It does no file or network I/O and never reads the wall clock; the
// caller passes the time to judge at. Trust comes only from the TrustSet the
// caller hands in, normally a signed trust bundle (package bundle builds
// one; verify imports nothing of it).
//
// Decoding an EU DCC ("HC1:") is a pipeline of small steps: unprefix, base45,
// inflate (capped, so a zip bomb is an error and not an allocation), COSE_Sign1,
// CWT claims, the DCC payload. Decode returns an *Unverified value: nothing in
// it is trusted until Verifier.Verify has checked the signature with a key of
// the trust set, the validity dates, the key usage, revocation, the schema and
// the entry policy. A malformed code yields an error naming the stage that
// failed; nothing read from a code is used without a type check, so no input
// can panic the kiosk.
package verify
