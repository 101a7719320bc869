package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/passgate/passgate/verify"
)

// Observed is what a verifier reported for one vector.
type Observed struct {
	Checks verify.Checks
	// Picture is the text decoded from the vector's image; nil when the image
	// did not decode.
	Picture *string
	// Decoded is the DCC as read from PREFIX, in the JSON data model; nil when
	// decoding did not get that far.
	Decoded any
}

// Judge returns, for every field the vector sets, whether the observation
// passed that step. A stage that was not reached did not pass. A field whose
// input the vector lacks (PICTUREDECODE without a 2DCODE image, as in IE/*,
// LV/* and common/B1) is left out, as the upstream procedure skips it.
func Judge(v *Vector, o Observed) map[string]bool {
	got := func(s verify.Stage) bool {
		ok, _ := o.Checks.Get(s)
		return ok
	}
	rest, hasPrefix := strings.CutPrefix(v.Prefix, verify.Prefix)
	jsonMatches := func() bool {
		if o.Decoded == nil {
			return false
		}
		if v.JSON == nil {
			return true
		}
		return SameJSON(v.JSON, o.Decoded)
	}
	out := map[string]bool{}
	for field := range v.Expected {
		var ok bool
		switch field {
		case "PICTUREDECODE":
			if len(v.PNG) == 0 {
				continue // the vector has no image: the step is not testable
			}
			ok = o.Picture != nil && *o.Picture == v.Prefix
		case "UNPREFIX":
			ok = hasPrefix && got(verify.StagePrefix) && (v.Base45 == "" || rest == v.Base45)
		case "B45DECODE":
			ok = got(verify.StageBase45)
		case "COMPRESSION":
			ok = got(verify.StageDecompress)
		case "DECODE", "VALIDJSON":
			ok = got(verify.StageCBOR) && jsonMatches()
		case "VERIFY":
			ok = got(verify.StageSignature)
		case "EXPIRATIONCHECK":
			ok = got(verify.StageExpiry)
		case "KEYUSAGE":
			ok = got(verify.StageKeyUsage)
		case "SCHEMAVALIDATION":
			ok = got(verify.StageSchema)
		default:
			continue // fields this project does not check (ENCODE, VALIDOBJECT)
		}
		out[field] = ok
	}
	return out
}

// SameJSON compares a JSON document with a decoded value, numbers compared by
// value whatever their Go type.
func SameJSON(want json.RawMessage, got any) bool {
	var w any
	d := json.NewDecoder(bytes.NewReader(want))
	if err := d.Decode(&w); err != nil {
		return false
	}
	gb, err := json.Marshal(got)
	if err != nil {
		return false
	}
	var g any
	if err := json.Unmarshal(gb, &g); err != nil {
		return false
	}
	return reflect.DeepEqual(normalize(w), normalize(g))
}

// normalize rewrites date-time strings to one form, so "+00:00" and "Z"
// compare equal: both name the same instant.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil && len(x) > 10 {
			return t.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

// Table tallies outcomes by country and field.
type Table struct {
	cells map[string]map[string]*Cell
}

// Cell counts the vectors of one country and field.
type Cell struct{ Passed, Failed, Known int }

// Add records one outcome.
func (t *Table) Add(country, field string, passed, known bool) {
	if t.cells == nil {
		t.cells = map[string]map[string]*Cell{}
	}
	if t.cells[country] == nil {
		t.cells[country] = map[string]*Cell{}
	}
	c := t.cells[country][field]
	if c == nil {
		c = &Cell{}
		t.cells[country][field] = c
	}
	switch {
	case passed:
		c.Passed++
	case known:
		c.Known++
	default:
		c.Failed++
	}
}

// Totals sums the table.
func (t *Table) Totals() Cell {
	var s Cell
	for _, row := range t.cells {
		for _, c := range row {
			s.Passed += c.Passed
			s.Failed += c.Failed
			s.Known += c.Known
		}
	}
	return s
}

// String renders the table: one row per country, one column per field, each
// cell "passed/failed/known" ("." where the country sets no such field).
func (t *Table) String() string {
	var b strings.Builder
	short := []string{"PIC", "UNPRE", "B45", "ZLIB", "DECODE", "JSON", "VERIFY", "EXPIRY", "KEYUSE", "SCHEMA"}
	fmt.Fprintf(&b, "%-7s", "country")
	for _, s := range short {
		fmt.Fprintf(&b, " %8s", s)
	}
	b.WriteString("\n")
	countries := make([]string, 0, len(t.cells))
	for c := range t.cells {
		countries = append(countries, c)
	}
	sort.Strings(countries)
	for _, c := range countries {
		fmt.Fprintf(&b, "%-7s", c)
		for _, f := range Fields {
			cell := t.cells[c][f]
			if cell == nil {
				fmt.Fprintf(&b, " %8s", ".")
				continue
			}
			fmt.Fprintf(&b, " %8s", fmt.Sprintf("%d/%d/%d", cell.Passed, cell.Failed, cell.Known))
		}
		b.WriteString("\n")
	}
	tot := t.Totals()
	fmt.Fprintf(&b, "cells are passed/failed/known-issue; total %d passed, %d failed, %d known issues\n", tot.Passed, tot.Failed, tot.Known)
	return b.String()
}
