package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
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
// the schema file itself. The patterns are matched by hand (a kiosk checks
// every rule of every bundle); the schema's regular expressions name them
// in messages.
var (
	identifierPattern = pattern{`^(GR|VR|TR|RR|IR)-[A-Z]{2}-\d{4}$`, func(s string) bool {
		return len(s) == 10 && slices.Contains([]string{"GR", "VR", "TR", "RR", "IR"}, s[:2]) && s[2] == '-' &&
			upper(s[3:5]) && s[5] == '-' && digits(s[6:])
	}}
	countryPattern = pattern{`^[A-Z]{2}$`, func(s string) bool { return len(s) == 2 && upper(s) }}
	regionPattern  = pattern{`^[A-Z0-9]{0,5}$`, func(s string) bool {
		return len(s) <= 5 && strings.IndexFunc(s, func(c rune) bool { return !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') }) < 0
	}}
	semverPattern = pattern{`^\d+\.\d+\.\d+$`, func(s string) bool {
		parts := strings.Split(s, ".")
		return len(parts) == 3 && digits(parts[0]) && digits(parts[1]) && digits(parts[2])
	}}
	langPattern = pattern{`^([a-z]{2}|[a-z]{2}-[a-z]{2})$`, func(s string) bool {
		return len(s) == 2 && lower(s) || len(s) == 5 && lower(s[:2]) && s[2] == '-' && lower(s[3:])
	}}
	timePattern = pattern{`^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d([-+][0-2]\d:[0-5]\d|Z)$`, func(s string) bool {
		ok := len(s) >= 20 && digits(s[:4]) && s[4] == '-' && in(s[5], '0', '1') && digits(s[6:7]) && s[7] == '-' &&
			in(s[8], '0', '3') && digits(s[9:10]) && s[10] == 'T' && in(s[11], '0', '2') && digits(s[12:13]) &&
			s[13] == ':' && in(s[14], '0', '5') && digits(s[15:16]) && s[16] == ':' && in(s[17], '0', '5') && digits(s[18:19])
		switch {
		case !ok:
			return false
		case len(s) == 20:
			return s[19] == 'Z'
		}
		return len(s) == 25 && (s[19] == '+' || s[19] == '-') && in(s[20], '0', '2') && digits(s[21:22]) &&
			s[22] == ':' && in(s[23], '0', '5') && digits(s[24:25])
	}}

	// fields are the schema's properties in the order of the gateway's
	// files; all but Region are required.
	fields = []string{"Identifier", "Type", "Country", "Region", "Version", "SchemaVersion", "Engine",
		"EngineVersion", "CertificateType", "Description", "ValidFrom", "ValidTo", "AffectedFields", "Logic"}

	// prefixes are the identifier prefixes of acceptance rules by
	// certificate type (the gateway's INVALID_RULE_ID check).
	prefixes = map[CertType]string{General: "GR", Vaccination: "VR", Test: "TR", Recovery: "RR"}
)

// pattern is a regular expression of the schema and a matcher of it.
type pattern struct {
	expr  string
	match func(string) bool
}

func (p pattern) String() string { return p.expr }

func in(c, lo, hi byte) bool { return c >= lo && c <= hi }

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !in(s[i], '0', '9') {
			return false
		}
	}
	return s != ""
}

func upper(s string) bool {
	for i := 0; i < len(s); i++ {
		if !in(s[i], 'A', 'Z') {
			return false
		}
	}
	return true
}

func lower(s string) bool {
	for i := 0; i < len(s); i++ {
		if !in(s[i], 'a', 'z') {
			return false
		}
	}
	return true
}

const (
	minDescription = 20             // the schema's minLength of a description, in characters
	minValidity    = 72 * time.Hour // the gateway's shortest validity of a rule
)

// checker collects the problems of one rule in the order they are found.
type checker struct {
	m        map[string]any
	problems []string
}

func (c *checker) addf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// kind names the JSON type of a value for a message.
func kind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a number"
}

// str returns the string field name; ok is false when it is missing (the
// required check says so) or not a string (said here).
func (c *checker) str(name string) (string, bool) {
	v, ok := c.m[name]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		c.addf("%s: want a string, got %s", name, kind(v))
	}
	return s, ok
}

// match checks a string field against a pattern.
func (c *checker) match(name string, re pattern) (string, bool) {
	s, ok := c.str(name)
	if ok && !re.match(s) {
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
	if _, off := t.Zone(); err == nil && (off >= 24*3600 || off <= -24*3600) {
		err = fmt.Errorf("offset of 24 hours or more") // RFC 3339 allows 23:59 at most; Go's parser more
	}
	if err != nil {
		c.addf("%s %q is not a date-time: %v", name, s, err)
		return time.Time{}, false
	}
	return t, true
}

// parseRule reads and checks one rule (a whole JSON document).
func parseRule(data []byte) (*Rule, *RuleError) {
	r := &reader{b: data}
	rule, rerr := r.rule()
	if rerr != nil {
		return nil, rerr
	}
	if err := r.end(); err != nil {
		return nil, &RuleError{Identifier: rule.Identifier, Version: rule.Version, Problems: []string{"not JSON: " + err.Error()}}
	}
	return rule, nil
}

// rule reads and checks the rule at the reader.
func (r *reader) rule() (*Rule, *RuleError) {
	if !r.at('{') {
		v, err := r.value()
		if err != nil {
			return nil, &RuleError{Problems: []string{"not JSON: " + err.Error()}}
		}
		return nil, &RuleError{Problems: []string{"want a JSON object, got " + kind(v)}}
	}
	m, logic, err := r.rawObject("Logic", len(fields))
	if err != nil {
		return nil, &RuleError{Problems: []string{"not JSON: " + err.Error()}}
	}
	return checkRule(m, logic)
}

// checkRule checks a rule read as JSON (logic: the bytes of its Logic):
// the schema's checks, then the gateway's, then the Logic's compilation.
// Every problem is reported.
func checkRule(m map[string]any, logic []byte) (*Rule, *RuleError) {
	c := &checker{m: m}
	r := &Rule{}
	var unknown []string
	for k := range c.m {
		if !slices.Contains(fields, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		c.addf("unknown field %s (the schema allows no other)", k)
	}
	for _, k := range fields {
		if _, ok := c.m[k]; !ok && k != "Region" {
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
	expr := c.logic()
	if expr != nil {
		r.Logic = compact(logic)
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
	if expr != nil {
		if r.expr, lerr = certlogic.Compile(expr, certlogic.DefaultLimits()); lerr != nil {
			c.addf("Logic: %v", lerr)
		}
	}
	if len(c.problems) > 0 {
		return nil, &RuleError{Identifier: r.Identifier, Version: r.Version, Problems: c.problems, Logic: lerr}
	}
	return r, nil
}

// compact returns JSON without white space, in a new slice (never the
// input's: a rule must not keep a whole bundle alive). A bundle's rules are
// compact already.
func compact(b []byte) json.RawMessage {
	if !bytes.ContainsAny(b, " \t\n\r") {
		return slices.Clone(b)
	}
	var buf bytes.Buffer
	buf.Grow(len(b))
	if json.Compact(&buf, b) != nil {
		return slices.Clone(b)
	}
	return buf.Bytes()
}

// descriptions checks Description: a non-empty array of {lang, desc}, one
// of them in English.
func (c *checker) descriptions() []Description {
	v, ok := c.m["Description"]
	if !ok {
		return nil
	}
	items, ok := v.([]any)
	if !ok {
		c.addf("Description: want an array, got %s", kind(v))
		return nil
	}
	if len(items) == 0 {
		c.addf("Description is empty; want at least the English one")
		return nil
	}
	out := make([]Description, 0, len(items))
	english := false
	for i, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			c.addf("Description[%d]: want an object, got %s", i, kind(item))
			continue
		}
		// Other members of an item are allowed by the schema and dropped.
		sub := &checker{m: m}
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
	v, ok := c.m["AffectedFields"]
	if !ok {
		return nil
	}
	items, ok := v.([]any)
	if !ok {
		c.addf("AffectedFields: want an array, got %s", kind(v))
		return nil
	}
	if len(items) == 0 {
		c.addf("AffectedFields is empty; want the payload fields the rule reads")
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		s, ok := item.(string)
		if !ok {
			c.addf("AffectedFields[%d]: want a string, got %s", i, kind(item))
			continue
		}
		out = append(out, s)
	}
	return out
}

// logic checks Logic (an object of at least one member) and returns it,
// or nil.
func (c *checker) logic() map[string]any {
	v, ok := c.m["Logic"]
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	switch {
	case !ok:
		c.addf("Logic: want an object, got %s", kind(v))
		return nil
	case len(m) == 0:
		c.addf("Logic is an empty object")
		return nil
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
