package certlogic

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// path is a compiled var path. certlogic-js looks each fragment up as
// acc[parseInt(fragment, 10)] when that is a number, else acc[fragment]:
// "01" finds item 1 of an array and key "1" of an object, "length" is the
// length of an array or string, and a string's items are its UTF-16 code
// units. Properties that JavaScript objects inherit are not emulated.
type path []fragment

type fragment struct {
	key   string // the key an object is looked up by: ToString(parseInt) or the fragment
	index int    // the array or string index, -1 when there is none
	num   bool   // parseInt gave a number
}

func compilePath(p string) path {
	if p == "" {
		return nil
	}
	var out path
	for f := range strings.SplitSeq(p, ".") {
		fr := fragment{key: f, index: -1}
		if n, ok := parseInt(f); ok {
			fr.num, fr.key = true, jsNumber(n)
			if n >= 0 && n < math.MaxInt32 {
				fr.index = int(n)
			}
		}
		out = append(out, fr)
	}
	return out
}

// parseInt is JavaScript's parseInt(s, 10): leading white space, a sign,
// the longest run of decimal digits; false for NaN.
func parseInt(s string) (float64, bool) {
	s = strings.TrimLeftFunc(s, isJSSpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n == 0 {
		return 0, false
	}
	f, _ := strconv.ParseFloat(s[:n], 64) // ±Inf on overflow, as JavaScript
	if neg {
		f = -f
	}
	return f, true
}

// isJSSpace is ECMAScript's StrWhiteSpaceChar: WhiteSpace or LineTerminator.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// get is the value at p in data, null where anything on the way is
// missing, and how many bytes of strings it read.
func (p path) get(data any) (v any, read int) {
	cur := data
	for i := range p {
		f := &p[i]
		switch x := cur.(type) {
		case nil:
			return nil, read
		case map[string]any:
			cur = x[f.key] // a missing key is nil, null
		case []any:
			switch {
			case f.index >= 0 && f.index < len(x):
				cur = x[f.index]
			case !f.num && f.key == "length":
				cur = float64(len(x))
			default:
				return nil, read
			}
		case string:
			read += len(x)
			switch {
			case f.index >= 0:
				u, ok := codeUnit(x, f.index)
				if !ok {
					return nil, read
				}
				cur = u
			case !f.num && f.key == "length":
				cur = float64(utf16Len(x))
			default:
				return nil, read
			}
		case *frame:
			switch f.key {
			case "accumulator":
				cur = x.acc
			case "current":
				cur = x.cur
			default:
				return nil, read
			}
		default:
			return nil, read
		}
	}
	if fr, ok := cur.(*frame); ok {
		return fr.object(), read
	}
	return cur, read
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// codeUnit is s[i] in JavaScript: the i-th UTF-16 code unit, as a string;
// half of a surrogate pair becomes U+FFFD.
func codeUnit(s string, i int) (string, bool) {
	at := 0
	for j, r := range s {
		w := utf16.RuneLen(r)
		if i < at+w {
			if w == 2 {
				return "\uFFFD", true
			}
			if r == utf8.RuneError {
				return "\uFFFD", true
			}
			return s[j : j+utf8.RuneLen(r)], true
		}
		at += w
	}
	return "", false
}
