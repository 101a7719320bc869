package storetest_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/passgate/passgate/hub"
)

// brokenStatus is a store whose status methods are replaced, each given
// the real store; a broken store holds one to break them.
type brokenStatus struct {
	hub.Store
	putStatus func(s hub.Store, ctx context.Context, st hub.KioskStatus) error
	statuses  func(s hub.Store, ctx context.Context) ([]hub.KioskStatus, error)
}

func (b *brokenStatus) PutStatus(ctx context.Context, st hub.KioskStatus) error {
	if b.putStatus != nil {
		return b.putStatus(b.Store, ctx, st)
	}
	return b.Store.PutStatus(ctx, st)
}

func (b *brokenStatus) Statuses(ctx context.Context) ([]hub.KioskStatus, error) {
	if b.statuses != nil {
		return b.statuses(b.Store, ctx)
	}
	return b.Store.Statuses(ctx)
}

// mapStatuses is a Statuses that changes each status with f.
func mapStatuses(f func(*hub.KioskStatus)) func(hub.Store, context.Context) ([]hub.KioskStatus, error) {
	return func(s hub.Store, ctx context.Context) ([]hub.KioskStatus, error) {
		out, err := s.Statuses(ctx)
		for i := range out {
			f(&out[i])
		}
		return out, err
	}
}

// statusMutant is a mutant that breaks the status methods only.
func statusMutant(name string, fails []string, wrap func(st hub.Store, now func() time.Time) *brokenStatus) mutant {
	return mutant{name, fails, func(st hub.Store, now func() time.Time) *broken {
		return &broken{Store: wrap(st, now)}
	}}
}

// The status mutants join the others' list (broken_test.go) here, so that
// file stays as it is.
func init() { mutants = append(mutants, statusMutants...) }

var statusMutants = []mutant{
	statusMutant("status-appended", []string{"Status/Replace", "Status/PerKiosk", "Status/Concurrent"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		var mu sync.Mutex
		var earlier []hub.KioskStatus // every status put but the last of its kiosk
		last := map[string]hub.KioskStatus{}
		return &brokenStatus{Store: st,
			putStatus: func(s hub.Store, ctx context.Context, ks hub.KioskStatus) error {
				if err := s.PutStatus(ctx, ks); err != nil {
					return err
				}
				all, _ := s.Statuses(ctx)
				mu.Lock()
				defer mu.Unlock()
				if old, ok := last[ks.Kiosk]; ok {
					earlier = append(earlier, old)
				}
				for _, x := range all {
					if x.Kiosk == ks.Kiosk {
						last[ks.Kiosk] = x
					}
				}
				return nil
			},
			statuses: func(s hub.Store, ctx context.Context) ([]hub.KioskStatus, error) {
				out, err := s.Statuses(ctx)
				mu.Lock()
				defer mu.Unlock()
				return append(slices.Clone(earlier), out...), err
			},
		}
	}),
	statusMutant("status-merged", []string{"Status/Replace"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		return &brokenStatus{Store: st, putStatus: func(s hub.Store, ctx context.Context, ks hub.KioskStatus) error {
			all, _ := s.Statuses(ctx)
			for _, old := range all {
				if old.Kiosk != ks.Kiosk {
					continue
				}
				if ks.LastError == "" {
					ks.LastError = old.LastError
				}
				if ks.BundleSequence == 0 {
					ks.BundleSequence = old.BundleSequence
				}
			}
			return s.PutStatus(ctx, ks)
		}}
	}),
	statusMutant("status-one-slot", []string{"Status/PerKiosk", "Status/Concurrent", "Status/Revoked"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		var mu sync.Mutex
		lastKiosk := ""
		return &brokenStatus{Store: st,
			putStatus: func(s hub.Store, ctx context.Context, ks hub.KioskStatus) error {
				err := s.PutStatus(ctx, ks)
				if err == nil {
					mu.Lock()
					lastKiosk = ks.Kiosk
					mu.Unlock()
				}
				return err
			},
			statuses: func(s hub.Store, ctx context.Context) ([]hub.KioskStatus, error) {
				out, err := s.Statuses(ctx)
				mu.Lock()
				defer mu.Unlock()
				return slices.DeleteFunc(out, func(x hub.KioskStatus) bool { return x.Kiosk != lastKiosk }), err
			},
		}
	}),
	statusMutant("statuses-unsorted", []string{"Status/PerKiosk"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		return &brokenStatus{Store: st, statuses: func(s hub.Store, ctx context.Context) ([]hub.KioskStatus, error) {
			out, err := s.Statuses(ctx)
			slices.Reverse(out)
			return out, err
		}}
	}),
	statusMutant("seen-replaced", []string{"Status/Put"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		return &brokenStatus{Store: st, putStatus: func(s hub.Store, ctx context.Context, ks hub.KioskStatus) error {
			ks.Seen = time.Time{} // the store's clock instead of the caller's
			return s.PutStatus(ctx, ks)
		}}
	}),
	statusMutant("seen-wall-clock", []string{"Status/Seen"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		return &brokenStatus{Store: st, putStatus: func(s hub.Store, ctx context.Context, ks hub.KioskStatus) error {
			if ks.Seen.IsZero() {
				ks.Seen = time.Now()
			}
			return s.PutStatus(ctx, ks)
		}}
	}),
	statusMutant("status-not-utc", []string{"Status/Put"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		return &brokenStatus{Store: st, statuses: mapStatuses(func(x *hub.KioskStatus) { x.Clock = x.Clock.In(kst) })}
	}),
	statusMutant("clock-to-the-second", []string{"Status/Put"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		return &brokenStatus{Store: st, statuses: mapStatuses(func(x *hub.KioskStatus) { x.Clock = x.Clock.Truncate(time.Second) })}
	}),
	statusMutant("oldest-and-error-lost", []string{"Status/Put"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		return &brokenStatus{Store: st, statuses: mapStatuses(func(x *hub.KioskStatus) { x.OldestWaiting, x.LastError = time.Time{}, "" })}
	}),
	statusMutant("revoked-dropped", []string{"Status/Revoked"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		return &brokenStatus{Store: st, statuses: func(s hub.Store, ctx context.Context) ([]hub.KioskStatus, error) {
			out, err := s.Statuses(ctx)
			ks, _ := s.Kiosks(ctx)
			return slices.DeleteFunc(out, func(x hub.KioskStatus) bool {
				i := slices.IndexFunc(ks, func(k hub.Kiosk) bool { return k.ID == x.Kiosk })
				return i >= 0 && !ks[i].Revoked.IsZero()
			}), err
		}}
	}),
	statusMutant("unknown-kiosk-kept", []string{"Status/UnknownKiosk"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		var mu sync.Mutex
		var strays []hub.KioskStatus
		return &brokenStatus{Store: st,
			putStatus: func(s hub.Store, ctx context.Context, ks hub.KioskStatus) error {
				err := s.PutStatus(ctx, ks)
				if errors.Is(err, hub.ErrNotFound) {
					mu.Lock()
					strays = append(strays, ks)
					mu.Unlock()
					return nil
				}
				return err
			},
			statuses: func(s hub.Store, ctx context.Context) ([]hub.KioskStatus, error) {
				out, err := s.Statuses(ctx)
				mu.Lock()
				defer mu.Unlock()
				return append(out, strays...), err
			},
		}
	}),
	statusMutant("invalid-dropped-silently", []string{"Status/Invalid"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		return &brokenStatus{Store: st, putStatus: func(s hub.Store, ctx context.Context, ks hub.KioskStatus) error {
			if err := s.PutStatus(ctx, ks); !errors.Is(err, hub.ErrInvalid) {
				return err
			}
			return nil
		}}
	}),
	statusMutant("status-cancel-ignored", []string{"Status/Canceled"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		return &brokenStatus{Store: st, putStatus: func(s hub.Store, _ context.Context, ks hub.KioskStatus) error {
			return s.PutStatus(context.Background(), ks)
		}}
	}),
	statusMutant("no-statuses-error", []string{"Status/Empty"}, func(st hub.Store, _ func() time.Time) *brokenStatus {
		return &brokenStatus{Store: st, statuses: func(s hub.Store, ctx context.Context) ([]hub.KioskStatus, error) {
			out, err := s.Statuses(ctx)
			if err == nil && len(out) == 0 {
				return nil, errors.New("no statuses")
			}
			return out, err
		}}
	}),
}
