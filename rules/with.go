package rules

import "maps"

// WithValueSets returns a copy of the policy with vs laid over its value
// sets (vs wins where both have an identifier), indexed anew; p does not
// change. A kiosk uses it when staff pick a built-in policy: its rules, the
// bundle's value sets.
func (p *Policy) WithValueSets(vs map[string]*ValueSet) *Policy {
	c := *p
	c.ValueSets = maps.Clone(p.ValueSets)
	if c.ValueSets == nil {
		c.ValueSets = map[string]*ValueSet{}
	}
	maps.Copy(c.ValueSets, vs)
	c.idx = c.index()
	return &c
}
