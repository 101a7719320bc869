package certlogic_test

import (
	"path/filepath"
	"testing"

	"github.com/passgate/passgate/certlogic"
	"github.com/passgate/passgate/internal/testkit/shareddata"
)

// BenchmarkEval evaluates EU rules on their own test payloads, with the
// value sets of the test as the external data, as a kiosk does per scan.
func BenchmarkEval(b *testing.B) {
	root := shareddata.Dir(b, "business-rules")
	for _, c := range []struct{ rule, test string }{
		{"DE/VR-DE-0001", "test001"}, // the payload is empty
		{"DE/VR-DE-0001", "test004"}, // two doses of two
		{"DE/VR-DE-0003", "test008"}, // date arithmetic and a list of vaccines
	} {
		var rule struct{ Logic any }
		var tc struct{ Payload, External any }
		readJSONB(b, filepath.Join(root, c.rule, "rule.json"), &rule)
		readJSONB(b, filepath.Join(root, c.rule, "tests", c.test+".json"), &tc)
		e, err := certlogic.Compile(rule.Logic, certlogic.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		data := map[string]any{"payload": tc.Payload, "external": tc.External}
		b.Run(c.rule+"/"+c.test, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Eval(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	var rule struct{ Logic any }
	readJSONB(b, filepath.Join(shareddata.Dir(b, "business-rules"), "DE/VR-DE-0003/rule.json"), &rule)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := certlogic.Compile(rule.Logic, certlogic.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
