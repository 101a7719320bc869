package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/i18n"
)

// Store is what the page needs of the hub's store.
type Store interface {
	hub.Store       // kiosks, the published bundle
	hub.StatusStore // each kiosk's last report: the fleet table
	hub.QueryStore  // check-ins per hour: the chart
	hub.UserStore   // logins and sessions
}

// Defaults of Options.
const (
	DefaultSessionTTL    = 12 * time.Hour
	DefaultMaxFailures   = 5
	DefaultFailureWindow = 15 * time.Minute
	// A kiosk heard from within OnlineWithin is online; within StaleWithin,
	// stale; later, offline. Kiosks report every few minutes.
	DefaultOnlineWithin = 10 * time.Minute
	DefaultStaleWithin  = 24 * time.Hour
)

// Options configure a Handler. The zero value is usable.
type Options struct {
	// Secure marks the cookies Secure and names the session's with the
	// __Host- prefix: set it when the hub serves HTTPS.
	Secure bool
	// Now is the clock: sessions' expiry, last seen, today's chart. Nil
	// means time.Now.
	Now func() time.Time
	// Zone is where the chart's hours and the times shown are; nil means
	// time.Local.
	Zone *time.Location
	// SessionTTL is how long a login lasts. Default DefaultSessionTTL.
	SessionTTL time.Duration
	// MaxFailures wrong passwords within FailureWindow for one user name
	// (4 times as many from one address) hold back that name (address)
	// for the rest of the window. Defaults DefaultMaxFailures,
	// DefaultFailureWindow.
	MaxFailures   int
	FailureWindow time.Duration
	// OnlineWithin and StaleWithin divide online, stale and offline.
	// Defaults DefaultOnlineWithin, DefaultStaleWithin.
	OnlineWithin, StaleWithin time.Duration
	// Catalogs are the page's languages, by code; the first of
	// Languages is the default. Nil loads English and Korean.
	Catalogs map[string]*i18n.Catalog
	// Logger gets what users are not shown: store errors. Nil: nothing.
	Logger *slog.Logger
}

// languages in the order of the switch; the first is the default.
var languages = []string{"en", "ko"}

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Handler is the operator's page: an http.Handler to mount at / on the
// hub.
type Handler struct {
	store   Store
	opts    Options
	log     *slog.Logger
	pages   *template.Template
	users   *limiter // wrong passwords per user name
	addrs   *limiter // and per address, which may be an office's NAT
	handler http.Handler
}

// New makes the page on a store.
func New(st Store, opts Options) (*Handler, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Zone == nil {
		opts.Zone = time.Local
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.MaxFailures <= 0 {
		opts.MaxFailures = DefaultMaxFailures
	}
	if opts.FailureWindow <= 0 {
		opts.FailureWindow = DefaultFailureWindow
	}
	if opts.OnlineWithin <= 0 {
		opts.OnlineWithin = DefaultOnlineWithin
	}
	if opts.StaleWithin <= 0 {
		opts.StaleWithin = DefaultStaleWithin
	}
	if opts.Catalogs == nil {
		opts.Catalogs = map[string]*i18n.Catalog{}
		for _, l := range languages {
			c, err := i18n.New(l)
			if err != nil {
				return nil, fmt.Errorf("web: %w", err)
			}
			opts.Catalogs[l] = c
		}
	}
	for _, l := range languages {
		if opts.Catalogs[l] == nil {
			return nil, fmt.Errorf("web: no catalog for %q", l)
		}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	pages, err := template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	h := &Handler{
		store: st,
		opts:  opts,
		log:   opts.Logger,
		pages: pages,
		users: newLimiter(opts.MaxFailures, opts.FailureWindow, opts.Now),
		addrs: newLimiter(4*opts.MaxFailures, opts.FailureWindow, opts.Now),
	}
	static, _ := fs.Sub(staticFiles, "static") // the folder is embedded
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.signedIn(h.getPage))
	mux.HandleFunc("GET /login", h.getLogin)
	mux.HandleFunc("POST /login", h.postLogin)
	mux.HandleFunc("POST /logout", h.signedIn(h.postLogout))
	mux.HandleFunc("POST /kiosks", h.signedIn(h.admin(h.postKiosk)))
	mux.HandleFunc("POST /kiosks/revoke", h.signedIn(h.admin(h.postRevoke)))
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("/", h.notFound)
	// Forms are also checked for a token of their own (see csrf.go); this
	// refuses a cross-site POST by what the browser says of its origin.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, http.StatusForbidden, "web.error.cross_site")
	}))
	h.handler = cop.Handler(mux)
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	if h.opts.Secure {
		hd.Set("Strict-Transport-Security", "max-age=31536000")
	}
	h.handler.ServeHTTP(w, r)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.fail(w, r, http.StatusNotFound, "web.error.not_found")
}

// render writes a page with a status.
func (h *Handler) render(w http.ResponseWriter, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := h.pages.ExecuteTemplate(w, name, data); err != nil {
		h.log.Error("web: render", "page", name, "err", err)
	}
}

// errorPage is the body of a refusal.
type errorPage struct {
	view
	Message string
}

// fail answers with a page that says why, in the request's language.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	v := h.view(w, r)
	h.render(w, status, "error.html", errorPage{view: v, Message: v.T(key, args...)})
}

// storeFailed answers a store error: 503 when the store is out of reach
// for now, else 500; the detail goes to the log only.
func (h *Handler) storeFailed(w http.ResponseWriter, r *http.Request, what string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	h.log.Error("web: "+what, "err", err)
	if errors.Is(err, hub.ErrUnavailable) {
		w.Header().Set("Retry-After", "5")
		h.fail(w, r, http.StatusServiceUnavailable, "web.error.unavailable")
		return
	}
	h.fail(w, r, http.StatusInternalServerError, "web.error.internal")
}
