package hub

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Defaults of Options.
const (
	DefaultAddr            = "127.0.0.1:8080"
	DefaultMaxInFlight     = 64
	DefaultRetryAfter      = 5 * time.Second
	DefaultMaxBody         = 8 << 20
	DefaultShutdownTimeout = 5 * time.Second
)

// Options configure a Server. The zero value is usable: every zero field
// takes its default.
type Options struct {
	// Addr is where Open listens, host:port; port 0 picks a free one.
	// Default DefaultAddr.
	Addr string
	// TLSConfig, when not nil, makes the server speak HTTPS only; it must
	// hold a certificate.
	TLSConfig *tls.Config
	// MaxInFlight bounds the API requests (/v1/...) handled at once.
	// Beyond it the hub answers 503 with Retry-After instead of queueing:
	// a kiosk loses nothing by coming back later. /healthz and /metrics
	// are not bounded. Default DefaultMaxInFlight.
	MaxInFlight int
	// RetryAfter is what a 503 asks the client to wait, in whole seconds
	// (rounded up). Kiosks add their own jitter. Default DefaultRetryAfter.
	RetryAfter time.Duration
	// MaxPulls bounds the anonymous bundle pulls (/v1/bundle...) handled
	// at once, a pool of their own: pulls that never end cannot starve
	// pushes, nor pushes pulls. Default DefaultMaxPulls.
	MaxPulls int
	// MaxPerToken bounds the requests in flight of one bearer token; a
	// request beyond it is answered 429 with Retry-After. Default
	// DefaultMaxPerToken.
	MaxPerToken int
	// MaxConns bounds the connections open at once; MaxConnsPerAddr those
	// from one remote IP address (loopback excepted), negative for no
	// bound (behind a proxy, every connection is from its address). A
	// connection over either is closed at once. Defaults
	// DefaultMaxConns, DefaultMaxConnsPerAddr.
	MaxConns, MaxConnsPerAddr int
	// MinRate is the slowest a request body may come in, or a response
	// go out, in bytes a second, on average after RateGrace; and no read
	// or write may stall longer than RateGrace. A client slower is cut
	// off (408 while its body comes in). Defaults DefaultMinRate,
	// DefaultRateGrace.
	MinRate   int64
	RateGrace time.Duration
	// MetricsToken, when set, is the bearer token /metrics asks for.
	// Without one, /metrics answers only a server that listens on
	// loopback; listening on another address, it is 403.
	MetricsToken string
	// MaxBody caps a request body, after gzip decoding. Default
	// DefaultMaxBody, room for entry.MaxBatch entries of any size allowed.
	MaxBody int64
	// Retention is how long the hub keeps entries (by their id's time):
	// an entry whose id is older is refused, as it would be purged at
	// once. 0 refuses none for its age.
	Retention time.Duration
	// ShutdownTimeout is how long Close lets requests in flight finish
	// before it cuts them. Default DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// Registry receives the server's metrics, and /metrics shows it. Nil:
	// a registry of the server's own (see Server.Registry).
	Registry *prometheus.Registry
	// Logger gets what clients are not told: internal errors, refusals at
	// debug level. Nil: nothing is logged.
	Logger *slog.Logger
	// Web, when not nil, serves every path the API does not: the
	// operator's page (hub/web), mounted at /.
	Web http.Handler
}

// Server is the hub's HTTP API. Make it with NewServer, start it with Open,
// stop it with Close; it is also an http.Handler, for tests that need no
// socket.
type Server struct {
	// Now is the clock: bundle freshness in /healthz. Set it before Open.
	Now func() time.Time

	store   Store
	opts    Options
	log     *slog.Logger
	m       *metrics
	handler http.Handler

	authPool, pullPool pool // the slots of requests in flight (limits.go)
	tokens             *tokenLimit
	conns              *limitListener // nil until Open

	ln  net.Listener
	srv *http.Server

	prepMu   sync.Mutex
	prepared atomic.Pointer[prepared] // the published bundle, cut up for serving
}

// NewServer makes a server on store with the options; it registers its
// metrics, which fails if the registry already has them.
func NewServer(store Store, opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = DefaultMaxInFlight
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = DefaultRetryAfter
	}
	if opts.MaxPulls <= 0 {
		opts.MaxPulls = DefaultMaxPulls
	}
	if opts.MaxPerToken <= 0 {
		opts.MaxPerToken = DefaultMaxPerToken
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = DefaultMaxConns
	}
	if opts.MaxConnsPerAddr == 0 {
		opts.MaxConnsPerAddr = DefaultMaxConnsPerAddr
	}
	if opts.MinRate <= 0 {
		opts.MinRate = DefaultMinRate
	}
	if opts.RateGrace <= 0 {
		opts.RateGrace = DefaultRateGrace
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = DefaultShutdownTimeout
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	if opts.Logger == nil {
		opts.Logger = discardLogger()
	}
	m, err := newMetrics(opts.Registry)
	if err != nil {
		return nil, err
	}
	s := &Server{
		Now:   time.Now,
		store: store,
		opts:  opts,
		log:   opts.Logger,
		m:     m,

		authPool: make(pool, opts.MaxInFlight),
		pullPool: make(pool, opts.MaxPulls),
		tokens:   &tokenLimit{max: opts.MaxPerToken, n: map[[32]byte]int{}},
	}
	if err := s.registerFleet(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/bundle", s.pulled(s.getBundle))
	mux.Handle("GET /v1/bundle/head", s.pulled(s.getHead))
	mux.Handle("GET /v1/bundle/segments/{sum}", s.pulled(s.getSegment))
	mux.Handle("POST /v1/entries", s.bounded(s.postEntries))
	mux.Handle("GET /v1/authority/entries", s.bounded(s.getAuthorityEntries)) // authority_http.go
	mux.Handle("GET /v1/authority/counts", s.bounded(s.getAuthorityCounts))
	mux.Handle("POST /v1/status", s.bounded(s.postStatus))
	mux.Handle("GET /v1/venue/recent", s.bounded(s.getVenueRecent)) // venue_http.go
	mux.HandleFunc("GET /healthz", s.getHealth)
	mux.Handle("GET /metrics", s.metricsGuard(promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{Registry: opts.Registry})))
	if opts.Web != nil {
		mux.Handle("/", opts.Web)
	}
	s.handler = mux
	return s, nil
}

// Registry is where the server's metrics are.
func (s *Server) Registry() *prometheus.Registry { return s.opts.Registry }

// ServeHTTP implements http.Handler. Every request and response on a
// connection is paced at MinRate (limits.go).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The Date of every answer is the hub's clock (Now), which kiosks
	// check their own against (internal/clockcheck).
	w.Header().Set("Date", s.Now().UTC().Format(http.TimeFormat))
	w, r = s.pace(w, r)
	s.handler.ServeHTTP(w, r)
}

// Open listens on the address of the options and serves in the background.
// It returns once the listener is open, so a test can bind port 0 and read
// the port from Addr.
func (s *Server) Open() error {
	if s.ln != nil {
		return errors.New("hub server: already open")
	}
	// Cut up the published bundle now rather than on the first request.
	if _, err := s.current(context.Background()); err != nil && !errors.Is(err, ErrNotFound) {
		s.log.Warn("published bundle", "err", err)
	}
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("hub server: %w", err)
	}
	s.conns = newLimitListener(ln, s.opts.MaxConns, s.opts.MaxConnsPerAddr)
	ln = s.conns
	if s.opts.TLSConfig != nil {
		ln = tls.NewListener(ln, s.opts.TLSConfig)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    32 << 10, // a kiosk's headers are a few hundred bytes
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
		}
	}()
	return nil
}

// Addr is the address the server listens on, once open.
func (s *Server) Addr() net.Addr {
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// URL is the base URL of the server, once open: http or https, and the
// address it listens on. Empty before Open.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	scheme := "http"
	if s.opts.TLSConfig != nil {
		scheme = "https"
	}
	return scheme + "://" + s.Addr().String()
}

// Close stops the server: it stops taking connections, lets requests in
// flight finish for up to ShutdownTimeout, then cuts the rest. It does not
// close the store.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.srv.Close()
		return fmt.Errorf("hub server: close: requests or connections still open after %s, cut: %w", s.opts.ShutdownTimeout, err)
	}
	return nil
}

// health is the body of /healthz.
type health struct {
	Status string        `json:"status"` // "ok", or "overloaded" while a limit is full
	Bundle *bundleHealth `json:"bundle"` // null when none is published
	Limits limitsHealth  `json:"limits"`
}

type bundleHealth struct {
	Sequence   uint64    `json:"sequence"`
	SHA256     string    `json:"sha256"`
	Published  time.Time `json:"published"`
	ValidUntil time.Time `json:"valid_until,omitzero"`
	Expired    bool      `json:"expired"`
	Error      string    `json:"error,omitempty"` // the bundle is not well formed
}

// getHealth says the hub is up, which bundle it serves, and how full its
// limits are. It is 200 whenever the hub answers: an expired or missing
// bundle is for the operator to see, not a reason to take the hub out of
// rotation; and a full pool ("overloaded") is a moment, which each
// refused request already answers with 503 and Retry-After. A health
// check that failed then would take every replica out of a load
// balancer at once under a lunchtime burst, the load on the others
// making them fail in turn.
func (s *Server) getHealth(w http.ResponseWriter, r *http.Request) {
	h := health{Status: "ok"}
	var full bool
	if h.Limits, full = s.limits(); full {
		h.Status = "overloaded"
	}
	p, err := s.current(r.Context())
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		s.writeError(w, r, err)
		return
	default:
		bh := &bundleHealth{Sequence: p.bundle.Sequence, SHA256: fmt.Sprintf("%x", p.bundle.SHA256), Published: p.bundle.Published}
		if p.info != nil {
			bh.ValidUntil = p.info.ValidUntil
			bh.Expired = s.Now().After(p.info.ValidUntil)
		}
		if p.err != nil {
			bh.Error = p.err.Error()
		}
		h.Bundle = bh
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, h)
}
