package rules_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/rules"
)

// The size of the shared copy of dgc-business-rules-testdata (SOURCE.txt).
const (
	sharedRules = 144
	sharedTests = 962
)

// businessRules is the shared folder of EU business rules and their tests.
func businessRules(t testing.TB) string {
	t.Helper()
	return shareddata.Dir(t, "business-rules")
}

// TestBusinessRules runs every upstream rule test as the upstream runner
// judges it, one subtest per test file: none may fail, and a test may be
// skipped only because its validation clock lies outside its rule's
// validity.
func TestBusinessRules(t *testing.T) {
	tests, err := rules.LoadTests(os.DirFS(businessRules(t)), ".")
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ rules, tests, passed, skipped, failed int }
	sets := map[string]*tally{}
	seen := map[string]bool{}
	var total tally
	for _, tc := range tests {
		s := sets[tc.Set]
		if s == nil {
			s = &tally{}
			sets[tc.Set] = s
		}
		if !seen[tc.Set+"/"+tc.Rule] {
			seen[tc.Set+"/"+tc.Rule] = true
			s.rules++
			total.rules++
		}
		s.tests++
		total.tests++
		t.Run(tc.ID(), func(t *testing.T) {
			r := tc.Run()
			switch {
			case r.Skipped:
				s.skipped++
				total.skipped++
				if !strings.Contains(r.Why, "outside the rule's validity") {
					t.Errorf("skipped for another reason than the clock: %s", r.Why)
				}
				t.Skip(r.Why)
			case r.OK:
				s.passed++
				total.passed++
			default:
				s.failed++
				total.failed++
				t.Errorf("%s (%q): %s", tc.File, tc.Name, r.Why)
			}
		})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-5s %5s %5s %6s %7s %6s\n", "set", "rules", "tests", "passed", "skipped", "failed")
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range sets {
			if !yield(k) {
				return
			}
		}
	}) {
		s := sets[name]
		fmt.Fprintf(&b, "%-5s %5d %5d %6d %7d %6d\n", name, s.rules, s.tests, s.passed, s.skipped, s.failed)
	}
	fmt.Fprintf(&b, "%-5s %5d %5d %6d %7d %6d", "all", total.rules, total.tests, total.passed, total.skipped, total.failed)
	t.Logf("business rules:\n%s", b.String())
	if total.rules != sharedRules || total.tests != sharedTests {
		t.Errorf("loaded %d tests of %d rules, want %d of %d", total.tests, total.rules, sharedTests, sharedRules)
	}
	if total.failed != 0 {
		t.Errorf("%d tests failed", total.failed)
	}
}
