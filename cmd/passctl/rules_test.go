package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/passgate/passgate/internal/testkit/shareddata"
)

// testRule is a vaccination rule of Korea in the gateway's format, valid
// from 2021 to 2030: complete when dn >= sd.
func testRule(id string) string {
	return fmt.Sprintf(`{"Identifier":%q,"Type":"Acceptance","Country":"KR","Version":"1.0.0","SchemaVersion":"1.0.0",
		"Engine":"CERTLOGIC","EngineVersion":"1.0.0","CertificateType":"Vaccination",
		"Description":[{"lang":"en","desc":"The vaccination schedule must be complete."}],
		"ValidFrom":"2021-01-01T00:00:00Z","ValidTo":"2030-01-01T00:00:00Z","AffectedFields":["v.0.dn","v.0.sd"],
		"Logic":{"if":[{"var":"payload.v.0"},{">=":[{"var":"payload.v.0.dn"},{"plusTime":[{"var":"payload.v.0.sd"},0,"day"]}]},true]}}`, id)
}

// ruleTests writes a set KR of one rule with a test that passes, one that
// fails, one skipped (its clock before the rule) and one whose evaluation
// fails (sd is not a date), and returns the set's folder.
func ruleTests(t *testing.T) string {
	t.Helper()
	set := filepath.Join(t.TempDir(), "KR")
	tests := filepath.Join(set, "VR-KR-0001", "tests")
	if err := os.MkdirAll(tests, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(set, "VR-KR-0001"), "rule.json", testRule("VR-KR-0001"))
	write(t, tests, "test001.json", `{"name":"no vaccination","payload":{},"expected":true}`)
	write(t, tests, "test002.json", `{"name":"wrong","payload":{},"expected":false}`)
	write(t, tests, "test003.json", `{"payload":{},"expected":true,"external":{"validationClock":"2020-06-01T00:00:00Z"}}`)
	write(t, tests, "test004.json", `{"name":"not a date","payload":{"v":[{"dn":"2021-06-01","sd":"x"}]},"expected":true}`)
	return set
}

func TestRulesTestHuman(t *testing.T) {
	set := ruleTests(t)
	code, out, errOut := passctl(t, "rules", "test", set)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || errOut != "" || len(lines) != 4 {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	want := []string{
		`FAIL KR/VR-KR-0001/test002 ("wrong"): got true, want false`,
		`SKIP KR/VR-KR-0001/test003: validation clock 2020-06-01T00:00:00Z outside the rule's validity [2021-01-01T00:00:00Z, 2030-01-01T00:00:00Z)`,
		`FAIL KR/VR-KR-0001/test004 ("not a date"): error: certlogic: `,
		`1 passed, 2 failed, 1 skipped (4 tests of 1 rules)`,
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want %q", i+1, lines[i], w)
		}
	}
	code, out, _ = passctlIn(t, korean, "rules", "test", set)
	if code != 1 || !strings.Contains(out, "실패 KR/VR-KR-0001/test002") || !strings.Contains(out, "건너뜀 KR/VR-KR-0001/test003") ||
		!strings.HasSuffix(out, "통과 1, 실패 2, 건너뜀 1 (규칙 1개의 테스트 4개)\n") {
		t.Errorf("Korean: exit %d\n%s", code, out)
	}
}

func TestRulesTestJSON(t *testing.T) {
	set := ruleTests(t)
	code, out, errOut := passctl(t, "rules", "test", "--json", set)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || errOut != "" || len(lines) != 5 {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	var got []map[string]any
	for _, l := range lines[:4] {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if e, ok := m["error"].(string); ok && strings.HasPrefix(e, "certlogic: ") {
			m["error"] = "certlogic: …"
		}
		got = append(got, m)
	}
	line := func(test, name string, kv ...any) map[string]any {
		m := map[string]any{"set": "KR", "rule": "VR-KR-0001", "test": test}
		if name != "" {
			m["name"] = name
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	want := []map[string]any{
		line("test001", "no vaccination", "expected", true, "got", true, "ok", true),
		line("test002", "wrong", "expected", false, "got", true, "ok", false),
		line("test003", "", "expected", true, "ok", false,
			"skipped", "validation clock 2020-06-01T00:00:00Z outside the rule's validity [2021-01-01T00:00:00Z, 2030-01-01T00:00:00Z)"),
		line("test004", "not a date", "expected", true, "ok", false, "error", "certlogic: …"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The last line is the same in every language.
	if lines[4] != "1 passed, 2 failed, 1 skipped" {
		t.Errorf("last line %q", lines[4])
	}
	if _, kout, _ := passctlIn(t, korean, "rules", "test", "--json", set); !strings.HasSuffix(kout, "\n1 passed, 2 failed, 1 skipped\n") {
		t.Errorf("Korean --json ends:\n%s", kout)
	}
}

// TestRulesTestExit: skipped tests alone are no failure; several DIRs add
// up; a rule that does not parse, or a folder without rules, is an error
// (exit 1) naming it; a missing DIR a usage error (exit 2).
func TestRulesTestExit(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok", "VR-KR-0002")
	if err := os.MkdirAll(filepath.Join(ok, "tests"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, ok, "rule.json", testRule("VR-KR-0002"))
	write(t, filepath.Join(ok, "tests"), "test001.json", `{"payload":{},"expected":true}`)
	write(t, filepath.Join(ok, "tests"), "test002.json", `{"payload":{},"expected":true,"external":{"validationClock":"2031-01-01T00:00:00Z"}}`)
	bad := filepath.Join(dir, "bad", "VR-KR-0003")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, bad, "rule.json", strings.Replace(testRule("VR-KR-0003"), `"Version":"1.0.0"`, `"Version":"1"`, 1))

	if code, out, errOut := passctl(t, "rules", "test", ok); code != 0 || errOut != "" ||
		out != "SKIP KR/VR-KR-0002/test002: validation clock 2031-01-01T00:00:00Z outside the rule's validity [2021-01-01T00:00:00Z, 2030-01-01T00:00:00Z)\n1 passed, 0 failed, 1 skipped (2 tests of 1 rules)\n" {
		t.Errorf("a rule folder: exit %d, stderr %q\n%s", code, errOut, out)
	}
	if code, out, _ := passctl(t, "rules", "test", ok, ruleTests(t)); code != 1 || !strings.Contains(out, "2 passed, 2 failed, 2 skipped (6 tests of 2 rules)") {
		t.Errorf("two DIRs: exit %d\n%s", code, out)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"rules", "test", filepath.Join(dir, "bad")}, 1, `bad/VR-KR-0003/rule.json: rule VR-KR-0003 1: Version "1" does not match`},
		{[]string{"rules", "test", dir + "/nowhere"}, 1, "nowhere: no rules"},
		{[]string{"rules", "test", t.TempDir()}, 1, "no rules in"},
		{[]string{"rules", "test"}, 2, "give at least one DIR"},
		{[]string{"rules", "test", ok, "--json"}, 2, "flag --json after an argument"},
	} {
		code, out, errOut := passctl(t, c.args...)
		if code != c.code || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d and %q", c.args, code, out, errOut, c.code, c.want)
		}
	}
}

// TestRulesTestShared runs the shared EU business rules' tests: all pass.
func TestRulesTestShared(t *testing.T) {
	dir := shareddata.Dir(t, "business-rules")
	code, out, errOut := passctl(t, "rules", "test", dir)
	if code != 0 || errOut != "" || out != "962 passed, 0 failed, 0 skipped (962 tests of 144 rules)\n" {
		t.Errorf("exit %d, stderr %q\n%s", code, errOut, out)
	}
}
