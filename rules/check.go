package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/passgate/passgate/certlogic"
)

// The gateway's schema (validation-rule.schema.json of dgc-gateway) in Go:
// its patterns, enums and required fields. The test holds these checks to
// the schema file itself.
var (
	identifierPattern = regexp.MustCompile(`^(GR|VR|TR|RR|IR)-[A-Z]{2}-\d{4}$`)
	countryPattern    = regexp.MustCompile(`^[A-Z]{2}$`)
	regionPattern     = regexp.MustCompile(`^[A-Z0-9]{0,5}$`)
	semverPattern     = regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	langPattern       = regexp.MustCompile(`^([a-z]{2}|[a-z]{2}-[a-z]{2})$`)
	timePattern       = regexp.MustCompile(`^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d([-+][0-2]\d:[0-5]\d|Z)$`)

	// fields are the schema's properties in the order of the gateway's
	// files; all but Region are required.
	fields = []string{"Identifier", "Type", "Country", "Region", "Version", "SchemaVersion", "Engine",
		"EngineVersion", "CertificateType", "Description", "ValidFrom", "ValidTo", "AffectedFields", "Logic"}

	// prefixes are the identifier prefixes of acceptance rules by
	// certificate type (the gateway's INVALID_RULE_ID check).
	prefixes = map[CertType]string{General: "GR", Vaccination: "VR", Test: "TR", Recovery: "RR"}
)

const (
	minDescription = 20             // the schema's minLength of a description, in characters
	minValidity    = 72 * time.Hour // the gateway's shortest validity of a rule
)

// checker collects the problems of one rule in the order they are found.
type checker struct {
	raw      map[string]json.RawMessage
	problems []string
}

func (c *checker) addf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// kind names the JSON type of a value for a message.
func kind(raw json.RawMessage) string {
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// str returns the string field name; ok is false when it is missing (the
// required check says so) or not a string (said here).
func (c *checker) str(name string) (string, bool) {
	raw, ok := c.raw[name]
	if !ok {
		return "", false
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		c.addf("%s: want a string, got %s", name, kind(raw))
		return "", false
	}
	return s, true
}

// match checks a string field against a pattern.
func (c *checker) match(name string, re *regexp.Regexp) (string, bool) {
	s, ok := c.str(name)
	if ok && !re.MatchString(s) {
		c.addf("%s %q does not match %s", name, s, re)
		return s, false
	}
	return s, ok
}

func (c *checker) oneOf(name string, allowed ...string) (string, bool) {
	s, ok := c.str(name)
	if ok && !slices.Contains(allowed, s) {
		c.addf("%s %q: want one of %s", name, s, strings.Join(allowed, ", "))
		return s, false
	}
	return s, ok
}

func (c *checker) time(name string) (time.Time, bool) {
	s, ok := c.match(name, timePattern)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		c.addf("%s %q is not a date-time: %v", name, s, err)
		return time.Time{}, false
	}
	return t, true
}

// parseRule reads and checks one rule: the schema's checks, then the
// gateway's, then the Logic's compilation. Every problem is reported.
func parseRule(data []byte) (*Rule, *RuleError) {
	c := &checker{}
	if err := json.Unmarshal(data, &c.raw); err != nil || c.raw == nil {
		msg := "not JSON: " + fmt.Sprint(err)
		if d := bytes.TrimSpace(data); json.Valid(d) {
			msg = "want a JSON object, got " + kind(d)
		}
		return nil, &RuleError{Problems: []string{msg}}
	}
	r := &Rule{}
	var unknown []string
	for k := range c.raw {
		if !slices.Contains(fields, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		c.addf("unknown field %s (the schema allows no other)", k)
	}
	for _, k := range fields {
		if _, ok := c.raw[k]; !ok && k != "Region" {
			c.addf("%s is missing", k)
		}
	}
	var okID, okType, okCountry, okCert, okFrom, okTo bool
	r.Identifier, okID = c.match("Identifier", identifierPattern)
	r.Type, okType = c.oneOf("Type", Acceptance, Invalidation)
	r.Country, okCountry = c.match("Country", countryPattern)
	r.Region, _ = c.match("Region", regionPattern)
	var okVer bool
	if r.Version, okVer = c.match("Version", semverPattern); okVer {
		var err error
		if r.ver, err = parseSemver(r.Version); err != nil {
			c.addf("Version: %v", err)
		}
	}
	r.SchemaVersion, _ = c.match("SchemaVersion", semverPattern)
	// The schema lets Engine be any string; passgate runs CertLogic only.
	if r.Engine, _ = c.str("Engine"); r.Engine != "" && r.Engine != Engine {
		c.addf("Engine %q: passgate runs only %s rules", r.Engine, Engine)
	}
	r.EngineVersion, _ = c.match("EngineVersion", semverPattern)
	var ct string
	ct, okCert = c.oneOf("CertificateType", string(General), string(Test), string(Vaccination), string(Recovery))
	r.CertificateType = CertType(ct)
	r.Description = c.descriptions()
	r.ValidFrom, okFrom = c.time("ValidFrom")
	r.ValidTo, okTo = c.time("ValidTo")
	r.AffectedFields = c.affectedFields()
	logic := c.logic()
	if logic != nil {
		r.Logic = json.RawMessage(c.raw["Logic"])
	}

	// The gateway's own checks (Gateway-constraints.adoc), in its order,
	// where they do not depend on the moment of upload.
	if okID && okType && okCert {
		prefix, _, _ := strings.Cut(r.Identifier, "-")
		switch {
		case r.Type == Invalidation && prefix != "IR":
			c.addf("Identifier %s: an Invalidation rule's identifier must start with IR", r.Identifier)
		case r.Type == Acceptance && prefix == "IR":
			c.addf("Identifier %s: an Acceptance rule's identifier must not start with IR", r.Identifier)
		case r.Type == Acceptance && prefix != prefixes[r.CertificateType]:
			c.addf("Identifier %s: a %s rule's identifier must start with %s", r.Identifier, r.CertificateType, prefixes[r.CertificateType])
		}
	}
	if okID && okCountry && r.Identifier[3:5] != r.Country {
		c.addf("Identifier %s: its country %s is not Country %s", r.Identifier, r.Identifier[3:5], r.Country)
	}
	if okFrom && okTo {
		switch d := r.ValidTo.Sub(r.ValidFrom); {
		case d <= 0:
			c.addf("ValidFrom %s is not before ValidTo %s", r.ValidFrom.Format(time.RFC3339), r.ValidTo.Format(time.RFC3339))
		case d < minValidity:
			c.addf("valid for %s (ValidFrom %s to ValidTo %s); the gateway wants at least %s",
				d, r.ValidFrom.Format(time.RFC3339), r.ValidTo.Format(time.RFC3339), minValidity)
		}
	}
	var lerr error
	if logic != nil {
		if r.expr, lerr = certlogic.Compile(logic, certlogic.DefaultLimits()); lerr != nil {
			c.addf("Logic: %v", lerr)
		}
	}
	if len(c.problems) > 0 {
		return nil, &RuleError{Identifier: r.Identifier, Version: r.Version, Problems: c.problems, Logic: lerr}
	}
	return r, nil
}

// descriptions checks Description: a non-empty array of {lang, desc}, one
// of them in English.
func (c *checker) descriptions() []Description {
	raw, ok := c.raw["Description"]
	if !ok {
		return nil
	}
	var items []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		c.addf("Description: want an array, got %s", kind(raw))
		return nil
	}
	if len(items) == 0 {
		c.addf("Description is empty; want at least the English one")
		return nil
	}
	out := make([]Description, 0, len(items))
	english := false
	for i, item := range items {
		var m map[string]json.RawMessage
		if item[0] != '{' || json.Unmarshal(item, &m) != nil {
			c.addf("Description[%d]: want an object, got %s", i, kind(item))
			continue
		}
		// Other members of an item are allowed by the schema and dropped.
		sub := &checker{raw: m}
		var d Description
		var okLang, okDesc bool
		for _, k := range []string{"lang", "desc"} {
			if _, ok := m[k]; !ok {
				sub.addf("%s is missing", k)
			}
		}
		d.Lang, okLang = sub.match("lang", langPattern)
		if d.Desc, okDesc = sub.str("desc"); okDesc && utf8.RuneCountInString(d.Desc) < minDescription {
			sub.addf("desc %q has %d characters, want at least %d", d.Desc, utf8.RuneCountInString(d.Desc), minDescription)
			okDesc = false
		}
		for _, p := range sub.problems {
			c.addf("Description[%d].%s", i, p)
		}
		english = english || (okLang && okDesc && d.Lang == "en")
		out = append(out, d)
	}
	if !english {
		c.addf("Description has no English (lang \"en\") description of at least %d characters", minDescription)
	}
	return out
}

// affectedFields checks AffectedFields: a non-empty array of strings.
func (c *checker) affectedFields() []string {
	raw, ok := c.raw["AffectedFields"]
	if !ok {
		return nil
	}
	var items []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		c.addf("AffectedFields: want an array, got %s", kind(raw))
		return nil
	}
	if len(items) == 0 {
		c.addf("AffectedFields is empty; want the payload fields the rule reads")
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		var s string
		if item[0] != '"' || json.Unmarshal(item, &s) != nil {
			c.addf("AffectedFields[%d]: want a string, got %s", i, kind(item))
			continue
		}
		out = append(out, s)
	}
	return out
}

// logic checks Logic (an object of at least one member) and returns it
// decoded for certlogic, or nil. The rule keeps it compact.
func (c *checker) logic() any {
	raw, ok := c.raw["Logic"]
	if !ok {
		return nil
	}
	var m map[string]any
	if raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		c.addf("Logic: want an object, got %s", kind(raw))
		return nil
	}
	if len(m) == 0 {
		c.addf("Logic is an empty object")
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err == nil {
		c.raw["Logic"] = buf.Bytes()
	}
	return m
}

// semver is a parsed MAJOR.MINOR.PATCH.
type semver [3]uint64

func parseSemver(s string) (semver, error) {
	var v semver
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return v, fmt.Errorf("%q is not MAJOR.MINOR.PATCH", s)
	}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return v, fmt.Errorf("%q is not MAJOR.MINOR.PATCH: %w", s, err)
		}
		v[i] = n
	}
	return v, nil
}

func (v semver) compare(w semver) int { return slices.Compare(v[:], w[:]) }

// checkVersions holds the versions of each rule to the gateway's upload
// checks: each version once, and a higher version starting no earlier.
func checkVersions(rs []*Rule) error {
	type key struct{ country, id string }
	byID := map[key][]*Rule{}
	for _, r := range rs {
		k := key{r.Country, r.Identifier}
		byID[k] = append(byID[k], r)
	}
	var problems []string
	for _, vs := range byID {
		slices.SortFunc(vs, func(a, b *Rule) int { return a.ver.compare(b.ver) })
		for i := 1; i < len(vs); i++ {
			a, b := vs[i-1], vs[i]
			switch {
			case a.ver == b.ver:
				problems = append(problems, fmt.Sprintf("rule %s version %s twice", b.Identifier, b.Version))
			case b.ValidFrom.Before(a.ValidFrom):
				problems = append(problems, fmt.Sprintf("rule %s %s starts (ValidFrom %s) before its version %s does (%s)",
					b.Identifier, b.Version, b.ValidFrom.Format(time.RFC3339), a.Version, a.ValidFrom.Format(time.RFC3339)))
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return fmt.Errorf("%s", strings.Join(problems, "; "))
}
