package store_test

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/store"
)

// seoul is where the test venue is; its days start at 15:00 UTC.
var seoul = time.FixedZone("KST", 9*3600)

// testNow is the test clock: 2021-12-13 12:00 in Seoul, the lunchtime the
// central check-in servers fell over.
var testNow = time.Date(2021, 12, 13, 12, 0, 0, 0, seoul)

func TestMain(m *testing.M) {
	if path := os.Getenv("STORE_TEST_HOLD"); path != "" {
		os.Exit(holdLock(path))
	}
	code := m.Run()
	cleanupBench()
	os.Exit(code)
}

// holdLock is the child process of TestLockOtherProcess: it opens the
// register, says so, and holds it until its standard input closes.
func holdLock(path string) int {
	db, err := store.Open(store.Options{Path: path})
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("held")
	_, _ = io.Copy(io.Discard, os.Stdin)
	db.Close()
	return 0
}

// testOptions are the options of a register in a fresh temporary folder,
// with the test clock and a fixed source of randomness.
func testOptions(t testing.TB) store.Options {
	return store.Options{
		Path:     filepath.Join(t.TempDir(), "register.db"),
		Now:      func() time.Time { return testNow },
		Location: seoul,
		Rand:     rand.NewChaCha8([32]byte{7}),
	}
}

// mustOpen opens a register that is closed when the test ends.
func mustOpen(t testing.TB, o store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// mustOpenDB opens a new register in a temporary folder.
func mustOpenDB(t testing.TB) *store.DB {
	t.Helper()
	return mustOpen(t, testOptions(t))
}

// maker makes valid entries with increasing ids.
type maker struct {
	ids *entry.IDs
	r   *rand.Rand
}

func newMaker(seed uint64) *maker {
	return &maker{
		ids: entry.NewIDs(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 1})),
		r:   rand.New(rand.NewPCG(seed, 2)),
	}
}

// at makes an entry at t with the given outcome and method.
func (m *maker) at(t testing.TB, at time.Time, o entry.Outcome, meth entry.Method) entry.Entry {
	t.Helper()
	id, err := m.ids.New(at)
	if err != nil {
		t.Fatal(err)
	}
	e := entry.Entry{ID: id, Time: at.UTC(), Venue: "venue-1", Kiosk: "kiosk-1", Method: meth, Outcome: o,
		Format: "eu-dcc", Type: "v", Country: "KR", Holder: entry.Pseudonym([]byte("secret"), id)}
	if o == entry.Refused {
		e.Reason = "expired"
	}
	if meth == entry.Manual {
		e.Staff, e.Reason, e.Note = "staff-7", "paper-certificate", "showed a paper certificate"
	}
	return e
}

// many makes n entries from start, step apart, cycling through the
// outcomes and methods.
func (m *maker) many(t testing.TB, n int, start time.Time, step time.Duration) []entry.Entry {
	t.Helper()
	outcomes := []entry.Outcome{entry.Admitted, entry.Admitted, entry.Refused}
	methods := []entry.Method{entry.Camera, entry.ScannerDevice, entry.Camera, entry.Manual}
	es := make([]entry.Entry, n)
	for i := range es {
		es[i] = m.at(t, start.Add(time.Duration(i)*step), outcomes[i%len(outcomes)], methods[i%len(methods)])
	}
	return es
}

func ids(es []entry.Entry) []string {
	out := make([]string, len(es))
	for i := range es {
		out[i] = es[i].ID
	}
	return out
}

// readFile is the contents of a file, to check that it did not change.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readLine reads one line from r, failing after d.
func readLine(t testing.TB, r io.Reader, d time.Duration) string {
	t.Helper()
	ch := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		ch <- s
	}()
	select {
	case s := <-ch:
		return s
	case <-time.After(d):
		t.Fatal("no line within", d)
	}
	return ""
}
