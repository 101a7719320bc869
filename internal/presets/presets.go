// Package presets gives the entry policies built into passgate: the
// CertLogic rule sets in assets/policies (kr-2021-12, eu-3g, 2g, 2g-plus).
// A bundle carries one; staff may switch a kiosk to another in the admin
// menu, and passctl builds bundles from them.
package presets

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/passgate/passgate/assets"
	"github.com/passgate/passgate/rules"
)

// Default is the policy used when none is configured: Korea's vaccine pass
// of December 2021.
const Default = "kr-2021-12"

// Names lists the built-in policies, sorted.
func Names() []string {
	ents, err := fs.ReadDir(assets.Policies(), ".")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range ents {
		if e.IsDir() {
			if _, err := fs.Stat(assets.Policies(), e.Name()+"/policy.json"); err == nil {
				names = append(names, e.Name())
			}
		}
	}
	slices.Sort(names)
	return names
}

// Load reads and checks the built-in policy of that name, with the
// built-in value sets. Each call returns a new Policy.
func Load(name string) (*rules.Policy, error) {
	if !slices.Contains(Names(), name) {
		return nil, fmt.Errorf("unknown policy preset %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	p, err := rules.LoadPolicy(assets.Policies(), name)
	if err != nil {
		return nil, fmt.Errorf("policy preset %s: %w", name, err)
	}
	vs, err := ValueSets()
	if err != nil {
		return nil, err
	}
	all := map[string]*rules.ValueSet{}
	for _, v := range vs {
		all[v.ID] = v
	}
	maps.Copy(all, p.ValueSets) // the policy's own win
	return p.WithValueSets(all), nil
}

// ValueSets returns the built-in value sets (assets/valuesets): the
// common vaccines, makers and test types, by name.
func ValueSets() ([]*rules.ValueSet, error) {
	files, err := fs.Glob(assets.ValueSets(), "*.json")
	if err != nil {
		return nil, err
	}
	var out []*rules.ValueSet
	for _, f := range files {
		b, err := fs.ReadFile(assets.ValueSets(), f)
		if err != nil {
			return nil, err
		}
		vs, err := rules.ParseValueSets(b)
		if err != nil {
			return nil, fmt.Errorf("built-in value set %s: %w", f, err)
		}
		out = append(out, vs...)
	}
	return out, nil
}

// Must is Load for a name known to be built in (tests, generators): the
// built-in policies are checked by this package's tests, so failing is a
// broken build and panics.
func Must(name string) *rules.Policy {
	p, err := Load(name)
	if err != nil {
		panic(err)
	}
	return p
}
