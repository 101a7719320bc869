package certlogic_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/passgate/passgate/certlogic"
)

// jsRunner validates and evaluates each line {"expr", "data"} with
// certlogic-js. Its plusTime and dccDateOfBirth throw where they would
// make an Invalid Date, as this package's do (see the package doc).
const jsRunner = `
const path = require("path");
const dir = process.env.PASSGATE_CERTLOGIC_JS;
const { evaluate } = require(dir);
const { validate } = require(path.join(dir, "dist/validation"));
const internals = require(path.join(dir, "dist/internals"));
for (const name of ["plusTime", "dccDateOfBirth"]) {
  const f = internals[name];
  internals[name] = (...args) => {
    const d = f(...args);
    if (isNaN(d)) throw new Error("Invalid Date");
    return d;
  };
}
const enc = (v) => {
  if (v instanceof Date) return { $date: v.toISOString() };
  if (Array.isArray(v)) return v.map(enc);
  if (typeof v === "function") return { $function: true };
  if (v !== null && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = enc(x);
    return o;
  }
  return v;
};
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter((l) => l !== "");
const out = [];
for (const line of lines) {
  const { expr, data } = JSON.parse(line);
  const issues = validate(expr);
  if (issues.length > 0) {
    out.push(JSON.stringify({ issues }));
    continue;
  }
  try {
    out.push(JSON.stringify({ result: enc(evaluate(expr, data)) }));
  } catch (e) {
    out.push(JSON.stringify({ error: String(e.message) }));
  }
}
process.stdout.write(out.join("\n") + "\n");
`

// TestAgainstCertlogicJS evaluates generated expressions with this package
// and with certlogic-js and compares: the validation issues, or the result,
// or that both fail. It runs when node is on the PATH and
// PASSGATE_CERTLOGIC_JS names a certlogic-js 1.2.2 install
// (.../node_modules/certlogic-js).
func TestAgainstCertlogicJS(t *testing.T) {
	dir := os.Getenv("PASSGATE_CERTLOGIC_JS")
	node, err := exec.LookPath("node")
	if dir == "" || err != nil {
		t.Skip("set PASSGATE_CERTLOGIC_JS to a certlogic-js install (npm install certlogic-js@1.2.2) and put node on the PATH to compare with the reference")
	}
	if _, err := os.Stat(filepath.Join(dir, "dist", "evaluator.js")); err != nil {
		t.Fatalf("PASSGATE_CERTLOGIC_JS=%s is not a certlogic-js install: %v", dir, err)
	}
	const n = 6000
	g := &gen{r: rand.New(rand.NewPCG(1, 2))}
	type tc struct {
		Expr any `json:"expr"`
		Data any `json:"data"`
	}
	var in bytes.Buffer
	cases := make([]tc, n)
	for i := range cases {
		cases[i] = tc{g.expr(0), g.data(0)}
		if i%3 == 0 { // a third on dates alone
			cases[i] = tc{g.dateExpr(), map[string]any{"d": g.mutated(g.date())}}
		}
		b, err := json.Marshal(cases[i])
		if err != nil {
			t.Fatal(err)
		}
		in.Write(b)
		in.WriteByte('\n')
	}
	script := filepath.Join(t.TempDir(), "run.js")
	if err := os.WriteFile(script, []byte(jsRunner), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, script)
	cmd.Env = append(os.Environ(), "PASSGATE_CERTLOGIC_JS="+dir)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	var stats [4]int // invalid, result, error, mismatch
	i := 0
	for ; sc.Scan(); i++ {
		// Decode the input again, as Go would get it from JSON.
		var c tc
		line, _ := json.Marshal(cases[i])
		if err := json.Unmarshal(line, &c); err != nil {
			t.Fatal(err)
		}
		var want struct {
			Issues []struct {
				Expr    any    `json:"expr"`
				Message string `json:"message"`
			} `json:"issues"`
			Result any     `json:"result"`
			Error  *string `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		got, kind := goOutcome(c.Expr, c.Data)
		wantOut := map[string]any{}
		switch {
		case want.Issues != nil:
			stats[0]++
			var is []any
			for _, x := range want.Issues {
				is = append(is, map[string]any{"expr": x.Expr, "message": x.Message})
			}
			wantOut["issues"] = normal(is)
		case want.Error != nil:
			stats[2]++
			wantOut["error"] = true
		default:
			stats[1]++
			wantOut["result"] = normal(want.Result)
		}
		if !reflect.DeepEqual(got, wantOut) {
			stats[3]++
			if stats[3] <= 15 {
				t.Errorf("case %d: expr %s data %s\n  certlogic-js: %s\n  certlogic:    %s (%s)", i, js(c.Expr), js(c.Data), js(wantOut), js(got), kind)
			}
		}
	}
	if i != n {
		t.Fatalf("node answered %d of %d cases", i, n)
	}
	t.Logf("%d cases: %d invalid, %d evaluated, %d evaluation errors; %d differ", n, stats[0], stats[1], stats[2], stats[3])
}

// goOutcome is what this package makes of a case, in the form the runner
// prints; kind carries the error text for a report.
func goOutcome(expr, data any) (map[string]any, string) {
	if issues := certlogic.Validate(expr); len(issues) > 0 {
		var is []any
		for _, x := range issues {
			is = append(is, map[string]any{"expr": x.Expr, "message": x.Message})
		}
		return map[string]any{"issues": normal(is)}, "invalid"
	}
	v, err := certlogic.Eval(expr, data)
	if err != nil {
		return map[string]any{"error": true}, err.Error()
	}
	return map[string]any{"result": normal(tagTimes(v))}, "result"
}

func tagTimes(v any) any {
	switch x := v.(type) {
	case certlogic.Time:
		return map[string]any{"$date": x.String()}
	case []any:
		out := make([]any, len(x))
		for i, it := range x {
			out[i] = tagTimes(it)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, it := range x {
			out[k] = tagTimes(it)
		}
		return out
	}
	return v
}

// normal is v through JSON and back, so both sides compare as decoded JSON.
func normal(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable: %v", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Sprintf("undecodable: %v", err)
	}
	return out
}
