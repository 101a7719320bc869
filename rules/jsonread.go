package rules

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A reader of JSON into the values encoding/json gives an any (nil, bool,
// float64, string, []any, map[string]any), in one pass. A kiosk parses
// every rule of a bundle when the bundle arrives; encoding/json, which
// scans a value once to check it and again to decode it, and once more for
// each nested Unmarshal, takes several times as long. The fuzz test holds
// this reader to encoding/json: the same values, and an error for the same
// inputs.

// maxDepth is encoding/json's limit of nesting.
const maxDepth = 10000

type reader struct {
	b     []byte
	i     int
	depth int
	// strs interns short strings: rules repeat their keys and paths
	// ("var", "payload.v.0") hundreds of times.
	strs map[string]string
	// stack holds the elements of the arrays being read, so that each
	// array is allocated once, at its size.
	stack []any
}

// maxIntern is the longest string interned.
const maxIntern = 16

func (r *reader) intern(b []byte) string {
	if len(b) > maxIntern {
		return string(b)
	}
	if s, ok := r.strs[string(b)]; ok {
		return s
	}
	if r.strs == nil {
		r.strs = make(map[string]string, 256)
	}
	s := string(b)
	r.strs[s] = s
	return s
}

// readJSON reads one JSON value that is all of b but white space.
func readJSON(b []byte) (any, error) {
	r := &reader{b: b}
	v, err := r.value()
	if err != nil {
		return nil, err
	}
	return v, r.end()
}

// end checks that only white space follows the value read.
func (r *reader) end() error {
	if r.space(); r.i < len(r.b) {
		return r.errorf("after top-level value")
	}
	return nil
}

// at reports whether the next byte but white space is c.
func (r *reader) at(c byte) bool {
	r.space()
	return r.i < len(r.b) && r.b[r.i] == c
}

// rawObject reads an object at its '{' (of about size members), with the
// bytes of the value of its member key.
func (r *reader) rawObject(key string, size int) (m map[string]any, raw []byte, err error) {
	r.i++
	m = make(map[string]any, size)
	err = r.members(func(k string) error {
		r.space()
		start := r.i
		v, err := r.value()
		if m[k] = v; k == key {
			raw = r.b[start:r.i]
		}
		return err
	})
	return m, raw, err
}

func (r *reader) errorf(what string) error {
	if r.i >= len(r.b) {
		return fmt.Errorf("unexpected end of JSON input")
	}
	return fmt.Errorf("invalid character %q %s (offset %d)", r.b[r.i], what, r.i)
}

func (r *reader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *reader) value() (any, error) {
	if r.space(); r.i >= len(r.b) {
		return nil, r.errorf("")
	}
	switch c := r.b[r.i]; {
	case c == '{':
		r.i++
		m := map[string]any{}
		err := r.members(func(k string) error {
			v, err := r.value()
			m[k] = v
			return err
		})
		return m, err
	case c == '[':
		r.i++
		return r.array()
	case c == '"':
		return r.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return r.number()
	}
	for _, lit := range [...]struct {
		s string
		v any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if len(r.b)-r.i >= len(lit.s) && string(r.b[r.i:r.i+len(lit.s)]) == lit.s {
			r.i += len(lit.s)
			return lit.v, nil
		}
	}
	// Say which byte is wrong: the first that leaves the literal.
	for _, lit := range [...]string{"true", "false", "null"} {
		if r.b[r.i] == lit[0] {
			for k := 1; k < len(lit); k++ {
				if r.i+k >= len(r.b) || r.b[r.i+k] != lit[k] {
					r.i += k
					return nil, r.errorf("in literal " + lit)
				}
			}
		}
	}
	return nil, r.errorf("looking for beginning of value")
}

func (r *reader) enter() error {
	if r.depth++; r.depth > maxDepth {
		return fmt.Errorf("exceeded max depth of %d", maxDepth)
	}
	return nil
}

// members reads the members of an object after its '{', calling member
// with the reader at each value.
func (r *reader) members(member func(key string) error) error {
	if err := r.enter(); err != nil {
		return err
	}
	defer func() { r.depth-- }()
	if r.space(); r.i < len(r.b) && r.b[r.i] == '}' {
		r.i++
		return nil
	}
	for {
		if r.space(); r.i >= len(r.b) || r.b[r.i] != '"' {
			return r.errorf("looking for beginning of object key string")
		}
		k, err := r.str()
		if err != nil {
			return err
		}
		if r.space(); r.i >= len(r.b) || r.b[r.i] != ':' {
			return r.errorf("after object key")
		}
		r.i++
		if err := member(k); err != nil {
			return err
		}
		if end, err := r.separator('}', "after object key:value pair"); end || err != nil {
			return err
		}
	}
}

func (r *reader) array() (any, error) {
	base := len(r.stack)
	err := r.elements(func(int) error {
		v, err := r.value()
		r.stack = append(r.stack, v)
		return err
	})
	out := make([]any, len(r.stack)-base)
	copy(out, r.stack[base:])
	clear(r.stack[base:])
	r.stack = r.stack[:base]
	if err != nil {
		return nil, err
	}
	return out, nil
}

// elements reads the elements of an array after its '[', calling element
// with the reader at each.
func (r *reader) elements(element func(i int) error) error {
	if err := r.enter(); err != nil {
		return err
	}
	defer func() { r.depth-- }()
	if r.at(']') {
		r.i++
		return nil
	}
	for i := 0; ; i++ {
		r.space()
		if err := element(i); err != nil {
			return err
		}
		if end, err := r.separator(']', "after array element"); end || err != nil {
			return err
		}
	}
}

// separator reads what follows an object member or an array element: ','
// (more follow) or close (the end); after names the place in an error.
func (r *reader) separator(close byte, after string) (end bool, err error) {
	if r.space(); r.i >= len(r.b) {
		return false, r.errorf("")
	}
	switch r.b[r.i] {
	case ',':
		r.i++
		return false, nil
	case close:
		r.i++
		return true, nil
	}
	return false, r.errorf(after)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number reads a number of JSON's grammar as a float64.
func (r *reader) number() (any, error) {
	start := r.i
	digits := func() bool {
		k := r.i
		for r.i < len(r.b) && isDigit(r.b[r.i]) {
			r.i++
		}
		return r.i > k
	}
	if r.b[r.i] == '-' {
		r.i++
	}
	switch {
	case r.i < len(r.b) && r.b[r.i] == '0':
		r.i++
	case !digits():
		return nil, r.errorf("in numeric literal")
	}
	if r.i < len(r.b) && r.b[r.i] == '.' {
		r.i++
		if !digits() {
			return nil, r.errorf("after decimal point in numeric literal")
		}
	}
	if r.i < len(r.b) && (r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		r.i++
		if r.i < len(r.b) && (r.b[r.i] == '+' || r.b[r.i] == '-') {
			r.i++
		}
		if !digits() {
			return nil, r.errorf("in exponent of numeric literal")
		}
	}
	f, err := strconv.ParseFloat(string(r.b[start:r.i]), 64)
	if err != nil {
		return nil, fmt.Errorf("number %s out of the range of a float64", r.b[start:r.i])
	}
	return f, nil
}

// str reads a string at its opening quote: ASCII without escapes as it
// is, else as encoding/json decodes it (bad UTF-8 and lone surrogates as
// U+FFFD).
func (r *reader) str() (string, error) {
	r.i++
	start := r.i
	for r.i < len(r.b) {
		switch c := r.b[r.i]; {
		case c == '"':
			s := r.intern(r.b[start:r.i])
			r.i++
			return s, nil
		case c >= utf8.RuneSelf:
			return r.utf8Str(start)
		case c == '\\':
			return r.slowStr(start)
		case c < ' ':
			return "", r.errorf("in string literal")
		}
		r.i++
	}
	return "", r.errorf("")
}

// utf8Str reads on from the first non-ASCII byte of a string: without
// escapes and valid UTF-8 (a description in German or Korean), it is
// taken as it is.
func (r *reader) utf8Str(start int) (string, error) {
	for i := r.i; i < len(r.b); i++ {
		switch c := r.b[i]; {
		case c == '"':
			if !utf8.Valid(r.b[start:i]) {
				return r.slowStr(start)
			}
			s := string(r.b[start:i])
			r.i = i + 1
			return s, nil
		case c == '\\' || c < ' ':
			return r.slowStr(start)
		}
	}
	return r.slowStr(start)
}

func (r *reader) slowStr(start int) (string, error) {
	out := append(make([]byte, 0, r.i-start+16), r.b[start:r.i]...)
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return string(out), nil
		case c < ' ':
			return "", r.errorf("in string literal")
		case c >= utf8.RuneSelf:
			ru, n := utf8.DecodeRune(r.b[r.i:])
			out = utf8.AppendRune(out, ru) // RuneError for a bad byte, as encoding/json
			r.i += n
		case c != '\\':
			out = append(out, c)
			r.i++
		default:
			r.i++
			if r.i >= len(r.b) {
				return "", r.errorf("")
			}
			switch e := r.b[r.i]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				ru, ok := r.hex4(r.i + 1)
				if !ok {
					return "", r.errorf("in \\u hexadecimal character escape")
				}
				r.i += 4
				if utf16.IsSurrogate(ru) {
					if lo, ok := r.hex4(r.i + 3); ok && r.b[r.i+1] == '\\' && r.b[r.i+2] == 'u' {
						if d := utf16.DecodeRune(ru, lo); d != utf8.RuneError {
							out = utf8.AppendRune(out, d)
							r.i += 7
							continue
						}
					}
					ru = utf8.RuneError
				}
				out = utf8.AppendRune(out, ru)
			default:
				return "", r.errorf("in string escape code")
			}
			r.i++
		}
	}
	return "", r.errorf("")
}

// hex4 reads four hexadecimal digits at i.
func (r *reader) hex4(i int) (rune, bool) {
	if i+4 > len(r.b) {
		return 0, false
	}
	var v rune
	for _, c := range r.b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | rune(c)
	}
	return v, true
}

// elementSpans splits the array after its '[' into the bytes of its
// elements, without reading them: each is read (and so checked) on its
// own, possibly in parallel. A span is only where an element must lie;
// reading it finds what is wrong inside.
func (r *reader) elementSpans() ([][]byte, error) {
	if err := r.enter(); err != nil {
		return nil, err
	}
	defer func() { r.depth-- }()
	var spans [][]byte
	if r.at(']') {
		r.i++
		return spans, nil
	}
	for {
		r.space()
		start := r.i
		if err := r.skip(); err != nil {
			return nil, err
		}
		spans = append(spans, r.b[start:r.i])
		if r.space(); r.i >= len(r.b) {
			return nil, r.errorf("")
		}
		switch r.b[r.i] {
		case ',':
			r.i++
		case ']':
			r.i++
			return spans, nil
		default:
			return nil, r.errorf("after array element")
		}
	}
}

// skip moves past one value: a string to its closing quote, an object or
// array to its closing bracket (counting brackets of both kinds, outside
// strings), anything else to the next delimiter.
func (r *reader) skip() error {
	start, depth := r.i, 0
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			for r.i++; r.i < len(r.b) && r.b[r.i] != '"'; r.i++ {
				if r.b[r.i] == '\\' {
					r.i++
				}
			}
			if r.i >= len(r.b) {
				return r.errorf("")
			}
			r.i++
		case c == '{' || c == '[':
			if depth++; r.depth+depth > maxDepth {
				return fmt.Errorf("exceeded max depth of %d", maxDepth)
			}
			r.i++
		case c == '}' || c == ']':
			if depth == 0 {
				if r.i == start {
					return r.errorf("looking for beginning of value")
				}
				return nil
			}
			depth--
			r.i++
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			if r.i == start {
				return r.errorf("looking for beginning of value")
			}
			return nil
		default:
			r.i++
		}
		if depth == 0 && (c == '"' || c == '}' || c == ']') {
			return nil
		}
	}
	if depth > 0 || r.i == start {
		return r.errorf("")
	}
	return nil
}
