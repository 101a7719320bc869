package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"strings"
	"time"

	"github.com/passgate/passgate/certlogic"
)

// TestCase is one test of a rule, in the layout of dgc-business-rules-testdata:
// SET/RULE-ID/tests/testNNN.json beside SET/RULE-ID/rule.json.
type TestCase struct {
	Set      string // the folder holding the rule's folder ("DE"), else the rule's Country
	Rule     string // the rule's identifier
	Name     string // the test's "name"; "" when it has none
	File     string // its path in the fs.FS, e.g. "DE/VR-DE-0001/tests/test001.json" (a file may hold several)
	Payload  any
	External map[string]any
	Expected any

	rule *Rule
	n    int // the place (from 1) of the test in a file of several; 0 for a file of one
}

// ID names the test in reports: SET/RULE-ID/FILE without .json, and an
// index for a file holding several tests.
func (t *TestCase) ID() string {
	id := t.Set + "/" + t.Rule + "/" + strings.TrimSuffix(path.Base(t.File), ".json")
	if t.n > 0 {
		id += fmt.Sprintf("#%d", t.n)
	}
	return id
}

// wireTest is a test file: the upstream schema's Assertion.
type wireTest struct {
	Name            string          `json:"name"`
	Payload         any             `json:"payload"`
	External        map[string]any  `json:"external"`
	Expected        json.RawMessage `json:"expected"`
	ValidationClock any             `json:"validationClock"`
}

// LoadTests reads the rules and tests under dir: a rule folder (holding
// rule.json), a set of them, or a folder of sets (such as the root of
// dgc-business-rules-testdata; folders without rules, like tooling/, are
// passed over). Tests come sorted by set, rule and file. A rule that does
// not parse is an error naming its file; a folder with no rule is
// ErrNoRules.
func LoadTests(fsys fs.FS, dir string) ([]*TestCase, error) {
	dirs, err := ruleDirs(fsys, dir)
	if err != nil {
		return nil, err
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%w in %s: want a rule folder (with rule.json), a set of them or a folder of sets", ErrNoRules, dir)
	}
	var out []*TestCase
	for _, d := range dirs {
		ts, err := loadRuleTests(fsys, d)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}

func isFile(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && !st.IsDir()
}

// ruleDirs finds the rule folders at dir, one or two levels below it.
func ruleDirs(fsys fs.FS, dir string) ([]string, error) {
	if isFile(fsys, path.Join(dir, "rule.json")) {
		return []string{dir}, nil
	}
	var out []string
	var walk func(d string, depth int) error
	walk = func(d string, depth int) error {
		ents, err := fs.ReadDir(fsys, d)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrNoRules, err)
		}
		for _, e := range ents {
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			sub := path.Join(d, e.Name())
			switch {
			case isFile(fsys, path.Join(sub, "rule.json")):
				out = append(out, sub)
			case depth < 2:
				if err := walk(sub, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, walk(dir, 1)
}

func loadRuleTests(fsys fs.FS, dir string) ([]*TestCase, error) {
	file := path.Join(dir, "rule.json")
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	rs, err := ParseRules(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("%s: %w: %d rules, want one to test", file, ErrInvalidRule, len(rs))
	}
	r := rs[0]
	set := path.Base(path.Dir(dir))
	if set == "." || set == "/" || path.Dir(dir) == dir {
		set = r.Country
	}
	files, err := fs.Glob(fsys, path.Join(dir, "tests", "*.json"))
	if err != nil {
		return nil, err
	}
	var out []*TestCase
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		ws, err := parseTests(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for i, w := range ws {
			t := &TestCase{Set: set, Rule: r.Identifier, Name: w.Name, File: f, Payload: w.Payload, External: w.External, rule: r}
			if len(ws) > 1 {
				t.n = i + 1
			}
			if err := json.Unmarshal(w.Expected, &t.Expected); err != nil {
				return nil, fmt.Errorf("%s: %w: expected: %v", f, ErrInvalidTest, err)
			}
			// The upstream schema's validationClock beside payload: the
			// same as external's.
			if w.ValidationClock != nil {
				if t.External == nil {
					t.External = map[string]any{}
				}
				if _, ok := t.External["validationClock"]; !ok {
					t.External["validationClock"] = w.ValidationClock
				}
			}
			out = append(out, t)
		}
	}
	return out, nil
}

// parseTests reads a test file: one assertion, or an array of them.
func parseTests(b []byte) ([]wireTest, error) {
	b = bytes.TrimSpace(b)
	var ws []wireTest
	var err error
	if len(b) > 0 && b[0] == '[' {
		err = json.Unmarshal(b, &ws)
	} else {
		ws = make([]wireTest, 1)
		err = json.Unmarshal(b, &ws[0])
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidTest, err)
	}
	for i, w := range ws {
		if w.Expected == nil {
			return nil, fmt.Errorf("%w: assertion %d has no expected result", ErrInvalidTest, i+1)
		}
	}
	return ws, nil
}

// TestResult is the judgement of one test.
type TestResult struct {
	Test    *TestCase
	Got     any  // what the rule evaluated to
	OK      bool // Got deep-equals Expected and no error
	Skipped bool // not run: its validation clock lies outside the rule's validity
	Why     string
	Err     error // the evaluation's error
}

// Failed reports a test that ran and did not pass.
func (r TestResult) Failed() bool { return !r.OK && !r.Skipped }

// Run judges the test as the upstream runner does: the rule's Logic on
// {"payload", "external"} of the test must deep-equal the expected value,
// without error. A test whose external.validationClock lies outside the
// rule's [ValidFrom, ValidTo) is skipped, and Why says so.
func (t *TestCase) Run() TestResult {
	res := TestResult{Test: t}
	if t.rule == nil {
		res.Err = fmt.Errorf("test %s: %w: no rule (tests come from LoadTests)", t.File, ErrNotCompiled)
		res.Why = res.Err.Error()
		return res
	}
	if c, ok := t.External["validationClock"]; ok {
		s, _ := c.(string)
		at, err := parseClock(s)
		if err != nil {
			res.Err = fmt.Errorf("%w: external.validationClock %v: %w", ErrInvalidTest, c, err)
			res.Why = res.Err.Error()
			return res
		}
		r := t.rule
		if at.Before(r.ValidFrom) || !at.Before(r.ValidTo) {
			res.Skipped = true
			res.Why = fmt.Sprintf("validation clock %s outside the rule's validity [%s, %s)",
				s, r.ValidFrom.Format(time.RFC3339), r.ValidTo.Format(time.RFC3339))
			return res
		}
	}
	var ext any
	if t.External != nil {
		ext = t.External
	}
	res.Got, res.Err = eval(t.rule, map[string]any{"payload": t.Payload, "external": ext})
	if res.Err != nil {
		res.Why = "error: " + res.Err.Error()
		return res
	}
	res.OK = reflect.DeepEqual(res.Got, t.Expected)
	if !res.OK {
		res.Why = fmt.Sprintf("got %s, want %s", show(res.Got), show(t.Expected))
	}
	return res
}

// parseClock reads a validation clock as the rules read it: with
// CertLogic's date-time parser (RFC 3339, a missing offset taken as UTC).
func parseClock(s string) (time.Time, error) {
	v, err := certlogic.Eval(map[string]any{"plusTime": []any{map[string]any{"var": "c"}, 0.0, "day"}}, map[string]any{"c": s})
	if err != nil {
		return time.Time{}, err
	}
	t, ok := v.(certlogic.Time)
	if !ok {
		return time.Time{}, fmt.Errorf("not a date-time")
	}
	return t.Time(), nil
}

// show renders a value for a report, as JSON where it can.
func show(v any) string {
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}
