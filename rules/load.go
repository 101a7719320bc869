package rules

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
)

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
	doc, err := readJSON(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: not JSON: %v", ErrInvalidPolicy, head, err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s: want a JSON object, got %s", ErrInvalidPolicy, head, kind(doc))
	}
	p := &Policy{ValueSets: map[string]*ValueSet{}}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k == "rules" || k == "valueSets" {
			return nil, fmt.Errorf("%w: %s: %s: the rules and value sets are folders beside it", ErrInvalidPolicy, head, k)
		}
		if err := p.member(k, m[k]); err != nil {
			return nil, fmt.Errorf("%s: %w", head, err)
		}
	}
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
