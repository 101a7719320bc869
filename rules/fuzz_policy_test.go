package rules_test

import (
	"testing"

	"github.com/passgate/passgate/rules"
)

// FuzzParsePolicy: whatever bytes a bundle's policy part holds, parsing
// returns a policy or an error, never panics; a policy that parses
// marshals and parses again.
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(`{"name":"x","country":"XX","rules":[{"Identifier":"GR-XX-0001","Type":"Acceptance","Country":"XX","Version":"1.0.0","SchemaVersion":"1.0.0","Engine":"CERTLOGIC","EngineVersion":"1.3.3","CertificateType":"General","Description":[{"lang":"en","desc":"A pass must hold a vaccination."}],"ValidFrom":"2021-01-01T00:00:00Z","ValidTo":"2030-01-01T00:00:00Z","AffectedFields":["v"],"Logic":{"!":[{"!":[{"var":"payload.v.0"}]}]}}],"companions":{"GR-XX-0001":["Test"]}}`))
	f.Add([]byte(`{"name":"x","country":"XX","rules":[],"valueSets":[{"valueSetId":"a","valueSetDate":"2021-01-01","valueSetValues":{"1":{"display":"one","active":true}}}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := rules.ParsePolicy(b)
		if err != nil {
			return
		}
		out, err := p.Marshal()
		if err != nil {
			t.Fatalf("a parsed policy does not marshal: %v", err)
		}
		if _, err := rules.ParsePolicy(out); err != nil {
			t.Fatalf("a marshalled policy does not parse: %v\n%s", err, out)
		}
	})
}
