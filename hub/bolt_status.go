package hub

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// bucketStatus holds each kiosk's last status: kiosk id → KioskStatus JSON.
var bucketStatus = []byte("status")

// PutStatus implements StatusStore. The kiosk must be one the store knows
// (ErrNotFound otherwise); a zero Seen is the store's clock.
func (s *Bolt) PutStatus(ctx context.Context, st KioskStatus) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := CheckStatus(st); err != nil {
		return fmt.Errorf("put status: %w", err)
	}
	st = st.Normal(s.now)
	v, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("put status of kiosk %s: %w", st.Kiosk, err)
	}
	// Batch: a status comes with every push round of every kiosk, and
	// shares its commit with the others'.
	err = s.db.Batch(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketKiosks).Get([]byte(st.Kiosk)) == nil {
			return fmt.Errorf("%w: no kiosk %q", ErrNotFound, st.Kiosk)
		}
		return tx.Bucket(bucketStatus).Put([]byte(st.Kiosk), v)
	})
	if err != nil {
		return fmt.Errorf("put status of kiosk %s: %w", st.Kiosk, err)
	}
	return nil
}

// Statuses implements StatusStore.
func (s *Bolt) Statuses(ctx context.Context) ([]KioskStatus, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []KioskStatus
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketStatus).ForEach(func(k, v []byte) error {
			var st KioskStatus
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("kiosk %s's status: %w", k, err)
			}
			out = append(out, st.utc())
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list statuses: %w", err)
	}
	return out, nil
}
