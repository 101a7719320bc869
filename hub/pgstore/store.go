package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/passgate/passgate/hub"
)

// pollInterval is how often a replica compares its cached bundle with the
// database when no notification came, and while its listen connection is
// down. A bundle published elsewhere reaches it within this.
const pollInterval = 5 * time.Second

// Options are the options of Open. The zero value is usable.
type Options struct {
	// Now is the clock for the times the store records: kiosk added and
	// revoked, bundle published (kept to the microsecond, as PostgreSQL
	// does). Nil means time.Now.
	Now func() time.Time
	// Log gets what goes wrong in the background (the bundle listener) and
	// the migrations Open applies. Nil means nothing is logged.
	Log *slog.Logger
	// MaxConns caps the store's connections to the database, the listen
	// connection not counted. Zero means pgxpool's default: 4, or the
	// number of CPUs if more. A batch waits mostly on the database's CPU
	// and its commit: with 50 kiosks pushing, on 2 cores shared with the
	// database, 4 to 8 measured best, and 32 as little as half as many
	// entries a second. A url parameter pool_max_conns overrides it.
	MaxConns int32

	// poll replaces pollInterval; noListen leaves the poll alone, no
	// LISTEN (tests of the fallback; see export_test.go).
	poll     time.Duration
	noListen bool
}

// ErrUnavailable wraps every error that comes of the database being out of
// reach, restarting, read-only or out of resources: the request may
// succeed later, and nothing it would have stored was acknowledged.
var ErrUnavailable = hub.ErrUnavailable

// Store is a hub.Store on PostgreSQL. Safe for concurrent use; any number
// of Stores (replicas) may share one database.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
	log  *slog.Logger

	bundle atomic.Pointer[hub.Bundle] // cache of CurrentBundle; nil when none
	loadMu sync.Mutex                 // one bundle load at a time

	partMu sync.Mutex
	parts  map[int64]bool // days (since 1970) whose partition exists, as far as this replica knows

	listenPID atomic.Uint32 // backend of the listen connection, 0 when down
	stop      context.CancelFunc
	done      chan struct{}
}

var _ hub.Store = (*Store)(nil)

// Open migrates the database at url (see Migrate), connects to it and
// loads the published bundle. The url is a PostgreSQL connection string,
// e.g. postgres:///passgate?host=/run/postgresql. Close releases it.
func Open(ctx context.Context, url string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.poll <= 0 {
		o.poll = pollInterval
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open hub store: %w", err)
	}
	if o.MaxConns > 0 && !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = o.MaxConns
	}
	sessionParams(cfg.ConnConfig)
	from, to, err := Migrate(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("open hub store: %w", err)
	}
	if from != to {
		o.Log.Info("database schema migrated", "from", from, "to", to)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open hub store: %w", classify(ctx, err))
	}
	s := &Store{pool: pool, now: o.Now, log: o.Log, parts: map[int64]bool{}, done: make(chan struct{})}
	if err := s.refresh(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open hub store: %w", err)
	}
	wctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	go s.watch(wctx, cfg.ConnConfig.Copy(), o)
	return s, nil
}

// Close stops the bundle listener and closes the connections.
func (s *Store) Close() error {
	s.stop()
	<-s.done
	s.pool.Close()
	return nil
}

// sessionParams sets what the store's sessions need unless the url set it:
// a name in pg_stat_activity, and synchronous_commit on, since an entry is
// acknowledged once its commit returns and must survive a crash of the
// database then (a server or database default of off would lose the last
// moments' acknowledged entries).
func sessionParams(cfg *pgx.ConnConfig) {
	for k, v := range map[string]string{"application_name": "passhub", "synchronous_commit": "on"} {
		if _, ok := cfg.RuntimeParams[k]; !ok {
			cfg.RuntimeParams[k] = v
		}
	}
}

// clock is the store's clock, to the microsecond: what PostgreSQL keeps, so
// a value cached is the value read back.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// classify wraps err in ErrUnavailable when it comes of the database being
// out of reach or unable to take the request now. An error of the
// caller's context is returned as it is: the client left, nobody to tell.
func classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil && (errors.Is(err, cerr) || pgconn.Timeout(err)) {
		return err
	}
	if unavailable(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

func unavailable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			strings.HasPrefix(pe.Code, "53"),       // insufficient resources: disk full, too many connections
			strings.HasPrefix(pe.Code, "57P"),      // shutting down, crashed, starting up
			pe.Code == "25006",                     // read-only transaction: a standby, or default_transaction_read_only
			pe.Code == "40001", pe.Code == "40P01", // serialization failure, deadlock: try again
			pe.Code == "55P03", pe.Code == "57014": // lock not available, statement timeout
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "closed pool")
}
