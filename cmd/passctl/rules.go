package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/rules"
)

// rulesTest runs `passctl rules test`: the tests of the business rules in
// each DIR (a rule folder, a set of them, or a folder of sets, as in
// dgc-business-rules-testdata), judged as the upstream runner judges them.
// It prints a line for each test that failed or was skipped and a summary;
// with --json a line for every test. It exits 1 when a test failed.
//
// All folders are read before any test runs: a rule that does not parse is
// an error of its own, not a failed test.
func (c *cli) rulesTest(fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, c.cat.T("passctl.rules.flag_json"))
	if err := command.Parse(c.cat, fs, args, -1); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return command.UsageError(c.cat, fs, c.cat.T("passctl.rules.no_dir"))
	}
	var tests []*rules.TestCase
	for _, dir := range fs.Args() {
		ts, err := loadTests(dir)
		if err != nil {
			return command.Errorf(c.cat, "passctl.rules.load", dir, err)
		}
		tests = append(tests, ts...)
	}
	var n testCounts
	for _, t := range tests {
		r := t.Run()
		n.add(r)
		if *asJSON {
			if err := writeTestLine(c.stdout, r); err != nil {
				return err
			}
			continue
		}
		name := ""
		if t.Name != "" {
			name = fmt.Sprintf(" (%q)", t.Name)
		}
		switch {
		case r.Skipped:
			fmt.Fprintln(c.stdout, c.cat.T("passctl.rules.skipped", t.ID(), name, r.Why))
		case !r.OK:
			fmt.Fprintln(c.stdout, c.cat.T("passctl.rules.failed", t.ID(), name, r.Why))
		}
	}
	if *asJSON {
		// Untranslated, as the lines above it: a program reads it.
		fmt.Fprintf(c.stdout, "%d passed, %d failed, %d skipped\n", n.passed, n.failed, n.skipped)
	} else {
		fmt.Fprintln(c.stdout, c.cat.T("passctl.rules.summary", n.passed, n.failed, n.skipped, len(tests), n.rules()))
	}
	if n.failed > 0 {
		return command.Exit(command.ExitFailed)
	}
	return nil
}

// loadTests reads the tests under dir, naming sets by the folders of the
// path as given: the parent of dir is the root of the fs.FS.
func loadTests(dir string) ([]*rules.TestCase, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, name := filepath.Dir(abs), filepath.Base(abs)
	if root == abs { // the file system's root
		name = "."
	}
	return rules.LoadTests(os.DirFS(root), name)
}

type testCounts struct {
	passed, failed, skipped int
	ruleIDs                 map[string]bool
}

func (n *testCounts) add(r rules.TestResult) {
	switch {
	case r.Skipped:
		n.skipped++
	case r.OK:
		n.passed++
	default:
		n.failed++
	}
	if n.ruleIDs == nil {
		n.ruleIDs = map[string]bool{}
	}
	n.ruleIDs[r.Test.Set+"/"+r.Test.Rule] = true
}

func (n *testCounts) rules() int { return len(n.ruleIDs) }

// testLine is a test's line of --json.
type testLine struct {
	Set      string          `json:"set"`
	Rule     string          `json:"rule"`
	Test     string          `json:"test"` // the file's name without .json ("test001"), #N for one of several in a file
	Name     string          `json:"name,omitempty"`
	Expected any             `json:"expected"`
	Got      json.RawMessage `json:"got,omitempty"` // absent when the rule did not run or failed to
	OK       bool            `json:"ok"`
	Skipped  string          `json:"skipped,omitempty"` // why
	Error    string          `json:"error,omitempty"`
}

func writeTestLine(w io.Writer, r rules.TestResult) error {
	t := r.Test
	l := testLine{Set: t.Set, Rule: t.Rule, Test: strings.TrimPrefix(t.ID(), t.Set+"/"+t.Rule+"/"),
		Name: t.Name, Expected: t.Expected, OK: r.OK}
	switch {
	case r.Skipped:
		l.Skipped = r.Why
	case r.Err != nil:
		l.Error = r.Err.Error()
	default:
		got, err := json.Marshal(r.Got)
		if err != nil {
			got, _ = json.Marshal(fmt.Sprint(r.Got))
		}
		l.Got = got
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(l)
}
