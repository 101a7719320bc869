package storetest_test

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/storetest"
)

// TestMutants: every subtest of the suite fails on a store broken on
// purpose (broken_test.go: a lost field, a resend counted new, a revoked
// token that still works, ...), so none of them passes whatever the store
// does. The broken stores run in a test binary of its own, as their
// failures are the point.
func TestMutants(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite on broken stores")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBroken$", "-test.v", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), "STORETEST_BROKEN=1")
	cmd.WaitDelay = 10 * time.Second
	out, _ := cmd.CombinedOutput() // fails, if all is well
	line := regexp.MustCompile(`--- (FAIL|SKIP|PASS): TestBroken/([^/\s]+)/([^/\s]+)/([^/\s]+) `)
	failed := map[string]bool{} // mutant/group/test
	var all []string            // group/test, from the store not broken
	for _, m := range line.FindAllStringSubmatch(string(out), -1) {
		switch {
		case m[1] == "FAIL":
			failed[m[2]+"/"+m[3]+"/"+m[4]] = true
		case m[2] == "none":
			all = append(all, m[3]+"/"+m[4])
		}
	}
	if len(all) < 25 {
		t.Fatalf("the suite has %d subtests, or its output was not understood:\n%s", len(all), out)
	}
	caught := map[string]bool{}
	for _, m := range mutants[1:] {
		for _, f := range m.fails {
			if !slices.Contains(all, f) {
				t.Errorf("mutant %s: the suite has no %s", m.name, f)
			}
			if !failed[m.name+"/"+f] {
				t.Errorf("%s passed on a store broken by %s", f, m.name)
			}
			caught[f] = true
		}
	}
	for _, f := range all {
		if !caught[f] {
			t.Errorf("no broken store makes %s fail", f)
		}
	}
	if t.Failed() {
		t.Logf("the broken stores' run:\n%s", tail(string(out), 200))
	}
}

func tail(s string, lines int) string {
	l := strings.Split(s, "\n")
	return strings.Join(l[max(0, len(l)-lines):], "\n")
}

// TestBroken runs, for TestMutants, the suite's subtests that each broken
// store must fail; the store not broken ("none") runs none, and lists them
// all as skipped.
func TestBroken(t *testing.T) {
	if os.Getenv("STORETEST_BROKEN") != "1" {
		t.Skip("run by TestMutants")
	}
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, func(t *testing.T, now func() time.Time) hub.Store {
				parts := strings.Split(t.Name(), "/")
				if !slices.Contains(m.fails, strings.Join(parts[len(parts)-2:], "/")) {
					t.SkipNow() // not expected to fail on this store
				}
				st, err := hub.OpenBolt(t.TempDir(), &hub.BoltOptions{Now: now})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				return m.wrap(st, now)
			})
		})
	}
}
