package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var lookPath = exec.LookPath

// Server is a throwaway PostgreSQL cluster of the test binary's own.
type Server struct {
	BinDir    string // initdb, pg_ctl, postgres
	DataDir   string
	SocketDir string // the directory of the Unix socket, which holds DataDir and LogFile too
	LogFile   string // the server's log
	Port      int    // names the socket file, .s.PGSQL.Port; there is no TCP
	User      string // the superuser, who needs no password on the socket

	proc     proc      // who runs PostgreSQL's programs: not root
	watchdog *exec.Cmd // stops the cluster when release closes
	release  *os.File  // closed by shutdown, or by the kernel when the test binary dies
}

// settings make the cluster start fast and write little; a test cluster's
// data need not survive a crash of the machine.
var settings = []string{
	"listen_addresses = ''",
	"port = 5432",
	"max_connections = 200",
	"shared_buffers = 32MB",
	"fsync = off",
	"synchronous_commit = off",
	"full_page_writes = off",
	"wal_level = minimal",
	"max_wal_senders = 0",
	"log_min_messages = warning",
}

// start makes a cluster with the programs in bin and starts it.
func start(bin string) (*Server, error) {
	p, err := unprivileged()
	if err != nil {
		return nil, err
	}
	// The socket's path must stay under about 100 bytes, and as root the
	// directory must be reachable by the user PostgreSQL runs as.
	base := os.TempDir()
	if os.Geteuid() == 0 || len(base) > 60 {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "pgtest-")
	if err != nil {
		return nil, err
	}
	if err := p.chown(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{
		BinDir: bin, SocketDir: dir, DataDir: filepath.Join(dir, "data"), LogFile: filepath.Join(dir, "postgres.log"),
		Port: 5432, User: "postgres", proc: p,
	}
	// The watchdog first: from here on, whatever happens to this process,
	// the directory goes.
	if err := s.startWatchdog(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	fail := func(err error) (*Server, error) {
		if serr := s.shutdown(); serr != nil {
			err = fmt.Errorf("%w (and cleaning up: %v)", err, serr)
		}
		return nil, err
	}
	if out, err := s.run("initdb", "-D", s.DataDir, "-U", s.User, "-A", "trust", "-E", "UTF8", "--locale=C", "-N"); err != nil {
		return fail(fmt.Errorf("initdb: %w\n%s", err, out))
	}
	conf := append([]string{"", "# pgtest", "unix_socket_directories = '" + strings.ReplaceAll(dir, "'", "''") + "'"}, settings...)
	if err := appendFile(filepath.Join(s.DataDir, "postgresql.conf"), strings.Join(conf, "\n")+"\n"); err != nil {
		return fail(err)
	}
	if err := s.Start(); err != nil {
		return fail(err)
	}
	return s, nil
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// URL is the URL of database db on the cluster.
func (s *Server) URL(db string) string {
	host := strings.ReplaceAll(url.QueryEscape(s.SocketDir), "%2F", "/")
	return fmt.Sprintf("postgres:///%s?host=%s&port=%d&user=%s&sslmode=disable", url.PathEscape(db), host, s.Port, url.QueryEscape(s.User))
}

// Database returns the URL of a new, empty database on the cluster, dropped
// at the test's end (the cluster is started again for that if the test
// stopped it).
func (s *Server) Database(t testing.TB) string {
	t.Helper()
	return create(t, s.URL("postgres"), s)
}

// Start starts the stopped cluster and waits until it takes connections.
func (s *Server) Start() error {
	return s.pgctl("start", "-l", s.LogFile)
}

// Stop stops the cluster: mode is pg_ctl's, smart, fast or immediate (a
// crash, as far as the database is concerned).
func (s *Server) Stop(mode string) error {
	return s.pgctl("stop", "-m", mode)
}

// Restart runs pg_ctl restart -m mode and waits until the cluster takes
// connections again. Every connection to it is cut.
func (s *Server) Restart(mode string) error {
	return s.pgctl("restart", "-m", mode, "-l", s.LogFile)
}

// Running tells whether the cluster's server is up.
func (s *Server) Running() bool {
	_, err := s.run("pg_ctl", "status", "-D", s.DataDir)
	return err == nil
}

func (s *Server) ensureRunning() error {
	if s.Running() {
		return nil
	}
	return s.Start()
}

func (s *Server) pgctl(action string, args ...string) error {
	args = append([]string{action, "-D", s.DataDir, "-w", "-t", "60", "-s"}, args...)
	if out, err := s.run("pg_ctl", args...); err != nil {
		return fmt.Errorf("pg_ctl %s: %w\n%s%s", action, err, out, s.logTail())
	}
	return nil
}

// run runs one of PostgreSQL's programs as the cluster's user and returns
// what it printed.
func (s *Server) run(prog string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(s.BinDir, prog), args...)
	cmd.Dir = s.SocketDir // not the test's, which that user may not enter
	cmd.Env = environ()
	cmd.SysProcAttr = s.proc.attr(false)
	cmd.WaitDelay = 10 * time.Second
	return cmd.CombinedOutput()
}

// environ is the test's environment without the PG* variables, which would
// point PostgreSQL's programs elsewhere.
func environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// logTail is the end of the server's log, to go with an error.
func (s *Server) logTail() string {
	b, err := os.ReadFile(s.LogFile)
	if err != nil || len(b) == 0 {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return "server log " + s.LogFile + ":\n" + string(b)
}

// watchdogScript waits for its standard input to close, then stops the
// cluster at once and removes its directory. $0 is pg_ctl, $1 the data
// directory, $2 the directory to remove.
const watchdogScript = `read -r _; "$0" stop -D "$1" -m immediate -w -s >/dev/null 2>&1; rm -rf "$2"`

// startWatchdog starts a shell that cleans up the cluster when this
// process lets go of the pipe's write end: by shutdown, or by dying, when
// the kernel closes it. It runs in a session of its own, so a Ctrl-C meant
// for the tests does not stop it first, and as the cluster's user, so that
// pg_ctl runs.
func (s *Server) startWatchdog() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	cmd := exec.Command("/bin/sh", "-c", watchdogScript, filepath.Join(s.BinDir, "pg_ctl"), s.DataDir, s.SocketDir)
	cmd.Stdin = r
	cmd.Dir = s.SocketDir
	cmd.Env = environ()
	cmd.SysProcAttr = s.proc.attr(true)
	if err := cmd.Start(); err != nil {
		w.Close()
		return fmt.Errorf("start the cluster's watchdog: %w", err)
	}
	s.watchdog, s.release = cmd, w
	return nil
}

// shutdown has the watchdog stop the cluster and remove its directory, and
// waits for it.
func (s *Server) shutdown() error {
	s.release.Close()
	done := make(chan error, 1)
	go func() { done <- s.watchdog.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("stopping the cluster in %s: %w", s.SocketDir, err)
		}
	case <-time.After(2 * time.Minute):
		return fmt.Errorf("the cluster in %s did not stop in 2 minutes", s.SocketDir)
	}
	if _, err := os.Stat(s.SocketDir); !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s is still there after the cluster stopped", s.SocketDir)
	}
	return nil
}

// String describes the cluster for a log line.
func (s *Server) String() string {
	return "PostgreSQL of " + s.BinDir + " on " + filepath.Join(s.SocketDir, ".s.PGSQL."+strconv.Itoa(s.Port))
}
