// Package layering holds one test: the rules of the repository's layout
// (ARCHITECTURE.md) checked against the real import graph, so a change that
// breaks them fails here instead of in review.
package layering

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/passgate/passgate"

type pkg struct {
	ImportPath string
	Dir        string
	Imports    []string
	GoFiles    []string
}

// packages lists the module's packages with their direct imports.
func packages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var ps []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if len(ps) < 20 {
		t.Fatalf("go list found only %d packages", len(ps))
	}
	return ps
}

func root(t *testing.T) string {
	dir, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s", dir)
	}
	return dir
}

func local(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, module), "/") }

// TestLayers: dependencies point one way.
func TestLayers(t *testing.T) {
	top := []string{"app", "ui", "checkin", "uplink", "hub", "store"}
	for _, p := range packages(t) {
		name := local(p.ImportPath)
		for _, imp := range p.Imports {
			dep := local(imp)
			isLocal := strings.HasPrefix(imp, module)
			switch {
			case strings.HasPrefix(name, "internal/") && isLocal && slices.Contains(top, dep):
				t.Errorf("%s imports %s: nothing under internal/ may import %v", name, dep, top)
			case strings.HasPrefix(imp, "charm.land/") && name != "ui" && !strings.HasPrefix(name, "ui/"):
				t.Errorf("%s imports %s: only ui speaks Bubble Tea and Lip Gloss", name, imp)
			case name == "ui" && (slices.Contains([]string{"store", "uplink", "hub"}, dep) || imp == "go.etcd.io/bbolt" || imp == "net/http"):
				t.Errorf("ui imports %s: the screen must not talk to the register or the network itself", imp)
			case slices.Contains([]string{"verify", "bundle", "certlogic", "rules"}, name) && slices.Contains([]string{"os", "net", "net/http", "io/ioutil"}, imp):
				t.Errorf("%s imports %s: it must do no file or network I/O", name, imp)
			case name == "certlogic" && isLocal:
				t.Errorf("certlogic imports %s: the evaluator stands alone", dep)
			case name == "rules" && isLocal && dep != "certlogic":
				t.Errorf("rules imports %s: the rules know CertLogic and nothing of passes or bundles", dep)
			case name == "verify" && dep == "bundle":
				t.Errorf("verify imports bundle: verify judges against a TrustSet it is given")
			case strings.HasPrefix(name, "cmd/") && isLocal && strings.HasPrefix(dep, "cmd/"):
				t.Errorf("%s imports %s: a binary's commands are its own", name, dep)
			case isLocal && dep == "internal/cli":
				t.Errorf("%s imports internal/cli: the passgate commands live in cmd/passgate", name)
			}
		}
	}
}

// TestOneAssembly: a checkin.Kiosk is built in exactly one non-test file,
// the app's.
func TestOneAssembly(t *testing.T) {
	lit := regexp.MustCompile(`checkin\.Kiosk\{|\bKiosk\{Desk:`)
	var where []string
	for _, p := range packages(t) {
		for _, f := range p.GoFiles {
			b, err := os.ReadFile(filepath.Join(p.Dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if lit.Match(b) {
				rel, _ := filepath.Rel(root(t), filepath.Join(p.Dir, f))
				where = append(where, rel)
			}
		}
	}
	if len(where) != 1 || where[0] != filepath.Join("app", "parts.go") {
		t.Errorf("checkin.Kiosk is built in %v, want only app/parts.go", where)
	}
}
