package certlogic_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/certlogic"
)

func wantLimit(t *testing.T, err error, limit string, value int) {
	t.Helper()
	var le *certlogic.LimitError
	if !errors.Is(err, certlogic.ErrLimit) || !errors.As(err, &le) || le.Limit != limit || le.Value != value {
		t.Fatalf("error %v, want ErrLimit of %s=%d", err, limit, value)
	}
}

// quickly fails the test when f takes longer than a hostile rule may.
func quickly(t *testing.T, f func()) {
	t.Helper()
	start := time.Now()
	f()
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("took %v", d)
	}
}

func TestLimitDepth(t *testing.T) {
	var deep any = true
	for range 100_000 {
		deep = map[string]any{"!": []any{deep}}
	}
	quickly(t, func() {
		_, err := certlogic.Compile(deep, certlogic.Limits{})
		wantLimit(t, err, "MaxDepth", certlogic.DefaultLimits().MaxDepth)
	})
	var nested any = 1.0
	for range 10 {
		nested = []any{nested}
	}
	_, err := certlogic.Compile(nested, certlogic.Limits{MaxDepth: 10})
	wantLimit(t, err, "MaxDepth", 10)
	if _, err := certlogic.Compile(nested, certlogic.Limits{MaxDepth: 11}); err != nil {
		t.Errorf("depth 11 within MaxDepth 11: %v", err)
	}
}

func TestLimitNodes(t *testing.T) {
	huge := make([]any, 100_000)
	for i := range huge {
		huge[i] = map[string]any{"var": "a"}
	}
	quickly(t, func() {
		_, err := certlogic.Compile(map[string]any{"in": []any{"x", huge}}, certlogic.Limits{})
		wantLimit(t, err, "MaxNodes", certlogic.DefaultLimits().MaxNodes)
	})
	// "+", its two operands: three nodes.
	plus := parse(t, `{"+": [1, 2]}`)
	_, err := certlogic.Compile(plus, certlogic.Limits{MaxNodes: 2})
	wantLimit(t, err, "MaxNodes", 2)
	if _, err := certlogic.Compile(plus, certlogic.Limits{MaxNodes: 3}); err != nil {
		t.Error(err)
	}
}

// TestLimitReduceBomb: a reduce within a reduce over ten thousand items,
// 10^8 operations, stops at MaxSteps in a moment.
func TestLimitReduceBomb(t *testing.T) {
	inner := make([]any, 10_000)
	for i := range inner {
		inner[i] = 1.0
	}
	outer := make([]any, 10_000)
	for i := range outer {
		outer[i] = inner
	}
	bomb := parse(t, `{"reduce": [{"var": "xs"},
		{"reduce": [{"var": "current"}, {"+": [{"var": "accumulator"}, {"var": "current"}]}, {"var": "accumulator"}]},
		0]}`)
	e, err := certlogic.Compile(bomb, certlogic.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	quickly(t, func() {
		_, err := e.Eval(map[string]any{"xs": outer})
		wantLimit(t, err, "MaxSteps", certlogic.DefaultLimits().MaxSteps)
	})
	// Without a step limit a small one runs to the end.
	e, err = certlogic.Compile(bomb, certlogic.Limits{MaxSteps: -1})
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.Eval(map[string]any{"xs": outer[:100]})
	if err != nil || v != 1e6 {
		t.Errorf("unlimited: %v, %v; want 1e6", v, err)
	}
}

// TestLimitScans: steps that read much of the data count what they read.
// Each bomb folds ten thousand items with one operation an item that
// searches a 10^4-item array or reads a megabyte string: 10^8 units of work
// in 10^5 operations, stopped at MaxSteps.
func TestLimitScans(t *testing.T) {
	items := make([]any, 10_000)
	for i := range items {
		items[i] = float64(i)
	}
	long := strings.Repeat("0", 1<<20)
	for _, c := range []struct {
		name, lambda string
		data         map[string]any
	}{
		{"in", `{"if": [{"in": [-1, {"var": "accumulator"}]}, 0, {"var": "accumulator"}]}`, map[string]any{"xs": items}},
		{"in a literal", `{"if": [{"in": [{"var": "current"}, [` + strings.Repeat("1, true, ", 2000) + `1]]}, 0, {"var": "accumulator"}]}`, map[string]any{"xs": items}},
		{"length", `{"if": [{"var": "accumulator.length"}, {"var": "accumulator"}, 0]}`, map[string]any{"xs": long}},
		{"extractFromUVCI", `{"if": [{"extractFromUVCI": [{"var": "accumulator"}, 9]}, 0, {"var": "accumulator"}]}`, map[string]any{"xs": long}},
	} {
		t.Run(c.name, func(t *testing.T) {
			expr := parse(t, `{"reduce": [{"var": "items"}, `+c.lambda+`, {"var": "xs"}]}`)
			e, err := certlogic.Compile(expr, certlogic.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			c.data["items"] = items
			quickly(t, func() {
				_, err := e.Eval(c.data)
				wantLimit(t, err, "MaxSteps", certlogic.DefaultLimits().MaxSteps)
			})
		})
	}
}

func TestLimitReduce(t *testing.T) {
	e, err := certlogic.Compile(parse(t, `{"reduce": [{"var": ""}, {"var": "current"}, 0]}`), certlogic.Limits{MaxReduce: 3})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := e.Eval([]any{1.0, 2.0, 3.0}); err != nil || v != 3.0 {
		t.Errorf("3 items: %v, %v", v, err)
	}
	_, err = e.Eval([]any{1.0, 2.0, 3.0, 4.0})
	wantLimit(t, err, "MaxReduce", 3)
}

// TestLimitSteps: every operation and array item counts one.
func TestLimitSteps(t *testing.T) {
	expr := parse(t, `{"and": [true, [1, 2], {"var": "x"}]}`) // and, true, array, 1, 2, var: six
	e, _ := certlogic.Compile(expr, certlogic.Limits{MaxSteps: 6})
	if _, err := e.Eval(nil); err != nil {
		t.Errorf("six steps within MaxSteps 6: %v", err)
	}
	e, _ = certlogic.Compile(expr, certlogic.Limits{MaxSteps: 5})
	_, err := e.Eval(nil)
	wantLimit(t, err, "MaxSteps", 5)
}

// TestDefaultLimits: the defaults leave the EU rules a wide margin (the
// largest compiles in TestBusinessRules).
func TestDefaultLimits(t *testing.T) {
	d := certlogic.DefaultLimits()
	if d.MaxDepth < 20 || d.MaxNodes < 300 || d.MaxReduce < 100 || d.MaxSteps < 10_000 {
		t.Errorf("DefaultLimits %+v too tight for the EU's rules", d)
	}
}
