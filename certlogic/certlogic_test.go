package certlogic_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/certlogic"
)

// parse is JSON text as encoding/json decodes it, the form expressions and
// data come in.
func parse(t testing.TB, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func mustEval(t *testing.T, expr, data string) any {
	t.Helper()
	v, err := certlogic.Eval(parse(t, expr), parse(t, data))
	if err != nil {
		t.Fatalf("Eval(%s, %s): %v", expr, data, err)
	}
	return v
}

// TestPlusTime: the formats of the specification and Date's arithmetic,
// as certlogic-js 1.2.2 gives them.
func TestPlusTime(t *testing.T) {
	for _, c := range []struct {
		date   string
		amount int
		unit   string
		want   string
	}{
		{"2021", 0, "day", "2021-12-31T00:00:00.000Z"},
		{"2021-02", 0, "day", "2021-02-28T00:00:00.000Z"},
		{"2020-02", 0, "day", "2020-02-29T00:00:00.000Z"},
		{"2021-06-01", 0, "day", "2021-06-01T00:00:00.000Z"},
		{"2021-06-01T12:34:56", 0, "day", "2021-06-01T12:34:56.000Z"},
		{"2021-06-01T12:34:56Z", 0, "day", "2021-06-01T12:34:56.000Z"},
		{"2021-06-01T12:34:56+2", 0, "day", "2021-06-01T10:34:56.000Z"},
		{"2021-06-01T12:34:56-02", 0, "day", "2021-06-01T14:34:56.000Z"},
		{"2021-06-01T12:34:56+230", 0, "day", "2021-06-01T10:04:56.000Z"},
		{"2021-06-01T12:34:56+0230", 0, "day", "2021-06-01T10:04:56.000Z"},
		{"2021-06-01T12:34:56-2:30", 0, "day", "2021-06-01T15:04:56.000Z"},
		{"2021-06-01T12:34:56+02:30", 0, "day", "2021-06-01T10:04:56.000Z"},
		{"2021-06-01T12:34:56.7", 0, "day", "2021-06-01T12:34:56.700Z"},
		{"2021-06-01T12:34:56.78Z", 0, "day", "2021-06-01T12:34:56.780Z"},
		{"2021-06-01T12:34:56.789+2", 0, "day", "2021-06-01T10:34:56.789Z"},
		{"2021-06-01T12:34:56.7891-02", 0, "day", "2021-06-01T14:34:56.789Z"},
		{"2021-06-01T12:34:56.999999+230", 0, "day", "2021-06-01T10:04:56.999Z"},
		{"2021-06-01T12:34:56.1+0230", 0, "day", "2021-06-01T10:04:56.100Z"},
		{"2021-06-01T12:34:56.12-2:30", 0, "day", "2021-06-01T15:04:56.120Z"},
		{"2021-06-01T12:34:56.123456789+02:30", 0, "day", "2021-06-01T10:04:56.123Z"},
		{"2021-06-01T24:00:00Z", 0, "day", "2021-06-02T00:00:00.000Z"},
		// The leap-day table of the specification.
		{"2020-02-29", 1, "day", "2020-03-01T00:00:00.000Z"},
		{"2020-02-29", 1, "month", "2020-03-29T00:00:00.000Z"},
		{"2020-02-29", 1, "year", "2021-03-01T00:00:00.000Z"},
		// A month's overflow runs into the next, as in JavaScript.
		{"2020-01-31", 1, "month", "2020-03-02T00:00:00.000Z"},
		{"2021-03-31", -1, "month", "2021-03-03T00:00:00.000Z"},
		{"2021-01-31", 13, "month", "2022-03-03T00:00:00.000Z"},
		{"2021-05", -3, "month", "2021-03-03T00:00:00.000Z"},
		{"2021-06-01T00:00:00Z", -18, "year", "2003-06-01T00:00:00.000Z"},
		{"2021-03-28T00:00:00Z", 49, "hour", "2021-03-30T01:00:00.000Z"},
		{"2021-12-31", 1, "day", "2022-01-01T00:00:00.000Z"},
		{"1970-01-01", -1, "hour", "1969-12-31T23:00:00.000Z"},
		// Years outside 0000-9999 print as toISOString prints them.
		{"2021", -2021, "year", "0000-12-31T00:00:00.000Z"},
		{"2021", -2022, "year", "-000001-12-31T00:00:00.000Z"},
		{"9999-12-31T23:59:59Z", 1, "hour", "+010000-01-01T00:59:59.000Z"},
		{"2021-01-01", 273739, "year", "+275760-01-01T00:00:00.000Z"},
	} {
		expr := fmt.Sprintf(`{"plusTime": [%q, %d, %q]}`, c.date, c.amount, c.unit)
		v := mustEval(t, expr, "null")
		tm, ok := v.(certlogic.Time)
		if !ok {
			t.Errorf("%s = %#v, not a Time", expr, v)
			continue
		}
		if got := tm.String(); got != c.want {
			t.Errorf("%s = %s, want %s", expr, got, c.want)
		}
		if b, _ := json.Marshal(v); string(b) != `"`+c.want+`"` {
			t.Errorf("%s as JSON = %s", expr, b)
		}
	}
}

func TestPlusTimeErrors(t *testing.T) {
	for _, c := range []struct{ expr, want string }{
		{`{"plusTime": [42, 0, "day"]}`, "plusTime: operand 1 is not a string: 42"},
		{`{"plusTime": [{"var": ""}, 0, "day"]}`, "plusTime: operand 1 is not a string: null"},
		{`{"plusTime": ["2021-06-01T12:34", 0, "day"]}`, `not a date or date-time in an allowed format: a string shaped "0000-00-00A00:00"`},
		{`{"plusTime": ["2021-6-1", 0, "day"]}`, "not a date or date-time in an allowed format"},
		{`{"plusTime": ["2021-06-01T12:34:56.Z", 0, "day"]}`, "in an allowed format"},
		{`{"plusTime": ["2021-06-01T12:34:56+01:3", 0, "day"]}`, "in an allowed format"},
		{`{"plusTime": ["2021-13-01", 0, "day"]}`, "not a valid date or date-time"},
		{`{"plusTime": ["2021-13", 0, "day"]}`, "not a valid date or date-time"},
		{`{"plusTime": ["2021-01-01T24:00:01", 0, "day"]}`, "not a valid date or date-time"},
		{`{"plusTime": ["2021-01-01T00:00:00+24:00", 0, "day"]}`, "not a valid date or date-time"},
		{`{"plusTime": ["2021-01-01", 273740, "year"]}`, "out of the range"},
		{`{"plusTime": ["2021-01-01", 1000000000000000, "hour"]}`, "out of the range"},
	} {
		_, err := certlogic.Eval(parse(t, c.expr), nil)
		var ee *certlogic.EvalError
		if !errors.Is(err, certlogic.ErrEval) || !errors.As(err, &ee) || ee.Op != "plusTime" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want ErrEval from plusTime saying %q", c.expr, err, c.want)
		}
	}
}

func TestDccDateOfBirth(t *testing.T) {
	for _, c := range []struct{ dob, want string }{
		{"2021", "2021-12-31T00:00:00.000Z"},
		{"2021-02", "2021-02-28T00:00:00.000Z"},
		{"2020-02", "2020-02-29T00:00:00.000Z"},
		{"2021-12", "2021-12-31T00:00:00.000Z"},
		{"1964-08-13", "1964-08-13T00:00:00.000Z"},
		{"0000", "0000-12-31T00:00:00.000Z"},
	} {
		v := mustEval(t, `{"dccDateOfBirth": [{"var": "dob"}]}`, fmt.Sprintf(`{"dob": %q}`, c.dob))
		if tm, ok := v.(certlogic.Time); !ok || tm.String() != c.want {
			t.Errorf("dccDateOfBirth(%s) = %v, want %s", c.dob, v, c.want)
		}
	}
	for _, dob := range []string{"", "1964-08-13T00:00:00Z", "64-08-13", "Hong Gildong"} {
		_, err := certlogic.Eval(parse(t, `{"dccDateOfBirth": [{"var": ""}]}`), dob)
		if !errors.Is(err, certlogic.ErrEval) {
			t.Errorf("dccDateOfBirth(%q): %v, want ErrEval", dob, err)
		}
		if dob != "" && strings.Contains(err.Error(), dob) {
			t.Errorf("the error quotes the date of birth: %v", err)
		}
	}
}

func TestTimeValue(t *testing.T) {
	tm := mustEval(t, `{"plusTime": ["2021-06-01T12:00:00+02:00", 0, "day"]}`, "null").(certlogic.Time)
	if want := time.Date(2021, 6, 1, 10, 0, 0, 0, time.UTC); !tm.Time().Equal(want) || tm.Time().Location() != time.UTC {
		t.Errorf("Time() = %v, want %v in UTC", tm.Time(), want)
	}
}

func TestTruthiness(t *testing.T) {
	tm := mustEval(t, `{"plusTime": ["2021", 0, "day"]}`, "null")
	for _, c := range []struct {
		v             any
		truthy, falsy bool
	}{
		{true, true, false}, {false, false, true}, {nil, false, true},
		{"", false, true}, {"0", true, false}, {0.0, false, true}, {-1.0, true, false}, {0.5, true, false},
		{[]any{}, false, true}, {[]any{nil}, true, false},
		{map[string]any{}, false, true}, {map[string]any{"a": nil}, true, false},
		{map[string]any{"toString": "x"}, false, false}, // certlogic-js throws on it
		{tm, false, false}, {42, false, false}, // a Time, and an int that JSON does not make
	} {
		if certlogic.Truthy(c.v) != c.truthy || certlogic.Falsy(c.v) != c.falsy {
			t.Errorf("%#v: truthy %v falsy %v, want %v %v", c.v, certlogic.Truthy(c.v), certlogic.Falsy(c.v), c.truthy, c.falsy)
		}
	}
}

// TestJavaScriptCorners holds the behaviours of certlogic-js that come from
// JavaScript rather than the specification.
func TestJavaScriptCorners(t *testing.T) {
	for _, c := range []struct{ expr, data, want string }{
		// === compares arrays, objects and date-times by reference.
		{`{"===": [{"var": "a"}, {"var": "a"}]}`, `{"a": []}`, "true"},
		{`{"===": [{"var": "a"}, {"var": "b"}]}`, `{"a": [], "b": []}`, "false"},
		{`{"===": [[], []]}`, `null`, "false"},
		{`{"===": [{"plusTime": ["2021", 0, "day"]}, {"plusTime": ["2021", 0, "day"]}]}`, `null`, "false"},
		{`{"reduce": [[1], {"===": [{"var": ""}, {"var": ""}]}, 0]}`, `null`, "true"},
		{`{"reduce": [[{"plusTime": ["2021", 0, "day"]}], {"===": [{"var": "current"}, {"var": "current"}]}, 0]}`, `null`, "true"},
		{`{"in": [{"var": "a"}, [{"var": "a"}]]}`, `{"a": {"x": 1}}`, "true"},
		{`{"in": [{"var": "a"}, [{"var": "b"}]]}`, `{"a": {"x": 1}, "b": {"x": 1}}`, "false"},
		// var: parseInt on each fragment, length, UTF-16 code units.
		{`{"var": "a.length"}`, `{"a": [1, 2, 3]}`, "3"},
		{`{"var": "a.length"}`, `{"a": "héllo😀"}`, "7"},
		{`{"var": "a.1"}`, `{"a": "héllo"}`, `"é"`},
		{`{"var": "007"}`, `{"7": "x"}`, `"x"`},
		{`{"var": "1x"}`, `["a", "b"]`, `"b"`},
		{`{"var": "-0"}`, `["a"]`, `"a"`},
		{`{"var": "toString"}`, `{}`, "null"},
		// The whole context of a lambda is an object.
		{`{"reduce": [[1, 2], {"var": ""}, 0]}`, `null`, `{"accumulator": {"accumulator": 0, "current": 1}, "current": 2}`},
		// and returns an operand; truthiness is certlogic-js's.
		{`{"and": [1, [], true]}`, `null`, "[]"},
		{`{"if": [{"var": ""}, "t", "f"]}`, `0.5`, `"t"`},
		{`{"extractFromUVCI": [{"var": ""}, 1e300]}`, `"a/b"`, "null"},
		{`{"+": [9007199254740992, 1]}`, `null`, "9007199254740992"},
	} {
		got := mustEval(t, c.expr, c.data)
		if d := jsonEqual(got, parse(t, c.want)); d != "" {
			t.Errorf("Eval(%s, %s) (-want +got):\n%s", c.expr, c.data, d)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	for _, c := range []struct{ expr, data, op, want string }{
		{`{"if": [{"var": ""}, 1, 2]}`, `{"toString": 1}`, "if", "guard is neither truthy nor falsy: an object of 1 keys"},
		{`{"and": [true, {"plusTime": ["2021", 0, "day"]}]}`, `null`, "and", "operand 2 is neither truthy nor falsy: a date-time"},
		{`{"!": [{"plusTime": ["2021", 0, "day"]}]}`, `null`, "!", "neither truthy nor falsy"},
		{`{"in": ["a", {"var": "x"}]}`, `{"x": "abc"}`, "in", `operand 2 is not an array: a string shaped "aaa"`},
		{`{"in": ["a", {"var": "x"}]}`, `null`, "in", "operand 2 is not an array: null"},
		{`{"+": [1, "2"]}`, `null`, "+", `operand 2 is not an integer: a string shaped "0"`},
		{`{"<": [1, {"var": "x"}, 3]}`, `{"x": 1.5}`, "<", "operand 2 is not an integer: 1.5"},
		{`{"after": [{"plusTime": ["2021", 0, "day"]}, "2021"]}`, `null`, "after", "operand 2 is not a date-time"},
		{`{"reduce": [{"var": ""}, 0, 0]}`, `{"a": 1}`, "reduce", "neither an array nor null: an object of 1 keys"},
		{`{"extractFromUVCI": [{"var": ""}, 0]}`, `42`, "extractFromUVCI", "neither a string nor null: 42"},
		{`{"dccDateOfBirth": [{"var": ""}]}`, `[]`, "dccDateOfBirth", "operand is not a string: an array of 0 items"},
	} {
		_, err := certlogic.Eval(parse(t, c.expr), parse(t, c.data))
		var ee *certlogic.EvalError
		if !errors.Is(err, certlogic.ErrEval) || !errors.As(err, &ee) || ee.Op != c.op || !strings.Contains(ee.Reason, c.want) {
			t.Errorf("Eval(%s, %s): %v, want an EvalError of %s saying %q", c.expr, c.data, err, c.op, c.want)
		}
	}
}

func TestCompileInvalid(t *testing.T) {
	_, err := certlogic.Compile(parse(t, `{"if": [true, {"plusTime": ["2021", 1.5, "days"]}]}`), certlogic.Limits{})
	var iss certlogic.Issue
	if !errors.Is(err, certlogic.ErrInvalid) || !errors.As(err, &iss) {
		t.Fatalf("error %v, want ErrInvalid with an Issue", err)
	}
	if want := `an "if"-operation must have exactly 3 values/operands, but it has 2`; iss.Message != want {
		t.Errorf("first issue %q, want %q", iss.Message, want)
	}
	if got := certlogic.Validate(parse(t, `{"if": [true, {"plusTime": ["2021", 1.5, "days"]}]}`)); len(got) != 3 {
		t.Errorf("Validate: %d issues, want 3: %v", len(got), got)
	}
	if got := certlogic.Validate(parse(t, `{"and": [{"var": "a"}, 1]}`)); got != nil {
		t.Errorf("Validate of a valid expression: %v", got)
	}
}

func TestConcurrentEval(t *testing.T) {
	e, err := certlogic.Compile(parse(t, `{"reduce": [{"var": "xs"}, {"+": [{"var": "accumulator"}, {"var": "current"}]}, 0]}`), certlogic.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				n := float64(i + j)
				v, err := e.Eval(map[string]any{"xs": []any{n, n, 1.0}})
				if err != nil || v != 2*n+1 {
					t.Errorf("Eval: %v, %v; want %v", v, err, 2*n+1)
					return
				}
			}
		})
	}
	wg.Wait()
}

func ExampleCompile() {
	var rule any
	_ = json.Unmarshal([]byte(`{"and": [
		{"var": "payload.v.0"},
		{"not-before": [
			{"plusTime": [{"var": "external.validationClock"}, 0, "day"]},
			{"plusTime": [{"var": "payload.v.0.dt"}, 14, "day"]}]}]}`), &rule)
	e, err := certlogic.Compile(rule, certlogic.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, dt := range []string{"2021-10-01", "2021-10-03"} {
		var data any
		_ = json.Unmarshal([]byte(`{"payload": {"v": [{"dt": "`+dt+`"}]}, "external": {"validationClock": "2021-10-16T00:00:00Z"}}`), &data)
		v, err := e.Eval(data)
		fmt.Println(dt, v, err, certlogic.Truthy(v))
	}
	// Output:
	// 2021-10-01 true <nil> true
	// 2021-10-03 false <nil> false
}
