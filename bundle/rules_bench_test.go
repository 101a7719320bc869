//go:build unix

package bundle_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/rules"
)

// cpuTime is the CPU time the process used so far, user and system: on a
// busy shared machine it swings much less than wall time. (Hence unix
// only: getrusage.)
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// policy300 is a policy of 300 distinct rules of one country, XX: the
// shared business rules (every set's rule.json), taken in turn and
// re-identified as PREFIX-XX-NNNN (NNNN from 0001 to 0300, the prefix and
// everything else kept), with the EU value sets of dcc-valuesets.
func policy300(b testing.TB) *rules.Policy {
	b.Helper()
	root := shareddata.Dir(b, "business-rules")
	files, err := filepath.Glob(filepath.Join(root, "*", "*", "rule.json"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no shared rules in %s (%v)", root, err)
	}
	p := &rules.Policy{Name: "bench-300", Country: "XX", ValueSets: map[string]*rules.ValueSet{}}
	for i := range 300 {
		raw, err := os.ReadFile(files[i%len(files)])
		if err != nil {
			b.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			b.Fatal(err)
		}
		id, _ := m["Identifier"].(string)
		m["Identifier"] = fmt.Sprintf("%s-XX-%04d", id[:2], i+1)
		m["Country"] = "XX"
		delete(m, "Region")
		doc, err := json.Marshal(m)
		if err != nil {
			b.Fatal(err)
		}
		rs, err := rules.ParseRules(doc)
		if err != nil {
			b.Fatalf("%s as %s: %v", files[i%len(files)], m["Identifier"], err)
		}
		p.Rules = append(p.Rules, rs...)
	}
	vsFiles, err := filepath.Glob(filepath.Join(shareddata.Dir(b, "dcc-valuesets"), "*.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range vsFiles {
		if strings.HasSuffix(f, "encoding-instructions.json") { // layout of a value set, no codes
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		vs, err := rules.ParseValueSets(raw)
		if err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		for _, v := range vs {
			p.ValueSets[v.ID] = v
		}
	}
	return p
}

// BenchmarkLoad300Rules loads a signed bundle whose policy carries 300
// rules and the EU value sets: the manifest's signature, the policy part's
// SHA-256, its parse (every rule checked against the schema and compiled)
// and index, as a kiosk does on every new bundle. The bundle has no keys or
// revocations, so the time is the policy's. policy-bytes is the size of the
// policy part, cpu-ns/op the process's CPU time per load.
func BenchmarkLoad300Rules(b *testing.B) {
	p := policy300(b)
	data, err := bundle.Sign(&bundle.Spec{Sequence: 1, IssuedAt: t0, ValidUntil: t0.Add(72 * time.Hour), Policy: p}, seedKey)
	if err != nil {
		b.Fatal(err)
	}
	bd, err := bundle.Load(data, pinned, nil, t0)
	if err != nil {
		b.Fatal(err)
	}
	info := bd.Info()
	if n := len(info.Policy.Rules); n != 300 {
		b.Fatalf("%d rules loaded, want 300", n)
	}
	b.Logf("bundle of %d bytes, policy part %d bytes: %d rules, %d value sets",
		len(data), info.PolicySize, len(info.Policy.Rules), len(info.Policy.ValueSets))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := bundle.Load(data, pinned, nil, t0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(info.PolicySize), "policy-bytes")
}
