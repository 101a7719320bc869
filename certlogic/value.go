package certlogic

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Truthy reports whether v is truthy in CertLogic: true, a non-empty string,
// a non-zero number, a non-empty array or object. Truthy and Falsy are
// disjoint, and some values (a date-time, say) are neither.
func Truthy(v any) bool { return boolsiness(v) == truthy }

// Falsy reports whether v is falsy in CertLogic: false, null, "", 0, [] or
// {}.
func Falsy(v any) bool { return boolsiness(v) == falsy }

const (
	neither = iota
	truthy
	falsy
)

// boolsiness is certlogic-js's: a number is truthy when it is not 0, even
// when it is not an integer; an object with a "toString" key is neither,
// because certlogic-js throws calling it.
func boolsiness(v any) int {
	b := func(t bool) int {
		if t {
			return truthy
		}
		return falsy
	}
	switch x := v.(type) {
	case nil:
		return falsy
	case bool:
		return b(x)
	case string:
		return b(x != "")
	case float64:
		return b(x != 0)
	case []any:
		return b(len(x) > 0)
	case map[string]any:
		if _, ok := x["toString"]; ok {
			return neither
		}
		return b(len(x) > 0)
	}
	return neither
}

// isInt is JavaScript's Number.isInteger.
func isInt(v any) bool {
	f, ok := v.(float64)
	return ok && isIntFloat(f)
}

func isIntFloat(f float64) bool { return !math.IsInf(f, 0) && f == math.Trunc(f) }

// strictEqual is JavaScript's ===: primitives by value, anything else
// (arrays, objects, date-times) by reference.
func strictEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	}
	return sameRef(a, b)
}

// sameRef reports whether a and b hold the same JavaScript object. An array,
// object or date-time is boxed into an any once, where it is made (by
// encoding/json, an array literal, plusTime); every copy of that any
// carries the same type and data words, and two boxes alive at once never
// share a data word. So the words of the interface are the object's
// identity, as a reference is in JavaScript, without comparing contents
// (which == would do for a Time, and panic on for a slice or map).
func sameRef(a, b any) bool {
	wa := (*[2]unsafe.Pointer)(unsafe.Pointer(&a))
	wb := (*[2]unsafe.Pointer)(unsafe.Pointer(&b))
	return wa[0] == wb[0] && wa[1] == wb[1]
}

// jsNumber formats f as JavaScript's Number.prototype.toString does.
func jsNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX, shortest round trip
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	n, k := x+1, len(digits) // the point is after n digits
	var s string
	switch {
	case k <= n && n <= 21:
		s = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		s = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		s = "0." + strings.Repeat("0", -n) + digits
	default:
		es := "+"
		if n-1 < 0 {
			es = "-"
		}
		s = digits[:1]
		if k > 1 {
			s += "." + digits[1:]
		}
		s += "e" + es + strconv.Itoa(abs(n-1))
	}
	return sign + s
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// jsString is JavaScript's String(v) for a JSON value, as the validator's
// messages interpolate operands.
func jsString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return jsNumber(x)
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, it := range x {
			if it != nil {
				parts[i] = jsString(it)
			}
		}
		return strings.Join(parts, ",")
	case map[string]any:
		return "[object Object]"
	case Time:
		return x.String()
	}
	return fmt.Sprint(v)
}

// describe names a value in an error message. Strings of the data context
// can be a holder's name or date of birth, which must not reach a log: a
// string is shown by its shape, digits as 0 and letters as a.
func describe(v any) string {
	switch x := v.(type) {
	case nil, bool, float64:
		return jsString(x)
	case string:
		return fmt.Sprintf("a string shaped %q", shape(x))
	case Time:
		return "a date-time"
	case []any:
		return fmt.Sprintf("an array of %d items", len(x))
	case map[string]any:
		return fmt.Sprintf("an object of %d keys", len(x))
	}
	return fmt.Sprintf("a value of Go type %T", v)
}

func shape(s string) string {
	const max = 40
	var b strings.Builder
	for i, r := range s {
		if i >= max {
			b.WriteString("…")
			break
		}
		switch {
		case r >= '0' && r <= '9':
			r = '0'
		case unicode.IsUpper(r):
			r = 'A'
		case unicode.IsLetter(r):
			r = 'a'
		case r >= utf8.RuneSelf, unicode.IsControl(r):
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}
