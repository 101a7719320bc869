package certlogic_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// gen makes expressions and data that reach every operation and the
// corners certlogic-js has: nulls, wrong types, identity, odd paths and
// dates.
type gen struct{ r *rand.Rand }

func (g *gen) pick(xs ...any) any    { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

var fragments = []string{"a", "b", "c", "0", "1", "2", "01", "-0", "length", " 1", "1x", "x", "accumulator", "current", "é"}

func (g *gen) path() string {
	if g.chance(0.1) {
		return ""
	}
	n := 1 + g.r.IntN(3)
	fs := make([]string, n)
	for i := range fs {
		fs[i] = fragments[g.r.IntN(len(fragments))]
	}
	return strings.Join(fs, ".")
}

func (g *gen) date() string {
	y := fmt.Sprintf("%04d", g.pick(2021, 2020, 1999, 0, 9999, 1970).(int))
	two := func(valid, bad []int) string {
		if g.chance(0.08) {
			return fmt.Sprintf("%02d", bad[g.r.IntN(len(bad))])
		}
		return fmt.Sprintf("%02d", valid[g.r.IntN(len(valid))])
	}
	mo := two([]int{1, 2, 3, 6, 12}, []int{0, 13})
	d := two([]int{1, 28, 29, 30, 31}, []int{0, 32})
	s := y
	switch g.r.IntN(8) {
	case 0:
		return s
	case 1:
		return s + "-" + mo
	case 2:
		return s + "-" + mo + "-" + d
	}
	s += "-" + mo + "-" + d + "T" + two([]int{0, 12, 23}, []int{24, 25}) + ":" + two([]int{0, 30, 59}, []int{60}) + ":" + two([]int{0, 59}, []int{60})
	if g.chance(0.4) {
		s += "." + "123456789"[:1+g.r.IntN(9)]
	}
	s += g.pick("", "Z", "+1", "-1", "+01", "+0130", "+130", "-0:30", "+01:30", "+23:59", "+24:00", "+01:", "+013", "+1:3", "z", "+01:60").(string)
	if g.chance(0.05) {
		i := g.r.IntN(len(s))
		s = s[:i] + s[i+1:]
	}
	return s
}

func (g *gen) literal() any {
	switch g.r.IntN(6) {
	case 0:
		return g.pick(0.0, 1.0, 2.0, -1.0, 42.0, 1e21, 9007199254740993.0)
	case 1:
		return g.pick("", "a", "b", "0", "1", "URN:UVCI:01:NL:187/37512422923", "a::c/#/f")
	case 2:
		return g.date()
	case 3:
		return g.pick(true, false)
	case 4:
		if g.chance(0.3) {
			return g.pick(nil, 3.14, -0.5, 1e-7)
		}
		return g.pick(1.0, "x")
	}
	return []any{}
}

var operators = []string{"var", "var", "var", "if", "===", "and", "<", ">", "<=", ">=", "in", "+", "!", "after", "before",
	"not-after", "not-before", "plusTime", "plusTime", "reduce", "extractFromUVCI", "dccDateOfBirth"}

func (g *gen) exprs(depth, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = g.expr(depth + 1)
	}
	return out
}

// arity is the right number of operands, sometimes off by one.
func (g *gen) arity(n ...int) int {
	k := n[g.r.IntN(len(n))]
	if g.chance(0.03) {
		k += g.r.IntN(3) - 1
	}
	return max(k, 0)
}

func (g *gen) expr(depth int) any {
	if depth > 4 || g.chance(0.25) {
		if g.chance(0.5) {
			return map[string]any{"var": g.path()}
		}
		return g.literal()
	}
	if g.chance(0.05) {
		return g.exprs(depth, g.r.IntN(3))
	}
	if g.chance(0.02) {
		return g.pick(map[string]any{"var": g.pick(0.0, nil, "x.", ".a", "a..b")}, map[string]any{}, map[string]any{"all": []any{}},
			map[string]any{"if": "x"}, map[string]any{"var": "a", "b": 1.0})
	}
	op := operators[g.r.IntN(len(operators))]
	var vs []any
	switch op {
	case "var":
		return map[string]any{"var": g.path()}
	case "if", "reduce":
		vs = g.exprs(depth, g.arity(3))
		if op == "reduce" && len(vs) > 1 && g.chance(0.7) {
			vs[1] = g.lambda(depth + 1)
		}
	case "and":
		vs = g.exprs(depth, g.arity(2, 3))
	case "<", ">", "<=", ">=", "after", "before", "not-after", "not-before":
		vs = g.exprs(depth, g.arity(2, 3))
		if op[0] >= 'a' {
			for i := range vs {
				if g.chance(0.7) {
					vs[i] = g.plusTime(depth + 1)
				}
			}
		}
	case "===", "in", "+":
		vs = g.exprs(depth, g.arity(2))
		if op != "+" && len(vs) == 2 && g.chance(0.3) {
			vs = g.sameRef(op)
		}
	case "!", "dccDateOfBirth":
		vs = g.exprs(depth, g.arity(1))
	case "plusTime":
		return g.plusTime(depth)
	case "extractFromUVCI":
		vs = []any{g.expr(depth + 1), g.pick(0.0, 1.0, 2.0, 3.0, 4.0, -1.0, 1e300, 1.5, "0")}
	}
	return map[string]any{op: vs}
}

func (g *gen) plusTime(depth int) any {
	var d any = g.date()
	if g.chance(0.4) {
		d = g.expr(depth + 1)
	}
	amount := g.pick(0.0, 1.0, -1.0, 12.0, 31.0, -18.0, 365.0, 1000.0, 100000.0, 1e9, 1e15, -1e300)
	unit := g.pick("year", "month", "day", "hour")
	if g.chance(0.03) {
		amount, unit = g.pick(1.5, "1"), g.pick("days", 1.0, nil)
	}
	vs := []any{d, amount, unit}
	if g.chance(0.02) {
		vs = vs[:g.r.IntN(3)]
	}
	return map[string]any{"plusTime": vs}
}

// sameRef gives === and in operands that may be one object twice (the
// same path, the same reduce context) or two alike.
func (g *gen) sameRef(op string) []any {
	p := g.path()
	a, b := map[string]any{"var": p}, map[string]any{"var": p}
	if g.chance(0.3) {
		b = map[string]any{"var": g.path()}
	}
	if op == "in" {
		return []any{a, []any{g.literal(), b}}
	}
	if g.chance(0.4) {
		// In a lambda: the context, an item or the accumulator, twice.
		v := g.pick("", "", "current", "accumulator", "current.0").(string)
		lambda := map[string]any{"===": []any{map[string]any{"var": v}, map[string]any{"var": v}}}
		if g.chance(0.5) {
			lambda = map[string]any{"if": []any{lambda, map[string]any{"var": v}, map[string]any{"var": ""}}}
		}
		items := []any{g.plusTime(3), []any{g.literal()}, map[string]any{"var": p}}
		return []any{map[string]any{"reduce": []any{items, lambda, g.pick([]any{}, 0.0, map[string]any{"var": ""})}}, true}
	}
	return []any{a, b}
}

// dateExpr parses var d as a date, and adds to it.
func (g *gen) dateExpr() any {
	d := map[string]any{"var": "d"}
	if g.chance(0.2) {
		return map[string]any{"dccDateOfBirth": []any{d}}
	}
	amount := g.pick(0.0, 1.0, -1.0, 11.0, 13.0, -25.0, 59.0, 366.0, -18.0, 273739.0, 273740.0, 3287181.0, 1e8, -1e8, 2.4e9, 1e10, 1e11).(float64)
	if g.chance(0.5) {
		amount = float64(g.r.IntN(2000) - 1000)
	}
	return map[string]any{"plusTime": []any{d, amount, g.pick("year", "month", "day", "hour")}}
}

// mutated is s, sometimes with a character changed, dropped or added.
func (g *gen) mutated(s string) string {
	const chars = "0123456789-:T.Z+ z"
	for g.chance(0.3) && s != "" {
		i := g.r.IntN(len(s))
		c := string(chars[g.r.IntN(len(chars))])
		switch g.r.IntN(3) {
		case 0:
			s = s[:i] + c + s[i+1:]
		case 1:
			s = s[:i] + s[i+1:]
		default:
			s = s[:i] + c + s[i:]
		}
	}
	return s
}

// lambda is a reduce's lambda, on its accumulator and current item.
func (g *gen) lambda(depth int) any {
	v := func() any {
		return map[string]any{"var": g.pick("accumulator", "current", "", "current.a", "accumulator.0", "current.length").(string)}
	}
	switch g.r.IntN(6) {
	case 0:
		return map[string]any{"+": []any{v(), v()}}
	case 1:
		return []any{v(), v()}
	case 2:
		return map[string]any{"===": []any{v(), v()}}
	case 3:
		return map[string]any{"if": []any{v(), v(), v()}}
	case 4:
		return map[string]any{"and": []any{v(), v()}}
	}
	return v()
}

func (g *gen) data(depth int) any {
	k := g.r.IntN(8)
	if depth == 0 {
		k = 6 + g.r.IntN(2)
	}
	if depth > 3 && k >= 6 {
		k = g.r.IntN(6)
	}
	switch k {
	case 0:
		return nil
	case 1:
		return g.pick(true, false)
	case 2:
		return g.pick(0.0, 1.0, 2.0, 3.0, -1.0, 0.5, 1e21)
	case 3:
		return g.date()
	case 4:
		return g.pick("", "a", "héllo", "😀x", "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B")
	case 5:
		return []any{}
	case 6:
		out := make([]any, g.r.IntN(4))
		for i := range out {
			out[i] = g.data(depth + 1)
		}
		return out
	}
	out := map[string]any{}
	for range g.r.IntN(5) {
		out[fragments[g.r.IntN(len(fragments))]] = g.data(depth + 1)
	}
	return out
}
