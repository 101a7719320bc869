package framegen_test

import (
	"sync"
	"testing"

	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/internal/testkit/shareddata"
)

// The sources are loaded once for all tests.
var (
	loadPasses = sync.OnceValues(func() ([]framegen.Source, error) {
		return framegen.LoadPasses("../../../testdata/passes")
	})
	loadDCC = sync.OnceValues(func() ([]framegen.Source, error) {
		return framegen.LoadDCC(shareddata.Root() + "/testdata/dgc-testdata")
	})
)

// passes returns the project's fixture passes, which are always there.
func passes(t testing.TB) []framegen.Source {
	t.Helper()
	srcs, err := loadPasses()
	if err != nil {
		t.Fatal(err)
	}
	return srcs
}

// sources returns the fixture passes and the DCC images of the shared test
// data; without the shared data the test is skipped.
func sources(t testing.TB) []framegen.Source {
	t.Helper()
	shareddata.Dir(t, "dgc-testdata")
	dcc, err := loadDCC()
	if err != nil {
		t.Fatal(err)
	}
	return append(passes(t), dcc...)
}
