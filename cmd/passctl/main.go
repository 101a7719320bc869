// Command passctl is the issuer and operator tool of passgate: bundle-signing
// keys, signed trust bundles, and test certificates and passes.
//
// Each subcommand lives in its own file and registers itself in commands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

// env is what a subcommand may use: its output streams and the clock, so
// tests can run subcommands in-process.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
}

type command struct {
	summary string
	run     func(e *env, args []string) error
}

// errUsage marks an error in the command line; main exits 2 for it.
var errUsage = errors.New("usage")

// commands is filled by the init functions of the subcommand files.
var commands = map[string]command{}

func main() {
	e := &env{stdout: os.Stdout, stderr: os.Stderr, now: time.Now}
	os.Exit(run(e, os.Args[1:]))
}

func run(e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "passctl: unknown command %q\n\n", args[0])
		usage(e.stderr)
		return 2
	}
	if err := c.run(e, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(e.stderr, "passctl %s: %v\n", args[0], err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "passctl: issuer and operator tool for passgate trust bundles and test passes")
	fmt.Fprintln(w, "\nUsage: passctl COMMAND [flags]   (passctl COMMAND -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-16s %s\n", n, commands[n].summary)
	}
}

// newFlags makes a flag set for a subcommand that writes its help to stderr
// and returns errors instead of exiting.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("passctl "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: passctl %s %s\n\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses and turns a flag error into errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}
