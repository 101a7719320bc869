//go:build linux

package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/passgate/passgate/store"
)

// TestDiskFull fills a small tmpfs: Record must say ErrDiskFull, and every
// entry recorded before must still be there, before and after reopening.
// Mounting needs root (CI runs as root); elsewhere the test is skipped.
func TestDiskFull(t *testing.T) {
	mnt := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(mnt, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=256k"); err != nil {
		t.Skipf("cannot mount a small tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(mnt, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", mnt, err)
		}
	})
	o := testOptions(t)
	o.Path = filepath.Join(mnt, "register.db")
	db, err := store.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	es := newMaker(50).many(t, 5000, testNow, time.Second)
	n := 0
	for ; n < len(es); n++ {
		if err = db.Record(es[n]); err != nil {
			break
		}
	}
	if !errors.Is(err, store.ErrDiskFull) {
		db.Close()
		t.Fatalf("after %d entries: %v, want ErrDiskFull", n, err)
	}
	t.Logf("%d entries fit; then: %v", n, err)
	check := func(when string) {
		st, err := db.Stats()
		if err != nil || st.Total != n || st.Pending != n {
			t.Errorf("%s: stats %+v, %v; want %d entries", when, st, err, n)
		}
		got, err := db.Pending(0)
		if err != nil || len(got) != n || got[n-1].ID != es[n-1].ID {
			t.Errorf("%s: %d pending, %v; want %d", when, len(got), err, n)
		}
	}
	check("disk full")
	if err := db.Record(es[n]); !errors.Is(err, store.ErrDiskFull) {
		t.Errorf("second try: %v, want ErrDiskFull", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = store.Open(o); err != nil {
		t.Fatalf("reopen on a full disk: %v", err)
	}
	defer db.Close()
	check("reopened")
	// Once the hub has half of them and they are purged, their pages are
	// free inside the file, and recording goes on without growing it.
	if err := db.Ack(ids(es[:n/2])); err != nil {
		t.Fatalf("ack on a full disk: %v", err)
	}
	if purged, _, err := db.Purge(testNow.Add(time.Hour)); err != nil || purged != n/2 {
		t.Fatalf("purge on a full disk: %d, %v; want %d", purged, err, n/2)
	}
	for i := n; i < n+10; i++ {
		if err := db.Record(es[i]); err != nil {
			t.Fatalf("record after purge: %v", err)
		}
	}
}
