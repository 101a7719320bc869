package rules

import (
	"fmt"
	"maps"
	"slices"
)

// ValueSet is one EU value set (ehn-dcc-development/eu-dcc-valuesets):
// the codes a DCC field may hold, with their names. It marshals to the EU
// file form {valueSetId, valueSetDate, valueSetValues}.
type ValueSet struct {
	ID     string // e.g. "vaccines-covid-19-names"
	Date   string // e.g. "2021-04-27"; "" when read from the codes-only form
	Values map[string]ValueSetValue
}

// ValueSetValue is one code of a value set.
type ValueSetValue struct {
	Display string // "Comirnaty"; "" when read from the codes-only form
	Lang    string
	Active  bool
	System  string
	Version string
}

// Display returns the name of code, and whether the set holds the code.
func (v *ValueSet) Display(code string) (string, bool) {
	val, ok := v.Values[code]
	return val.Display, ok
}

// Codes returns the set's codes, sorted: what rules see of it in
// external.valueSets.
func (v *ValueSet) Codes() []string {
	return slices.Sorted(maps.Keys(v.Values))
}

// wireValueSet is the EU file form, for Marshal.
type wireValueSet struct {
	ID     string                  `json:"valueSetId"`
	Date   string                  `json:"valueSetDate"`
	Values map[string]wireSetValue `json:"valueSetValues"`
}

type wireSetValue struct {
	Display string `json:"display"`
	Lang    string `json:"lang"`
	Active  bool   `json:"active"`
	System  string `json:"system"`
	Version string `json:"version"`
}

// MarshalJSON writes the EU file form.
func (v ValueSet) MarshalJSON() ([]byte, error) {
	w := wireValueSet{ID: v.ID, Date: v.Date, Values: make(map[string]wireSetValue, len(v.Values))}
	for code, val := range v.Values {
		w.Values[code] = wireSetValue(val)
	}
	return marshal(w)
}

// UnmarshalJSON reads the EU file form of one value set.
func (v *ValueSet) UnmarshalJSON(data []byte) error {
	doc, err := readJSON(data)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidValueSet, err)
	}
	p, err := valueSetOf(doc)
	if err != nil {
		return err
	}
	*v = *p
	return nil
}

// ParseValueSets reads value sets in any of their forms: one EU value-set
// file, an array of them, or the codes-only form of valueSets.json
// (identifier → array of codes; its values have no names and count as
// active). Every code of an EU file needs a display name and an active
// flag: the vaccines' encoding instructions, which share the file layout
// but hold no codes, are refused. Sets come in the order given (sorted by
// identifier for the codes-only form); an identifier may appear once.
func ParseValueSets(data []byte) ([]*ValueSet, error) {
	doc, err := readJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidValueSet, err)
	}
	var out []*ValueSet
	switch x := doc.(type) {
	case []any:
		for i, item := range x {
			v, err := valueSetOf(item)
			if err != nil {
				return nil, fmt.Errorf("value set %d: %w", i+1, err)
			}
			out = append(out, v)
		}
	case map[string]any:
		if _, ok := x["valueSetId"]; ok {
			v, err := valueSetOf(x)
			if err != nil {
				return nil, err
			}
			return []*ValueSet{v}, nil
		}
		if out, err = codesOnly(x); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: want a value set object, an array of them or an object of code arrays, got %s", ErrInvalidValueSet, kind(doc))
	}
	seen := map[string]bool{}
	for _, v := range out {
		if seen[v.ID] {
			return nil, fmt.Errorf("%w: value set %s twice", ErrInvalidValueSet, v.ID)
		}
		seen[v.ID] = true
	}
	return out, nil
}

// codesOnly reads the form of valueSets.json: identifier → codes.
func codesOnly(m map[string]any) ([]*ValueSet, error) {
	var out []*ValueSet
	for _, id := range slices.Sorted(maps.Keys(m)) {
		codes, ok := m[id].([]any)
		if !ok {
			return nil, fmt.Errorf("%w: %s: want an array of codes (or an EU value-set file with valueSetId), got %s", ErrInvalidValueSet, id, kind(m[id]))
		}
		v := &ValueSet{ID: id, Values: make(map[string]ValueSetValue, len(codes))}
		for _, c := range codes {
			code, ok := c.(string)
			if !ok {
				return nil, fmt.Errorf("%w: %s: a code is %s, want a string", ErrInvalidValueSet, id, kind(c))
			}
			if _, dup := v.Values[code]; dup {
				return nil, fmt.Errorf("%w: %s: code %q twice", ErrInvalidValueSet, id, code)
			}
			v.Values[code] = ValueSetValue{Active: true}
		}
		out = append(out, v)
	}
	return out, nil
}

// valueSetOf reads one EU value-set file's object.
func valueSetOf(doc any) (*ValueSet, error) {
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: want an object, got %s", ErrInvalidValueSet, kind(doc))
	}
	id, _ := m["valueSetId"].(string)
	if id == "" {
		return nil, fmt.Errorf("%w: no valueSetId", ErrInvalidValueSet)
	}
	date, ok := m["valueSetDate"].(string)
	if _, there := m["valueSetDate"]; there && !ok {
		return nil, fmt.Errorf("%w: %s: valueSetDate is %s, want a string", ErrInvalidValueSet, id, kind(m["valueSetDate"]))
	}
	values, ok := m["valueSetValues"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s: no valueSetValues", ErrInvalidValueSet, id)
	}
	v := &ValueSet{ID: id, Date: date, Values: make(map[string]ValueSetValue, len(values))}
	for code, raw := range values {
		val, err := setValueOf(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: code %q %s", ErrInvalidValueSet, id, code, err)
		}
		v.Values[code] = val
	}
	return v, nil
}

// setValueOf reads one code's object; the error says what is wrong.
func setValueOf(raw any) (ValueSetValue, error) {
	var val ValueSetValue
	m, ok := raw.(map[string]any)
	if !ok {
		return val, fmt.Errorf("is %s, want an object", kind(raw))
	}
	if _, ok := m["display"]; !ok {
		return val, fmt.Errorf("has no display name")
	}
	if _, ok := m["active"]; !ok {
		return val, fmt.Errorf("has no active flag")
	}
	if val.Active, ok = m["active"].(bool); !ok {
		return val, fmt.Errorf("active is %s, want a boolean", kind(m["active"]))
	}
	for _, f := range []struct {
		name string
		to   *string
	}{{"display", &val.Display}, {"lang", &val.Lang}, {"system", &val.System}, {"version", &val.Version}} {
		if v, there := m[f.name]; there {
			if *f.to, ok = v.(string); !ok {
				return val, fmt.Errorf("%s is %s, want a string", f.name, kind(v))
			}
		}
	}
	return val, nil
}
