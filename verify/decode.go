package verify

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/passgate/passgate/internal/base45"
)

// Prefix is the context identifier of an EU DCC in a QR code.
const Prefix = "HC1:"

// MaxInflated caps the decompressed size of a pass. A QR code holds at most
// about 3 KB, so a payload that inflates past this is hostile (a zip bomb).
const MaxInflated = 64 << 10

// Stage names a step of decoding or verification. The names are stable: they
// are the keys of Checks in JSON and appear in logs.
type Stage string

// The stages, in the order a pass goes through them.
const (
	StagePicture    Stage = "picture"
	StagePrefix     Stage = "prefix"
	StageBase45     Stage = "base45"
	StageDecompress Stage = "decompress"
	StageCOSE       Stage = "cose"
	StageCBOR       Stage = "cbor"
	StageSignature  Stage = "signature"
	StageExpiry     Stage = "expiry"
	StageKeyUsage   Stage = "keyusage"
	StageRevocation Stage = "revocation"
	StageSchema     Stage = "schema"
	StageRules      Stage = "rules"
)

// StageError is a failure at one stage; errors.As finds it in any error
// returned by Decode.
type StageError struct {
	Stage Stage
	Err   error
}

func (e *StageError) Error() string { return string(e.Stage) + ": " + e.Err.Error() }
func (e *StageError) Unwrap() error { return e.Err }

func stageErr(s Stage, format string, args ...any) *StageError {
	return &StageError{Stage: s, Err: fmt.Errorf(format, args...)}
}

// Sentinel errors that callers may need to tell apart.
var (
	// ErrNoPrefix reports a payload that does not start with "HC1:".
	ErrNoPrefix = errors.New("not an EU DCC: missing HC1: prefix")
	// ErrTooLarge reports a payload that inflates past MaxInflated.
	ErrTooLarge = errors.New("payload inflates past the size cap")
	// ErrUnsupportedAlg reports a COSE algorithm other than ES256 and PS256.
	ErrUnsupportedAlg = errors.New("unsupported algorithm")
)

// COSE algorithm identifiers accepted for EU DCCs.
const (
	AlgES256 = -7
	AlgPS256 = -37
)

// Unverified is a decoded pass whose contents are not yet trusted: only
// Verifier.Verify turns it into a verdict.
type Unverified struct {
	// Compressed is false for a payload carried as bare COSE, which the
	// specification allows.
	Compressed bool
	// Alg is the COSE algorithm (AlgES256, AlgPS256 or another value).
	Alg int64
	// KID is the key identifier, from the protected header, else the
	// unprotected one.
	KID       []byte
	Signature []byte

	Issuer   string    // CWT iss: the issuing country
	IssuedAt time.Time // CWT iat; zero when absent
	Expires  time.Time // CWT exp; zero when absent
	DCC      *DCC      // nil when the payload does not fit the DCC types

	protected []byte   // the protected header as signed
	payload   []byte   // the CWT as signed
	dccJSON   any      // the DCC in the JSON data model
	dccErr    error    // why DCC is nil
	ptype     PassType // by the DCC's keys, 0 unless exactly one of v, t, r
}

func (u *Unverified) passType() PassType { return u.ptype }

// decodeState is what decoding got to: the checks passed or failed, and the
// pass as far as it could be read.
type decodeState struct {
	checks Checks
	u      *Unverified
	err    error // first failure
}

// Decode decodes an "HC1:" payload without verifying anything. On failure the
// error is a *StageError naming the step that failed.
func Decode(payload string) (*Unverified, error) {
	st := decode(payload)
	if st.err != nil {
		return nil, st.err
	}
	return st.u, nil
}

func decode(payload string) decodeState {
	var st decodeState
	fail := func(s Stage, err *StageError) decodeState {
		st.checks.set(s, false)
		st.err = err
		return st
	}
	rest, ok := strings.CutPrefix(payload, Prefix)
	if !ok {
		return fail(StagePrefix, &StageError{StagePrefix, ErrNoPrefix})
	}
	st.checks.set(StagePrefix, true)

	raw, err := base45.Decode(rest)
	if err != nil {
		return fail(StageBase45, &StageError{StageBase45, err})
	}
	st.checks.set(StageBase45, true)

	u := &Unverified{Compressed: true}
	msg, err := inflate(raw)
	switch {
	case err == nil:
		st.checks.set(StageDecompress, true)
	case looksLikeCOSE(raw) && !errors.Is(err, ErrTooLarge):
		// Not zlib, but already a COSE message: allowed uncompressed.
		st.checks.set(StageDecompress, false)
		msg, u.Compressed = raw, false
	default:
		return fail(StageDecompress, &StageError{StageDecompress, err})
	}

	if serr := parseCOSE(msg, u); serr != nil {
		return fail(StageCOSE, serr)
	}
	st.checks.set(StageCOSE, true)
	st.u = u

	if serr := parseClaims(u); serr != nil {
		return fail(StageCBOR, serr)
	}
	st.checks.set(StageCBOR, true)
	return st
}

// inflaters recycles zlib readers: each holds a 32 KiB window, which would
// otherwise be most of the allocation per pass. A pool is a cache, not
// state: any reader in it behaves like a new one after Reset.
var inflaters sync.Pool

func inflate(b []byte) ([]byte, error) {
	var zr io.ReadCloser
	var err error
	if r, ok := inflaters.Get().(io.ReadCloser); ok {
		zr = r
		err = r.(zlib.Resetter).Reset(bytes.NewReader(b), nil)
	} else {
		zr, err = zlib.NewReader(bytes.NewReader(b))
	}
	if err != nil {
		return nil, fmt.Errorf("not zlib: %w", err)
	}
	defer inflaters.Put(zr)
	buf := bytes.NewBuffer(make([]byte, 0, min(4*len(b)+512, MaxInflated+1)))
	_, err = buf.ReadFrom(io.LimitReader(zr, MaxInflated+1))
	out := buf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("zlib: %w", err)
	}
	if len(out) > MaxInflated {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, MaxInflated)
	}
	return out, nil
}

// looksLikeCOSE reports whether b starts as a COSE_Sign1: tag 18 or an array
// of four.
func looksLikeCOSE(b []byte) bool {
	return len(b) > 0 && (b[0] == 0xd2 || b[0] == 0x84)
}

// DCCJSON returns the DCC payload as read, in the JSON data model (maps,
// slices, strings, numbers). It is unverified: for diagnostics and tests, not
// for showing as a verified pass.
func (u *Unverified) DCCJSON() any { return u.dccJSON }
