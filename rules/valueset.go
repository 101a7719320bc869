package rules

import (
	"bytes"
	"encoding/json"
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

type wireValueSet struct {
	ID     string                  `json:"valueSetId"`
	Date   string                  `json:"valueSetDate"`
	Values map[string]wireSetValue `json:"valueSetValues"`
}

type wireSetValue struct {
	Display *string `json:"display"`
	Lang    string  `json:"lang"`
	Active  *bool   `json:"active"`
	System  string  `json:"system"`
	Version string  `json:"version"`
}

// MarshalJSON writes the EU file form.
func (v ValueSet) MarshalJSON() ([]byte, error) {
	w := wireValueSet{ID: v.ID, Date: v.Date, Values: make(map[string]wireSetValue, len(v.Values))}
	for code, val := range v.Values {
		w.Values[code] = wireSetValue{Display: &val.Display, Lang: val.Lang, Active: &val.Active, System: val.System, Version: val.Version}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the EU file form of one value set.
func (v *ValueSet) UnmarshalJSON(data []byte) error {
	p, err := parseValueSet(data)
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
	data = bytes.TrimSpace(data)
	var out []*ValueSet
	switch {
	case len(data) > 0 && data[0] == '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidValueSet, err)
		}
		for i, raw := range raws {
			v, err := parseValueSet(raw)
			if err != nil {
				return nil, fmt.Errorf("value set %d: %w", i+1, err)
			}
			out = append(out, v)
		}
	default:
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil || m == nil {
			return nil, fmt.Errorf("%w: want a value set object, an array of them or an object of code arrays: %v", ErrInvalidValueSet, err)
		}
		if _, ok := m["valueSetId"]; ok {
			v, err := parseValueSet(data)
			if err != nil {
				return nil, err
			}
			return []*ValueSet{v}, nil
		}
		for _, id := range slices.Sorted(maps.Keys(m)) {
			var codes []string
			if err := json.Unmarshal(m[id], &codes); err != nil || codes == nil {
				return nil, fmt.Errorf("%w: %s: want an array of codes (or an EU value-set file with valueSetId)", ErrInvalidValueSet, id)
			}
			v := &ValueSet{ID: id, Values: make(map[string]ValueSetValue, len(codes))}
			for _, c := range codes {
				if _, dup := v.Values[c]; dup {
					return nil, fmt.Errorf("%w: %s: code %q twice", ErrInvalidValueSet, id, c)
				}
				v.Values[c] = ValueSetValue{Active: true}
			}
			out = append(out, v)
		}
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

// parseValueSet reads one EU value-set file.
func parseValueSet(data []byte) (*ValueSet, error) {
	var w wireValueSet
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidValueSet, err)
	}
	switch {
	case w.ID == "":
		return nil, fmt.Errorf("%w: no valueSetId", ErrInvalidValueSet)
	case w.Values == nil:
		return nil, fmt.Errorf("%w: %s: no valueSetValues", ErrInvalidValueSet, w.ID)
	}
	v := &ValueSet{ID: w.ID, Date: w.Date, Values: make(map[string]ValueSetValue, len(w.Values))}
	for _, code := range slices.Sorted(maps.Keys(w.Values)) {
		val := w.Values[code]
		switch {
		case val.Display == nil:
			return nil, fmt.Errorf("%w: %s: code %q has no display name", ErrInvalidValueSet, w.ID, code)
		case val.Active == nil:
			return nil, fmt.Errorf("%w: %s: code %q has no active flag", ErrInvalidValueSet, w.ID, code)
		}
		v.Values[code] = ValueSetValue{Display: *val.Display, Lang: val.Lang, Active: *val.Active, System: val.System, Version: val.Version}
	}
	return v, nil
}
