package rules_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/passgate/passgate/certlogic"
	"github.com/passgate/passgate/rules"
)

// TestRuleRoundTrip: every shared rule marshals back to the JSON it was
// read from.
func TestRuleRoundTrip(t *testing.T) {
	for _, f := range sharedRuleFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := rules.ParseRules(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out, err := rs[0].MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var want, got any
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: round trip (-want +got):\n%s", f, diff)
		}
		again, err := rules.ParseRules(out)
		if err != nil {
			t.Fatalf("%s: parse of the marshalled rule: %v", f, err)
		}
		if diff := cmp.Diff(rs, again, cmpopts.IgnoreUnexported(rules.Rule{})); diff != "" {
			t.Errorf("%s: parse of the marshalled rule (-want +got):\n%s", f, diff)
		}
	}
}

func TestParseRulesFields(t *testing.T) {
	rs := mustRules(t, ruleJSON("VR-KR-0001", "1.0.0", "2021-01-01T09:00:00+09:00", to2030, logicFull))
	r := rs[0]
	want := &rules.Rule{Identifier: "VR-KR-0001", Type: rules.Acceptance, Country: "KR", Version: "1.0.0",
		SchemaVersion: "1.0.0", Engine: "CERTLOGIC", EngineVersion: "1.0.0", CertificateType: rules.Vaccination,
		Description: []rules.Description{{"en", "Rule VR-KR-0001 version 1.0.0 in English."}, {"ko", "규칙 VR-KR-0001 버전 1.0.0의 한국어 설명입니다."}},
		ValidFrom:   mustTime(t, "2021-01-01T09:00:00+09:00"), ValidTo: mustTime(t, to2030),
		AffectedFields: []string{"v.0"}, Logic: json.RawMessage(logicFull)}
	if diff := cmp.Diff(want, r, cmpopts.IgnoreUnexported(rules.Rule{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !r.ValidFrom.Equal(mustTime(t, from2021)) {
		t.Errorf("ValidFrom %s, want the instant %s", r.ValidFrom, from2021)
	}
	b, _ := json.Marshal(r)
	if !strings.Contains(string(b), `"ValidFrom":"2021-01-01T09:00:00+09:00"`) {
		t.Errorf("the offset is not kept: %s", b)
	}
}

func TestParseRulesErrors(t *testing.T) {
	good := ruleJSON("VR-KR-0001", "1.0.0", from2021, to2030, logicTrue)
	for _, c := range []struct {
		name, doc, want string
		logic           bool
	}{
		{"not JSON", `{"Identifier":`, "rule (no Identifier): not JSON: unexpected end of JSON input", false},
		{"not an object", `"VR-KR-0001"`, "rule (no Identifier): want a JSON object, got a string", false},
		{"ValidTo first", ruleJSON("VR-KR-0001", "1.0.0", from2022, from2021, logicTrue),
			"rule VR-KR-0001 1.0.0: ValidFrom 2022-01-01T00:00:00Z is not before ValidTo 2021-01-01T00:00:00Z", false},
		{"every problem", strings.Replace(ruleJSON("VR-KR-0001", "1.0", from2021, to2030, logicTrue), `"Engine":"CERTLOGIC",`, "", 1),
			`rule VR-KR-0001 1.0: Engine is missing; Version "1.0" does not match ^\d+\.\d+\.\d+$`, false},
		{"no Version", strings.Replace(good, `"Version":"1.0.0",`, "", 1), "rule VR-KR-0001 (no Version): Version is missing", false},
		{"logic", ruleJSON("VR-KR-0001", "1.0.0", from2021, to2030, `{"nope":[1]}`), "rule VR-KR-0001 1.0.0: Logic: ", true},
		{"in an array", "[" + good + "," + ruleJSON("VR-KR-0001", "2.0.0", from2021, to2030, `{"var":1}`) + "]",
			"rule 2 (VR-KR-0001 2.0.0): Logic: ", true},
		{"empty array", "[ ]", "invalid rule: an empty array", false},
		{"version twice", "[" + good + "," + good + "]", "rule VR-KR-0001 version 1.0.0 twice", false},
		{"later version earlier", "[" + ruleJSON("VR-KR-0001", "1.0.1", from2021, to2030, logicTrue) + "," +
			ruleJSON("VR-KR-0001", "1.0.0", from2022, to2030, logicTrue) + "]",
			"rule VR-KR-0001 1.0.1 starts (ValidFrom 2021-01-01T00:00:00Z) before its version 1.0.0 does (2022-01-01T00:00:00Z)", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := rules.ParseRules([]byte(c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one with %q", err, c.want)
			}
			if !errors.Is(err, rules.ErrInvalidRule) {
				t.Errorf("%v is not ErrInvalidRule", err)
			}
			if errors.Is(err, rules.ErrLogic) != c.logic || errors.Is(err, certlogic.ErrInvalid) != c.logic {
				t.Errorf("%v: ErrLogic %v, certlogic.ErrInvalid %v; want %v", err, errors.Is(err, rules.ErrLogic), errors.Is(err, certlogic.ErrInvalid), c.logic)
			}
		})
	}
	var re *rules.RuleError
	_, err := rules.ParseRules([]byte(ruleJSON("VR-KR-0001", "1.0.0", from2022, from2021, logicTrue)))
	if !errors.As(err, &re) || re.Identifier != "VR-KR-0001" || re.Version != "1.0.0" || len(re.Problems) != 1 {
		t.Errorf("RuleError %+v", re)
	}
}

func TestParseRulesArray(t *testing.T) {
	rs := mustRules(t, "["+ruleJSON("VR-KR-0001", "1.0.0", from2021, to2030, logicTrue)+","+
		ruleJSON("VR-KR-0001", "1.1.0", from2022, to2030, logicFalse)+"]")
	if len(rs) != 2 || rs[0].Version != "1.0.0" || rs[1].Version != "1.1.0" {
		t.Errorf("got %d rules", len(rs))
	}
}

func TestRuleUnmarshalJSON(t *testing.T) {
	var holder struct{ Rule *rules.Rule }
	doc := `{"Rule":` + ruleJSON("TR-KR-0001", "1.0.0", from2021, to2030, logicTrue) + `}`
	if err := json.Unmarshal([]byte(doc), &holder); err != nil {
		t.Fatal(err)
	}
	if v, err := holder.Rule.Eval(nil); err != nil || v != true {
		t.Errorf("Eval: %v, %v", v, err)
	}
	bad := `{"Rule":` + ruleJSON("TR-KR-0001", "1.0.0", from2022, from2021, logicTrue) + `}`
	if err := json.Unmarshal([]byte(bad), &holder); !errors.Is(err, rules.ErrInvalidRule) {
		t.Errorf("bad rule: %v", err)
	}
}

// TestRuleCompile: a Rule made in Go does not run until compiled, and is
// held to the same checks.
func TestRuleCompile(t *testing.T) {
	r := &rules.Rule{Identifier: "GR-KR-0001", Type: rules.Acceptance, Country: "KR", Version: "1.0.0",
		SchemaVersion: "1.0.0", Engine: rules.Engine, EngineVersion: "1.0.0", CertificateType: rules.General,
		Description: []rules.Description{{Lang: "en", Desc: "Every guest is welcome at this venue."}},
		ValidFrom:   mustTime(t, from2021), ValidTo: mustTime(t, to2030), AffectedFields: []string{"v"},
		Logic: json.RawMessage(logicTrue)}
	if _, err := r.Eval(nil); !errors.Is(err, rules.ErrNotCompiled) {
		t.Errorf("Eval before Compile: %v", err)
	}
	if err := r.Compile(); err != nil {
		t.Fatal(err)
	}
	if v, err := r.Eval(nil); err != nil || v != true {
		t.Errorf("Eval: %v, %v", v, err)
	}
	r2 := *r
	r2.ValidTo = r.ValidFrom.Add(time.Hour)
	if err := r2.Compile(); err == nil || !strings.Contains(err.Error(), "the gateway wants at least 72h") {
		t.Errorf("Compile of a rule valid an hour: %v", err)
	}
}

func TestDescribe(t *testing.T) {
	r := &rules.Rule{Description: []rules.Description{{"de", "deutsch"}, {"en", "english"}, {"de-at", "österreichisch"}, {"ko", "한국어"}}}
	for lang, want := range map[string]string{"ko": "한국어", "de-at": "österreichisch", "DE": "deutsch",
		"de-ch": "deutsch", "fr": "english", "": "english", "ko-KR": "한국어"} {
		if got := r.Describe(lang); got != want {
			t.Errorf("Describe(%q) = %q, want %q", lang, got, want)
		}
	}
	if got := (&rules.Rule{Description: []rules.Description{{"fr", "français"}}}).Describe("ko"); got != "français" {
		t.Errorf("without English: %q, want the first", got)
	}
	if got := (&rules.Rule{}).Describe("ko"); got != "" {
		t.Errorf("without descriptions: %q", got)
	}
}
