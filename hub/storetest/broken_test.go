package storetest_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// broken is a store with some of its methods replaced, each given the
// real store.
type broken struct {
	hub.Store
	put       func(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error)
	export    func(s hub.Store, ctx context.Context, since time.Time, fn func(entry.Entry) error) error
	purge     func(s hub.Store, ctx context.Context, before time.Time) (int, error)
	add       func(s hub.Store, ctx context.Context, venue, kiosk string) (string, error)
	kiosks    func(s hub.Store, ctx context.Context) ([]hub.Kiosk, error)
	revoke    func(s hub.Store, ctx context.Context, kiosk string) error
	auth      func(s hub.Store, ctx context.Context, token string) (hub.Kiosk, error)
	putBundle func(s hub.Store, ctx context.Context, data []byte, seq uint64) error
	current   func(s hub.Store, ctx context.Context) (*hub.Bundle, error)
	close     func(s hub.Store) error
}

func (b *broken) PutEntries(ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
	if b.put != nil {
		return b.put(b.Store, ctx, k, es)
	}
	return b.Store.PutEntries(ctx, k, es)
}

func (b *broken) ExportEntries(ctx context.Context, since time.Time, fn func(entry.Entry) error) error {
	if b.export != nil {
		return b.export(b.Store, ctx, since, fn)
	}
	return b.Store.ExportEntries(ctx, since, fn)
}

func (b *broken) PurgeEntries(ctx context.Context, before time.Time) (int, error) {
	if b.purge != nil {
		return b.purge(b.Store, ctx, before)
	}
	return b.Store.PurgeEntries(ctx, before)
}

func (b *broken) AddKiosk(ctx context.Context, venue, kiosk string) (string, error) {
	if b.add != nil {
		return b.add(b.Store, ctx, venue, kiosk)
	}
	return b.Store.AddKiosk(ctx, venue, kiosk)
}

func (b *broken) Kiosks(ctx context.Context) ([]hub.Kiosk, error) {
	if b.kiosks != nil {
		return b.kiosks(b.Store, ctx)
	}
	return b.Store.Kiosks(ctx)
}

func (b *broken) RevokeKiosk(ctx context.Context, kiosk string) error {
	if b.revoke != nil {
		return b.revoke(b.Store, ctx, kiosk)
	}
	return b.Store.RevokeKiosk(ctx, kiosk)
}

func (b *broken) Authenticate(ctx context.Context, token string) (hub.Kiosk, error) {
	if b.auth != nil {
		return b.auth(b.Store, ctx, token)
	}
	return b.Store.Authenticate(ctx, token)
}

func (b *broken) PutBundle(ctx context.Context, data []byte, seq uint64) error {
	if b.putBundle != nil {
		return b.putBundle(b.Store, ctx, data, seq)
	}
	return b.Store.PutBundle(ctx, data, seq)
}

func (b *broken) CurrentBundle(ctx context.Context) (*hub.Bundle, error) {
	if b.current != nil {
		return b.current(b.Store, ctx)
	}
	return b.Store.CurrentBundle(ctx)
}

func (b *broken) Close() error {
	if b.close != nil {
		return b.close(b.Store)
	}
	return b.Store.Close()
}

// mutant is a way to break a store, and the subtests of the suite (group/
// name) that must fail on it.
type mutant struct {
	name  string
	fails []string
	wrap  func(st hub.Store, now func() time.Time) *broken
}

// mapEntries is an ExportEntries that changes each entry with f.
func mapEntries(f func(*entry.Entry)) func(hub.Store, context.Context, time.Time, func(entry.Entry) error) error {
	return func(s hub.Store, ctx context.Context, since time.Time, fn func(entry.Entry) error) error {
		return s.ExportEntries(ctx, since, func(e entry.Entry) error { f(&e); return fn(e) })
	}
}

// mapKiosks is a Kiosks that changes each kiosk with f.
func mapKiosks(f func(*hub.Kiosk)) func(hub.Store, context.Context) ([]hub.Kiosk, error) {
	return func(s hub.Store, ctx context.Context) ([]hub.Kiosk, error) {
		ks, err := s.Kiosks(ctx)
		for i := range ks {
			f(&ks[i])
		}
		return ks, err
	}
}

// mapBundle is a CurrentBundle that changes a copy of the bundle with f.
func mapBundle(f func(*hub.Bundle)) func(hub.Store, context.Context) (*hub.Bundle, error) {
	return func(s hub.Store, ctx context.Context) (*hub.Bundle, error) {
		b, err := s.CurrentBundle(ctx)
		if b != nil {
			c := *b
			f(&c)
			b = &c
		}
		return b, err
	}
}

// tokens remembers the kiosk each token was issued to, as a forgetful
// store might.
type tokens struct {
	mu sync.Mutex
	m  map[string]string
}

func (ts *tokens) add(s hub.Store, ctx context.Context, venue, kiosk string) (string, error) {
	tok, err := s.AddKiosk(ctx, venue, kiosk)
	if err == nil {
		ts.mu.Lock()
		if ts.m == nil {
			ts.m = map[string]string{}
		}
		ts.m[tok] = kiosk
		ts.mu.Unlock()
	}
	return tok, err
}

// kioskOf returns the listed kiosk a token was once issued to.
func (ts *tokens) kioskOf(s hub.Store, ctx context.Context, token string) (hub.Kiosk, bool) {
	ts.mu.Lock()
	id, ok := ts.m[token]
	ts.mu.Unlock()
	ks, _ := s.Kiosks(ctx)
	for _, k := range ks {
		if ok && k.ID == id {
			return k, true
		}
	}
	return hub.Kiosk{}, false
}

var kst = time.FixedZone("KST", 9*3600)

var mutants = []mutant{
	{"none", nil, func(hub.Store, func() time.Time) *broken { return nil }},

	// PutEntries
	{"resend-counted-new", []string{"PutEntries/Resent", "PutEntries/Mixed", "PutEntries/Concurrent"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, put: func(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
			res, err := s.PutEntries(ctx, k, es)
			res.New = len(res.Acked)
			return res, err
		}}
	}},
	{"acked-sorted", []string{"PutEntries/Mixed"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, put: func(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
			res, err := s.PutEntries(ctx, k, es)
			slices.Sort(res.Acked)
			return res, err
		}}
	}},
	{"batch-duplicate-acked-once", []string{"PutEntries/Mixed"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, put: func(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
			res, err := s.PutEntries(ctx, k, es)
			seen := map[string]bool{}
			res.Acked = slices.DeleteFunc(res.Acked, func(id string) bool { d := seen[id]; seen[id] = true; return d })
			return res, err
		}}
	}},
	{"resend-replaces", []string{"PutEntries/Resent"}, func(st hub.Store, _ func() time.Time) *broken {
		var mu sync.Mutex
		last := map[string]entry.Entry{}
		return &broken{Store: st,
			put: func(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
				mu.Lock()
				for _, e := range es {
					last[e.ID] = e
				}
				mu.Unlock()
				return s.PutEntries(ctx, k, es)
			},
			export: mapEntries(func(e *entry.Entry) { mu.Lock(); *e = last[e.ID]; mu.Unlock() }),
		}
	}},
	{"other-content-acked", []string{"PutEntries/Resent"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, put: func(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
			res, err := s.PutEntries(ctx, k, es)
			res.Rejected = slices.DeleteFunc(res.Rejected, func(r entry.Reject) bool {
				if strings.Contains(r.Error, "other content") {
					res.Acked = append(res.Acked, r.ID)
					return true
				}
				return false
			})
			return res, err
		}}
	}},
	{"other-kiosk-acked", []string{"PutEntries/OtherKiosk", "PutEntries/Race"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, put: func(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
			res, err := s.PutEntries(ctx, k, es)
			for _, r := range res.Rejected {
				res.Acked = append(res.Acked, r.ID)
			}
			res.Rejected = nil
			return res, err
		}}
	}},
	{"batch-rejected-whole", []string{"PutEntries/OtherKiosk"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, put: func(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
			res, err := s.PutEntries(ctx, k, es)
			if len(res.Rejected) > 0 {
				for _, id := range res.Acked {
					res.Rejected = append(res.Rejected, entry.Reject{ID: id, Error: "batch refused"})
				}
				res.Acked, res.New = nil, 0
			}
			return res, err
		}}
	}},
	{"rejected-without-reason", []string{"PutEntries/OtherKiosk"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, put: func(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
			res, err := s.PutEntries(ctx, k, es)
			for i := range res.Rejected {
				res.Rejected[i].Error = ""
			}
			return res, err
		}}
	}},
	{"note-and-contact-lost", []string{"PutEntries/Stored"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, export: mapEntries(func(e *entry.Entry) { e.Note, e.Contact = strings.ReplaceAll(e.Note, "\x00", ""), nil })}
	}},
	{"time-to-the-microsecond", []string{"PutEntries/Stored"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, export: mapEntries(func(e *entry.Entry) { e.Time = e.Time.Truncate(time.Microsecond) })}
	}},
	{"time-not-utc", []string{"PutEntries/Stored"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, export: mapEntries(func(e *entry.Entry) { e.Time = e.Time.In(kst) })}
	}},
	{"cancel-ignored", []string{"PutEntries/Canceled"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, put: func(s hub.Store, _ context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
			return s.PutEntries(context.Background(), k, es)
		}}
	}},
	{"empty-batch-error", []string{"PutEntries/Empty"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, put: func(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
			if len(es) == 0 {
				return hub.PutResult{}, errors.New("nothing to store")
			}
			return s.PutEntries(ctx, k, es)
		}}
	}},

	// ExportEntries
	{"export-unordered", []string{"Export/Order"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, export: func(s hub.Store, ctx context.Context, since time.Time, fn func(entry.Entry) error) error {
			var all []entry.Entry
			if err := s.ExportEntries(ctx, since, func(e entry.Entry) error { all = append(all, e); return nil }); err != nil {
				return err
			}
			slices.SortStableFunc(all, func(a, b entry.Entry) int { return strings.Compare(a.Kiosk, b.Kiosk) })
			for _, e := range all {
				if err := fn(e); err != nil {
					return err
				}
			}
			return nil
		}}
	}},
	{"export-twice", []string{"Export/Order"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, export: func(s hub.Store, ctx context.Context, since time.Time, fn func(entry.Entry) error) error {
			if err := s.ExportEntries(ctx, since, fn); err != nil {
				return err
			}
			return s.ExportEntries(ctx, since, fn)
		}}
	}},
	{"since-exclusive", []string{"Export/Since"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, export: func(s hub.Store, ctx context.Context, since time.Time, fn func(entry.Entry) error) error {
			return s.ExportEntries(ctx, since.Add(time.Millisecond), fn)
		}}
	}},
	{"export-first-10000", []string{"Export/Many"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, export: func(s hub.Store, ctx context.Context, since time.Time, fn func(entry.Entry) error) error {
			n, enough := 0, errors.New("enough")
			err := s.ExportEntries(ctx, since, func(e entry.Entry) error {
				if n++; n > 10_000 {
					return enough
				}
				return fn(e)
			})
			if errors.Is(err, enough) {
				return nil
			}
			return err
		}}
	}},
	{"fn-error-dropped", []string{"Export/Stop"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, export: func(s hub.Store, ctx context.Context, since time.Time, fn func(entry.Entry) error) error {
			return s.ExportEntries(ctx, since, func(e entry.Entry) error { fn(e); return nil })
		}}
	}},
	{"empty-export-error", []string{"Export/Empty"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, export: func(s hub.Store, ctx context.Context, since time.Time, fn func(entry.Entry) error) error {
			n := 0
			if err := s.ExportEntries(ctx, since, func(e entry.Entry) error { n++; return fn(e) }); err != nil || n > 0 {
				return err
			}
			return errors.New("no entries")
		}}
	}},

	// PurgeEntries
	{"purge-inclusive", []string{"Purge/Before"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, purge: func(s hub.Store, ctx context.Context, before time.Time) (int, error) {
			return s.PurgeEntries(ctx, before.Add(time.Millisecond))
		}}
	}},
	{"purge-miscounts", []string{"Purge/Before", "Purge/Many"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, purge: func(s hub.Store, ctx context.Context, before time.Time) (int, error) {
			n, err := s.PurgeEntries(ctx, before)
			return n + n/20, err
		}}
	}},
	{"purge-counts-one-chunk", []string{"Purge/Many"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, purge: func(s hub.Store, ctx context.Context, before time.Time) (int, error) {
			n, err := s.PurgeEntries(ctx, before)
			return min(n, 10_000), err
		}}
	}},

	// Close
	{"close-does-nothing", []string{"Close/ThenNothing"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, close: func(hub.Store) error { return nil }}
	}},
	{"close-fails", []string{"Close/ThenNothing"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, close: func(s hub.Store) error { s.Close(); return errors.New("close failed") }}
	}},

	// Kiosks and tokens
	{"token-padded", []string{"Kiosks/Add"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st,
			add: func(s hub.Store, ctx context.Context, venue, kiosk string) (string, error) {
				tok, err := s.AddKiosk(ctx, venue, kiosk)
				return tok + "=", err
			},
			auth: func(s hub.Store, ctx context.Context, token string) (hub.Kiosk, error) {
				return s.Authenticate(ctx, strings.TrimSuffix(token, "="))
			},
		}
	}},
	{"same-token-twice", []string{"Kiosks/Add"}, func(st hub.Store, _ func() time.Time) *broken {
		var mu sync.Mutex
		var first string
		return &broken{Store: st, add: func(s hub.Store, ctx context.Context, venue, kiosk string) (string, error) {
			tok, err := s.AddKiosk(ctx, venue, kiosk)
			mu.Lock()
			defer mu.Unlock()
			if first == "" {
				first = tok
			}
			return first, err
		}}
	}},
	{"kiosks-unsorted", []string{"Kiosks/Add"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, kiosks: func(s hub.Store, ctx context.Context) ([]hub.Kiosk, error) {
			ks, err := s.Kiosks(ctx)
			slices.Reverse(ks)
			return ks, err
		}}
	}},
	{"added-not-utc", []string{"Kiosks/Add"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, kiosks: mapKiosks(func(k *hub.Kiosk) { k.Added = k.Added.In(kst) })}
	}},
	{"added-lost", []string{"Kiosks/Add", "Kiosks/Exists", "Kiosks/Revoke", "Kiosks/ReAdd"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, kiosks: mapKiosks(func(k *hub.Kiosk) { k.Added = time.Time{} })}
	}},
	{"authenticate-without-added", []string{"Kiosks/Add", "Kiosks/Revoke", "Kiosks/Unauthorized"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, auth: func(s hub.Store, ctx context.Context, token string) (hub.Kiosk, error) {
			k, err := s.Authenticate(ctx, token)
			k.Added = time.Time{}
			return k, err
		}}
	}},
	{"active-kiosk-replaced", []string{"Kiosks/Exists"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, add: func(s hub.Store, ctx context.Context, venue, kiosk string) (string, error) {
			tok, err := s.AddKiosk(ctx, venue, kiosk)
			if errors.Is(err, hub.ErrExists) {
				s.RevokeKiosk(ctx, kiosk)
				return s.AddKiosk(ctx, venue, kiosk)
			}
			return tok, err
		}}
	}},
	{"errors-not-sentinels", []string{"Kiosks/Exists", "Kiosks/Invalid"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, add: func(s hub.Store, ctx context.Context, venue, kiosk string) (string, error) {
			tok, err := s.AddKiosk(ctx, venue, kiosk)
			if err != nil {
				return "", errors.New(err.Error())
			}
			return tok, nil
		}}
	}},
	{"revoked-token-works", []string{"Kiosks/Revoke", "Kiosks/ReAdd", "Kiosks/Unauthorized"}, func(st hub.Store, _ func() time.Time) *broken {
		ts := &tokens{}
		return &broken{Store: st, add: ts.add, auth: func(s hub.Store, ctx context.Context, token string) (hub.Kiosk, error) {
			k, err := s.Authenticate(ctx, token)
			if old, ok := ts.kioskOf(s, ctx, token); errors.Is(err, hub.ErrUnauthorized) && ok {
				old.Revoked = time.Time{}
				return old, nil
			}
			return k, err
		}}
	}},
	{"old-token-after-readd", []string{"Kiosks/ReAdd"}, func(st hub.Store, _ func() time.Time) *broken {
		ts := &tokens{}
		return &broken{Store: st, add: ts.add, auth: func(s hub.Store, ctx context.Context, token string) (hub.Kiosk, error) {
			k, err := s.Authenticate(ctx, token)
			if old, ok := ts.kioskOf(s, ctx, token); errors.Is(err, hub.ErrUnauthorized) && ok && old.Revoked.IsZero() {
				return old, nil
			}
			return k, err
		}}
	}},
	{"revoke-unknown-ok", []string{"Kiosks/Revoke"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, revoke: func(s hub.Store, ctx context.Context, kiosk string) error {
			if err := s.RevokeKiosk(ctx, kiosk); !errors.Is(err, hub.ErrNotFound) {
				return err
			}
			return nil
		}}
	}},
	{"revoke-twice-fails", []string{"Kiosks/Revoke"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, revoke: func(s hub.Store, ctx context.Context, kiosk string) error {
			ks, _ := s.Kiosks(ctx)
			for _, k := range ks {
				if k.ID == kiosk && !k.Revoked.IsZero() {
					return errors.New("already revoked")
				}
			}
			return s.RevokeKiosk(ctx, kiosk)
		}}
	}},
	{"revoke-twice-restamps", []string{"Kiosks/Revoke"}, func(st hub.Store, now func() time.Time) *broken {
		var mu sync.Mutex
		last := map[string]time.Time{}
		return &broken{Store: st,
			revoke: func(s hub.Store, ctx context.Context, kiosk string) error {
				mu.Lock()
				last[kiosk] = now().UTC()
				mu.Unlock()
				return s.RevokeKiosk(ctx, kiosk)
			},
			kiosks: mapKiosks(func(k *hub.Kiosk) {
				mu.Lock()
				defer mu.Unlock()
				if !k.Revoked.IsZero() {
					k.Revoked = last[k.ID]
				}
			}),
		}
	}},
	{"revoked-time-lost", []string{"Kiosks/Revoke"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, kiosks: mapKiosks(func(k *hub.Kiosk) { k.Revoked = time.Time{} })}
	}},
	{"readd-keeps-first-added", []string{"Kiosks/ReAdd"}, func(st hub.Store, _ func() time.Time) *broken {
		var mu sync.Mutex
		first := map[string]time.Time{}
		return &broken{Store: st, kiosks: mapKiosks(func(k *hub.Kiosk) {
			mu.Lock()
			defer mu.Unlock()
			if f, ok := first[k.ID]; ok {
				k.Added = f
			} else {
				first[k.ID] = k.Added
			}
		})}
	}},
	{"unauthorized-not-sentinel", []string{"Kiosks/Revoke", "Kiosks/ReAdd", "Kiosks/Unauthorized"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, auth: func(s hub.Store, ctx context.Context, token string) (hub.Kiosk, error) {
			k, err := s.Authenticate(ctx, token)
			if err != nil {
				return k, errors.New("no such token")
			}
			return k, nil
		}}
	}},
	{"unauthorized-with-kiosk", []string{"Kiosks/Unauthorized"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, auth: func(s hub.Store, ctx context.Context, token string) (hub.Kiosk, error) {
			k, err := s.Authenticate(ctx, token)
			if err != nil {
				k.ID = "kiosk-1"
			}
			return k, err
		}}
	}},

	// Bundles, and Publish on them
	{"none-not-sentinel", []string{"Bundle/None"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, current: func(s hub.Store, ctx context.Context) (*hub.Bundle, error) {
			b, err := s.CurrentBundle(ctx)
			if err != nil {
				return nil, errors.New("no bundle")
			}
			return b, nil
		}}
	}},
	{"bundle-aliases-caller", []string{"Bundle/Put"}, func(st hub.Store, _ func() time.Time) *broken {
		var mu sync.Mutex
		var given []byte
		return &broken{Store: st,
			putBundle: func(s hub.Store, ctx context.Context, data []byte, seq uint64) error {
				mu.Lock()
				given = data
				mu.Unlock()
				return s.PutBundle(ctx, data, seq)
			},
			current: mapBundle(func(b *hub.Bundle) { mu.Lock(); b.Data = given; mu.Unlock() }),
		}
	}},
	{"sha256-wrong", []string{"Bundle/Put", "Bundle/Latest"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, current: mapBundle(func(b *hub.Bundle) { b.SHA256[0] ^= 1 })}
	}},
	{"published-not-utc", []string{"Bundle/Put", "Publish/First"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, current: mapBundle(func(b *hub.Bundle) { b.Published = b.Published.In(kst) })}
	}},
	{"published-lost", []string{"Bundle/Put", "Bundle/Latest", "Publish/First", "Publish/Expired", "Publish/Higher"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, current: mapBundle(func(b *hub.Bundle) { b.Published = time.Time{} })}
	}},
	{"first-bundle-kept", []string{"Bundle/Latest", "Publish/Higher"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, putBundle: func(s hub.Store, ctx context.Context, data []byte, seq uint64) error {
			if _, err := s.CurrentBundle(ctx); err == nil {
				return nil
			}
			return s.PutBundle(ctx, data, seq)
		}}
	}},
	{"large-bundle-cut", []string{"Bundle/Latest"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, putBundle: func(s hub.Store, ctx context.Context, data []byte, seq uint64) error {
			return s.PutBundle(ctx, data[:min(len(data), 1<<20)], seq)
		}}
	}},
	{"sequence-lost", []string{"Bundle/Put", "Bundle/Latest", "Publish/Refused", "Publish/Higher"}, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: st, current: mapBundle(func(b *hub.Bundle) { b.Sequence = 0 })}
	}},
}
