package rules_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/certlogic"
	"github.com/passgate/passgate/rules"
)

func ids(rs []*rules.Rule) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Identifier + " " + r.Version
	}
	return out
}

// TestSelect: per identifier the highest version (in semver order, 1.10.0
// after 1.2.0) valid at the moment, of the venue's country, by type.
func TestSelect(t *testing.T) {
	p := mustPolicy(t)
	for _, c := range []struct {
		at    string
		types []rules.CertType
		want  []string
	}{
		{"2021-06-01T00:00:00Z", []rules.CertType{rules.Vaccination},
			[]string{"GR-KR-0001 1.0.0", "IR-KR-0001 1.0.0", "VR-KR-0001 1.2.0"}},
		{"2021-06-01T00:00:00Z", []rules.CertType{rules.Test},
			[]string{"GR-KR-0001 1.0.0", "IR-KR-0001 1.0.0", "TR-KR-0001 1.0.0"}},
		{"2021-06-01T00:00:00Z", []rules.CertType{rules.Vaccination, rules.Test},
			[]string{"GR-KR-0001 1.0.0", "IR-KR-0001 1.0.0", "TR-KR-0001 1.0.0", "VR-KR-0001 1.2.0"}},
		{"2021-06-01T00:00:00Z", nil, []string{"GR-KR-0001 1.0.0", "IR-KR-0001 1.0.0"}},
		// ValidTo is not included; the new version starts at its ValidFrom.
		{from2022, []rules.CertType{rules.Vaccination}, []string{"IR-KR-0001 1.0.0", "VR-KR-0001 1.10.0"}},
		{"2021-12-31T23:59:59Z", []rules.CertType{rules.Vaccination},
			[]string{"GR-KR-0001 1.0.0", "IR-KR-0001 1.0.0", "VR-KR-0001 1.2.0"}},
		// The same moment in another zone.
		{"2022-01-01T09:00:00+09:00", []rules.CertType{rules.Vaccination}, []string{"IR-KR-0001 1.0.0", "VR-KR-0001 1.10.0"}},
		{"2020-12-31T23:59:59Z", []rules.CertType{rules.Vaccination}, []string{}},
		{to2030, []rules.CertType{rules.Vaccination}, []string{}},
	} {
		got := ids(p.Select(mustTime(t, c.at), c.types...))
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("Select(%s, %v) (-want +got):\n%s", c.at, c.types, diff)
		}
	}
	// A Policy made in Go selects the same, unindexed.
	q := &rules.Policy{Name: p.Name, Country: p.Country, Rules: p.Rules, ValueSets: p.ValueSets}
	if diff := cmp.Diff(ids(p.Select(mustTime(t, from2022), rules.Vaccination)), ids(q.Select(mustTime(t, from2022), rules.Vaccination))); diff != "" {
		t.Errorf("unindexed (-want +got):\n%s", diff)
	}
}

func TestData(t *testing.T) {
	p := mustPolicy(t)
	kst := time.FixedZone("KST", 9*3600)
	payload := vaccinated(2, 2)
	ext := rules.External{ValidationClock: time.Date(2022, 1, 2, 9, 30, 0, 500, kst), CountryCode: "KR",
		Iat: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)}
	got := p.Data(payload, ext)
	want := map[string]any{"payload": payload, "external": map[string]any{
		"validationClock": "2022-01-02T09:30:00+09:00", "countryCode": "KR", "iat": "2021-06-01T00:00:00Z",
		"valueSets": map[string]any{"vaccines-covid-19-names": []any{"CVnCoV", "EU/1/20/1507", "EU/1/20/1528"}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The value sets are built once per policy.
	again := p.Data(nil, ext)["external"].(map[string]any)["valueSets"]
	if fmt.Sprintf("%p", again) != fmt.Sprintf("%p", got["external"].(map[string]any)["valueSets"]) {
		t.Errorf("value sets built again for a second pass")
	}
}

func outcomes(rs []rules.Result) map[string]rules.Outcome {
	out := map[string]rules.Outcome{}
	for _, r := range rs {
		out[r.Rule.Identifier+" "+r.Rule.Version] = r.Outcome
	}
	return out
}

func TestJudge(t *testing.T) {
	p := mustPolicy(t)
	at := func(s string) rules.External {
		return rules.External{ValidationClock: mustTime(t, s), CountryCode: "KR"}
	}
	// 2021: VR-KR-0001 1.2.0 is false whatever the pass.
	got := p.Judge(vaccinated(2, 2), at("2021-06-01T00:00:00Z"), rules.Vaccination)
	want := map[string]rules.Outcome{"GR-KR-0001 1.0.0": rules.Passed, "IR-KR-0001 1.0.0": rules.Passed, "VR-KR-0001 1.2.0": rules.Failed}
	if diff := cmp.Diff(want, outcomes(got)); diff != "" {
		t.Errorf("2021 (-want +got):\n%s", diff)
	}
	// 2022: VR-KR-0001 1.10.0 wants a product of the value set.
	got = p.Judge(vaccinated(2, 2), at(from2022), rules.Vaccination)
	want = map[string]rules.Outcome{"IR-KR-0001 1.0.0": rules.Passed, "VR-KR-0001 1.10.0": rules.Passed}
	if diff := cmp.Diff(want, outcomes(got)); diff != "" {
		t.Errorf("2022 (-want +got):\n%s", diff)
	}
	other := vaccinated(2, 2)
	other["v"].([]any)[0].(map[string]any)["mp"] = "Sputnik-V"
	if o := outcomes(p.Judge(other, at(from2022), rules.Vaccination))["VR-KR-0001 1.10.0"]; o != rules.Failed {
		t.Errorf("a product outside the value set: %s", o)
	}
	if got := p.Judge(vaccinated(2, 2), at("2020-01-01T00:00:00Z"), rules.Vaccination); got != nil {
		t.Errorf("no rule valid: %v", got)
	}
}

// TestJudgeOutcomes: exactly true passes; any other result fails, truthy
// or not; an evaluation error leaves the rule open.
func TestJudgeOutcomes(t *testing.T) {
	for _, c := range []struct {
		logic   string
		payload any
		want    rules.Outcome
		err     error
	}{
		{logicTrue, nil, rules.Passed, nil},
		{logicFalse, nil, rules.Failed, nil},
		{logicOne, nil, rules.Failed, nil},
		{`{"if":[true,"true",{"var":"payload.v"}]}`, nil, rules.Failed, nil},
		{`{"if":[true,[true],{"var":"payload.v"}]}`, nil, rules.Failed, nil},
		{`{"var":"payload.v"}`, nil, rules.Failed, nil},
		{logicFull, vaccinated(1, 2), rules.Failed, nil},
		{logicFull, vaccinated(2, 2), rules.Passed, nil},
		{logicBadDate, vaccinated(2, 2), rules.Passed, nil},
		{logicBadDate, map[string]any{"v": []any{map[string]any{"dt": "2021-13-01"}}}, rules.Open, certlogic.ErrEval},
	} {
		doc := `{"name":"t","country":"KR","rules":[` + ruleJSON("GR-KR-0001", "1.0.0", from2021, to2030, c.logic) + `]}`
		p, err := rules.ParsePolicy([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		res := p.Judge(c.payload, rules.External{ValidationClock: mustTime(t, from2022)})
		if len(res) != 1 || res[0].Outcome != c.want || !errors.Is(res[0].Err, c.err) || (c.err == nil) != (res[0].Err == nil) {
			t.Errorf("%s on %v: %+v, want %s (%v)", c.logic, c.payload, res, c.want, c.err)
		}
	}
}

// TestJudgeMalformedPayload: whatever a scanned code holds, judging it
// does not panic and passes nothing it should not.
func TestJudgeMalformedPayload(t *testing.T) {
	p := mustPolicy(t)
	ext := rules.External{ValidationClock: mustTime(t, from2022)}
	for _, payload := range []any{nil, "v", 1.0, []any{1.0}, map[string]any{"v": "x"}, map[string]any{"v": []any{"x"}},
		map[string]any{"v": []any{map[string]any{"mp": 1.0, "dn": "2", "sd": nil}}}, map[string]any{"v": map[string]any{"0": true}},
		map[string]int{"v": 1}, struct{ V int }{1}} {
		for _, r := range p.Judge(payload, ext, rules.Vaccination) {
			if r.Rule.Identifier == "VR-KR-0001" && r.Outcome == rules.Passed {
				t.Errorf("%#v passes %s", payload, r.Rule.Identifier)
			}
			if r.Outcome == rules.Open && !strings.Contains(r.Err.Error(), "certlogic") {
				t.Errorf("%#v: open with %v", payload, r.Err)
			}
		}
	}
}

// TestJudgeConcurrent: one parsed policy judges passes from many
// goroutines at once (run with -race).
func TestJudgeConcurrent(t *testing.T) {
	p := mustPolicy(t)
	ext := rules.External{ValidationClock: mustTime(t, from2022), CountryCode: "KR"}
	want := outcomes(p.Judge(vaccinated(2, 2), ext, rules.Vaccination))
	errs := make(chan string, 8)
	for range 8 {
		go func() {
			for range 50 {
				if got := outcomes(p.Judge(vaccinated(2, 2), ext, rules.Vaccination)); !cmp.Equal(want, got) {
					errs <- cmp.Diff(want, got)
					return
				}
			}
			errs <- ""
		}()
	}
	for range 8 {
		if d := <-errs; d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	}
}
