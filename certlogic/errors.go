package certlogic

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by Compile's error when the expression is not valid
// CertLogic; errors.As with an *Issue target gives the first issue.
var ErrInvalid = errors.New("certlogic: invalid expression")

// ErrLimit is wrapped by the error of Compile or Eval when an expression
// breaks one of its Limits; errors.As with a *LimitError names the limit.
var ErrLimit = errors.New("certlogic: limit exceeded")

// ErrEval is wrapped by every evaluation error of a valid expression (a
// type mismatch found only on the data, such as plusTime on a number);
// errors.As with an *EvalError names the operation. By the specification a
// rule whose evaluation fails is not passed.
var ErrEval = errors.New("certlogic: evaluation failed")

// EvalError is an evaluation error: the operation and what was wrong.
type EvalError struct {
	Op     string // the operation, e.g. "plusTime"
	Reason string // e.g. "operand 1 is not a string: 42"
}

func (e *EvalError) Error() string { return "certlogic: " + e.Op + ": " + e.Reason }

// Unwrap makes errors.Is(err, ErrEval) hold.
func (e *EvalError) Unwrap() error { return ErrEval }

func evalErr(op, format string, args ...any) error {
	return &EvalError{Op: op, Reason: fmt.Sprintf(format, args...)}
}

// LimitError is a breach of one of Limits.
type LimitError struct {
	Limit string // the field of Limits: "MaxDepth", "MaxNodes", "MaxReduce" or "MaxSteps"
	Value int    // the limit's value
	what  string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("certlogic: %s: limit %s=%d exceeded", e.what, e.Limit, e.Value)
}

// Unwrap makes errors.Is(err, ErrLimit) hold.
func (e *LimitError) Unwrap() error { return ErrLimit }
