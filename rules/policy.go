package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
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

// wirePolicy is the bundle's form of a policy.
type wirePolicy struct {
	Name           string                `json:"name"`
	Country        string                `json:"country"`
	ContactTracing bool                  `json:"contactTracing"`
	Companions     map[string][]CertType `json:"companions,omitempty"`
	Rules          []json.RawMessage     `json:"rules,omitempty"`
	ValueSets      []json.RawMessage     `json:"valueSets,omitempty"`
}

// decodeStrict decodes one JSON value into v, refusing unknown members.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the policy object")
	}
	return nil
}

// ParsePolicy reads a policy in the bundle's form: {"name", "country",
// "contactTracing", "companions", "rules": [gateway rules], "valueSets":
// [EU value sets]}. Every rule and value set is checked (rules compiled),
// then the whole with Check.
func ParsePolicy(data []byte) (*Policy, error) {
	var w wirePolicy
	if err := decodeStrict(data, &w); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidPolicy, err)
	}
	p := &Policy{Name: w.Name, Country: w.Country, ContactTracing: w.ContactTracing,
		Companions: w.Companions, Rules: make([]*Rule, 0, len(w.Rules)), ValueSets: make(map[string]*ValueSet, len(w.ValueSets))}
	for i, raw := range w.Rules {
		r, err := parseRule(raw)
		if err != nil {
			err.Index = i + 1
			return nil, fmt.Errorf("policy %s: %w", w.Name, err)
		}
		p.Rules = append(p.Rules, r)
	}
	for i, raw := range w.ValueSets {
		v, err := parseValueSet(raw)
		if err != nil {
			return nil, fmt.Errorf("policy %s: value set %d: %w", w.Name, i+1, err)
		}
		if _, dup := p.ValueSets[v.ID]; dup {
			return nil, fmt.Errorf("policy %s: %w: value set %s twice", w.Name, ErrInvalidValueSet, v.ID)
		}
		p.ValueSets[v.ID] = v
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	p.idx = p.index()
	return p, nil
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
		b, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("policy %s: rule %s %s: %w", p.Name, r.Identifier, r.Version, err)
		}
		w.Rules = append(w.Rules, b)
	}
	for _, id := range slices.Sorted(maps.Keys(p.ValueSets)) {
		b, err := json.Marshal(p.ValueSets[id])
		if err != nil {
			return nil, fmt.Errorf("policy %s: value set %s: %w", p.Name, id, err)
		}
		w.ValueSets = append(w.ValueSets, b)
	}
	return json.Marshal(w)
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
	if !countryPattern.MatchString(p.Country) {
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
	if len(ids) == 0 && countryPattern.MatchString(p.Country) {
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

// policyHead is dir/policy.json of a policy folder.
type policyHead struct {
	Name           string                `json:"name"`
	Country        string                `json:"country"`
	ContactTracing bool                  `json:"contactTracing"`
	Companions     map[string][]CertType `json:"companions"`
}

// LoadPolicy reads a policy folder: dir/policy.json ({"name", "country",
// "contactTracing", "companions"}), the rules of every folder dir/RULE-ID
// (its rule.json: one rule, or an array of its versions; tests/ beside it
// are not read), and the value sets of dir/valuesets/*.json, in any form
// ParseValueSets reads. Every other folder must hold a rule.json; files
// beside policy.json and folders starting with "." are ignored.
func LoadPolicy(fsys fs.FS, dir string) (*Policy, error) {
	head := path.Join(dir, "policy.json")
	b, err := fs.ReadFile(fsys, head)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPolicy, err)
	}
	var h policyHead
	if err := decodeStrict(b, &h); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidPolicy, head, err)
	}
	p := &Policy{Name: h.Name, Country: h.Country, ContactTracing: h.ContactTracing,
		Companions: h.Companions, ValueSets: map[string]*ValueSet{}}
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPolicy, err)
	}
	for _, e := range ents {
		name := path.Join(dir, e.Name())
		switch {
		case !e.IsDir() || strings.HasPrefix(e.Name(), "."):
		case e.Name() == "valuesets":
			if err := p.loadValueSets(fsys, name); err != nil {
				return nil, err
			}
		default:
			file := path.Join(name, "rule.json")
			b, err := fs.ReadFile(fsys, file)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrInvalidPolicy, err)
			}
			rs, err := ParseRules(b)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			for _, r := range rs {
				if r.Identifier != e.Name() {
					return nil, fmt.Errorf("%w: %s: rule %s in the folder of %s", ErrInvalidPolicy, file, r.Identifier, e.Name())
				}
			}
			p.Rules = append(p.Rules, rs...)
		}
	}
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	p.idx = p.index()
	return p, nil
}

func (p *Policy) loadValueSets(fsys fs.FS, dir string) error {
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidValueSet, err)
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidValueSet, err)
		}
		vs, err := ParseValueSets(b)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for _, v := range vs {
			if _, dup := p.ValueSets[v.ID]; dup {
				return fmt.Errorf("%s: %w: value set %s twice", f, ErrInvalidValueSet, v.ID)
			}
			p.ValueSets[v.ID] = v
		}
	}
	return nil
}
