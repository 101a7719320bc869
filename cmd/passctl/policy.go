package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/rules"
)

// policySource is where a bundle's entry policy comes from: a built-in
// preset, or a policy (a folder in the presets' layout, or the JSON that
// `passctl rules import` writes), with rules and value sets imported on
// top and the country applied overridden.
type policySource struct {
	preset, policy, country, name string
	rules, valueSets              stringList
}

// read builds the policy. Every rule is checked against the gateway's
// constraints and CertLogic's validation as it is read; one that fails is
// refused with its identifier and why, naming the file.
func (s *policySource) read(cat *i18n.Catalog, warn io.Writer) (*rules.Policy, error) {
	skip := func(file string, err error) {
		fmt.Fprintln(warn, cat.T("passctl.policy.skipped", file, err))
	}
	if s.policy != "" && s.preset != "" {
		return nil, command.UsageKey(cat, "passctl.bundle.policy_twice")
	}
	var p *rules.Policy
	var err error
	switch {
	case s.policy == "" && s.preset == "" && len(s.rules) > 0:
		// Imported rules alone: a policy of their own, with the built-in
		// value sets to name the codes until -valuesets brings the
		// authority's.
		vs, err := presets.ValueSets()
		if err != nil {
			return nil, err
		}
		p = &rules.Policy{ValueSets: map[string]*rules.ValueSet{}}
		for _, v := range vs {
			p.ValueSets[v.ID] = v
		}
	case s.policy != "":
		if p, err = readPolicyPath(s.policy); err != nil {
			return nil, command.Errorf(cat, "passctl.policy.read", s.policy, err)
		}
	default:
		name := s.preset
		if name == "" {
			name = presets.Default
		}
		if p, err = presets.Load(name); err != nil {
			return nil, command.Usagef("-preset: %v", err)
		}
	}
	for _, path := range s.rules {
		if err := importPath(p, path, skip); err != nil {
			return nil, command.Errorf(cat, "passctl.policy.import", path, err)
		}
	}
	for _, path := range s.valueSets {
		if err := importPath(p, path, skip); err != nil {
			return nil, command.Errorf(cat, "passctl.policy.import", path, err)
		}
	}
	if s.country != "" {
		p.Country = strings.ToUpper(s.country)
	}
	if p.Country == "" { // imported rules alone: theirs, when they are of one country
		for _, r := range p.Rules {
			if p.Country != "" && r.Country != p.Country {
				return nil, command.UsageKey(cat, "passctl.policy.which_country")
			}
			p.Country = r.Country
		}
	}
	if s.name != "" {
		p.Name = s.name
	} else if p.Name == "" {
		p.Name = "rules-" + strings.ToLower(p.Country)
	}
	if missing := p.MissingValueSets(); len(missing) > 0 {
		var lines []string
		for _, id := range slices.Sorted(maps.Keys(missing)) {
			lines = append(lines, cat.T("passctl.policy.missing_valueset", id, strings.Join(missing[id], ", ")))
		}
		return nil, command.Errorf(cat, "passctl.policy.check", p.Name, errors.New(strings.Join(lines, "; ")))
	}
	// Through its JSON form, as a kiosk will read it: checked and indexed.
	name := p.Name
	b, err := p.Marshal()
	if err == nil {
		p, err = rules.ParsePolicy(b)
	}
	if err != nil {
		return nil, command.Errorf(cat, "passctl.policy.check", name, err)
	}
	return p, nil
}

// readPolicyPath reads a policy folder (policy.json and rule folders) or
// a policy JSON file.
func readPolicyPath(path string) (*rules.Policy, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return rules.LoadPolicy(os.DirFS(path), ".")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return rules.ParsePolicy(b)
}

// importPath adds the rules and value sets of a file, or of every JSON
// file under a folder (tests/ folders left out), to the policy. A file is
// told by its content: a rule, a list of rules (its versions), an EU value
// set or a list of them, or valueSets.json (value set id → codes). In a
// folder, a JSON file that is neither, or a value set in another shape
// (the EU's vaccine-encoding-instructions.json), is passed to skip and
// left out; a rule that does not validate is an error wherever it is.
func importPath(p *rules.Policy, path string, skip func(file string, err error)) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return importFile(p, path)
	}
	var files []string
	err = filepath.WalkDir(path, func(f string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "tests" && f != path:
			return fs.SkipDir
		case !d.IsDir() && strings.HasSuffix(d.Name(), ".json") && !strings.HasSuffix(d.Name(), ".schema.json"):
			files = append(files, f)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errors.New("no JSON file in the folder")
	}
	for _, f := range files {
		if err := importFile(p, f); err != nil {
			if errors.Is(err, errNotImportable) || errors.Is(err, rules.ErrInvalidValueSet) {
				if inner := errors.Unwrap(err); inner != nil {
					err = inner // importFile names the file; skip does too
				}
				skip(f, err)
				continue
			}
			return err
		}
	}
	return nil
}

func importFile(p *rules.Policy, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	switch kindOf(b) {
	case "rules":
		rs, err := rules.ParseRules(b)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, r := range rs {
			if slices.ContainsFunc(p.Rules, func(o *rules.Rule) bool {
				return o.Identifier == r.Identifier && o.Version == r.Version
			}) {
				return fmt.Errorf("%s: rule %s version %s is there already", path, r.Identifier, r.Version)
			}
		}
		p.Rules = append(p.Rules, rs...)
	case "valuesets":
		vs, err := rules.ParseValueSets(b)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if p.ValueSets == nil {
			p.ValueSets = map[string]*rules.ValueSet{}
		}
		for _, v := range vs {
			// A value set with names wins over one with codes only.
			if old := p.ValueSets[v.ID]; old == nil || hasNames(v) || !hasNames(old) {
				p.ValueSets[v.ID] = v
			}
		}
	default:
		return fmt.Errorf("%s: %w", path, errNotImportable)
	}
	return nil
}

// errNotImportable: a file that is neither rules nor value sets.
var errNotImportable = errors.New("neither a rule, a list of rules nor value sets")

// kindOf tells a rules file from a value-set file by its first keys.
func kindOf(b []byte) string {
	b = bytes.TrimSpace(b)
	var probe any
	if json.Unmarshal(b, &probe) != nil {
		return ""
	}
	first := probe
	if a, ok := probe.([]any); ok {
		if len(a) == 0 {
			return ""
		}
		first = a[0]
	}
	m, ok := first.(map[string]any)
	if !ok {
		return ""
	}
	switch {
	case m["Identifier"] != nil:
		return "rules"
	case m["valueSetId"] != nil:
		return "valuesets"
	}
	for _, v := range m { // valueSets.json: id → [codes]
		if _, ok := v.([]any); !ok {
			return ""
		}
	}
	return "valuesets"
}

func hasNames(v *rules.ValueSet) bool {
	for _, x := range v.Values {
		if x.Display != "" {
			return true
		}
	}
	return false
}

// register binds the policy flags of `bundle build` and `rules import`.
func (s *policySource) register(cat *i18n.Catalog, fs *flag.FlagSet) {
	u := func(name string, args ...any) string { return cat.T("passctl.flag.policy."+name, args...) }
	fs.StringVar(&s.preset, "preset", "", u("preset", strings.Join(presets.Names(), ", "), presets.Default))
	fs.StringVar(&s.policy, "policy", "", u("policy"))
	fs.Var(&s.rules, "rules", u("rules"))
	fs.Var(&s.valueSets, "valuesets", u("valuesets"))
	fs.StringVar(&s.country, "country", "", u("country"))
	fs.StringVar(&s.name, "name", "", u("name"))
}

// inspectPolicy is what `bundle inspect` says of the policy.
type inspectPolicy struct {
	Name           string   `json:"name"`
	Country        string   `json:"country"`
	Rules          int      `json:"rules"`
	Countries      []string `json:"rule_countries"`
	ValueSets      []string `json:"value_sets"`
	ContactTracing bool     `json:"contact_tracing"`
	SHA256         string   `json:"sha256"`
	Bytes          int      `json:"bytes"`
}

func policyReport(info *bundle.Info) inspectPolicy {
	p := info.Policy
	r := inspectPolicy{Name: p.Name, Country: p.Country, Rules: len(p.Rules), ContactTracing: p.ContactTracing,
		SHA256: hex.EncodeToString(info.PolicySHA256[:]), Bytes: info.PolicySize, Countries: []string{}, ValueSets: []string{}}
	for _, rl := range p.Rules {
		if !slices.Contains(r.Countries, rl.Country) {
			r.Countries = append(r.Countries, rl.Country)
		}
	}
	slices.Sort(r.Countries)
	for id := range p.ValueSets {
		r.ValueSets = append(r.ValueSets, id)
	}
	slices.Sort(r.ValueSets)
	return r
}
