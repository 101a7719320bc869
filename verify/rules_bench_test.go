//go:build unix

package verify_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/rules"
	"github.com/passgate/passgate/verify"
)

// The figures of these benchmarks go in the entry-rules issue's closing
// note; bench/rules runs them and prints the medians and the rules' share.
// Besides ns/op (wall time) each reports cpu-ns/op, the process's CPU time
// per op: on a busy shared machine wall time swings by more than the rules
// cost, CPU time much less. (Hence unix only: getrusage.)

// cpuTime is the CPU time the process used so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ruleSet is a shared business-rule set as a parsed policy, with a
// vaccination payload from its tests and that test's clock.
type ruleSet struct {
	policy  *rules.Policy
	payload any
	ext     rules.External
	test    string // the test the payload comes from
}

// loadRuleSet builds the policy of one shared set: every SET/*/rule.json
// (rules.ParseRules), the value sets of valuesets/valueSets.json
// (rules.ParseValueSets), written in the bundle's form and read back with
// rules.ParsePolicy so it is indexed as a bundle's. The payload is that of
// a VR- test of the set expecting true, with a vaccination and a clock: of
// those, the one passing the most rules of the set (a test's payload holds
// only what its rule reads).
func loadRuleSet(b testing.TB, set string) *ruleSet {
	b.Helper()
	root := shareddata.Dir(b, "business-rules")
	files, err := filepath.Glob(filepath.Join(root, set, "*", "rule.json"))
	if err != nil || len(files) == 0 {
		b.Fatalf("%s: no rules in %s (%v)", set, root, err)
	}
	var docs []json.RawMessage
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		rs, err := rules.ParseRules(raw)
		if err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		for _, r := range rs {
			doc, err := r.MarshalJSON()
			if err != nil {
				b.Fatal(err)
			}
			docs = append(docs, doc)
		}
	}
	raw, err := os.ReadFile(filepath.Join(root, "valuesets", "valueSets.json"))
	if err != nil {
		b.Fatal(err)
	}
	vs, err := rules.ParseValueSets(raw)
	if err != nil {
		b.Fatal(err)
	}
	var sets []json.RawMessage
	for _, v := range vs {
		doc, err := v.MarshalJSON()
		if err != nil {
			b.Fatal(err)
		}
		sets = append(sets, doc)
	}
	p := parsePolicy(b, map[string]any{"name": "bench-" + set, "country": set, "rules": docs, "valueSets": sets})

	tests, err := rules.LoadTests(os.DirFS(root), set)
	if err != nil {
		b.Fatal(err)
	}
	var best *ruleSet
	bestPassed := -1
	for _, tc := range tests {
		pl, _ := tc.Payload.(map[string]any)
		v, _ := pl["v"].([]any)
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
			best, bestPassed = &ruleSet{policy: p, payload: tc.Payload, ext: ext, test: tc.ID()}, passed
		}
	}
	if best == nil {
		b.Fatalf("%s: no VR- test expecting true with a vaccination and a clock", set)
	}
	return best
}

// parsePolicy writes a policy in the bundle's form and parses it.
func parsePolicy(b testing.TB, doc map[string]any) *rules.Policy {
	b.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // rules compare with < and >
	if err := enc.Encode(doc); err != nil {
		b.Fatal(err)
	}
	p, err := rules.ParsePolicy(buf.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkRules judges a vaccination pass with the rules of a shared set,
// as Verifier.judge does: Policy.Judge selects the set's General,
// Vaccination and Invalidation rules valid at the test's clock and
// evaluates each. rules/op is how many were evaluated.
func BenchmarkRules(b *testing.B) {
	for _, set := range []string{"DE", "AT"} {
		b.Run(set, func(b *testing.B) {
			rs := loadRuleSet(b, set)
			n := len(rs.policy.Select(rs.ext.ValidationClock, rules.Vaccination))
			if n == 0 {
				b.Fatalf("%s: no rule valid at %s", set, rs.ext.ValidationClock)
			}
			passed := 0
			for _, r := range rs.policy.Judge(rs.payload, rs.ext, rules.Vaccination) {
				if r.Outcome == rules.Passed {
					passed++
				}
			}
			b.Logf("%s: payload of %s at %s: %d of %d rules pass (%d rules in the set)",
				set, rs.test, rs.ext.ValidationClock.Format(time.RFC3339), passed, n, len(rs.policy.Rules))
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if res := rs.policy.Judge(rs.payload, rs.ext, rules.Vaccination); len(res) != n {
					b.Fatalf("%d results, want %d", len(res), n)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(n), "rules/op")
		})
	}
}

// trueRule is a General rule of KR that always passes: the policy of
// BenchmarkVerifyWithRules/none, so that Verify runs its whole path with
// next to nothing to judge.
const trueRule = `{"Identifier":"GR-KR-0000","Type":"Acceptance","Country":"KR","Version":"1.0.0",
"SchemaVersion":"1.0.0","Engine":"CERTLOGIC","EngineVersion":"0.7.5","CertificateType":"General",
"Description":[{"lang":"en","desc":"Always true: the baseline of the rule benchmarks."}],
"ValidFrom":"2021-06-01T00:00:00Z","ValidTo":"2030-06-01T00:00:00Z","AffectedFields":["ver"],
"Logic":{"===":[true,true]}}`

// BenchmarkVerifyWithRules is the whole Verifier.Verify of the fixture
// vaccination pass (ES256, signature, expiry, revocation against the
// fixture bundle's segments, schema) with different entry policies:
//   - none: one trivially true General rule, the baseline without rules;
//   - kr-2021-12: the built-in Korean policy, the kiosk's default;
//   - DE, AT: the shared business rules of that country (see
//     BenchmarkRules). The pass is Korean and may fail some of them (the
//     verdict is logged); every selected rule is still evaluated.
//
// The time rules add per pass is the difference to none.
func BenchmarkVerifyWithRules(b *testing.B) {
	bd := loadFixtureBundle(b)
	text, err := os.ReadFile("../testdata/passes/vaccination-valid.txt")
	if err != nil {
		b.Fatal(err)
	}
	pass := strings.TrimSpace(string(text))
	cases := []struct {
		name   string
		policy func(b *testing.B) *rules.Policy
	}{
		{"none", func(b *testing.B) *rules.Policy {
			rs, err := rules.ParseRules([]byte(trueRule))
			if err != nil {
				b.Fatal(err)
			}
			var sets []json.RawMessage // the bundle's, so names() looks up the same
			for _, v := range bd.Policy().ValueSets {
				doc, err := v.MarshalJSON()
				if err != nil {
					b.Fatal(err)
				}
				sets = append(sets, doc)
			}
			doc, err := rs[0].MarshalJSON()
			if err != nil {
				b.Fatal(err)
			}
			return parsePolicy(b, map[string]any{"name": "bench-none", "country": "KR",
				"rules": []json.RawMessage{doc}, "valueSets": sets})
		}},
		{"kr-2021-12", func(*testing.B) *rules.Policy { return presets.Must("kr-2021-12") }},
		{"DE", func(b *testing.B) *rules.Policy { return loadRuleSet(b, "DE").policy }},
		{"AT", func(b *testing.B) *rules.Policy { return loadRuleSet(b, "AT").policy }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			vf := &verify.Verifier{Trust: bd, Policy: c.policy(b)}
			vd := vf.Verify(pass, fixtureTime)
			if !*vd.Checks.Signature || vd.Pass == nil {
				b.Fatalf("%s: the pass did not reach the rules: %v %s", c.name, vd.Reasons, vd.Detail)
			}
			if len(vd.Rules) == 0 {
				b.Fatalf("%s: no rule evaluated: %v %s", c.name, vd.Reasons, vd.Detail)
			}
			if c.name == "none" && vd.Status != verify.Valid {
				b.Fatalf("baseline: %s %v %s, want valid", vd.Status, vd.Reasons, vd.Detail)
			}
			b.Logf("%s: %s %v, %d rules evaluated", c.name, vd.Status, vd.Reasons, len(vd.Rules))
			n := len(vd.Rules)
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if vd := vf.Verify(pass, fixtureTime); len(vd.Rules) != n {
					b.Fatalf("%d rules evaluated, want %d", len(vd.Rules), n)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(n), "rules/op")
		})
	}
}
