// Package cli implements the passgate command line: subcommand dispatch,
// flags, and rendering verdicts for a terminal or as JSON. cmd/passgate only
// calls Main; everything here runs in-process in tests.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/passgate/passgate/internal/i18n"
)

// Env is what a command may touch of the outside world, so tests can run
// commands in-process with their own streams, clock and environment.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
	// Ctx ends long-running commands (watch): the process's interrupt
	// signal in OSEnv; nil means never.
	Ctx context.Context
}

func (e *Env) ctx() context.Context {
	if e.Ctx == nil {
		return context.Background()
	}
	return e.Ctx
}

// OSEnv is the environment of the running process.
func OSEnv() *Env {
	ctx, _ := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now, Ctx: ctx}
}

// Exit codes shared by the subcommands.
const (
	ExitOK       = 0 // success; for verify: the pass is valid
	ExitNotValid = 1 // verify: the pass is not valid; scan: a file did not decode
	ExitUsage    = 2 // bad flags, unreadable input, I/O errors
)

// subcommand runs one passgate command; its summary is the catalog's
// "usage.NAME".
type subcommand func(e *Env, args []string) int

func subcommands() map[string]subcommand {
	return map[string]subcommand{
		"verify":   Verify,
		"scan":     Scan,
		"devices":  Devices,
		"watch":    Watch,
		"register": Register,
		"sync":     Sync,
		"init":     Init,
		"pin-hash": PINHash,
	}
}

// Main runs passgate with its arguments (without the program name) and
// returns the exit code.
func Main(e *Env, args []string) int {
	if len(args) == 0 {
		return intro(e)
	}
	if isScreenFlag(args[0]) {
		return Screen(e, args)
	}
	switch args[0] {
	case "--headless":
		return Headless(e, args[1:])
	case "-h", "--help", "help":
		usage(e, e.Stdout)
		return ExitOK
	}
	c, ok := subcommands()[args[0]]
	if !ok {
		c, _ := catalog(e, "")
		fmt.Fprintf(e.Stderr, "passgate: %s\n\n", c.T("usage.unknown", args[0]))
		usage(e, e.Stderr)
		return ExitUsage
	}
	return c(e, args[1:])
}

// usage lists the commands, in the language of the locale.
func usage(e *Env, w io.Writer) {
	c, _ := catalog(e, "")
	fmt.Fprintln(w, c.T("usage.header"))
	cmds := subcommands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  passgate %-9s %s\n", n, c.T("usage."+n))
	}
	fmt.Fprintln(w, c.T("usage.footer"))
}

// catalog picks the language: the flag, else the locale.
func catalog(e *Env, lang string) (*i18n.Catalog, error) {
	if lang == "" {
		lang = i18n.FromLocale(e.Getenv)
	}
	return i18n.New(lang)
}

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(e *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("passgate "+name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.Stderr, "Usage: passgate %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses a command's flags. When it returns false the command
// ends with the code: 0 after -h (the usage was printed), 2 for a bad flag
// (the flag package named it).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	return ExitOK, true
}
