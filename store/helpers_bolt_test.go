package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	bolt "go.etcd.io/bbolt"

	"github.com/passgate/passgate/store"
)

// scribbleEntry replaces the stored JSON of an entry behind the store's
// back, as a bad disk block would.
func scribbleEntry(t *testing.T, path, id string, raw []byte) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("entries")).Put([]byte(id), raw)
	}); err != nil {
		t.Fatal(err)
	}
}

// cmpStats compares stats, times by instant and empty maps as missing.
func cmpStats(want, got store.Stats) string {
	return cmp.Diff(want, got, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }))
}
