package hub

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the server's Prometheus metrics, registered in the registry
// its Options name (never the global default one).
type metrics struct {
	entriesStored    prometheus.Counter
	entriesDuplicate prometheus.Counter
	entriesRejected  prometheus.Counter
	batches          prometheus.Counter
	bundleFetches    *prometheus.CounterVec // by part: full, head, segment
	notModified      prometheus.Counter
	inFlight         prometheus.Gauge
	overloaded       prometheus.Counter
	unauthorized     prometheus.Counter
	requests         *prometheus.CounterVec // API requests by route and status
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		entriesStored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "passhub_entries_ingested_total",
			Help: "Entries stored (a resent entry counts once, when first stored).",
		}),
		entriesDuplicate: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "passhub_entries_duplicate_total",
			Help: "Entries acknowledged again because the hub already held them (resends).",
		}),
		entriesRejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "passhub_entries_rejected_total",
			Help: "Entries refused: malformed, or not the authenticated kiosk's own.",
		}),
		batches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "passhub_batches_total",
			Help: "Entry batches answered with an acknowledgement.",
		}),
		bundleFetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "passhub_bundle_fetches_total",
			Help: "Bundle requests answered with content, by part (full, head, segment).",
		}, []string{"part"}),
		notModified: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "passhub_bundle_not_modified_total",
			Help: "Bundle requests answered 304 Not Modified (the kiosk is up to date).",
		}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "passhub_requests_in_flight",
			Help: "API requests being handled now.",
		}),
		overloaded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "passhub_requests_overload_total",
			Help: "API requests turned away with 503 and Retry-After because too many were in flight.",
		}),
		unauthorized: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "passhub_requests_unauthorized_total",
			Help: "Entry batches refused for a missing, unknown or revoked token.",
		}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "passhub_requests_total",
			Help: "API requests answered, by route and HTTP status (overload refusals included).",
		}, []string{"route", "code"}),
	}
	for _, c := range []prometheus.Collector{m.entriesStored, m.entriesDuplicate, m.entriesRejected, m.batches,
		m.bundleFetches, m.notModified, m.inFlight, m.overloaded, m.unauthorized, m.requests} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	for _, part := range []string{"full", "head", "segment"} {
		m.bundleFetches.WithLabelValues(part) // show zeros from the start
	}
	return m, nil
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
