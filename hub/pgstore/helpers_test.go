package pgstore_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/pgstore"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// t0 is lunchtime on 13 December 2021 in Seoul, when Korea's central
// check-in servers fell over.
var t0 = time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)

var ctx = context.Background()

// at0 is a clock stopped at t0.
func at0() time.Time { return t0 }

// mustOpen opens a store on the database at url, with its clock at t0,
// closed at the end of the test.
func mustOpen(t testing.TB, url string) *pgstore.Store {
	t.Helper()
	return mustOpenWith(t, url, &pgstore.Options{Now: at0})
}

func mustOpenWith(t testing.TB, url string, o *pgstore.Options) *pgstore.Store {
	t.Helper()
	st, err := pgstore.Open(ctx, url, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// conn is a connection of the test's own to the database at url, closed
// at the end of the test.
func conn(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// makeEntries makes n valid entries of a kiosk a second apart from start,
// ids from seed.
func makeEntries(t testing.TB, venue, kiosk string, seed uint64, start time.Time, step time.Duration, n int) []entry.Entry {
	t.Helper()
	ids := entry.NewIDs(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), 1}))
	out := make([]entry.Entry, n)
	for i := range out {
		at := start.Add(time.Duration(i) * step)
		id, err := ids.New(at)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = entry.Entry{ID: id, Time: at, Venue: venue, Kiosk: kiosk, Method: entry.Camera, Outcome: entry.Admitted,
			Format: "eu-dcc", Type: "v", Country: "KR", Holder: strings.Repeat("ab", 32)}
	}
	return out
}

func ids(es []entry.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// exported is every entry of the store, in the order of the export.
func exported(t testing.TB, st hub.Store) []entry.Entry {
	t.Helper()
	var out []entry.Entry
	if err := st.ExportEntries(ctx, time.Time{}, func(e entry.Entry) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// partitions lists the partitions of entries, by name, from pg_inherits.
func partitions(t testing.TB, c *pgx.Conn) []string {
	t.Helper()
	rows, err := c.Query(ctx, `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'entries'::regclass ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// eventually waits up to d for ok to hold, checking every 20 ms.
func eventually(d time.Duration, ok func() bool) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(20 * time.Millisecond) {
		if ok() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}
