//go:build unix

package pgtest_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/passgate/passgate/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var ctx = context.Background()

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	t.Cleanup(func() { c.Close(ctx) })
	return c
}

func query[T any](t *testing.T, c *pgx.Conn, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := c.QueryRow(ctx, sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// TestDatabase: each call gives a database of its own, empty, named after
// the test.
func TestDatabase(t *testing.T) {
	a, b := pgtest.Database(t), pgtest.Database(t)
	if a == b {
		t.Fatalf("two calls gave the same database %s", a)
	}
	ca, cb := connect(t, a), connect(t, b)
	nameA := query[string](t, ca, "SELECT current_database()")
	if want := fmt.Sprintf("pgtest_%d_", os.Getpid()); !strings.HasPrefix(nameA, want) || !strings.HasSuffix(nameA, "_testdatabase") {
		t.Errorf("database %q: want %s<n>_testdatabase", nameA, want)
	}
	for _, c := range []*pgx.Conn{ca, cb} {
		if n := query[int](t, c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"); n != 0 {
			t.Errorf("a new database has %d tables", n)
		}
		if enc := query[string](t, c, "SHOW server_encoding"); enc != "UTF8" {
			t.Errorf("encoding %s", enc)
		}
	}
	if _, err := ca.Exec(ctx, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	if _, err := cb.Exec(ctx, "SELECT * FROM t"); err == nil {
		t.Error("a table made in one test database is seen in another")
	}
}

// TestDropped: the database is gone after its test, even with a
// connection the test left open.
func TestDropped(t *testing.T) {
	var name string
	var leaked *pgx.Conn
	t.Run("user", func(t *testing.T) {
		c, err := pgx.Connect(ctx, pgtest.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		leaked = c
		name = query[string](t, c, "SELECT current_database()")
	})
	if leaked != nil {
		defer leaked.Close(ctx)
	}
	c := connect(t, pgtest.Database(t))
	if n := query[int](t, c, "SELECT count(*) FROM pg_database WHERE datname = $1", name); n != 0 {
		t.Errorf("database %s still there after its test", name)
	}
	// Other test binaries may share a server: count this one's.
	if n := query[int](t, c, "SELECT count(*) FROM pg_database WHERE starts_with(datname, $1)", fmt.Sprintf("pgtest_%d_", os.Getpid())); n != 1 {
		t.Errorf("%d test databases, want this test's only", n)
	}
}

// TestCluster: the cluster's settings, and that it restarts, stops and
// starts with its data.
func TestCluster(t *testing.T) {
	s := pgtest.Cluster(t)
	if _, err := os.Stat(filepath.Join(s.SocketDir, ".s.PGSQL."+strconv.Itoa(s.Port))); err != nil {
		t.Errorf("no socket in SocketDir: %v", err)
	}
	for _, f := range []string{filepath.Join(s.BinDir, "pg_ctl"), filepath.Join(s.DataDir, "PG_VERSION"), s.LogFile} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	var st syscall.Stat_t
	if err := syscall.Stat(s.DataDir, &st); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 && st.Uid == 0 {
		t.Error("run as root, the data directory is root's: initdb would have refused")
	}
	url := s.Database(t)
	c := connect(t, url)
	for setting, want := range map[string]string{"listen_addresses": "", "fsync": "off", "unix_socket_directories": s.SocketDir} {
		if got := query[string](t, c, "SHOW "+setting); got != want {
			t.Errorf("%s = %q, want %q", setting, got, want)
		}
	}
	if _, err := c.Exec(ctx, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)"); err != nil {
		t.Fatal(err)
	}

	for _, mode := range []string{"fast", "immediate"} {
		if err := s.Restart(mode); err != nil {
			t.Fatalf("Restart(%s): %v", mode, err)
		}
		if err := c.Ping(ctx); err == nil {
			t.Errorf("a connection survived Restart(%s)", mode)
		}
		c = connect(t, url)
		if x := query[int](t, c, "SELECT x FROM kept"); x != 42 {
			t.Errorf("after Restart(%s): %d", mode, x)
		}
	}
	if err := s.Restart("sideways"); err == nil {
		t.Error("Restart with an unknown mode")
	}

	t.Run("stopped", func(t *testing.T) {
		s := pgtest.Cluster(t)
		if err := s.Stop("fast"); err != nil {
			t.Fatal(err)
		}
		if s.Running() {
			t.Error("running after Stop")
		}
		if _, err := pgx.Connect(ctx, url); err == nil {
			t.Error("connected to a stopped cluster")
		}
	})
	if !s.Running() {
		t.Fatal("the cluster stays stopped after the test that stopped it")
	}
	if x := query[int](t, connect(t, url), "SELECT x FROM kept"); x != 42 {
		t.Errorf("after Stop and Start: %d", x)
	}
}

// TestServerURL: PASSGATE_POSTGRES_URL, as a URL or as key=value pairs,
// names the server the databases are made in.
func TestServerURL(t *testing.T) {
	s := pgtest.Cluster(t)
	for _, admin := range []string{
		s.URL("postgres") + "&application_name=admin",
		fmt.Sprintf("host=%s port=%d user=%s dbname=postgres sslmode=disable", s.SocketDir, s.Port, s.User),
	} {
		t.Setenv(pgtest.EnvURL, admin)
		var name string
		t.Run("db", func(t *testing.T) {
			url := pgtest.Database(t)
			name = query[string](t, connect(t, url), "SELECT current_database()")
			if !strings.HasPrefix(name, "pgtest_") {
				t.Errorf("%s from %s: in database %s", url, admin, name)
			}
		})
		if n := query[int](t, connect(t, s.URL("postgres")), "SELECT count(*) FROM pg_database WHERE datname = $1", name); n != 0 {
			t.Errorf("%s still there after its test", name)
		}
	}
	t.Run("unreachable", func(t *testing.T) {
		if code, out := helper(t, "database", pgtest.EnvURL+"=postgres:///postgres?host=/nonexistent"); code == 0 || !strings.Contains(out, "create database") {
			t.Errorf("an unreachable %s: exit %d\n%s", pgtest.EnvURL, code, out)
		}
	})
}

// TestUnavailable: without PostgreSQL a test skips and says how to install
// it; with PASSGATE_REQUIRE_POSTGRES=1 it fails.
func TestUnavailable(t *testing.T) {
	none := pgtest.EnvBin + "=" + t.TempDir()
	code, out := helper(t, "database", none)
	if code != 0 || !strings.Contains(out, "--- SKIP: TestHelper") || !strings.Contains(out, "apt-get install postgresql") {
		t.Errorf("without PostgreSQL: exit %d\n%s", code, out)
	}
	code, out = helper(t, "database", none, pgtest.EnvRequire+"=1")
	if code == 0 || !strings.Contains(out, "--- FAIL: TestHelper") || !strings.Contains(out, "PASSGATE_REQUIRE_POSTGRES=1") || !strings.Contains(out, "apt-get install postgresql") {
		t.Errorf("without PostgreSQL, required: exit %d\n%s", code, out)
	}
}

// TestCleanup: the cluster's directory is gone when the test binary has
// exited, and when it was killed.
func TestCleanup(t *testing.T) {
	pgtest.Cluster(t) // skip here, not in the helper, without PostgreSQL
	t.Run("exit", func(t *testing.T) {
		code, out := helper(t, "cluster")
		dir, _ := socketDir(out)
		if code != 0 || dir == "" {
			t.Fatalf("exit %d\n%s", code, out)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there after the tests: %v", dir, err)
		}
	})
	t.Run("killed", func(t *testing.T) {
		cmd := helperCmd("hang")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var dir string
		for sc := bufio.NewScanner(stdout); dir == "" && sc.Scan(); {
			dir, _ = socketDir(sc.Text())
		}
		if dir == "" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("the helper printed no socket directory")
		}
		pid, err := postmaster(filepath.Join(dir, "data"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, err := os.Stat(dir)
			gone := errors.Is(err, os.ErrNotExist) && errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
			if gone {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("30 s after the kill: %s there (%v), postmaster %d alive", dir, err, pid)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

func socketDir(out string) (string, bool) {
	for _, line := range strings.Split(out, "\n") {
		if d, ok := strings.CutPrefix(strings.TrimSpace(line), "SOCKETDIR "); ok {
			return d, true
		}
	}
	return "", false
}

// postmaster reads the server's pid from its postmaster.pid.
func postmaster(data string) (int, error) {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strconv.Atoi(first)
}

// TestHelper is the test binary run again by the tests above, in the mode
// PGTEST_HELPER says.
func TestHelper(t *testing.T) {
	switch os.Getenv("PGTEST_HELPER") {
	case "":
		t.Skip("run by the other tests")
	case "database":
		pgtest.Database(t)
		t.Error("Database returned")
	case "cluster":
		fmt.Println("SOCKETDIR", pgtest.Cluster(t).SocketDir)
	case "hang":
		fmt.Println("SOCKETDIR", pgtest.Cluster(t).SocketDir)
		time.Sleep(time.Minute)
	}
}

func helperCmd(mode string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelper$", "-test.v")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PASSGATE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(append(cmd.Env, "PGTEST_HELPER="+mode), env...)
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// helper runs TestHelper in a test binary of its own and returns its exit
// code and output.
func helper(t *testing.T, mode string, env ...string) (int, string) {
	t.Helper()
	out, err := helperCmd(mode, env...).CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	if exit != nil {
		return exit.ExitCode(), string(out)
	}
	return 0, string(out)
}
