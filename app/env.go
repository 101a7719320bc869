package app

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/passgate/passgate/internal/i18n"
)

// Env is what a command may touch of the outside world, so tests run
// commands and kiosks in-process with their own streams, clock and
// environment.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
	// Ctx ends long-running commands and kiosks: the process's interrupt
	// and terminate signals in OSEnv; nil means never.
	Ctx context.Context
}

// OSEnv is the environment of the running process.
func OSEnv() *Env {
	ctx, _ := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now, Ctx: ctx}
}

// Context is the environment's context, never nil.
func (e *Env) Context() context.Context {
	if e.Ctx == nil {
		return context.Background()
	}
	return e.Ctx
}

// Catalog picks the language: lang when given, else the locale's.
func (e *Env) Catalog(lang string) (*i18n.Catalog, error) {
	if lang == "" {
		lang = i18n.FromLocale(e.Getenv)
	}
	return i18n.New(lang)
}

// IsTerminal reports whether w is a terminal (the screen can run on it).
func IsTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
