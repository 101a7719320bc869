package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/app"
	"github.com/passgate/passgate/internal/testkit/conformance"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/verify"
)

// run executes passgate in-process and returns its exit code and output.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &app.Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return map[string]string{"LANG": "en_US.UTF-8"}[k] },
		Now:    func() time.Time { return time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC) },
	}
	code := Main(e, args)
	return code, out.String(), errb.String()
}

// TestConformanceCLI runs every EU vector through `passgate verify --json`
// (with --image for the picture step) and holds it to the same
// expectations as the library test.
func TestConformanceCLI(t *testing.T) {
	root := shareddata.Dir(t, "dgc-testdata")
	vectors, known, err := conformance.LoadWithKnown(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var table conformance.Table
	for i := range vectors {
		v := &vectors[i]
		t.Run(v.Path, func(t *testing.T) {
			args := []string{"verify", "--json", "--decoded", "--signer-cert", base64.StdEncoding.EncodeToString(v.Cert)}
			if v.Clock != "" {
				args = append(args, "--at", v.Clock)
			}
			if len(v.Cert) == 0 {
				t.Skip("vector has no certificate")
			}
			var obs conformance.Observed
			code, out, stderr := run(t, v.Prefix, append(args, "-")...)
			if code == ExitUsage {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got struct {
				Status  verify.Status `json:"status"`
				Checks  verify.Checks `json:"checks"`
				Decoded any           `json:"decoded"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, out)
			}
			if (code == ExitOK) != (got.Status == verify.Valid) {
				t.Errorf("exit %d with status %s", code, got.Status)
			}
			obs.Checks, obs.Decoded = got.Checks, got.Decoded
			if len(v.PNG) > 0 {
				img := filepath.Join(dir, strings.ReplaceAll(v.Path, "/", "_")+".png")
				if err := os.WriteFile(img, v.PNG, 0o644); err != nil {
					t.Fatal(err)
				}
				_, out, _ := run(t, "", "scan", "--json", img)
				var sc struct {
					OK   bool   `json:"ok"`
					Text string `json:"text"`
				}
				if json.Unmarshal([]byte(out), &sc) == nil && sc.OK {
					obs.Picture = &sc.Text
				}
			}
			for field, ok := range conformance.Judge(v, obs) {
				want := v.Expected[field]
				_, isKnown := known.Lookup(field, v)
				table.Add(v.Country, field, ok == want, isKnown)
				if ok != want && !isKnown {
					t.Errorf("%s: got %v, want %v (%s)", field, ok, want, v.Desc)
				}
			}
		})
	}
	t.Logf("conformance through the CLI, %d vectors:\n%s", len(vectors), table.String())
}
