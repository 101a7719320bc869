// Package conformance loads the EU DCC interoperability vectors
// (dgc-testdata) and judges a verifier's results against their EXPECTED*
// fields. The verify package's test and the passgate CLI's test share it, so
// the same expectations hold through the library and the command line.
package conformance

import (
	_ "embed"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Vector is one test file of dgc-testdata.
type Vector struct {
	Path    string // relative to the vectors' root, e.g. "AT/2DCode/raw/1.json"
	Country string // first folder: "AT", "PL", "common"
	Name    string // file name without .json, e.g. "1", "CO22"

	JSON       json.RawMessage // the DCC as JSON, when given
	CBOR       []byte          // the DCC as CBOR
	COSE       []byte
	Compressed []byte
	Base45     string
	Prefix     string
	PNG        []byte // the 2DCODE image
	Cert       []byte // TESTCTX.CERTIFICATE, DER
	Clock      string // TESTCTX.VALIDATIONCLOCK as written
	Schema     string // TESTCTX.SCHEMA
	Desc       string

	// Expected maps a field (PICTUREDECODE, UNPREFIX, ...) to its expected
	// outcome; fields the vector does not set are absent.
	Expected map[string]bool
}

// Fields are the EXPECTED* fields this project checks, in table order.
var Fields = []string{"PICTUREDECODE", "UNPREFIX", "B45DECODE", "COMPRESSION", "DECODE",
	"VALIDJSON", "VERIFY", "EXPIRATIONCHECK", "KEYUSAGE", "SCHEMAVALIDATION"}

type rawVector struct {
	JSON       json.RawMessage `json:"JSON"`
	CBOR       string          `json:"CBOR"`
	COSE       string          `json:"COSE"`
	Compressed string          `json:"COMPRESSED"`
	Base45     string          `json:"BASE45"`
	Prefix     string          `json:"PREFIX"`
	PNG        string          `json:"2DCODE"`
	Ctx        struct {
		Schema      string `json:"SCHEMA"`
		Certificate string `json:"CERTIFICATE"`
		Clock       any    `json:"VALIDATIONCLOCK"`
		Description string `json:"DESCRIPTION"`
	} `json:"TESTCTX"`
	Expected map[string]any `json:"EXPECTEDRESULTS"`
}

// Load reads every vector under root (the dgc-testdata folder), sorted by path.
func Load(root string) ([]Vector, error) {
	var out []Vector
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".json") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if !slices.ContainsFunc(parts, func(p string) bool { return strings.EqualFold(p, "2DCode") }) {
			return nil
		}
		v, err := loadFile(path)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		v.Path = filepath.ToSlash(rel)
		v.Country = parts[0]
		v.Name = strings.TrimSuffix(parts[len(parts)-1], ".json")
		out = append(out, *v)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

func loadFile(path string) (*Vector, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r rawVector
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	v := &Vector{JSON: r.JSON, Base45: r.Base45, Prefix: r.Prefix, Schema: r.Ctx.Schema, Desc: r.Ctx.Description,
		Expected: map[string]bool{}}
	if string(v.JSON) == "null" {
		v.JSON = nil
	}
	for _, f := range []struct {
		dst *[]byte
		hex string
	}{{&v.CBOR, r.CBOR}, {&v.COSE, r.COSE}, {&v.Compressed, r.Compressed}} {
		*f.dst, _ = hex.DecodeString(f.hex) // a broken hex field is a vector's test subject
	}
	v.PNG, _ = base64.StdEncoding.DecodeString(r.PNG)
	v.Cert, _ = base64.StdEncoding.DecodeString(strings.TrimSpace(r.Ctx.Certificate))
	if s, ok := r.Ctx.Clock.(string); ok {
		v.Clock = s
	}
	for k, val := range r.Expected {
		if b, ok := val.(bool); ok && strings.HasPrefix(k, "EXPECTED") {
			v.Expected[strings.TrimPrefix(k, "EXPECTED")] = b
		}
	}
	return v, nil
}

// KnownIssues are the vectors upstream marks as wrong data
// (tests/known_issues.csv): field → country → test set ("" for all) → link.
type KnownIssues map[string]map[string]map[string]string

// upstream test names of the fields.
var testNames = map[string]string{
	"test_cose_schema":        "SCHEMAVALIDATION",
	"test_cose_json":          "VALIDJSON",
	"test_cbor_json":          "DECODE",
	"test_verification_check": "VERIFY",
	"test_expiration_check":   "EXPIRATIONCHECK",
	"test_expected_key_usage": "KEYUSAGE",
	"test_picture_decode":     "PICTUREDECODE",
	"test_b45decode":          "B45DECODE",
	"test_unprefix":           "UNPREFIX",
	"test_compression":        "COMPRESSION",
}

//go:embed deviations.csv
var deviations string

// LoadKnownIssues reads tests/known_issues.csv and adds this project's own
// deviations (deviations.csv): vectors whose expectation contradicts the
// rules passgate follows or other vectors, each with the reason.
func LoadKnownIssues(path string) (KnownIssues, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k := KnownIssues{}
	if err := k.add(path, string(b)); err != nil {
		return nil, err
	}
	if err := k.add("deviations.csv", deviations); err != nil {
		return nil, err
	}
	return k, nil
}

func (k KnownIssues) add(path, text string) error {
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for i, r := range rows {
		if i == 0 || len(r) < 4 {
			continue
		}
		field, ok := testNames[r[0]]
		if !ok {
			return fmt.Errorf("%s:%d: unknown test name %q", path, i+1, r[0])
		}
		if k[field] == nil {
			k[field] = map[string]map[string]string{}
		}
		if k[field][r[1]] == nil {
			k[field][r[1]] = map[string]string{}
		}
		k[field][r[1]][r[2]] = r[3]
	}
	return nil
}

// Lookup returns the upstream link when the field of this vector is a known
// issue.
func (k KnownIssues) Lookup(field string, v *Vector) (string, bool) {
	sets := k[field][v.Country]
	if link, ok := sets[v.Name]; ok {
		return link, true
	}
	link, ok := sets[""]
	return link, ok
}

// Pictures returns the vectors whose QR image is promised to decode to
// their PREFIX (EXPECTEDPICTUREDECODE true): the images scanner, framegen
// and the peer benchmark read. Vectors that do not say are left out: some
// (ES 501-503) hold an image whose text differs from their PREFIX.
func Pictures(vs []Vector) []Vector {
	var out []Vector
	for _, v := range vs {
		if ok, set := v.Expected["PICTUREDECODE"]; set && ok && len(v.PNG) > 0 && v.Prefix != "" {
			out = append(out, v)
		}
	}
	return out
}

// LoadWithKnown reads the vectors under root and upstream's list of known
// issues, tests/known_issues.csv.
func LoadWithKnown(root string) ([]Vector, KnownIssues, error) {
	vs, err := Load(root)
	if err != nil {
		return nil, nil, err
	}
	known, err := LoadKnownIssues(filepath.Join(root, "tests", "known_issues.csv"))
	return vs, known, err
}
