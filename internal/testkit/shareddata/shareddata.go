// Package shareddata locates the project's shared test data (the EU DCC
// vectors, QR images, schemas, trust lists) for tests. The data is not in the
// repository: tests read it from $PASSGATE_SHARED (default ../shared relative
// to the module root), skip with a clear message when it is missing, and fail
// instead when PASSGATE_REQUIRE_SHARED=1 (as CI sets).
package shareddata

import (
	"os"
	"path/filepath"
	"runtime"
)

// TB is the subset of testing.TB that Dir needs; taking an interface keeps
// the testing package out of non-test binaries that import this package.
type TB interface {
	Helper()
	Skipf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Root returns the shared folder: $PASSGATE_SHARED, else ../shared beside the
// module root. It does not check that the folder exists.
func Root() string {
	if d := os.Getenv("PASSGATE_SHARED"); d != "" {
		return d
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("..", "shared")
	}
	// file is <module>/internal/testkit/shareddata/shareddata.go
	module := filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(file))))
	return filepath.Join(filepath.Dir(module), "shared")
}

// Dir returns the path of testdata/<sub> inside the shared folder. When it is
// missing the test is skipped, or fails when PASSGATE_REQUIRE_SHARED=1.
func Dir(t TB, sub string) string {
	t.Helper()
	dir := filepath.Join(Root(), "testdata", sub)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("PASSGATE_REQUIRE_SHARED") == "1" {
			t.Fatalf("shared test data %s is missing (PASSGATE_REQUIRE_SHARED=1): %v", dir, err)
		}
		t.Skipf("shared test data %s not found; set PASSGATE_SHARED to the shared folder to run this test", dir)
	}
	return dir
}
