package storetest_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/passgate/passgate/hub"
)

// brokenUsers is a store whose hub.UserStore methods may be replaced, each
// given the real store.
type brokenUsers struct {
	hub.Store
	us      hub.UserStore
	add     func(us hub.UserStore, ctx context.Context, name string, role hub.Role, password string) error
	list    func(us hub.UserStore, ctx context.Context) ([]hub.User, error)
	remove  func(us hub.UserStore, ctx context.Context, name string) error
	check   func(us hub.UserStore, ctx context.Context, name, password string) (hub.User, error)
	newSess func(us hub.UserStore, ctx context.Context, name string, expires time.Time) (string, error)
	session func(us hub.UserStore, ctx context.Context, token string) (hub.User, time.Time, error)
	end     func(us hub.UserStore, ctx context.Context, token string) error
}

func (b *brokenUsers) AddUser(ctx context.Context, name string, role hub.Role, password string) error {
	if b.add != nil {
		return b.add(b.us, ctx, name, role, password)
	}
	return b.us.AddUser(ctx, name, role, password)
}

func (b *brokenUsers) Users(ctx context.Context) ([]hub.User, error) {
	if b.list != nil {
		return b.list(b.us, ctx)
	}
	return b.us.Users(ctx)
}

func (b *brokenUsers) RemoveUser(ctx context.Context, name string) error {
	if b.remove != nil {
		return b.remove(b.us, ctx, name)
	}
	return b.us.RemoveUser(ctx, name)
}

func (b *brokenUsers) CheckPassword(ctx context.Context, name, password string) (hub.User, error) {
	if b.check != nil {
		return b.check(b.us, ctx, name, password)
	}
	return b.us.CheckPassword(ctx, name, password)
}

func (b *brokenUsers) NewSession(ctx context.Context, name string, expires time.Time) (string, error) {
	if b.newSess != nil {
		return b.newSess(b.us, ctx, name, expires)
	}
	return b.us.NewSession(ctx, name, expires)
}

func (b *brokenUsers) Session(ctx context.Context, token string) (hub.User, time.Time, error) {
	if b.session != nil {
		return b.session(b.us, ctx, token)
	}
	return b.us.Session(ctx, token)
}

func (b *brokenUsers) EndSession(ctx context.Context, token string) error {
	if b.end != nil {
		return b.end(b.us, ctx, token)
	}
	return b.us.EndSession(ctx, token)
}

// userMutant makes a mutant of a brokenUsers set up by f; the outer
// broken breaks nothing of hub.Store.
func userMutant(name string, fails []string, f func(b *brokenUsers, now func() time.Time)) mutant {
	return mutant{name, fails, func(st hub.Store, now func() time.Time) *broken {
		b := &brokenUsers{Store: st, us: st.(hub.UserStore)}
		f(b, now)
		return &broken{Store: b}
	}}
}

// remembered is a session cache, as a store that trusted its memory over
// its records might keep.
type remembered struct {
	mu sync.Mutex
	m  map[string]hub.User
	x  map[string]time.Time
}

func (r *remembered) newSession(us hub.UserStore, ctx context.Context, name string, expires time.Time) (string, error) {
	tok, err := us.NewSession(ctx, name, expires)
	if err == nil {
		r.mu.Lock()
		if r.m == nil {
			r.m, r.x = map[string]hub.User{}, map[string]time.Time{}
		}
		r.m[tok], r.x[tok] = hub.User{Name: name, Role: hub.RoleAdmin, Added: time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)}, expires.UTC().Truncate(time.Microsecond)
		r.mu.Unlock()
	}
	return tok, err
}

func (r *remembered) get(tok string) (hub.User, time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	u, ok := r.m[tok]
	return u, r.x[tok], ok
}

func init() {
	mutants = append(mutants,
		userMutant("users-unsorted", []string{"Users/Add"}, func(b *brokenUsers, _ func() time.Time) {
			b.list = func(us hub.UserStore, ctx context.Context) ([]hub.User, error) {
				l, err := us.Users(ctx)
				slices.Reverse(l)
				return l, err
			}
		}),
		userMutant("role-lost", []string{"Users/Add", "Users/Exists", "Users/Password", "Users/Remove"}, func(b *brokenUsers, _ func() time.Time) {
			b.add = func(us hub.UserStore, ctx context.Context, name string, _ hub.Role, password string) error {
				return us.AddUser(ctx, name, hub.RoleAdmin, password)
			}
		}),
		userMutant("invalid-swallowed", []string{"Users/Invalid"}, func(b *brokenUsers, _ func() time.Time) {
			b.add = func(us hub.UserStore, ctx context.Context, name string, role hub.Role, password string) error {
				if err := us.AddUser(ctx, name, role, password); !errors.Is(err, hub.ErrInvalid) {
					return err
				}
				return nil
			}
		}),
		userMutant("exists-replaces", []string{"Users/Exists"}, func(b *brokenUsers, _ func() time.Time) {
			b.add = func(us hub.UserStore, ctx context.Context, name string, role hub.Role, password string) error {
				if err := us.AddUser(ctx, name, role, password); !errors.Is(err, hub.ErrExists) {
					return err
				}
				us.RemoveUser(ctx, name)
				return us.AddUser(ctx, name, role, password)
			}
		}),
		userMutant("any-password", []string{"Users/Exists", "Users/Password"}, func(b *brokenUsers, _ func() time.Time) {
			b.check = func(us hub.UserStore, ctx context.Context, name, _ string) (hub.User, error) {
				l, _ := us.Users(ctx)
				for _, u := range l {
					if u.Name == name {
						return u, nil
					}
				}
				return hub.User{}, hub.ErrUnauthorized
			}
		}),
		userMutant("remove-missing-ok", []string{"Users/Remove"}, func(b *brokenUsers, _ func() time.Time) {
			b.remove = func(us hub.UserStore, ctx context.Context, name string) error {
				if err := us.RemoveUser(ctx, name); !errors.Is(err, hub.ErrNotFound) {
					return err
				}
				return nil
			}
		}),
		userMutant("session-remembered", []string{"Users/Remove", "Users/Session", "Users/End"}, func(b *brokenUsers, now func() time.Time) {
			var r remembered
			b.newSess = r.newSession
			b.session = func(us hub.UserStore, ctx context.Context, tok string) (hub.User, time.Time, error) {
				if u, x, ok := r.get(tok); ok && now().Before(x) {
					return u, x, nil
				}
				return us.Session(ctx, tok)
			}
		}),
		userMutant("expiry-ignored", []string{"Users/Expired"}, func(b *brokenUsers, _ func() time.Time) {
			var r remembered
			b.newSess = r.newSession
			b.session = func(us hub.UserStore, ctx context.Context, tok string) (hub.User, time.Time, error) {
				u, x, err := us.Session(ctx, tok)
				if ru, rx, ok := r.get(tok); errors.Is(err, hub.ErrUnauthorized) && ok {
					l, _ := us.Users(ctx)
					for _, lu := range l {
						if lu.Name == ru.Name {
							return lu, rx, nil
						}
					}
				}
				return u, x, err
			}
		}),
		userMutant("expires-late", []string{"Users/Session", "Users/Expired", "Users/End", "Users/Remove"}, func(b *brokenUsers, _ func() time.Time) {
			b.newSess = func(us hub.UserStore, ctx context.Context, name string, expires time.Time) (string, error) {
				return us.NewSession(ctx, name, expires.Add(time.Second))
			}
		}),
		userMutant("session-for-nobody", []string{"Users/Unknown"}, func(b *brokenUsers, _ func() time.Time) {
			b.newSess = func(us hub.UserStore, ctx context.Context, name string, expires time.Time) (string, error) {
				tok, err := us.NewSession(ctx, name, expires)
				if errors.Is(err, hub.ErrNotFound) {
					tok, _ = hub.NewSessionToken()
					return tok, nil
				}
				return tok, err
			}
		}),
		userMutant("session-case-blind", []string{"Users/Unknown"}, func(b *brokenUsers, _ func() time.Time) {
			var r remembered
			b.newSess = r.newSession
			b.session = func(us hub.UserStore, ctx context.Context, tok string) (hub.User, time.Time, error) {
				r.mu.Lock()
				for t := range r.m {
					if len(t) == len(tok) && t != tok && strings.EqualFold(t, tok) {
						tok = t
					}
				}
				r.mu.Unlock()
				return us.Session(ctx, tok)
			}
		}),
		userMutant("end-unknown-fails", []string{"Users/End"}, func(b *brokenUsers, _ func() time.Time) {
			b.end = func(us hub.UserStore, ctx context.Context, tok string) error {
				if _, _, err := us.Session(ctx, tok); err != nil {
					return err
				}
				return us.EndSession(ctx, tok)
			}
		}),
	)
}
