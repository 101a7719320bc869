package pgstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrSchemaNewer: the database was migrated by a newer passhub than this
// one. This one refuses to start rather than write into a schema it does
// not know; run the newer passhub.
var ErrSchemaNewer = errors.New("database schema newer than this passhub")

// Migrate brings the database at url up to the newest schema this build
// knows and returns the version it was at and the one it is at now (equal
// when there was nothing to do; 0 for an empty database). Replicas
// starting at once take turns: goose holds an advisory lock while it
// migrates.
func Migrate(ctx context.Context, url string) (from, to int64, err error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return 0, 0, fmt.Errorf("migrate: %w", err)
	}
	sessionParams(cfg)
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	from, to, err = migrate(ctx, db)
	if err != nil {
		return from, to, fmt.Errorf("migrate: %w", classify(ctx, err))
	}
	return from, to, nil
}

// SchemaVersion is the newest schema version this build knows: the
// number of its last embedded migration.
func SchemaVersion() int64 {
	names, _ := fs.Glob(migrations, "migrations/*.sql") // the pattern is valid
	var v int64
	for _, n := range names {
		if n, err := goose.NumericComponent(n); err == nil {
			v = max(v, n)
		}
	}
	return v
}

func provider(db *sql.DB) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	// Replicas started together wait for each other's migration: up to
	// five minutes, probing every second.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
		// Migrations are numbered as they are planned, not as they land:
		// a database may have 3 before 2 exists. Each stands alone.
		goose.WithAllowOutofOrder(true),
		goose.WithLogger(goose.NopLogger()))
}

func migrate(ctx context.Context, db *sql.DB) (from, to int64, err error) {
	p, err := provider(db)
	if err != nil {
		return 0, 0, err
	}
	known := SchemaVersion()
	if from, err = p.GetDBVersion(ctx); err != nil {
		return 0, 0, err
	}
	if from > known {
		return from, from, newer(from, known)
	}
	// Nothing to do is the common case (every admin command, every
	// replica's start): answered without the migration lock, so commands
	// started together do not queue behind it a second at a time.
	if pending, err := p.HasPending(ctx); err != nil {
		return from, from, err
	} else if !pending {
		return from, from, nil
	}
	if _, err := p.Up(ctx); err != nil {
		return from, from, err
	}
	if to, err = p.GetDBVersion(ctx); err != nil {
		return from, from, err
	}
	if to > known { // a newer passhub migrated it meanwhile
		return from, to, newer(to, known)
	}
	return from, to, nil
}

func newer(db, known int64) error {
	return fmt.Errorf("%w: the database is at schema version %d, this passhub knows versions up to %d: run a passhub as new as the one that migrated it",
		ErrSchemaNewer, db, known)
}
