// Package certlogic evaluates and validates CertLogic expressions
// (specification 1.3.3), the JsonLogic subset in which the EU DCC business
// rules are written. It follows certlogic-js 1.2.2, the reference
// implementation, wherever the specification leaves something open:
// truthiness, === on non-primitive values, var on strings and arrays,
// date-time parsing and arithmetic (as JavaScript's Date does it), and the
// wording of validation issues.
//
// Use Compile once per rule and Eval per pass: a compiled Expr is
// immutable and safe for concurrent use. Compile validates the expression
// (Validate gives every issue, as certlogic-js's validator words them) and
// holds it to Limits, so a hostile rule from a trust bundle can neither hang
// nor exhaust a small kiosk; Eval counts the operations it evaluates and
// stops at Limits.MaxSteps.
//
// Values are JSON values as encoding/json decodes them into an any (nil,
// bool, float64, string, []any, map[string]any), plus Time for the
// date-times that plusTime and dccDateOfBirth make. Data of other Go types
// is opaque: it is neither truthy nor falsy and var cannot look into it.
//
// The package is pure: no I/O, no clock (rules read the validation clock
// from the data context), no global state. It must not import anything of
// passgate.
//
// # Where it differs from certlogic-js
//
//   - A date string that is in an allowed format but is not a date
//     ("2021-13-01", "2021-01-01T25:00:00"), and arithmetic that leaves the
//     range of a JavaScript Date, are evaluation errors; certlogic-js makes
//     an Invalid Date that compares false. The specification leaves both
//     undefined, and an error fails the rule either way.
//   - var finds the own keys of objects, array items, and the length and
//     UTF-16 code units of strings and arrays, as JavaScript does, but not
//     the properties JavaScript objects inherit (toString, constructor,
//     __proto__, ...): those are null. A lone UTF-16 surrogate taken out of
//     a string becomes U+FFFD.
//   - Error messages are this package's own and never quote strings of the
//     data context (a holder's name or date of birth): a string is shown by
//     its shape only ("0000-00-00").
package certlogic
