package certlogic

import "math"

// Limits bound what one expression may cost. The EU's rules have fewer than
// 300 nodes, nest less than 20 deep and fold arrays of a few items; the
// defaults leave them a wide margin while keeping the worst a hostile rule
// can do to some milliseconds and megabytes on a Raspberry Pi.
//
// A zero field takes its value from DefaultLimits; a negative field means
// no limit.
type Limits struct {
	// MaxDepth is how deep an expression may nest: a literal or var alone
	// is depth 1, each operation or array literal adds one.
	MaxDepth int
	// MaxNodes is the size of an expression: every operation, array
	// literal and literal operand counts one.
	MaxNodes int
	// MaxReduce is how many items one reduce may fold.
	MaxReduce int
	// MaxSteps is how many steps one Eval may take; it bounds evaluation
	// time, and with it memory. Evaluating an operation, literal or array
	// item is a step; so is each item an in searches, and every 32 bytes
	// of a string that var, plusTime, dccDateOfBirth or extractFromUVCI
	// reads.
	MaxSteps int
}

// DefaultLimits returns the limits Eval uses and Compile fills zero fields
// from.
func DefaultLimits() Limits {
	return Limits{MaxDepth: 64, MaxNodes: 10_000, MaxReduce: 10_000, MaxSteps: 200_000}
}

// resolved fills zero fields from the defaults and turns "no limit" into
// the largest int, so checks need not special-case it.
func (l Limits) resolved() Limits {
	d := DefaultLimits()
	fill := func(v, def int) int {
		switch {
		case v == 0:
			return def
		case v < 0:
			return math.MaxInt
		}
		return v
	}
	return Limits{
		MaxDepth:  fill(l.MaxDepth, d.MaxDepth),
		MaxNodes:  fill(l.MaxNodes, d.MaxNodes),
		MaxReduce: fill(l.MaxReduce, d.MaxReduce),
		MaxSteps:  fill(l.MaxSteps, d.MaxSteps),
	}
}

// measure walks expr and reports the first limit it breaks: depth before
// size, so a deep expression is refused without walking all of it.
func measure(expr any, lim Limits) error {
	nodes := 0
	var walk func(e any, depth int) error
	walk = func(e any, depth int) error {
		if depth > lim.MaxDepth {
			return &LimitError{Limit: "MaxDepth", Value: lim.MaxDepth, what: "expression nested too deep"}
		}
		nodes++
		if nodes > lim.MaxNodes {
			return &LimitError{Limit: "MaxNodes", Value: lim.MaxNodes, what: "expression too large"}
		}
		items := func(vs []any) error {
			for _, it := range vs {
				if err := walk(it, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		switch x := e.(type) {
		case []any:
			return items(x)
		case map[string]any:
			for op, v := range x {
				if vs, ok := v.([]any); ok && op != "var" {
					if err := items(vs); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	return walk(expr, 1)
}
