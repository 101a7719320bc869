// Package cli implements the passgate command line: subcommand dispatch,
// flags, and rendering verdicts for a terminal or as JSON. cmd/passgate only
// calls Main; everything here runs in-process in tests.
package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
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

type subcommand struct {
	summary string
	run     func(e *Env, args []string) int
}

func subcommands() map[string]subcommand {
	return map[string]subcommand{
		"verify":   {"verify a pass offline and print the verdict", Verify},
		"scan":     {"decode QR codes in image files", Scan},
		"devices":  {"list cameras and replay sources", Devices},
		"watch":    {"read QR codes from a camera or a replay and print them", Watch},
		"register": {"figures, export and purge of the entry register", Register},
		"sync":     {"push the register to the hub and pull the trust bundle", Sync},
	}
}

// Main runs passgate with its arguments (without the program name) and
// returns the exit code.
func Main(e *Env, args []string) int {
	if len(args) == 0 {
		return intro(e)
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage(e.Stdout)
		return ExitOK
	}
	c, ok := subcommands()[args[0]]
	if !ok {
		fmt.Fprintf(e.Stderr, "passgate: unknown command %q\n\n", args[0])
		usage(e.Stderr)
		return ExitUsage
	}
	return c.run(e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprint(w, `passgate: offline verification of vaccine passes at a venue entrance

Usage:
  passgate                   show what this build can do
  passgate verify [flags] (PAYLOAD | - | --image FILE)
                             verify a pass offline against a signed trust bundle
  passgate scan [--json] [--repeat N] FILE...
                             decode QR codes in PNG, JPEG, WebP or PGM files
  passgate register (stats | export --since DATE | purge)   the entry register: figures, export, purge

Run "passgate COMMAND -h" for the flags of a command.
`)
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
