package verify

import (
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// cborDec decodes everything read from a code: bounded nesting and sizes,
// maps of unknown shape as map[any]any with int64/uint64/string keys.
var cborDec = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		MaxNestedLevels:  16,
		MaxArrayElements: 4096,
		MaxMapPairs:      4096,
		IndefLength:      cbor.IndefLengthAllowed,
		DefaultMapType:   reflect.TypeOf(map[any]any(nil)),
	}.DecMode()
	if err != nil {
		panic(err) // options are constants: a failure is a programming error
	}
	return dm
}()

// Header and claim labels.
const (
	labelAlg = 1
	labelKID = 4

	claimIss   = 1
	claimExp   = 4
	claimIat   = 6
	claimHcert = -260
	hcertDCC   = 1
)

const (
	tagSign1 = 18
	tagCWT   = 61
)

// entryType is the pass type by which of v, t, r the DCC map holds, read
// before (and whatever) the typed decoding, so key usage can be judged on a
// certificate that fails its schema.
func entryType(dcc map[any]any) PassType {
	var t PassType
	for k, pt := range map[string]PassType{"v": Vaccinated, "t": Tested, "r": Recovered} {
		if _, ok := dcc[k]; ok {
			t |= pt
		}
	}
	switch t {
	case Vaccinated, Tested, Recovered:
		return t
	}
	return 0
}

func parseCOSE(msg []byte, u *Unverified) *StageError {
	var top cbor.RawTag
	body := cbor.RawMessage(msg)
	if len(msg) > 0 && msg[0]>>5 == 6 { // major type 6: a tag
		if err := cborDec.Unmarshal(msg, &top); err != nil {
			return stageErr(StageCOSE, "bad tag: %w", err)
		}
		if top.Number == tagCWT { // a CWT tag around the COSE tag: unwrap
			if err := cborDec.Unmarshal(top.Content, &top); err != nil {
				return stageErr(StageCOSE, "bad tag inside CWT tag: %w", err)
			}
		}
		if top.Number != tagSign1 {
			return stageErr(StageCOSE, "tag %d is not COSE_Sign1 (18)", top.Number)
		}
		body = top.Content
	}
	var parts []cbor.RawMessage
	if err := cborDec.Unmarshal(body, &parts); err != nil {
		return stageErr(StageCOSE, "not a COSE_Sign1 array: %w", err)
	}
	if len(parts) != 4 {
		return stageErr(StageCOSE, "COSE_Sign1 has %d elements, want 4", len(parts))
	}
	if err := cborDec.Unmarshal(parts[0], &u.protected); err != nil {
		return stageErr(StageCOSE, "protected header is not a byte string: %w", err)
	}
	prot := map[any]any{}
	if len(u.protected) > 0 {
		if err := cborDec.Unmarshal(u.protected, &prot); err != nil {
			return stageErr(StageCOSE, "protected header is not a map: %w", err)
		}
	}
	unprot := map[any]any{}
	if err := cborDec.Unmarshal(parts[1], &unprot); err != nil {
		return stageErr(StageCOSE, "unprotected header is not a map: %w", err)
	}
	if err := cborDec.Unmarshal(parts[2], &u.payload); err != nil || u.payload == nil {
		return stageErr(StageCOSE, "payload is not a byte string")
	}
	if err := cborDec.Unmarshal(parts[3], &u.Signature); err != nil || len(u.Signature) == 0 {
		return stageErr(StageCOSE, "signature is not a byte string")
	}

	var err error
	if u.KID, err = headerKID(prot, unprot); err != nil {
		return stageErr(StageCOSE, "%w", err)
	}
	if u.Alg, err = headerAlg(prot, unprot); err != nil {
		return stageErr(StageCOSE, "%w", err)
	}
	return nil
}

// lookup finds an integer label in a decoded map, whose keys are uint64 for
// non-negative labels and int64 for negative ones.
func lookup(m map[any]any, label int64) (any, bool) {
	if label >= 0 {
		v, ok := m[uint64(label)]
		return v, ok
	}
	v, ok := m[label]
	return v, ok
}

// headerKID takes the kid from the protected header, else the unprotected
// one, as the DCC specification says.
func headerKID(prot, unprot map[any]any) ([]byte, error) {
	for _, h := range []map[any]any{prot, unprot} {
		if v, ok := lookup(h, labelKID); ok {
			kid, ok := v.([]byte)
			if !ok {
				return nil, fmt.Errorf("kid is %T, want a byte string", v)
			}
			return kid, nil
		}
	}
	return nil, nil
}

func headerAlg(prot, unprot map[any]any) (int64, error) {
	for _, h := range []map[any]any{prot, unprot} {
		if v, ok := lookup(h, labelAlg); ok {
			switch a := v.(type) {
			case int64:
				return a, nil
			case uint64:
				if a > math.MaxInt32 {
					return 0, fmt.Errorf("alg %d out of range", a)
				}
				return int64(a), nil
			default:
				return 0, fmt.Errorf("alg is %T, want an integer", v)
			}
		}
	}
	return 0, fmt.Errorf("no alg in either header")
}

func parseClaims(u *Unverified) *StageError {
	claims := map[any]any{}
	if err := cborDec.Unmarshal(u.payload, &claims); err != nil {
		return stageErr(StageCBOR, "CWT is not a map: %w", err)
	}
	if v, ok := lookup(claims, claimIss); ok {
		s, ok := v.(string)
		if !ok {
			return stageErr(StageCBOR, "iss is %T, want a string", v)
		}
		u.Issuer = s
	}
	var err error
	if u.IssuedAt, err = claimTime(claims, claimIat); err != nil {
		return stageErr(StageCBOR, "iat: %w", err)
	}
	if u.Expires, err = claimTime(claims, claimExp); err != nil {
		return stageErr(StageCBOR, "exp: %w", err)
	}
	hv, ok := lookup(claims, claimHcert)
	if !ok {
		return stageErr(StageCBOR, "no hcert claim (-260)")
	}
	hcert, ok := hv.(map[any]any)
	if !ok {
		return stageErr(StageCBOR, "hcert is %T, want a map", hv)
	}
	dv, ok := lookup(hcert, hcertDCC)
	if !ok {
		return stageErr(StageCBOR, "hcert holds no DCC (key 1)")
	}
	if _, ok := dv.(map[any]any); !ok {
		return stageErr(StageCBOR, "DCC is %T, want a map", dv)
	}
	doc, err := JSONValue(dv)
	if err != nil {
		return stageErr(StageCBOR, "DCC: %w", err)
	}
	u.dccJSON = doc
	u.ptype = entryType(dv.(map[any]any))
	// The typed form is read from the JSON form, so tagged values (a sample
	// time as tag 0 or 1) read the same in both.
	if d, err := dccFromJSON(doc); err != nil {
		u.dccErr = err
	} else {
		u.DCC = d
	}
	return nil
}

func claimTime(claims map[any]any, label int64) (time.Time, error) {
	v, ok := lookup(claims, label)
	if !ok {
		return time.Time{}, nil
	}
	switch t := v.(type) {
	case uint64:
		if t > math.MaxInt64/2 {
			return time.Time{}, fmt.Errorf("%d out of range", t)
		}
		return time.Unix(int64(t), 0).UTC(), nil
	case int64:
		return time.Unix(t, 0).UTC(), nil
	case float64:
		if math.IsNaN(t) || math.Abs(t) > 1e15 {
			return time.Time{}, fmt.Errorf("%v out of range", t)
		}
		sec, frac := math.Modf(t)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("is %T, want a number", v)
}

// sigStructure is the COSE Sig_structure for a COSE_Sign1: what is signed.
func sigStructure(protected, payload []byte) ([]byte, error) {
	return cbor.Marshal([]any{"Signature1", protected, []byte{}, payload})
}
