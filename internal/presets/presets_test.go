package presets_test

import (
	"os"
	"testing"

	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/rules"
)

// TestPresetsLoad: every built-in policy loads, applies rules of its own
// country, says each rule in Korean and English, and carries the built-in
// value sets.
func TestPresetsLoad(t *testing.T) {
	names := presets.Names()
	if len(names) != 4 {
		t.Fatalf("presets %v, want kr-2021-12, eu-3g, 2g, 2g-plus", names)
	}
	for _, name := range names {
		p, err := presets.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != name || len(p.Rules) == 0 || p.ValueSets["vaccines-covid-19-names"] == nil {
			t.Errorf("%s: name %q, %d rules, value sets %d", name, p.Name, len(p.Rules), len(p.ValueSets))
		}
		for _, r := range p.Rules {
			if r.Country != p.Country || r.Describe("ko") == r.Describe("en") {
				t.Errorf("%s: rule %s of %s, ko %q en %q", name, r.Identifier, r.Country, r.Describe("ko"), r.Describe("en"))
			}
		}
	}
	if _, err := presets.Load("kr-2022-01"); err == nil {
		t.Error("an unknown preset loads")
	}
}

// TestPresetRuleTests runs the built-in policies' own tests (the upstream
// layout, assets/policies/NAME/RULE-ID/tests) as the upstream runner does.
func TestPresetRuleTests(t *testing.T) {
	tests, err := rules.LoadTests(os.DirFS("../../assets"), "policies")
	if err != nil {
		t.Fatal(err)
	}
	perSet := map[string][3]int{}
	for _, tc := range tests {
		r := tc.Run()
		n := perSet[tc.Set]
		switch {
		case r.Skipped:
			n[2]++
		case r.Failed():
			n[1]++
			t.Errorf("%s: got %v, want %v (%v)", tc.ID(), r.Got, tc.Expected, r.Err)
		default:
			n[0]++
		}
		perSet[tc.Set] = n
	}
	if len(tests) < 370 {
		t.Errorf("%d tests, want the 373 written", len(tests))
	}
	for set, n := range perSet {
		t.Logf("%-12s %3d passed %d failed %d skipped", set, n[0], n[1], n[2])
	}
}
