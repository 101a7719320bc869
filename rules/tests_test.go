package rules_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/rules"
)

// testsFS is two sets of rule tests: one passes, one fails, one is
// skipped (its clock before the rule), one has an array of two, one errs.
func testsFS() fstest.MapFS {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"sets/KR/VR-KR-0001/rule.json":            file(ruleJSON("VR-KR-0001", "1.0.0", from2021, to2030, logicFull)),
		"sets/KR/VR-KR-0001/tests/test001.json":   file(`{"name":"complete","payload":{"v":[{"dn":2,"sd":2}]},"expected":true,"external":{}}`),
		"sets/KR/VR-KR-0001/tests/test002.json":   file(`{"name":"wrong","payload":{"v":[{"dn":1,"sd":2}]},"expected":true}`),
		"sets/KR/VR-KR-0001/tests/test003.json":   file(`{"name":"early","payload":{},"expected":true,"external":{"validationClock":"2020-06-01T00:00:00+00:00"}}`),
		"sets/KR/VR-KR-0001/tests/test004.json":   file(`[{"payload":{},"expected":true,"validationClock":"2030-01-01T00:00:00Z"},{"payload":{},"expected":true}]`),
		"sets/KR/VR-KR-0001/tests/notes.txt":      file("not a test"),
		"sets/KR/TR-KR-0001/rule.json":            file(ruleJSON("TR-KR-0001", "1.0.0", from2021, to2030, logicBadDate)),
		"sets/KR/TR-KR-0001/tests/test001.json":   file(`{"payload":{"v":[{"dt":"2021-13-01"}]},"expected":false}`),
		"sets/AT/GR-AT-0001/rule.json":            file(ruleJSON("GR-AT-0001", "1.0.0", from2021, to2030, logicOne)),
		"sets/AT/GR-AT-0001/tests/test001.json":   file(`{"payload":{},"expected":1,"external":{"validationClock":"2021-06-01"}}`),
		"sets/tooling/schemas/validation.json":    file("{}"),
		"sets/KR/VR-KR-0001/tests/nested/x.json":  file("{}"),
		"empty/README.md":                         file(""),
		"bad/KR/VR-KR-0002/rule.json":             file(ruleJSON("VR-KR-0002", "1.0", from2021, to2030, logicTrue)),
		"badtest/VR-KR-0003/rule.json":            file(ruleJSON("VR-KR-0003", "1.0.0", from2021, to2030, logicTrue)),
		"badtest/VR-KR-0003/tests/test001.json":   file(`{"payload":{}}`),
		"badclock/VR-KR-0004/rule.json":           file(ruleJSON("VR-KR-0004", "1.0.0", from2021, to2030, logicTrue)),
		"badclock/VR-KR-0004/tests/test001.json":  file(`{"payload":{},"expected":true,"external":{"validationClock":"yesterday"}}`),
		"versions/VR-KR-0005/rule.json":           file("[" + ruleJSON("VR-KR-0005", "1.0.0", from2021, to2030, logicTrue) + "," + ruleJSON("VR-KR-0005", "1.0.1", from2021, to2030, logicTrue) + "]"),
		"versions/VR-KR-0005/tests/test001.json":  file(`{"payload":{},"expected":true}`),
		"sets/KR/VR-KR-0001/tests/test005.jsonld": file("not a test"),
	}
}

type outcome struct{ ID, Name, Result string }

func runAll(t *testing.T, ts []*rules.TestCase) []outcome {
	t.Helper()
	var out []outcome
	for _, tc := range ts {
		r := tc.Run()
		res := "ok"
		switch {
		case r.Skipped:
			res = "skip: " + r.Why
		case r.Err != nil:
			res = "error: " + r.Err.Error()
		case !r.OK:
			res = "fail: " + r.Why
		}
		if r.Failed() == (r.OK || r.Skipped) {
			t.Errorf("%s: Failed() = %v with OK %v, Skipped %v", tc.ID(), r.Failed(), r.OK, r.Skipped)
		}
		out = append(out, outcome{tc.ID(), tc.Name, res})
	}
	return out
}

func TestLoadTestsAndRun(t *testing.T) {
	ts, err := rules.LoadTests(testsFS(), "sets")
	if err != nil {
		t.Fatal(err)
	}
	want := []outcome{
		{"AT/GR-AT-0001/test001", "", "ok"},
		{"KR/TR-KR-0001/test001", "", "error: certlogic: plusTime: "},
		{"KR/VR-KR-0001/test001", "complete", "ok"},
		{"KR/VR-KR-0001/test002", "wrong", "fail: got false, want true"},
		{"KR/VR-KR-0001/test003", "early", "skip: validation clock 2020-06-01T00:00:00+00:00 outside the rule's validity [2021-01-01T00:00:00Z, 2030-01-01T00:00:00Z)"},
		{"KR/VR-KR-0001/test004#1", "", "skip: validation clock 2030-01-01T00:00:00Z outside the rule's validity [2021-01-01T00:00:00Z, 2030-01-01T00:00:00Z)"},
		{"KR/VR-KR-0001/test004#2", "", "ok"},
	}
	got := runAll(t, ts)
	// The engine's words for a bad date are its own: compare up to the operation.
	for i := range got {
		if strings.HasPrefix(got[i].Result, "error: certlogic: plusTime: ") {
			got[i].Result = "error: certlogic: plusTime: "
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if ts[2].File != "sets/KR/VR-KR-0001/tests/test001.json" || ts[2].Set != "KR" || ts[2].Rule != "VR-KR-0001" {
		t.Errorf("test %+v", ts[2])
	}
}

// TestLoadTestsShapes: a folder of sets, a set and a rule folder give the
// same tests of a rule.
func TestLoadTestsShapes(t *testing.T) {
	m := testsFS()
	for dir, n := range map[string]int{"sets": 7, "sets/KR": 6, "sets/KR/VR-KR-0001": 5} {
		ts, err := rules.LoadTests(m, dir)
		if err != nil || len(ts) != n {
			t.Errorf("%s: %d tests, %v; want %d", dir, len(ts), err, n)
			continue
		}
		if ts[len(ts)-1].Set != "KR" {
			t.Errorf("%s: set %q, want KR", dir, ts[len(ts)-1].Set)
		}
	}
	sub, err := fs.Sub(m, "sets/KR/VR-KR-0001")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := rules.LoadTests(sub, ".")
	if err != nil || len(ts) != 5 || ts[0].Set != "KR" {
		t.Errorf("rule folder as the root: %d tests, %v", len(ts), err)
	}
}

func TestLoadTestsErrors(t *testing.T) {
	m := testsFS()
	for _, c := range []struct {
		dir  string
		is   error
		want string
	}{
		{"empty", rules.ErrNoRules, "no rules in empty"},
		{"nowhere", rules.ErrNoRules, "nowhere"},
		{"bad", rules.ErrInvalidRule, `bad/KR/VR-KR-0002/rule.json: rule VR-KR-0002 1.0: Version "1.0"`},
		{"badtest", rules.ErrInvalidTest, "badtest/VR-KR-0003/tests/test001.json: invalid rule test: assertion 1 has no expected result"},
		{"versions", rules.ErrInvalidRule, "versions/VR-KR-0005/rule.json: invalid rule: 2 rules, want one to test"},
	} {
		_, err := rules.LoadTests(m, c.dir)
		if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %v with %q", c.dir, err, c.is, c.want)
		}
	}
	if r := (&rules.TestCase{File: "x.json"}).Run(); !r.Failed() || !errors.Is(r.Err, rules.ErrNotCompiled) {
		t.Errorf("a test made in Go: %+v", r)
	}
	ts, err := rules.LoadTests(m, "badclock")
	if err != nil {
		t.Fatal(err)
	}
	if r := ts[0].Run(); !r.Failed() || !errors.Is(r.Err, rules.ErrInvalidTest) || !strings.Contains(r.Why, "yesterday") {
		t.Errorf("a bad clock: %+v", r)
	}
}
