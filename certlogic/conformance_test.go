package certlogic_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/certlogic"
	"github.com/passgate/passgate/internal/testkit/shareddata"
)

// The suites of CertLogic 1.3.3 (SOURCE.txt in the shared folder): 232
// evaluator assertions of which 14 are marked skip, and 23 validation
// cases. The counts are asserted so that a file gone missing fails.
const (
	wantActive     = 218
	wantSkipped    = 14
	wantValidation = 23
)

type suite struct {
	Name      string `json:"name"`
	Directive string `json:"directive"`
	Cases     []struct {
		Name       string `json:"name"`
		Directive  string `json:"directive"`
		Expr       any    `json:"certLogicExpression"`
		Assertions []struct {
			Expr      any    `json:"certLogicExpression"`
			Data      any    `json:"data"`
			Expected  any    `json:"expected"`
			Directive string `json:"directive"`
			Message   string `json:"message"`
		} `json:"assertions"`
	} `json:"cases"`
}

type validationSuite struct {
	Name  string `json:"name"`
	Cases []struct {
		Expr   any `json:"certLogicExpression"`
		Issues []struct {
			Expr    any    `json:"expr"`
			Message string `json:"message"`
		} `json:"issues"`
	} `json:"cases"`
}

// tally is one row of the table the test logs.
type tally struct {
	file                           string
	active, passed, skipped, faild int
}

func readJSON(t *testing.T, path string, v any) { readJSONB(t, path, v) }

func readJSONB(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	fs, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(fs) == 0 {
		t.Fatalf("no suite files in %s (%v)", dir, err)
	}
	sort.Strings(fs)
	return fs
}

// jsonEqual compares a result with an expected JSON value as certlogic-js's
// test runner does (deep equality); a Time compares as the string it prints.
func jsonEqual(got, want any) string {
	return cmp.Diff(want, got, cmp.Transformer("Time", func(t certlogic.Time) string { return t.String() }))
}

func TestConformance(t *testing.T) {
	root := shareddata.Dir(t, "certlogic")
	var rows []tally
	t.Run("evaluator", func(t *testing.T) {
		for _, file := range files(t, filepath.Join(root, "testSuite")) {
			var s suite
			readJSON(t, file, &s)
			row := tally{file: "testSuite/" + filepath.Base(file)}
			t.Run(filepath.Base(file), func(t *testing.T) {
				for ci, c := range s.Cases {
					for ai, a := range c.Assertions {
						name := fmt.Sprintf("%d.%d %s: %s", ci+1, ai+1, c.Name, a.Message)
						if s.Directive == "skip" || c.Directive == "skip" || a.Directive == "skip" {
							row.skipped++
							t.Run(name, func(t *testing.T) { t.Skip(`the suite marks it "directive": "skip"`) })
							continue
						}
						row.active++
						expr := a.Expr
						if expr == nil {
							expr = c.Expr
						}
						ok := t.Run(name, func(t *testing.T) {
							got, err := certlogic.Eval(expr, a.Data)
							if err != nil {
								t.Fatalf("Eval(%s, %s): %v", js(expr), js(a.Data), err)
							}
							if d := jsonEqual(got, a.Expected); d != "" {
								t.Errorf("Eval(%s, %s) (-want +got):\n%s", js(expr), js(a.Data), d)
							}
						})
						if ok {
							row.passed++
						} else {
							row.faild++
						}
					}
				}
			})
			rows = append(rows, row)
		}
	})
	t.Run("validation", func(t *testing.T) {
		for _, file := range files(t, filepath.Join(root, "validation-testSuite")) {
			var s validationSuite
			readJSON(t, file, &s)
			row := tally{file: "validation-testSuite/" + filepath.Base(file)}
			t.Run(filepath.Base(file), func(t *testing.T) {
				for ci, c := range s.Cases {
					row.active++
					ok := t.Run(fmt.Sprintf("%d %s", ci+1, js(c.Expr)), func(t *testing.T) {
						type issue struct {
							Expr    any
							Message string
						}
						var want, got []issue
						for _, i := range c.Issues {
							want = append(want, issue{i.Expr, i.Message})
						}
						for _, i := range certlogic.Validate(c.Expr) {
							got = append(got, issue{i.Expr, i.Message})
						}
						if d := cmp.Diff(want, got); d != "" {
							t.Errorf("Validate(%s) (-want +got):\n%s", js(c.Expr), d)
						}
						_, err := certlogic.Compile(c.Expr, certlogic.Limits{})
						if (err == nil) != (len(want) == 0) {
							t.Errorf("Compile(%s): error %v, want one: %v", js(c.Expr), err, len(want) > 0)
						}
					})
					if ok {
						row.passed++
					} else {
						row.faild++
					}
				}
			})
			rows = append(rows, row)
		}
	})
	t.Log("\n" + table(rows))

	var eval, val tally
	for _, r := range rows {
		sum := &eval
		if strings.HasPrefix(r.file, "validation") {
			sum = &val
		}
		sum.active += r.active
		sum.passed += r.passed
		sum.skipped += r.skipped
		sum.faild += r.faild
	}
	if eval.active != wantActive || eval.passed != wantActive || eval.skipped != wantSkipped {
		t.Errorf("evaluator suite: %d active, %d passed, %d skipped; want %d active, all passed, %d skipped",
			eval.active, eval.passed, eval.skipped, wantActive, wantSkipped)
	}
	if val.active != wantValidation || val.passed != wantValidation {
		t.Errorf("validation suite: %d cases, %d passed; want %d, all passed", val.active, val.passed, wantValidation)
	}
}

// table lays the rows out with a total for each suite and for both.
func table(rows []tally) string {
	var b strings.Builder
	line := func(r tally) {
		fmt.Fprintf(&b, "%-48s %6d %6d %7d %6d\n", r.file, r.active, r.passed, r.skipped, r.faild)
	}
	add := func(sum *tally, r tally) {
		sum.active += r.active
		sum.passed += r.passed
		sum.skipped += r.skipped
		sum.faild += r.faild
	}
	fmt.Fprintf(&b, "%-48s %6s %6s %7s %6s\n", "file", "active", "passed", "skipped", "failed")
	all := tally{file: "total"}
	var sub tally
	for i, r := range rows {
		dir, _, _ := strings.Cut(r.file, "/")
		line(r)
		add(&sub, r)
		add(&all, r)
		if next, _, _ := strings.Cut(rows[min(i+1, len(rows)-1)].file, "/"); i == len(rows)-1 || next != dir {
			sub.file = dir + " total"
			line(sub)
			sub = tally{}
		}
	}
	line(all)
	return b.String()
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// wantRuleTests is the number of tests of the EU business rules in the
// shared folder; certlogic-js passes every one.
const wantRuleTests = 962

// TestBusinessRules runs the tests of the EU member states' business rules
// (testdata/business-rules/CC/RULE/tests/*.json): each rule's Logic on
// {"payload", "external"} must give the test's expected result.
func TestBusinessRules(t *testing.T) {
	root := shareddata.Dir(t, "business-rules")
	rules, err := filepath.Glob(filepath.Join(root, "*", "*", "rule.json"))
	if err != nil || len(rules) == 0 {
		t.Fatalf("no rules in %s (%v)", root, err)
	}
	sort.Strings(rules)
	n := 0
	for _, file := range rules {
		dir := filepath.Dir(file)
		var rule struct{ Logic any }
		readJSON(t, file, &rule)
		tests, _ := filepath.Glob(filepath.Join(dir, "tests", "*.json"))
		name, _ := filepath.Rel(root, dir)
		t.Run(name, func(t *testing.T) {
			e, err := certlogic.Compile(rule.Logic, certlogic.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			for _, tf := range tests {
				n++
				var tc struct {
					Name     string
					Payload  any
					External any
					Expected any
				}
				readJSON(t, tf, &tc)
				got, err := e.Eval(map[string]any{"payload": tc.Payload, "external": tc.External})
				if err != nil || jsonEqual(got, tc.Expected) != "" {
					t.Errorf("%s (%s): got %v, %v; want %v", filepath.Base(tf), tc.Name, got, err, tc.Expected)
				}
			}
		})
	}
	if n != wantRuleTests {
		t.Errorf("%d rule tests, want %d", n, wantRuleTests)
	}
	t.Logf("%d rules, %d tests", len(rules), n)
}
