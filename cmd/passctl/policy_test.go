package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passgate/passgate/rules"
)

// ruleJSON is a rule of country XX in the gateway's format with the given
// logic.
func ruleJSON(id, logic string) string {
	return `{"Identifier":"` + id + `","Type":"Acceptance","Country":"XX","Version":"1.0.0","SchemaVersion":"1.0.0",
"Engine":"CERTLOGIC","EngineVersion":"1.3.3","CertificateType":"General",
"Description":[{"lang":"en","desc":"A vaccination is needed."}],
"ValidFrom":"2021-01-01T00:00:00Z","ValidTo":"2030-01-01T00:00:00Z","AffectedFields":["v.0"],"Logic":` + logic + `}`
}

// writePolicy makes a policy folder dir/name: policy.json (country XX,
// contact tracing) and one rule, GR-XX-0001, with the given logic.
func writePolicy(t *testing.T, dir, name, logic string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, name, "GR-XX-0001"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, name), "policy.json", `{"name":"`+name+`","country":"XX","contactTracing":true}`)
	write(t, filepath.Join(dir, name, "GR-XX-0001"), "rule.json", ruleJSON("GR-XX-0001", logic))
}

// TestRulesImport: rules and value sets read into a policy file that
// bundle build signs; a rule that does not validate is refused by name.
func TestRulesImport(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "extra.json", "["+ruleJSON("GR-XX-0002", `{"var": "payload.t.0"}`)+"]")
	write(t, dir, "vs.json", `{"valueSetId":"disease-agent-targeted","valueSetDate":"2021-04-27","valueSetValues":{"840539006":{"display":"COVID-19","lang":"en","active":true,"system":"http://snomed.info/sct","version":"http://snomed.info/sct/900000000000207008/version/20210131"}}}`)
	writePolicy(t, dir, "base", `{"var": "payload.v.0"}`)
	out := filepath.Join(dir, "policy.json")
	text := mustPassctl(t, "rules", "import", "-policy", filepath.Join(dir, "base"), "-valuesets", filepath.Join(dir, "vs.json"),
		"-out", out, filepath.Join(dir, "extra.json"))
	if !strings.Contains(text, "2 rules (2 identifiers), 1 value sets") {
		t.Errorf("rules import said:\n%s", text)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	p, err := rules.ParsePolicy(b)
	if err != nil || len(p.Rules) != 2 || p.ValueSets["disease-agent-targeted"] == nil || p.Country != "XX" {
		t.Fatalf("policy written: %v, %+v", err, p)
	}
	key := signingKey(t, dir)
	mustPassctl(t, "keygen-authority", "-out", filepath.Join(dir, "auth"))
	mustPassctl(t, "bundle", "build", "-key", key+".key", "-seq", "1", "-policy", out,
		"-authority-pub", filepath.Join(dir, "auth.pub"), "-out", filepath.Join(dir, "b.bin"))

	for name, c := range map[string]struct{ file, want string }{
		"unknown operation": {ruleJSON("GR-XX-0003", `{"evalJS": ["1"]}`), "GR-XX-0003"},
		"bad identifier":    {ruleJSON("XX-0003", `true`), "XX-0003"},
		"not a rule":        {`{"hello": 1}`, "neither a rule"},
		"value set missing": {ruleJSON("GR-XX-0004", `{"in":[{"var":"payload.v.0.mp"},{"var":"external.valueSets.no-such-set"}]}`), "GR-XX-0004 reads value set no-such-set"},
	} {
		t.Run(name, func(t *testing.T) {
			write(t, dir, "bad.json", c.file)
			code, _, errOut := passctl(t, "rules", "import", "-policy", filepath.Join(dir, "base"), "-out", filepath.Join(dir, "x.json"),
				filepath.Join(dir, "bad.json"))
			if code != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant it to name %q", code, errOut, c.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "x.json")); err == nil {
				t.Error("a policy was written despite the bad rule")
			}
		})
	}
}
