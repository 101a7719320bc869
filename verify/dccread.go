package verify

import (
	"fmt"
	"math"
)

// dccFromJSON reads the typed DCC from its JSON-model form, checking the
// type of every field it takes. Unknown fields are ignored (the schema check
// judges them); a field of the wrong type is an error naming it.
func dccFromJSON(doc any) (*DCC, error) {
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("DCC is %T, want an object", doc)
	}
	r := reader{}
	d := &DCC{Version: r.str(m, "ver"), DateOfBirth: r.str(m, "dob")}
	if nam := r.obj(m, "nam"); nam != nil {
		d.Name = Name{FamilyName: r.str(nam, "fn"), FamilyNameStd: r.str(nam, "fnt"),
			GivenName: r.str(nam, "gn"), GivenNameStd: r.str(nam, "gnt")}
	}
	for _, e := range r.arr(m, "v") {
		d.V = append(d.V, Vaccination{Target: r.str(e, "tg"), Prophylaxis: r.str(e, "vp"),
			Product: r.str(e, "mp"), Manufacturer: r.str(e, "ma"), DoseNumber: r.num(e, "dn"),
			TotalDoses: r.num(e, "sd"), Date: r.str(e, "dt"), Country: r.str(e, "co"),
			Issuer: r.str(e, "is"), CertificateID: r.str(e, "ci")})
	}
	for _, e := range r.arr(m, "t") {
		d.T = append(d.T, Test{Target: r.str(e, "tg"), Type: r.str(e, "tt"), Name: r.str(e, "nm"),
			Device: r.str(e, "ma"), SampleTime: r.str(e, "sc"), ResultTime: r.str(e, "dr"),
			Result: r.str(e, "tr"), Centre: r.str(e, "tc"), Country: r.str(e, "co"),
			Issuer: r.str(e, "is"), CertificateID: r.str(e, "ci")})
	}
	for _, e := range r.arr(m, "r") {
		d.R = append(d.R, Recovery{Target: r.str(e, "tg"), FirstPositive: r.str(e, "fr"),
			Country: r.str(e, "co"), Issuer: r.str(e, "is"), ValidFrom: r.str(e, "df"),
			ValidUntil: r.str(e, "du"), CertificateID: r.str(e, "ci")})
	}
	if r.err != nil {
		return nil, r.err
	}
	return d, nil
}

// reader keeps the first type error, so field reads stay one-liners.
type reader struct{ err error }

func (r *reader) fail(key string, v any, want string) {
	if r.err == nil {
		r.err = fmt.Errorf("%s is %T, want %s", key, v, want)
	}
}

func (r *reader) str(m map[string]any, key string) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		r.fail(key, v, "a string")
	}
	return s
}

func (r *reader) num(m map[string]any, key string) Int {
	v, ok := m[key]
	if !ok {
		return 0
	}
	switch n := v.(type) {
	case uint64:
		if n <= math.MaxInt32 {
			return Int(n)
		}
	case int64:
		if n >= math.MinInt32 && n <= math.MaxInt32 {
			return Int(n)
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) <= math.MaxInt32 {
			return Int(n)
		}
	}
	r.fail(key, v, "an integer")
	return 0
}

func (r *reader) obj(m map[string]any, key string) map[string]any {
	v, ok := m[key]
	if !ok {
		return nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		r.fail(key, v, "an object")
	}
	return o
}

func (r *reader) arr(m map[string]any, key string) []map[string]any {
	v, ok := m[key]
	if !ok {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		r.fail(key, v, "an array")
		return nil
	}
	out := make([]map[string]any, 0, len(a))
	for _, e := range a {
		o, ok := e.(map[string]any)
		if !ok {
			r.fail(key+"[]", e, "an object")
			return nil
		}
		out = append(out, o)
	}
	return out
}
