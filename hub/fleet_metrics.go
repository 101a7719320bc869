package hub

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The fleet gauges of /metrics are figures of the kiosks' statuses
// (StatusStore), computed from the store when /metrics is scraped. The
// statuses are in the store, so every replica on one database shows the
// same figures.
const (
	// FleetWindow is how recent a kiosk's status must be for the kiosk to
	// count as seen. A kiosk reports at least every 5 minutes (its
	// heartbeat, jittered up to 7½); a revoked kiosk, which can no longer
	// report, drops out of the figures within this window.
	FleetWindow = 10 * time.Minute
	// fleetCache is how long figures once computed are shown again, so
	// that frequent scrapes, or several scrapers, cost one read of the
	// statuses.
	fleetCache = 5 * time.Second
	// fleetTimeout bounds the read of the statuses for a scrape.
	fleetTimeout = 5 * time.Second
)

// fleet is the collector of the fleet gauges.
type fleet struct {
	s                     *Server
	seen, current, oldest *prometheus.Desc

	mu      sync.Mutex
	at      time.Time // when figures were computed, by the server's clock; zero: never
	figures fleetFigures
	ok      bool // figures are good (the last computation succeeded)
	failing bool // the last computation failed: its failure was logged
}

// fleetFigures are the fleet gauges' values.
type fleetFigures struct {
	seen, current int
	oldest        time.Duration
}

func newFleet(s *Server) *fleet {
	return &fleet{s: s,
		seen: prometheus.NewDesc("passhub_fleet_kiosks_seen",
			"Kiosks whose status reached the hub in the last 10 minutes.", nil, nil),
		current: prometheus.NewDesc("passhub_fleet_kiosks_current_bundle",
			"Kiosks seen in the last 10 minutes that use the published bundle's sequence.", nil, nil),
		oldest: prometheus.NewDesc("passhub_fleet_oldest_waiting_seconds",
			"Age of the oldest entry waiting at a kiosk seen in the last 10 minutes (0: none waits).", nil, nil),
	}
}

// registerFleet registers the fleet gauges in the server's registry.
func (s *Server) registerFleet() error {
	if err := s.opts.Registry.Register(newFleet(s)); err != nil {
		return fmt.Errorf("register fleet metrics: %w", err)
	}
	return nil
}

// Describe implements prometheus.Collector.
func (f *fleet) Describe(ch chan<- *prometheus.Desc) {
	ch <- f.seen
	ch <- f.current
	ch <- f.oldest
}

// Collect implements prometheus.Collector. When the statuses cannot be
// read, the gauges are left out of the scrape (the rest of /metrics is
// still served) and the failure is logged once, until they can again.
func (f *fleet) Collect(ch chan<- prometheus.Metric) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.s.Now()
	if f.at.IsZero() || now.Sub(f.at) >= fleetCache || now.Before(f.at) {
		ctx, cancel := context.WithTimeout(context.Background(), fleetTimeout)
		figures, err := f.compute(ctx, now)
		cancel()
		f.at = now
		switch {
		case err != nil:
			if !f.failing {
				f.s.log.Warn("fleet metrics: statuses not read; the fleet gauges are left out of /metrics until they are", "err", err)
			}
			f.failing, f.ok = true, false
		default:
			if f.failing {
				f.s.log.Info("fleet metrics: statuses read again")
			}
			f.failing, f.ok, f.figures = false, true, figures
		}
	}
	if !f.ok {
		return
	}
	ch <- prometheus.MustNewConstMetric(f.seen, prometheus.GaugeValue, float64(f.figures.seen))
	ch <- prometheus.MustNewConstMetric(f.current, prometheus.GaugeValue, float64(f.figures.current))
	ch <- prometheus.MustNewConstMetric(f.oldest, prometheus.GaugeValue, f.figures.oldest.Seconds())
}

// compute reads the statuses and the published bundle and works out the
// figures at now.
//
// A waiting entry's age is measured in two parts: from the entry to the
// report by the kiosk's clock (its clock and its entries' times agree,
// whatever its offset from the hub's), and from the report to now by the
// hub's. A kiosk whose clock is an hour off so does not show an hour's
// wait that is not there.
func (f *fleet) compute(ctx context.Context, now time.Time) (fleetFigures, error) {
	var fig fleetFigures
	sts, err := f.s.store.Statuses(ctx)
	if err != nil {
		return fig, err
	}
	var published uint64
	switch b, err := f.s.store.CurrentBundle(ctx); {
	case errors.Is(err, ErrNotFound): // none: no kiosk is on it
	case err != nil:
		return fig, err
	default:
		published = b.Sequence
	}
	for _, st := range sts {
		if now.Sub(st.Seen) > FleetWindow {
			continue
		}
		fig.seen++
		if published != 0 && st.BundleSequence == published {
			fig.current++
		}
		if st.Waiting > 0 && !st.OldestWaiting.IsZero() {
			age := max(st.Clock.Sub(st.OldestWaiting), 0) + max(now.Sub(st.Seen), 0)
			fig.oldest = max(fig.oldest, age)
		}
	}
	return fig, nil
}
