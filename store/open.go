package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The buckets of a register.
var (
	bucketEntries  = []byte("entries")  // entry id → entry JSON
	bucketPending  = []byte("pending")  // entry id → nothing: not yet acknowledged by the hub
	bucketBundle   = []byte("bundle")   // "meta" → BundleMeta JSON
	bucketSettings = []byte("settings") // name → value
	bucketMeta     = []byte("meta")     // "format", "tally": the running counters
	bucketSlots    = []byte("slots")    // quarter hour (8 bytes, big endian) → Counts JSON

	allBuckets = [][]byte{bucketEntries, bucketPending, bucketBundle, bucketSettings, bucketMeta, bucketSlots}
)

// Keys of the meta bucket.
var (
	keyFormat = []byte("format")
	keyTally  = []byte("tally")
)

// format names the layout of the register, so a later version can tell an
// old file from a foreign one.
const format = "passgate-register-1"

// VenueSecretKey is the setting holding the venue secret (see VenueSecret).
const VenueSecretKey = "venue-secret"

// venueSecretLen is the size of a generated venue secret; SetSetting takes
// no shorter one.
const venueSecretLen = 32

// DB is an open register. It is safe for concurrent use: bbolt runs one
// writer at a time and readers alongside.
type DB struct {
	bolt *bolt.DB
	opts Options
}

// Open opens the register at o.Path, making it when the file does not
// exist. An existing file is first read read-only and checked (layout,
// length, counters, bbolt's page check); a file that fails gives ErrCorrupt
// and is left untouched. A file held by another process gives ErrLocked
// after o.LockTimeout.
func Open(o Options) (*DB, error) {
	o = o.withDefaults()
	if o.Path == "" {
		return nil, errors.New("open register: no path")
	}
	deadline := time.Now().Add(o.LockTimeout)
	remaining := func() time.Duration {
		// bbolt waits forever on a zero timeout: never hand it one.
		return max(time.Until(deadline), time.Nanosecond)
	}

	st, err := os.Stat(o.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := create(o); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("open register: %w", err)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("open register %s: %w: not a regular file", o.Path, ErrCorrupt)
	case st.Size() == 0:
		// A register is never empty on disk (create writes it whole before
		// it takes this name), so this is a damaged one: bbolt would
		// silently start a new register in it.
		return nil, fmt.Errorf("open register %s: %w: the file is empty", o.Path, ErrCorrupt)
	}

	if err := inspect(o.Path, remaining()); err != nil {
		return nil, fmt.Errorf("open register %s: %w", o.Path, err)
	}
	var b *bolt.DB
	err = guard(func() error {
		var err error
		b, err = bolt.Open(o.Path, 0o600, &bolt.Options{Timeout: remaining()})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open register %s: %w", o.Path, openErr(err))
	}
	db := &DB{bolt: b, opts: o}
	if err := db.ensureSecret(); err != nil {
		b.Close()
		return nil, fmt.Errorf("open register %s: %w", o.Path, err)
	}
	return db, nil
}

// Close closes the register; it waits for running transactions.
func (db *DB) Close() error {
	return db.bolt.Close()
}

// Path is the file of the register.
func (db *DB) Path() string { return db.bolt.Path() }

// create makes a new register beside path and links it into place, so
// that a file at path is always a whole register: a crash half way leaves
// only a stray temporary file, and two processes creating at once end up
// sharing one register.
func create(o Options) error {
	dir := filepath.Dir(o.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return writeErr("create register", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(o.Path)+".new-*")
	if err != nil {
		return writeErr("create register", err)
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)

	secret := make([]byte, venueSecretLen)
	if _, err := io.ReadFull(o.Rand, secret); err != nil {
		return fmt.Errorf("create register: venue secret: %w", err)
	}
	b, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: o.LockTimeout})
	if err != nil {
		return writeErr("create register", err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keyFormat, []byte(format)); err != nil {
			return err
		}
		if err := putJSON(meta, keyTally, &tally{}); err != nil {
			return err
		}
		return tx.Bucket(bucketSettings).Put([]byte(VenueSecretKey), secret)
	})
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return writeErr("create register", err)
	}
	// Link, unlike rename, never replaces a register another process
	// made meanwhile.
	if err := os.Link(tmp, o.Path); err != nil && !errors.Is(err, fs.ErrExist) {
		return writeErr("create register", err)
	}
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return writeErr("create register", err)
		}
	}
	return nil
}

// inspect opens the file read-only, so that nothing can be written to it,
// and checks it whole. The first pass only compares the file's length with
// the pages its meta page claims, so that a file cut short gets a plain
// message rather than a fault from bbolt reading past its end.
func inspect(path string, timeout time.Duration) error {
	if err := inspectWith(path, timeout, false, checkSize); err != nil {
		return err
	}
	prefetch(path)
	return inspectWith(path, timeout, true, checkTx)
}

// prefetch reads the file once from start to end. The check then finds
// every page in memory: bbolt's pages lie in no particular order on disk,
// and faulting them in one by one after a boot reads the disk at random,
// thirty times slower than this (10 s against 0.35 s for 1.5 million
// entries on the development machine). Errors are left to the check.
func prefetch(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for {
		if _, err := f.Read(buf); err != nil {
			return
		}
	}
}

// inspectWith opens the file read-only, with or without bbolt reading its
// free page list, and runs check in a read transaction, all under guard.
func inspectWith(path string, timeout time.Duration, freelist bool, check func(tx *bolt.Tx, fileSize int64) error) error {
	var file *os.File
	openFile := func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	var b *bolt.DB
	err := guard(func() error {
		var err error
		b, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout,
			PreLoadFreelist: freelist, OpenFile: openFile})
		if err != nil {
			return openErr(err)
		}
		st, err := file.Stat()
		if err != nil {
			return err
		}
		return b.View(func(tx *bolt.Tx) error { return check(tx, st.Size()) })
	})
	switch {
	case b != nil:
		if cerr := b.Close(); err == nil {
			err = cerr
		}
	case file != nil:
		file.Close() // bbolt panicked inside Open: let go of the lock ourselves
	}
	return err
}

// openErr sorts what bbolt's Open returns: a held lock, a damaged file, or
// an I/O error of the system (permissions, a failing disk) that says
// nothing about the file's contents.
func openErr(err error) error {
	var errno syscall.Errno
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("%w (waited for its lock)", ErrLocked)
	case errors.Is(err, ErrCorrupt), errors.Is(err, ErrLocked):
		return err
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch):
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	case errors.As(err, &pathErr), errors.As(err, &errno):
		return writeErr("bbolt", err)
	}
	// bbolt's other refusals ("file size too small", "invalid page size")
	// are about the file's contents.
	return fmt.Errorf("%w: %w", ErrCorrupt, err)
}

// checkSize tells a file cut short.
func checkSize(tx *bolt.Tx, fileSize int64) error {
	if need := tx.Size(); need > fileSize {
		return fmt.Errorf("%w: cut short: the file has %d bytes, its pages reach %d", ErrCorrupt, fileSize, need)
	}
	return nil
}

// checkTx checks a register read-only: its layout, that its keys are in
// order and its counters match, then bbolt's page check.
func checkTx(tx *bolt.Tx, _ int64) error {
	for _, name := range allBuckets {
		if tx.Bucket(name) == nil {
			return fmt.Errorf("%w: no %q bucket", ErrCorrupt, name)
		}
	}
	meta := tx.Bucket(bucketMeta)
	if f := meta.Get(keyFormat); string(f) != format {
		return fmt.Errorf("%w: format %q, want %q", ErrCorrupt, f, format)
	}
	var t tally
	if err := getJSON(meta, keyTally, &t); err != nil {
		return err
	}
	counts := map[string]int{}
	for _, name := range allBuckets {
		var prev []byte
		c := tx.Bucket(name).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if prev != nil && bytes.Compare(prev, k) >= 0 {
				return fmt.Errorf("%w: bucket %s: keys out of order at %q", ErrCorrupt, name, k)
			}
			prev = append(prev[:0], k...)
			counts[string(name)]++
		}
	}
	if n := counts[string(bucketEntries)]; n != t.held() {
		return fmt.Errorf("%w: %d entries, the counters say %d", ErrCorrupt, n, t.held())
	}
	if n := counts[string(bucketPending)]; n != t.Pending {
		return fmt.Errorf("%w: %d entries pending, the counters say %d", ErrCorrupt, n, t.Pending)
	}
	entries := tx.Bucket(bucketEntries)
	c := tx.Bucket(bucketPending).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if entries.Get(k) == nil {
			return fmt.Errorf("%w: pending entry %s is not in the register", ErrCorrupt, k)
		}
	}
	// The walk above touched every page of every bucket under guard, so
	// bbolt's check, which runs in a goroutine of its own, does not fault.
	var errs []error
	for err := range tx.Check() {
		if len(errs) < 5 {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrCorrupt, errors.Join(errs...))
	}
	return nil
}

// ensureSecret makes the venue secret of a register that lacks it.
func (db *DB) ensureSecret() error {
	if _, ok, err := db.Setting(VenueSecretKey); err != nil || ok {
		return err
	}
	secret := make([]byte, venueSecretLen)
	if _, err := io.ReadFull(db.opts.Rand, secret); err != nil {
		return fmt.Errorf("venue secret: %w", err)
	}
	return db.SetSetting(VenueSecretKey, secret)
}

// putJSON stores v as JSON under key.
func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// getJSON reads the JSON under key into v; a missing key leaves v as it
// is, unreadable JSON is ErrCorrupt.
func getJSON(b *bolt.Bucket, key []byte, v any) error {
	raw := b.Get(key)
	if raw == nil {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrCorrupt, key, err)
	}
	return nil
}
