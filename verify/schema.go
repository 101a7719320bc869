package verify

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema/*.json
var schemaFS embed.FS

// schemas compiles the embedded DCC schemas once, on first use. It is
// immutable afterwards, so sharing it between verifiers is safe.
var schemas = sync.OnceValues(compileSchemas)

type schemaSet struct {
	versions []version // sorted ascending
	byVer    map[version]*jsonschema.Schema
}

type version [3]int

func parseVersion(s string) (version, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return version{}, fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", s)
	}
	var v version
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 999 {
			return version{}, fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", s)
		}
		v[i] = n
	}
	return v, nil
}

func compileSchemas() (*schemaSet, error) {
	entries, err := schemaFS.ReadDir("schema")
	if err != nil {
		return nil, err
	}
	set := &schemaSet{byVer: map[version]*jsonschema.Schema{}}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".json")
		v, err := parseVersion(name)
		if err != nil {
			return nil, err
		}
		b, err := schemaFS.ReadFile("schema/" + e.Name())
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		// One compiler per version: every release uses the same $id.
		c := jsonschema.NewCompiler()
		url := "mem:///dcc-" + name + ".json"
		if err := c.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		s, err := c.Compile(url)
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		set.byVer[v] = s
		set.versions = append(set.versions, v)
	}
	slices.SortFunc(set.versions, func(a, b version) int { return slices.Compare(a[:], b[:]) })
	return set, nil
}

// ErrUnknownVersion reports a DCC whose ver names no schema release with its
// major version.
var ErrUnknownVersion = errors.New("unknown DCC schema version")

// forVersion picks the schema for ver: that release, else the newest earlier
// release of the same major version (patch and minor releases only add).
func (s *schemaSet) forVersion(ver string) (*jsonschema.Schema, error) {
	v, err := parseVersion(ver)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknownVersion, err)
	}
	var best *jsonschema.Schema
	for _, have := range s.versions {
		if have[0] == v[0] && slices.Compare(have[:], v[:]) <= 0 {
			best = s.byVer[have]
		}
	}
	if best == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownVersion, ver)
	}
	return best, nil
}

// validateSchema checks a DCC (as decoded CBOR) against the schema its ver
// declares, and that it holds exactly one entry in exactly one of v, t, r.
func validateSchema(doc any) error {
	set, err := schemas()
	if err != nil {
		return fmt.Errorf("embedded schemas: %w", err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return fmt.Errorf("DCC is not an object")
	}
	ver, _ := m["ver"].(string)
	sch, err := set.forVersion(ver)
	if err != nil {
		return err
	}
	if err := sch.Validate(doc); err != nil {
		return fmt.Errorf("schema %s: %w", ver, err)
	}
	n := 0
	for _, k := range []string{"v", "t", "r"} {
		if a, ok := m[k].([]any); ok {
			if len(a) != 1 {
				return fmt.Errorf("%s holds %d entries, want exactly 1", k, len(a))
			}
			n++
		} else if _, present := m[k]; present {
			return fmt.Errorf("%s is not an array", k)
		}
	}
	if n != 1 {
		return fmt.Errorf("certificate holds %d of v, t, r; want exactly one", n)
	}
	return nil
}

// JSONValue converts a value decoded from CBOR into the JSON data model:
// maps with string keys, slices, strings, numbers, booleans, nil. Byte
// strings and non-string keys, which JSON cannot hold, are errors.
func JSONValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, string, float64:
		return x, nil
	case uint64: // numbers are float64, as encoding/json and CertLogic have them
		return float64(x), nil
	case int64:
		return float64(x), nil
	case float32:
		return float64(x), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			j, err := JSONValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = j
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("map key %v is %T, want a string", k, k)
			}
			j, err := JSONValue(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ks, err)
			}
			out[ks] = j
		}
		return out, nil
	case time.Time:
		return x.UTC().Format(time.RFC3339), nil
	case cbor.Tag:
		if x.Number == 1 { // epoch date-time, as some issuers tag sc
			var sec float64
			switch n := x.Content.(type) {
			case uint64:
				sec = float64(n)
			case int64:
				sec = float64(n)
			case float64:
				sec = n
			default:
				return nil, fmt.Errorf("tag 1 holds %T, want a number", x.Content)
			}
			if sec < -1e12 || sec > 1e12 {
				return nil, fmt.Errorf("tag 1 time %v out of range", sec)
			}
			return time.Unix(int64(sec), 0).UTC().Format(time.RFC3339), nil
		}
		// Tag 0 (date-time string), 1004 (full-date) and others: the content.
		return JSONValue(x.Content)
	}
	return nil, fmt.Errorf("value of CBOR type %T has no JSON form", v)
}
