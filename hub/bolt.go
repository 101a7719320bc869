package hub

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// BoltFile is the name of the database file in the data directory.
const BoltFile = "hub.db"

// BoltOptions are the options of OpenBolt. The zero value is usable.
type BoltOptions struct {
	// LockTimeout is how long OpenBolt waits for another process to let
	// go of the database before it gives up with ErrLocked. Zero means
	// 500 ms. (bbolt itself would wait forever: an admin command run next
	// to a serving hub would hang.)
	LockTimeout time.Duration
	// BatchDelay is how long an entry write waits for others to share its
	// transaction (bbolt's DB.Batch): one commit and one fsync for the
	// batches of many kiosks. Longer means fewer, bigger commits under load
	// (the B+tree pages that several batches touch are written once), and
	// that much more latency for a lone kiosk's push, which nobody waits
	// for. Zero means 50 ms; it measured 20% more entries a second than
	// bbolt's 10 ms with 50 kiosks pushing.
	BatchDelay time.Duration
	// Now is the clock for the times the store records: kiosk added and
	// revoked, bundle published. Nil means time.Now.
	Now func() time.Time
}

// Bolt is a Store in one bbolt file: embedded, no server to run. One
// process at a time holds it (bbolt locks the file).
type Bolt struct {
	db     *bolt.DB
	now    func() time.Time
	bundle atomic.Pointer[Bundle] // cache of CurrentBundle; nil when none
}

var (
	bucketEntries = []byte("entries") // entry id → entry JSON
	bucketKiosks  = []byte("kiosks")  // kiosk id → kioskRecord JSON
	bucketTokens  = []byte("tokens")  // SHA-256 of a token → kiosk id
	bucketBundle  = []byte("bundle")  // keyBundleData, keyBundleMeta
	keyBundleData = []byte("data")
	keyBundleMeta = []byte("meta")
)

// kioskRecord is a Kiosk as stored, with the hash of its current token.
type kioskRecord struct {
	Kiosk
	TokenSHA256 []byte `json:"token_sha256"`
}

type bundleMeta struct {
	Sequence  uint64    `json:"sequence"`
	Published time.Time `json:"published"`
}

var _ Store = (*Bolt)(nil)

// OpenBolt opens or creates the store in dir (made with mode 0700 if it
// does not exist). ErrLocked when another process holds it.
func OpenBolt(dir string, opts *BoltOptions) (*Bolt, error) {
	var o BoltOptions
	if opts != nil {
		o = *opts
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = 500 * time.Millisecond
	}
	if o.BatchDelay <= 0 {
		o.BatchDelay = 50 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open hub store: %w", err)
	}
	path := filepath.Join(dir, BoltFile)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.LockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open hub store %s: %w (waited %s for its lock: is `passhub serve` running on it?)", path, ErrLocked, o.LockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open hub store %s: %w", path, err)
	}
	db.MaxBatchDelay = o.BatchDelay
	s := &Bolt{db: db, now: o.Now}
	if err := s.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open hub store %s: %w", path, err)
	}
	return s, nil
}

// init makes the buckets and loads the published bundle into the cache.
func (s *Bolt) init() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketEntries, bucketKiosks, bucketTokens, bucketBundle, bucketStatus} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := initAuthority(tx); err != nil {
			return err
		}
		if err := initIndex(tx); err != nil {
			return fmt.Errorf("index of entries by venue: %w", err)
		}
		b := tx.Bucket(bucketBundle)
		data, meta := b.Get(keyBundleData), b.Get(keyBundleMeta)
		if data == nil || meta == nil {
			return nil
		}
		var m bundleMeta
		if err := json.Unmarshal(meta, &m); err != nil {
			return fmt.Errorf("published bundle's record: %w", err)
		}
		// Copy: bytes from bbolt die with the transaction.
		s.bundle.Store(NewBundle(append([]byte(nil), data...), m.Sequence, m.Published))
		return nil
	})
}

// Close closes the database.
func (s *Bolt) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Bolt) Path() string { return s.db.Path() }

// PutBundle implements Store.
func (s *Bolt) PutBundle(ctx context.Context, data []byte, sequence uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data = append([]byte(nil), data...)
	bd := NewBundle(data, sequence, s.now().UTC())
	meta, err := json.Marshal(bundleMeta{Sequence: sequence, Published: bd.Published})
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketBundle)
		if err := b.Put(keyBundleData, data); err != nil {
			return err
		}
		return b.Put(keyBundleMeta, meta)
	})
	if err != nil {
		return fmt.Errorf("put bundle %d: %w", sequence, err)
	}
	s.bundle.Store(bd)
	return nil
}

// CurrentBundle implements Store.
func (s *Bolt) CurrentBundle(ctx context.Context) (*Bundle, error) {
	if b := s.bundle.Load(); b != nil {
		return b, nil
	}
	return nil, fmt.Errorf("bundle: %w: none published yet", ErrNotFound)
}

// AddKiosk implements Store.
func (s *Bolt) AddKiosk(ctx context.Context, venue, kiosk string) (string, error) {
	token, sum, err := NewToken(venue, kiosk)
	if err != nil {
		return "", err
	}
	rec := kioskRecord{Kiosk: Kiosk{ID: kiosk, Venue: venue, Added: s.now().UTC()}, TokenSHA256: sum[:]}
	v, err := json.Marshal(rec)
	if err != nil {
		return "", err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		kb := tx.Bucket(bucketKiosks)
		if old := kb.Get([]byte(kiosk)); old != nil {
			var o kioskRecord
			if err := json.Unmarshal(old, &o); err != nil {
				return fmt.Errorf("kiosk %s's record: %w", kiosk, err)
			}
			if o.Revoked.IsZero() {
				return fmt.Errorf("%w: kiosk %s (venue %s) is active; revoke it first to issue a new token", ErrExists, kiosk, o.Venue)
			}
		}
		if err := kb.Put([]byte(kiosk), v); err != nil {
			return err
		}
		return tx.Bucket(bucketTokens).Put(sum[:], []byte(kiosk))
	})
	if err != nil {
		return "", fmt.Errorf("add kiosk: %w", err)
	}
	return token, nil
}

// Kiosks implements Store.
func (s *Bolt) Kiosks(ctx context.Context) ([]Kiosk, error) {
	var out []Kiosk
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketKiosks).ForEach(func(k, v []byte) error {
			var r kioskRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("kiosk %s's record: %w", k, err)
			}
			out = append(out, r.Kiosk)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list kiosks: %w", err)
	}
	return out, nil
}

// RevokeKiosk implements Store.
func (s *Bolt) RevokeKiosk(ctx context.Context, kiosk string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		kb := tx.Bucket(bucketKiosks)
		v := kb.Get([]byte(kiosk))
		if v == nil {
			return fmt.Errorf("%w: no kiosk %q", ErrNotFound, kiosk)
		}
		var r kioskRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("kiosk %s's record: %w", kiosk, err)
		}
		if !r.Revoked.IsZero() {
			return nil
		}
		r.Revoked = s.now().UTC()
		nv, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketTokens).Delete(r.TokenSHA256); err != nil {
			return err
		}
		return kb.Put([]byte(kiosk), nv)
	})
	if err != nil {
		return fmt.Errorf("revoke kiosk: %w", err)
	}
	return nil
}

// Authenticate implements Store.
func (s *Bolt) Authenticate(ctx context.Context, token string) (Kiosk, error) {
	// A token is 43 characters; refuse anything else before hashing.
	if len(token) != base64.RawURLEncoding.EncodedLen(32) {
		return Kiosk{}, ErrUnauthorized
	}
	sum := TokenSum(token)
	var r kioskRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketTokens).Get(sum[:])
		if id == nil {
			return ErrUnauthorized
		}
		v := tx.Bucket(bucketKiosks).Get(id)
		if v == nil {
			return ErrUnauthorized
		}
		return json.Unmarshal(v, &r)
	})
	if err != nil {
		if errors.Is(err, ErrUnauthorized) {
			return Kiosk{}, err
		}
		return Kiosk{}, fmt.Errorf("authenticate: %w", err)
	}
	// The token index and the record agree unless a revoked kiosk was
	// added again; only the record's token counts.
	if !r.Revoked.IsZero() || string(r.TokenSHA256) != string(sum[:]) {
		return Kiosk{}, ErrUnauthorized
	}
	return r.Kiosk, nil
}
