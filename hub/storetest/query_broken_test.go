package storetest_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/passgate/passgate/entry"
	"github.com/passgate/passgate/hub"
)

// brokenQuery is a store whose query and authority methods are replaced,
// each given the real store; a broken store holds one to break them.
type brokenQuery struct {
	hub.Store
	query     func(s hub.Store, ctx context.Context, q hub.Query, fn func(entry.Entry) error) error
	counts    func(s hub.Store, ctx context.Context, venue string, from, to time.Time) ([]hub.HourCount, error)
	addAuth   func(s hub.Store, ctx context.Context, name string) (string, error)
	auths     func(s hub.Store, ctx context.Context) ([]hub.Authority, error)
	revokeAut func(s hub.Store, ctx context.Context, name string) error
	authAuth  func(s hub.Store, ctx context.Context, token string) (hub.Authority, error)
	put       func(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error)
}

func (b *brokenQuery) QueryEntries(ctx context.Context, q hub.Query, fn func(entry.Entry) error) error {
	if b.query != nil {
		return b.query(b.Store, ctx, q, fn)
	}
	return b.Store.QueryEntries(ctx, q, fn)
}

func (b *brokenQuery) HourlyCounts(ctx context.Context, venue string, from, to time.Time) ([]hub.HourCount, error) {
	if b.counts != nil {
		return b.counts(b.Store, ctx, venue, from, to)
	}
	return b.Store.HourlyCounts(ctx, venue, from, to)
}

func (b *brokenQuery) AddAuthority(ctx context.Context, name string) (string, error) {
	if b.addAuth != nil {
		return b.addAuth(b.Store, ctx, name)
	}
	return b.Store.AddAuthority(ctx, name)
}

func (b *brokenQuery) Authorities(ctx context.Context) ([]hub.Authority, error) {
	if b.auths != nil {
		return b.auths(b.Store, ctx)
	}
	return b.Store.Authorities(ctx)
}

func (b *brokenQuery) RevokeAuthority(ctx context.Context, name string) error {
	if b.revokeAut != nil {
		return b.revokeAut(b.Store, ctx, name)
	}
	return b.Store.RevokeAuthority(ctx, name)
}

func (b *brokenQuery) AuthenticateAuthority(ctx context.Context, token string) (hub.Authority, error) {
	if b.authAuth != nil {
		return b.authAuth(b.Store, ctx, token)
	}
	return b.Store.AuthenticateAuthority(ctx, token)
}

func (b *brokenQuery) PutEntries(ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
	if b.put != nil {
		return b.put(b.Store, ctx, k, es)
	}
	return b.Store.PutEntries(ctx, k, es)
}

// queryMutant is a mutant that breaks the query or authority methods.
func queryMutant(name string, fails []string, wrap func(st hub.Store) *brokenQuery) mutant {
	return mutant{name, fails, func(st hub.Store, _ func() time.Time) *broken {
		return &broken{Store: wrap(st)}
	}}
}

// mapQuery is a QueryEntries that changes the query with f first.
func mapQuery(f func(*hub.Query)) func(hub.Store, context.Context, hub.Query, func(entry.Entry) error) error {
	return func(s hub.Store, ctx context.Context, q hub.Query, fn func(entry.Entry) error) error {
		f(&q)
		return s.QueryEntries(ctx, q, fn)
	}
}

// collected is a QueryEntries that collects the real one's answer, changes
// it with f and gives that.
func collected(f func(q hub.Query, es []entry.Entry) []entry.Entry) func(hub.Store, context.Context, hub.Query, func(entry.Entry) error) error {
	return func(s hub.Store, ctx context.Context, q hub.Query, fn func(entry.Entry) error) error {
		var es []entry.Entry
		if err := s.QueryEntries(ctx, q, func(e entry.Entry) error { es = append(es, e); return nil }); err != nil {
			return err
		}
		for _, e := range f(q, es) {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}
}

// memory keeps every entry a store was given, as an index that is never
// purged nor checked for resends would.
type memory struct {
	mu sync.Mutex
	es []entry.Entry
}

func (m *memory) put(s hub.Store, ctx context.Context, k hub.Kiosk, es []entry.Entry) (hub.PutResult, error) {
	res, err := s.PutEntries(ctx, k, es)
	m.mu.Lock()
	m.es = append(m.es, es...)
	m.mu.Unlock()
	return res, err
}

func (m *memory) query(_ hub.Store, _ context.Context, q hub.Query, fn func(entry.Entry) error) error {
	m.mu.Lock()
	var out []entry.Entry
	for _, e := range m.es {
		if e.Venue == q.Venue && (q.Holder == "" || e.Holder == q.Holder) && !e.Time.Before(q.From) && e.Time.Before(q.To) {
			out = append(out, e)
		}
	}
	m.mu.Unlock()
	slices.SortStableFunc(out, func(a, b entry.Entry) int { return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.ID, b.ID)) })
	for _, e := range out {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// The query and authority mutants join the others' list (broken_test.go)
// here, so that file stays as it is.
func init() { mutants = append(mutants, queryMutants...) }

var queryMutants = []mutant{
	// QueryEntries
	queryMutant("query-to-inclusive", []string{"Query/Window"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: mapQuery(func(q *hub.Query) { q.To = q.To.Add(time.Nanosecond) })}
	}),
	queryMutant("query-from-exclusive", []string{"Query/Window"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: mapQuery(func(q *hub.Query) { q.From = q.From.Add(time.Nanosecond) })}
	}),
	queryMutant("query-microseconds", []string{"Query/Window"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: mapQuery(func(q *hub.Query) {
			q.From, q.To = q.From.Truncate(time.Microsecond), q.To.Truncate(time.Microsecond)
		})}
	}),
	queryMutant("query-local-times", []string{"Query/Window"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: collected(func(q hub.Query, es []entry.Entry) []entry.Entry {
			for i := range es {
				es[i].Time = es[i].Time.In(q.From.Location())
			}
			return es
		})}
	}),
	queryMutant("query-venue-prefix", []string{"Query/Venues"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: func(s hub.Store, ctx context.Context, q hub.Query, fn func(entry.Entry) error) error {
			var es []entry.Entry
			err := s.ExportEntries(ctx, time.Time{}, func(e entry.Entry) error {
				if strings.HasPrefix(e.Venue, q.Venue) && !e.Time.Before(q.From) && e.Time.Before(q.To) {
					es = append(es, e)
				}
				return nil
			})
			slices.SortFunc(es, func(a, b entry.Entry) int { return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.ID, b.ID)) })
			for _, e := range es {
				if err := fn(e); err != nil {
					return err
				}
			}
			return err
		}}
	}),
	queryMutant("query-one-kiosk", []string{"Query/Venues", "Query/Holder", "Query/Order"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: collected(func(_ hub.Query, es []entry.Entry) []entry.Entry {
			if len(es) == 0 {
				return es
			}
			return slices.DeleteFunc(es, func(e entry.Entry) bool { return e.Kiosk != es[0].Kiosk })
		})}
	}),
	queryMutant("query-holder-ignored", []string{"Query/Holder"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: mapQuery(func(q *hub.Query) { q.Holder = "" })}
	}),
	queryMutant("query-holder-prefix", []string{"Query/Holder"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: func(s hub.Store, ctx context.Context, q hub.Query, fn func(entry.Entry) error) error {
			h := q.Holder
			q.Holder = ""
			return s.QueryEntries(ctx, q, func(e entry.Entry) error {
				if !strings.HasPrefix(e.Holder, h) {
					return nil
				}
				return fn(e)
			})
		}}
	}),
	queryMutant("query-id-order", []string{"Query/Order"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: collected(func(_ hub.Query, es []entry.Entry) []entry.Entry {
			slices.SortFunc(es, func(a, b entry.Entry) int { return strings.Compare(a.ID, b.ID) })
			return es
		})}
	}),
	queryMutant("query-ties-reversed", []string{"Query/Order"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: collected(func(_ hub.Query, es []entry.Entry) []entry.Entry {
			slices.SortStableFunc(es, func(a, b entry.Entry) int { return cmp.Or(a.Time.Compare(b.Time), strings.Compare(b.ID, a.ID)) })
			return es
		})}
	}),
	queryMutant("query-first-chunk", []string{"Query/Many"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: collected(func(_ hub.Query, es []entry.Entry) []entry.Entry {
			return es[:min(len(es), 10_000)]
		})}
	}),
	queryMutant("query-goes-on", []string{"Query/Many"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, query: func(s hub.Store, ctx context.Context, q hub.Query, fn func(entry.Entry) error) error {
			var first error
			err := s.QueryEntries(ctx, q, func(e entry.Entry) error {
				if err := fn(e); err != nil && first == nil {
					first = err
				}
				return nil
			})
			return errors.Join(err, first)
		}}
	}),
	func() mutant {
		// An index never purged, that takes resends as new.
		return queryMutant("query-kept", []string{"Query/Purged", "Query/Resent"}, func(st hub.Store) *brokenQuery {
			m := &memory{}
			return &brokenQuery{Store: st, put: m.put, query: m.query}
		})
	}(),

	// HourlyCounts
	queryMutant("counts-local-hours", []string{"Query/Counts"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, counts: func(s hub.Store, ctx context.Context, venue string, from, to time.Time) ([]hub.HourCount, error) {
			cs, err := s.HourlyCounts(ctx, venue, from, to)
			for i := range cs {
				cs[i].Hour = cs[i].Hour.In(from.Location())
			}
			return cs, err
		}}
	}),
	queryMutant("counts-audit-events", []string{"Query/Audit"}, func(st hub.Store) *brokenQuery {
		// Counts staff actions as check-ins.
		return &brokenQuery{Store: st, counts: func(s hub.Store, ctx context.Context, venue string, from, to time.Time) ([]hub.HourCount, error) {
			cs, err := s.HourlyCounts(ctx, venue, from, to)
			if err != nil || venue == "" {
				return cs, err
			}
			audit := map[time.Time]int{}
			err = s.QueryEntries(ctx, hub.Query{Venue: venue, From: from, To: to}, func(e entry.Entry) error {
				if e.Method == entry.Audit {
					audit[e.Time.UTC().Truncate(time.Hour)]++
				}
				return nil
			})
			for i := range cs {
				cs[i].Entries += audit[cs[i].Hour]
			}
			return cs, err
		}}
	}),
	queryMutant("counts-to-inclusive", []string{"Query/Counts"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, counts: func(s hub.Store, ctx context.Context, venue string, from, to time.Time) ([]hub.HourCount, error) {
			return s.HourlyCounts(ctx, venue, from, to.Add(time.Second))
		}}
	}),
	queryMutant("counts-first-venue", []string{"Query/Counts"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, counts: func(s hub.Store, ctx context.Context, venue string, from, to time.Time) ([]hub.HourCount, error) {
			cs, err := s.HourlyCounts(ctx, venue, from, to)
			if len(cs) > 0 {
				cs = slices.DeleteFunc(cs, func(c hub.HourCount) bool { return c.Venue != cs[0].Venue })
			}
			return cs, err
		}}
	}),
	queryMutant("counts-by-hour", []string{"Query/Counts"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, counts: func(s hub.Store, ctx context.Context, venue string, from, to time.Time) ([]hub.HourCount, error) {
			cs, err := s.HourlyCounts(ctx, venue, from, to)
			slices.SortStableFunc(cs, func(a, b hub.HourCount) int { return a.Hour.Compare(b.Hour) })
			return cs, err
		}}
	}),
	queryMutant("counts-kept", []string{"Query/Purged"}, func(st hub.Store) *brokenQuery {
		var mu sync.Mutex
		var seen []hub.HourCount // the most of each venue and hour ever counted
		return &brokenQuery{Store: st, counts: func(s hub.Store, ctx context.Context, venue string, from, to time.Time) ([]hub.HourCount, error) {
			cs, err := s.HourlyCounts(ctx, venue, from, to)
			mu.Lock()
			defer mu.Unlock()
			if len(cs) > 0 {
				seen = cs
			}
			return seen, err
		}}
	}),

	// Authorities
	queryMutant("authority-kiosk-tokens", []string{"Authority/Separate"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, authAuth: func(s hub.Store, ctx context.Context, token string) (hub.Authority, error) {
			if k, err := s.Authenticate(ctx, token); err == nil {
				return hub.Authority{Name: k.ID, Added: k.Added}, nil
			}
			return s.AuthenticateAuthority(ctx, token)
		}}
	}),
	queryMutant("authority-listed-as-kiosk", []string{"Authority/Separate"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, auths: func(s hub.Store, ctx context.Context) ([]hub.Authority, error) {
			as, err := s.Authorities(ctx)
			ks, _ := s.Kiosks(ctx)
			for _, k := range ks {
				if !slices.ContainsFunc(as, func(a hub.Authority) bool { return a.Name == k.ID }) {
					as = append(as, hub.Authority{Name: k.ID, Added: k.Added})
				}
			}
			return as, err
		}}
	}),
	queryMutant("authority-unsorted", []string{"Authority/Add"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, auths: func(s hub.Store, ctx context.Context) ([]hub.Authority, error) {
			as, err := s.Authorities(ctx)
			slices.Reverse(as)
			return as, err
		}}
	}),
	queryMutant("authority-local-times", []string{"Authority/Add"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, auths: func(s hub.Store, ctx context.Context) ([]hub.Authority, error) {
			as, err := s.Authorities(ctx)
			for i := range as {
				as[i].Added = as[i].Added.In(kst)
			}
			return as, err
		}}
	}),
	queryMutant("authority-replaced", []string{"Authority/Exists"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, addAuth: func(s hub.Store, ctx context.Context, name string) (string, error) {
			_ = s.RevokeAuthority(ctx, name)
			return s.AddAuthority(ctx, name)
		}}
	}),
	queryMutant("authority-revoke-noop", []string{"Authority/Revoke", "Authority/Exists"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, revokeAut: func(s hub.Store, ctx context.Context, name string) error {
			as, _ := s.Authorities(ctx)
			if slices.ContainsFunc(as, func(a hub.Authority) bool { return a.Name == name }) {
				return nil
			}
			return s.RevokeAuthority(ctx, name)
		}}
	}),
	queryMutant("authority-any-token", []string{"Authority/Unauthorized"}, func(st hub.Store) *brokenQuery {
		return &brokenQuery{Store: st, authAuth: func(s hub.Store, ctx context.Context, token string) (hub.Authority, error) {
			if as, _ := s.Authorities(ctx); len(as) > 0 && len(token) == hub.TokenLen {
				return as[0], nil
			}
			return s.AuthenticateAuthority(ctx, token)
		}}
	}),
}
