package store_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/passgate/passgate/store"
)

func TestLock(t *testing.T) {
	o := testOptions(t)
	mustOpen(t, o)
	for _, tc := range []struct {
		timeout, atMost time.Duration
	}{
		{100 * time.Millisecond, 700 * time.Millisecond},
		{0, 1700 * time.Millisecond}, // the default: one second
	} {
		o.LockTimeout = tc.timeout
		start := time.Now()
		db, err := store.Open(o)
		took := time.Since(start)
		if err == nil {
			db.Close()
		}
		if !errors.Is(err, store.ErrLocked) {
			t.Errorf("second open (timeout %v): %v, want ErrLocked", tc.timeout, err)
		}
		if took > tc.atMost {
			t.Errorf("second open (timeout %v) took %v, want at most %v", tc.timeout, took, tc.atMost)
		}
	}
}

// TestLockOtherProcess holds the register in a child process, as a second
// kiosk would.
func TestLockOtherProcess(t *testing.T) {
	o := testOptions(t)
	db, err := store.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "STORE_TEST_HOLD="+o.Path)
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		if err := child.Wait(); err != nil {
			t.Errorf("child: %v", err)
		}
	}()
	if line := readLine(t, stdout, 10*time.Second); line != "held\n" {
		t.Fatalf("child said %q", line)
	}

	o.LockTimeout = 200 * time.Millisecond
	start := time.Now()
	db, err = store.Open(o)
	if err == nil {
		db.Close()
	}
	if !errors.Is(err, store.ErrLocked) || time.Since(start) > time.Second {
		t.Errorf("open while another process holds it: %v after %v, want ErrLocked within a second", err, time.Since(start))
	}
}

// TestCorrupt opens damaged files: each must give ErrCorrupt, and leave the
// file exactly as it was.
func TestCorrupt(t *testing.T) {
	dir := t.TempDir()
	o := testOptions(t)
	db := mustOpen(t, o)
	if err := db.RecordAll(newMaker(10).many(t, 3000, testNow.Add(-time.Hour), time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	good := readFile(t, o.Path)
	const page = 4096
	var used int // bbolt's high-water mark: the file is longer, grown ahead
	rb, err := bolt.Open(o.Path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_ = rb.View(func(tx *bolt.Tx) error { used = int(tx.Size()); return nil })
	rb.Close()
	if len(good) < 40*page {
		t.Fatalf("register of %d bytes is too small to damage", len(good))
	}

	r := rand.New(rand.NewPCG(1, 2))
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	scribble := func(from, n int) []byte {
		b := bytes.Clone(good)
		copy(b[from:], noise(n))
		return b
	}
	foreign := filepath.Join(dir, "foreign.db")
	fb, err := bolt.Open(foreign, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := fb.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("something else"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	}); err != nil {
		t.Fatal(err)
	}
	fb.Close()

	for name, content := range map[string][]byte{
		"garbage":              noise(64 << 10),
		"text":                 []byte("this is not a register\n"),
		"empty":                {},
		"one page":             good[:page],
		"cut to two pages":     good[:2*page],
		"cut in half":          good[:len(good)/2],
		"last page missing":    good[:used-page],
		"meta pages scribbled": scribble(0, 2*page),
		"page scribbled":       scribble(len(good)/2/page*page, page),
		"pages scribbled":      scribble(3*page, 8*page),
		"another bbolt file":   readFile(t, foreign),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "register.db")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			o := testOptions(t)
			o.Path = path
			db, err := store.Open(o)
			if err == nil {
				db.Close()
			}
			t.Log(err)
			if !errors.Is(err, store.ErrCorrupt) {
				t.Errorf("Open: %v, want ErrCorrupt", err)
			} else if !strings.Contains(err.Error(), path) {
				t.Errorf("the error does not name the file: %v", err)
			}
			if !bytes.Equal(readFile(t, path), content) {
				t.Error("the file changed")
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*")); len(left) != 1 {
				t.Errorf("files left beside the register: %v", left)
			}
		})
	}
}

// TestCreate checks a new register: made with its folder, private, and
// opened again as it was.
func TestCreate(t *testing.T) {
	o := testOptions(t)
	o.Path = filepath.Join(t.TempDir(), "state", "passgate", "register.db")
	db := mustOpen(t, o)
	st, err := os.Stat(o.Path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("register mode %v, want 0600", st.Mode().Perm())
	}
	if st, err := os.Stat(filepath.Dir(o.Path)); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("register folder: %v, %v; want mode 0700", st.Mode(), err)
	}
	if db.Path() != o.Path {
		t.Errorf("Path() = %s, want %s", db.Path(), o.Path)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(o.Path), "*")); len(left) != 1 {
		t.Errorf("files left beside the register: %v", left)
	}
	if _, err := store.Open(store.Options{}); err == nil {
		t.Error("Open without a path succeeded")
	}
}

func TestDefaultPath(t *testing.T) {
	for _, tc := range []struct {
		env     map[string]string
		want    string
		wantErr bool
	}{
		{env: map[string]string{"XDG_STATE_HOME": "/var/state", "HOME": "/home/k"}, want: "/var/state/passgate/register.db"},
		{env: map[string]string{"HOME": "/home/k"}, want: "/home/k/.local/state/passgate/register.db"},
		{env: map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/k"}, want: "/home/k/.local/state/passgate/register.db"},
		{env: map[string]string{}, wantErr: true},
	} {
		got, err := store.DefaultPath(func(k string) string { return tc.env[k] })
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("DefaultPath(%v) = %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
}
