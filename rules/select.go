package rules

import (
	"maps"
	"slices"
	"time"
)

// index is what a parsed Policy computes once: its country's rules by
// identifier, and the value sets as rules read them.
type index struct {
	ids      []string           // identifiers of Country's rules, sorted
	versions map[string][]*Rule // by identifier, highest version first
	// valueSets is external.valueSets: identifier → codes ([]any of
	// strings, sorted). Every evaluation shares it; nothing may change it.
	valueSets map[string]any
}

func (p *Policy) index() *index {
	x := &index{versions: map[string][]*Rule{}, valueSets: make(map[string]any, len(p.ValueSets))}
	for _, r := range p.Rules {
		if r != nil && r.Country == p.Country {
			x.versions[r.Identifier] = append(x.versions[r.Identifier], r)
		}
	}
	for _, vs := range x.versions {
		slices.SortFunc(vs, func(a, b *Rule) int { return b.ver.compare(a.ver) })
	}
	x.ids = slices.Sorted(maps.Keys(x.versions))
	for id, v := range p.ValueSets {
		codes := v.Codes()
		list := make([]any, len(codes))
		for i, c := range codes {
			list[i] = c
		}
		x.valueSets[id] = list
	}
	return x
}

// indexed returns the policy's index, built now for a Policy made in Go.
func (p *Policy) indexed() *index {
	if p.idx != nil {
		return p.idx
	}
	return p.index()
}

// Select returns the rules that apply at the moment at to a pass of the
// given certificate types, sorted by identifier. Of the rules of Country it
// takes, for each identifier, the highest version with ValidFrom <= at <
// ValidTo (as the EU verifier apps do); it keeps that version when its
// CertificateType is General or one of types, and every Invalidation rule
// whatever its certificate type.
func (p *Policy) Select(at time.Time, types ...CertType) []*Rule {
	x := p.indexed()
	var out []*Rule
	for _, id := range x.ids {
		for _, r := range x.versions[id] {
			if at.Before(r.ValidFrom) || !at.Before(r.ValidTo) {
				continue
			}
			if r.Type == Invalidation || r.CertificateType == General || slices.Contains(types, r.CertificateType) {
				out = append(out, r)
			}
			break
		}
	}
	return out
}
