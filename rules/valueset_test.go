package rules_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/rules"
)

func TestParseValueSetsForms(t *testing.T) {
	one, err := rules.ParseValueSets([]byte(namesJSON))
	if err != nil {
		t.Fatal(err)
	}
	want := &rules.ValueSet{ID: "vaccines-covid-19-names", Date: "2021-04-27", Values: map[string]rules.ValueSetValue{
		"EU/1/20/1528": {"Comirnaty", "en", true, "https://ec.europa.eu/health/documents/community-register/html/", ""},
		"EU/1/20/1507": {"Spikevax", "en", true, "https://ec.europa.eu/health/documents/community-register/html/", ""},
		"CVnCoV":       {"CVnCoV", "en", false, "https://ec.europa.eu/health/documents/community-register/html/", ""},
	}}
	if diff := cmp.Diff([]*rules.ValueSet{want}, one); diff != "" {
		t.Errorf("one file (-want +got):\n%s", diff)
	}
	if d, ok := one[0].Display("EU/1/20/1528"); d != "Comirnaty" || !ok {
		t.Errorf("Display = %q, %v", d, ok)
	}
	if _, ok := one[0].Display("nope"); ok {
		t.Errorf("Display of a code not in the set")
	}
	if got := one[0].Codes(); !slices.Equal(got, []string{"CVnCoV", "EU/1/20/1507", "EU/1/20/1528"}) {
		t.Errorf("Codes = %q", got)
	}

	arr, err := rules.ParseValueSets([]byte(" [" + namesJSON + `,{"valueSetId":"x","valueSetDate":"","valueSetValues":{}}]`))
	if err != nil || len(arr) != 2 || arr[0].ID != "vaccines-covid-19-names" || arr[1].ID != "x" {
		t.Fatalf("array: %v, %v", arr, err)
	}

	codes, err := rules.ParseValueSets([]byte(`{"b":["2","1"],"a":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	wantCodes := []*rules.ValueSet{{ID: "a", Values: map[string]rules.ValueSetValue{}},
		{ID: "b", Values: map[string]rules.ValueSetValue{"1": {Active: true}, "2": {Active: true}}}}
	if diff := cmp.Diff(wantCodes, codes); diff != "" {
		t.Errorf("codes-only form (-want +got):\n%s", diff)
	}

	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	back, err := rules.ParseValueSets(b)
	if err != nil || !cmp.Equal(back, []*rules.ValueSet{want}) {
		t.Errorf("round trip: %v, %s", err, cmp.Diff([]*rules.ValueSet{want}, back))
	}
}

func TestParseValueSetsErrors(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{`nope`, "invalid character 'o' in literal null"},
		{`"x"`, "want a value set object, an array of them or an object of code arrays, got a string"},
		{`{"valueSetId":"x","valueSetDate":1,"valueSetValues":{}}`, "x: valueSetDate is a number"},
		{`{"valueSetId":"x","valueSetValues":{"1":{"display":"one","active":"yes"}}}`, `x: code "1" active is a string, want a boolean`},
		{`{"valueSetId":"x","valueSetValues":{"1":"one"}}`, `x: code "1" is a string, want an object`},
		{`{"a":[1]}`, "a: a code is a number, want a string"},
		{`{"valueSetId":"","valueSetValues":{}}`, "no valueSetId"},
		{`{"valueSetId":"x"}`, "x: no valueSetValues"},
		{`{"valueSetId":"x","valueSetValues":{"1":{"active":true}}}`, `x: code "1" has no display name`},
		{`{"valueSetId":"x","valueSetValues":{"1":{"display":"one"}}}`, `x: code "1" has no active flag`},
		{`{"valueSetId":"x","valueSetValues":{"1":{"display":1,"active":true}}}`, `x: code "1" display is a number, want a string`},
		{`{"a":["1","1"]}`, `a: code "1" twice`},
		{`{"a":"1"}`, "a: want an array of codes"},
		{`{"a":null}`, "a: want an array of codes"},
		{`[{"valueSetId":"x","valueSetValues":{}},{"valueSetId":"x","valueSetValues":{}}]`, "value set x twice"},
		{`[{"valueSetId":"x","valueSetValues":{}},{"valueSetId":"y"}]`, "value set 2: invalid value set: y: no valueSetValues"},
	} {
		_, err := rules.ParseValueSets([]byte(c.doc))
		if !errors.Is(err, rules.ErrInvalidValueSet) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrInvalidValueSet with %q", c.doc, err, c.want)
		}
	}
}

// TestSharedValueSets reads the EU value sets with their names and the
// codes-only valueSets.json the rule tests use: the same codes for every
// set both have (the encoding instructions, which are not a value set of
// EU form, are refused).
func TestSharedValueSets(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(shareddata.Dir(t, "dcc-valuesets"), "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]*rules.ValueSet{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := rules.ParseValueSets(b)
		if filepath.Base(f) == "vaccine-encoding-instructions.json" {
			if !errors.Is(err, rules.ErrInvalidValueSet) {
				t.Errorf("%s: %v, want ErrInvalidValueSet", f, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		named[vs[0].ID] = vs[0]
	}
	if d, ok := named["vaccines-covid-19-names"].Display("EU/1/20/1528"); d != "Comirnaty" || !ok {
		t.Errorf("EU/1/20/1528 is %q, %v", d, ok)
	}
	b, err := os.ReadFile(filepath.Join(businessRules(t), "valuesets", "valueSets.json"))
	if err != nil {
		t.Fatal(err)
	}
	codes, err := rules.ParseValueSets(b)
	if err != nil {
		t.Fatal(err)
	}
	both := 0
	for _, c := range codes {
		if n := named[c.ID]; n != nil {
			both++
			// The codes-only copy is older: every code it has, the
			// named sets have.
			for _, code := range c.Codes() {
				if _, ok := n.Values[code]; !ok {
					t.Errorf("%s: code %s not in the EU value set", c.ID, code)
				}
			}
		}
	}
	if both < 8 {
		t.Errorf("%d value sets in both forms, want 8", both)
	}
}
