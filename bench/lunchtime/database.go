package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/passgate/passgate/internal/testkit/pgtest"
)

// Database is the PostgreSQL the hub runs on for the simulation.
type Database struct {
	URL string // an empty database, for passhub --store
	// Restart restarts the server as a crash would (pg_ctl restart -m
	// immediate); nil when the server is not this program's to restart.
	Restart func() error
	// What says where it is, for the printout.
	What string
}

// openDatabase makes the simulation's database: in a throwaway cluster of
// this program's own (pgtest's, started from Debian's PostgreSQL), or, when
// PASSGATE_POSTGRES_URL is set, in the server it names, which is not
// restarted. close drops the database, or stops the cluster.
func openDatabase(ctx context.Context) (db Database, close func() error, err error) {
	if admin := os.Getenv(pgtest.EnvURL); admin != "" {
		name := fmt.Sprintf("lunchtime_%d", os.Getpid())
		if err := execOn(ctx, admin, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"); err != nil {
			return db, nil, fmt.Errorf("create database %s on %s: %w", name, pgtest.EnvURL, err)
		}
		u, err := withDatabase(admin, name)
		if err != nil {
			return db, nil, fmt.Errorf("%s: %w", pgtest.EnvURL, err)
		}
		drop := func() error {
			return execOn(context.Background(), admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		}
		return Database{URL: u, What: "database " + name + " on the server of " + pgtest.EnvURL + " (not restarted: not ours)"}, drop, nil
	}
	s, err := pgtest.StartCluster()
	if err != nil {
		return db, nil, fmt.Errorf("start PostgreSQL: %w (or set %s to a server where a database may be created)", err, pgtest.EnvURL)
	}
	if err := execOn(ctx, s.URL("postgres"), "CREATE DATABASE lunchtime TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"); err != nil {
		s.Close()
		return db, nil, fmt.Errorf("create database lunchtime: %w", err)
	}
	return Database{URL: s.URL("lunchtime"), Restart: func() error { return s.Restart("immediate") }, What: s.String() + " (fsync off)"}, s.Close, nil
}

func execOn(ctx context.Context, conn, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, conn)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	_, err = c.Exec(ctx, sql)
	return err
}

// withDatabase is the connection string conn (a URL, or key=value pairs)
// naming database name instead of its own.
func withDatabase(conn, name string) (string, error) {
	if !strings.HasPrefix(conn, "postgres://") && !strings.HasPrefix(conn, "postgresql://") {
		return conn + " dbname=" + name, nil // in key=value form the last of a key counts
	}
	u, err := url.Parse(conn)
	if err != nil {
		return "", err
	}
	u.Path, u.RawPath = "/"+name, ""
	if q := u.Query(); q.Has("dbname") {
		q.Set("dbname", name)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}
