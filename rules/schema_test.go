package rules_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/passgate/passgate/rules"
)

// gatewaySchema compiles the gateway's validation-rule.schema.json from the
// shared folder, formats asserted (the gateway checks date-times).
func gatewaySchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(businessRules(t), "validation-rule.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "mem:///validation-rule.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sharedRuleFiles lists the shared rules' files.
func sharedRuleFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(businessRules(t), "*", "*", "rule.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != sharedRules {
		t.Fatalf("%d shared rules, want %d", len(files), sharedRules)
	}
	return files
}

// agree validates one rule document with the schema and with ParseRules.
func agree(t *testing.T, s *jsonschema.Schema, b []byte) (schemaErr, goErr error) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	schemaErr = s.Validate(doc)
	_, goErr = rules.ParseRules(b)
	if goErr != nil && !errors.Is(goErr, rules.ErrInvalidRule) {
		t.Errorf("ParseRules error %v is not ErrInvalidRule", goErr)
	}
	return schemaErr, goErr
}

// TestGatewaySchemaSharedRules: the schema and the Go checks accept every
// shared rule.
func TestGatewaySchemaSharedRules(t *testing.T) {
	s := gatewaySchema(t)
	for _, f := range sharedRuleFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if schemaErr, goErr := agree(t, s, b); schemaErr != nil || goErr != nil {
			t.Errorf("%s: schema: %v; Go: %v", f, schemaErr, goErr)
		}
	}
}

type mutation struct {
	name   string
	mutate func(m map[string]any)
	// want is in the Go checks' error ("" when both accept).
	want string
	// stricter says why the Go checks refuse what the schema accepts:
	// a constraint of Gateway-constraints.adoc, or passgate's own.
	stricter string
}

func set(k string, v any) func(map[string]any) { return func(m map[string]any) { m[k] = v } }
func del(k string) func(map[string]any)        { return func(m map[string]any) { delete(m, k) } }

func desc(items ...any) func(map[string]any) { return set("Description", append([]any{}, items...)) }
func item(lang, d string) map[string]any     { return map[string]any{"lang": lang, "desc": d} }

const longEN = "The vaccination schedule must be complete."

var mutations = []mutation{
	// Both refuse.
	{name: "no Identifier", mutate: del("Identifier"), want: "Identifier is missing"},
	{name: "no Type", mutate: del("Type"), want: "Type is missing"},
	{name: "no Country", mutate: del("Country"), want: "Country is missing"},
	{name: "no Version", mutate: del("Version"), want: "Version is missing"},
	{name: "no SchemaVersion", mutate: del("SchemaVersion"), want: "SchemaVersion is missing"},
	{name: "no Engine", mutate: del("Engine"), want: "Engine is missing"},
	{name: "no EngineVersion", mutate: del("EngineVersion"), want: "EngineVersion is missing"},
	{name: "no CertificateType", mutate: del("CertificateType"), want: "CertificateType is missing"},
	{name: "no Description", mutate: del("Description"), want: "Description is missing"},
	{name: "no ValidFrom", mutate: del("ValidFrom"), want: "ValidFrom is missing"},
	{name: "no ValidTo", mutate: del("ValidTo"), want: "ValidTo is missing"},
	{name: "no AffectedFields", mutate: del("AffectedFields"), want: "AffectedFields is missing"},
	{name: "no Logic", mutate: del("Logic"), want: "Logic is missing"},
	{name: "unknown field", mutate: set("Comment", "x"), want: "unknown field Comment"},
	{name: "lowercase field", mutate: func(m map[string]any) { m["logic"] = m["Logic"]; delete(m, "Logic") }, want: "unknown field logic"},
	{name: "Identifier short", mutate: set("Identifier", "VR-DE-001"), want: "does not match"},
	{name: "Identifier lowercase", mutate: set("Identifier", "vr-de-0001"), want: "does not match"},
	{name: "Identifier prefix", mutate: set("Identifier", "XR-DE-0001"), want: "does not match"},
	{name: "Identifier number", mutate: set("Identifier", 1), want: "Identifier: want a string, got a number"},
	{name: "Identifier null", mutate: set("Identifier", nil), want: "Identifier: want a string, got null"},
	{name: "Type lowercase", mutate: set("Type", "acceptance"), want: "want one of Acceptance, Invalidation"},
	{name: "Country lowercase", mutate: set("Country", "de"), want: "does not match"},
	{name: "Country three letters", mutate: set("Country", "DEU"), want: "does not match"},
	{name: "Region lowercase", mutate: set("Region", "bw"), want: "Region"},
	{name: "Region long", mutate: set("Region", "ABCDEF"), want: "Region"},
	{name: "Version two parts", mutate: set("Version", "1.0"), want: "Version"},
	{name: "Version pre-release", mutate: set("Version", "1.0.0-rc.1"), want: "Version"},
	{name: "Version v", mutate: set("Version", "v1.0.0"), want: "Version"},
	{name: "SchemaVersion", mutate: set("SchemaVersion", "1"), want: "SchemaVersion"},
	{name: "EngineVersion", mutate: set("EngineVersion", "0.7"), want: "EngineVersion"},
	{name: "Engine number", mutate: set("Engine", 1), want: "Engine: want a string"},
	{name: "CertificateType", mutate: set("CertificateType", "Vaccine"), want: "CertificateType"},
	{name: "Description empty", mutate: desc(), want: "Description is empty"},
	{name: "Description string", mutate: set("Description", longEN), want: "Description: want an array"},
	{name: "Description item string", mutate: desc(longEN), want: "Description[0]: want an object"},
	{name: "Description no desc", mutate: desc(map[string]any{"lang": "en"}), want: "Description[0].desc is missing"},
	{name: "Description no lang", mutate: desc(map[string]any{"desc": longEN}), want: "Description[0].lang is missing"},
	{name: "Description lang upper", mutate: desc(item("en", longEN), item("de-AT", longEN)), want: "Description[1].lang"},
	{name: "Description English short", mutate: desc(item("en", "Too short.")), want: "has 10 characters"},
	{name: "Description 19 characters", mutate: desc(item("en", strings.Repeat("ä", 19))), want: "has 19 characters"},
	{name: "Description no English", mutate: desc(item("de", longEN)), want: "no English"},
	{name: "Description desc number", mutate: desc(item("en", longEN), map[string]any{"lang": "de", "desc": 5}), want: "Description[1].desc: want a string"},
	{name: "ValidFrom milliseconds", mutate: set("ValidFrom", "2021-07-03T00:00:00.000Z"), want: "ValidFrom"},
	{name: "ValidFrom lowercase z", mutate: set("ValidFrom", "2021-07-03T00:00:00z"), want: "ValidFrom"},
	{name: "ValidFrom date", mutate: set("ValidFrom", "2021-07-03"), want: "ValidFrom"},
	{name: "ValidFrom offset without colon", mutate: set("ValidFrom", "2021-07-03T00:00:00+0100"), want: "ValidFrom"},
	{name: "ValidFrom month 13", mutate: set("ValidFrom", "2021-13-03T00:00:00Z"), want: "not a date-time"},
	{name: "ValidFrom February 30", mutate: set("ValidFrom", "2021-02-30T00:00:00Z"), want: "not a date-time"},
	{name: "ValidFrom hour 24", mutate: set("ValidFrom", "2021-07-03T24:00:00Z"), want: "not a date-time"},
	{name: "ValidFrom offset 24 hours", mutate: set("ValidFrom", "2021-07-03T00:00:00+24:00"), want: "not a date-time"},
	{name: "ValidTo number", mutate: set("ValidTo", 1625270400), want: "ValidTo: want a string"},
	{name: "AffectedFields empty", mutate: set("AffectedFields", []any{}), want: "AffectedFields is empty"},
	{name: "AffectedFields number", mutate: set("AffectedFields", []any{"v.0", 1}), want: "AffectedFields[1]"},
	{name: "AffectedFields string", mutate: set("AffectedFields", "v.0"), want: "AffectedFields: want an array"},
	{name: "Logic array", mutate: set("Logic", []any{true}), want: "Logic: want an object"},
	{name: "Logic true", mutate: set("Logic", true), want: "Logic: want an object"},
	{name: "Logic empty", mutate: set("Logic", map[string]any{}), want: "Logic is an empty object"},

	// Both accept.
	{name: "Region", mutate: set("Region", "BW")},
	{name: "Region empty", mutate: set("Region", "")},
	{name: "Description extra member", mutate: desc(map[string]any{"lang": "en", "desc": longEN, "note": 1})},
	{name: "Description 20 characters", mutate: desc(item("en", strings.Repeat("ä", 20)))},
	{name: "Description de-at", mutate: desc(item("en", longEN), item("de-at", longEN))},
	{name: "ValidFrom offset", mutate: set("ValidFrom", "2021-07-03T00:00:00+01:00")},
	{name: "Invalidation", mutate: func(m map[string]any) {
		m["Type"], m["Identifier"], m["CertificateType"] = "Invalidation", "IR-DE-0001", "General"
	}},
	{name: "Invalidation of a type", mutate: func(m map[string]any) { m["Type"], m["Identifier"] = "Invalidation", "IR-DE-0001" }},

	// Only the Go checks refuse.
	{name: "Engine", mutate: set("Engine", "JSONLOGIC"), want: `Engine "JSONLOGIC"`,
		stricter: "passgate runs CertLogic only; the schema allows any engine"},
	{name: "prefix of another type", mutate: set("Identifier", "TR-DE-0001"), want: "must start with VR",
		stricter: "adoc INVALID_RULE_ID: the head of Identifier matches CertificateType"},
	{name: "Acceptance IR", mutate: set("Identifier", "IR-DE-0001"), want: "must not start with IR",
		stricter: "adoc INVALID_RULE_ID: an Acceptance rule's Identifier cannot start with IR"},
	{name: "Invalidation not IR", mutate: set("Type", "Invalidation"), want: "must start with IR",
		stricter: "adoc INVALID_RULE_ID: an Invalidation rule's Identifier starts with IR"},
	{name: "country of Identifier", mutate: set("Country", "AT"), want: "its country DE is not Country AT",
		stricter: "adoc INVALID_COUNTRY: the country in Identifier is Country"},
	{name: "ValidTo before ValidFrom", mutate: set("ValidTo", "2021-07-02T00:00:00Z"), want: "is not before ValidTo",
		stricter: "adoc INVALID_TIMESTAMP: ValidFrom before ValidTo"},
	{name: "valid 48 hours", mutate: set("ValidTo", "2021-07-05T00:00:00Z"), want: "at least 72h",
		stricter: "adoc INVALID_TIMESTAMP: validity of at least 72 hours"},
	{name: "Logic unknown operation", mutate: set("Logic", map[string]any{"nope": []any{1.0}}), want: "Logic: ",
		stricter: "the Logic must compile (the schema asks only for an object)"},
	{name: "Version too large", mutate: set("Version", "99999999999999999999.0.0"), want: "Version",
		stricter: "a version must fit 64 bits to be ordered"},
}

// TestGatewaySchemaMutations changes a shared rule in ways the schema and
// the gateway's constraints care about, and checks that the Go checks agree
// with the schema, except where they are stricter on purpose.
func TestGatewaySchemaMutations(t *testing.T) {
	s := gatewaySchema(t)
	base, err := os.ReadFile(filepath.Join(businessRules(t), "DE", "VR-DE-0001", "rule.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(base, &doc); err != nil {
				t.Fatal(err)
			}
			m.mutate(doc)
			b, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			schemaErr, goErr := agree(t, s, b)
			switch {
			case m.stricter != "" && (schemaErr != nil || goErr == nil):
				t.Errorf("want the schema to accept (got %v) and Go to refuse (got %v): %s", schemaErr, goErr, m.stricter)
			case m.stricter == "" && (schemaErr == nil) != (goErr == nil):
				t.Errorf("schema and Go disagree: schema %v; Go %v", schemaErr, goErr)
			case m.want == "" && goErr != nil:
				t.Errorf("want both to accept: Go %v", goErr)
			case m.want != "" && (goErr == nil || !strings.Contains(goErr.Error(), m.want)):
				t.Errorf("Go error %v, want one with %q", goErr, m.want)
			}
			if goErr != nil && !strings.HasPrefix(goErr.Error(), "rule ") {
				t.Errorf("Go error %q does not start by naming the rule", goErr)
			}
		})
	}
}
