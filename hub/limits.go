package hub

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the limits in Options.
const (
	DefaultMaxPulls        = 64
	DefaultMaxPerToken     = 2
	DefaultMaxConns        = 4096
	DefaultMaxConnsPerAddr = 32
	DefaultMinRate         = 32 << 10 // bytes a second
	DefaultRateGrace       = 10 * time.Second
)

// paceChunk is the most a paced read or write moves under one deadline.
const paceChunk = 32 << 10

// pool is a number of request slots. A request that finds none free is
// turned away at once (503): queueing would only make every kiosk wait.
type pool chan struct{}

func (p pool) take() bool {
	select {
	case p <- struct{}{}:
		return true
	default:
		return false
	}
}

func (p pool) give() { <-p }

// tokenLimit counts the requests in flight of each bearer token, so that
// one kiosk (or one stolen token) cannot hold the authenticated pool.
type tokenLimit struct {
	max int
	mu  sync.Mutex
	n   map[[32]byte]int
}

func (l *tokenLimit) take(sum [32]byte) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n[sum] >= l.max {
		return false
	}
	l.n[sum]++
	return true
}

func (l *tokenLimit) give(sum [32]byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n[sum]--; l.n[sum] <= 0 {
		delete(l.n, sum)
	}
}

// bearer returns the request's bearer token, or "".
func bearer(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// bounded admits an authenticated request (a kiosk's push or status, the
// authority's queries) if its token has fewer than MaxPerToken in flight
// and the pool of MaxInFlight has a slot; else it answers 429 or 503 with
// Retry-After. Requests without a token take a slot too, and are refused
// by their handler at once.
func (s *Server) bounded(h http.HandlerFunc) http.Handler {
	return s.limited(s.authPool, s.opts.MaxInFlight, true, h)
}

// pulled admits an anonymous bundle pull if the pool of MaxPulls has a
// slot, else it answers 503 with Retry-After. Pulls have their own pool,
// so that clients that ask for the bundle and never read it hold none of
// the kiosks' pushes.
func (s *Server) pulled(h http.HandlerFunc) http.Handler {
	return s.limited(s.pullPool, s.opts.MaxPulls, false, h)
}

func (s *Server) limited(p pool, size int, perToken bool, h http.HandlerFunc) http.Handler {
	retry := fmt.Sprint(int64((s.opts.RetryAfter + time.Second - 1) / time.Second))
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := &statusWriter{ResponseWriter: rw}
		defer func() { s.m.requests.WithLabelValues(r.Pattern, strconv.Itoa(w.code)).Inc() }()
		if tok := bearer(r); perToken && tok != "" {
			sum := TokenSum(tok)
			if !s.tokens.take(sum) {
				w.Header().Set("Retry-After", retry)
				s.writeError(w, r, fmt.Errorf("%w: this token has %d requests in flight already, the most it may; retry in %s s", ErrTooMany, s.opts.MaxPerToken, retry))
				return
			}
			defer s.tokens.give(sum)
		}
		if !p.take() {
			s.m.overloaded.Inc()
			w.Header().Set("Retry-After", retry)
			s.writeError(w, r, fmt.Errorf("%w: more than %d requests in flight; retry in %s s", ErrOverloaded, size, retry))
			return
		}
		s.m.inFlight.Inc()
		defer func() {
			s.m.inFlight.Dec()
			p.give()
		}()
		h(w, r)
	})
}

// pace makes every response of the server, and every request body, move
// at MinRate at least: see paced.
func (s *Server) pace(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	rc := http.NewResponseController(w)
	pw := &paced{ResponseWriter: w, rc: rc, rate: float64(s.opts.MinRate), grace: s.opts.RateGrace}
	pw.on = rc.SetWriteDeadline(time.Now().Add(s.opts.RateGrace)) == nil
	if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 && pw.on {
		// A copy: the server looks at its own request's body, after the
		// handler, to tell whether to read the rest or close.
		r = r.WithContext(r.Context())
		r.Body = &pacedBody{ReadCloser: r.Body, rc: rc, rate: float64(s.opts.MinRate), grace: s.opts.RateGrace}
	}
	return pw, r
}

// paced is a response that must go out at rate bytes a second on average
// once grace has passed, and never stall longer than grace (plus a
// chunk's time at rate): each write of at most paceChunk bytes gets a
// write deadline of what is left of that allowance. A client that asks for
// a large bundle and never reads is cut off grace after the socket's
// buffers fill, and its slot is free again. Only the time spent writing
// counts: a handler slow to make its answer (a long query) is not the
// client's fault.
type paced struct {
	http.ResponseWriter
	rc    *http.ResponseController
	rate  float64
	grace time.Duration
	on    bool // the connection takes deadlines (not a test's recorder)
	sent  int64
	busy  time.Duration // spent in writes
}

// allowance is how long the next n bytes may take, after sent bytes in
// busy: what is left of grace + (sent+n)/rate, at most grace + n/rate.
func allowance(sent, n int64, busy time.Duration, rate float64, grace time.Duration) time.Duration {
	at := func(b int64) time.Duration { return time.Duration(float64(b) / rate * float64(time.Second)) }
	return min(grace+at(sent+n)-busy, grace+at(n))
}

func (p *paced) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		c := b[:min(len(b), paceChunk)]
		if p.on {
			d := allowance(p.sent, int64(len(c)), p.busy, p.rate, p.grace)
			if d <= 0 {
				return written, fmt.Errorf("%w: the client took %d bytes in %s, under %.0f bytes a second", ErrTooSlow, p.sent, p.busy.Round(time.Millisecond), p.rate)
			}
			p.rc.SetWriteDeadline(time.Now().Add(d))
		}
		start := time.Now()
		n, err := p.ResponseWriter.Write(c)
		p.busy += time.Since(start)
		p.sent += int64(n)
		written += n
		if err != nil {
			return written, err
		}
		b = b[len(c):]
	}
	return written, nil
}

// Flush sends what is buffered, under the deadline of the last write.
func (p *paced) Flush() { p.rc.Flush() }

// Unwrap lets http.ResponseController reach the connection.
func (p *paced) Unwrap() http.ResponseWriter { return p.ResponseWriter }

// pacedBody is a request body that must come at the same rate as paced
// responses go: a push sent a byte a second is cut off (408) instead of
// holding its slot for the server's whole read timeout.
type pacedBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	rate  float64
	grace time.Duration
	got   int64
	busy  time.Duration
	eof   bool // read to the end: no more deadlines (the server reads the connection on its own now)
}

func (p *pacedBody) Read(b []byte) (int, error) {
	if p.eof {
		return 0, io.EOF
	}
	b = b[:min(len(b), paceChunk)]
	d := allowance(p.got, 0, p.busy, p.rate, p.grace) // a read may return less than asked: only what came counts
	if d <= 0 {
		return 0, fmt.Errorf("%w: %d bytes of body in %s, under %.0f bytes a second", ErrTooSlow, p.got, p.busy.Round(time.Millisecond), p.rate)
	}
	p.rc.SetReadDeadline(time.Now().Add(d))
	start := time.Now()
	n, err := p.ReadCloser.Read(b)
	p.busy += time.Since(start)
	p.got += int64(n)
	switch {
	case err == io.EOF:
		p.eof = true
		p.rc.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = fmt.Errorf("%w: %d bytes of body in %s, under %.0f bytes a second: %w", ErrTooSlow, p.got, p.busy.Round(time.Millisecond), p.rate, err)
	}
	return n, err
}

// limitListener caps the connections open at once, in all and per remote
// address, so that one client cannot take every connection the hub has.
// A connection over a cap is closed at once, before a byte is read: a
// kiosk takes that as a hub that is down and tries again later, or its
// next hub. Loopback peers (a proxy on the same machine, tests) are not
// capped per address.
type limitListener struct {
	net.Listener
	max, perAddr int

	mu      sync.Mutex
	open    int
	byAddr  map[string]int
	refused atomic.Int64
}

func newLimitListener(ln net.Listener, max, perAddr int) *limitListener {
	return &limitListener{Listener: ln, max: max, perAddr: perAddr, byAddr: map[string]int{}}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if lc := l.admit(c); lc != nil {
			return lc, nil
		}
		l.refused.Add(1)
		c.Close()
	}
}

// admit counts c in, or returns nil when it is over a cap.
func (l *limitListener) admit(c net.Conn) net.Conn {
	host := c.RemoteAddr().String()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	capped := l.perAddr > 0
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		capped = false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.max || (capped && l.byAddr[host] >= l.perAddr) {
		return nil
	}
	l.open++
	if capped {
		l.byAddr[host]++
	}
	return &limitConn{Conn: c, l: l, host: host, capped: capped}
}

func (l *limitListener) release(host string, capped bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if capped {
		if l.byAddr[host]--; l.byAddr[host] <= 0 {
			delete(l.byAddr, host)
		}
	}
}

// counts are the connections open now and refused so far.
func (l *limitListener) counts() (open int, refused int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open, l.refused.Load()
}

type limitConn struct {
	net.Conn
	l      *limitListener
	host   string
	capped bool
	once   sync.Once
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.host, c.capped) })
	return err
}

// limitsHealth is the use of the server's limits, in /healthz.
type limitsHealth struct {
	Authenticated poolHealth `json:"authenticated"` // pushes, status, the authority
	Anonymous     poolHealth `json:"anonymous"`     // bundle pulls
	Connections   connHealth `json:"connections"`
}

type poolHealth struct {
	InUse int `json:"in_use"`
	Max   int `json:"max"`
}

type connHealth struct {
	Open       int   `json:"open"`
	Max        int   `json:"max"`
	MaxPerAddr int   `json:"max_per_address"` // 0: none
	Refused    int64 `json:"refused"`         // since the server opened
}

// limits reports the limits' use, and whether one of them is full.
func (s *Server) limits() (limitsHealth, bool) {
	h := limitsHealth{
		Authenticated: poolHealth{InUse: len(s.authPool), Max: cap(s.authPool)},
		Anonymous:     poolHealth{InUse: len(s.pullPool), Max: cap(s.pullPool)},
		Connections:   connHealth{Max: s.opts.MaxConns, MaxPerAddr: max(s.opts.MaxConnsPerAddr, 0)},
	}
	if s.conns != nil {
		h.Connections.Open, h.Connections.Refused = s.conns.counts()
	}
	full := h.Authenticated.InUse >= h.Authenticated.Max || h.Anonymous.InUse >= h.Anonymous.Max ||
		h.Connections.Open >= h.Connections.Max
	return h, full
}

// metricsGuard lets a request to /metrics through with the metrics token,
// or, without one set, when the server listens on loopback only: the
// figures tell an attacker how busy the hub is and which kiosks it has.
func (s *Server) metricsGuard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case s.opts.MetricsToken != "":
			if subtle.ConstantTimeCompare([]byte(bearer(r)), []byte(s.opts.MetricsToken)) != 1 {
				s.writeError(w, r, fmt.Errorf("%w: /metrics wants Authorization: Bearer and the metrics token", ErrUnauthorized))
				return
			}
		case !s.onLoopback():
			s.writeError(w, r, fmt.Errorf("%w: /metrics of a hub that listens beyond loopback needs a metrics token (passhub serve --metrics-token-file)", ErrForbidden))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// onLoopback tells whether the server listens on a loopback address only.
// Served without a listener (a test's ServeHTTP), it is taken as loopback.
func (s *Server) onLoopback() bool {
	if s.ln == nil {
		return true
	}
	a, ok := s.ln.Addr().(*net.TCPAddr)
	return ok && a.IP.IsLoopback()
}
