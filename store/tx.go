package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// view runs a read transaction under guard.
func (db *DB) view(op string, fn func(tx *bolt.Tx) error) error {
	err := guard(func() error { return db.bolt.View(fn) })
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// update runs a write transaction under guard; it is fsync'd when update
// returns nil. A full disk comes back as ErrDiskFull.
func (db *DB) update(op string, fn func(tx *bolt.Tx) error) error {
	err := guard(func() error { return db.bolt.Update(fn) })
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrCorrupt), errors.Is(err, ErrInvalid):
		return fmt.Errorf("%s: %w", op, err)
	}
	return writeErr(op, err)
}
