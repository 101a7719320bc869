package certlogic

import (
	"errors"
	"strings"
)

// node is a compiled operation or literal.
type node interface {
	eval(m *machine, data any) (any, error)
}

// machine is the state of one Eval: the operations counted so far.
type machine struct {
	steps, maxSteps, maxReduce int
}

func (m *machine) eval(n node, data any) (any, error) {
	if err := m.charge(1); err != nil {
		return nil, err
	}
	return n.eval(m, data)
}

// charge counts n steps. An operation is one, and so that MaxSteps bounds
// time, work that grows with the data counts too: each item an in
// searches, every 32 bytes of a string read.
func (m *machine) charge(n int) error {
	m.steps += n
	if m.steps > m.maxSteps {
		return &LimitError{Limit: "MaxSteps", Value: m.maxSteps, what: "evaluation takes too many operations"}
	}
	return nil
}

// bytesPerStep is how many bytes of a string cost one step.
const bytesPerStep = 32

type literal struct{ v any }

func (n literal) eval(*machine, any) (any, error) { return n.v, nil }

// array is an array literal: a new array every time, as in certlogic-js,
// for a reference to it is observable through ===.
type array struct{ items []node }

func (n array) eval(m *machine, data any) (any, error) {
	out := make([]any, len(n.items))
	for i, it := range n.items {
		v, err := m.eval(it, data)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

type varNode struct{ p path }

func (n varNode) eval(m *machine, data any) (any, error) {
	v, read := n.p.get(data)
	return v, m.charge(read / bytesPerStep)
}

type ifNode struct{ guard, then, els node }

func (n ifNode) eval(m *machine, data any) (any, error) {
	g, err := m.eval(n.guard, data)
	if err != nil {
		return nil, err
	}
	switch boolsiness(g) {
	case truthy:
		return m.eval(n.then, data)
	case falsy:
		return m.eval(n.els, data)
	}
	return nil, evalErr("if", "guard is neither truthy nor falsy: %s", describe(g))
}

// andNode returns the first falsy operand or the last one, evaluating no
// further than it must.
type andNode struct{ ops []node }

func (n andNode) eval(m *machine, data any) (any, error) {
	var v any = true
	for i, o := range n.ops {
		var err error
		if v, err = m.eval(o, data); err != nil {
			return nil, err
		}
		switch boolsiness(v) {
		case falsy:
			return v, nil
		case neither:
			return nil, evalErr("and", "operand %d is neither truthy nor falsy: %s", i+1, describe(v))
		}
	}
	return v, nil
}

type eqNode struct{ a, b node }

func (n eqNode) eval(m *machine, data any) (any, error) {
	a, b, err := m.pair(n.a, n.b, data)
	if err != nil {
		return nil, err
	}
	return strictEqual(a, b), nil
}

func (m *machine) pair(x, y node, data any) (a, b any, err error) {
	if a, err = m.eval(x, data); err != nil {
		return nil, nil, err
	}
	if b, err = m.eval(y, data); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

type inNode struct{ a, b node }

func (n inNode) eval(m *machine, data any) (any, error) {
	a, b, err := m.pair(n.a, n.b, data)
	if err != nil {
		return nil, err
	}
	xs, ok := b.([]any)
	if !ok {
		return nil, evalErr("in", "operand 2 is not an array: %s", describe(b))
	}
	if err := m.charge(len(xs)); err != nil {
		return nil, err
	}
	return contains(xs, a), nil
}

func contains(xs []any, a any) bool {
	for _, x := range xs {
		if strictEqual(x, a) {
			return true
		}
	}
	return false
}

// inConst is in with an array of literals on the right.
type inConst struct {
	a     node
	items []any
	set   map[string]struct{} // when every item is a string, and there are many
}

func (n inConst) eval(m *machine, data any) (any, error) {
	a, err := m.eval(n.a, data)
	if err != nil {
		return nil, err
	}
	if n.set != nil {
		s, ok := a.(string)
		if !ok {
			return false, nil
		}
		_, ok = n.set[s]
		return ok, nil
	}
	if err := m.charge(len(n.items)); err != nil {
		return nil, err
	}
	return contains(n.items, a), nil
}

type plusNode struct{ a, b node }

func (n plusNode) eval(m *machine, data any) (any, error) {
	a, b, err := m.pair(n.a, n.b, data)
	if err != nil {
		return nil, err
	}
	for i, v := range [2]any{a, b} {
		if !isInt(v) {
			return nil, evalErr("+", "operand %d is not an integer: %s", i+1, describe(v))
		}
	}
	return a.(float64) + b.(float64), nil
}

// cmpNode is <, >, <=, >= on integers, or after, before, not-after,
// not-before on date-times; with three operands, both pairs must hold.
type cmpNode struct {
	name  string
	op    int
	times bool
	ops   []node
}

func (n cmpNode) eval(m *machine, data any) (any, error) {
	var vs [3]float64
	for i, o := range n.ops {
		v, err := m.eval(o, data)
		if err != nil {
			return nil, err
		}
		switch x := v.(type) {
		case float64:
			if !n.times && isIntFloat(x) {
				vs[i] = x
				continue
			}
		case Time:
			if n.times {
				vs[i] = float64(x.millis())
				continue
			}
		}
		want := "an integer"
		if n.times {
			want = "a date-time"
		}
		return nil, evalErr(n.name, "operand %d is not %s: %s", i+1, want, describe(v))
	}
	ok := compare(n.op, vs[0], vs[1])
	if len(n.ops) == 3 {
		ok = ok && compare(n.op, vs[1], vs[2])
	}
	return ok, nil
}

func compare(op int, a, b float64) bool {
	switch op {
	case lt:
		return a < b
	case gt:
		return a > b
	case le:
		return a <= b
	}
	return a >= b
}

type notNode struct{ a node }

func (n notNode) eval(m *machine, data any) (any, error) {
	v, err := m.eval(n.a, data)
	if err != nil {
		return nil, err
	}
	switch boolsiness(v) {
	case truthy:
		return false, nil
	case falsy:
		return true, nil
	}
	return nil, evalErr("!", "operand is neither truthy nor falsy: %s", describe(v))
}

type plusTimeNode struct {
	date   node
	amount float64
	unit   string
}

func (n plusTimeNode) eval(m *machine, data any) (any, error) {
	v, err := m.eval(n.date, data)
	if err != nil {
		return nil, err
	}
	s, ok := v.(string)
	if !ok {
		return nil, evalErr("plusTime", "operand 1 is not a string: %s", describe(v))
	}
	if err := m.charge(len(s) / bytesPerStep); err != nil {
		return nil, err
	}
	ms, err := plusTime(s, n.amount, n.unit)
	if err != nil {
		if errors.Is(err, errRange) {
			return nil, evalErr("plusTime", "%v: %s plus %s %s", err, describe(s), jsNumber(n.amount), n.unit)
		}
		return nil, evalErr("plusTime", "operand 1 is %v: %s", err, describe(s))
	}
	return timeOfMillis(ms), nil
}

// frame is the data context of a reduce's lambda, { "accumulator": …,
// "current": … }, kept as two fields; it becomes an object only when the
// lambda asks for the whole of it (var ""), once an item, so that ===
// finds it the same object within an item as certlogic-js's.
type frame struct {
	acc, cur any
	obj      map[string]any
}

func (f *frame) object() any {
	if f.obj == nil {
		f.obj = map[string]any{"accumulator": f.acc, "current": f.cur}
	}
	return f.obj
}

type reduceNode struct{ operand, lambda, initial node }

func (n reduceNode) eval(m *machine, data any) (any, error) {
	v, err := m.eval(n.operand, data)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return m.eval(n.initial, data)
	}
	xs, ok := v.([]any)
	if !ok {
		return nil, evalErr("reduce", "operand 1 is neither an array nor null: %s", describe(v))
	}
	if len(xs) > m.maxReduce {
		return nil, &LimitError{Limit: "MaxReduce", Value: m.maxReduce, what: "reduce over too many items"}
	}
	acc, err := m.eval(n.initial, data)
	if err != nil {
		return nil, err
	}
	// One frame serves every item: only var "" lets a lambda keep its
	// context, and that takes a fresh object.
	f := &frame{}
	for _, x := range xs {
		f.acc, f.cur, f.obj = acc, x, nil
		if acc, err = m.eval(n.lambda, f); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

type uvciNode struct {
	operand node
	index   float64
}

func (n uvciNode) eval(m *machine, data any) (any, error) {
	v, err := m.eval(n.operand, data)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, evalErr("extractFromUVCI", "operand 1 is neither a string nor null: %s", describe(v))
	}
	if err := m.charge(len(s) / bytesPerStep); err != nil {
		return nil, err
	}
	if f, ok := uciFragment(s, n.index); ok {
		return f, nil
	}
	return nil, nil
}

// uciFragment is fragment i of a UCI split at '/', '#' and ':', after an
// optional "URN:UVCI:".
func uciFragment(s string, i float64) (string, bool) {
	if i < 0 {
		return "", false
	}
	s = strings.TrimPrefix(s, "URN:UVCI:")
	for k := 0; ; k++ {
		end := strings.IndexAny(s, "/#:")
		if float64(k) == i {
			if end < 0 {
				return s, true
			}
			return s[:end], true
		}
		if end < 0 {
			return "", false
		}
		s = s[end+1:]
	}
}

type dobNode struct{ operand node }

func (n dobNode) eval(m *machine, data any) (any, error) {
	v, err := m.eval(n.operand, data)
	if err != nil {
		return nil, err
	}
	s, ok := v.(string)
	if !ok {
		return nil, evalErr("dccDateOfBirth", "operand is not a string: %s", describe(v))
	}
	if err := m.charge(len(s) / bytesPerStep); err != nil {
		return nil, err
	}
	ms, err := dccDateOfBirth(s)
	switch {
	case errors.Is(err, errFormat):
		return nil, evalErr("dccDateOfBirth", "operand is not a date of birth YYYY, YYYY-MM or YYYY-MM-DD: %s", describe(s))
	case err != nil:
		return nil, evalErr("dccDateOfBirth", "operand is %v: %s", err, describe(s))
	}
	return timeOfMillis(ms), nil
}
