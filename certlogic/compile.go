package certlogic

import "fmt"

// Expr is a compiled CertLogic expression: immutable, safe for concurrent
// Eval.
type Expr struct {
	root node
	lim  Limits
}

// Compile checks expr against lim (zero fields from DefaultLimits), then
// validates it, then compiles it. A limit breach wraps ErrLimit; an invalid
// expression wraps ErrInvalid and its first Issue (as Validate gives it).
func Compile(expr any, lim Limits) (*Expr, error) {
	lim = lim.resolved()
	if err := measure(expr, lim); err != nil {
		return nil, err
	}
	if issues := Validate(expr); len(issues) > 0 {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, issues[0])
	}
	return &Expr{root: compile(expr), lim: lim}, nil
}

// Eval compiles expr with DefaultLimits and evaluates it on data.
func Eval(expr, data any) (any, error) {
	e, err := Compile(expr, Limits{})
	if err != nil {
		return nil, err
	}
	return e.Eval(data)
}

// Eval evaluates the expression on the data context data. Its result is
// a JSON value or a Time, or an error wrapping ErrEval (the data does not
// fit the expression) or ErrLimit (MaxSteps or MaxReduce).
func (e *Expr) Eval(data any) (any, error) {
	m := &machine{maxSteps: e.lim.MaxSteps, maxReduce: e.lim.MaxReduce}
	return m.eval(e.root, data)
}

// compile turns a valid expression into its tree of nodes.
func compile(expr any) node {
	switch x := expr.(type) {
	case []any:
		return array{compileAll(x)}
	case map[string]any:
		for op, raw := range x {
			return compileOp(op, raw)
		}
	}
	return literal{expr}
}

func compileAll(xs []any) []node {
	out := make([]node, len(xs))
	for i, x := range xs {
		out[i] = compile(x)
	}
	return out
}

func compileOp(op string, raw any) node {
	if op == "var" {
		return varNode{compilePath(raw.(string))}
	}
	vs := raw.([]any)
	switch op {
	case "if":
		return ifNode{compile(vs[0]), compile(vs[1]), compile(vs[2])}
	case "and":
		return andNode{compileAll(vs)}
	case "===":
		return eqNode{compile(vs[0]), compile(vs[1])}
	case "in":
		if c, ok := constArray(vs[1]); ok {
			return c.with(compile(vs[0]))
		}
		return inNode{compile(vs[0]), compile(vs[1])}
	case "+":
		return plusNode{compile(vs[0]), compile(vs[1])}
	case "<", ">", "<=", ">=":
		return cmpNode{op, cmpOf(op), false, compileAll(vs)}
	case "after", "before", "not-after", "not-before":
		return cmpNode{op, cmpOf(op), true, compileAll(vs)}
	case "!":
		return notNode{compile(vs[0])}
	case "plusTime":
		return plusTimeNode{compile(vs[0]), vs[1].(float64), vs[2].(string)}
	case "reduce":
		return reduceNode{compile(vs[0]), compile(vs[1]), compile(vs[2])}
	case "extractFromUVCI":
		return uvciNode{compile(vs[0]), vs[1].(float64)}
	case "dccDateOfBirth":
		return dobNode{compile(vs[0])}
	}
	panic("certlogic: compile of an operation the validator let through: " + op)
}

// constArray is the right side of an in that is an array of literals. In
// certlogic-js every evaluation makes a new array, but one that in only
// searches is never seen again, so one copy made here serves every Eval;
// a long list of strings becomes a set.
func constArray(expr any) (inConst, bool) {
	xs, ok := expr.([]any)
	if !ok {
		return inConst{}, false
	}
	strs := 0
	for _, x := range xs {
		if !isLiteral(x) {
			return inConst{}, false
		}
		if _, ok := x.(string); ok {
			strs++
		}
	}
	c := inConst{items: append([]any(nil), xs...)}
	if strs == len(xs) && len(xs) >= 8 {
		c.set = make(map[string]struct{}, len(xs))
		for _, x := range xs {
			c.set[x.(string)] = struct{}{}
		}
	}
	return c, true
}

func (c inConst) with(a node) inConst { c.a = a; return c }

const (
	lt = iota
	gt
	le
	ge
)

func cmpOf(op string) int {
	switch op {
	case ">", "after":
		return gt
	case "<=", "not-after":
		return le
	case ">=", "not-before":
		return ge
	}
	return lt
}
