// Command lunchtime simulates a national lunchtime at the hub, with the
// faults of 13 December 2021: PostgreSQL, two `passhub serve --store`
// replicas as child processes, a stallable TCP proxy in front of each, and
// thousands of kiosks in this process, each syncing through the real
// uplink code with both proxies as its hubs. During 11:00–14:00, compressed
// into a few minutes, one replica is SIGKILLed and started again,
// PostgreSQL is restarted -m immediate and the network to the other
// replica stalls. At the end it drains, compares every kiosk's register
// with the hub's database, and exits 1 if an entry was lost, duplicated or
// changed.
//
//	go run ./bench/lunchtime -h
//
// It is a benchmark harness, not part of passgate: its printout is in
// English only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: go run ./bench/lunchtime [flags]

A national lunchtime at the hub, simulated: PostgreSQL, 2 passhub replicas
(child processes of passhub built from ./cmd/passhub), a TCP proxy in front
of each that can stall, and -kiosks kiosks in this process, each with its
own token (passhub kiosk add), the real uplink code with both proxies as
its hubs (so it fails over) and a register in memory. Guests arrive at each
kiosk as at lunchtime, 11:00-14:00 KST compressed into -length, most of
them 12:00-13:00; an entry's id and time come from the kiosk's clock, which
shows the simulated time (the last lunchtime that is over, so the hub takes
the ids as recent); the network runs in real time.

During the run (times on the simulated clock):
  -kill      replica a gets SIGKILL, and is started again -down later
  -pg        PostgreSQL is restarted with pg_ctl restart -m immediate
  -stall     the proxy of replica b forwards nothing for -stall-for
             (connections stay open: the kiosks' requests hang until
             their -timeout, then go to replica a)

At 14:00 it waits until no kiosk has an entry waiting (at most -drain:
a kiosk that failed many times in a row waits up to 5 minutes, uplink's
longest backoff, before it tries again),
then prints: entries recorded at kiosks, entries at the hub (rows in the
database), duplicates and missing (both must be 0), the longest time an
entry waited to reach the hub (recorded -> acknowledged), and per replica
the peak requests a second, requests and 503s (read from its /metrics
every second and just before it is killed). Exit status 1 if an entry was
lost, duplicated or changed, or a fault could not be made; 2 for bad flags
or a setup that failed.

PostgreSQL: a throwaway cluster of Debian's PostgreSQL (pgtest's: a Unix
socket in a temporary directory, fsync off), or, when
PASSGATE_POSTGRES_URL names a server, a new database there, dropped at the
end (the server is then not restarted).

Flags:
`

// options are the command line's.
type options struct {
	cfg             Config
	kill, pg, stall string
	keep, quiet     bool
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{cfg: Config{
		Kiosks: 2000, PerKiosk: 150, Length: 5 * time.Minute, Warmup: 20 * time.Second,
		Down: 5 * time.Second, Stall: 30 * time.Second, ClientTimeout: 30 * time.Second, Drain: 10 * time.Minute,
		Seed: 1, Parallel: 4,
	}}
	fs := flag.NewFlagSet("lunchtime", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	c := &o.cfg
	fs.IntVar(&c.Kiosks, "kiosks", c.Kiosks, "kiosks in the fleet (two per venue)")
	fs.Float64Var(&c.PerKiosk, "per-kiosk", c.PerKiosk, "mean check-ins per kiosk from 11:00 to 14:00")
	fs.DurationVar(&c.Length, "length", c.Length, "the real time 11:00-14:00 is compressed into")
	fs.DurationVar(&c.Warmup, "warmup", c.Warmup, "the kiosks start, spread over this, before 11:00")
	fs.StringVar(&o.kill, "kill", "11:45", "when replica a is SIGKILLed (HH:MM, simulated)")
	fs.DurationVar(&c.Down, "down", c.Down, "how long replica a stays down")
	fs.StringVar(&o.pg, "pg", "12:15", "when PostgreSQL is restarted -m immediate (HH:MM, simulated)")
	fs.StringVar(&o.stall, "stall", "12:40", "when the network to replica b stalls (HH:MM, simulated)")
	fs.DurationVar(&c.Stall, "stall-for", c.Stall, "how long it stalls (real time)")
	fs.DurationVar(&c.ClientTimeout, "timeout", c.ClientTimeout, "the kiosks' HTTP timeout (uplink's default is 30s)")
	fs.DurationVar(&c.Drain, "drain", c.Drain, "the longest wait, after 14:00, for every kiosk to have nothing waiting")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "seed of the arrivals and the entries")
	fs.StringVar(&c.Passhub, "passhub", "", "a passhub binary to run (default: build ./cmd/passhub)")
	fs.IntVar(&c.Parallel, "parallel", c.Parallel, "passhub kiosk add commands run at once while setting up")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory (the replicas' logs, the bundle)")
	fs.BoolVar(&o.quiet, "q", false, "no progress on stderr")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (see -h)", fs.Arg(0))
	}
	var err error
	if c.KillAt, err = simTime("kill", o.kill); err != nil {
		return nil, err
	}
	if c.PGAt, err = simTime("pg", o.pg); err != nil {
		return nil, err
	}
	if c.StallAt, err = simTime("stall", o.stall); err != nil {
		return nil, err
	}
	switch {
	case c.Kiosks < 1 || c.Kiosks > 60000:
		return nil, fmt.Errorf("-kiosks %d: want 1 to 60000 (each kiosk has a loopback address of its own)", c.Kiosks)
	case c.PerKiosk <= 0 || c.PerKiosk > 100000:
		return nil, fmt.Errorf("-per-kiosk %g: want above 0, at most 100000", c.PerKiosk)
	case c.Length < time.Second:
		return nil, fmt.Errorf("-length %s: want at least 1s", c.Length)
	case c.Warmup < 0 || c.Down < 0 || c.Stall < 0 || c.Drain < 0:
		return nil, errors.New("-warmup, -down, -stall-for and -drain cannot be negative")
	case c.ClientTimeout < 100*time.Millisecond:
		return nil, fmt.Errorf("-timeout %s: want at least 100ms", c.ClientTimeout)
	case c.Parallel < 1:
		return nil, fmt.Errorf("-parallel %d: want at least 1", c.Parallel)
	}
	if !o.quiet {
		c.Progress = stderr
	}
	return o, nil
}

// simTime reads HH:MM between 11:00 and 14:00 as an offset from 11:00.
func simTime(flag, s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("-%s %q: want a time HH:MM between 11:00 and 14:00", flag, s)
	}
	off := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute - lunchStart
	if off < 0 || off > lunchLen {
		return 0, fmt.Errorf("-%s %s: want a time between 11:00 and 14:00", flag, s)
	}
	return off, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "lunchtime: %v\n", err)
		return 2
	}
	dir, err := os.MkdirTemp("", "lunchtime-")
	if err != nil {
		fmt.Fprintf(stderr, "lunchtime: %v\n", err)
		return 2
	}
	if o.keep {
		fmt.Fprintf(stderr, "lunchtime: work directory %s (kept)\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	o.cfg.Dir = dir
	db, closeDB, err := openDatabase(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "lunchtime: %v\n", err)
		return 2
	}
	defer func() {
		if err := closeDB(); err != nil {
			fmt.Fprintf(stderr, "lunchtime: %v\n", err)
		}
	}()
	raiseFileLimit()
	res, err := Simulate(ctx, o.cfg, db)
	if res != nil {
		res.Print(stdout)
	}
	switch {
	case err != nil && res == nil:
		fmt.Fprintf(stderr, "lunchtime: %v\n", err)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "lunchtime: %v\n", err)
		return 1
	case res.Lost():
		return 1
	}
	return 0
}

// raiseFileLimit lifts the soft limit on open files to the hard one: every
// kiosk holds connections, and the proxies two per connection.
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}
