package rules

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// MissingValueSets lists, for each rule of Country that reads a value set
// the policy does not carry ({"var": "external.valueSets.ID"}), the
// identifiers of those value sets. At the door such a rule cannot be
// evaluated (it refuses, rule-error); a bundle builder refuses it first.
func (p *Policy) MissingValueSets() map[string][]string {
	missing := map[string][]string{}
	for _, r := range p.Rules {
		if r == nil || r.Country != p.Country {
			continue
		}
		var logic any
		if json.Unmarshal(r.Logic, &logic) != nil {
			continue
		}
		for id := range valueSetRefs(logic, map[string]bool{}) {
			if p.ValueSets[id] == nil && !slices.Contains(missing[r.Identifier], id) {
				missing[r.Identifier] = append(missing[r.Identifier], id)
			}
		}
	}
	for _, ids := range missing {
		slices.Sort(ids)
	}
	return missing
}

// valueSetRefs collects the value sets an expression reads.
func valueSetRefs(e any, into map[string]bool) map[string]bool {
	switch x := e.(type) {
	case map[string]any:
		if v, ok := x["var"].(string); ok {
			if id, ok := strings.CutPrefix(v, "external.valueSets."); ok {
				id, _, _ = strings.Cut(id, ".")
				into[id] = true
			}
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			valueSetRefs(x[k], into)
		}
	case []any:
		for _, y := range x {
			valueSetRefs(y, into)
		}
	}
	return into
}
