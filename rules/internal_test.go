package rules

// The two hand-written parts the package leans on for speed, held to what
// they replace: the schema's patterns to Go's regexp, the JSON reader to
// encoding/json.

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var patterns = []pattern{identifierPattern, countryPattern, regionPattern, semverPattern, langPattern, timePattern}

var patternSamples = []string{
	"", "VR-DE-0001", "IR-EU-9999", "GR-AT-000", "VR-de-0001", "XR-DE-0001", "VR-DE-00011", "VR_DE-0001", "VR-DE-0001\n",
	"DE", "D", "DEU", "de", "A1", "BW", "ABCDE", "ABCDEF", "abc", "0", "1.0.0", "10.20.30", "1.0", "1..0", ".1.0", "1.0.0.", "1.0.0-rc",
	"01.0.0", "en", "de-at", "de-AT", "e", "eng", "de_at", "2021-07-03T00:00:00Z", "2021-07-03T00:00:00+01:00",
	"2021-07-03T00:00:00-23:59", "2021-07-03T00:00:00.000Z", "2021-07-03T00:00:00z", "2021-07-03", "2021-19-39T29:59:59Z",
	"2021-07-03T00:00:00+0100", "2021-07-03T00:00:00+01:60", "2021-07-03T00:00:00+31:00", "2021-07-03 00:00:00Z",
	"١٢٣٤-07-03T00:00:00Z", "VR-DE-١٢٣٤", "2021-07-03T00:00:00+01:00Z",
}

func checkPattern(t *testing.T, p pattern, s string) {
	t.Helper()
	if want := regexp.MustCompile(p.expr).MatchString(s); p.match(s) != want {
		t.Errorf("%s on %q: %v, regexp says %v", p, s, p.match(s), want)
	}
}

func TestPatterns(t *testing.T) {
	for _, p := range patterns {
		for _, s := range patternSamples {
			checkPattern(t, p, s)
		}
	}
}

func FuzzPatterns(f *testing.F) {
	for _, s := range patternSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range patterns {
			checkPattern(t, p, s)
		}
	})
}

var jsonSamples = []string{
	`null`, `true`, `false`, `0`, `-0`, `1.5e3`, `-12.25E-2`, `1e400`, `01`, `1.`, `.5`, `-`, `+1`, `1e`, `1e+`, `0x10`,
	`""`, `"a"`, `"\u00e9\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\udc00\ud83d\ude00"`, `"\x"`, `"\u12"`,
	"\"\xff\xfe\"", "\"é\"", "\"é\\n\"", "\"é\xff\"", "\"한국어 설명\"", "\"é\x01\"", "\"é", "\"a\tb\"", `"a\/b\"\\\b\f\n\r\t"`, `[]`, `[1,2,[3,[]]]`, `[1,]`, `[,1]`, `[1 2]`, `{}`,
	`{"a":1,"a":2}`, `{"a":{"b":[{"c":null}]}}`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `{"a":1}x`, ` {"a" : [ true , false ] } `,
	`tru`, `nul`, `falsey`, "\xef\xbb\xbf{}", `[` + strings.Repeat(`"var",`, 40) + `1]`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat("[", 100) + strings.Repeat("]", 100), `[1,"a\"]",{"b":[2,{}]},[]]`, `["\\"]`, `[1 ]`, `[ 1, 2 ]`, `[1}`, `[{]}`,
	`[{"a":1}{"b":2}]`, `["a""b"]`, `[1"a"]`, `[[]1]`, `["a`, `[1,`, `[`, `[[`, `[]]`,
}

func checkReader(t *testing.T, b []byte) {
	t.Helper()
	var want any
	wantErr := json.Unmarshal(b, &want)
	got, err := readJSON(b)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%q: error %v, encoding/json's %v", b, err, wantErr)
	}
	// cmp.Diff only on a difference: it takes exponential time on
	// deep nesting.
	if err == nil && !reflect.DeepEqual(want, got) {
		t.Fatalf("%q (-encoding/json +reader):\n%s", b, cmp.Diff(want, got))
	}
	// An array split by elementSpans and read element by element, as
	// arrays of rules are, reads as the whole does.
	if r := (&reader{b: b}); r.at('[') {
		r.i++
		spans, err := r.elementSpans()
		if err == nil {
			err = r.end()
		}
		elems := []any{}
		for _, sp := range spans {
			if err != nil {
				break
			}
			e := &reader{b: sp, depth: 1}
			var v any
			if v, err = e.value(); err == nil {
				err = e.end()
			}
			elems = append(elems, v)
		}
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q split: error %v, encoding/json's %v", b, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(want, any(elems)) {
			t.Fatalf("%q split (-encoding/json +reader):\n%s", b, cmp.Diff(want, any(elems)))
		}
	}
	// An object read with the bytes of a member gives the same values,
	// and the bytes read again give the member's value.
	r := &reader{b: b}
	if wantErr != nil || !r.at('{') {
		return
	}
	m, _, _ := r.rawObject("", 0)
	for k := range m {
		r := &reader{b: b}
		r.at('{')
		m, raw, err := r.rawObject(k, 0)
		if err == nil {
			err = r.end()
		}
		if err != nil || !reflect.DeepEqual(want, any(m)) {
			t.Fatalf("%q: rawObject %v (-encoding/json +reader):\n%s", b, err, cmp.Diff(want, any(m)))
		}
		if v, err := readJSON(raw); err != nil || !reflect.DeepEqual(v, m[k]) {
			t.Fatalf("%q: member %q's bytes %q read as %v, %v", b, k, raw, v, err)
		}
	}
}

func TestReader(t *testing.T) {
	for _, s := range jsonSamples {
		checkReader(t, []byte(s))
	}
}

func FuzzReader(f *testing.F) {
	for _, s := range jsonSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkReader(t, b) })
}
