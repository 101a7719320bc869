package rules

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Policy is a venue's entry policy; a trust bundle carries one. A Policy
// from ParsePolicy or LoadPolicy is checked, indexed and read-only: change
// it and the index no longer matches (make a new one with ParsePolicy).
type Policy struct {
	Name    string // e.g. "kr-2021-12"
	Country string // whose rules the venue applies: ISO 3166 alpha-2, or "EU"
	// Rules are every version of every rule the policy carries, possibly
	// of several countries; Select picks among those of Country.
	Rules     []*Rule
	ValueSets map[string]*ValueSet // by ID
	// Companions are, for a rule identifier of Country, the certificate
	// types a second pass of the same holder may bring to satisfy it
	// (2G+: vaccinated or recovered, and tested or boosted).
	Companions     map[string][]CertType
	ContactTracing bool // the venue records contact details

	idx *index // built by ParsePolicy and LoadPolicy; nil for a Policy made in Go
}

// wirePolicy is the bundle's form of a policy, for Marshal.
type wirePolicy struct {
	Name           string                `json:"name"`
	Country        string                `json:"country"`
	ContactTracing bool                  `json:"contactTracing"`
	Companions     map[string][]CertType `json:"companions,omitempty"`
	Rules          []json.RawMessage     `json:"rules,omitempty"`
	ValueSets      []json.RawMessage     `json:"valueSets,omitempty"`
}

// ParsePolicy reads a policy in the bundle's form: {"name", "country",
// "contactTracing", "companions", "rules": [gateway rules], "valueSets":
// [EU value sets]}. Every rule and value set is checked (rules compiled),
// then the whole with Check.
func ParsePolicy(data []byte) (*Policy, error) {
	p := &Policy{ValueSets: map[string]*ValueSet{}}
	r := &reader{b: data}
	if !r.at('{') {
		v, err := readJSON(data)
		if err != nil {
			return nil, fmt.Errorf("%w: not JSON: %v", ErrInvalidPolicy, err)
		}
		return nil, fmt.Errorf("%w: want a JSON object, got %s", ErrInvalidPolicy, kind(v))
	}
	r.i++
	var content error // what is wrong with the policy, as against its JSON
	err := r.members(func(k string) error {
		if k == "rules" && r.at('[') {
			r.i++
			spans, err := r.elementSpans()
			if err != nil {
				return err
			}
			rs, rerr := parseRuleSpans(spans)
			if rerr != nil {
				content = rerr
				return rerr
			}
			p.Rules = append(p.Rules, rs...)
			return nil
		}
		v, err := r.value()
		if err != nil {
			return err
		}
		content = p.member(k, v)
		return content
	})
	if err == nil {
		err = r.end()
	}
	switch {
	case content != nil && p.Name != "":
		return nil, fmt.Errorf("policy %s: %w", p.Name, content)
	case content != nil:
		return nil, fmt.Errorf("policy: %w", content)
	case err != nil:
		return nil, fmt.Errorf("%w: not JSON: %v", ErrInvalidPolicy, err)
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	p.idx = p.index()
	return p, nil
}

// member sets a member of the bundle's form other than the rules.
func (p *Policy) member(k string, v any) error {
	want := ""
	switch k {
	case "name", "country":
		s, ok := v.(string)
		if !ok {
			want = "a string"
		} else if k == "name" {
			p.Name = s
		} else {
			p.Country = s
		}
	case "contactTracing":
		b, ok := v.(bool)
		if !ok {
			want = "a boolean"
		}
		p.ContactTracing = b
	case "companions":
		m, ok := v.(map[string]any)
		if !ok {
			want = "an object of certificate types by rule"
			break
		}
		p.Companions = make(map[string][]CertType, len(m))
		for id, ts := range m {
			list, _ := ts.([]any)
			types := make([]CertType, 0, len(list))
			for _, t := range list {
				if s, ok := t.(string); ok {
					types = append(types, CertType(s))
				} else {
					list = nil
				}
			}
			if list == nil {
				return fmt.Errorf("%w: companions of %s: want an array of certificate types, got %s", ErrInvalidPolicy, id, show(ts))
			}
			p.Companions[id] = types
		}
	case "rules":
		want = "an array"
	case "valueSets":
		list, ok := v.([]any)
		if !ok {
			want = "an array"
			break
		}
		for i, item := range list {
			vs, err := valueSetOf(item)
			if err != nil {
				return fmt.Errorf("value set %d: %w", i+1, err)
			}
			if _, dup := p.ValueSets[vs.ID]; dup {
				return fmt.Errorf("%w: value set %s twice", ErrInvalidValueSet, vs.ID)
			}
			p.ValueSets[vs.ID] = vs
		}
	default:
		return fmt.Errorf("%w: unknown member %q", ErrInvalidPolicy, k)
	}
	if want != "" {
		return fmt.Errorf("%w: %s: want %s, got %s", ErrInvalidPolicy, k, want, kind(v))
	}
	return nil
}

// Marshal writes the policy in the bundle's form, deterministically: rules
// by country, identifier and version, value sets by identifier, companion
// types sorted. An inconsistent policy (Check) is refused.
func (p *Policy) Marshal() ([]byte, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	w := wirePolicy{Name: p.Name, Country: p.Country, ContactTracing: p.ContactTracing}
	if len(p.Companions) > 0 {
		w.Companions = make(map[string][]CertType, len(p.Companions))
		for id, ts := range p.Companions {
			w.Companions[id] = slices.Sorted(slices.Values(ts))
		}
	}
	rs := slices.Clone(p.Rules)
	slices.SortFunc(rs, func(a, b *Rule) int {
		if c := strings.Compare(a.Country, b.Country); c != 0 {
			return c
		}
		if c := strings.Compare(a.Identifier, b.Identifier); c != 0 {
			return c
		}
		return a.ver.compare(b.ver)
	})
	for _, r := range rs {
		b, err := r.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("policy %s: rule %s %s: %w", p.Name, r.Identifier, r.Version, err)
		}
		w.Rules = append(w.Rules, b)
	}
	for _, id := range slices.Sorted(maps.Keys(p.ValueSets)) {
		b, err := p.ValueSets[id].MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("policy %s: value set %s: %w", p.Name, id, err)
		}
		w.ValueSets = append(w.ValueSets, b)
	}
	return marshal(w)
}

// Check reports whether the policy is consistent: a name, a country, at
// least one rule of that country, every rule compiled, each version of a
// rule once and no later version starting earlier, companions that name
// rules of the country and certificate types a pass can be, value sets
// filed under their own identifiers. The error wraps ErrInvalidPolicy and
// lists every problem.
func (p *Policy) Check() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if p.Name == "" {
		add("no name")
	}
	if !countryPattern.match(p.Country) {
		add("country %q: want an ISO 3166 alpha-2 code or EU", p.Country)
	}
	ids := map[string]bool{} // identifiers of Country's rules
	for i, r := range p.Rules {
		switch {
		case r == nil:
			add("rule %d is nil", i+1)
			continue
		case r.expr == nil:
			add("rule %s %s is not compiled (parse it, or call Compile)", r.Identifier, r.Version)
		}
		if r.Country == p.Country {
			ids[r.Identifier] = true
		}
	}
	if len(ids) == 0 && countryPattern.match(p.Country) {
		add("no rule of %s", p.Country)
	}
	if err := checkVersions(slices.DeleteFunc(slices.Clone(p.Rules), func(r *Rule) bool { return r == nil })); err != nil {
		add("%v", err)
	}
	for _, id := range slices.Sorted(maps.Keys(p.Companions)) {
		ts := p.Companions[id]
		if !ids[id] {
			add("companions of %s: no such rule of %s", id, p.Country)
		}
		if len(ts) == 0 {
			add("companions of %s: no certificate type", id)
		}
		for i, t := range ts {
			switch {
			case t != Vaccination && t != Test && t != Recovery:
				add("companions of %s: %q is not a certificate type a pass can be (want %s, %s or %s)", id, t, Vaccination, Test, Recovery)
			case slices.Contains(ts[:i], t):
				add("companions of %s: %s twice", id, t)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(p.ValueSets)) {
		switch v := p.ValueSets[id]; {
		case v == nil:
			add("value set %s is nil", id)
		case v.ID != id:
			add("value set %s is filed under %s", v.ID, id)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w %s: %s", ErrInvalidPolicy, p.Name, strings.Join(problems, "; "))
	}
	return nil
}
