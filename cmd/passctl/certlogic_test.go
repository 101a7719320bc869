package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// withStdin makes text the process's standard input for the test, which
// certlogic eval reads for - and --jsonl.
func withStdin(t *testing.T, text string) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = old; f.Close() })
}

// vaccinationRule is VR-DE-0003's logic, shortened: 15 days after the
// vaccination, or a listed vaccine.
const vaccinationRule = `{"if": [{"var": "payload.v.0"}, {"if": [
	{"not-before": [{"plusTime": [{"var": "external.validationClock"}, 0, "day"]}, {"plusTime": [{"var": "payload.v.0.dt"}, 15, "day"]}]},
	true,
	{"in": [{"var": "payload.v.0.mp"}, ["EU/1/20/1528", "EU/1/20/1507", "EU/1/21/1529"]]}]}, true]}`

func TestCertlogicEval(t *testing.T) {
	dir := t.TempDir()
	rule := write(t, dir, "rule.json", vaccinationRule)
	data := write(t, dir, "data.json", `{"payload": {"v": [{"dt": "2021-10-01", "mp": "EU/1/20/1525"}]}, "external": {"validationClock": "2021-10-16T00:00:00Z"}}`)
	early := `{"payload": {"v": [{"dt": "2021-10-03", "mp": "EU/1/20/1525"}]}, "external": {"validationClock": "2021-10-16T00:00:00Z"}}`
	for _, c := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"files", "", []string{rule, data}, "true\n"},
		{"inline data", "", []string{rule, early}, "false\n"},
		{"data on stdin", early, []string{rule, "-"}, "false\n"},
		{"expr on stdin", vaccinationRule, []string{"-", data}, "true\n"},
		{"a date", "", []string{`{"plusTime": [{"var": "d"}, 1, "month"]}`, `{"d": "2020-01-31T12:00:00.5+01:00"}`}, "\"2020-03-02T11:00:00.500Z\"\n"},
		{"dates in an array", "", []string{`[{"dccDateOfBirth": ["1990-02"]}, {"var": ""}]`, `"<b>"`}, "[\"1990-02-28T00:00:00.000Z\",\"<b>\"]\n"},
		{"null", "", []string{`{"var": "x"}`, `{}`}, "null\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			withStdin(t, c.stdin)
			code, out, errOut := passctl(t, append([]string{"certlogic", "eval"}, c.args...)...)
			if code != 0 || out != c.want {
				t.Errorf("exit %d, stdout %q, want %q; stderr %s", code, out, c.want, errOut)
			}
		})
	}
}

func TestCertlogicEvalErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{`{"plusTime": [42, 0, "day"]}`, "null"}, 1, "certlogic: plusTime: operand 1 is not a string: 42"},
		{[]string{`{"plusTime": [{"var": "dob"}, 0, "day"]}`, `{"dob": "1964-13-01"}`}, 1, `not a valid date or date-time: a string shaped "0000-00-00"`},
		{[]string{`{"if": [true, 1]}`, "null"}, 1, `invalid expression: an "if"-operation must have exactly 3 values/operands, but it has 2`},
		{[]string{`{"reduce": [{"var": "xs"}, [{"var": "accumulator"}, {"var": "accumulator"}], 0]}`, `{"xs": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21]}`}, 1, "too large to print"},
		{[]string{filepath.Join(dir, "none.json"), "null"}, 1, "EXPR: " + filepath.Join(dir, "none.json") + " is neither JSON nor a file"},
		{[]string{"true", write(t, dir, "bad.json", "{oops")}, 1, "DATA: not JSON"},
		{nil, 2, "give EXPR and DATA"},
		{[]string{"true"}, 2, "give EXPR and DATA"},
		{[]string{"-", "-"}, 2, "only one of EXPR and DATA can be -"},
		{[]string{"--jsonl", "true", "null"}, 2, "--jsonl reads standard input"},
		{[]string{"true", "null", "extra"}, 2, `unexpected argument "extra"`},
	} {
		withStdin(t, "")
		code, out, errOut := passctl(t, append([]string{"certlogic", "eval"}, c.args...)...)
		if code != c.code || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, code, out, errOut, c.code, c.want)
		}
	}
	// In Korean.
	code, _, errOut := passctlIn(t, korean, "certlogic", "eval", "-", "-")
	if code != 2 || !strings.Contains(errOut, "EXPR와 DATA 중 하나만 -(표준 입력)일 수 있습니다") {
		t.Errorf("Korean: exit %d, %s", code, errOut)
	}
}

func TestCertlogicEvalJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"expr": {"+": [{"var": "a"}, 1]}, "data": {"a": 41}}`,
		`{"expr": {"+": [{"var": "a"}, 1]}, "data": {"a": "41"}}`, // the same expression: compiled once
		`{"expr": {"plusTime": ["2021-06-01T00:00:00+02:00", 0, "day"]}}`,
		``,
		`{oops`,
		`[1, 2]`,
		`{"expr": {"if": [true]}, "data": null}`,
		`{"data": 1}`,
		"{\"expr\": {\"var\": \"\"}, \"data\": \"<&>\"}\r",
		`{"expr": {"in": ["b", ["a", "b"]]}, "data": null}`, // no newline at the end
	}, "\n")
	withStdin(t, in)
	code, out, errOut := passctl(t, "certlogic", "eval", "--jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := []string{
		`{"result":42}`,
		`{"error":"certlogic: +: operand 1 is not an integer: a string shaped \"00\""}`,
		`{"result":"2021-05-31T22:00:00.000Z"}`,
		`{"error":"not a JSON object {\"expr\": …, \"data\": …}: unexpected end of JSON input"}`,
		`{"error":"not a JSON object {\"expr\": …, \"data\": …}: invalid character 'o' looking for beginning of object key string"}`,
		`{"error":"not a JSON object {\"expr\": …, \"data\": …}: array"}`,
		`{"error":"certlogic: invalid expression: an \"if\"-operation must have exactly 3 values/operands, but it has 1 (at {\"if\":[true]})"}`,
		`{"error":"certlogic: invalid expression: invalid CertLogic expression (at null)"}`,
		`{"result":"<&>"}`,
		`{"result":true}`,
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), out)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, got[i], want[i])
		}
	}
}
