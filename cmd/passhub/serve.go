package main

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/adminsock"
	"github.com/passgate/passgate/hub/web"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/pemfile"
)

// Main is a running hub: the store and the server on it, built from the
// serve flags. Tests build one, Run it on 127.0.0.1:0 and Close it.
type Main struct {
	Addr        string
	DataDir     string
	StoreURL    string // PostgreSQL; when set, DataDir is not used
	TLSCert     string
	TLSKey      string
	BundleKey   string // pinned key; when set, the published bundle is checked at start
	MaxInFlight int
	RetryAfter  time.Duration
	Insecure    bool // plain HTTP on a non-loopback address
	// MetricsTokenFile holds the bearer token /metrics asks for; without
	// it /metrics answers only when the hub listens on loopback.
	MetricsTokenFile string
	// MaxConnsPerAddr caps the connections from one remote address
	// (loopback excepted); 0 caps none, as behind a proxy.
	MaxConnsPerAddr int
	// RetentionDays: entries older than this are purged at start and
	// daily; 0 keeps everything.
	RetentionDays int
	// After waits as time.After does (the retention's day); nil is
	// time.After.
	After  func(time.Duration) <-chan time.Time
	Stderr io.Writer
	Now    func() time.Time
	Cat    *i18n.Catalog // the language of its errors

	Store  hub.Store
	Server *hub.Server

	stopRetain func()
	admin      *adminsock.Server // bbolt only: the admin socket
}

// NewMain returns a Main with the defaults of `passhub serve`, whose errors
// are in the catalog's language.
func NewMain(e *env, cat *i18n.Catalog) *Main {
	return &Main{
		Addr:          hub.DefaultAddr,
		DataDir:       defaultDataDir(e),
		MaxInFlight:   hub.DefaultMaxInFlight,
		RetryAfter:    hub.DefaultRetryAfter,
		RetentionDays: 28,

		MaxConnsPerAddr: hub.DefaultMaxConnsPerAddr,
		Stderr:          e.stderr,
		Now:             e.now,
		Cat:             cat,
	}
}

// Run checks the configuration, opens the store and starts the server. It
// returns once the hub listens; Close stops it.
func (m *Main) Run(ctx context.Context) error {
	tlsConf, err := m.tlsConfig()
	if err != nil {
		return err
	}
	metricsToken, err := m.readMetricsToken()
	if err != nil {
		return err
	}
	var pinned ed25519.PublicKey
	if m.BundleKey != "" {
		if pinned, err = readBundleKey(m.BundleKey); err != nil {
			return fmt.Errorf("--bundle-key: %w", err)
		}
	}
	log := slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if m.StoreURL != "" {
		m.Store, err = openPostgres(ctx, m.Cat, m.StoreURL, m.Now, log)
	} else {
		var bolt *hub.Bolt
		if bolt, err = openStore(m.Cat, m.DataDir, m.Now); err == nil {
			m.Store = bolt
			// Admin commands reach the store through it while the hub
			// holds the file. Without it the hub still serves kiosks.
			sock := filepath.Join(m.DataDir, adminsock.File)
			if m.admin, err = adminsock.Listen(sock, bolt, log); err != nil {
				log.Error("admin commands will not work while the hub runs", "err", err)
				err = nil
			}
		}
	}
	if err != nil {
		m.Store = nil // not a typed nil for Close
		return err
	}
	m.checkBundle(ctx, log, pinned)
	page, err := m.page(tlsConf != nil, log)
	if err != nil { // the embedded templates or catalogs: not this run's fault
		if m.admin != nil {
			m.admin.Close()
		}
		m.Store.Close()
		return err
	}
	perAddr := m.MaxConnsPerAddr
	if perAddr == 0 {
		perAddr = -1 // none
	}
	m.Server, err = hub.NewServer(m.Store, hub.Options{
		Addr:            m.Addr,
		TLSConfig:       tlsConf,
		MaxInFlight:     m.MaxInFlight,
		RetryAfter:      m.RetryAfter,
		MaxConnsPerAddr: perAddr,
		MetricsToken:    metricsToken,
		Retention:       time.Duration(m.RetentionDays) * 24 * time.Hour,
		Logger:          log,
		Web:             page,
	})
	if err == nil {
		m.Server.Now = m.Now
		err = m.Server.Open()
	}
	if err != nil {
		if m.admin != nil {
			m.admin.Close()
		}
		m.Store.Close()
		return err
	}
	if m.RetentionDays > 0 {
		after := m.After
		if after == nil {
			after = time.After
		}
		rctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); retain(rctx, m.Store, m.RetentionDays, m.Now, after, log) }()
		m.stopRetain = func() { cancel(); <-done }
	}
	return nil
}

// Close stops the server, then closes the store.
func (m *Main) Close() error {
	var errs []error
	if m.stopRetain != nil {
		m.stopRetain()
	}
	if m.Server != nil {
		errs = append(errs, m.Server.Close())
	}
	if m.admin != nil {
		errs = append(errs, m.admin.Close())
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
	}
	return errors.Join(errs...)
}

// tlsConfig loads the certificate, or checks that plain HTTP stays on
// loopback: kiosk tokens must not cross a network in clear.
func (m *Main) tlsConfig() (*tls.Config, error) {
	switch {
	case (m.TLSCert == "") != (m.TLSKey == ""):
		return nil, command.UsageKey(m.Cat, "passhub.serve.tls_pair")
	case m.TLSCert != "":
		cert, err := tls.LoadX509KeyPair(m.TLSCert, m.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
		}
		return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, CipherSuites: aeadSuites}, nil
	case m.Insecure:
		return nil, nil
	}
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return nil, command.UsageKey(m.Cat, "passhub.serve.bad_addr", m.Addr)
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil, nil
	}
	where := m.Cat.T("passhub.serve.address", host)
	if host == "" {
		where = m.Cat.T("passhub.serve.every_interface")
	}
	return nil, command.UsageKey(m.Cat, "passhub.serve.plain_http", m.Addr, where, portOf(m.Addr))
}

// aeadSuites are the TLS 1.2 cipher suites the hub offers: forward
// secret, authenticated encryption only (no CBC, whose MAC-then-encrypt
// gave Lucky13 and its kin). TLS 1.3 has only such suites.
var aeadSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// readMetricsToken reads the metrics token file, if one is named.
func (m *Main) readMetricsToken() (string, error) {
	if m.MetricsTokenFile == "" {
		return "", nil
	}
	raw, err := os.ReadFile(m.MetricsTokenFile)
	if err != nil {
		return "", fmt.Errorf("--metrics-token-file: %w", err)
	}
	token := strings.TrimSpace(string(raw))
	if len(token) < 16 {
		return "", command.UsageKey(m.Cat, "passhub.serve.metrics_token_short", m.MetricsTokenFile, len(token))
	}
	return token, nil
}

func portOf(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return port
}

// checkBundle logs which bundle the hub serves and whether kiosks pinning
// the key will take it. It never stops the hub: entries must flow in even
// when the bundle is wrong.
func (m *Main) checkBundle(ctx context.Context, log *slog.Logger, pinned ed25519.PublicKey) {
	b, err := m.Store.CurrentBundle(ctx)
	if err != nil {
		log.Warn("no trust bundle published yet: kiosks get 404 until `passhub bundle publish`")
		return
	}
	if pinned == nil {
		log.Info("serving trust bundle", "sequence", b.Sequence, "bytes", len(b.Data))
		return
	}
	vb, err := bundle.Load(b.Data, pinned, nil, m.Now())
	switch {
	case errors.Is(err, bundle.ErrExpired):
		log.Warn("serving an EXPIRED trust bundle: kiosks show their trust as stale; publish a new one", "sequence", b.Sequence, "valid_until", vb.ValidUntil())
	case err != nil:
		log.Error("the published trust bundle does not load with --bundle-key: kiosks will refuse it", "sequence", b.Sequence, "err", err)
	default:
		log.Info("serving trust bundle", "sequence", b.Sequence, "bytes", len(b.Data), "valid_until", vb.ValidUntil())
	}
}

func (c *cli) serve(ctx context.Context, fs *flag.FlagSet, args []string) error {
	m := NewMain(c.env, c.cat)
	at := c.serveFlags(fs, m)
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	if err := at.check(c.cat); err != nil {
		return err
	}
	if m.MaxInFlight < 1 {
		return command.UsageKey(c.cat, "passhub.serve.bad_inflight", m.MaxInFlight)
	}
	if m.RetentionDays < 0 || m.RetentionDays > 3650 {
		return command.UsageKey(c.cat, "passhub.serve.bad_retention", m.RetentionDays)
	}
	if m.RetryAfter < time.Second {
		return command.UsageKey(c.cat, "passhub.serve.bad_retry", m.RetryAfter)
	}
	if m.MaxConnsPerAddr < 0 {
		return command.UsageKey(c.cat, "passhub.serve.bad_conns", m.MaxConnsPerAddr)
	}
	if err := m.Run(ctx); err != nil {
		return err
	}
	if m.StoreURL != "" {
		fmt.Fprintln(c.stderr, c.cat.T("passhub.serve.serving_store", m.Server.URL(), redact(m.StoreURL)))
	} else {
		note := ""
		if !command.Given(fs, "data") {
			note = c.cat.T("passhub.serve.default_data")
		}
		fmt.Fprintln(c.stderr, c.cat.T("passhub.serve.serving", m.Server.URL(), m.DataDir, note))
	}
	<-ctx.Done()
	fmt.Fprintln(c.stderr, c.cat.T("passhub.serve.stopping"))
	return m.Close()
}

// readBundleKey reads a bundle-signing public key from a file (PEM or
// base64) or from the argument itself (base64).
func readBundleKey(s string) (ed25519.PublicKey, error) {
	return pemfile.ReadKey(s, "", bundle.ParseKey)
}

// serveFlags adds the flags of serve to fs, bound to m's fields; the where
// returned applies the configuration file to them (check).
func (c *cli) serveFlags(fs *flag.FlagSet, m *Main) *where {
	u := func(name string) string { return c.cat.T("passhub.flag.serve." + name) }
	fs.StringVar(&m.Addr, "addr", m.Addr, u("addr"))
	fs.StringVar(&m.DataDir, "data", m.DataDir, c.cat.T("passhub.flag.data"))
	fs.StringVar(&m.StoreURL, "store", "", c.cat.T("passhub.flag.store"))
	fs.StringVar(&m.TLSCert, "tls-cert", "", u("tls_cert"))
	fs.StringVar(&m.TLSKey, "tls-key", "", u("tls_key"))
	fs.StringVar(&m.BundleKey, "bundle-key", "", u("bundle_key"))
	fs.IntVar(&m.MaxInFlight, "max-inflight", m.MaxInFlight, u("max_inflight"))
	fs.DurationVar(&m.RetryAfter, "retry-after", m.RetryAfter, u("retry_after"))
	fs.BoolVar(&m.Insecure, "insecure", false, u("insecure"))
	fs.IntVar(&m.RetentionDays, "retention-days", m.RetentionDays, u("retention_days"))
	fs.StringVar(&m.MetricsTokenFile, "metrics-token-file", "", u("metrics_token_file"))
	fs.IntVar(&m.MaxConnsPerAddr, "max-conns-per-addr", m.MaxConnsPerAddr, u("max_conns_per_addr"))
	return &where{fs: fs, data: &m.DataDir, url: &m.StoreURL, config: c.configFlag(fs), serve: true}
}

// page is the operator's page on the store, at /; Secure cookies when the
// hub speaks HTTPS. A store without users has none (nil), and says so.
func (m *Main) page(secure bool, log *slog.Logger) (http.Handler, error) {
	st, ok := m.Store.(web.Store)
	if !ok {
		log.Warn("no operator's page: the store keeps no users", "store", fmt.Sprintf("%T", m.Store))
		return nil, nil
	}
	h, err := web.New(st, web.Options{Secure: secure, Now: m.Now, Logger: log})
	if err != nil {
		return nil, err
	}
	return h, nil
}
