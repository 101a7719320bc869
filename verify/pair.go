package verify

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// VerifyPair judges two passes of one holder together: 2G+, where a
// vaccination waits for a negative test (see Verdict.Needs). Each pass is
// checked on its own first (signature, validity, key usage, revocation,
// schema), and a failure of either is the verdict. The two must name the
// same holder: the same standardised names and date of birth. Then the
// entry rules judge one payload, the first pass's certificate with the
// second's entries added, with the rules of both certificate types.
//
// The verdict's Pass is the first pass's, with the second's entry beside
// its own; its KID and Country are the first pass's.
func (v *Verifier) VerifyPair(first, second string, at time.Time) *Verdict {
	vd, u1, ok := v.check(first, at)
	if !ok {
		return vd
	}
	vd2, u2, ok := v.check(second, at)
	if !ok {
		return vd2
	}
	if !sameHolder(u1.DCC, u2.DCC) {
		vd.Reasons = []Reason{HolderMismatch}
		vd.Detail = "the two passes name different holders"
		return vd
	}
	p2 := vd2.Pass
	if vd.Pass.Vaccination == nil {
		vd.Pass.Vaccination = p2.Vaccination
	}
	if vd.Pass.Test == nil {
		vd.Pass.Test = p2.Test
	}
	if vd.Pass.Recovery == nil {
		vd.Pass.Recovery = p2.Recovery
	}
	vd.Pass.Names = names(vd.Pass, v.Policy)
	types := certTypes(u1.passType() | u2.passType())
	iat, exp := u1.IssuedAt, u1.Expires
	if u2.IssuedAt.After(iat) {
		iat = u2.IssuedAt
	}
	if u2.Expires.Before(exp) {
		exp = u2.Expires
	}
	v.judge(vd, mergePayloads(u1.dccJSON, u2.dccJSON), types, iat, exp, at)
	return vd
}

// sameHolder compares the standardised names and the date of birth.
func sameHolder(a, b *DCC) bool {
	return a.Name.FamilyNameStd == b.Name.FamilyNameStd &&
		a.Name.GivenNameStd == b.Name.GivenNameStd &&
		strings.TrimSpace(a.DateOfBirth) == strings.TrimSpace(b.DateOfBirth)
}

// mergePayloads returns the first DCC (JSON model) with the second's
// v, t and r entries appended to its own; neither input changes.
func mergePayloads(a, b any) any {
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if !ok1 || !ok2 {
		return a
	}
	out := maps.Clone(am)
	for _, k := range []string{"v", "t", "r"} {
		bl, _ := bm[k].([]any)
		if len(bl) == 0 {
			continue
		}
		al, _ := out[k].([]any)
		out[k] = append(slices.Clip(al), bl...)
	}
	return out
}
