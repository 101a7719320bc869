// Package pgtest gives tests a real PostgreSQL: a new, empty database per
// test, in a throwaway cluster that the test binary starts once from the
// installed PostgreSQL's programs (initdb and pg_ctl, listening on a Unix
// socket in a temporary directory, no TCP), or in the server that
// PASSGATE_POSTGRES_URL names.
//
// Without PostgreSQL a test that asks for a database is skipped with a
// message saying how to install it; with PASSGATE_REQUIRE_POSTGRES=1 (as
// .ci/run sets) it fails instead, so CI cannot pass by skipping.
//
// A package using it calls Main from its TestMain, which stops the cluster
// and removes its directory once the tests are done:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// A watchdog process does the same if the test binary dies before (a test
// timeout, Ctrl-C, a kill), so no cluster outlives its tests.
//
// The environment:
//
//	PASSGATE_POSTGRES_URL      a server to create the databases in (its user
//	                           needs CREATEDB; PostgreSQL 13 or later), e.g.
//	                           postgres://me@localhost/postgres
//	PASSGATE_POSTGRES_BIN      the directory of initdb and pg_ctl; default the
//	                           highest version in /usr/lib/postgresql (Debian),
//	                           else initdb on PATH
//	PASSGATE_REQUIRE_POSTGRES  1: fail, not skip, without PostgreSQL
//
// initdb refuses to run as root, so as root (CI, containers) the cluster
// runs as the user nobody. The cluster is for tests only: fsync is off and
// whoever reaches its socket is a superuser without a password. Only tests
// import this package.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The environment variables pgtest reads.
const (
	EnvURL     = "PASSGATE_POSTGRES_URL"
	EnvBin     = "PASSGATE_POSTGRES_BIN"
	EnvRequire = "PASSGATE_REQUIRE_POSTGRES"
)

// The test binary's cluster, started by the first test that needs it.
var (
	mu       sync.Mutex
	local    *Server
	tried    bool   // a start was attempted (it is not retried)
	missing  string // why there is no PostgreSQL to start, if there is none
	startErr error  // why the start failed
	dbs      atomic.Int64
)

// Database returns the URL of a new, empty database for this test, dropped
// at the test's end: in the test binary's throwaway cluster, started on the
// first call, or in the server PASSGATE_POSTGRES_URL names when it is set.
// The URL suits pgx, e.g. postgres:///pgtest_...?host=/tmp/pgtest-123&....
// Without PostgreSQL the test is skipped, or fails when
// PASSGATE_REQUIRE_POSTGRES=1.
func Database(t testing.TB) string {
	t.Helper()
	if admin := os.Getenv(EnvURL); admin != "" {
		return create(t, admin, nil)
	}
	return cluster(t).Database(t)
}

// Cluster returns the test binary's throwaway cluster, for a test that
// stops or restarts the server (get its databases with Server.Database).
// It is the cluster Database uses, so such a test must not run in parallel
// with other tests of its package. If the test leaves the cluster stopped,
// it is started again at the test's end. With PASSGATE_POSTGRES_URL set, a
// local cluster is still started for this: a shared server is not to be
// restarted by a test.
func Cluster(t testing.TB) *Server {
	t.Helper()
	s := cluster(t)
	t.Cleanup(func() {
		if err := s.ensureRunning(); err != nil {
			t.Errorf("pgtest: starting the cluster again after the test: %v", err)
		}
	})
	return s
}

// Main runs the package's tests, then stops the cluster if one was started
// and removes its directory. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	s := local
	local, startErr = nil, errors.New("pgtest: the cluster is stopped: Main has returned")
	mu.Unlock()
	if s != nil {
		if err := s.shutdown(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// cluster starts the test binary's cluster once, or skips or fails the
// test if it cannot.
func cluster(t testing.TB) *Server {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if !tried {
		tried = true
		var bin string
		if bin, missing = findBin(); bin != "" {
			began := time.Now()
			local, startErr = start(bin)
			if startErr == nil {
				t.Logf("pgtest: PostgreSQL of %s started in %s, socket in %s", bin, time.Since(began).Round(time.Millisecond), local.SocketDir)
			}
		}
	}
	switch {
	case missing != "":
		unavailable(t, missing)
	case startErr != nil:
		t.Fatalf("pgtest: starting a throwaway PostgreSQL: %v", startErr)
	}
	return local
}

// unavailable skips the test for want of PostgreSQL, or fails it when
// PASSGATE_REQUIRE_POSTGRES=1.
func unavailable(t testing.TB, why string) {
	t.Helper()
	const how = "apt-get install postgresql, or set " + EnvURL + " to a server where the tests may create databases"
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("pgtest: %s, and %s=1: %s", why, EnvRequire, how)
	}
	t.Skipf("pgtest: %s; to run this test: %s", why, how)
}

// findBin finds the directory of initdb and pg_ctl, or says why there is
// none.
func findBin() (dir, why string) {
	if !supported {
		return "", "pgtest runs PostgreSQL on a Unix socket: this system has none"
	}
	if d := os.Getenv(EnvBin); d != "" {
		if hasPrograms(d) {
			return d, ""
		}
		return "", fmt.Sprintf("no initdb and pg_ctl in %s=%s", EnvBin, d)
	}
	// Debian: /usr/lib/postgresql/VERSION/bin; the newest version wins.
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	slices.SortFunc(found, func(a, b string) int { return compareVersions(versionOf(a), versionOf(b)) })
	for i := len(found) - 1; i >= 0; i-- {
		if d := filepath.Dir(found[i]); hasPrograms(d) {
			return d, ""
		}
	}
	if p, err := lookPath("initdb"); err == nil && hasPrograms(filepath.Dir(p)) {
		return filepath.Dir(p), ""
	}
	return "", "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb, no initdb on PATH)"
}

func hasPrograms(dir string) bool {
	for _, p := range []string{"initdb", "pg_ctl"} {
		if fi, err := os.Stat(filepath.Join(dir, p)); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// versionOf is the VERSION of /usr/lib/postgresql/VERSION/bin/initdb.
func versionOf(initdb string) string { return filepath.Base(filepath.Dir(filepath.Dir(initdb))) }

// compareVersions orders "9.6" < "15" < "17": by number, field by field.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

// create makes a database on the server that admin (a URL or a key=value
// connection string) connects to, dropped at the test's end, and returns
// its URL. s is the local cluster, or nil.
func create(t testing.TB, admin string, s *Server) string {
	t.Helper()
	name := dbName(t.Name())
	ident := pgx.Identifier{name}.Sanitize()
	// template0, because another session may be connected to template1;
	// UTF-8 and the C locale whatever the server's defaults. From
	// PostgreSQL 15 on, copying the files takes two thirds of the time of
	// the default, writing them to the WAL.
	sql := func(version int) string {
		s := "CREATE DATABASE " + ident + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
		if version >= 15 {
			s += " STRATEGY FILE_COPY"
		}
		return s
	}
	if err := execAdmin(admin, sql); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if s != nil {
			// The test may have stopped the cluster.
			if err := s.ensureRunning(); err != nil {
				t.Errorf("pgtest: drop database %s: %v", name, err)
				return
			}
		}
		// FORCE: a connection the test left open must not keep it.
		drop := func(int) string { return "DROP DATABASE IF EXISTS " + ident + " WITH (FORCE)" }
		if err := execAdmin(admin, drop); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	if s != nil {
		return s.URL(name)
	}
	u, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", EnvURL, err)
	}
	return u
}

// execAdmin runs one statement, made for the server's major version, on a
// connection of its own: the server may have restarted since the last one.
func execAdmin(admin string, sql func(version int) string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// "15.14 (Debian 15.14-0+deb12u1)"
	v := conn.PgConn().ParameterStatus("server_version")
	major, _ := strconv.Atoi(v[:len(v)-len(strings.TrimLeft(v, "0123456789"))])
	_, err = conn.Exec(ctx, sql(major))
	return err
}

// dbName makes a database name unique on a server shared by several test
// binaries at once, and that tells whose it is: pgtest_PID_N_test_name.
func dbName(test string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pgtest_%d_%d_", os.Getpid(), dbs.Add(1))
	under := false
	for _, r := range strings.ToLower(test) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if ok {
			b.WriteRune(r)
		} else if !under {
			b.WriteByte('_')
		}
		under = !ok
		if b.Len() >= 63 { // PostgreSQL's limit on a name
			break
		}
	}
	return strings.TrimRight(b.String(), "_")
}

// withDatabase returns the connection string conn with the database
// replaced by name. conn is a URL (postgres://...) or key=value pairs.
func withDatabase(conn, name string) (string, error) {
	if !strings.HasPrefix(conn, "postgres://") && !strings.HasPrefix(conn, "postgresql://") {
		// In key=value form the last of a key counts.
		return conn + " dbname=" + name, nil
	}
	u, err := url.Parse(conn)
	if err != nil {
		return "", err
	}
	u.Path, u.RawPath = "/"+name, ""
	q := u.Query()
	if q.Has("dbname") {
		q.Set("dbname", name)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}
