package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
)

// env is what a command may use from its process: output streams, the
// clock and the environment (the locale, the data directory's default), so
// tests run commands in-process.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
	getenv         func(string) string
}

func osEnv() *env {
	return &env{stdout: os.Stdout, stderr: os.Stderr, now: time.Now, getenv: os.Getenv}
}

// cli is one run of passhub: the process's env and the catalog of the
// locale's language.
type cli struct {
	*env
	cat *i18n.Catalog
}

// run runs the command line and returns the exit status: 0, 1 for a failure,
// 2 for a usage or setup error. With no command, passhub serves.
func run(ctx context.Context, e *env, args []string) int {
	cat, err := i18n.New(i18n.FromLocale(e.getenv))
	if err != nil {
		fmt.Fprintf(e.stderr, "passhub: %v\n", err)
		return command.ExitUsage
	}
	c := &cli{env: e, cat: cat}
	cmds := c.commands()
	t := &command.Table{
		Program:  "passhub",
		About:    "passhub.about",
		Commands: cmds,
		Footer:   "passhub.footer",
		Default:  cmds[0].Run, // serve
		Cat:      cat,
		Stdout:   e.stdout,
		Stderr:   e.stderr,
	}
	return t.Run(ctx, args)
}

// commands is passhub's command table: serve first (it is also what runs
// with no command), then the admin commands.
func (c *cli) commands() []command.Command {
	return []command.Command{
		c.cmd("serve", "[flags]", "passhub.serve.summary", c.serve),
		c.cmd("kiosk add", "--venue V --kiosk K [--data DIR]", "passhub.kiosk.add_summary", c.kioskAdd),
		c.cmd("kiosk list", "[--data DIR]", "passhub.kiosk.list_summary", c.kioskList),
		c.cmd("kiosk revoke", "--kiosk K [--data DIR]", "passhub.kiosk.revoke_summary", c.kioskRevoke),
		c.cmd("bundle publish", "--bundle-key PUB [--data DIR] FILE", "passhub.bundle.publish_summary", c.bundlePublish),
		c.cmd("entries export", "--since DATE [--format jsonl|csv] [--out FILE] [--data DIR]", "passhub.entries.export_summary", c.entriesExport),
		c.cmd("purge", "[--days N] [--data DIR]", "passhub.purge.summary", c.purge),
	}
}

// cmd makes an entry of the table; its run gets the command's flag set,
// and -h prints the command's help.
func (c *cli) cmd(name, args, summary string, run func(ctx context.Context, fs *flag.FlagSet, args []string) error) command.Command {
	return command.WithFlags(c.cat, c.stdout, "passhub", command.Command{Name: name, Args: args, Summary: summary}, run)
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
func (c *cli) dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", defaultDataDir(c.env), c.cat.T("passhub.flag.data"))
}

// openStore opens the data directory for an admin command or the server,
// with a message that says what to do when a running hub holds it.
func openStore(cat *i18n.Catalog, dir string, now func() time.Time) (*hub.Bolt, error) {
	st, err := hub.OpenBolt(dir, &hub.BoltOptions{Now: now})
	if errors.Is(err, hub.ErrLocked) {
		return nil, command.Errorf(cat, "passhub.in_use", dir)
	}
	if err != nil {
		return nil, command.Errorf(cat, "passhub.open", dir, err)
	}
	return st, nil
}
