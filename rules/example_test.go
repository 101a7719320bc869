package rules_test

import (
	"fmt"
	"testing/fstest"
	"time"

	"github.com/passgate/passgate/rules"
)

// A policy folder: policy.json and a folder per rule. The rule asks for a
// complete vaccination schedule.
func ExampleLoadPolicy() {
	fsys := fstest.MapFS{
		"venue/policy.json":           {Data: []byte(`{"name":"example","country":"KR"}`)},
		"venue/VR-KR-0001/rule.json":  {Data: []byte(ruleJSON("VR-KR-0001", "1.0.0", from2021, to2030, logicFull))},
		"venue/valuesets/names.json":  {Data: []byte(namesJSON)},
		"venue/VR-KR-0001/tests/x.md": {Data: []byte("tests are not read here")},
	}
	p, err := rules.LoadPolicy(fsys, "venue")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name, p.Country, len(p.Rules), "rule,", len(p.ValueSets), "value set")
	// Output: example KR 1 rule, 1 value set
}

// Judging a pass: the rules in force for its certificate type at the
// moment of the check, each passed, failed or open.
func ExamplePolicy_Judge() {
	p, err := rules.ParsePolicy([]byte(`{"name":"example","country":"KR","rules":[` +
		ruleJSON("VR-KR-0001", "1.0.0", from2021, to2030, logicFull) + `]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	ext := rules.External{ValidationClock: time.Date(2022, 1, 10, 12, 0, 0, 0, time.UTC), CountryCode: "KR"}
	for _, doses := range []float64{1, 2} {
		payload := map[string]any{"v": []any{map[string]any{"dn": doses, "sd": 2.0}}}
		for _, r := range p.Judge(payload, ext, rules.Vaccination) {
			fmt.Printf("%.0f/2: %s %s: %s\n", doses, r.Rule.Identifier, r.Outcome, r.Rule.Describe("ko"))
		}
	}
	// Output:
	// 1/2: VR-KR-0001 failed: 규칙 VR-KR-0001 버전 1.0.0의 한국어 설명입니다.
	// 2/2: VR-KR-0001 passed: 규칙 VR-KR-0001 버전 1.0.0의 한국어 설명입니다.
}

// A rule that breaks the gateway's constraints is refused with its
// identifier, version and every reason.
func ExampleParseRules() {
	_, err := rules.ParseRules([]byte(ruleJSON("TR-KR-0001", "1.0", from2021, "2021-01-02T00:00:00Z", logicTrue)))
	fmt.Println(err)
	// Output: rule TR-KR-0001 1.0: Version "1.0" does not match ^\d+\.\d+\.\d+$; valid for 24h0m0s (ValidFrom 2021-01-01T00:00:00Z to ValidTo 2021-01-02T00:00:00Z); the gateway wants at least 72h0m0s
}
