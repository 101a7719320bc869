package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Setting returns a copy of the named setting; ok is false when it is not
// set.
func (db *DB) Setting(name string) (value []byte, ok bool, err error) {
	err = db.view("read setting "+name, func(tx *bolt.Tx) error {
		// bbolt's bytes die with the transaction: copy them out.
		if v := tx.Bucket(bucketSettings).Get([]byte(name)); v != nil {
			value, ok = bytes.Clone(v), true
		}
		return nil
	})
	return value, ok, err
}

// SetSetting stores a setting durably. The venue secret may be set (every
// kiosk of a venue should share it, so repeat visits link across kiosks)
// but not shorter than 16 bytes.
func (db *DB) SetSetting(name string, value []byte) error {
	switch {
	case name == "":
		return errors.New("set setting: no name")
	case name == VenueSecretKey && len(value) < 16:
		return fmt.Errorf("set setting %s: %d bytes, want at least 16", name, len(value))
	}
	return db.update("set setting "+name, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSettings).Put([]byte(name), bytes.Clone(value))
	})
}

// VenueSecret is the key of the holder pseudonyms (entry.Pseudonym): made
// from Options.Rand when the register was created, and kept in it.
func (db *DB) VenueSecret() ([]byte, error) {
	v, ok, err := db.Setting(VenueSecretKey)
	if err == nil && !ok {
		err = fmt.Errorf("venue secret: %w: not in the register", ErrCorrupt)
	}
	return v, err
}

// BundleMeta describes the trust bundle file cached beside the register.
type BundleMeta struct {
	Sequence   uint64    `json:"sequence"`
	Issued     time.Time `json:"issued"`
	ValidUntil time.Time `json:"valid_until"`
	SHA256     string    `json:"sha256"` // hex, of the cached bundle file
}

var keyBundleMeta = []byte("meta")

// BundleMeta returns the cached bundle's metadata; ok is false when no
// bundle was cached yet.
func (db *DB) BundleMeta() (m BundleMeta, ok bool, err error) {
	err = db.view("read bundle metadata", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketBundle)
		ok = b.Get(keyBundleMeta) != nil
		return getJSON(b, keyBundleMeta, &m)
	})
	return m, ok, err
}

// SetBundleMeta stores the metadata of a newly cached bundle. It does not
// check that the sequence goes up: uplink does, before it keeps a bundle.
func (db *DB) SetBundleMeta(m BundleMeta) error {
	return db.update("set bundle metadata", func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketBundle), keyBundleMeta, &m)
	})
}
