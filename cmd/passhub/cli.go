package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/passgate/passgate/hub"
)

// env is what a command may use from its process: output streams, the
// clock and the environment, so tests run commands in-process.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
	getenv         func(string) string
}

func osEnv() *env {
	return &env{stdout: os.Stdout, stderr: os.Stderr, now: time.Now, getenv: os.Getenv}
}

// errUsage marks an error in the command line; run exits 2 for it.
var errUsage = errors.New("usage")

type command struct {
	synopsis string
	summary  string
	run      func(ctx context.Context, e *env, args []string) error
}

// commands by name; "kiosk add" is the subcommand add of the group kiosk.
// Filled in init: the commands' flag sets read it back for their help.
var commands map[string]command

func init() {
	commands = map[string]command{
		"serve":          {"serve [flags]", "run the hub (the default when no command is given)", runServe},
		"kiosk add":      {"kiosk add --venue V --kiosk K [--data DIR]", "register a kiosk and print its token, once", runKioskAdd},
		"kiosk list":     {"kiosk list [--data DIR]", "list the kiosks, revoked ones too", runKioskList},
		"kiosk revoke":   {"kiosk revoke --kiosk K [--data DIR]", "make a kiosk's token worthless at once", runKioskRevoke},
		"bundle publish": {"bundle publish --bundle-key PUB [--data DIR] FILE", "check a signed trust bundle and serve it to kiosks", runBundlePublish},
		"entries export": {"entries export --since DATE [--format jsonl|csv] [--out FILE] [--data DIR]", "write entries for the health authority", runEntriesExport},
		"purge":          {"purge [--days N] [--data DIR]", "delete entries recorded more than N days ago", runPurge},
	}
}

var order = []string{"serve", "kiosk add", "kiosk list", "kiosk revoke", "bundle publish", "entries export", "purge"}

func usage(w io.Writer) {
	fmt.Fprint(w, `passhub: the hub of passgate kiosks. It serves the signed trust bundle and
takes in the entries kiosks recorded; admin commands manage kiosks, publish
bundles and export entries for the health authority.

Usage: passhub [COMMAND] [flags]   (passhub COMMAND --help for its flags)

Commands:
`)
	for _, name := range order {
		fmt.Fprintf(w, "  %-16s %s\n", name, commands[name].summary)
	}
	fmt.Fprint(w, `
With no command, passhub serves on 127.0.0.1:8080 with its data in
$XDG_STATE_HOME/passhub (~/.local/state/passhub).

Admin commands open the data directory themselves. The database allows one
process at a time, so they refuse while "passhub serve" runs on the same
directory: stop the hub, run them, start it again. Kiosks keep their entries
meanwhile and push them when the hub is back.
`)
}

// run runs the command line and returns the exit status: 0, 1 for a failure,
// 2 for a usage error.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 && isHelp(args[0]) {
		usage(e.stdout)
		return 0
	}
	name, rest := "serve", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, rest = args[0], args[1:]
		if subs := subcommands(name); len(subs) > 0 {
			if len(rest) == 0 || strings.HasPrefix(rest[0], "-") || isHelp(rest[0]) {
				w, code := e.stderr, 2
				if len(rest) > 0 && isHelp(rest[0]) {
					w, code = e.stdout, 0
				}
				fmt.Fprintf(w, "Usage: passhub %s %s\n", name, strings.Join(subs, "|"))
				for _, sub := range subs {
					fmt.Fprintf(w, "  passhub %-60s %s\n", commands[name+" "+sub].synopsis, commands[name+" "+sub].summary)
				}
				return code
			}
			name, rest = name+" "+rest[0], rest[1:]
		}
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(e.stderr, "passhub: unknown command %q\n\n", name)
		usage(e.stderr)
		return 2
	}
	if err := c.run(ctx, e, rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(e.stderr, "passhub %s: %v\n", name, err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

func isHelp(s string) bool { return s == "-h" || s == "-help" || s == "--help" || s == "help" }

func subcommands(group string) []string {
	var out []string
	for _, n := range order {
		if sub, ok := strings.CutPrefix(n, group+" "); ok {
			out = append(out, sub)
		}
	}
	return out
}

// newFlags makes a flag set that prints its help to stdout and returns
// errors rather than exiting.
func newFlags(e *env, name string) *flag.FlagSet {
	c := commands[name]
	fs := flag.NewFlagSet("passhub "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: passhub %s\n\n%s.\n\nFlags (-flag and --flag both work):\n", c.synopsis, upperFirst(c.summary))
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
	}
	return fs
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// parseFlags parses and turns a flag error into errUsage; positional
// arguments beyond want are an error.
func parseFlags(fs *flag.FlagSet, args []string, want int) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	for _, a := range fs.Args() {
		if strings.HasPrefix(a, "-") {
			return fmt.Errorf("%w: flag %s after an argument: put flags first", errUsage, a)
		}
	}
	if fs.NArg() > want {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(want))
	}
	return nil
}

// defaultDataDir is $XDG_STATE_HOME/passhub, else ~/.local/state/passhub,
// else ./passhub-data.
func defaultDataDir(e *env) string {
	if d := e.getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "passhub")
	}
	if h := e.getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "passhub")
	}
	return "passhub-data"
}

// dataFlag adds --data to a flag set.
func dataFlag(e *env, fs *flag.FlagSet) *string {
	return fs.String("data", defaultDataDir(e), "data directory: the hub's database (hub.db) lives here")
}

// openStore opens the data directory for an admin command, with a message
// that says what to do when a running hub holds it.
func openStore(e *env, dir string) (*hub.Bolt, error) {
	st, err := hub.OpenBolt(dir, &hub.BoltOptions{Now: e.now})
	if errors.Is(err, hub.ErrLocked) {
		return nil, fmt.Errorf("the data directory %s is in use: a passhub serve is running on it (its database is locked).\n"+
			"Admin commands work on the data directory directly: stop the hub, run this command, start the hub again.\n"+
			"Kiosks keep their entries while the hub is down and push them when it is back", dir)
	}
	return st, err
}
