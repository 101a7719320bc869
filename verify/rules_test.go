package verify_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/rules"
	"github.com/passgate/passgate/verify"
)

// policyOf makes a policy of country XX from rules given by identifier,
// validity and logic.
func policyOf(t *testing.T, rs ...[3]string) *rules.Policy {
	t.Helper()
	var parts []string
	for _, r := range rs {
		from := r[1]
		if from == "" {
			from = "2021-01-01T00:00:00Z"
		}
		parts = append(parts, `{"Identifier":"`+r[0]+`","Type":"Acceptance","Country":"XX","Version":"1.0.0",
"SchemaVersion":"1.0.0","Engine":"CERTLOGIC","EngineVersion":"1.3.3","CertificateType":"General",
"Description":[{"lang":"en","desc":"These English words say why."},{"lang":"ko","desc":"이 한국어 설명은 이유를 말합니다. 이유를 말합니다."}],
"ValidFrom":"`+from+`","ValidTo":"2030-01-01T00:00:00Z","AffectedFields":["v"],"Logic":`+r[2]+`}`)
	}
	p, err := rules.ParsePolicy([]byte(`{"name":"test","country":"XX","rules":[` + strings.Join(parts, ",") + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fixturePass(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + dir + "/" + name + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestRuleOutcomes: a failed rule refuses with its id and description, an
// evaluation error refuses (never admits), as do no rule in force and no
// policy at all.
func TestRuleOutcomes(t *testing.T) {
	b := loadFixtureBundle(t)
	pass := fixturePass(t, "passes", "vaccination-valid")
	for _, c := range []struct {
		name    string
		policy  *rules.Policy
		lang    string
		status  verify.Status
		reasons []verify.Reason
		results []rules.Outcome
		desc    string
	}{
		{"all pass", policyOf(t, [3]string{"GR-XX-0001", "", `{"!":[{"!":[{"var":"payload.v.0"}]}]}`}), "", verify.Valid, []verify.Reason{},
			[]rules.Outcome{rules.Passed}, "These English words say why."},
		{"one fails", policyOf(t, [3]string{"GR-XX-0001", "", `{"===":[1,1]}`}, [3]string{"GR-XX-0002", "", `{"var":"payload.t.0"}`}), "ko",
			verify.NotValid, []verify.Reason{verify.RuleFailed, "GR-XX-0002"}, []rules.Outcome{rules.Passed, rules.Failed}, "이 한국어 설명은 이유를 말합니다. 이유를 말합니다."},
		{"an error is open", policyOf(t, [3]string{"GR-XX-0001", "", `{"===":[1,2]}`},
			[3]string{"GR-XX-0002", "", `{"plusTime":[{"var":"payload.nam.fnt"},1,"day"]}`}), "",
			verify.NotValid, []verify.Reason{verify.RuleError, "GR-XX-0002"}, []rules.Outcome{rules.Failed, rules.Open}, "These English words say why."},
		{"a non-boolean truthy result fails", policyOf(t, [3]string{"GR-XX-0001", "", `{"var":"payload.v"}`}), "",
			verify.NotValid, []verify.Reason{verify.RuleFailed, "GR-XX-0001"}, []rules.Outcome{rules.Failed}, "These English words say why."},
		{"a value set missing is open", policyOf(t, [3]string{"GR-XX-0009", "", `{"in":[{"var":"payload.v.0.mp"},{"var":"external.valueSets.no-such-set"}]}`}), "",
			verify.NotValid, []verify.Reason{verify.RuleError, "GR-XX-0009"}, []rules.Outcome{rules.Open}, "These English words say why."},
		{"no rule in force", policyOf(t, [3]string{"GR-XX-0001", "2025-01-01T00:00:00Z", `{"===":[1,1]}`}), "",
			verify.NotValid, []verify.Reason{verify.RuleError, verify.NoRules}, nil, ""},
		{"no policy", nil, "", verify.NotValid, []verify.Reason{verify.RuleError, verify.NoPolicy}, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			vd := (&verify.Verifier{Trust: b, Policy: c.policy, Lang: c.lang}).Verify(pass, fixtureTime)
			if vd.Status != c.status || !slices.Equal(vd.Reasons, c.reasons) {
				t.Fatalf("verdict %s %v (%s), want %s %v", vd.Status, vd.Reasons, vd.Detail, c.status, c.reasons)
			}
			var got []rules.Outcome
			for _, r := range vd.Rules {
				got = append(got, r.Result)
				if r.Result == rules.Open && r.Error == "" {
					t.Errorf("open rule %s without its error", r.ID)
				}
			}
			if !slices.Equal(got, c.results) {
				t.Errorf("results %v, want %v", got, c.results)
			}
			if ok, reached := vd.Checks.Get(verify.StageRules); !reached || ok != (c.status == verify.Valid) {
				t.Errorf("checks.rules = %v (reached %v)", ok, reached)
			}
			if len(vd.Rules) > 0 && vd.Rules[len(vd.Rules)-1].Description != c.desc {
				t.Errorf("description %q, want %q", vd.Rules[len(vd.Rules)-1].Description, c.desc)
			}
			if vd.Pass == nil {
				t.Error("a pass judged by the rules shows no data")
			}
		})
	}
}

// TestPresetsOnFixtures: the built-in rule sets judge the fixture passes
// as their meaning says.
func TestPresetsOnFixtures(t *testing.T) {
	b := loadFixtureBundle(t)
	for _, c := range []struct {
		preset, dir, pass string
		want              verify.Reason // "" admits
	}{
		{"kr-2021-12", "passes-rules", "vaccination-minor", ""},
		{"eu-3g", "passes-rules", "vaccination-minor", verify.RuleFailed},
		{"eu-3g", "passes", "vaccination-too-old", ""},
		{"eu-3g", "passes", "test-rat", ""},
		{"2g", "passes", "test-pcr-valid", verify.RuleFailed},
		{"2g", "passes", "vaccination-valid", ""},
		{"2g-plus", "passes", "vaccination-booster", ""},
		{"2g-plus", "passes", "recovery-valid", verify.RuleFailed},
	} {
		t.Run(c.preset+"/"+c.pass, func(t *testing.T) {
			vd := (&verify.Verifier{Trust: b, Policy: presets.Must(c.preset)}).Verify(fixturePass(t, c.dir, c.pass), fixtureTime)
			if got := vd.Reason(); got != c.want {
				t.Fatalf("reason %q (%v: %s), want %q", got, vd.Reasons, vd.Detail, c.want)
			}
		})
	}
}

// TestVerifyPair: under 2g-plus a vaccination alone waits for a test; with
// the holder's test it admits; with another person's it does not.
func TestVerifyPair(t *testing.T) {
	vf := &verify.Verifier{Trust: loadFixtureBundle(t), Policy: presets.Must("2g-plus")}
	vacc := fixturePass(t, "passes", "vaccination-valid")
	test := fixturePass(t, "passes-rules", "test-pcr-hong")

	alone := vf.Verify(vacc, fixtureTime)
	if alone.Status == verify.Valid || !slices.Equal(alone.Needs, []rules.CertType{rules.Test}) {
		t.Fatalf("vaccination alone: %s %v needs %v", alone.Status, alone.Reasons, alone.Needs)
	}
	testAlone := vf.Verify(test, fixtureTime)
	if testAlone.Status == verify.Valid || !slices.Equal(testAlone.Needs, []rules.CertType{rules.Vaccination, rules.Recovery}) {
		t.Fatalf("test alone: %s %v needs %v", testAlone.Status, testAlone.Reasons, testAlone.Needs)
	}
	for _, order := range [][2]string{{vacc, test}, {test, vacc}} {
		vd := vf.VerifyPair(order[0], order[1], fixtureTime)
		if vd.Status != verify.Valid || vd.Pass.Vaccination == nil || vd.Pass.Test == nil || len(vd.Needs) != 0 {
			t.Fatalf("pair: %s %v (%s), pass %+v", vd.Status, vd.Reasons, vd.Detail, vd.Pass)
		}
	}
	other := vf.VerifyPair(vacc, fixturePass(t, "passes", "test-pcr-valid"), fixtureTime)
	if other.Reason() != verify.HolderMismatch {
		t.Errorf("another holder's test: %v", other.Reasons)
	}
	forged := vf.VerifyPair(vacc, fixturePass(t, "passes", "forged-signature"), fixtureTime)
	if forged.Status == verify.Valid || forged.Reason() != verify.BadSignature {
		t.Errorf("a forged second pass: %v", forged.Reasons)
	}
	old := vf.VerifyPair(vacc, fixturePass(t, "passes", "test-pcr-too-old"), fixtureTime)
	if old.Status == verify.Valid {
		t.Errorf("a stale test admitted: %v", old.Reasons)
	}
}
