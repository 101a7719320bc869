package certlogic

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Issue is one reason an expression is not valid CertLogic: the
// sub-expression at fault and a message worded as certlogic-js's validator
// words it (the validation test suite compares them).
type Issue struct {
	Expr    any
	Message string
}

func (i Issue) Error() string {
	const max = 80
	b, err := json.Marshal(i.Expr)
	s := string(b)
	if err != nil {
		s = fmt.Sprint(i.Expr)
	}
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return i.Message + " (at " + s + ")"
}

// timeUnits are plusTime's units, in the order certlogic-js names them.
var timeUnits = [...]string{"year", "month", "day", "hour"}

func isTimeUnit(v any) bool {
	s, ok := v.(string)
	for _, u := range timeUnits {
		if ok && s == u {
			return true
		}
	}
	return false
}

// infixOps are the operations certlogic-js's validator and evaluator treat
// as infix, with their operand counts.
func infixArity(op string) (min, max int, ok bool) {
	switch op {
	case "and":
		return 2, -1, true
	case "<", ">", "<=", ">=", "after", "before", "not-after", "not-before":
		return 2, 3, true
	case "===", "in", "+":
		return 2, 2, true
	}
	return 0, 0, false
}

// Validate checks expr as certlogic-js's validator does and returns every
// issue, in its order; nil when expr is valid.
func Validate(expr any) []Issue {
	var v validator
	v.expr(expr)
	return v.issues
}

type validator struct{ issues []Issue }

func (v *validator) add(expr any, format string, args ...any) {
	v.issues = append(v.issues, Issue{Expr: expr, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) all(values []any) {
	for _, x := range values {
		v.expr(x)
	}
}

func isLiteral(expr any) bool {
	switch x := expr.(type) {
	case string, bool:
		return true
	case float64:
		return isIntFloat(x)
	}
	return false
}

func (v *validator) expr(expr any) {
	if isLiteral(expr) {
		return
	}
	switch x := expr.(type) {
	case float64:
		v.add(expr, "%s is a non-integer number", jsNumber(x))
	case []any:
		v.all(x)
	case map[string]any:
		if len(x) != 1 {
			v.add(expr, "expression object must have exactly one key, but it has %d", len(x))
			return
		}
		for op, values := range x {
			v.operation(expr, op, values)
		}
	default:
		v.add(expr, "invalid CertLogic expression")
	}
}

func (v *validator) operation(expr any, op string, raw any) {
	if op == "var" {
		path, ok := raw.(string)
		switch {
		case !ok:
			v.add(expr, `not of the form { "var": "<path>" }`)
		case !validPath(path):
			v.add(expr, "data access path doesn't have a valid format: %s", path)
		}
		return
	}
	values, ok := raw.([]any)
	if !ok {
		v.add(expr, `operation not of the form { "<operator>": [ <values...> ] }`)
		return
	}
	n := len(values)
	first := func(k int) []any { return values[:min(k, n)] }
	if lo, hi, ok := infixArity(op); ok {
		switch {
		case hi < 0:
			if n < lo {
				v.add(expr, `an "and" operation must have at least 2 operands, but it has %d`, n)
			}
			v.all(values)
		case lo == hi:
			if n != 2 {
				v.add(expr, `an operation with operator "%s" must have 2 operands, but it has %d`, op, n)
			}
			v.all(first(2))
		default:
			if n < 2 || n > 3 {
				v.add(expr, `an operation with operator "%s" must have 2 or 3 operands, but it has %d`, op, n)
			}
			v.all(first(3))
		}
		return
	}
	switch op {
	case "if":
		if n != 3 {
			v.add(expr, `an "if"-operation must have exactly 3 values/operands, but it has %d`, n)
		}
		v.all(first(3))
	case "!":
		if n != 1 {
			v.add(expr, "a !-operation (logical not/negation) must have exactly 1 operand, but it has %d", n)
			return
		}
		v.expr(values[0])
	case "plusTime":
		if n != 3 {
			v.add(expr, `a "plusTime"-operation must have exactly 3 values/operands, but it has %d`, n)
		}
		v.all(first(1))
		if n > 1 && !isInt(values[1]) {
			v.add(expr, `"amount" argument (#2) of "plusTime" must be an integer, but it is: %s`, jsString(values[1]))
		}
		if n > 2 && !isTimeUnit(values[2]) {
			v.add(expr, `"unit" argument (#3) of "plusTime" must be a string equal to one of %s, but it is: %s`,
				strings.Join(timeUnits[:], ", "), jsString(values[2]))
		}
	case "reduce":
		if n != 3 {
			v.add(expr, `a "reduce"-operation must have exactly 3 values/operands, but it has %d`, n)
		}
		v.all(first(3))
	case "extractFromUVCI":
		if n != 2 {
			v.add(expr, `an "extractFromUVCI"-operation must have exactly 2 values/operands, but it has %d`, n)
		}
		v.all(first(1))
		if n > 1 && !isInt(values[1]) {
			v.add(expr, `"index" argument (#2) of "extractFromUVCI" must be an integer, but it is: %s`, jsString(values[1]))
		}
	case "dccDateOfBirth":
		if n != 1 {
			v.add(expr, `a "dccDateOfBirth"-operation must have exactly 1 value/operand, but it has %d`, n)
		}
		v.all(first(1))
	default:
		v.add(expr, `unrecognised operator: "%s"`, op)
	}
}

// validPath is certlogic-js's ^([^.]+?)(\.[^.]+?)*$ or "": fragments
// separated by single dots, none empty.
func validPath(p string) bool {
	if p == "" {
		return true
	}
	for f := range strings.SplitSeq(p, ".") {
		if f == "" {
			return false
		}
	}
	return true
}
