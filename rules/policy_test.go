package rules_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/passgate/passgate/rules"
)

func TestParsePolicy(t *testing.T) {
	p := mustPolicy(t)
	if p.Name != "kr-test" || p.Country != "KR" || !p.ContactTracing || len(p.Rules) != 7 || len(p.ValueSets) != 1 {
		t.Errorf("policy %s %s %v: %d rules, %d value sets", p.Name, p.Country, p.ContactTracing, len(p.Rules), len(p.ValueSets))
	}
	if diff := cmp.Diff(map[string][]rules.CertType{"VR-KR-0001": {rules.Test, rules.Recovery}}, p.Companions); diff != "" {
		t.Errorf("companions (-want +got):\n%s", diff)
	}
}

// TestPolicyMarshal: Marshal is deterministic whatever the order of the
// rules, and ParsePolicy reads back the same policy.
func TestPolicyMarshal(t *testing.T) {
	p := mustPolicy(t)
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	q, err := rules.ParsePolicy(b)
	if err != nil {
		t.Fatal(err)
	}
	opts := cmp.Options{cmpopts.IgnoreUnexported(rules.Rule{}, rules.Policy{}),
		cmpopts.SortSlices(func(a, b *rules.Rule) bool { return a.Identifier+a.Version < b.Identifier+b.Version }),
		cmpopts.SortSlices(func(a, b rules.CertType) bool { return a < b })}
	if diff := cmp.Diff(p, q, opts); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for i, j := 0, len(q.Rules)-1; i < j; i, j = i+1, j-1 {
		q.Rules[i], q.Rules[j] = q.Rules[j], q.Rules[i]
	}
	q.Companions["VR-KR-0001"] = []rules.CertType{rules.Recovery, rules.Test}
	b2, err := q.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Errorf("Marshal depends on the order of the rules:\n%s\n%s", b, b2)
	}
	// Companion types sorted; a comparison not escaped as \u003e.
	for _, want := range []string{`"companions":{"VR-KR-0001":["Recovery","Test"]}`, `{">=":`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("Marshal lacks %s:\n%s", want, b)
		}
	}
	if !bytes.HasPrefix(b, []byte(`{"name":"kr-test","country":"KR","contactTracing":true,`)) {
		t.Errorf("Marshal starts %.80s", b)
	}
}

func TestPolicyCheck(t *testing.T) {
	base := func() *rules.Policy { return mustPolicy(t) }
	for _, c := range []struct {
		name   string
		change func(p *rules.Policy)
		want   string
	}{
		{"no name", func(p *rules.Policy) { p.Name = "" }, "no name"},
		{"bad country", func(p *rules.Policy) { p.Country = "Korea" }, `country "Korea": want an ISO 3166 alpha-2 code or EU`},
		{"no rule of the country", func(p *rules.Policy) { p.Country = "FR" }, "no rule of FR"},
		{"rule twice", func(p *rules.Policy) { p.Rules = append(p.Rules, p.Rules[0]) }, "rule VR-KR-0001 version 1.0.0 twice"},
		{"nil rule", func(p *rules.Policy) { p.Rules = append(p.Rules, nil) }, "rule 8 is nil"},
		{"not compiled", func(p *rules.Policy) { p.Rules[0] = &rules.Rule{Identifier: "VR-KR-0001", Version: "0.0.1"} }, "rule VR-KR-0001 0.0.1 is not compiled"},
		{"companion of no rule", func(p *rules.Policy) { p.Companions["VR-KR-0009"] = []rules.CertType{rules.Test} }, "companions of VR-KR-0009: no such rule of KR"},
		{"companion of another country", func(p *rules.Policy) { p.Companions["VR-DE-0001"] = []rules.CertType{rules.Test} }, "companions of VR-DE-0001: no such rule of KR"},
		{"companion General", func(p *rules.Policy) { p.Companions["VR-KR-0001"] = []rules.CertType{rules.General} }, `"General" is not a certificate type a pass can be`},
		{"companion twice", func(p *rules.Policy) { p.Companions["VR-KR-0001"] = []rules.CertType{rules.Test, rules.Test} }, "companions of VR-KR-0001: Test twice"},
		{"companion empty", func(p *rules.Policy) { p.Companions["VR-KR-0001"] = nil }, "companions of VR-KR-0001: no certificate type"},
		{"value set misfiled", func(p *rules.Policy) { p.ValueSets["x"] = p.ValueSets["vaccines-covid-19-names"] }, "value set vaccines-covid-19-names is filed under x"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := base()
			if err := p.Check(); err != nil {
				t.Fatal(err)
			}
			c.change(p)
			err := p.Check()
			if !errors.Is(err, rules.ErrInvalidPolicy) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Check: %v, want ErrInvalidPolicy with %q", err, c.want)
			}
			if _, merr := p.Marshal(); !errors.Is(merr, rules.ErrInvalidPolicy) {
				t.Errorf("Marshal of an inconsistent policy: %v", merr)
			}
		})
	}
}

func TestParsePolicyErrors(t *testing.T) {
	good := policyJSON()
	for _, c := range []struct {
		name, doc string
		is        error
		want      string
	}{
		{"unknown member", strings.Replace(good, `"name"`, `"nmae":"x","name"`, 1), rules.ErrInvalidPolicy, `policy: invalid policy: unknown member "nmae"`},
		{"not JSON", good[:20], rules.ErrInvalidPolicy, "not JSON: unexpected end of JSON input"},
		{"not an object", `[]`, rules.ErrInvalidPolicy, "want a JSON object, got an array"},
		{"name a number", strings.Replace(good, `"name":"kr-test"`, `"name":1`, 1), rules.ErrInvalidPolicy, "name: want a string, got a number"},
		{"rules an object", strings.Replace(good, `"rules":[`, `"rules":{},"x":[`, 1), rules.ErrInvalidPolicy, "policy kr-test: invalid policy: rules: want an array, got an object"},
		{"companions of a string", strings.Replace(good, `["Test","Recovery"]`, `"Test"`, 1), rules.ErrInvalidPolicy, `companions of VR-KR-0001: want an array of certificate types, got "Test"`},
		{"trailing", good + "{}", rules.ErrInvalidPolicy, "not JSON: invalid character '{' after top-level value"},
		{"bad rule", strings.Replace(good, `"Version":"1.10.0"`, `"Version":"1.10"`, 1), rules.ErrInvalidRule,
			`policy kr-test: rule 2 (VR-KR-0001 1.10): Version "1.10" does not match`},
		{"bad value set", strings.Replace(good, `"valueSetId"`, `"id"`, 1), rules.ErrInvalidValueSet, "policy kr-test: value set 1: invalid value set: no valueSetId"},
		{"value set twice", strings.Replace(good, namesJSON, namesJSON+","+namesJSON, 1), rules.ErrInvalidValueSet, "value set vaccines-covid-19-names twice"},
		{"inconsistent", strings.Replace(good, `"country":"KR"`, `"country":"JP"`, 1), rules.ErrInvalidPolicy, "no rule of JP"},
	} {
		_, err := rules.ParsePolicy([]byte(c.doc))
		if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %v with %q", c.name, err, c.is, c.want)
		}
	}
}

// policyFS is a policy folder with the fixture rules: VR-KR-0001 holds its
// versions in one array.
func policyFS() fstest.MapFS {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"kr/policy.json": file(`{"name":"kr-test","country":"KR","contactTracing":true,"companions":{"VR-KR-0001":["Test","Recovery"]}}`),
		"kr/README.md":   file("ignored"),
		"kr/VR-KR-0001/rule.json": file("[" + ruleJSON("VR-KR-0001", "1.0.0", from2021, to2030, logicFull) + "," +
			ruleJSON("VR-KR-0001", "1.10.0", from2022, to2030, logicVS) + "," + ruleJSON("VR-KR-0001", "1.2.0", from2021, to2030, logicFalse) + "]"),
		"kr/VR-KR-0001/tests/test001.json": file("not read"),
		"kr/TR-KR-0001/rule.json":          file(ruleJSON("TR-KR-0001", "1.0.0", from2021, to2030, logicTrue)),
		"kr/GR-KR-0001/rule.json":          file(ruleJSON("GR-KR-0001", "1.0.0", from2021, from2022, logicTrue)),
		"kr/IR-KR-0001/rule.json":          file(ruleJSON("IR-KR-0001", "1.0.0", from2021, to2030, logicTrue)),
		"kr/VR-DE-0001/rule.json":          file(ruleJSON("VR-DE-0001", "1.0.0", from2021, to2030, logicFalse)),
		"kr/.git/config":                   file("ignored"),
		"kr/valuesets/names.json":          file(namesJSON),
	}
}

// TestLoadPolicy: a policy folder gives the policy of the bundle's form.
func TestLoadPolicy(t *testing.T) {
	p, err := rules.LoadPolicy(policyFS(), "kr")
	if err != nil {
		t.Fatal(err)
	}
	want := mustPolicy(t)
	opts := cmp.Options{cmpopts.IgnoreUnexported(rules.Rule{}, rules.Policy{}),
		cmpopts.SortSlices(func(a, b *rules.Rule) bool { return a.Identifier+a.Version < b.Identifier+b.Version })}
	if diff := cmp.Diff(want, p, opts); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	a, _ := want.Marshal()
	b, _ := p.Marshal()
	if !bytes.Equal(a, b) {
		t.Errorf("folder and bundle form marshal differently")
	}
}

func TestLoadPolicyErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(fstest.MapFS)
		is     error
		want   string
	}{
		{"no policy.json", func(m fstest.MapFS) { delete(m, "kr/policy.json") }, rules.ErrInvalidPolicy, "kr/policy.json"},
		{"rules in policy.json", func(m fstest.MapFS) {
			m["kr/policy.json"] = &fstest.MapFile{Data: []byte(`{"name":"x","country":"KR","rules":[]}`)}
		}, rules.ErrInvalidPolicy, `kr/policy.json: rules: the rules and value sets are folders beside it`},
		{"folder without rule", func(m fstest.MapFS) { m["kr/VR-KR-0002/notes.txt"] = &fstest.MapFile{} }, rules.ErrInvalidPolicy, "kr/VR-KR-0002/rule.json"},
		{"rule in another's folder", func(m fstest.MapFS) { m["kr/TR-KR-0002/rule.json"] = m["kr/TR-KR-0001/rule.json"] },
			rules.ErrInvalidPolicy, "kr/TR-KR-0002/rule.json: rule TR-KR-0001 in the folder of TR-KR-0002"},
		{"bad rule", func(m fstest.MapFS) {
			m["kr/TR-KR-0001/rule.json"] = &fstest.MapFile{Data: []byte(ruleJSON("TR-KR-0001", "1.0.0", from2022, from2021, logicTrue))}
		}, rules.ErrInvalidRule, "kr/TR-KR-0001/rule.json: rule TR-KR-0001 1.0.0: ValidFrom"},
		{"bad value set", func(m fstest.MapFS) { m["kr/valuesets/x.json"] = &fstest.MapFile{Data: []byte(`{"x":1}`)} },
			rules.ErrInvalidValueSet, "kr/valuesets/x.json"},
		{"value set twice", func(m fstest.MapFS) { m["kr/valuesets/y.json"] = m["kr/valuesets/names.json"] },
			rules.ErrInvalidValueSet, "kr/valuesets/y.json: invalid value set: value set vaccines-covid-19-names twice"},
		{"companion of no rule", func(m fstest.MapFS) {
			delete(m, "kr/VR-KR-0001/rule.json")
			delete(m, "kr/VR-KR-0001/tests/test001.json")
		},
			rules.ErrInvalidPolicy, "kr: invalid policy kr-test: companions of VR-KR-0001: no such rule of KR"},
	} {
		m := policyFS()
		c.change(m)
		_, err := rules.LoadPolicy(m, "kr")
		if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %v with %q", c.name, err, c.is, c.want)
		}
	}
}
