//go:build linux

package store_test

import (
	"os"
	"testing"

	"github.com/passgate/passgate/store"
	"golang.org/x/sys/unix"
)

// BenchmarkOpenLargeCold opens the large register after dropping its pages
// from the page cache, as after the kiosk boots: the check then reads the
// whole file from disk.
func BenchmarkOpenLargeCold(b *testing.B) {
	path := largeRegister(b)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if err := dropCache(path); err != nil {
			b.Skip("cannot drop the file from the page cache:", err)
		}
		b.StartTimer()
		db, err := store.Open(store.Options{Path: path})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// dropCache asks the kernel to forget the cached pages of one file.
func dropCache(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return err
	}
	// unix.Fadvise, not the raw syscall: its number differs on 32-bit ARM.
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
