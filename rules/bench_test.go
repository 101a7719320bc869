package rules_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/rules"
)

// policy300 is a policy in the bundle's form with 300 rules: every shared
// rule, each in a second version, twelve in a third, and the EU value sets.
func policy300(b testing.TB) []byte {
	b.Helper()
	files, err := filepath.Glob(filepath.Join(businessRules(b), "*", "*", "rule.json"))
	if err != nil {
		b.Fatal(err)
	}
	var docs []json.RawMessage
	for i := 0; len(docs) < 300; i++ {
		raw, err := os.ReadFile(files[i%len(files)])
		if err != nil {
			b.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			b.Fatal(err)
		}
		m["Version"] = fmt.Sprintf("1.0.%d", 1+i/len(files)) // the shared rules are all 1.0.0
		out, err := json.Marshal(m)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, out)
	}
	var sets []json.RawMessage
	vsFiles, err := filepath.Glob(filepath.Join(shareddata.Dir(b, "dcc-valuesets"), "*.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range vsFiles {
		if strings.HasSuffix(f, "encoding-instructions.json") {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		sets = append(sets, raw)
	}
	doc, err := json.Marshal(map[string]any{"name": "bench-300", "country": "DE", "rules": docs, "valueSets": sets})
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

// BenchmarkParsePolicy300 parses (checks and compiles) a policy of 300
// rules, as a kiosk does on every new bundle.
func BenchmarkParsePolicy300(b *testing.B) {
	doc := policy300(b)
	p, err := rules.ParsePolicy(doc)
	if err != nil {
		b.Fatal(err)
	}
	if len(p.Rules) != 300 {
		b.Fatalf("%d rules", len(p.Rules))
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rules.ParsePolicy(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// setPolicy is the policy of one shared set (its rules, the tests' value
// sets) and a vaccination payload from its tests, with that test's clock:
// of the payloads of vaccination rules' tests that expect true, the one
// that passes the most rules of the set (the tests' payloads hold only what
// their rule reads; no AT payload passes every AT rule).
func setPolicy(b testing.TB, set string) (*rules.Policy, any, rules.External) {
	b.Helper()
	root := businessRules(b)
	fsys := os.DirFS(root)
	tests, err := rules.LoadTests(fsys, set)
	if err != nil {
		b.Fatal(err)
	}
	vs, err := os.ReadFile(filepath.Join(root, "valuesets", "valueSets.json"))
	if err != nil {
		b.Fatal(err)
	}
	sets, err := rules.ParseValueSets(vs)
	if err != nil {
		b.Fatal(err)
	}
	p := &rules.Policy{Name: set, Country: set, ValueSets: map[string]*rules.ValueSet{}}
	for _, v := range sets {
		p.ValueSets[v.ID] = v
	}
	dirs, err := filepath.Glob(filepath.Join(root, set, "*", "rule.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range dirs {
		raw, err := os.ReadFile(d)
		if err != nil {
			b.Fatal(err)
		}
		rs, err := rules.ParseRules(raw)
		if err != nil {
			b.Fatal(err)
		}
		p.Rules = append(p.Rules, rs...)
	}
	doc, err := p.Marshal()
	if err != nil {
		b.Fatal(err)
	}
	if p, err = rules.ParsePolicy(doc); err != nil {
		b.Fatal(err)
	}
	best, bestPassed := -1, -1
	var bestExt rules.External
	for i, tc := range tests {
		v, _ := tc.Payload.(map[string]any)["v"].([]any)
		clock, _ := tc.External["validationClock"].(string)
		if !strings.HasPrefix(tc.Rule, "VR-") || tc.Expected != true || len(v) == 0 || clock == "" {
			continue
		}
		at, err := time.Parse(time.RFC3339, clock)
		if err != nil {
			continue
		}
		ext := rules.External{ValidationClock: at, CountryCode: set}
		passed := 0
		for _, r := range p.Judge(tc.Payload, ext, rules.Vaccination) {
			if r.Outcome == rules.Passed {
				passed++
			}
		}
		if passed > bestPassed {
			best, bestPassed, bestExt = i, passed, ext
		}
	}
	if best < 0 {
		b.Fatalf("%s: no vaccination test with a payload and a clock", set)
	}
	return p, tests[best].Payload, bestExt
}

// BenchmarkJudge judges a vaccination pass with the rules of a country, as
// the kiosk does for every guest.
func BenchmarkJudge(b *testing.B) {
	for _, set := range []string{"DE", "AT"} {
		b.Run(set, func(b *testing.B) {
			p, payload, ext := setPolicy(b, set)
			n := len(p.Select(ext.ValidationClock, rules.Vaccination))
			b.ReportAllocs()
			for b.Loop() {
				if res := p.Judge(payload, ext, rules.Vaccination); len(res) != n {
					b.Fatalf("%d results, want %d", len(res), n)
				}
			}
			b.ReportMetric(float64(n), "rules/op")
		})
	}
}

// TestBenchmarkFixtures: the benchmarks' policies and payloads are what
// they claim to be.
func TestBenchmarkFixtures(t *testing.T) {
	p, err := rules.ParsePolicy(policy300(t))
	if err != nil || len(p.Rules) != 300 {
		t.Fatalf("policy of 300: %v", err)
	}
	for _, set := range []string{"DE", "AT"} {
		p, payload, ext := setPolicy(t, set)
		res := p.Judge(payload, ext, rules.Vaccination)
		passed := 0
		for _, r := range res {
			if r.Outcome == rules.Passed {
				passed++
			}
		}
		if len(res) < 3 || passed < len(res)/2 {
			t.Errorf("%s: %d of %d rules passed", set, passed, len(res))
		}
		t.Logf("%s: %v at %s: %d of %d rules passed", set, payload, ext.ValidationClock.Format(time.RFC3339), passed, len(res))
	}
}
