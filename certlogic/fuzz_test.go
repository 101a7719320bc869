package certlogic_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/passgate/passgate/certlogic"
	"github.com/passgate/passgate/internal/testkit/shareddata"
)

// FuzzEval: any JSON expression on any JSON data compiles or is refused,
// and evaluates to a value or an error, without a panic and within the
// default limits; Compile agrees with Validate.
func FuzzEval(f *testing.F) {
	for _, s := range [][2]string{
		{`{"reduce": [{"var": "xs"}, [{"var": "accumulator"}, {"var": "accumulator"}], 0]}`, `{"xs": [1, 2, 3, 4, 5, 6, 7, 8]}`},
		{`{"plusTime": [{"var": "d"}, 1, "month"]}`, `{"d": "2021-01-31T12:00:00.5+1:30"}`},
		{`{"and": [{"var": "a.0"}, {"in": [{"var": "b"}, ["x", "y"]]}, {"!": [{"var": "c.length"}]}]}`, `{"a": [1], "b": "x", "c": ""}`},
		{`{"extractFromUVCI": [{"var": ""}, 2]}`, `"URN:UVCI:01:NL:187/37512422923"`},
		{`{"not-after": [{"dccDateOfBirth": [{"var": "dob"}]}, {"plusTime": ["2021-06-01", -18, "year"]}]}`, `{"dob": "2003-06"}`},
		{`{"if": [{"===": [{"var": ""}, {"var": ""}]}, [1, {"+": [1, 2]}], {"<": [1, 2, 3]}]}`, `[]`},
	} {
		f.Add(s[0], s[1])
	}
	// The evaluator suite, when the shared folder is there.
	files, _ := filepath.Glob(filepath.Join(shareddata.Root(), "testdata", "certlogic", "testSuite", "*.json"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		var s suite
		if json.Unmarshal(b, &s) != nil {
			continue
		}
		for _, c := range s.Cases {
			for _, a := range c.Assertions {
				expr := a.Expr
				if expr == nil {
					expr = c.Expr
				}
				f.Add(js(expr), js(a.Data))
			}
		}
	}
	f.Fuzz(func(t *testing.T, exprText, dataText string) {
		var expr, data any
		if json.Unmarshal([]byte(exprText), &expr) != nil || json.Unmarshal([]byte(dataText), &data) != nil {
			return
		}
		issues := certlogic.Validate(expr)
		e, err := certlogic.Compile(expr, certlogic.Limits{})
		var iss certlogic.Issue
		switch {
		case errors.Is(err, certlogic.ErrLimit):
			return
		case err == nil && len(issues) > 0:
			t.Fatalf("Compile accepts what Validate refuses: %v", issues)
		case err != nil && (!errors.Is(err, certlogic.ErrInvalid) || !errors.As(err, &iss) || len(issues) == 0 || iss.Message != issues[0].Message):
			t.Fatalf("Compile: %v; Validate: %v", err, issues)
		case err != nil:
			return
		}
		v, err := e.Eval(data)
		if err != nil {
			if !errors.Is(err, certlogic.ErrEval) && !errors.Is(err, certlogic.ErrLimit) {
				t.Fatalf("Eval: %v, neither ErrEval nor ErrLimit", err)
			}
			return
		}
		budget := 100_000 // results may share arrays exponentially often
		if !wellTyped(v, &budget) {
			t.Fatalf("Eval gave %#v, not a JSON value or Time", v)
		}
	})
}

func wellTyped(v any, budget *int) bool {
	if *budget--; *budget < 0 {
		return true
	}
	switch x := v.(type) {
	case nil, bool, float64, string, certlogic.Time:
		return true
	case []any:
		for _, it := range x {
			if !wellTyped(it, budget) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, it := range x {
			if !wellTyped(it, budget) {
				return false
			}
		}
		return true
	}
	return false
}
