package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/passgate/passgate/hub"
	"github.com/passgate/passgate/hub/pgstore"
	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
)

// env is what a command may use from its process: output streams, the
// clock and the environment (the locale, the data directory's default), so
// tests run commands in-process.
type env struct {
	stdin          io.Reader // a new user's password (user add)
	stdout, stderr io.Writer
	now            func() time.Time
	getenv         func(string) string
}

func osEnv() *env {
	return &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, now: time.Now, getenv: os.Getenv}
}

// cli is one run of passhub: the process's env and the catalog of the
// locale's language.
type cli struct {
	*env
	cat *i18n.Catalog
}

// run runs the command line and returns the exit status: 0, 1 for a failure,
// 2 for a usage or setup error. With no command, passhub prints its help:
// starting a server and creating a database is never done unasked.
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
		Cat:      cat,
		Stdout:   e.stdout,
		Stderr:   e.stderr,
	}
	return t.Run(ctx, args)
}

// commands is passhub's command table: serve first, then the admin
// commands.
func (c *cli) commands() []command.Command {
	return []command.Command{
		c.cmd("serve", "[flags]", "passhub.serve.summary", c.serve),
		c.cmd("kiosk add", "--venue V --kiosk K [--data DIR | --store URL]", "passhub.kiosk.add_summary", c.kioskAdd),
		c.cmd("kiosk list", "[--data DIR | --store URL]", "passhub.kiosk.list_summary", c.kioskList),
		c.cmd("kiosk revoke", "--kiosk K [--data DIR | --store URL]", "passhub.kiosk.revoke_summary", c.kioskRevoke),
		c.cmd("bundle publish", "--bundle-key PUB [--data DIR | --store URL] FILE", "passhub.bundle.publish_summary", c.bundlePublish),
		c.cmd("entries export", "--since DATE | --venue V --from T --to T [--holder H] [--format jsonl|csv] [--out FILE] [--data DIR | --store URL]", "passhub.entries.export_summary", c.entriesExport),
		c.cmd("entries counts", "--from T --to T [--venue V] [--data DIR | --store URL]", "passhub.query.counts_summary", c.entriesCounts),
		c.cmd("authority add", "--name N [--data DIR | --store URL]", "passhub.authority.add_summary", c.authorityAdd),
		c.cmd("authority list", "[--data DIR | --store URL]", "passhub.authority.list_summary", c.authorityList),
		c.cmd("authority revoke", "--name N [--data DIR | --store URL]", "passhub.authority.revoke_summary", c.authorityRevoke),
		c.cmd("purge", "[--days N] [--data DIR | --store URL]", "passhub.purge.summary", c.purge),
		c.cmd("migrate", "--store URL", "passhub.migrate.summary", c.migrate),
		c.cmd("user add", "--name N --role admin|authority [--data DIR | --store URL] < password", "passhub.user.add_summary", c.userAdd),
		c.cmd("user list", "[--data DIR | --store URL]", "passhub.user.list_summary", c.userList),
		c.cmd("user remove", "--name N [--data DIR | --store URL]", "passhub.user.remove_summary", c.userRemove),
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

// storeFlags adds --data and --store to a flag set: where a command finds
// the hub's store.
func (c *cli) storeFlags(fs *flag.FlagSet) *where {
	return &where{fs: fs, data: c.dataFlag(fs), url: fs.String("store", "", c.cat.T("passhub.flag.store")), config: c.configFlag(fs)}
}

// where is the store a command was given: bbolt in the data directory, or
// PostgreSQL at a URL.
type where struct {
	fs     *flag.FlagSet
	data   *string
	url    *string
	config *string // the configuration file, "" for none
	serve  bool    // the file's [serve] applies too
}

// check applies the configuration file (flags given win), then refuses a
// --store that is not a PostgreSQL URL, and --store with --data.
func (w *where) check(cat *i18n.Catalog) error {
	if w.config != nil {
		if err := applyConfig(cat, w.fs, *w.config, w.serve); err != nil {
			return err
		}
	}
	if *w.url == "" {
		return nil
	}
	if !isPostgresURL(*w.url) {
		return command.UsageKey(cat, "passhub.store.bad_url", redact(*w.url))
	}
	if command.Given(w.fs, "data") {
		return command.UsageKey(cat, "passhub.store.both")
	}
	return nil
}

func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// redact is a store URL fit for a message: without its password.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}

// openStore opens the data directory for the server.
func openStore(cat *i18n.Catalog, dir string, now func() time.Time) (*hub.Bolt, error) {
	st, err := hub.OpenBolt(dir, &hub.BoltOptions{Now: now})
	if errors.Is(err, hub.ErrLocked) {
		return nil, command.Errorf(cat, "passhub.serve.in_use", dir)
	}
	if err != nil {
		return nil, command.Errorf(cat, "passhub.open", dir, err)
	}
	return st, nil
}

// openPostgres opens the store at a PostgreSQL URL, migrating its schema
// if need be, for an admin command or the server. Any number of them may
// have it open at once.
func openPostgres(ctx context.Context, cat *i18n.Catalog, url string, now func() time.Time, log *slog.Logger) (*pgstore.Store, error) {
	st, err := pgstore.Open(ctx, url, &pgstore.Options{Now: now, Log: log})
	switch {
	case errors.Is(err, pgstore.ErrSchemaNewer):
		return nil, command.Errorf(cat, "passhub.store.newer", redact(url), err)
	case errors.Is(err, pgstore.ErrUnavailable):
		return nil, command.Errorf(cat, "passhub.store.unavailable", redact(url), err)
	case err != nil:
		return nil, command.Errorf(cat, "passhub.store.open", redact(url), err)
	}
	return st, nil
}
