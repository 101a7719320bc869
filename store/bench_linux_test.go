//go:build linux

package store_test

import (
	"os"
	"syscall"
	"testing"

	"github.com/passgate/passgate/store"
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
	const fadvDontNeed = 4
	if _, _, errno := syscall.Syscall6(syscall.SYS_FADVISE64, f.Fd(), 0, 0, fadvDontNeed, 0, 0); errno != 0 {
		return errno
	}
	return nil
}
