package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The buckets of users and sessions are made by the first write to them
// (a View finds none in a store that never had a user).
var (
	bucketUsers    = []byte("users")    // user name → userRecord JSON
	bucketSessions = []byte("sessions") // SHA-256 of a session token → sessionRecord JSON
)

type userRecord struct {
	User
	Hash string `json:"hash"` // HashPassword's
}

type sessionRecord struct {
	User    string    `json:"user"`
	Expires time.Time `json:"expires"`
}

var _ UserStore = (*Bolt)(nil)

// AddUser implements UserStore.
func (s *Bolt) AddUser(ctx context.Context, name string, role Role, password string) error {
	if err := CheckUser(name, role, password); err != nil {
		return err
	}
	v, err := json.Marshal(userRecord{User: User{Name: name, Role: role, Added: s.now().UTC()}, Hash: HashPassword(password)})
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketUsers)
		if err != nil {
			return err
		}
		if b.Get([]byte(name)) != nil {
			return fmt.Errorf("%w: user %s", ErrExists, name)
		}
		return b.Put([]byte(name), v)
	})
	if err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	return nil
}

// Users implements UserStore.
func (s *Bolt) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r userRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("user %s's record: %w", k, err)
			}
			out = append(out, r.User)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// RemoveUser implements UserStore.
func (s *Bolt) RemoveUser(ctx context.Context, name string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		if b == nil || b.Get([]byte(name)) == nil {
			return fmt.Errorf("%w: no user %q", ErrNotFound, name)
		}
		if err := b.Delete([]byte(name)); err != nil {
			return err
		}
		return s.deleteSessions(tx, func(r sessionRecord) bool { return r.User == name })
	})
	if err != nil {
		return fmt.Errorf("remove user: %w", err)
	}
	return nil
}

// deleteSessions deletes the sessions that match.
func (s *Bolt) deleteSessions(tx *bolt.Tx, match func(sessionRecord) bool) error {
	b := tx.Bucket(bucketSessions)
	if b == nil {
		return nil
	}
	var gone [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var r sessionRecord
		if json.Unmarshal(v, &r) != nil || match(r) {
			gone = append(gone, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range gone {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// user reads a user's record; ok false when there is none.
func (s *Bolt) user(tx *bolt.Tx, name string) (r userRecord, ok bool, err error) {
	b := tx.Bucket(bucketUsers)
	if b == nil {
		return r, false, nil
	}
	v := b.Get([]byte(name))
	if v == nil {
		return r, false, nil
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return r, false, fmt.Errorf("user %s's record: %w", name, err)
	}
	return r, true, nil
}

// CheckPassword implements UserStore.
func (s *Bolt) CheckPassword(ctx context.Context, name, password string) (User, error) {
	var (
		r  userRecord
		ok bool
	)
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		r, ok, err = s.user(tx, name)
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("check password: %w", err)
	}
	if !ok {
		NoUserCheck(password)
		return User{}, ErrUnauthorized
	}
	if !VerifyPassword(r.Hash, password) {
		return User{}, ErrUnauthorized
	}
	return r.User, nil
}

// NewSession implements UserStore. It also drops the sessions that have
// expired, so they do not pile up.
func (s *Bolt) NewSession(ctx context.Context, name string, expires time.Time) (string, error) {
	token, sum := NewSessionToken()
	v, err := json.Marshal(sessionRecord{User: name, Expires: expires.UTC().Truncate(time.Microsecond)})
	if err != nil {
		return "", err
	}
	now := s.now()
	err = s.db.Update(func(tx *bolt.Tx) error {
		if _, ok, err := s.user(tx, name); err != nil || !ok {
			if err == nil {
				err = fmt.Errorf("%w: no user %q", ErrNotFound, name)
			}
			return err
		}
		if err := s.deleteSessions(tx, func(r sessionRecord) bool { return !now.Before(r.Expires) }); err != nil {
			return err
		}
		b, err := tx.CreateBucketIfNotExists(bucketSessions)
		if err != nil {
			return err
		}
		return b.Put(sum[:], v)
	})
	if err != nil {
		return "", fmt.Errorf("new session: %w", err)
	}
	return token, nil
}

// Session implements UserStore.
func (s *Bolt) Session(ctx context.Context, token string) (User, time.Time, error) {
	if !SessionTokenOK(token) {
		return User{}, time.Time{}, ErrUnauthorized
	}
	sum := TokenSum(token)
	var (
		sr sessionRecord
		ur userRecord
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		if b == nil {
			return ErrUnauthorized
		}
		v := b.Get(sum[:])
		if v == nil {
			return ErrUnauthorized
		}
		if err := json.Unmarshal(v, &sr); err != nil {
			return fmt.Errorf("session record: %w", err)
		}
		r, ok, err := s.user(tx, sr.User)
		if err != nil {
			return err
		}
		if !ok {
			return ErrUnauthorized
		}
		ur = r
		return nil
	})
	if errors.Is(err, ErrUnauthorized) {
		return User{}, time.Time{}, err
	}
	if err != nil {
		return User{}, time.Time{}, fmt.Errorf("session: %w", err)
	}
	if !s.now().Before(sr.Expires) {
		return User{}, time.Time{}, ErrUnauthorized
	}
	return ur.User, sr.Expires, nil
}

// EndSession implements UserStore.
func (s *Bolt) EndSession(ctx context.Context, token string) error {
	if !SessionTokenOK(token) {
		return nil
	}
	sum := TokenSum(token)
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		if b == nil {
			return nil
		}
		return b.Delete(sum[:])
	})
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}
